"""Per-key state of the delivery rules as Arrow tables, not one Python object per key (private).

A delivery rule that sums per citizen and paragraph keeps partial aggregates: each batch's lines
are appended as they are (a line is a partial aggregate of itself: its own sum, minimum, first,
and a count of one), and when the parts outgrow the keys last counted they are merged by one
``group_by`` (sums of sums, minima of minima, the first of the firsts). A batch's lines are mostly
distinct keys, so grouping each batch on its own would hash nearly every line once more. A key
costs its Arrow bytes (a CPR's 10 bytes and offset, a 16-byte decimal, 4-byte dates), at most
twice over between merges. Parts stay in reading order, so ``first`` is the key's first line.

A line is known by its reading position (its place in the stream of lines), which orders results
as the per-row rules produced them; :class:`Places` finds its input and row again.
:class:`RecordBuffer` turns per-record calls (API 1's ``observe``) into batches.
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from siu.batches import AMOUNT, BatchInfo, batch_of_records, info_of
from siu.models import Location, Record

ZERO = pa.scalar(Decimal(0), AMOUNT)
MERGE_ROWS = 4096  # partial rows kept before the first merge; then twice the keys last counted

# How partial aggregates merge: a count is summed, the rest merge as themselves.
_MERGE = {"sum": "sum", "min": "min", "max": "max", "count": "sum", "any": "any", "first": "first"}


def valid_period(batch: pa.RecordBatch) -> pa.Array:
    """Lines with a start and an end, the start not after the end."""
    return pc.fill_null(pc.less_equal(batch.column("start"), batch.column("end")), False)


def truthy(column: pa.Array) -> pa.Array:
    """Rows whose text is neither null nor empty (``if record.psr_id`` of the per-row rules)."""
    return pc.fill_null(pc.not_equal(column, ""), False)


class Grouped:
    """Aggregates per key over a stream of tables: ``aggs`` are (column, op) pairs, op one of
    sum, min, max, count, any, first; the result names them ``column_op``."""

    def __init__(self, keys: Sequence[str], aggs: Sequence[tuple[str, str]]) -> None:
        self.keys = list(keys)
        self.aggs = list(aggs)
        self.names = [f"{c}_{op}" for c, op in self.aggs]
        self.parts: list[pa.Table] = []
        self.rows = 0
        self.merged_rows = 0

    def add(self, table: pa.Table) -> None:
        if not table.num_rows:
            return
        columns = [
            pc.cast(pc.is_valid(table.column(c)), pa.int64()) if op == "count" else table.column(c)
            for c, op in self.aggs
        ]
        self.parts.append(pa.table([*(table.column(k) for k in self.keys), *columns], names=[*self.keys, *self.names]))
        self.rows += table.num_rows
        if self.rows > max(2 * self.merged_rows, MERGE_ROWS):
            self._merge()

    def _merge(self) -> None:
        if self.rows == self.merged_rows:  # one part, merged already (or none)
            return
        table = pa.concat_tables(self.parts)
        merged = table.group_by(self.keys, use_threads=False).aggregate(
            [(name, _MERGE[op]) for name, (_, op) in zip(self.names, self.aggs, strict=True)]
        )
        columns = [f"{name}_{_MERGE[op]}" for name, (_, op) in zip(self.names, self.aggs, strict=True)]
        merged = merged.select([*self.keys, *columns]).rename_columns([*self.keys, *self.names])
        self.parts = [merged]
        self.rows = self.merged_rows = merged.num_rows

    def table(self) -> pa.Table | None:
        """The aggregates, one row per key (None when nothing was added)."""
        self._merge()
        return self.parts[0] if self.parts else None

    @property
    def nbytes(self) -> int:
        return sum(p.nbytes for p in self.parts)


class Places:
    """Inputs seen, and where each line is, found again from its reading position (its place in
    the stream of lines): a line's place is packed as ``input index << 32 | row + 1`` (0: no row),
    and only where runs of consecutive places begin is kept (a file's rows follow each other, so
    a run is usually a whole file)."""

    def __init__(self) -> None:
        self.inputs: list[BatchInfo] = []
        self.index: dict[bytes, int] = {}
        self.count = 0  # lines seen: the next line's reading position
        self.run_starts = array("q")  # reading position where a run starts
        self.run_places = array("q")  # and the place of its first line
        self._expected = -1  # the place the next line has if it continues the run

    def add(self, batch: pa.RecordBatch) -> np.ndarray:
        """The reading positions of the batch's lines (int64); notes where their runs begin."""
        info = info_of(batch)
        key = json.dumps([info.file, info.sheet, info.columns], sort_keys=True).encode()
        idx = self.index.get(key)
        if idx is None:
            idx = self.index[key] = len(self.inputs)
            self.inputs.append(info)
        places = batch.column("row").fill_null(-1).to_numpy(zero_copy_only=False) + (1 + (idx << 32))
        if len(places):
            starts = np.flatnonzero(np.diff(places, prepend=self._expected - 1) != 1)
            self.run_starts.extend((starts + self.count).tolist())
            self.run_places.extend(places[starts].tolist())
            self._expected = int(places[-1]) + 1
        positions = np.arange(self.count, self.count + batch.num_rows, dtype=np.int64)
        self.count += batch.num_rows
        return positions

    def location_at(self, position: int, field: str | None = None) -> Location:
        """The location of the line at a reading position, narrowed to the column of ``field``
        when the input names one."""
        k = bisect_right(self.run_starts, position) - 1
        packed = self.run_places[k] + (position - self.run_starts[k])
        info = self.inputs[packed >> 32]
        row = packed & 0xFFFFFFFF
        loc = Location(file=info.file, sheet=info.sheet, row=row - 1 if row else None)
        return loc.at_column(info.columns.get(field)) if field else loc


