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

import pyarrow as pa
import pyarrow.compute as pc

from siu.base import cpr
from siu.check import periods
from siu.check.grouped import ZERO, BatchCheck, Grouped, rows_of, valid_period
from siu.check.masks import birth_dates
from siu.context import Context
from siu.models import Location, Record
from siu.rules import Hit, Rule, batch_rule, delivery_rule


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


def _open_column(day: pa.Array, b: _Bounds) -> pa.Array:
    """:func:`_open` on a date column (null: false)."""
    year = pc.year(day)
    return pc.fill_null(pc.or_(pc.greater_equal(year, b.open_end_year), pc.less_equal(year, b.open_start_year)), False)


def _open_ended_date(record: Record, ctx: Context) -> Hit | None:
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


@batch_rule("SIU115", check=_open_ended_date)
def open_ended_date(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    """Lines with a marker start or end date (what SIU115 reports)."""
    b = _bounds(ctx)
    return pc.or_(_open_column(batch.column("start"), b), _open_column(batch.column("end"), b))


def _days(batch: pa.RecordBatch) -> pa.Array:
    """Days from start to end (null where either is missing)."""
    return pc.subtract(pc.cast(batch.column("end"), pa.int32()), pc.cast(batch.column("start"), pa.int32()))


def _across_years(batch: pa.RecordBatch, b: _Bounds) -> pa.Array:
    """Lines with a real period (start not after end, no marker date) over more than one calendar year."""
    start, end = batch.column("start"), batch.column("end")
    real = pc.and_(pc.invert(_open_column(start, b)), pc.invert(_open_column(end, b)))
    years = pc.fill_null(pc.greater(pc.year(end), pc.year(start)), False)
    return pc.and_(pc.and_(valid_period(batch), years), real)


def _period_too_long(record: Record, ctx: Context) -> Hit | None:
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


@batch_rule("SIU116", check=_period_too_long)
def period_too_long(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    """Lines that may be longer than the longest period: m months are at least 28·m - 3 days."""
    b = _bounds(ctx)
    return pc.and_(_across_years(batch, b), pc.fill_null(pc.greater_equal(_days(batch), 28 * b.max_months - 3), False))


def _period_reaches_far(record: Record, ctx: Context) -> Hit | None:
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


@batch_rule("SIU117", check=_period_reaches_far)
def period_reaches_far(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    """Lines whose period touches the year and reaches beyond the years around it."""
    b = _bounds(ctx)
    start, end = batch.column("start"), batch.column("end")
    beyond = pc.or_(pc.less(start, b.outer_first), pc.greater(end, b.outer_last))
    touches = pc.and_(pc.greater_equal(end, b.first), pc.less_equal(start, b.last))
    return pc.and_(_across_years(batch, b), pc.fill_null(pc.and_(beyond, touches), False))


# --- CPR numbers that are probably placeholders ----------------------------------------------


def _implausible_age(record: Record, ctx: Context) -> Hit | None:
    psr = record.psr_id
    if psr is None or record.anonymised:
        return None
    born = cpr.birth_date(psr)
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


@batch_rule("SIU106", check=_implausible_age)
def implausible_age(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    """Lines whose citizen is born after the period's end or more than 100 years before its start."""
    born = birth_dates(batch.column("psr_id"))
    start = batch.column("start")
    after = pc.greater(born, batch.column("end"))
    old = pc.greater(pc.subtract(pc.year(start), pc.year(born)), 100)
    odd = pc.or_(pc.fill_null(after, False), pc.fill_null(old, False))
    return pc.and_(odd, pc.invert(batch.column("anonymised")))


def _where(loc: Location, lang: str) -> str:
    return loc.describe(lang, sheet=False, column=False)


class SharedPlaceholderCheck(BatchCheck):
    """Per citizen with § 109 expenditure: the distinct periods, the line count and the first line,
    as Arrow tables; at the end, the most distinct periods covering one day, for every citizen at once.

    Distinct periods, not lines: one stay invoiced as several lines for the same period (rent,
    food, a child's share) is one stay. A shared placeholder holds many residents' stays, whose
    periods differ and overlap."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.threshold = ctx.settings.validation.placeholder_overlaps
        self.spans = Grouped(("psr", "start", "end"), ())
        self.citizens = Grouped(("psr",), (("pos", "count"), ("pos", "min")))
        self.allowed: dict[str | None, bool] = {}

    def observe_lines(self, batch: pa.RecordBatch) -> None:
        b = _bounds(self.ctx)
        psr = batch.column("psr_id")
        keep = pc.and_(pc.and_(valid_period(batch), pc.is_valid(psr)), pc.greater(batch.column("amount"), ZERO))
        keep = pc.and_(pc.and_(keep, pc.invert(batch.column("anonymised"))), self._allowed(batch))
        real = pc.invert(pc.or_(_open_column(batch.column("start"), b), _open_column(batch.column("end"), b)))
        fictitious = pc.is_in(pc.utf8_slice_codeunits(psr, 6), pa.array(b.suffixes))
        keep = pc.and_(pc.and_(keep, real), pc.invert(pc.fill_null(fictitious, False)))
        lines = self.located(batch, psr=psr, start=batch.column("start"), end=batch.column("end")).filter(keep)
        self.spans.add(lines.select(["psr", "start", "end"]))
        self.citizens.add(lines.select(["psr", "pos"]))

    def _allowed(self, batch: pa.RecordBatch) -> pa.Array:
        """Lines under a paragraph where § 109 anonymisation applies (decided per distinct paragraph)."""
        encoded = pc.dictionary_encode(batch.column("record_paragraph"))
        for paragraph in encoded.dictionary.to_pylist():
            if paragraph not in self.allowed:
                self.allowed[paragraph] = self.ctx.spec.anonymous_allowed(paragraph)
        allowed = pa.array([self.allowed[p] for p in encoded.dictionary.to_pylist()], pa.bool_())
        return pc.fill_null(allowed.take(encoded.indices), self.ctx.spec.anonymous_allowed(None))

    def _depths(self, spans: pa.Table) -> pa.Table:
        """Per citizen: the most distinct periods covering one day (``depth``) and the first such day
        (``day``, an ordinal), when at least the threshold. Starts sort before ends on the same day
        (both days count); each citizen's starts and ends cancel, so one running sum serves all."""
        start = pc.add(pc.cast(pc.cast(spans.column("start"), pa.int32()), pa.int64()), _ORDINAL_1970)
        end = pc.add(pc.cast(pc.cast(spans.column("end"), pa.int32()), pa.int64()), _ORDINAL_1970)
        n = spans.num_rows
        events = pa.table(
            {
                "psr": pa.concat_arrays([spans.column("psr").combine_chunks()] * 2),
                "day": pa.concat_arrays([start.combine_chunks(), end.combine_chunks()]),
                "kind": pa.concat_arrays(
                    [pa.repeat(pa.scalar(0, pa.int8()), n), pa.repeat(pa.scalar(1, pa.int8()), n)]
                ),
            }
        ).sort_by([("psr", "ascending"), ("day", "ascending"), ("kind", "ascending")])
        delta = pc.subtract(1, pc.multiply(pc.cast(events.column("kind"), pa.int64()), 2))
        events = events.append_column("depth", pc.cumulative_sum(delta))
        best = events.group_by("psr", use_threads=False).aggregate([("depth", "max")])
        best = best.filter(pc.greater_equal(best.column("depth_max"), self.threshold))
        at = events.join(best, keys="psr", join_type="inner", use_threads=False)
        at = at.filter(pc.equal(at.column("depth"), at.column("depth_max")))
        return at.group_by("psr", use_threads=False).aggregate([("depth_max", "max"), ("day", "min")])

    def finish(self) -> Iterator[Hit]:
        self.flush()
        spans, citizens = self.spans.table(), self.citizens.table()
        if spans is None or citizens is None:
            return
        found = citizens.join(self._depths(spans), keys="psr", join_type="inner", use_threads=False).sort_by("pos_min")
        columns = ["psr", "depth_max_max", "day_min", "pos_count", "pos_min"]
        for psr, depth, day, lines, place in rows_of(found, columns):
            where = self.places.location_at(place, "cpr")
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


_ORDINAL_1970 = dt.date(1970, 1, 1).toordinal()  # date32 counts days from 1970-01-01


SharedPlaceholder = delivery_rule("SIU407")(SharedPlaceholderCheck)


RULES: list[Rule] = [open_ended_date, period_too_long, period_reaches_far, implausible_age, SharedPlaceholder]
