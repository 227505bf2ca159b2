"""Reading an xlsx sheet's data rows column-wise, from python-calamine's values (private; used by
:class:`siu.tabular.TabularSource`).

The rows calamine gives (:class:`siu.read.xlsx_calamine.SheetRows`) are cut into blocks; each
column of a block becomes Arrow text as the per-row reader would see the cell (a number or date
as ``str`` of openpyxl's value; an amount that is a number as the exact decimal the per-row
reader makes of it; a date as ``yyyy-mm-dd``), and the block is read by the same column readers
as a text export (:func:`siu.read.column_batch.read_columns`). A row the column readers are not
sure of, or that holds a cell they do not read (a number where a CPR or date is, a flag in the
amount column), goes to the per-row reader with the cells openpyxl would give. A block holding
a cell calamine reads otherwise (a time, a duration) or one past siu's limits goes, with every
row after it, to the per-row reader (which reads those rows with openpyxl).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from siu.base.limits import MAX_CELL_CHARS
from siu.models import Finding
from siu.read.column_batch import read_columns
from siu.read.columnar import read_rows
from siu.read.rows import DATE_FIELDS
from siu.read.scalar import RowReader, gather
from siu.read.xlsx_calamine import SheetRows, openpyxl_cells
from siu.tables import TableInfo

BLOCK_ROWS = 8192  # rows a block: per-block work stays small, and memory too
_READ = frozenset({str, float, dt.date, dt.datetime, bool})  # what the column readers know
_EMPTY = pa.scalar("", pa.string())
_NO_TEXT = pa.scalar(None, pa.string())


def sheet_plan(table: TableInfo, rows: Any, reader: RowReader, standard_rows: bool) -> SheetRows | None:
    """The sheet's rows to read column-wise, or None when only the per-row reader reads them
    (as for a text table: see :func:`siu.read.columnar.columnar_plan`)."""
    match = reader.match
    if table.format != "xlsx" or not isinstance(rows, SheetRows) or not standard_rows:
        return None
    if reader.tally.active or reader.decimal not in (None, ","):
        return None
    if "amount" not in match.index or "dc" in match.index or "cpr" not in match.index:
        return None
    return rows


def read_sheet(rows: SheetRows, reader: RowReader) -> Iterator[pa.RecordBatch | Finding]:
    """The batches and findings of the sheet's data rows (see the module docstring)."""
    info = reader.batch_info()
    width = max(reader.match.index.values()) + 1
    for first, block in rows.blocks(BLOCK_ROWS):
        columns = list(zip(*block, strict=True)) if block and block[0] else []
        if not _readable(columns):
            rows.give_back(first, block)
            break
        texts, unread = _texts(columns, len(rows.lead), width, len(block), reader)
        numbers = pc.add(pa.array(range(len(block)), pa.int64()), pa.scalar(first, pa.int64()))
        read = read_columns(texts, reader)
        read.plain = pc.and_(read.plain, pc.invert(unread))
        if "anonymous" in reader.match.index:  # an empty cell is no flag at all (None), not "Nej"
            raw = texts[reader.match.index["anonymous"]]
            read.values["anonymous"] = pc.if_else(
                pc.equal(raw, _EMPTY), pa.scalar(None, pa.bool_()), read.values["anonymous"]
            )
        slow = pc.indices_nonzero(pc.invert(read.plain))
        events = [
            (first + at, openpyxl_cells(block[at], rows.lead, first + at, rows.path) or []) for at in slow.to_pylist()
        ]
        yield from read_rows(read, slow, numbers, events, reader, info)
    yield from gather(reader.rows(rows), info)


def _readable(columns: list[tuple[Any, ...]]) -> bool:
    """Whether every cell of a block is a kind the column readers know and within siu's limits."""
    for column in columns:
        kinds = set(map(type, column))
        if not kinds <= _READ:
            return False
        if str in kinds and max(len(v) for v in column if type(v) is str) > MAX_CELL_CHARS:
            return False
    return True


def _texts(
    columns: list[tuple[Any, ...]], lead: int, width: int, count: int, reader: RowReader
) -> tuple[list[pa.Array], pa.Array]:
    """The block's columns as text (from column A, at least ``width`` of them), and the rows with a
    cell the column readers do not read."""
    index = reader.match.index
    by_column = {at: name for name, at in index.items()}
    out = [pa.repeat(_EMPTY, count)] * max(width, lead + len(columns))
    unread = pa.repeat(pa.scalar(False), count)
    for at, column in enumerate(columns, start=lead):
        name = by_column.get(at)
        text, odd = _column_text(column, name)
        out[at] = text
        if odd is not None:
            unread = pc.or_(unread, odd)
    return out, unread


def _column_text(column: tuple[Any, ...], name: str | None) -> tuple[pa.Array, pa.Array | None]:
    """One column as text, and (for a field that reads a typed cell its own way) which rows hold a
    cell the column readers do not read."""
    kinds = set(map(type, column))
    if kinds <= {str}:
        return pa.array(column, pa.string()), None
    strings = pa.array([v if type(v) is str else None for v in column], pa.string())
    typed = pc.is_null(strings)
    if name == "amount":
        values = _distinct(column, typed, _amount_text, lambda v: type(v) is float)
        return pc.fill_null(pc.coalesce(strings, values), ""), pc.and_(typed, pc.is_null(values))
    if name in DATE_FIELDS:
        values = _distinct(column, typed, _date_text, lambda v: type(v) in (dt.date, dt.datetime))
        return pc.fill_null(pc.coalesce(strings, values), ""), pc.and_(typed, pc.is_null(values))
    if name == "cpr":  # a number lost its leading zero: the per-row reader puts it back
        return pc.fill_null(strings, ""), typed
    values = _distinct(column, typed, _cell_text, lambda v: True)
    return pc.coalesce(strings, values), None


def _distinct(column: tuple[Any, ...], typed: pa.Array, text: Any, accept: Any) -> pa.Array:
    """``text`` of each typed cell that ``accept`` takes (None for the others), made once per
    distinct value of each kind (a date as openpyxl's datetime)."""
    out = pa.nulls(len(column), pa.string())
    for kind in {type(v) for v in column} - {str}:
        values = [v if type(v) is kind and accept(v) else None for v in column]
        if kind is dt.date:
            values = [None if v is None else dt.datetime(v.year, v.month, v.day) for v in values]
        encoded = pc.dictionary_encode(pa.array(values, _TYPES[kind]))
        made = pa.array([text(v) for v in encoded.dictionary.to_pylist()], pa.string()).take(encoded.indices)
        out = pc.coalesce(out, made)
    return out


_TYPES = {float: pa.float64(), dt.datetime: pa.timestamp("us"), dt.date: pa.timestamp("us"), bool: pa.bool_()}


def _amount_text(value: float) -> str:
    """A number in the amount column as the per-row reader reads it (Excel's 15 digits), written the
    Danish way so the amount reader takes it with its decimals."""
    cell = int(value) if value.is_integer() and abs(value) < 1e15 else value
    number = Decimal(cell) if isinstance(cell, int) else Decimal(format(cell, ".15g"))
    return f"{number:f}".replace(".", ",")


def _date_text(value: dt.datetime) -> str | None:
    return value.strftime("%Y-%m-%d") if value.year >= 1000 else None  # the date reader wants four digits


def _cell_text(value: Any) -> str:
    """A typed cell as the per-row reader's ``str`` of openpyxl's value."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


__all__ = ["BLOCK_ROWS", "read_sheet", "sheet_plan"]
