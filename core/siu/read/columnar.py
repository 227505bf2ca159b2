"""Reading a text table's rows column-wise (private; used by :class:`siu.tabular.TabularSource`).

After the per-row reader found the encoding, delimiter and header row, the data rows are read
in blocks of about 1 MB of whole lines (decoded by Python's codec, parsed by pyarrow's CSV
reader one block at a time, every column as text), and each batch is
read whole columns at a time (:mod:`siu.read.column_cells`). A row that is not plainly a
posting in the common forms (a blank, title or total line, a cell in another form, a row of
another width) goes to the per-row reader (:class:`siu.read.scalar.RowReader`) as it stands, so
its findings, money and counts are the per-row reader's, in the same order.

This path is taken for files it reads exactly as the ``csv`` module does: text files without a
quote character, NUL or bare CR (so a line is a row and the row numbers are the editor's), a signed amount
column without a debit/credit mark, and an adapter that reads rows the standard way. Should
pyarrow stop on a file (a byte the encoding lacks, a cell too long), the per-row reader takes
over from the first row not yet read, and says what it says about such files.
"""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from siu.base.limits import MAX_CELL_CHARS, MAX_COLUMNS
from siu.batches import BATCH_ROWS
from siu.models import Finding, Posting
from siu.read.column_batch import Columns, posting_batch, read_columns
from siu.read.gather import gather
from siu.read.scalar import RowReader
from siu.tables import TableInfo, open_table

_UTF8 = ("utf-8", "utf8", "utf-8-sig")
_BARE_CR = re.compile(rb"\r(?!\n)")
# Some 18,000 rows of a typical export. The work per batch (a few hundred kernel calls) is spread
# over more rows in bigger blocks, and memory grows with them (1M validate, 2 December: 1 MB
# 7.1 s / 213 MB, 2 MB 6.1 s / 234 MB, 4 MB 5.5 s / 294 MB); 2 MB is the middle of the road.
BLOCK_BYTES = 2 << 20
_ONE = pa.scalar(1, pa.int64())


@dataclass
class ColumnarPlan:
    """How to stream a text table's data rows: the file, how it is written, where the rows start."""

    path: Path
    encoding: str
    delimiter: str
    first_line: int
    width: int
    block_bytes: int = BLOCK_BYTES


def columns_readable(reader: RowReader, standard_rows: bool) -> bool:
    """Whether the column readers can read this table's rows at all (a text table's or an xlsx
    sheet's): a signed amount column, a CPR column, decimals written with a comma, nothing the
    tally completes per posting, and ``standard_rows`` (the adapter reads a row, its posting,
    amount and skip reason, the standard way; what a subclass reads its own way it keeps reading so)."""
    match = reader.match
    if not standard_rows or reader.tally.active or reader.decimal not in (None, ","):
        return False  # what the tally completes per posting stays per row
    return "amount" in match.index and "dc" not in match.index and "cpr" in match.index


def columnar_plan(table: TableInfo, reader: RowReader, standard_rows: bool) -> ColumnarPlan | None:
    """The plan for reading ``table`` column-wise, or None when only the per-row reader reads it
    as siu always has (see the module docstring and :func:`columns_readable`)."""
    if table.format != "csv" or not columns_readable(reader, standard_rows):
        return None
    match = reader.match
    width = len(match.headers)
    if not width or max(match.index.values()) >= width or not _plain_lines(table.path):
        return None
    encoding, delimiter = table.encoding or "utf-8", table.delimiter or ";"
    return ColumnarPlan(table.path, encoding, delimiter, match.row + 1, width, BLOCK_BYTES)


def _plain_lines(path: Path) -> bool:
    """Whether every line of the file is a row as the csv module splits it: no quote, no NUL
    (which the csv module refuses) and no line that ends in a bare CR."""
    with path.open("rb") as fh:
        while chunk := fh.read(BLOCK_BYTES):
            if chunk.endswith(b"\r"):
                chunk += fh.read(1)
            if b'"' in chunk or b"\x00" in chunk or _BARE_CR.search(chunk):
                return False
    return True


class _Stop(Exception):
    """pyarrow cannot go on with the file: the per-row reader takes over."""


def read_columnar(plan: ColumnarPlan, reader: RowReader) -> Iterator[pa.RecordBatch | Finding]:
    """The batches and findings of the table's data rows (see the module docstring)."""
    info = reader.batch_info()
    line = plan.first_line  # the first line not yet read
    try:
        for start, end, block, odd in _blocks(plan):
            slices = list(_slices(start, block, odd, plan.delimiter))
            if any(_too_wide(batch, events) for batch, _, events in slices):
                raise _Stop
            for batch, numbers, events in slices:
                yield from _batch(batch, numbers, events, reader, info)
            line = end
    except (_Stop, pa.ArrowException, UnicodeError, OSError):
        yield from gather(reader.rows(_rows_from(plan, line)), info)


