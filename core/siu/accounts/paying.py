"""The paying municipality (betalingskommune): DST compiles SIU by the municipality that pays.

Sources read a municipality column where the export has one (``kommune``, aliases in
:data:`siu.tabular.COMMON_ALIASES`), checked by SIU403, and the other municipality of a payment
to or from another municipality (``counterpart``). Lines on art 4.7 (payments *to* other
municipalities) and 7.7 (payments *from* other municipalities) are explained per counterpart
municipality (SIU446), so the finance officer can see whose expenditure they are.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from siu.base.i18n import kroner
from siu.batches import info_of, money
from siu.context import Context
from siu.models import Record
from siu.rules import Hit, delivery_rule


@lru_cache(maxsize=1)
def kommuner() -> dict[str, str]:
    """DST's municipality codes → names (shipped with siu)."""
    path = Path(__file__).parents[1] / "data" / "kommuner.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["kommunekode"]: row["kommunenavn"] for row in csv.DictReader(fh)}


ARTS = {
    "4.7": ("betaling til andre kommuner", "payment to other municipalities"),
    "7.7": ("betaling fra andre kommuner", "payment from other municipalities"),
}


def _fold(text: str) -> str:
    return (
        unicodedata.normalize("NFKD", text)
        .encode("ascii", "ignore")
        .decode()
        .casefold()
        .replace(" kommune", "")
        .strip()
    )


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:

    return {_fold(name): code for code, name in kommuner().items()}


def kommune_code(value: str | None) -> str | None:
    """A municipality code (``101``) from what an export holds: ``101``, ``0101``, ``København``,
    ``Københavns Kommune``; the text itself (stripped) when it is neither, None when blank."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():  # "²" and full-width digits are not a code
        return text[-3:].zfill(3) if len(text) <= 4 else text
    folded = _fold(text)
    names = _names()
    return names.get(folded) or names.get(folded.removesuffix("s")) or text


def kommune_name(code: str) -> str:

    return kommuner().get(code, "?")


_ART_VALUES = pa.array(list(ARTS), pa.string())
_COUNTERPART = pa.scalar("counterpart", pa.string())


class OtherMunicipalitiesCheck:
    """Lines, citizens and money per (art 4.7/7.7, counterpart municipality)."""

    def __init__(self, ctx: Context) -> None:
        self.kommune = ctx.kommune
        self.groups: dict[tuple[str, str | None], list] = {}

    def observe(self, record: Record) -> None:
        art = record.art
        if art not in ARTS:
            return
        counterpart = kommune_code((record.dims or {}).get("counterpart"))
        key = (art, counterpart)
        entry = self.groups.get(key)
        if entry is None:
            entry = self.groups[key] = [0, set(), Decimal(0), record.location]
        entry[0] += 1
        if record.psr_id:
            entry[1].add(record.psr_id)
        entry[2] += record.amount

    def observe_batch(self, batch: pa.RecordBatch) -> None:
        """The lines of the paying-municipality arts, counted per (art, counterpart) on columns."""
        lines = batch.filter(pc.is_in(batch.column("art"), value_set=_ART_VALUES))
        if not lines.num_rows:
            return
        named = pc.map_lookup(lines.column("dims_other"), _COUNTERPART, "first")
        codes = {v: kommune_code(v) for v in pc.unique(named).to_pylist()}
        keys = pc.dictionary_encode(pc.binary_join_element_wise(lines.column("art"), pc.fill_null(named, ""), "\x1f"))
        indices = keys.indices.to_numpy()
        info, numbers = info_of(lines), lines.column("row")
        for k, text in enumerate(keys.dictionary.to_pylist()):
            art, named_as = text.split("\x1f")
            mask = pa.array(indices == k)
            group = lines.filter(mask)
            entry = self.groups.get((art, codes[named_as or None]))
            if entry is None:
                first = numbers[int(np.argmax(indices == k))].as_py()
                entry = self.groups[(art, codes[named_as or None])] = [0, set(), Decimal(0), info.location(first)]
            entry[0] += group.num_rows
            entry[1].update(v for v in pc.unique(group.column("psr_id")).to_pylist() if v)
            entry[2] += money(group)

    def finish(self) -> Iterator[Hit]:
        for (art, code), (lines, citizens, amount, loc) in sorted(
            self.groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
        ):
            if code is None:
                who_da, who_en = "ukendt (ingen modpartskolonne)", "unknown (no counterpart column)"
            else:
                name = kommune_name(code)
                who_da = who_en = f"{code} {name}" if name != "?" else code
            if art == "4.7":
                meaning_da = (
                    f"Kommunen {self.kommune} betaler som betalingskommune; udgiften er kommunens egen "
                    "og hører i leverancen."
                )
                meaning_en = (
                    f"Municipality {self.kommune} pays as paying municipality; the expenditure is its "
                    "own and belongs in the delivery."
                )
            else:
                meaning_da = (
                    "Modparten refunderer som betalingskommune; udgiften er modpartens, og indtægten "
                    "modregnes kommunens udgift til de samme borgere."
                )
                meaning_en = (
                    "The counterpart reimburses as paying municipality; the expenditure is theirs, and "
                    "the revenue offsets the municipality's expenditure on the same citizens."
                )
            yield Hit(
                location=loc,
                art=art,
                art_text=ARTS[art][0],
                art_text_en=ARTS[art][1],
                counterpart=who_da,
                counterpart_en=who_en,
                lines=lines,
                citizens=len(citizens),
                amount=kroner(amount),
                meaning=meaning_da,
                meaning_en=meaning_en,
            )


OtherMunicipalities = delivery_rule("SIU446")(OtherMunicipalitiesCheck)
