"""Rules for values that look like placeholders rather than facts: open-ended marker dates,
periods longer than one invoice can cover or reaching far outside the year, and CPR numbers
that cannot be one living citizen's (an implausible age, or many § 109 stays at once).

Registered with siu's own rules (``siu.check.builtin.RULES``). Bounds are data: the spec pack's
``[dates]`` (``open_end_year``, ``open_start_year``, ``max_period_months``, ``max_years_outside``)
and ``[validation]`` in siu.toml (``max_age``, ``placeholder_overlaps``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from siu.base import cpr
from siu.check import periods
from siu.context import Context
from siu.models import Location, Record
from siu.rules import Hit, Rule, delivery_rule, record_rule


@dataclass(frozen=True)
class _Bounds:
    """What the rules look up on every line, worked out once per run (kept in ``ctx.state``)."""

    first: dt.date  # the reporting year's first and last day
    last: dt.date
    outer_first: dt.date  # beyond these, a period reaches far outside the year
    outer_last: dt.date
    open_start_year: int
    open_end_year: int
    max_months: int
    max_age: int
    suffixes: tuple[str, str]


_KEY = "siu.check.plausible"


def _bounds(ctx: Context) -> _Bounds:
    bounds = ctx.state.get(_KEY)
    if bounds is None:
        m = ctx.spec.manifest
        dates = m.dates
        years = dates.get("max_years_outside", 1)
        bounds = ctx.state[_KEY] = _Bounds(
            dt.date(ctx.year, 1, 1),
            dt.date(ctx.year, 12, 31),
            dt.date(ctx.year - years, 1, 1),
            dt.date(ctx.year + years, 12, 31),
            dates.get("open_start_year", periods.OPEN_START_YEAR),
            dates.get("open_end_year", periods.OPEN_END_YEAR),
            dates.get("max_period_months", periods.MAX_PERIOD_MONTHS),
            ctx.settings.validation.max_age,
            (m.cpr.female_suffix, m.cpr.male_suffix),
        )
    return bounds


def _open(day: dt.date | None, b: _Bounds) -> bool:
    return day is not None and (day.year >= b.open_end_year or day.year <= b.open_start_year)


def _danish(day: dt.date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


# --- dates -----------------------------------------------------------------------------------


@record_rule("SIU115")
def open_ended_date(record: Record, ctx: Context) -> Hit | None:
    start, end = record.start, record.end
    if start is None and end is None:
        return None
    if start is not None and end is not None and start.year == end.year == ctx.year:
        return None  # most lines: a period within the year holds no marker
    b = _bounds(ctx)
    if end is not None and _open(end, b):
        return Hit(field="end", date=_danish(end), field_da="Slutdatoen", field_en="The end date")
    if start is not None and _open(start, b):
        return Hit(field="start", date=_danish(start), field_da="Startdatoen", field_en="The start date")
    return None


@record_rule("SIU116")
def period_too_long(record: Record, ctx: Context) -> Hit | None:
    start, end = record.start, record.end
    if start is None or end is None or start > end or end.year - start.year < 1:
        return None
    b = _bounds(ctx)
    if _open(start, b) or _open(end, b) or not periods.too_long(start, end, b.max_months):
        return None
    return Hit(
        field="start",
        start=start.isoformat(),
        end=end.isoformat(),
        months=periods.months_between(start, end),
        max=b.max_months,
    )


@record_rule("SIU117")
def period_reaches_far(record: Record, ctx: Context) -> Hit | None:
    start, end = record.start, record.end
    if start is None or end is None or start > end or start.year == end.year:
        return None  # a period within one calendar year cannot touch the year and reach beyond it
    b = _bounds(ctx)
    if not (start < b.outer_first or end > b.outer_last) or end < b.first or start > b.last:
        return None
    if _open(start, b) or _open(end, b) or periods.too_long(start, end, b.max_months):
        return None
    return Hit(
        field="start",
        start=start.isoformat(),
        end=end.isoformat(),
        year=ctx.year,
        years=ctx.spec.manifest.dates.get("max_years_outside", 1),
    )


# --- CPR numbers that are probably placeholders ----------------------------------------------

# Birth date per CPR (None: not a date): ledgers repeat each citizen on many lines. Bounded.
_BIRTH: dict[str, dt.date | None] = {}
_BIRTH_MAX = 200_000


def _birth(psr: str) -> dt.date | None:
    try:
        return _BIRTH[psr]
    except KeyError:
        if len(_BIRTH) >= _BIRTH_MAX:
            _BIRTH.clear()
        born = _BIRTH[psr] = cpr.birth_date(psr)
        return born


@record_rule("SIU106")
def implausible_age(record: Record, ctx: Context) -> Hit | None:
    psr = record.psr_id
    if psr is None or record.anonymised:
        return None
    born = _birth(psr)
    if born is None:
        return None  # no date at all: SIU103 or DST's no-birth-date form
    start, end = record.start, record.end
    if end is not None and born > end:
        b = _bounds(ctx)
        if psr[6:] in b.suffixes:
            return None  # DST's fictitious form: its date part carries no century
        return Hit(
            field="cpr",
            value=psr,
            reason_da=f"fødselsdatoen {_danish(born)} ligger efter periodens slut {_danish(end)}",
            reason_en=f"the birth date {born.isoformat()} is after the period's end {end.isoformat()}",
        )
    if start is not None and start.year - born.year > 100:
        b = _bounds(ctx)
        age = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
        if age > b.max_age and psr[6:] not in b.suffixes:
            return Hit(
                field="cpr",
                value=psr,
                reason_da=f"borgeren ville være {age} år ved periodens start (grænse {b.max_age})",
                reason_en=f"the citizen would be {age} years old at the period's start (limit {b.max_age})",
            )
    return None


def _where(loc: Location, lang: str) -> str:
    return loc.describe(lang, sheet=False, column=False)


class SharedPlaceholderCheck:
    """Per citizen with § 109 expenditure: the distinct periods as day numbers (at most
    :attr:`KEEP`), the line count and the first line; a citizen found is kept as found.

    Distinct periods, not lines: one stay invoiced as several lines for the same period (rent,
    food, a child's share) is one stay. A shared placeholder holds many residents' stays, whose
    periods differ and overlap."""

    KEEP = 256

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.threshold = ctx.settings.validation.placeholder_overlaps
        # psr -> [distinct periods {(start, end)}, lines, (first location, cpr column), found (depth, day) or None]
        self.per: dict[str, list] = {}
        self.allowed: dict[str | None, bool] = {}

    def observe(self, record: Record) -> None:
        psr, start, end = record.psr_id, record.start, record.end
        if psr is None or start is None or end is None or start > end or record.anonymised or record.amount <= 0:
            return
        allowed = self.allowed.get(record.paragraph)
        if allowed is None:
            allowed = self.allowed[record.paragraph] = self.ctx.spec.anonymous_allowed(record.paragraph)
        if not allowed:
            return
        b = _bounds(self.ctx)
        if _open(start, b) or _open(end, b) or psr[6:] in b.suffixes:
            return
        entry = self.per.get(psr)
        if entry is None:
            entry = self.per[psr] = [set(), 0, (record.location, record.columns.get("cpr")), None]
        entry[1] += 1
        if entry[3] is not None:
            return  # already found: nothing more to keep
        spans: set[tuple[int, int]] = entry[0]
        spans.add((start.toordinal(), end.toordinal()))
        if len(spans) >= self.KEEP:
            entry[3] = self._depth(spans)
            # found: keep nothing more; else keep the half that ends last (later lines overlap those, if any)
            entry[0] = set() if entry[3] is not None else set(sorted(spans, key=lambda p: p[1])[self.KEEP // 2 :])

    def _depth(self, spans: set[tuple[int, int]]) -> tuple[int, int] | None:
        """The most distinct periods covering one day and that day, when at least the threshold."""
        events = sorted([(s, 0) for s, _ in spans] + [(e, 1) for _, e in spans])
        depth = best = day = 0
        for ordinal, kind in events:  # starts (0) sort before ends (1) on the same day: both days count
            if kind == 0:
                depth += 1
                if depth > best:
                    best, day = depth, ordinal
            else:
                depth -= 1
        return (best, day) if best >= self.threshold else None

    def finish(self) -> Iterator[Hit]:
        for psr, (spans, lines, loc, found) in self.per.items():
            found = found or (self._depth(spans) if len(spans) >= self.threshold else None)
            if found is None:
                continue
            depth, day = found
            where = loc[0].at_column(loc[1])
            yield Hit(
                location=where,
                field="cpr",
                value=psr,
                depth=depth,
                day=_danish(dt.date.fromordinal(day)),
                count=lines,
                first_da=_where(where, "da"),
                first_en=_where(where, "en"),
            )


SharedPlaceholder = delivery_rule("SIU407")(SharedPlaceholderCheck)


RULES: list[Rule] = [open_ended_date, period_too_long, period_reaches_far, implausible_age, SharedPlaceholder]
