"""siu's own validation rules (codes ``SIU1xx`` for lines, ``SIU4xx`` for the whole delivery).

Each rule documents itself; ``siu explain CODE`` and ``docs/rules.md`` are generated from here.
Record checks return ``None`` or a :class:`~siu.rules.Hit` (not generators): they run once per
line for every line, so each one does the least work that decides it.
"""

from __future__ import annotations

import datetime as dt
import statistics
from array import array
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from siu.accounts.paying import kommune_code
from siu.base import cpr
from siu.catalogue.check import ABOVE_CEILING, ANONYMOUS_DUPLICATE, SEVERAL_YEARS_SPREAD
from siu.check.citizens import annualised, flag
from siu.check.plausible import RULES as PLAUSIBILITY_RULES
from siu.check.reconcile import reconciliation
from siu.context import Context
from siu.hookspecs import hookimpl
from siu.models import Kind, Location, Record
from siu.parsing import format_amount_danish, group_digits
from siu.rules import Hit, Rule, delivery_rule, record_rule

# --- per-run constants ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """What the record rules look up on every line, computed once per run (kept in ``ctx.state``)."""

    first: dt.date  # the reporting year's first and last day
    last: dt.date
    outer_first: dt.date  # more than this far outside the year is an error (SIU114)
    outer_last: dt.date
    suffixes: tuple[str, str]  # fictitious CPR suffixes (woman, man)
    no_birth_date: str
    decimals: int


_RUN_KEY = "siu.check.builtin"


def _run(ctx: Context) -> _Run:
    run = ctx.state.get(_RUN_KEY)
    if run is None:
        m = ctx.spec.manifest
        years = m.dates.get("max_years_outside", 1)
        run = ctx.state[_RUN_KEY] = _Run(
            dt.date(ctx.year, 1, 1),
            dt.date(ctx.year, 12, 31),
            dt.date(ctx.year - years, 1, 1),
            dt.date(ctx.year + years, 12, 31),
            (m.cpr.female_suffix, m.cpr.male_suffix),
            m.cpr.no_birth_date,
            m.amount.decimals,
        )
    return run


# Whether a CPR's first six digits are a birth date, per CPR: ledgers repeat each citizen on many
# lines, and building a date is the costliest part of the CPR check. Bounded; in process only.
_BIRTH_DATE_OK: dict[str, bool] = {}
_BIRTH_DATE_CACHE_MAX = 200_000


def _has_birth_date(psr: str) -> bool:
    ok = _BIRTH_DATE_OK.get(psr)
    if ok is None:
        if len(_BIRTH_DATE_OK) >= _BIRTH_DATE_CACHE_MAX:
            _BIRTH_DATE_OK.clear()
        ok = _BIRTH_DATE_OK[psr] = cpr.birth_date(psr) is not None
    return ok


# --- CPR -----------------------------------------------------------------------------------


@record_rule("SIU101")
def missing_cpr(record: Record, ctx: Context) -> Hit | None:
    if not record.psr_id and not record.cpr_raw:
        return Hit(field="cpr")
    return None


@record_rule("SIU102")
def unreadable_cpr(record: Record, ctx: Context) -> Hit | None:
    if record.psr_id is None and record.cpr_raw:
        return Hit(field="cpr", value=record.cpr_raw)
    return None


@record_rule("SIU103")
def impossible_cpr_date(record: Record, ctx: Context) -> Hit | None:
    psr = record.psr_id
    if psr is None or _has_birth_date(psr):
        return None
    run = _run(ctx)
    if psr[6:] in run.suffixes:
        if psr[:6] == run.no_birth_date:
            return None  # DST's form without a birth date: SIU104 judges where it may stand
        if ctx.spec.anonymous_allowed(record.paragraph) and cpr.is_fictitious(psr, *run.suffixes, run.no_birth_date):
            return None
    return Hit(field="cpr", value=psr)


