"""The typed cells of an xlsx column as the text the column readers read (private; used by
:mod:`siu.read.xlsx_columns`).

A cell is made into what the per-row reader makes of openpyxl's value: ``str`` of it in a text
field (a whole number without a point, a date as ``2025-01-31 00:00:00``), the decimal Excel's
15 digits give in the amount column (written the Danish way, so the amount reader takes it with
its decimals), ``yyyy-mm-dd`` in a date field. Whole numbers and dates are made by kernels;
other numbers, datetimes and flags once per distinct value. Null: the field does not read such
a cell column-wise (the per-row reader reads its row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from siu.read.xlsx_calamine import EXACT_INT

ARROW_TYPES = {float: pa.float64(), dt.date: pa.date32(), dt.datetime: pa.timestamp("us"), bool: pa.bool_()}
_LIMIT = pa.scalar(EXACT_INT, pa.float64())
_ZERO = pa.scalar(0.0, pa.float64())
_HUNDRED = pa.scalar(100.0, pa.float64())
_HUNDRED_INT = pa.scalar(100, pa.int64())
_CENTS_LIMIT = pa.scalar(1e13, pa.float64())
_MINUS, _NO_SIGN = pa.scalar("-", pa.string()), pa.scalar("", pa.string())
_MIDNIGHT = pa.scalar(" 00:00:00", pa.string())
_FIRST_YEAR = pa.scalar(1000, pa.int64())  # the date reader wants a four-digit year


def typed(column: tuple[Any, ...], kind: type, kinds: set[type]) -> pa.Array:
    """The column's cells of ``kind`` as an Arrow array, null for the others."""
    if kinds == {kind}:
        return pa.array(column, ARROW_TYPES[kind])
    return pa.array([v if type(v) is kind else None for v in column], ARROW_TYPES[kind])


def cell_text(kind: type, values: pa.Array) -> pa.Array:
    """``str`` of openpyxl's value: a text field, the document number, a flag."""
    if kind is float:
        return _numbers(values, str)
    if kind is dt.date:  # openpyxl gives a datetime at midnight
        return pc.binary_join_element_wise(pc.cast(values, pa.string()), _MIDNIGHT, "")
    return _per_distinct(values, str)


def amount_text(kind: type, values: pa.Array) -> pa.Array:
    """A number in the amount column as the decimal the per-row reader makes of it."""
    if kind is float:
        return _numbers(values, _danish, _cents)
    return pa.nulls(len(values), pa.string())


def date_text(kind: type, values: pa.Array) -> pa.Array:
    """A date or datetime in a date field as ``yyyy-mm-dd`` (the per-row reader takes its day)."""
    if kind not in (dt.date, dt.datetime):
        return pa.nulls(len(values), pa.string())
    days = pc.cast(values, pa.date32())
    return pc.if_else(pc.greater_equal(pc.year(days), _FIRST_YEAR), pc.cast(days, pa.string()), None)


def _numbers(
    values: pa.Array, other: Callable[[float], str], kernel: Callable[[pa.Array], pa.Array] | None = None
) -> pa.Array:
    """Whole numbers below 10^15 as their digits (openpyxl reads them as int); the others by
    ``kernel`` where it can, else by ``other`` once per distinct value."""
    whole = pc.and_(pc.equal(pc.floor(values), values), pc.less(pc.abs(values), _LIMIT))
    digits = pc.cast(pc.cast(pc.if_else(whole, values, _ZERO), pa.int64()), pa.string())
    if pc.all(pc.fill_null(whole, True)).as_py():
        return digits
    made = pc.if_else(whole, digits, kernel(values) if kernel is not None else None)
    left = pc.and_(pc.is_null(made), pc.is_valid(values))
    if not pc.any(left).as_py():
        return made
    return pc.coalesce(made, _per_distinct(pc.if_else(left, values, None), other))


def _cents(values: pa.Array) -> pa.Array:
    """Amounts of whole cents below 10^13 (nearly every amount) written the Danish way, by kernels;
    null for the others. Such an amount has at most 15 digits, so Excel's 15 digits
    (``format(v, ".15g")``) give back exactly the cents the nearest double stands for."""
    cents = pc.round(pc.multiply(values, _HUNDRED))
    exact = pc.and_(pc.equal(pc.divide(cents, _HUNDRED), values), pc.less(pc.abs(values), _CENTS_LIMIT))
    whole_cents = pc.abs(pc.cast(pc.if_else(exact, cents, _ZERO), pa.int64()))
    units = pc.divide(whole_cents, _HUNDRED_INT)  # integer division
    fraction = pc.utf8_lpad(pc.cast(pc.subtract(whole_cents, pc.multiply(units, _HUNDRED_INT)), pa.string()), 2, "0")
    sign = pc.if_else(pc.less(values, _ZERO), _MINUS, _NO_SIGN)
    text = pc.binary_join_element_wise(sign, pc.cast(units, pa.string()), ",", pc.utf8_rtrim(fraction, "0"), "")
    return pc.if_else(exact, text, None)


def _danish(value: float) -> str:
    text = format(value, ".15g")  # Excel's precision, as siu.parsing.parse_amount reads a number
    if "e" in text:
        text = f"{Decimal(text):f}"
    return text.replace(".", ",")


def _per_distinct(values: pa.Array, text: Callable[[Any], str]) -> pa.Array:
    encoded = pc.dictionary_encode(values)
    made = [text(v) for v in encoded.dictionary.to_pylist()]
    return pa.array(made, pa.string()).take(encoded.indices)


__all__ = ["ARROW_TYPES", "amount_text", "cell_text", "date_text", "typed"]
