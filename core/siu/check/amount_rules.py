"""Record rules on the amount (SIU130-SIU133): zero, sign against the art, unit, internal art.

Part of siu's built-in rules (:mod:`siu.check.builtin` registers them); private.
"""

from __future__ import annotations

from siu.check._run import _run
from siu.context import Context
from siu.models import Kind, Record
from siu.rules import Hit, record_rule

# --- amounts -------------------------------------------------------------------------------


@record_rule("SIU130")
def zero_amount(record: Record, ctx: Context) -> Hit | None:
    if not record.amount:
        return Hit(field="amount")
    return None


_INTERNAL = Kind.INTERNAL
_KIND_NAMES = {Kind.EXPENDITURE: ("en udgift", "expenditure"), Kind.REVENUE: ("en indtægt", "revenue")}


@record_rule("SIU131")
def sign_against_art(record: Record, ctx: Context) -> Hit | None:
    kind = record.kind
    if not record.sign_explicit or kind not in _KIND_NAMES or not record.amount:
        return None
    sign_kind = Kind.EXPENDITURE if record.amount > 0 else Kind.REVENUE
    if sign_kind is kind:
        return None
    (sign_da, sign_en), (kind_da, kind_en) = _KIND_NAMES[sign_kind], _KIND_NAMES[kind]
    return Hit(
        field="amount",
        value=record.amount,
        art=record.art or "?",
        sign_da=sign_da,
        sign_en=sign_en,
        kind_da=kind_da,
        kind_en=kind_en,
    )


@record_rule("SIU132")
def amount_unit(record: Record, ctx: Context) -> Hit | None:
    # On the decimal text: cheaper than Decimal.as_tuple() on every line. "1000.50" with
    # decimals=2 passes; "1000.505" or, with decimals=0, "1000.50" does not; "1000.00" always passes.
    text = str(record.amount)
    if "E" in text:
        text = f"{record.amount:f}"
    dot = text.find(".")
    if dot < 0:
        return None
    decimals = _run(ctx).decimals
    if text[dot + 1 + decimals :].strip("0"):
        return Hit(field="amount", value=record.amount, decimals=decimals)
    return None


@record_rule("SIU133")
def internal_art(record: Record, ctx: Context) -> Hit | None:
    if record.kind is _INTERNAL:
        return Hit(field="kontostreng", art=record.art or "9")
    return None