@record_rule("SIU104")
def fictitious_outside_109(record: Record, ctx: Context) -> Hit | None:
    psr = record.psr_id
    if psr is None or record.paragraph is None:
        return None
    run = _run(ctx)
    if (
        psr.startswith(run.no_birth_date)
        and psr[6:] in run.suffixes
        and not ctx.spec.anonymous_allowed(record.paragraph)
    ):
        return Hit(field="cpr", value=psr, paragraph=record.paragraph)
    return None


# --- dates ---------------------------------------------------------------------------------


@record_rule("SIU110")
def missing_start(record: Record, ctx: Context) -> Hit | None:
    if record.start is None and "start" not in record.invalid:
        return Hit(field="start")
    return None


@record_rule("SIU111")
def missing_end(record: Record, ctx: Context) -> Hit | None:
    if record.end is None and "end" not in record.invalid:
        return Hit(field="end")
    return None


@record_rule("SIU112")
def start_after_end(record: Record, ctx: Context) -> Hit | None:
    if record.start and record.end and record.start > record.end:
        return Hit(field="start", start=record.start.isoformat(), end=record.end.isoformat())
    return None


@record_rule("SIU113")
def period_outside_year(record: Record, ctx: Context) -> Hit | None:
    start, end = record.start, record.end
    if start is None or end is None or start > end:
        return None
    run = _run(ctx)
    if (end < run.first or start > run.last) and not (end < run.outer_first or start > run.outer_last):
        return Hit(field="start", start=start.isoformat(), end=end.isoformat(), year=ctx.year)
    return None


@record_rule("SIU114")
def period_far_outside(record: Record, ctx: Context) -> Hit | None:
    start, end = record.start, record.end
    if start is None or end is None or start > end:
        return None
    run = _run(ctx)
    if end < run.outer_first or start > run.outer_last:
        return Hit(field="start", start=start.isoformat(), end=end.isoformat(), year=ctx.year)
    return None


# --- account and paragraph -------------------------------------------------------------------


@record_rule("SIU120")
def account_out_of_scope(record: Record, ctx: Context) -> Hit | None:
    if record.function and record.kontostreng and not ctx.spec.in_scope(record.function, record.dranst or ""):
        return Hit(field="kontostreng", function=record.function, dranst=record.dranst or "?", year=ctx.year)
    return None


@record_rule("SIU121")
def no_paragraph(record: Record, ctx: Context) -> Hit | None:
    if (
        record.kontostreng
        and record.paragraph is None
        and record.function
        and ctx.spec.in_scope(record.function, record.dranst or "")
    ):
        return Hit(field="kontostreng", value=record.account_text)
    return None


@record_rule("SIU122")
def unknown_paragraph(record: Record, ctx: Context) -> Hit | None:
    if record.paragraph is not None and record.paragraph not in ctx.spec.paragraphs:
        return Hit(field="paragraph", value=record.paragraph, year=ctx.year)
    return None


@record_rule("SIU123")
def paragraph_outside_area(record: Record, ctx: Context) -> Hit | None:
    if record.area and ctx.area != "begge" and record.area != ctx.area:
        return Hit(field="paragraph", value=record.paragraph, area=record.area, delivery_area=ctx.area)
    return None


# --- amounts -------------------------------------------------------------------------------


@record_rule("SIU130")
def zero_amount(record: Record, ctx: Context) -> Hit | None:
    if not record.amount:
        return Hit(field="amount")
    return None


_INTERNAL = Kind.INTERNAL
_KIND_NAMES = {Kind.EXPENDITURE: ("en udgift", "expenditure"), Kind.REVENUE: ("en indtægt", "revenue")}


@record_rule("SIU131")
def sign_against_art(record: Record, ctx: Context) -> Hit | None:
    kind = record.kind
    if not record.sign_explicit or kind not in _KIND_NAMES or not record.amount:
        return None
    sign_kind = Kind.EXPENDITURE if record.amount > 0 else Kind.REVENUE
    if sign_kind is kind:
        return None
    (sign_da, sign_en), (kind_da, kind_en) = _KIND_NAMES[sign_kind], _KIND_NAMES[kind]
    return Hit(
        field="amount",
        value=record.amount,
        art=record.art or "?",
        sign_da=sign_da,
        sign_en=sign_en,
        kind_da=kind_da,
        kind_en=kind_en,
    )


