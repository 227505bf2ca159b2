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
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from siu.base.limits import MAX_CELL_CHARS
from siu.models import Finding
from siu.read.column_batch import read_columns
from siu.read.columnar import columns_readable, read_rows
from siu.read.gather import gather
from siu.read.rows import DATE_FIELDS
from siu.read.scalar import RowReader
from siu.read.xlsx_calamine import SheetRows, openpyxl_cells
from siu.read.xlsx_texts import amount_text, cell_text, date_text, typed
from siu.tables import TableInfo

BLOCK_ROWS = 8192  # rows a block: per-block work stays small, and memory too
_READ = frozenset({str, float, dt.date, dt.datetime, bool})  # what the column readers know
_EMPTY = pa.scalar("", pa.string())


def sheet_plan(table: TableInfo, rows: Any, reader: RowReader, standard_rows: bool) -> SheetRows | None:
    """The sheet's rows to read column-wise, or None when only the per-row reader reads them
    (as for a text table: see :func:`siu.read.columnar.columnar_plan`)."""
    if table.format != "xlsx" or not isinstance(rows, SheetRows) or not columns_readable(reader, standard_rows):
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
        if _too_long(texts):
            rows.give_back(first, block)
            break
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
    """Whether every cell of a block is a kind the column readers know."""
    return all(set(map(type, column)) <= _READ for column in columns)


def _too_long(texts: list[pa.Array]) -> bool:
    """A cell past siu's limit: the per-row reader says so, at its row."""
    longest = max((pc.max(pc.binary_length(col)).as_py() or 0) for col in texts)  # bytes ≥ characters
    return longest > MAX_CELL_CHARS and any(
        (pc.max(pc.utf8_length(col)).as_py() or 0) > MAX_CELL_CHARS for col in texts
    )


def _texts(
    columns: list[tuple[Any, ...]], lead: int, width: int, count: int, reader: RowReader
) -> tuple[list[pa.Array], pa.Array]:
    """The block's columns as text (from column A, at least ``width`` of them), and the rows with a
    cell the column readers do not read."""
    by_column = {at: name for name, at in reader.match.index.items()}
    out = [pa.repeat(_EMPTY, count)] * max(width, lead + len(columns))
    unread = pa.repeat(pa.scalar(False), count)
    for at, column in enumerate(columns, start=lead):
        text, odd = _column_text(column, by_column.get(at))
        out[at] = text
        if odd is not None:
            unread = pc.or_(unread, odd)
    return out, unread


def _column_text(column: tuple[Any, ...], name: str | None) -> tuple[pa.Array, pa.Array | None]:
    """One column as text (see :mod:`siu.read.xlsx_texts`), and (for a field that reads typed cells
    its own way) which rows hold a cell the column readers do not read."""
    kinds = set(map(type, column))
    if kinds <= {str}:
        return pa.array(column, pa.string()), None
    n = len(column)
    strings = pa.array([v if type(v) is str else None for v in column], pa.string()) if str in kinds else None
    make = amount_text if name == "amount" else date_text if name in DATE_FIELDS else cell_text
    made = pa.nulls(n, pa.string())
    if name != "cpr":  # a number that lost its CPR's leading zero: the per-row reader puts it back
        for kind in kinds - {str}:
            made = pc.coalesce(made, make(kind, typed(column, kind, kinds)))
    text = made if strings is None else pc.coalesce(strings, made)
    if make is cell_text and name != "cpr":
        return text, None
    return pc.fill_null(text, ""), pc.is_null(text)


__all__ = ["BLOCK_ROWS", "read_sheet", "sheet_plan"]
