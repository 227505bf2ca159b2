"""The cells of a batch of table rows read whole columns at a time (private; used by
:mod:`siu.read.columnar`).

Only the common forms are read here: a Danish amount (``1.234,56``, ``1234,56-``, ``-12``),
a ``dd.mm.yyyy`` or ``yyyy-mm-dd`` date, a blank. A row is *plain* when it is surely a posting
(see :func:`posting_rows`) and every cell it uses is in such a form or reads without error;
what the per-row reader would say about any other row, it says itself.
Cells that repeat (CPRs, accounts, flags, texts) are read once per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from siu.batches import AMOUNT
from siu.parsing import ParseError

_DANISH = r"(?:[0-9]{1,3}(?:\.[0-9]{3}){1,4}|[0-9]{1,15}),[0-9]{1,18}"
# What parse_amount reads exactly as its digits say: 1.234,56 · -1234,5 · 1234,56- · -12
AMOUNT_FORM = rf"^(?:-?{_DANISH}|{_DANISH}-|-?[0-9]{{1,15}})$"
_DATE_FORMS = (
    (r"^[0-9]{2}\.[0-9]{2}\.[0-9]{4}$", "%d.%m.%Y", (0, 3, 6)),  # day, month, year at
    (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "%Y-%m-%d", (8, 5, 0)),
)


# What Python's str.strip takes away (Arrow's own trim knows a different set of spaces): every
# character whose str.isspace() is true, written out (working it out took 0.4 s at each start;
# tests/test_columnar_read.py checks the list against the running Python).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


# Scalars made once: pyarrow makes one from a Python value slowly (it looks for numpy each time).
_NO_TEXT = pa.scalar(None, pa.string())
_EMPTY = pa.scalar("", pa.string())
_ZERO_TEXT = pa.scalar("0", pa.string())
_ZERO = pa.scalar(0, pa.int32())
_ONE = pa.scalar(1, pa.int32())
_FALSE = pa.scalar(False)


def clean_texts(cells: pa.Array) -> pa.Array:
    """:func:`siu.parsing.clean_text` of every cell: stripped, None where blank."""
    stripped = pc.utf8_trim(cells, characters=WHITESPACE)
    return pc.if_else(pc.equal(stripped, _EMPTY), _NO_TEXT, stripped)


@dataclass
class Read:
    """A column read: its values, and which rows it could read (``ok``)."""

    values: pa.Array
    ok: pa.Array


def amounts(cells: pa.Array, limit: pa.Scalar) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Signed amounts, the decimals each cell wrote, and which cells are in a common form and
    below ``limit`` in absolute value."""
    ok = pc.match_substring_regex(cells, AMOUNT_FORM)
    trailing = pc.ends_with(cells, "-")  # SAP's trailing minus
    digits = pc.replace_substring(pc.if_else(ok, cells, _ZERO_TEXT), ".", "")
    digits = pc.replace_substring(pc.ascii_rtrim(digits, characters="-"), ",", ".")
    values = pc.cast(digits, AMOUNT)
    values = pc.if_else(trailing, pc.negate(values), values)
    point = pc.find_substring(digits, ".")
    scale = pc.if_else(pc.less(point, _ZERO), _ZERO, pc.subtract(pc.subtract(pc.utf8_length(digits), point), _ONE))
    ok = pc.and_(ok, pc.less(pc.abs(values), limit))
    return values, pc.cast(scale, pa.int8()), ok


def dates(cells: pa.Array) -> Read:
    """Dates in the two forms nearly every export uses; a blank cell is no date (and read).
    An export repeats a few hundred dates: each distinct one is read once."""
    encoded = pc.dictionary_encode(cells)
    read = _distinct_dates(encoded.dictionary)
    return Read(read.values.take(encoded.indices), read.ok.take(encoded.indices))


def _distinct_dates(cells: pa.Array) -> Read:
    values = pa.nulls(len(cells), pa.date32())
    ok = pc.equal(cells, _EMPTY)
    for form, fmt, (d, m, y) in _DATE_FORMS:
        matches = pc.match_substring_regex(cells, form)
        text = pc.if_else(matches, cells, _NO_TEXT)
        parsed = pc.cast(pc.strptime(text, format=fmt, unit="s", error_is_null=True), pa.date32())
        # strptime rolls 31.02 over into March and takes year 0: the parts must read back.
        day = pc.cast(pc.utf8_slice_codeunits(text, d, d + 2), pa.int32())
        month = pc.cast(pc.utf8_slice_codeunits(text, m, m + 2), pa.int32())
        year = pc.cast(pc.utf8_slice_codeunits(text, y, y + 4), pa.int32())
        exact = pc.and_(
            pc.and_(pc.equal(pc.day(parsed), day), pc.equal(pc.month(parsed), month)),
            pc.and_(pc.equal(pc.year(parsed), year), pc.greater(year, _ZERO)),
        )
        good = pc.fill_null(pc.and_(matches, exact), False)
        values = pc.if_else(good, parsed, values)
        ok = pc.or_(ok, good)
    return Read(values, ok)


def per_distinct(cells: pa.Array, read: Callable[[Any], Any], type_: pa.DataType) -> Read:
    """``read`` applied once per distinct cell and broadcast; a cell it refuses (ParseError) is
    not read."""
    encoded = pc.dictionary_encode(cells)
    out: list[Any] = []
    good: list[bool] = []
    for value in encoded.dictionary.to_pylist():
        try:
            out.append(read(value))
            good.append(True)
        except ParseError:
            out.append(None)
            good.append(False)
    indices = encoded.indices
    return Read(pa.array(out, type_).take(indices), pa.array(good, pa.bool_()).take(indices))


def posting_rows(columns: Sequence[pa.Array], index: dict[str, int], headers: Sequence[str]) -> pa.Array:
    """Rows that are surely postings (the per-row ``skip_reason`` is None): a document number
    that starts with a letter or digit and is not the header again; or a CPR alone in its cell
    and no ``*`` anywhere in the row (no subtotal mark)."""
    n = len(columns[0])
    sure = pa.repeat(_FALSE, n)
    doc = index.get("document")
    if doc is not None:
        cells = columns[doc]
        header = headers[doc] if doc < len(headers) else None
        sure = pc.match_substring_regex(cells, r"^[0-9A-Za-z]")
        if header:
            sure = pc.and_(sure, pc.not_equal(pc.utf8_trim(cells, characters=WHITESPACE), header))
        if pc.all(sure).as_py():
            return sure  # every row has a document number: the common case
    cpr = index.get("cpr")
    if cpr is not None:
        alone = pc.match_substring_regex(columns[cpr], r"^[0-9]{6}-?[0-9]{4}$")
        for cells in columns:
            alone = pc.and_(alone, pc.invert(pc.match_substring(cells, "*")))
        sure = pc.or_(sure, alone)
    return sure


def blank_to_none(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``read`` for a cell that may be blank (None for a blank one, as the per-row reader has it)."""

    def reader(value: Any) -> Any:
        return None if not str(value).strip() else read(value)

    return reader
