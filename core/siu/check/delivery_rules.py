"""Delivery rules over the whole delivery (SIU401-SIU404, SIU420): duplicates, revenue without
expenditure, several municipalities or years, extreme annualised expenditure.

Each check observes record batches (:data:`siu.batches.RECORD_SCHEMA`) and keeps its state as
Arrow tables of per-key aggregates (:mod:`siu.check.grouped`), not Python objects per citizen;
``observe(record)`` (API 1) gathers records into batches. Part of siu's built-in rules
(:mod:`siu.check.builtin` registers them); private.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from siu.accounts.paying import kommune_code
from siu.base.i18n import Text, kroner
from siu.catalogue.check_delivery import ABOVE_CEILING, ANONYMOUS_DUPLICATE, SEVERAL_YEARS_SPREAD
from siu.check.citizens import flag
from siu.check.grouped import ZERO, BatchCheck, Grouped, count_first, rows_of, truthy, valid_period
from siu.check.hashing import line_keys
from siu.context import Context
from siu.models import Location
from siu.rules import Hit, delivery_rule

# --- delivery rules ------------------------------------------------------------------------


def _where(loc: Location, lang: str) -> str:
    """A location as a message names it: ``in.csv, række 2`` (``in.csv, row 2``)."""
    return loc.describe(lang, column=False)


class DuplicateLinesCheck(BatchCheck):
    """Keeps 8 bytes and a bit per line (a 64-bit hash of the line, and whether it is anonymised),
    not the lines; a hash's place in the list is its line's reading position.

    A line's hash is :func:`siu.check.hashing.line_keys` of its key columns (on whole columns;
    12,5 and 12,50 hash alike); at the end, equal hashes are grouped at once. Locations are kept
    as runs of consecutive rows (:class:`~siu.check.grouped.Places`), found again from the
    reading position when a duplicate is reported. Lines are not kept, so a repeat cannot be
    checked again: two different lines share a 64-bit hash with a probability of about n²/2⁶⁵
    (3·10⁻⁸ for a million lines), an accepted risk for a check whose finding the user verifies anyway."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.hashes: list[pa.Array] = []  # int64 per line, in reading order
        self.anonymised: list[pa.Array] = []  # a bit per line

    def observe_lines(self, batch: pa.RecordBatch) -> None:
        self.places.add(batch)  # the runs of rows, to find a duplicate's location again
        self.hashes.append(_line_hashes(batch))
        self.anonymised.append(batch.column("anonymised"))

    def _repeated(self) -> pa.Table | None:
        """The lines whose hash another line shares (h, pos, anonymised). The repeated hashes are
        found one sixteenth of the hashes at a time (by their low bits), each part sorted, so the
        work at the end needs about a byte per line beside the 8 the check keeps."""
        chunks = [h.to_numpy() for h in self.hashes]
        repeated = []
        for part in range(_PARTS):
            picked = np.concatenate([c[(c & (_PARTS - 1)) == part] for c in chunks])
            picked.sort()
            repeated.append(np.unique(picked[1:][picked[1:] == picked[:-1]]))
        values = np.concatenate(repeated)
        if not len(values):
            return None
        hashes, positions, anonymised = [], [], []
        first = 0  # the chunk's first reading position
        for c, flags in zip(chunks, self.anonymised, strict=True):
            hit = np.flatnonzero(np.isin(c, values))
            if len(hit):
                hashes.append(c[hit])
                positions.append(hit + first)
                anonymised.append(flags.take(pa.array(hit)))
            first += len(c)
        self.hashes, self.anonymised = [], []
        return pa.table(
            {
                "h": pa.array(np.concatenate(hashes)),
                "pos": pa.array(np.concatenate(positions).astype(np.int64)),
                "anonymised": pa.concat_arrays(anonymised),
            }
        )

    def finish(self) -> Iterator[Hit]:
        self.flush()
        if not self.hashes:
            return
        lines = self._repeated()
        if lines is None:
            return
        groups = lines.group_by("h", use_threads=False).aggregate(
            [("pos", "count"), ("pos", "min"), ("anonymised", "all")]
        )
        dups = lines.select(["h", "pos"]).join(groups, keys="h", join_type="inner", use_threads=False)
        dups = dups.filter(pc.not_equal(dups.column("pos"), dups.column("pos_min"))).sort_by("pos")
        for pos, count, first, anonymous in rows_of(dups, ["pos", "pos_count", "pos_min", "anonymised_all"]):
            where = self.places.location_at(first)
            first_da, first_en = _where(where, "da"), _where(where, "en")
            loc = self.places.location_at(pos)
            if anonymous:
                yield Hit(
                    location=loc, code=ANONYMOUS_DUPLICATE, count_other=count - 1, first_da=first_da, first_en=first_en
                )
            else:
                yield Hit(location=loc, count=count, first_da=first_da, first_en=first_en)


