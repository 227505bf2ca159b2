"""The delivery's counts, a batch at a time: money as the sum of exact decimals, lines and
citizens per paragraph, lines per year."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from siu.batches import AMOUNT, money
from siu.check.periods import MAX_PERIOD_MONTHS, OPEN_END_YEAR, OPEN_START_YEAR
from siu.convert.years import line_year
from siu.models import Totals
from siu.report.result import ParagraphTotals, RunResult

_ZERO = pa.scalar(Decimal(0), AMOUNT)


def spending(batch: pa.RecordBatch) -> pa.Array:
    """Which rows are expenditure (an amount of 0 included); the others are revenue."""
    return pc.greater_equal(batch.column("amount"), _ZERO)


def count_lines(records: pa.RecordBatch, totals: Totals, result: RunResult) -> None:
    """Count a batch of delivery lines into the delivery's totals, in all and per paragraph."""
    spent = spending(records)
    totals.records += records.num_rows
    totals.expenditure += money(records, spent)
    totals.revenue += money(records, pc.invert(spent))
    result.anonymised += pc.sum(records.column("anonymised")).as_py() or 0
    paragraphs = pc.fill_null(records.column("record_paragraph"), "?")
    for key in pc.unique(paragraphs).to_pylist():
        rows = pc.equal(paragraphs, key)
        pt = result.paragraphs.get(key)
        if pt is None:
            pt = result.paragraphs[key] = ParagraphTotals()
        pt.lines += pc.sum(rows).as_py()
        pt.expenditure += money(records, pc.and_(rows, spent))
        pt.revenue += money(records, pc.and_(rows, pc.invert(spent)))
        pt.citizens.update(pc.filter(records.column("psr_id"), rows))


def line_years(start: pa.Array, end: pa.Array) -> pa.Array:
    """:func:`siu.convert.years.line_year` of every line (null where a line has no year). Periods
    of real dates within a year or so of each other (nearly every line) are worked out on the
    columns, the year of their middle day; any other line by ``line_year`` itself, once per
    distinct period."""
    plain = pc.and_(pc.is_valid(start), pc.is_valid(end)).to_numpy(zero_copy_only=False)
    first_days, last_days = (_days(c) for c in (start, end))
    first_year, last_year = _years(first_days), _years(last_days)
    plain &= (first_days <= last_days) & (last_year - first_year < MAX_PERIOD_MONTHS // 12)
    plain &= (first_year > OPEN_START_YEAR) & (last_year < OPEN_END_YEAR)
    years = _years(first_days + (last_days - first_days) // 2)
    out = pa.array(years, pa.int32(), mask=~plain)
    if plain.all():
        return out
    others = pa.table({"start": start, "end": end}).filter(pa.array(~plain))
    periods = others.group_by(["start", "end"], use_threads=False).aggregate([])
    answers = [line_year(a, b) for a, b in zip(*(periods.column(c).to_pylist() for c in ("start", "end")), strict=True)]
    asked_keys = _period_keys(periods.column("start"), periods.column("end")).combine_chunks()
    asked = pa.array(answers, pa.int32()).take(pc.index_in(_period_keys(start, end), value_set=asked_keys))
    return pc.if_else(pa.array(plain), out, asked)


def _period_keys(start: pa.Array, end: pa.Array) -> pa.Array:
    """One text per period, a missing date included (``20089:-``)."""
    days = [pc.fill_null(pc.cast(pc.cast(c, pa.int32()), pa.string()), "-") for c in (start, end)]
    return pc.binary_join_element_wise(*days, ":")


def _days(dates: pa.Array) -> np.ndarray:
    """Day numbers (days since 1970-01-01) of a date column, 0 where it has none."""
    return pc.fill_null(pc.cast(dates, pa.int32()), 0).to_numpy(zero_copy_only=False).astype(np.int64)


def _years(days: np.ndarray) -> np.ndarray:
    """The calendar year of each day number (days since 1970-01-01)."""
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def count_years(records: pa.RecordBatch, result: RunResult) -> None:
    """Count the lines per year their period falls in."""
    counted = pc.value_counts(line_years(records.column("start"), records.column("end")))
    for year, n in zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True):
        if year is not None:
            result.years[year] += n
