"""Delivery rules over the whole delivery (SIU401-SIU404, SIU420): duplicates, revenue without
expenditure, several municipalities or years, extreme annualised expenditure.

Each check observes record batches (:data:`siu.batches.RECORD_SCHEMA`) and keeps its state as
Arrow tables of per-key aggregates (:mod:`siu.check.grouped`), not Python objects per citizen;
``observe(record)`` (API 1) gathers records into batches. Part of siu's built-in rules
(:mod:`siu.check.builtin` registers them); private.
"""

from __future__ import annotations

import statistics
from array import array
from bisect import bisect_right
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from siu.accounts.paying import kommune_code
from siu.batches import info_of
from siu.catalogue.check_delivery import ABOVE_CEILING, ANONYMOUS_DUPLICATE, SEVERAL_YEARS_SPREAD
from siu.check.citizens import flag
from siu.check.grouped import ZERO, BatchCheck, Grouped, count_first, rows_of, truthy, valid_period
from siu.context import Context
from siu.models import Location, Record
from siu.parsing import format_amount_danish, group_digits
from siu.rules import Hit, delivery_rule

# --- delivery rules ------------------------------------------------------------------------


def _where(loc: Location, lang: str) -> str:
    """A location as a message names it: ``in.csv, række 2`` (``in.csv, row 2``)."""
    return loc.describe(lang, column=False)


class DuplicateLinesCheck:
    """Keeps 12 bytes per line (a 64-bit hash of the line and its reading position), not the lines.

    Lines are kept in 256 buckets by hash, so that finish() sorts one bucket at a time: sorting
    all lines at once builds two Python ints per line, some 230 MB at three million lines.
    Locations are kept as runs of consecutive rows (a file's rows follow each other, so a run
    is usually a whole file), found again from the reading position when a duplicate is reported.
    Two different lines share a 64-bit hash with a probability of about n²/2⁶⁵ (3·10⁻⁸ for a
    million lines), an accepted risk for a check whose finding the user verifies anyway."""

    BUCKETS = 256
    _ANONYMISED = 1 << 31  # flag bit beside the reading position (positions stay below 2³¹)

    def __init__(self, ctx: Context) -> None:
        self.hashes = [array("q") for _ in range(self.BUCKETS)]
        self.positions = [array("L" if array("L").itemsize == 4 else "I") for _ in range(self.BUCKETS)]
        self.count = 0
        self.run_starts = array("q")  # reading position where a run of consecutive rows starts
        self.run_where = array("q")  # packed location (file index, row) of that first line
        self._expected = -1  # packed location the next line has if it continues the run
        self.files: list[tuple[str, str | None]] = []
        self.file_index: dict[tuple[str, str | None], int] = {}

    def observe(self, record: Record) -> None:
        loc = record.location
        self._add((loc.file, loc.sheet), loc.row if record.locations else None, hash(record.key()), record.anonymised)

    def observe_batch(self, batch: pa.RecordBatch) -> None:
        # A hash per line: Arrow has no row hash kernel, and equal lines must hash alike however
        # their amounts were written (12,5 and 12,50), as Python's Decimal hash does.
        info = info_of(batch)
        fkey = (info.file, info.sheet)
        cols = [
            batch.column(c).to_pylist() for c in ("psr_id", "kontostreng", "record_paragraph", "amount", "start", "end")
        ]
        rows, anonymised = batch.column("row").to_pylist(), batch.column("anonymised").to_pylist()
        for row, key, anon in zip(rows, zip(*cols, strict=True), anonymised, strict=True):
            self._add(fkey, row, hash(key), anon)

    def _add(self, fkey: tuple[str, str | None], row: int | None, h: int, anonymised: bool) -> None:
        idx = self.file_index.get(fkey)
        if idx is None:
            idx = self.file_index[fkey] = len(self.files)
            self.files.append(fkey)
        packed = (idx << 32) | ((row or 0) & 0xFFFFFFFF)
        position = self.count
        self.count = position + 1
        if packed != self._expected:
            self.run_starts.append(position)
            self.run_where.append(packed)
        self._expected = packed + 1
        bucket = h % self.BUCKETS
        self.hashes[bucket].append(h)
        self.positions[bucket].append(position | self._ANONYMISED if anonymised else position)

    def _packed(self, position: int) -> int:
        k = bisect_right(self.run_starts, position) - 1
        return self.run_where[k] + (position - self.run_starts[k])

    def _loc(self, packed: int) -> Location:
        file, sheet = self.files[packed >> 32]
        return Location(file=file, sheet=sheet, row=packed & 0xFFFFFFFF or None)

    def finish(self) -> Iterator[Hit]:
        # Buckets follow hash values, which differ between processes (str hashing is salted, and
        # None hashes by address): the hits are put back in reading order so each run reports alike.
        hits = [hit for bucket in range(self.BUCKETS) for hit in self._finish_bucket(bucket)]
        hits.sort(key=lambda pair: pair[0])
        for _, hit in hits:
            yield hit

    def _finish_bucket(self, bucket: int) -> Iterator[tuple[int, Hit]]:
        hashes, positions = self.hashes[bucket], self.positions[bucket]
        # Equal lines share a hash, hence a bucket; within a bucket lines keep their reading order.
        flag = self._ANONYMISED
        order = sorted(range(len(hashes)), key=hashes.__getitem__)
        i, n = 0, len(order)
        while i < n:
            j = i
            h = hashes[order[i]]
            while j + 1 < n and hashes[order[j + 1]] == h:
                j += 1
            if j > i:
                group = sorted(order[i : j + 1])
                first = self._loc(self._packed(positions[group[0]] & ~flag))
                first_da, first_en = _where(first, "da"), _where(first, "en")
                anonymous = all(positions[k] & flag for k in group)
                for k in group[1:]:
                    loc = self._loc(self._packed(positions[k] & ~flag))
                    if anonymous:
                        hit = Hit(
                            location=loc,
                            code=ANONYMOUS_DUPLICATE,
                            count_other=len(group) - 1,
                            first_da=first_da,
                            first_en=first_en,
                        )
                    else:
                        hit = Hit(location=loc, count=len(group), first_da=first_da, first_en=first_en)
                    yield positions[k] & ~flag, hit
            i = j + 1


