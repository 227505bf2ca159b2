"""An input as a stream of posting batches, each with the reading findings placed among its rows.

A batch source (API 2) yields batches and findings; a finding about a row goes just before the
first row of the next batch whose ``row`` is not smaller (:meth:`siu.adapters.BatchSource.read_batches`).
A per-row source (API 1) is gathered into such batches and findings (:func:`siu.read.gather.gather`:
a new batch where its file, sheet or column labels change, and its findings where it put them),
and from there read as a batch source is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from siu.adapters import BatchSource, ReadInfo, ReadOptions, Source, place_findings
from siu.batches import BatchInfo, info_of, with_info
from siu.models import Finding, Posting
from siu.read.gather import gather


@dataclass
class Chunk:
    """Rows of one input and the reading findings that go before them: ``(i, finding)`` is
    reported just before row ``i`` of ``batch`` (``len(batch)``: after its last row)."""

    batch: pa.RecordBatch | None
    findings: list[tuple[int, Finding]] = field(default_factory=list)


def chunks(source: Source, path: Path, options: ReadOptions, info: ReadInfo, input_index: int) -> Iterator[Chunk]:
    """The input read by ``source`` as chunks; batches carry ``input_index`` in their BatchInfo."""
    if isinstance(source, BatchSource):
        items = source.read_batches(path, options, info)
    else:
        items = gather(source.read(path, options, info), lambda posting: _info(posting, input_index))
    yield from _placed(items, input_index)


def _placed(items: Iterable[pa.RecordBatch | Finding], input_index: int) -> Iterator[Chunk]:
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
