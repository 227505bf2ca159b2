"""Record rules on the CPR number (SIU101-SIU104): missing, unreadable, impossible date, fictitious outside § 109.

Part of siu's built-in rules (:mod:`siu.check.builtin` registers them); private.
"""

from __future__ import annotations

from siu.base import cpr
from siu.check._run import _has_birth_date, _run
from siu.context import Context
from siu.models import Record
from siu.rules import Hit, record_rule

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