DuplicateLines = delivery_rule("SIU401")(DuplicateLinesCheck)


class RevenueWithoutExpenditureCheck(BatchCheck):
    """Keeps the citizen and paragraph pairs with expenditure, and a total per pair with revenue."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.expenditure = Grouped(("psr", "paragraph"), (("pos", "min"),))
        self.revenue = Grouped(("psr", "paragraph"), (("amount", "sum"), ("where", "first"), ("pos", "min")))

    def observe_batch(self, batch: pa.RecordBatch) -> None:
        psr, paragraph, amount = batch.column("psr_id"), batch.column("record_paragraph"), batch.column("amount")
        keep = pc.and_(pc.and_(truthy(psr), truthy(paragraph)), pc.not_equal(amount, ZERO))
        lines = self.located(batch, psr=psr, paragraph=paragraph, amount=amount).filter(keep)
        positive = pc.greater(lines.column("amount"), ZERO)
        self.expenditure.add(lines.filter(positive).select(["psr", "paragraph", "pos"]))
        self.revenue.add(lines.filter(pc.invert(positive)))

    def finish(self) -> Iterator[Hit]:
        self.flush()
        revenue, expenditure = self.revenue.table(), self.expenditure.table()
        if revenue is None:
            return
        if expenditure is not None:
            pairs = expenditure.select(["psr", "paragraph"])
            revenue = revenue.join(pairs, keys=["psr", "paragraph"], join_type="left anti", use_threads=False)
        revenue = revenue.sort_by("pos_min")
        for psr, paragraph, total, where in rows_of(revenue, ["psr", "paragraph", "amount_sum", "where_first"]):
            flag(self.ctx, psr, paragraph, "SIU402")  # shown in the per-citizen view
            yield Hit(
                location=self.places.location(where, "cpr"),
                field="cpr",
                value=psr,
                revenue=format_amount_danish(total),
                paragraph=paragraph,
            )


RevenueWithoutExpenditure = delivery_rule("SIU402")(RevenueWithoutExpenditureCheck)


class SeveralMunicipalitiesCheck(BatchCheck):
    """Lines and the first line per other municipality, counted per distinct stated value."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.kommune = ctx.kommune
        self.other: dict[str, list] = {}

    def observe_batch(self, batch: pa.RecordBatch) -> None:
        code = batch.column("dim_kommune")
        lines = self.located(batch, code=code).filter(pc.and_(truthy(code), pc.not_equal(code, self.kommune)))
        count_first(self.other, lines, "code", self._other)

    def _other(self, code: object) -> str | None:
        named = kommune_code(str(code)) or str(code)  # "0101", "København" and "Københavns Kommune" are 101
        return None if named == self.kommune else named

    def finish(self) -> Iterator[Hit]:
        self.flush()
        for code, (count, where, _) in sorted(self.other.items()):
            yield Hit(location=self.places.location(where), other=code, count=count, kommune=self.kommune)


