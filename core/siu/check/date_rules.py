"""Record rules on the period (SIU110-SIU114): missing dates, start after end, outside the year.

Part of siu's built-in rules (:mod:`siu.check.builtin` registers them); private. Each rule is a
mask over the batch's columns selecting the rows its record check (which words the finding)
could flag.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

from siu.check._run import _run
from siu.context import Context
from siu.models import Record
from siu.rules import Hit, batch_rule

# --- dates ---------------------------------------------------------------------------------


def _missing_start(record: Record, ctx: Context) -> Hit | None:
    if record.start is None and "start" not in record.invalid:
        return Hit(field="start")
    return None


@batch_rule("SIU110", check=_missing_start)
def missing_start(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    return pc.is_null(batch["start"])  # a cell that could not be read is SIU02x's (the check knows)


def _missing_end(record: Record, ctx: Context) -> Hit | None:
    if record.end is None and "end" not in record.invalid:
        return Hit(field="end")
    return None


@batch_rule("SIU111", check=_missing_end)
def missing_end(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    return pc.is_null(batch["end"])


def _start_after_end(record: Record, ctx: Context) -> Hit | None:
    if record.start and record.end and record.start > record.end:
        return Hit(field="start", start=record.start.isoformat(), end=record.end.isoformat())
    return None


@batch_rule("SIU112", check=_start_after_end)
def start_after_end(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    return pc.greater(batch["start"], batch["end"])


def _outside_year(start: pa.Array, end: pa.Array, first: dt.date, last: dt.date) -> pa.Array:
    """Periods (start ≤ end) ending before ``first`` or starting after ``last``."""
    outside = pc.or_(pc.less(end, pa.scalar(first, pa.date32())), pc.greater(start, pa.scalar(last, pa.date32())))
    return pc.and_(pc.less_equal(start, end), outside)


def _period_outside_year(record: Record, ctx: Context) -> Hit | None:
    start, end = record.start, record.end
    if start is None or end is None or start > end:
        return None
    run = _run(ctx)
    if (end < run.first or start > run.last) and not (end < run.outer_first or start > run.outer_last):
        return Hit(field="start", start=start.isoformat(), end=end.isoformat(), year=ctx.year)
    return None


@batch_rule("SIU113", check=_period_outside_year)
def period_outside_year(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    run, start, end = _run(ctx), batch["start"], batch["end"]
    far = _outside_year(start, end, run.outer_first, run.outer_last)
    return pc.and_(_outside_year(start, end, run.first, run.last), pc.invert(far))


def _period_far_outside(record: Record, ctx: Context) -> Hit | None:
    start, end = record.start, record.end
    if start is None or end is None or start > end:
        return None
    run = _run(ctx)
    if end < run.outer_first or start > run.outer_last:
        return Hit(field="start", start=start.isoformat(), end=end.isoformat(), year=ctx.year)
    return None


@batch_rule("SIU114", check=_period_far_outside)
def period_far_outside(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    run = _run(ctx)
    return _outside_year(batch["start"], batch["end"], run.outer_first, run.outer_last)
