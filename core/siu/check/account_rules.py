"""Record rules on the account and paragraph (SIU120-SIU123).

Part of siu's built-in rules (:mod:`siu.check.builtin` registers them); private. Each rule is a
mask over the batch's columns selecting the rows its record check (which words the finding)
could flag; the spec pack is asked once per distinct function and paragraph.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from siu.check.masks import false, per_distinct_pair, text, truthy
from siu.context import Context
from siu.models import Record
from siu.rules import Hit, batch_rule

# --- account and paragraph -------------------------------------------------------------------


def _in_scope(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    """Per row: the function and drift type are in the year's scope (false without a function)."""
    return per_distinct_pair(batch["function"], batch["dranst"], ctx.spec.in_scope)


def _account_out_of_scope(record: Record, ctx: Context) -> Hit | None:
    if record.function and record.kontostreng and not ctx.spec.in_scope(record.function, record.dranst or ""):
        return Hit(field="kontostreng", function=record.function, dranst=record.dranst or "?", year=ctx.year)
    return None


@batch_rule("SIU120", check=_account_out_of_scope)
def account_out_of_scope(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    accounted = pc.and_(truthy(batch["function"]), truthy(batch["kontostreng"]))
    return pc.and_(accounted, pc.invert(_in_scope(batch, ctx)))


def _no_paragraph(record: Record, ctx: Context) -> Hit | None:
    if (
        record.kontostreng
        and record.paragraph is None
        and record.function
        and ctx.spec.in_scope(record.function, record.dranst or "")
    ):
        return Hit(field="kontostreng", value=record.account_text)
    return None


@batch_rule("SIU121", check=_no_paragraph)
def no_paragraph(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    unplaced = pc.and_(truthy(batch["kontostreng"]), pc.is_null(batch["record_paragraph"]))
    return pc.and_(pc.and_(unplaced, truthy(batch["function"])), _in_scope(batch, ctx))


def _unknown_paragraph(record: Record, ctx: Context) -> Hit | None:
    if record.paragraph is not None and record.paragraph not in ctx.spec.paragraphs:
        return Hit(field="paragraph", value=record.paragraph, year=ctx.year)
    return None


@batch_rule("SIU122", check=_unknown_paragraph)
def unknown_paragraph(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    known = pa.array(list(ctx.spec.paragraphs), pa.string())
    paragraph = batch["record_paragraph"]
    return pc.and_(pc.is_valid(paragraph), pc.invert(pc.is_in(paragraph, known)))


def _paragraph_outside_area(record: Record, ctx: Context) -> Hit | None:
    if record.area and ctx.area != "begge" and record.area != ctx.area:
        return Hit(field="paragraph", value=record.paragraph, area=record.area, delivery_area=ctx.area)
    return None


@batch_rule("SIU123", check=_paragraph_outside_area)
def paragraph_outside_area(batch: pa.RecordBatch, ctx: Context) -> pa.Array | None:
    if ctx.area == "begge":
        return None
    area = batch["area"]
    return pc.and_(truthy(area), pc.fill_null(pc.not_equal(area, text(ctx.area)), false()))