SeveralMunicipalities = delivery_rule("SIU403")(SeveralMunicipalitiesCheck)


SPREAD_MIN_LINES, SPREAD_MIN_SHARE = 10, 0.10


class SeveralYearsCheck(BatchCheck):
    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.year = ctx.year
        self.stated: dict[str, list] = {}
        self.period_years: dict[int, list] = {}
        self.total = 0

    def observe_batch(self, batch: pa.RecordBatch) -> None:
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
        for other, (count, where, _) in sorted(self.stated.items()):
            yield Hit(location=self.places.location(where), other=other, count=count, year=self.year)
        for period_year, (count, where, _) in sorted(self.period_years.items()):
            if count >= SPREAD_MIN_LINES and count >= SPREAD_MIN_SHARE * self.total:
                yield Hit(
                    location=self.places.location(where),
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
            (("amount", "sum"), ("start", "min"), ("end", "max"), ("where", "first"), ("pos", "min")),
        )

    def observe_batch(self, batch: pa.RecordBatch) -> None:
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
        per = per.sort_by("pos_min")
        settings = self.ctx.settings.validation
        k = float(settings.mad_k)
        ceilings = {p: float(c) for p, c in settings.ceilings.items()}
        for paragraph in sorted(pc.unique(per.column("paragraph")).to_pylist()):
            values = per.filter(pc.equal(per.column("paragraph"), paragraph))
            yield from self._paragraph(paragraph, values, k, ceilings.get(paragraph))

    def _paragraph(self, paragraph: str, values: pa.Table, k: float, ceiling: float | None) -> Iterator[Hit]:
        annual = annualised_column(values.column("amount_sum"), values.column("start_min"), values.column("end_max"))
        # Floats: the bounds are a screening statistic, not money. Amounts in messages are rounded.
        low = high = None
        if values.num_rows >= MIN_CITIZENS_FOR_BOUNDS:
            figures = annual.to_pylist()
            med = statistics.median(figures)
            deviations = [abs(a - med) for a in figures]
            spread = statistics.median(deviations) or sum(deviations) / len(deviations)
            if spread:
                low, high = med - k * spread, med + k * spread
        above = pc.greater(annual, ceiling) if ceiling is not None else pa.repeat(False, len(annual))
        outside = (
            pc.invert(pc.and_(pc.greater_equal(annual, low), pc.less_equal(annual, high))) if low is not None else above
        )
        flagged = values.append_column("annual", annual).filter(pc.or_(above, outside))
        for psr, value, where in rows_of(flagged, ["psr", "annual", "where_first"]):
            location = self.places.location(where, "amount")
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


def annualised_column(expenditure: pa.Array, start: pa.Array, end: pa.Array) -> pa.Array:
    """:func:`siu.check.citizens.annualised` on columns, to the last bit: the decimal goes
    through its text (as ``float(Decimal)`` does), then ``× 365 / days``."""
    days = pc.add(pc.subtract(pc.cast(end, pa.int32()), pc.cast(start, pa.int32())), 1)
    amount = pc.cast(pc.cast(expenditure, pa.string()), pa.float64())
    return pc.divide(pc.multiply(amount, 365.0), pc.cast(days, pa.float64()))


def _kr(amount: float) -> str:
    """Whole kroner with Danish thousands separators: 1.234.567."""
    return group_digits(amount)
