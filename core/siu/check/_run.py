"""Per-run constants siu's rules share (private): the year's bounds and the birth-date cache.

Part of siu's built-in rules (:mod:`siu.check.builtin` registers them); private.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from siu.base import cpr
from siu.context import Context

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
