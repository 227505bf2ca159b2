"""A record batch's rows as the rule engine hands them to record checks (private to siu.rules).

Rows become :class:`~siu.models.Record` objects only when a rule asks: every row for an API 1
record rule, the rows a batch rule's mask selects for its check.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from siu.batches import BatchInfo, batch_of_records, records_of
from siu.models import Record


class Rows:
    """A batch's rows as records, built only when a rule asks for them: every row for API 1
    rules, the masked rows for batch rules. Rules share the record of a row, as they did."""

    def __init__(self, batch: pa.RecordBatch, records: Sequence[Record] | None) -> None:
        self.batch = batch
        self._all = list(records) if records is not None else None
        self._some: dict[int, Record] = {}

    def all(self) -> list[Record]:
        if self._all is None:
            self._all = list(records_of(self.batch))
        return self._all

    def at(self, rows: list[int]) -> list[Record]:
        if self._all is not None:
            return [self._all[i] for i in rows]
        missing = [i for i in rows if i not in self._some]
        if missing:
            taken = self.batch.take(pa.array(missing, pa.int64()))
            self._some.update(zip(missing, records_of(taken), strict=True))
        return [self._some[i] for i in rows]


def masked_rows(mask: Any, rows: int) -> list[int]:
    """The rows a batch rule's mask selects (Arrow or anything ``pa.array`` takes; null is false)."""
    if mask is None:
        return []
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    if not isinstance(mask, pa.Array):
        mask = pa.array(mask, pa.bool_())  # typed: see siu.check.masks on untyped values
    if len(mask) != rows or mask.type != pa.bool_():
        raise ValueError(f"the mask has {len(mask)} values of type {mask.type}, the batch {rows} rows")
    if not pc.any(mask).as_py():
        return []
    return pc.indices_nonzero(mask).to_pylist()


class OneRow:
    """A record as a batch of one row, built when first asked for."""

    def __init__(self, record: Record) -> None:
        self.record = record
        self._batch: pa.RecordBatch | None = None
        self._tried = False

    def batch(self) -> pa.RecordBatch | None:
        """The batch; None for values the batch schema cannot hold (an amount beyond
        decimal128(38, 18)): only record checks judge such a line."""
        if not self._tried:
            self._tried = True
            record, location = self.record, self.record.location
            info = BatchInfo(
                source=record.sources[0] if record.sources else "",
                file=location.file,
                sheet=location.sheet,
                columns=record.columns,
            )
            try:
                self._batch = batch_of_records([record], info)
            except (pa.ArrowException, ValueError, TypeError, OverflowError):
                self._batch = None
        return self._batch