_PARTS = 16  # the hashes are searched for repeats in this many parts (a power of two)
# siu.models.Record.key: (psr_id, kontostreng, paragraph, amount, start, end)
_TEXTS, _DAYS, _AMOUNTS = ("psr_id", "kontostreng", "record_paragraph"), ("start", "end"), ("amount",)


def _line_hashes(batch: pa.RecordBatch) -> pa.Array:
    """A 64-bit hash of each line's key (int64)."""
    return pa.array(line_keys(batch, _TEXTS, _DAYS, _AMOUNTS).view(np.int64))


DuplicateLines = delivery_rule("SIU401")(DuplicateLinesCheck)


class RevenueWithoutExpenditureCheck(BatchCheck):
    """Keeps the citizen and paragraph pairs with expenditure, and a total per pair with revenue."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.expenditure = Grouped(("psr", "paragraph"), ())  # the pairs only
        self.revenue = Grouped(("psr", "paragraph"), (("amount", "sum"), ("pos", "min")))

    def observe_lines(self, batch: pa.RecordBatch) -> None:
        psr, paragraph, amount = batch.column("psr_id"), batch.column("record_paragraph"), batch.column("amount")
        keep = pc.and_(pc.and_(truthy(psr), truthy(paragraph)), pc.not_equal(amount, ZERO))
        lines = self.located(batch, psr=psr, paragraph=paragraph, amount=amount).filter(keep)
        positive = pc.greater(lines.column("amount"), ZERO)
        self.expenditure.add(lines.filter(positive).select(["psr", "paragraph"]))
        self.revenue.add(lines.filter(pc.invert(positive)))

    def finish(self) -> Iterator[Hit]:
        self.flush()
        revenue, expenditure = self.revenue.table(), self.expenditure.table()
        if revenue is None:
            return
        if expenditure is not None:
            # The citizens with revenue are few: their pairs first, so the join's hash table is small too.
            pairs = expenditure.filter(pc.is_in(expenditure.column("psr"), revenue.column("psr")))
            revenue = revenue.join(pairs, keys=["psr", "paragraph"], join_type="left anti", use_threads=False)
        revenue = revenue.sort_by("pos_min")
        for psr, paragraph, total, pos in rows_of(revenue, ["psr", "paragraph", "amount_sum", "pos_min"]):
            flag(self.ctx, psr, paragraph, "SIU402")  # shown in the per-citizen view
            yield Hit(
                location=self.places.location_at(pos, "cpr"),
                field="cpr",
                value=psr,
                revenue=kroner(total),
                paragraph=paragraph,
            )


RevenueWithoutExpenditure = delivery_rule("SIU402")(RevenueWithoutExpenditureCheck)


class SeveralMunicipalitiesCheck(BatchCheck):
    """Lines and the first line per other municipality, counted per distinct stated value."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.kommune = ctx.kommune
        self.other: dict[str, list] = {}

    def observe_lines(self, batch: pa.RecordBatch) -> None:
        code = batch.column("dim_kommune")
        lines = self.located(batch, code=code).filter(pc.and_(truthy(code), pc.not_equal(code, self.kommune)))
        count_first(self.other, lines, "code", self._other)

    def _other(self, code: object) -> str | None:
        named = kommune_code(str(code)) or str(code)  # "0101", "København" and "Københavns Kommune" are 101
        return None if named == self.kommune else named

    def finish(self) -> Iterator[Hit]:
        self.flush()
        for code, (count, pos) in sorted(self.other.items()):
            yield Hit(location=self.places.location_at(pos), other=code, count=count, kommune=self.kommune)