@record_rule("SIU132")
def amount_unit(record: Record, ctx: Context) -> Hit | None:
    # On the decimal text: cheaper than Decimal.as_tuple() on every line. "1000.50" with
    # decimals=2 passes; "1000.505" or, with decimals=0, "1000.50" does not; "1000.00" always passes.
    text = str(record.amount)
    if "E" in text:
        text = f"{record.amount:f}"
    dot = text.find(".")
    if dot < 0:
        return None
    decimals = _run(ctx).decimals
    if text[dot + 1 + decimals :].strip("0"):
        return Hit(field="amount", value=record.amount, decimals=decimals)
    return None


@record_rule("SIU133")
def internal_art(record: Record, ctx: Context) -> Hit | None:
    if record.kind is _INTERNAL:
        return Hit(field="kontostreng", art=record.art or "9")
    return None


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


@delivery_rule("SIU401")
class DuplicateLines:
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
        for bucket in range(self.BUCKETS):
            yield from self._finish_bucket(self.hashes[bucket], self.positions[bucket])

    def _finish_bucket(self, hashes: array, positions: array) -> Iterator[Hit]:
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
                where = {"first_da": _where(first, "da"), "first_en": _where(first, "en")}
                if all(positions[k] & flag for k in group):
                    for k in group[1:]:
                        loc = self._loc(self._packed(positions[k] & ~flag))
                        yield Hit(location=loc, code=ANONYMOUS_DUPLICATE, count_other=len(group) - 1, **where)
                else:
                    for k in group[1:]:
                        yield Hit(location=self._loc(self._packed(positions[k] & ~flag)), count=len(group), **where)
            i = j + 1


@delivery_rule("SIU402")
class RevenueWithoutExpenditure:
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
                    revenue=format_amount_danish(total),
                    paragraph=paragraph,
                )


@delivery_rule("SIU403")
class SeveralMunicipalities:
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


SPREAD_MIN_LINES, SPREAD_MIN_SHARE = 10, 0.10


@delivery_rule("SIU404")
class SeveralYears:
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
        for other, count in sorted(self.period_years.items()):
            if count >= SPREAD_MIN_LINES and count >= SPREAD_MIN_SHARE * self.total:
                yield Hit(
                    location=self.first_in[other],
                    code=SEVERAL_YEARS_SPREAD,
                    other=other,
                    count=count,
                    total=self.total,
                    year=self.year,
                )


MIN_CITIZENS_FOR_BOUNDS = 5


@delivery_rule("SIU420")
class ExtremeValues:
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


def _kr(amount: float) -> str:
    """Whole kroner with Danish thousands separators: 1.234.567."""
    return group_digits(amount)


RULES: list[Rule] = [
    missing_cpr,
    unreadable_cpr,
    impossible_cpr_date,
    fictitious_outside_109,
    missing_start,
    missing_end,
    start_after_end,
    period_outside_year,
    period_far_outside,
    account_out_of_scope,
    no_paragraph,
    unknown_paragraph,
    paragraph_outside_area,
    zero_amount,
    sign_against_art,
    amount_unit,
    internal_art,
    DuplicateLines,
    RevenueWithoutExpenditure,
    SeveralMunicipalities,
    SeveralYears,
    ExtremeValues,
    reconciliation,
    *PLAUSIBILITY_RULES,  # SIU106, SIU115-SIU117, SIU407: placeholders passing as facts
]


@hookimpl
def register_rules() -> list[Rule]:
    from siu.check.dst import DST_RULES  # DST's rules resting on the spec pack's data (issue 17)

    return [*RULES, *DST_RULES]
