"""What ``siu mapping init`` drafts from (private): the postings read, grouped by local account
combination, and the starter file written from them (TOML with one ``[[rule]]`` per combination,
or CSV).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from siu.adapters import ReadInfo, ReadOptions
from siu.base.cpr import mask_cpr
from siu.batches import decimal_of
from siu.mapping import DIMENSIONS, MappingError, MappingFile, load_mapping
from siu.models import Posting
from siu.parsing import format_amount_danish

if TYPE_CHECKING:
    import numpy as np

    from siu.base.config import Settings
    from siu.host.plugins import PluginHost
    from siu.report.result import InputSpec


# The dimensions that name a cost carrier; the artskonto only gives the art, so it joins the
# combination only when a posting has nothing else.
_CARRIERS = ("psp", "cost_centre", "gl_account")
_SHOWN_ARTSKONTI = 5


def account_key(dims: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The local account combination a starter rule is written for."""
    # A G/L account that is also the artskonto (SAP, `art_from`) gives the art, not the function.
    key = tuple(
        (d, dims[d]) for d in _CARRIERS if dims.get(d) and not (d == "gl_account" and dims[d] == dims.get("artskonto"))
    )
    if not key and dims.get("artskonto"):
        key = (("artskonto", dims["artskonto"]),)
    return key


@dataclass
class Combination:
    """Postings of one local account combination: how many, how much, which artskonti."""

    key: tuple[tuple[str, str], ...]
    postings: int = 0
    total: Decimal = Decimal(0)
    gross: Decimal = Decimal(0)
    artskonti: Counter[str] = field(default_factory=Counter)
    rules: tuple[str, ...] = ()  # for ambiguous combinations: the rules that match, winner first

    def add(self, posting: Posting) -> None:
        self.add_rows(1, posting.amount, abs(posting.amount), posting.dims.get("artskonto"))

    def add_rows(self, postings: int, total: Decimal, gross: Decimal, artskonto: str | None) -> None:
        """Add ``postings`` postings of one artskonto, summing to ``total`` (``gross`` unsigned)."""
        self.postings += postings
        self.total += total
        self.gross += gross
        if artskonto:
            self.artskonti[artskonto] += postings

    @property
    def dims(self) -> dict[str, str]:
        return dict(self.key)


def by_size(combos: dict[Any, Combination]) -> list[Combination]:
    """Largest amounts first (by gross amount, so revenue counts as much as expenditure)."""
    return sorted(combos.values(), key=lambda c: (-c.gross, -c.postings, c.key))


# --- reading -------------------------------------------------------------------------------


@dataclass
class Scan:
    """What reading the inputs gave besides postings."""

    postings: int = 0
    unreadable: int = 0  # rows the adapters reported as findings
    failures: list[str] = field(default_factory=list)  # adapters that stopped (masked messages)
    files: list[str] = field(default_factory=list)


def input_specs_of(
    inputs: list[str], sources: list[str], settings: Settings, host: PluginHost, lang: str, read: ReadOptions
) -> list[InputSpec]:
    from siu.convert.run import check_read_options, input_specs, parse_inputs

    pairs = parse_inputs(inputs, sources, host.sources, lang)
    check_read_options(read, [path for _, path in pairs])
    return input_specs(pairs, settings, host, read, lang, quiet=True)


def read_batches(specs: list[InputSpec], host: PluginHost, scan: Scan) -> Iterator[pa.RecordBatch]:
    """The inputs' postings as batches, as ``convert`` reads them; the findings only counted."""
    from siu.convert.stream import chunks

    for index, spec in enumerate(specs):
        scan.files.append(f"{spec.path.name} ({spec.source})")
        try:
            for chunk in chunks(host.sources[spec.source], spec.path, spec.options, ReadInfo(), index):
                scan.unreadable += len(chunk.findings)
                if chunk.batch is not None:
                    scan.postings += chunk.batch.num_rows
                    yield chunk.batch
        except Exception as exc:  # an adapter bug must not become a traceback with personal data
            scan.failures.append(mask_cpr(f"{spec.path.name}: {exc.__class__.__name__}: {exc}"))


def no_postings_error(scan: Scan) -> Any:
    """The usage error for inputs without a single posting (nothing to draft or check)."""
    from siu.convert.run import UsageError

    files = ", ".join(scan.files)
    return UsageError(
        f"Ingen posteringer i {files}: tomt udtræk eller kun overskrifter? (`siu validate` viser fundene)",
        f"No postings in {files}: an empty export or only headers? (`siu validate` shows the findings)",
    )


def mapping_path(mapping: Path | None, settings: Settings) -> Path | None:
    return mapping.resolve() if mapping else settings.resolve(settings.mapping)


def load_file(path: Path, lang: str) -> MappingFile:
    from siu.cli.common import fail

    try:
        return load_mapping(path)
    except MappingError as exc:
        fail(lang, exc)


