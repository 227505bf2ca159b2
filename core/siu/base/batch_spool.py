"""Record batches held on disk instead of in memory, for a step that must see every line before it
can hand on the first (the largest-remainder rounding of an amount channel).

The batches go, as they come, into an owner-only temporary file (gone when closed; during a run
``tempfile`` puts it in siu's private folder beside the output, see :func:`siu.base.safeio.private_tempdir`)
as an Arrow IPC stream. Only the columns the step computes on stay in memory. Reading them back
gives the same batches, schema metadata (a batch's ``BatchInfo``) included, one at a time, so
memory stays bounded by a batch and the kept columns, not by the delivery.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import IO

import pyarrow as pa

__all__ = ["BatchSpool"]


class BatchSpool:
    """Batches written to a temporary file with :meth:`add`, read back in order with :meth:`batches`
    (as often as needed);
    the columns named in ``keep`` stay in memory until :meth:`column` hands them over. Use it as a
    context manager."""

    def __init__(self, keep: Iterable[str] = ()) -> None:
        self.keep = tuple(keep)
        self.num_rows = 0
        self._kept: dict[str, list[pa.Array]] = {name: [] for name in self.keep}
        self._metadata: list[dict[bytes, bytes] | None] = []  # each batch's own, a stream keeps one schema
        self._file: IO[bytes] | None = None
        self._writer: pa.ipc.RecordBatchStreamWriter | None = None
        self._schema: pa.Schema | None = None  # the schema of the stream being written
        self._streams: list[int] = []  # where each stream starts: a new one wherever the schema changes
        self._read = False

    def __enter__(self) -> BatchSpool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def add(self, batch: pa.RecordBatch) -> None:
        """Write ``batch`` to the file and keep its ``keep`` columns."""
        if self._read:
            raise ValueError("the spool was read: no batch can be added after it")
        schema = batch.schema.remove_metadata()
        if self._writer is None or self._schema is None or not schema.equals(self._schema, check_metadata=True):
            # the inputs' batches may differ in a field's nullability or metadata: each keeps its own
            self._finish_stream()
            if self._file is None:
                self._file = tempfile.TemporaryFile()
            self._streams.append(self._file.tell())
            self._writer, self._schema = pa.ipc.new_stream(self._file, schema), schema
        self._writer.write_batch(batch)
        self._metadata.append(batch.schema.metadata)
        self.num_rows += batch.num_rows
        for name, parts in self._kept.items():
            parts.append(batch.column(name))

    def column(self, name: str) -> pa.Array:
        """The kept column ``name`` over every batch added, as one array. It is handed over, not
        copied: the spool lets go of its parts, so the column is in memory once, and only once asked."""
        parts = self._kept.pop(name, None)
        if parts is None:
            raise ValueError(f"the spool keeps no column '{name}', or it was handed over")
        if not parts:
            raise ValueError("no batch was added to the spool")
        return pa.concat_arrays(parts)

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The batches added, in order, each with its own schema metadata, read from the file (from
        its start at every call); no more can be added once they are read (the stream is finished)."""
        if self._file is None:
            return
        self._finish_stream()
        self._read = True
        metadata = iter(self._metadata)
        for start in self._streams:
            self._file.seek(start)
            for batch, meta in zip(pa.ipc.open_stream(self._file), metadata):
                yield batch.replace_schema_metadata(meta) if meta else batch

    def _finish_stream(self) -> None:
        if self._writer is not None:
            self._writer.close()  # its end marker; the file stays open
            self._writer = None

    def close(self) -> None:
        """Remove the file and drop the kept columns."""
        self._finish_stream()
        if self._file is not None:
            self._file.close()
            self._file = None
        self._kept = {}
