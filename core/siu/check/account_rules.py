"""Record rules on the account and paragraph (SIU120-SIU123).

Part of siu's built-in rules (:mod:`siu.check.builtin` registers them); private.
"""

from __future__ import annotations

from siu.context import Context
from siu.models import Record
from siu.rules import Hit, record_rule

# --- account and paragraph -------------------------------------------------------------------


@record_rule("SIU120")
def account_out_of_scope(record: Record, ctx: Context) -> Hit | None:
    if record.function and record.kontostreng and not ctx.spec.in_scope(record.function, record.dranst or ""):
        return Hit(field="kontostreng", function=record.function, dranst=record.dranst or "?", year=ctx.year)
    return None


@record_rule("SIU121")
def no_paragraph(record: Record, ctx: Context) -> Hit | None:
    if (
        record.kontostreng
        and record.paragraph is None
        and record.function
        and ctx.spec.in_scope(record.function, record.dranst or "")
    ):
        return Hit(field="kontostreng", value=record.account_text)
    return None


@record_rule("SIU122")
def unknown_paragraph(record: Record, ctx: Context) -> Hit | None:
    if record.paragraph is not None and record.paragraph not in ctx.spec.paragraphs:
        return Hit(field="paragraph", value=record.paragraph, year=ctx.year)
    return None


@record_rule("SIU123")
def paragraph_outside_area(record: Record, ctx: Context) -> Hit | None:
    if record.area and ctx.area != "begge" and record.area != ctx.area:
        return Hit(field="paragraph", value=record.paragraph, area=record.area, delivery_area=ctx.area)
    return None
