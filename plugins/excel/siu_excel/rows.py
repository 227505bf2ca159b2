"""The data rows of the Excel template's sheet, built as XML text a whole batch at a time.

openpyxl builds and serialises an object per cell, which made ``--format xlsx`` cost some 180 µs
per line. Here each column's cells are made with :mod:`pyarrow.compute`, and what a value looks
like in the sheet is worked out once per distinct value, with openpyxl's own rules, so the sheet
holds the bytes openpyxl wrote: text as inline strings escaped as lxml escapes them (``& < >``,
carriage returns and every non-ASCII character as character references), ``xml:space`` where a
text has outer white space, numbers as ``"%.16g"``, dates as Excel serial numbers. Cell styles are
still openpyxl's: each kind of cell (text, text Excel would take as a formula, number, date) is
registered with the workbook when it first occurs, in the order openpyxl would have met it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from siu.batches import TEXT_COLUMNS, amounts_of
from siu.specpack import ExcelSpec
from siu.tables import column_letter
from siu.xlsx_cells import escape_illegal, needs_neutralising, text_cell

__all__ = ["DATE_FORMAT", "SheetRows"]

DATE_FORMAT = "yyyy-mm-dd"

TEXT_FIELDS = TEXT_COLUMNS  # a delivery line's text field → its batch column
DATE_FIELDS = ("start", "end")
FIELDS = (*TEXT_FIELDS, "amount", *DATE_FIELDS)

# The kinds of cell, each one style of the workbook.
TEXT, FORMULA_TEXT, NUMBER, DATE = 0, 1, 2, 3


def _text_body(text: str) -> str:
    """A text cell after its coordinate and style, as openpyxl writes it with lxml."""
    if text == "":
        return ' t="inlineStr"></c>'
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    escaped = escaped.encode("ascii", "xmlcharrefreplace").decode("ascii")
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def _text_cells(values: Sequence[str]) -> tuple[list[int], list[str]]:
    """The kind and body of a text cell for each value."""
    kinds, bodies = [], []
    for value in values:
        text = escape_illegal(value)
        kinds.append(FORMULA_TEXT if needs_neutralising(text) else TEXT)
        bodies.append(_text_body(text))
    return kinds, bodies


# Text that needs nothing done: printable ASCII but & < >, no outer space, not starting as a
# formula would (= + - @). Most of a delivery's cells (CPR numbers, accounts, paragraphs) are.
_SAFE = r"\x21-\x25\x27-\x3b\x3d\x3f-\x7e"
_FIRST = r"\x21-\x25\x27-\x2a\x2c\x2e-\x3b\x3f\x41-\x7e"  # and not = + - @
_PLAIN_TEXT = f"^[{_FIRST}]([ {_SAFE}]*[{_SAFE}])?$"


def _text_column(column: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(kind, body) of a text column: plain text by kernels, the rest once per distinct value."""
    plain = pc.fill_null(pc.match_substring_regex(column, _PLAIN_TEXT), False)
    kinds = pc.if_else(plain, pa.scalar(TEXT, pa.int8()), pa.scalar(None, pa.int8()))
    bodies = pc.binary_join_element_wise(' t="inlineStr"><is><t>', column, "</t></is></c>", "")
    other = pc.and_(pc.invert(plain), pc.is_valid(column))
    if not pc.any(other).as_py():
        return kinds, bodies
    other_kinds, other_bodies = _per_distinct(pc.filter(column, other), _text_cells)
    return pc.replace_with_mask(kinds, other, other_kinds), pc.replace_with_mask(bodies, other, other_bodies)


