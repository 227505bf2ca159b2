"""Record rules on the amount (SIU130-SIU133): zero, sign against the art, unit, internal art.

Part of siu's built-in rules (:mod:`siu.check.builtin` registers them); private. Each rule is a
mask over the batch's columns selecting the rows its record check (which words the finding)
could flag.
"""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from siu.batches import AMOUNT
from siu.check._run import _run
from siu.check.masks import text
from siu.context import Context
from siu.models import Kind, Record
from siu.rules import Hit, batch_rule

# --- amounts -------------------------------------------------------------------------------


def _zero() -> pa.Scalar:
    return pa.scalar(Decimal(0), AMOUNT)


def _zero_amount(record: Record, ctx: Context) -> Hit | None:
    if not record.amount:
        return Hit(field="amount")
    return None


@batch_rule("SIU130", check=_zero_amount)
def zero_amount(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    return pc.equal(batch["amount"], _zero())


_INTERNAL = Kind.INTERNAL
_KIND_NAMES = {Kind.EXPENDITURE: ("en udgift", "expenditure"), Kind.REVENUE: ("en indtægt", "revenue")}


def _sign_against_art(record: Record, ctx: Context) -> Hit | None:
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


@batch_rule("SIU131", check=_sign_against_art)
def sign_against_art(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    amount, kind = batch["amount"], batch["kind"]
    expenditure = pc.and_(pc.equal(kind, text(Kind.EXPENDITURE.value)), pc.less(amount, _zero()))
    revenue = pc.and_(pc.equal(kind, text(Kind.REVENUE.value)), pc.greater(amount, _zero()))
    return pc.and_(batch["sign_explicit"], pc.or_(expenditure, revenue))


def _amount_unit(record: Record, ctx: Context) -> Hit | None:
    # On the decimal text: "1000.50" with decimals=2 passes; "1000.505" or, with decimals=0,
    # "1000.50" does not; "1000.00" always passes.
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


@batch_rule("SIU132", check=_amount_unit)
def amount_unit(batch: pa.RecordBatch, ctx: Context) -> pa.Array | None:
    # Only amounts written with more decimals than the unit can break it (the scale is cheap to
    # compare; rounding only where it says so).
    decimals = _run(ctx).decimals
    wider = pc.greater(batch["amount_scale"], pa.scalar(decimals, pa.int8()))
    if not pc.any(wider).as_py():
        return None
    amount = batch["amount"]
    return pc.and_(wider, pc.not_equal(amount, pc.round(amount, decimals)))


def _internal_art(record: Record, ctx: Context) -> Hit | None:
    if record.kind is _INTERNAL:
        return Hit(field="kontostreng", art=record.art or "9")
    return None


@batch_rule("SIU133", check=_internal_art)
def internal_art(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    return pc.equal(batch["kind"], text(_INTERNAL.value))
