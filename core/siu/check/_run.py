"""Per-run constants siu's rules share (private): the year's bounds, the CPR forms, the unit.

Part of siu's built-in rules (:mod:`siu.check.builtin` registers them); private.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from siu.context import Context

# --- per-run constants ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """What the record rules and their masks look up, computed once per run (kept in ``ctx.state``)."""

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
