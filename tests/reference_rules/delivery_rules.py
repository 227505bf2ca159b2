"""Delivery rules over the whole delivery (SIU401-SIU404, SIU420): duplicates, revenue without
expenditure, several municipalities or years, extreme annualised expenditure.

Part of siu's built-in rules (:mod:`siu.check.builtin` registers them); private.
"""

from __future__ import annotations

import statistics
from array import array
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator

from reference_rules.citizens import annualised, flag
from siu.accounts.paying import kommune_code
from siu.base.i18n import Text, kroner
from siu.catalogue.check_delivery import ABOVE_CEILING, ANONYMOUS_DUPLICATE, SEVERAL_YEARS_SPREAD
from siu.context import Context
from siu.models import Location, Record
from siu.rules import Hit, delivery_rule

# --- delivery rules ------------------------------------------------------------------------


def _where(loc: Location, lang: str) -> str:
    """A location as a message names it: ``in.csv, række 2`` (``in.csv, row 2``)."""
    return loc.describe(lang, column=False)


def _at(record: Record, field: str) -> tuple[Location, str | None]:
    """The record's first location and the column of ``field``; narrowed by :func:`_narrow` only for
    the few lines a delivery rule reports (building a Location for every citizen costs)."""
    return record.location, record.columns.get(field)


def _narrow(where: tuple[Location, str | None]) -> Location:
    return where[0].at_column(where[1])


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
        locs = record.locations
        if locs:
            loc = locs[0]
            fkey = (loc.file, loc.sheet)
            row = loc.row or 0
        else:
            fkey, row = ("?", None), 0
        idx = self.file_index.get(fkey)
        if idx is None:
            idx = self.file_index[fkey] = len(self.files)
            self.files.append(fkey)
        packed = (idx << 32) | (row & 0xFFFFFFFF)
        position = self.count
        self.count = position + 1
        if packed != self._expected:
            self.run_starts.append(position)
            self.run_where.append(packed)
        self._expected = packed + 1
        h = hash(record.key())
        bucket = h % self.BUCKETS
        self.hashes[bucket].append(h)
        self.positions[bucket].append(position | self._ANONYMISED if record.anonymised else position)

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
                if all(positions[k] & flag for k in group):
                    for k in group[1:]:
                        loc = self._loc(self._packed(positions[k] & ~flag))
                        yield (
                            positions[k] & ~flag,
                            Hit(
                                location=loc,
                                code=ANONYMOUS_DUPLICATE,
                                count_other=len(group) - 1,
                                first_da=first_da,
                                first_en=first_en,
                            ),
                        )
                else:
                    for k in group[1:]:
                        loc = self._loc(self._packed(positions[k] & ~flag))
                        yield (
                            positions[k] & ~flag,
                            Hit(location=loc, count=len(group), first_da=first_da, first_en=first_en),
                        )
            i = j + 1


DuplicateLines = delivery_rule("SIU401")(DuplicateLinesCheck)