def _blocks(plan: ColumnarPlan) -> Iterator[tuple[int, int, pa.RecordBatch, list[tuple[int, str]]]]:
    """The data rows in blocks of whole lines: each block's first line and the line after it,
    its rows of the header's width, and the others (line, text). One block is read at a time
    (pyarrow's own streaming reader reads many ahead), so memory stays one block."""
    names = [f"c{i}" for i in range(plan.width)]
    read_options = pcsv.ReadOptions(column_names=names, use_threads=False, block_size=2 * plan.block_bytes + (1 << 20))
    convert = pcsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False
    )
    line = plan.first_line
    with plan.path.open("rb") as fh:
        for _ in range(plan.first_line - 1):
            fh.readline()
        while data := fh.read(plan.block_bytes):
            data += fh.readline()  # whole lines: a line ends with LF (columnar_plan refuses a lone CR)
            odd: list[tuple[int, str]] = []

            def other_width(row: Any, first: int = line, odd: list[tuple[int, str]] = odd) -> str:
                if row.number is None:
                    raise _Stop
                odd.append((first + row.number - 1, row.text))
                return "skip"

            parse = pcsv.ParseOptions(
                delimiter=plan.delimiter, quote_char=False, ignore_empty_lines=False, invalid_row_handler=other_width
            )
            text = data if plan.encoding in _UTF8 else data.decode(plan.encoding).encode("utf-8")
            table = pcsv.read_csv(
                pa.py_buffer(text), read_options=read_options, parse_options=parse, convert_options=convert
            )
            block = table.combine_chunks().to_batches()[0] if table.num_rows else _empty(names)
            end = line + data.count(b"\n") + (not data.endswith(b"\n"))
            yield line, end, block, odd
            line = end


def _empty(names: list[str]) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([pa.array([], pa.string()) for _ in names], names=names)


def _slices(
    start: int, block: pa.RecordBatch, odd: list[tuple[int, str]], delimiter: str
) -> Iterator[tuple[pa.RecordBatch, pa.Array, list[tuple[int, list[Any]]]]]:
    """A block in batches of at most BATCH_ROWS: each with its rows' line numbers and the rows
    of another width that come before its end (the last: all that are left)."""
    events = sorted((n, _split(text, delimiter)) for n, text in odd)
    rows = block.num_rows
    count = rows + len(events)
    numbers = pc.cumulative_sum(pa.repeat(_ONE, count), start=pa.scalar(start - 1, pa.int64()))
    if events:
        numbers = numbers.filter(pc.invert(pc.is_in(numbers, value_set=pa.array([n for n, _ in events], pa.int64()))))
    for first in range(0, max(rows, 1), BATCH_ROWS):
        last = first + BATCH_ROWS >= rows
        batch, lines = block.slice(first, BATCH_ROWS), numbers.slice(first, BATCH_ROWS)
        here = events if last else [e for e in events if e[0] < lines[-1].as_py()]
        events = events[len(here) :]
        yield batch, lines, here


def _split(text: str, delimiter: str) -> list[str]:
    return next(csv.reader([text], delimiter=delimiter, strict=False), [])


def _too_wide(batch: pa.RecordBatch, events: list[tuple[int, list[Any]]]) -> bool:
    """A row or cell beyond what siu reads: the per-row reader says so, at its line."""
    if any(len(cells) > MAX_COLUMNS or max(map(len, cells), default=0) > MAX_CELL_CHARS for _, cells in events):
        return True
    longest = max((pc.max(pc.binary_length(col)).as_py() or 0) for col in batch.columns)  # bytes ≥ characters
    return longest > MAX_CELL_CHARS and any(
        (pc.max(pc.utf8_length(col)).as_py() or 0) > MAX_CELL_CHARS for col in batch.columns
    )


def _rows_from(plan: ColumnarPlan, line: int) -> Iterator[tuple[int, list[Any]]]:
    _, rows = open_table(plan.path, encoding=plan.encoding, delimiter=plan.delimiter)
    for number, cells in rows:
        if number >= line:
            yield number, cells


def _batch(
    batch: pa.RecordBatch,
    numbers: pa.Array,
    events: list[tuple[int, list[Any]]],
    reader: RowReader,
    info: Any,
) -> Iterator[pa.RecordBatch | Finding]:
    """One batch: its plain rows read as columns, every other row by the per-row reader in line
    order (the export's totals see the postings in between), then the postings as one batch."""
    read = read_columns(batch.columns, reader)
    slow = pc.indices_nonzero(pc.invert(read.plain))
    if len(slow):
        columns = [col.take(slow).to_pylist() for col in batch.columns]
        rows = [list(cells) for cells in zip(*columns, strict=True)]
        events = sorted([*events, *zip(numbers.take(slow).to_pylist(), rows, strict=True)], key=lambda e: e[0])
    yield from read_rows(read, slow, numbers, events, reader, info)


def read_rows(
    read: Columns,
    slow: pa.Array,
    numbers: pa.Array,
    events: list[tuple[int, list[Any]]],
    reader: RowReader,
    info: Any,
) -> Iterator[pa.RecordBatch | Finding]:
    """A batch's rows: the plain ones (all but ``slow``) as read, the others (``events``: row
    number and cells, in order) by the per-row reader (also used by :mod:`siu.read.xlsx_columns`)."""
    if len(slow):
        fast = pc.indices_nonzero(read.plain)
        fast_numbers, plain_read = numbers.take(fast), read.take(fast)
    else:  # every row plain: the common case
        fast_numbers, plain_read = numbers, read
    before = fast_numbers.to_pylist() if events else []  # to place the other rows among the plain ones
    postings: list[Posting] = []
    done = 0
    for number, cells in events:
        upto = bisect.bisect_left(before, number)
        _count(reader, plain_read, done, upto)
        done = upto
        for item in reader.row(number, cells):
            if isinstance(item, Posting):
                postings.append(item)
            else:
                yield item
    _count(reader, plain_read, done, len(fast_numbers))
    reader.info.rows_read += len(fast_numbers)
    out = posting_batch(plain_read, fast_numbers, reader, postings, info)
    if out.num_rows:
        yield out


def _count(reader: RowReader, read: Columns, start: int, stop: int) -> None:
    """The plain postings ``start:stop`` counted for the export's own totals check."""
    if stop > start:
        reader.postings_read(read.total(start, stop), stop - start)


__all__ = ["ColumnarPlan", "columnar_plan", "read_columnar", "read_rows"]
