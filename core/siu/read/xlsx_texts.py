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
        return _numbers(values, _danish)
    return pa.nulls(len(values), pa.string())


def date_text(kind: type, values: pa.Array) -> pa.Array:
    """A date or datetime in a date field as ``yyyy-mm-dd`` (the per-row reader takes its day)."""
    if kind not in (dt.date, dt.datetime):
        return pa.nulls(len(values), pa.string())
    days = pc.cast(values, pa.date32())
    return pc.if_else(pc.greater_equal(pc.year(days), _FIRST_YEAR), pc.cast(days, pa.string()), None)


def _numbers(values: pa.Array, other: Callable[[float], str]) -> pa.Array:
    """Whole numbers below 10^15 as their digits (openpyxl reads them as int), the others by ``other``."""
    whole = pc.and_(pc.equal(pc.floor(values), values), pc.less(pc.abs(values), _LIMIT))
    digits = pc.cast(pc.cast(pc.if_else(whole, values, _ZERO), pa.int64()), pa.string())
    if pc.all(pc.fill_null(whole, True)).as_py():
        return digits
    rest = _per_distinct(pc.if_else(whole, None, values), other)
    return pc.if_else(whole, digits, rest)


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