SeveralMunicipalities = delivery_rule("SIU403")(SeveralMunicipalitiesCheck)


SPREAD_MIN_LINES, SPREAD_MIN_SHARE = 10, 0.10


class SeveralYearsCheck(BatchCheck):
    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.year = ctx.year
        self.stated: dict[str, list] = {}
        self.period_years: dict[int, list] = {}
        self.total = 0

    def observe_lines(self, batch: pa.RecordBatch) -> None:
        self.total += batch.num_rows
        start, end, stated = batch.column("start"), batch.column("end"), batch.column("dim_year")
        lines = self.located(batch, start=pc.year(start), end=pc.year(end), stated=stated)
        same = pc.and_(
            pc.equal(lines.column("start"), lines.column("end")), pc.not_equal(lines.column("end"), self.year)
        )
        count_first(self.period_years, lines.filter(pc.fill_null(same, False)), "end", lambda y: y)
        count_first(self.stated, lines.filter(truthy(stated)), "stated", self._other)

    def _other(self, stated: object) -> str | None:
        text = str(stated).strip()
        return None if text == str(self.year) else text

    def finish(self) -> Iterator[Hit]:
        self.flush()
        for other, (count, pos) in sorted(self.stated.items()):
            yield Hit(location=self.places.location_at(pos), other=other, count=count, year=self.year)
        for period_year, (count, pos) in sorted(self.period_years.items()):
            if count >= SPREAD_MIN_LINES and count >= SPREAD_MIN_SHARE * self.total:
                yield Hit(
                    location=self.places.location_at(pos),
                    code=SEVERAL_YEARS_SPREAD,
                    other=period_year,
                    count=count,
                    total=self.total,
                    year=self.year,
                )


SeveralYears = delivery_rule("SIU404")(SeveralYearsCheck)


MIN_CITIZENS_FOR_BOUNDS = 5