class RevenueWithoutExpenditureCheck:
    """Keeps one set entry per citizen and paragraph with expenditure, and a total per pair with revenue."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.expenditure: set[tuple[str, str]] = set()
        self.revenue: dict[tuple[str, str], list] = {}

    def observe(self, record: Record) -> None:
        amount = record.amount
        if not amount or not record.psr_id or not record.paragraph:
            return
        key = (record.psr_id, record.paragraph)
        if amount > 0:
            self.expenditure.add(key)
        else:
            entry = self.revenue.get(key)
            if entry is None:
                self.revenue[key] = [amount, _at(record, "cpr")]
            else:
                entry[0] += amount

    def finish(self) -> Iterator[Hit]:
        for (psr, paragraph), (total, loc) in self.revenue.items():
            if (psr, paragraph) not in self.expenditure:
                flag(self.ctx, psr, paragraph, "SIU402")  # shown in the per-citizen view
                yield Hit(
                    location=_narrow(loc),
                    field="cpr",
                    value=psr,
                    revenue=kroner(total),
                    paragraph=paragraph,
                )


RevenueWithoutExpenditure = delivery_rule("SIU402")(RevenueWithoutExpenditureCheck)


class SeveralMunicipalitiesCheck:
    def __init__(self, ctx: Context) -> None:
        self.kommune = ctx.kommune
        self.other: dict[str, list] = {}

    def observe(self, record: Record) -> None:
        dims = record.dims
        if not dims:
            return
        code = dims.get("kommune")
        if not code or code == self.kommune:
            return
        code = kommune_code(code) or code  # "0101", "København" and "Københavns Kommune" are 101
        if code == self.kommune:
            return
        entry = self.other.get(code)
        if entry is None:
            self.other[code] = [1, record.location]
        else:
            entry[0] += 1

    def finish(self) -> Iterator[Hit]:
        for code, (count, loc) in sorted(self.other.items()):
            yield Hit(location=loc, other=code, count=count, kommune=self.kommune)


SeveralMunicipalities = delivery_rule("SIU403")(SeveralMunicipalitiesCheck)


SPREAD_MIN_LINES, SPREAD_MIN_SHARE = 10, 0.10


class SeveralYearsCheck:
    def __init__(self, ctx: Context) -> None:
        self.year = ctx.year
        self.stated: dict[str, list] = {}
        self.period_years: Counter[int] = Counter()
        self.first_in: dict[int, Location] = {}
        self.total = 0

    def observe(self, record: Record) -> None:
        self.total += 1
        start, end = record.start, record.end
        if start is not None and end is not None and start.year == end.year != self.year:
            y = end.year
            self.period_years[y] += 1
            if y not in self.first_in:
                self.first_in[y] = record.location
        dims = record.dims
        if dims:
            stated = dims.get("year")
            if stated and stated.strip() != str(self.year):
                entry = self.stated.get(stated.strip())
                if entry is None:
                    self.stated[stated.strip()] = [1, record.location]
                else:
                    entry[0] += 1

    def finish(self) -> Iterator[Hit]:
        for other, (count, loc) in sorted(self.stated.items()):
            yield Hit(location=loc, other=other, count=count, year=self.year)
        for period_year, count in sorted(self.period_years.items()):
            if count >= SPREAD_MIN_LINES and count >= SPREAD_MIN_SHARE * self.total:
                yield Hit(
                    location=self.first_in[period_year],
                    code=SEVERAL_YEARS_SPREAD,
                    other=period_year,
                    count=count,
                    total=self.total,
                    year=self.year,
                )


SeveralYears = delivery_rule("SIU404")(SeveralYearsCheck)


MIN_CITIZENS_FOR_BOUNDS = 5


class ExtremeValuesCheck:
    """Keeps one small list per citizen and paragraph: expenditure, first start, last end, first line."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.per: dict[tuple[str, str], list] = {}

    def observe(self, record: Record) -> None:
        amount, start, end = record.amount, record.start, record.end
        if (
            amount <= 0
            or start is None
            or end is None
            or start > end
            or not record.psr_id
            or not record.paragraph
            or record.anonymised
        ):
            return
        key = (record.psr_id, record.paragraph)
        entry = self.per.get(key)
        if entry is None:
            self.per[key] = [amount, start, end, _at(record, "amount")]
            return
        entry[0] += amount
        if start < entry[1]:
            entry[1] = start
        if end > entry[2]:
            entry[2] = end

    def finish(self) -> Iterator[Hit]:
        settings = self.ctx.settings.validation
        # Floats: the bounds are a screening statistic, not money, and float arithmetic keeps the
        # end of a run with hundreds of thousands of citizens fast. Amounts in messages are rounded.
        k = float(settings.mad_k)
        ceilings = {p: float(c) for p, c in settings.ceilings.items()}
        by_paragraph: dict[str, list[tuple[float, str, tuple[Location, str | None]]]] = defaultdict(list)
        for (psr, paragraph), (amount, start, end, loc) in self.per.items():
            by_paragraph[paragraph].append((annualised(amount, start, end), psr, loc))
        for paragraph in sorted(by_paragraph):
            values = by_paragraph[paragraph]
            low = high = None
            if len(values) >= MIN_CITIZENS_FOR_BOUNDS:
                annual = [v for v, _, _ in values]
                med = statistics.median(annual)
                deviations = [abs(a - med) for a in annual]
                spread = statistics.median(deviations) or sum(deviations) / len(deviations)
                if spread:
                    low, high = med - k * spread, med + k * spread
            ceiling = ceilings.get(paragraph)
            for value, psr, loc in values:
                if ceiling is not None and value > ceiling:
                    flag(self.ctx, psr, paragraph, "SIU421")
                    yield Hit(
                        location=_narrow(loc),
                        field="amount",
                        value=psr,
                        code=ABOVE_CEILING,
                        paragraph=paragraph,
                        annual=_kr(value),
                        ceiling=_kr(ceiling),
                    )
                elif low is not None and high is not None and not (low <= value <= high):
                    flag(self.ctx, psr, paragraph, "SIU420")
                    yield Hit(
                        location=_narrow(loc),
                        field="amount",
                        value=psr,
                        paragraph=paragraph,
                        annual=_kr(value),
                        low=_kr(max(low, 0.0)),
                        high=_kr(high),
                    )


ExtremeValues = delivery_rule("SIU420")(ExtremeValuesCheck)


def _kr(amount: float) -> Text:
    """Whole kroner, each language its own way: 1.234.567 / 1,234,567."""
    return kroner(amount, 0)
