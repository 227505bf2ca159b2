"""An input as a stream of posting batches, each with the reading findings placed among its rows.

A batch source (API 2) yields batches and findings; a finding about a row goes just before the
first row of the next batch whose ``row`` is not smaller (:meth:`siu.adapters.BatchSource.read_batches`).
A per-row source (API 1) is gathered into batches here; a batch ends where the source yields a
finding or its file, sheet or column labels change, so its findings stay exactly where it put them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from siu.adapters import BatchSource, ReadInfo, ReadOptions, Source, place_findings
from siu.batches import GATHERED_ROWS, BatchInfo, batch_of_postings, info_of, with_info
from siu.models import Finding, Posting


@dataclass
class Chunk:
    """Rows of one input and the reading findings that go before them: ``(i, finding)`` is
    reported just before row ``i`` of ``batch`` (``len(batch)``: after its last row)."""

    batch: pa.RecordBatch | None
    findings: list[tuple[int, Finding]] = field(default_factory=list)


def chunks(source: Source, path: Path, options: ReadOptions, info: ReadInfo, input_index: int) -> Iterator[Chunk]:
    """The input read by ``source`` as chunks; batches carry ``input_index`` in their BatchInfo."""
    if isinstance(source, BatchSource):
        yield from _placed(source.read_batches(path, options, info), input_index)
    else:
        yield from _gathered(source.read(path, options, info), input_index)


def _placed(items: Iterator[pa.RecordBatch | Finding], input_index: int) -> Iterator[Chunk]:
    pending: list[Finding] = []
    for item in items:
        if isinstance(item, Finding):
            pending.append(item)
            continue
        if item.num_rows == 0:
            continue
        batch = _numbered(item, input_index)
        yield Chunk(batch, place_findings(pending, batch))
        pending = []
    if pending:
        yield Chunk(None, [(0, f) for f in pending])


def _numbered(batch: pa.RecordBatch, input_index: int) -> pa.RecordBatch:
    info = info_of(batch)
    if info.input == input_index:
        return batch
    return with_info(batch, BatchInfo(info.source, info.file, info.sheet, input_index, info.columns, info.headers))


def _info(posting: Posting, input_index: int) -> BatchInfo:
    loc = posting.location
    headers = tuple(posting.headers) if posting.headers is not None else None
    return BatchInfo(posting.source, loc.file, loc.sheet, input_index, dict(posting.columns), headers)


def _gathered(items: Iterator[Posting | Finding], input_index: int) -> Iterator[Chunk]:
    """API 1: postings gathered into batches; a finding ends the batch before it."""
    postings: list[Posting] = []
    info: BatchInfo | None = None
    pending: list[tuple[int, Finding]] = []
    for item in items:
        if isinstance(item, Finding):
            if postings:
                assert info is not None
                yield Chunk(batch_of_postings(postings, info), pending)
                postings, pending = [], []
            pending.append((0, item))
            continue
        item_info = _info(item, input_index)
        if postings and (item_info != info or len(postings) >= GATHERED_ROWS):
            assert info is not None
            yield Chunk(batch_of_postings(postings, info), pending)
            postings, pending = [], []
        info = item_info
        postings.append(item)
    if postings:
        assert info is not None
        yield Chunk(batch_of_postings(postings, info), pending)
    elif pending:
        yield Chunk(None, pending)
