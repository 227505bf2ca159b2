"""Record rules on the period (SIU110-SIU114): missing dates, start after end, outside the year.

Part of siu's built-in rules (:mod:`siu.check.builtin` registers them); private.
"""

from __future__ import annotations

from siu.check._run import _run
from siu.context import Context
from siu.models import Record
from siu.rules import Hit, record_rule

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