# --- the starter file ----------------------------------------------------------------------


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, except that DEL must be escaped too)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def starter_toml(combos: list[Combination], scan: Scan, covered: int, today: dt.date) -> str:
    """The starter mapping file: one rule to fill in per combination, with count and total."""
    postings = sum(c.postings for c in combos)
    total = sum((c.total for c in combos), Decimal(0))
    lines = [
        f"# Tilknytningsfil til siu — udkast fra `siu mapping init` {today.isoformat()}",
        "# Mapping file for siu — draft from `siu mapping init`",
        "#",
        f"# Input: {', '.join(scan.files)}",
        f"# {len(combos)} lokale kontokombinationer uden regel: {postings} posteringer, i alt "
        f"{format_amount_danish(total)} kr." + (f" ({covered} posteringer var allerede dækket)" if covered else ""),
        f"# {len(combos)} local account combinations without a rule: {postings} postings, total {total:.2f} DKK",
        "#",
        "# Udfyld function, grouping og evt. dranst og paragraph i hver regel (se docs/mapping.md).",
        "# En regel uden function springes over, så filen kan bruges, mens den udfyldes.",
        "# Den første regel, der passer, vinder. Arten tages fra artskontoens to første cifre.",
        "# Fill in function, grouping and, where needed, dranst and paragraph in each rule.",
        "# A rule without function is skipped. The first matching rule wins; the art comes from the",
        "# artskonto's first two digits.",
        "#",
        '# Konti uden for SIU (fx i et udtræk pr. omkostningssted): skriv exclude = true og reason = "..."',
        "# i stedet for function; posteringerne udelades og tælles med antal og beløb i rapporten (SIU208).",
        '# Accounts outside SIU (e.g. in an export cut by cost centre): write exclude = true and reason = "..."',
        "# instead of function; the postings are left out and counted with rows and money in the report (SIU208).",
    ]
    for c in combos:
        lines.append("")
        lines.append("[[rule]]")
        lines.append(f"# {c.postings} posteringer, i alt {format_amount_danish(c.total)} kr.")
        if c.artskonti:
            shown = ", ".join(
                f"{a} ({n})" for a, n in sorted(c.artskonti.items(), key=lambda x: (-x[1], x[0]))[:_SHOWN_ARTSKONTI]
            )
            more = len(c.artskonti) - _SHOWN_ARTSKONTI
            lines.append(f"# artskonti: {shown}" + (f" og {more} flere" if more > 0 else ""))
        lines.append('name = ""')
        for dim, value in c.key:
            lines.append(f"{dim} = {_toml_string(value)}")
        lines.append('function = ""     # fx "5.38.50"')
        lines.append('dranst = "1"      # 1 drift')
        lines.append('grouping = ""     # fx "001"')
        lines.append('paragraph = ""    # kun hvis kontoplanen ikke afgør paragraffen, fx "SEL109"')
    return "\n".join(lines) + "\n"


def starter_csv(combos: list[Combination]) -> str:
    """The starter mapping as CSV (``;``-separated, for a spreadsheet): one row to fill in per
    combination, with its posting count and total in the last two columns."""
    columns = [
        "name",
        *DIMENSIONS,
        "function",
        "dranst",
        "grouping",
        "paragraph",
        "exclude",
        "reason",
        "postings",
        "total",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for c in combos:
        dims = c.dims
        writer.writerow(
            [
                "",
                *(dims.get(d, "") for d in DIMENSIONS),
                "",
                "1",
                "",
                "",
                "",
                "",
                c.postings,
                format_amount_danish(c.total),
            ]
        )
    return buffer.getvalue()


def uncovered(
    batches: Iterable[pa.RecordBatch], existing: MappingFile | None
) -> tuple[dict[tuple[tuple[str, str], ...], Combination], int]:
    """The local account combinations no kontostreng and no rule of ``existing`` covers, and how
    many postings were covered; each distinct account looked at once."""
    from siu.accounts.columns import answers_per_key

    def draft(posting: Posting) -> tuple[tuple[tuple[str, str], ...], str | None] | None:
        """The combination and artskonto a starter rule counts the account under; None: covered."""
        dims = posting.dims
        if dims.get("kontostreng") or (existing is not None and existing.find(dims) is not None):
            return None
        return account_key(dims), dims.get("artskonto")

    combos: dict[tuple[tuple[str, str], ...], Combination] = {}
    covered = 0
    drafts: dict[str, tuple[tuple[tuple[str, str], ...], str | None] | None] = {}
    for batch in batches:
        indices, answers = answers_per_key(batch, drafts, draft)
        for answer, (postings, total, gross) in zip(answers, key_sums(batch, indices, len(answers)), strict=True):
            if answer is None:
                covered += postings
                continue
            key, artskonto = answer
            combos.setdefault(key, Combination(key)).add_rows(postings, total, gross, artskonto)
    return combos, covered


def key_sums(batch: pa.RecordBatch, indices: np.ndarray, count: int) -> list[tuple[int, Decimal, Decimal]]:
    """Per account of the batch (``indices`` per row): its postings, their sum and their unsigned sum."""
    amount = batch.column("amount")
    table = pa.table({"k": indices, "amount": amount, "gross": pc.abs(amount), "scale": batch.column("amount_scale")})
    sums = [("k", "count"), ("amount", "sum"), ("gross", "sum"), ("scale", "max")]
    got = table.group_by("k", use_threads=False).aggregate(sums)
    out = [(0, Decimal(0), Decimal(0))] * count
    columns = got.select(["k", "k_count", "amount_sum", "gross_sum", "scale_max"]).to_pydict().values()
    for k, n, total, gross, scale in zip(*columns):
        out[k] = (n, decimal_of(total, scale), decimal_of(gross, scale))
    return out