def _number_column(amount: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(kind, body) of an amount column: whole amounts (all of them once rounded to whole kroner,
    as the IDEP channel is) by kernels, ``"%.16g"`` being their digits; the rest once per value."""
    whole_values = pc.round(amount, ndigits=0, round_mode="half_to_even")
    limit = pa.scalar(Decimal(10**15), amount.type)
    whole = pc.and_(pc.equal(whole_values, amount), pc.less(pc.abs(amount), limit))
    digits = pc.cast(pc.cast(whole_values, pa.decimal128(38, 0)), pa.string())
    kinds = pa.repeat(pa.scalar(NUMBER, pa.int8()), len(amount))
    bodies = pc.binary_join_element_wise(' t="n"><v>', digits, "</v></c>", "")
    other = pc.invert(whole)
    if not pc.any(other).as_py():
        return kinds, bodies
    _, other_bodies = _per_distinct(pc.filter(amount, other), _number_cells)
    return kinds, pc.replace_with_mask(bodies, other, other_bodies)


def _number_cells(values: list[Any]) -> tuple[list[int], list[str]]:
    return [NUMBER] * len(values), [f' t="n"><v>{"%.16g" % v}</v></c>' for v in values]


def _per_distinct(
    column: pa.Array, cells: Callable[[list[Any]], tuple[list[int], list[str]]]
) -> tuple[pa.Array, pa.Array]:
    """(kind, body) for every row, worked out once per distinct value; null where the value is."""
    encoded = pc.dictionary_encode(column)
    kinds, bodies = cells(encoded.dictionary.to_pylist())
    return pc.take(pa.array(kinds, pa.int8()), encoded.indices), pc.take(pa.array(bodies, pa.string()), encoded.indices)


def _bytes(text: pa.Array) -> bytes:
    """A string array's values, one after the other (as UTF-8), read from its buffers."""
    _, offsets_buffer, data = text.buffers()
    offsets = pa.Array.from_buffers(pa.int32(), len(text) + 1, [None, offsets_buffer], offset=text.offset)
    return data[offsets[0].as_py() : offsets[-1].as_py()].to_pybytes()


class SheetRows:
    """The sheet's data rows for the batches of one delivery, numbered on from the header."""

    def __init__(self, ws: Any, template: ExcelSpec, number_format: str) -> None:
        from openpyxl.utils.datetime import to_excel

        self.ws = ws
        self.columns = [(col.field, col.type) for col in template.columns]
        self.letters = [column_letter(i) for i in range(len(self.columns))]
        self.number_format = number_format
        self.next_row = template.header_row + 1
        self.styles: dict[int, str] = {}  # kind → ' s="N"', once registered with the workbook
        self.serial = lambda day: to_excel(day, ws.parent.epoch)

    @staticmethod
    def supported(template: ExcelSpec) -> bool:
        """Whether every column of ``template`` is a field these rows are built for."""
        return all(col.field in FIELDS for col in template.columns)

    def of(self, batch: pa.RecordBatch) -> bytes:
        """The batch's rows, ``<row r="N">…</row>`` each, as the sheet's XML."""
        n = batch.num_rows
        if n == 0:
            return b""
        numbers = pa.array(range(self.next_row, self.next_row + n), pa.int64()).cast(pa.string())
        self.next_row += n
        cells = [self._cells(batch, field, kind) for field, kind in self.columns]
        self._register([kinds for kinds, _ in cells])
        styles = pa.array([self.styles.get(k, "") for k in range(4)], pa.string())
        parts: list[pa.Array | str] = ['<row r="', numbers, '">']
        for letter, (kinds, bodies) in zip(self.letters, cells):
            style = pc.take(styles, kinds)
            parts.append(pc.binary_join_element_wise(f'<c r="{letter}', numbers, '"', style, bodies, "").fill_null(""))
        parts.append("</row>")
        return _bytes(pc.binary_join_element_wise(*parts, ""))

    def _cells(self, batch: pa.RecordBatch, field: str, kind: str) -> tuple[pa.Array, pa.Array]:
        """(kind, body) of the column's cell in every row; null where the line has no value."""
        if field in TEXT_FIELDS:
            return _text_column(batch.column(TEXT_FIELDS[field]))
        if field == "amount":
            if kind == "number":
                return _number_column(batch.column("amount"))
            return _per_distinct(pa.array([str(a) for a in amounts_of(batch)], pa.string()), _text_cells)
        if kind == "date":
            return _per_distinct(batch.column(field), self._date_cells)
        return _per_distinct(batch.column(field), lambda days: _text_cells([str(d) for d in days]))

    def _date_cells(self, values: list[Any]) -> tuple[list[int], list[str]]:
        return [DATE] * len(values), [f' t="n"><v>{"%.16g" % self.serial(d)}</v></c>' for d in values]

    def _register(self, kinds: list[pa.Array]) -> None:
        """Register the kinds of cell this batch brings first, in the order the rows meet them."""
        width = len(kinds)
        first: dict[int, int] = {}
        for kind in range(4):
            if kind in self.styles:
                continue
            places = [pc.index(column, kind).as_py() for column in kinds]
            found = [row * width + col for col, row in enumerate(places) if row >= 0]
            if found:
                first[kind] = min(found)
        for kind in sorted(first, key=first.__getitem__):
            self.styles[kind] = f' s="{self._prototype(kind).style_id}"'

    def _prototype(self, kind: int) -> Any:
        """A cell of this kind, as the per-cell writer made them (its style is what counts)."""
        from openpyxl.cell import WriteOnlyCell

        if kind in (TEXT, FORMULA_TEXT):
            return text_cell(self.ws, "=" if kind == FORMULA_TEXT else "x")
        cell = WriteOnlyCell(self.ws, value=0)
        cell.number_format = self.number_format if kind == NUMBER else DATE_FORMAT
        return cell