def _info_of(record: Record) -> BatchInfo:
    loc = record.location
    source = record.sources[0] if record.sources else "?"
    return BatchInfo(source=source, file=loc.file, sheet=loc.sheet, columns=dict(record.columns))


class RecordBuffer:
    """Per-record calls gathered into batches (API 1's ``observe``); a
    batch ends when the input changes or at :data:`SIZE` records. Call :meth:`flush` before
    reading the state."""

    SIZE = 1024

    def __init__(self, observe_batch: Callable[[pa.RecordBatch], None]) -> None:
        self.observe_batch = observe_batch
        self.records: list[Record] = []
        self.info: BatchInfo | None = None

    def add(self, record: Record) -> None:
        info = _info_of(record)
        if info != self.info or len(self.records) >= self.SIZE:
            self.flush()
            self.info = info
        self.records.append(record)

    def flush(self) -> None:
        if self.records and self.info is not None:
            records, self.records = self.records, []
            self.observe_batch(batch_of_records(records, self.info))


def rows_of(table: pa.Table, columns: Sequence[str]) -> Iterator[tuple]:
    """The table's rows as tuples of ``columns`` (for the few rows a rule reports)."""
    return zip(*(table.column(c).to_pylist() for c in columns), strict=True)


class BatchCheck:
    """A delivery check on batches: subclasses implement ``observe_lines(batch)``. Batches of fewer
    than :data:`SIZE` lines (a per-row engine's batches of one) and records (API 1's ``observe``)
    are gathered into batches of about :data:`SIZE` lines first, so the work per batch is spread
    over many lines; :meth:`flush` before reading the state."""

    SIZE = 1024

    def __init__(self) -> None:
        self.places = Places()
        self._records = RecordBuffer(self._gather)
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = 0

    def observe(self, record: Record) -> None:
        self._records.add(record)

    def observe_batch(self, batch: pa.RecordBatch) -> None:
        self._records.flush()
        self._gather(batch)

    def observe_lines(self, batch: pa.RecordBatch) -> None:
        raise NotImplementedError

    def _gather(self, batch: pa.RecordBatch) -> None:
        if self._pending and not batch.schema.equals(self._pending[0].schema, check_metadata=True):
            self._flush_batches()  # another input (another BatchInfo), or columns typed otherwise
        if batch.num_rows >= self.SIZE and not self._pending:
            self.observe_lines(batch)
            return
        self._pending.append(batch)
        self._pending_rows += batch.num_rows
        if self._pending_rows >= self.SIZE:
            self._flush_batches()

    def _flush_batches(self) -> None:
        if self._pending:
            pending, self._pending, self._pending_rows = self._pending, [], 0
            if len(pending) > 1:
                pending = pa.Table.from_batches(pending).combine_chunks().to_batches()
            self.observe_lines(pending[0])

    def flush(self) -> None:
        self._records.flush()
        self._flush_batches()

    def located(self, batch: pa.RecordBatch, **columns: pa.Array) -> pa.Table:
        """``columns`` of the batch's lines with each line's reading position (``pos``; its
        location: ``self.places.location_at``)."""
        return pa.table({**columns, "pos": self.places.add(batch)})


def count_first(counts: dict, table: pa.Table, keys: str | list[str], name: Callable[..., object | None]) -> None:
    """Adds the lines of ``table`` per distinct ``keys`` to ``counts`` (name → [lines, first
    position]); ``name`` turns each distinct key's values into the name counted (None: not counted)."""
    if not table.num_rows:
        return
    keys = [keys] if isinstance(keys, str) else keys
    grouped = table.group_by(keys, use_threads=False).aggregate([("pos", "count"), ("pos", "min")])
    for *values, lines, pos in rows_of(grouped, [*keys, "pos_count", "pos_min"]):
        named = name(*values)
        if named is None:
            continue
        entry = counts.get(named)
        if entry is None:
            counts[named] = [lines, pos]
        else:
            entry[0] += lines
            entry[1] = min(entry[1], pos)
