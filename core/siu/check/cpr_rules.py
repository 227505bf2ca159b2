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
from siu.check.masks import birth_date_real, false, int64, truthy
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


def _no_birth_date_form(psr: pa.Array, ctx: Context) -> pa.Array | None:
    """True where the CPR is DST's fictitious form without a birth date (``123456`` + suffix);
    None where no row is."""
    run = _run(ctx)
    prefix = pc.fill_null(pc.starts_with(psr, run.no_birth_date), false())
    if not pc.any(prefix).as_py():
        return None
    female, male = run.suffixes
    suffix = pc.or_(pc.ends_with(psr, female), pc.ends_with(psr, male))
    form = pc.and_(pc.and_(prefix, suffix), pc.equal(pc.binary_length(psr), int64(6 + len(female))))
    return pc.fill_null(form, false())


@batch_rule("SIU103", check=_impossible_cpr_date)
def impossible_cpr_date(batch: pa.RecordBatch, ctx: Context) -> pa.Array | None:
    # Rows whose birth date is real pass; so does DST's form without one. What is left (a
    # fictitious number on § 109 among them) the check decides.
    psr = batch["psr_id"]
    not_real = pc.and_(pc.is_valid(psr), pc.invert(birth_date_real(psr)))
    if not pc.any(not_real).as_py():
        return None
    form = _no_birth_date_form(psr, ctx)
    return not_real if form is None else pc.and_(not_real, pc.invert(form))


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
def fictitious_outside_109(batch: pa.RecordBatch, ctx: Context) -> pa.Array | None:
    form = _no_birth_date_form(batch["psr_id"], ctx)
    if form is None:
        return None
    # the paragraphs that allow it: asked of the spec pack per paragraph it has (none other does)
    allowed = pa.array([p for p in ctx.spec.paragraphs if ctx.spec.anonymous_allowed(p)], pa.string())
    paragraph = batch["record_paragraph"]
    return pc.and_(pc.and_(form, pc.is_valid(paragraph)), pc.invert(pc.is_in(paragraph, allowed)))
