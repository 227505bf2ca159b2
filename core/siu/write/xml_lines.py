"""The record lines of the XML delivery, built a whole batch at a time.

Each line is ``    <Record><Tag>value</Tag>…</Record>\\n`` with the spec pack's element names.
The values are made column by column with :mod:`pyarrow.compute`: text is escaped only in a
column that holds ``& < >`` (what :func:`xml.sax.saxutils.escape` replaces), amounts are
rounded half to even to the channel's decimals (what ``f"{amount:.2f}"`` does to a Decimal),
dates are formatted once per distinct date with Python's ``strftime`` (so every format and year
looks as it always did), and the columns are joined into lines in one kernel call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from xml.sax.saxutils import escape

import pyarrow as pa
import pyarrow.compute as pc

from siu.batches import TEXT_COLUMNS, records_of
from siu.specpack import SpecPack

__all__ = ["CHUNK_BYTES", "format_amount", "line_chunks", "render_value"]

CHUNK_BYTES = 1 << 18
"""The size of the pieces the lines are written in: small enough that the XSD check's queue of
pieces stays a few MB, large enough that writing them costs nothing."""

_DATE_COLUMNS = ("start", "end")
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))  # in this order, as saxutils.escape


def format_amount(amount: Decimal, decimals: int) -> str:
    """An amount with exactly ``decimals`` decimals and a point (XML decimal)."""
    return f"{amount:.{decimals}f}"


def render_value(value: object, decimals: int, date_format: str) -> str:
    """One value as the XML shows it (the per-value form, for fields without a column kernel)."""
    if value is None:
        return ""
    if type(value) is str:
        return escape(value)
    if isinstance(value, Decimal):
        return format_amount(value, decimals)
    if isinstance(value, dt.date):
        return value.strftime(date_format)
    return escape(str(value))


def _text(column: pa.Array) -> pa.Array:
    text = column.fill_null("")
    if pc.any(pc.match_substring_regex(text, "[&<>]")).as_py():
        for char, entity in _ESCAPES:
            text = pc.replace_substring(text, char, entity)
    return text


def _amounts(batch: pa.RecordBatch, decimals: int) -> pa.Array:
    amount = batch.column("amount")
    if not 0 <= decimals <= 6:  # Arrow writes 1E-7; leave such packs to the per-value form
        return pa.array([format_amount(a, decimals) for a in amount.to_pylist()], pa.string())
    rounded = pc.round(amount, ndigits=decimals, round_mode="half_to_even")
    text = pc.cast(pc.cast(rounded, pa.decimal128(38, decimals)), pa.string())
    # A Decimal keeps its sign when it rounds to zero ("-0.00"); Arrow's integers cannot.
    negative_zero = pc.and_(pc.less(amount, pa.scalar(Decimal(0), amount.type)), pc.equal(rounded, 0))
    if pc.any(negative_zero).as_py():
        text = pc.if_else(negative_zero, pc.binary_join_element_wise("-", text, ""), text)
    return text


def _dates(column: pa.Array, date_format: str) -> pa.Array:
    # Once per distinct date: a year's lines share a few hundred dates.
    encoded = pc.dictionary_encode(column)
    shown = pa.array([d.strftime(date_format) for d in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(shown, encoded.indices).fill_null("")


def _column_text(batch: pa.RecordBatch, key: str, decimals: int, date_format: str) -> pa.Array:
    if key in TEXT_COLUMNS:
        return _text(batch.column(TEXT_COLUMNS[key]))
    if key == "amount":
        return _amounts(batch, decimals)
    if key in _DATE_COLUMNS:
        return _dates(batch.column(key), date_format)
    # A field the pack names that has no column of its own: read it from the per-row record.
    return pa.array([render_value(getattr(r, key), decimals, date_format) for r in records_of(batch)], pa.string())


def _lines(batch: pa.RecordBatch, spec: SpecPack, decimals: int) -> pa.Array:
    """The batch's lines as one string array (each line ends with a newline)."""
    x = spec.manifest.xml
    parts: list[pa.Array | str] = []
    literal = f"    <{x.record}>"
    for key, tag in x.record_fields.items():
        parts += [f"{literal}<{tag}>", _column_text(batch, key, decimals, x.date_format)]
        literal = f"</{tag}>"
    parts.append(f"{literal}</{x.record}>\n")
    if len(parts) == 1:  # a pack whose lines have no fields
        return pa.array([parts[0]] * batch.num_rows, pa.string())
    return pc.binary_join_element_wise(*parts, "")


def line_chunks(batch: pa.RecordBatch, spec: SpecPack, decimals: int) -> Iterator[bytes]:
    """The batch's lines as UTF-8, in pieces of about :data:`CHUNK_BYTES`."""
    if batch.num_rows == 0:
        return
    lines = _lines(batch, spec, decimals)
    _, offsets_buffer, data = lines.buffers()
    offsets = pa.Array.from_buffers(pa.int32(), len(lines) + 1, [None, offsets_buffer], offset=lines.offset)
    start, end = offsets[0].as_py(), offsets[-1].as_py()
    for at in range(start, end, CHUNK_BYTES):
        yield data[at : min(at + CHUNK_BYTES, end)].to_pybytes()
