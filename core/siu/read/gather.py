"""Per-row postings gathered into record batches, with the findings between them kept in place.

Two readers meet postings one at a time: an API 1 source (:meth:`siu.adapters.Source.read`) and
the per-row reading of a table (:mod:`siu.read.scalar`). :func:`gather` turns either into what a
batch source yields (:meth:`siu.adapters.BatchSource.read_batches`): batches and findings, where
:func:`siu.adapters.place_findings` puts each finding before the first row of the next batch whose
``row`` is not smaller, or before the first row when it has no row.

The contract: placed so, every finding comes back exactly where it stood among the postings. A
batch ends wherever the rows could not say that place:

- a finding about a row after the batch's last row (its rows never having gone down) goes out at
  once, and the batch ends before any later posting of a smaller row than the finding's, or of no
  row: the finding stays right after the rows before it;
- any other finding (no row, or a row not after the last) ends the batch; it goes before the next
  batch's first row, and while a finding with a row waits there, the batch takes only rows that
  keep it first (or the batch starts with a posting of no row: then every finding goes first).

One case rows cannot say: a finding about row ``r`` that must go before the first posting of a
batch (at the start, after a finding without a row, or after a posting of a row not before ``r``)
while that posting's row is smaller than ``r``. The finding is then reported right after that
posting: one place later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pyarrow as pa

from siu.batches import GATHERED_ROWS, BatchInfo, batch_of_postings
from siu.models import Finding, Posting


def _row(item: Posting | Finding) -> int | None:
    return item.location.row if item.location is not None else None


class _Batch:
    """The postings gathered so far, and what the findings yielded for them ask of the next."""

    def __init__(self) -> None:
        self.postings: list[Posting] = []
        self.info: BatchInfo | None = None
        self.last: int | None = None  # the last posting's row while the rows never go down; else None
        self.floor: int | None = None  # the largest row of the findings placed by row in this batch

    def takes(self, posting: Posting, info: BatchInfo) -> bool:
        """Whether ``posting`` may join the batch without moving a finding already yielded."""
        if not self.postings:
            return True
        if (info is not self.info and info != self.info) or len(self.postings) >= GATHERED_ROWS:
            return False
        if self.floor is None:  # no finding placed by row waits in this batch
            return True
        row = _row(posting)
        return row is not None and self.last is not None and row >= max(self.last, self.floor)

    def add(self, posting: Posting, info: BatchInfo) -> None:
        row = _row(posting)
        if not self.postings:
            self.info, self.last = info, row
        elif self.last is not None:
            self.last = row if row is not None and row >= self.last else None  # None: rows not searchable
        self.postings.append(posting)

    def places(self, finding: Finding) -> bool:
        """Whether the batch's rows put ``finding`` after its last posting (and it is noted so)."""
        row = _row(finding)
        if not self.postings or row is None or self.last is None or row <= self.last:
            return False
        self.floor = row if self.floor is None else max(self.floor, row)
        return True

    def waits(self, finding: Finding) -> None:
        """``finding`` goes before the batch's first posting: later postings keep it there."""
        row = _row(finding)
        if row is not None:
            self.floor = row if self.floor is None else max(self.floor, row)

    def done(self) -> pa.RecordBatch:
        assert self.info is not None
        return batch_of_postings(self.postings, self.info)


def gather(
    items: Iterable[Posting | Finding], info: BatchInfo | Callable[[Posting], BatchInfo]
) -> Iterator[pa.RecordBatch | Finding]:
    """``items`` as batches of at most :data:`~siu.batches.GATHERED_ROWS` postings and the findings
    among them, placed as the module's doc says. ``info`` is what the batches share, or gives it
    per posting (an API 1 source's postings name their own file, sheet and columns): a new batch
    starts where it changes."""
    info_of = info if callable(info) else lambda _: info
    batch = _Batch()
    for item in items:
        if isinstance(item, Finding):
            if not batch.places(item):
                if batch.postings:
                    yield batch.done()
                    batch = _Batch()
                batch.waits(item)
            yield item
            continue
        posting_info = info_of(item)
        if not batch.takes(item, posting_info):
            yield batch.done()
            batch = _Batch()
        batch.add(item, posting_info)
    if batch.postings:
        yield batch.done()
