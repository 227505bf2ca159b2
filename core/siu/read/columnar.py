"""Reading a text table's rows column-wise (private; used by :class:`siu.tabular.TabularSource`).

After the per-row reader found the encoding, delimiter and header row, the data rows stream
through pyarrow's CSV reader in blocks of about 1 MB, every column as text, and each batch is
read whole columns at a time (:mod:`siu.read.column_cells`). A row that is not plainly a
posting in the common forms (a blank, title or total line, a cell in another form, a row of
another width) goes to the per-row reader (:class:`siu.read.scalar.RowReader`) as it stands, so
its findings, money and counts are the per-row reader's, in the same order.

This path is taken for files it reads exactly as the ``csv`` module does: text files without a
quote character (so a line is a row and the row numbers are the editor's), a signed amount
column without a debit/credit mark, and an adapter that reads rows the standard way. Should
pyarrow stop on a file (a byte the encoding lacks, a cell too long), the per-row reader takes
over from the first row not yet read, and says what it says about such files.
"""

from __future__ import annotations

import bisect
import csv
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
from siu.read.scalar import RowReader, gather
from siu.tables import TableInfo, open_table

BLOCK_BYTES = 1 << 20  # some 9,000 rows of a typical export: per-batch work stays small, and memory too
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


def columnar_plan(table: TableInfo, reader: RowReader, standard_rows: bool) -> ColumnarPlan | None:
    """The plan for reading ``table`` column-wise, or None when only the per-row reader reads it
    as siu always has (see the module docstring). ``standard_rows``: the adapter reads a row
    (its posting, amount and skip reason) the standard way; what a subclass reads its own way
    it keeps reading so."""
    match = reader.match
    if table.format != "csv" or reader.tally.active or reader.decimal not in (None, ","):
        return None  # what the tally completes per posting stays per row
    if "amount" not in match.index or "dc" in match.index or "cpr" not in match.index:
        return None
    if not standard_rows:
        return None
    width = len(match.headers)
    if not width or max(match.index.values()) >= width or _has_quotes(table.path):
        return None
    encoding, delimiter = table.encoding or "utf-8", table.delimiter or ";"
    return ColumnarPlan(table.path, encoding, delimiter, match.row + 1, width, BLOCK_BYTES)


def _has_quotes(path: Path) -> bool:
    with path.open("rb") as fh:
        return any(b'"' in chunk for chunk in iter(lambda: fh.read(BLOCK_BYTES), b""))


class _Stop(Exception):
    """pyarrow cannot go on with the file: the per-row reader takes over."""


def read_columnar(plan: ColumnarPlan, reader: RowReader) -> Iterator[pa.RecordBatch | Finding]:
    """The batches and findings of the table's data rows (see the module docstring)."""
    info = reader.batch_info()
    odd: list[tuple[int, str]] = []  # rows of another width than the header's: (line, text)
    line = plan.first_line
    try:
        stream = _open(plan, odd)
        while True:
            try:
                block = stream.read_next_batch()
            except StopIteration:
                break
            for start in range(0, max(block.num_rows, 1), BATCH_ROWS):  # short lines: many rows a block
                batch = block.slice(start, BATCH_ROWS)
                numbers, events, end = _numbers(line, batch.num_rows, odd, plan.delimiter)
                if _too_wide(batch, events):
                    raise _Stop
                yield from _batch(batch, numbers, events, reader, info)
                line = end
        _, events, _ = _numbers(line, 0, odd, plan.delimiter, rest=True)
        if any(len(cells) > MAX_COLUMNS or max(map(len, cells), default=0) > MAX_CELL_CHARS for _, cells in events):
            raise _Stop
        yield from gather(_rows_of(reader, events), info)
    except (_Stop, pa.ArrowException, UnicodeError, OSError):
        yield from gather(reader.rows(_rows_from(plan, line)), info)


def _open(plan: ColumnarPlan, odd: list[tuple[int, str]]) -> pcsv.CSVStreamingReader:
    names = [f"c{i}" for i in range(plan.width)]

    def other_width(row: Any) -> str:
        if row.number is None:
            raise _Stop
        odd.append((row.number, row.text))
        return "skip"

    return pcsv.open_csv(
        plan.path,
        read_options=pcsv.ReadOptions(
            column_names=names,
            skip_rows=plan.first_line - 1,
            encoding=plan.encoding,
            block_size=plan.block_bytes,
            use_threads=False,
        ),
        parse_options=pcsv.ParseOptions(
            delimiter=plan.delimiter, quote_char=False, ignore_empty_lines=False, invalid_row_handler=other_width
        ),
        convert_options=pcsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False
        ),
    )


def _numbers(
    line: int, count: int, odd: list[tuple[int, str]], delimiter: str, rest: bool = False
) -> tuple[pa.Array, list[tuple[int, list[Any]]], int]:
    """The line numbers of a batch of ``count`` rows that starts at ``line``, and the rows of
    another width among them (``rest``: all that are left), as the csv module splits them."""
    end, skipped = line + count, 0
    while True:
        inside = [n for n, _ in odd if line <= n < end] if not rest else [n for n, _ in odd if n >= line]
        if rest or len(inside) == skipped:
            break
        skipped = len(inside)
        end = line + count + skipped
    taken = set(inside)
    ones = pa.repeat(_ONE, end - line)
    numbers = pc.cumulative_sum(ones, start=pa.scalar(line - 1, pa.int64()))
    if inside:
        numbers = numbers.filter(pc.invert(pc.is_in(numbers, value_set=pa.array(inside, pa.int64()))))
    events = sorted((n, _split(text, delimiter)) for n, text in odd if n in taken)
    odd[:] = [(n, t) for n, t in odd if n not in taken]
    return numbers, events, end


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


def _rows_of(reader: RowReader, events: list[tuple[int, list[Any]]]) -> Iterator[Posting | Finding]:
    for number, cells in events:
        yield from reader.row(number, cells)


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


__all__ = ["ColumnarPlan", "columnar_plan", "read_columnar"]