class ExtremeValuesCheck(BatchCheck):
    """Per citizen and paragraph: expenditure, first start, last end and first line, as Arrow columns."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.per = Grouped(
            ("psr", "paragraph"),
            (("amount", "sum"), ("start", "min"), ("end", "max"), ("pos", "min")),
        )

    def observe_lines(self, batch: pa.RecordBatch) -> None:
        psr, paragraph, amount = batch.column("psr_id"), batch.column("record_paragraph"), batch.column("amount")
        keep = pc.and_(pc.greater(amount, ZERO), valid_period(batch))
        keep = pc.and_(pc.and_(keep, pc.invert(batch.column("anonymised"))), pc.and_(truthy(psr), truthy(paragraph)))
        start, end = batch.column("start"), batch.column("end")
        self.per.add(
            self.located(batch, psr=psr, paragraph=paragraph, amount=amount, start=start, end=end).filter(keep)
        )

    def finish(self) -> Iterator[Hit]:
        self.flush()
        per = self.per.table()
        if per is None:
            return
        settings = self.ctx.settings.validation
        k = float(settings.mad_k)
        ceilings = {p: float(c) for p, c in settings.ceilings.items()}
        paragraphs = per.column("paragraph")
        for paragraph in sorted(pc.unique(paragraphs).to_pylist()):
            rows = pc.indices_nonzero(pc.equal(paragraphs, paragraph))
            yield from self._paragraph(paragraph, per, rows, k, ceilings.get(paragraph))

    def _paragraph(
        self, paragraph: str, per: pa.Table, rows: pa.Array, k: float, ceiling: float | None
    ) -> Iterator[Hit]:
        """The hits of one paragraph's ``rows`` of ``per``, in reading order (only the columns the
        figures need are copied for all of them; citizens and positions for the flagged ones)."""
        values = per.select(["amount_sum", "start_min", "end_max"]).take(rows)
        annual = annualised_column(values.column("amount_sum"), values.column("start_min"), values.column("end_max"))
        low, high = _bounds(annual, k)
        above = pc.greater(annual, ceiling) if ceiling is not None else pa.repeat(False, len(annual))
        outside = (
            pc.invert(pc.and_(pc.greater_equal(annual, low), pc.less_equal(annual, high))) if low is not None else above
        )
        picked = pc.indices_nonzero(pc.or_(above, outside))
        flagged = per.select(["psr", "pos_min"]).take(rows.take(picked))
        flagged = flagged.append_column("annual", annual.take(picked)).sort_by("pos_min")
        for psr, value, pos in rows_of(flagged, ["psr", "annual", "pos_min"]):
            location = self.places.location_at(pos, "amount")
            if ceiling is not None and value > ceiling:
                flag(self.ctx, psr, paragraph, "SIU421")
                yield Hit(
                    location=location,
                    field="amount",
                    value=psr,
                    code=ABOVE_CEILING,
                    paragraph=paragraph,
                    annual=_kr(value),
                    ceiling=_kr(ceiling),
                )
            elif low is not None and high is not None:
                flag(self.ctx, psr, paragraph, "SIU420")
                yield Hit(
                    location=location,
                    field="amount",
                    value=psr,
                    paragraph=paragraph,
                    annual=_kr(value),
                    low=_kr(max(low, 0.0)),
                    high=_kr(high),
                )


ExtremeValues = delivery_rule("SIU420")(ExtremeValuesCheck)


def _bounds(annual: pa.ChunkedArray, k: float) -> tuple[float | None, float | None]:
    """The median ± k MADs of a paragraph's annualised figures (None, None: too few citizens, or
    no spread). Floats: the bounds are a screening statistic, not money; messages round them."""
    if len(annual) < MIN_CITIZENS_FOR_BOUNDS:
        return None, None
    figures = annual.to_numpy()
    med = _median(figures)
    deviations = np.abs(figures - med)
    # Python's sum, not numpy's pairwise one, so the mean is the float it always was (rare: a zero MAD)
    spread = _median(deviations) or sum(deviations.tolist()) / len(deviations)
    if not spread:
        return None, None
    return med - k * spread, med + k * spread


def annualised_column(expenditure: pa.ChunkedArray, start: pa.ChunkedArray, end: pa.ChunkedArray) -> pa.ChunkedArray:
    """:func:`siu.check.citizens.annualised` on columns, to the last bit: the decimal goes
    through its text (as ``float(Decimal)`` does; a slice at a time, the texts are long), then
    ``× 365 / days``."""
    days = pc.add(pc.subtract(pc.cast(end, pa.int32()), pc.cast(start, pa.int32())), 1)
    amount = pa.chunked_array(
        [
            pc.cast(pc.cast(expenditure.slice(i, _TEXT_ROWS), pa.string()), pa.float64())
            for i in range(0, len(expenditure), _TEXT_ROWS)
        ],
        pa.float64(),
    )
    return pc.divide(pc.multiply(amount, 365.0), pc.cast(days, pa.float64()))


_TEXT_ROWS = 1 << 16


def _median(values: np.ndarray) -> float:
    """:func:`statistics.median` on a float64 array, to the last bit: the middle value, or the
    mean of the middle two (``(a + b) / 2``)."""
    ordered = np.sort(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (float(ordered[middle - 1]) + float(ordered[middle])) / 2


def _kr(amount: float) -> Text:
    """Whole kroner, each language its own way: 1.234.567 / 1,234,567."""
    return kroner(amount, 0)
