"""Record rules on the CPR number (SIU101-SIU104): missing, unreadable, impossible date, fictitious outside § 109.

Part of siu's built-in rules (:mod:`siu.check.builtin` registers them); private. Each rule is a
mask over the batch's columns selecting the rows its record check (which words the finding)
could flag.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from siu.base import cpr
from siu.check._run import _run
from siu.check.masks import birth_date_real, per_distinct, truthy
from siu.context import Context
from siu.models import Record
from siu.rules import Hit, batch_rule

# --- CPR -----------------------------------------------------------------------------------


def _missing_cpr(record: Record, ctx: Context) -> Hit | None:
    if not record.psr_id and not record.cpr_raw:
        return Hit(field="cpr")
    return None


@batch_rule("SIU101", check=_missing_cpr)
def missing_cpr(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    return pc.invert(pc.or_(truthy(batch["psr_id"]), truthy(batch["cpr"])))


def _unreadable_cpr(record: Record, ctx: Context) -> Hit | None:
    if record.psr_id is None and record.cpr_raw:
        return Hit(field="cpr", value=record.cpr_raw)
    return None


@batch_rule("SIU102", check=_unreadable_cpr)
def unreadable_cpr(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    return pc.and_(pc.is_null(batch["psr_id"]), truthy(batch["cpr"]))


def _impossible_cpr_date(record: Record, ctx: Context) -> Hit | None:
    psr = record.psr_id
    if psr is None or cpr.birth_date(psr) is not None:
        return None
    run = _run(ctx)
    if psr[6:] in run.suffixes:
        if psr[:6] == run.no_birth_date:
            return None  # DST's form without a birth date: SIU104 judges where it may stand
        if ctx.spec.anonymous_allowed(record.paragraph) and cpr.is_fictitious(psr, *run.suffixes, run.no_birth_date):
            return None
    return Hit(field="cpr", value=psr)


def _no_birth_date_form(psr: pa.Array, ctx: Context) -> pa.Array:
    """True where the CPR is DST's fictitious form without a birth date (``123456`` + suffix)."""
    run = _run(ctx)
    suffix = pc.is_in(pc.utf8_slice_codeunits(psr, 6), pa.array(run.suffixes, pa.string()))
    return pc.fill_null(pc.and_(pc.starts_with(psr, run.no_birth_date), suffix), False)


@batch_rule("SIU103", check=_impossible_cpr_date)
def impossible_cpr_date(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    # Rows whose birth date is real pass; so does DST's form without one. What is left (a
    # fictitious number on § 109 among them) the check decides.
    psr = batch["psr_id"]
    not_real = pc.and_(pc.is_valid(psr), pc.invert(birth_date_real(psr)))
    return pc.and_(not_real, pc.invert(_no_birth_date_form(psr, ctx)))


def _fictitious_outside_109(record: Record, ctx: Context) -> Hit | None:
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


@batch_rule("SIU104", check=_fictitious_outside_109)
def fictitious_outside_109(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    paragraph = batch["record_paragraph"]
    not_allowed = per_distinct(paragraph, lambda p: not ctx.spec.anonymous_allowed(p))
    return pc.and_(_no_birth_date_form(batch["psr_id"], ctx), not_allowed)
