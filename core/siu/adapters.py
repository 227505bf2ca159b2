"""What a source adapter is: the base class every input format implements.

An adapter turns one input file into postings (and :class:`~siu.models.Finding` for rows it
skips or cannot read). It normalises values with the toolkit in :mod:`siu.parsing` and
:mod:`siu.tables`; it does not decide paragraphs or validity. Two styles:

- :class:`BatchSource` (plugin API 2): :meth:`BatchSource.read_batches` yields Arrow record
  batches in the schema of :mod:`siu.batches`, whole columns at a time. This is how siu's own
  adapters read, and the style to choose for anything large.
- :class:`Source` (plugin API 1): :meth:`Source.read` yields one :class:`~siu.models.Posting` per
  row; the engine gathers them into batches itself.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from siu.batches import postings_of
from siu.models import Finding, Posting


@dataclass
class Sniff:
    """How sure an adapter is that a file is its format (0.0–1.0) and why, in Danish and English."""

    confidence: float
    reason_da: str
    reason_en: str = ""

    def reason(self, lang: str = "da") -> str:
        return (self.reason_en or self.reason_da) if lang == "en" else self.reason_da


@dataclass
class ReadOptions:
    """What the user said about how to read an input (all optional; adapters detect the rest).

    ``settings`` holds the adapter's own section of ``siu.toml`` (``[source.opus]`` etc.).
    """

    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    sheet: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReadInfo:
    """What an adapter tells the report about an input it read (encoding, delimiter, ...)."""

    details: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    rows_skipped: int = 0
    postings: int = 0
    # The ledger of skipped rows: reason (Danish, as reported) → rows, and → money where the
    # rows had a readable amount. Total lines (``TOTAL_LINES``) restate money already read, so
    # their amounts are checked against the postings rather than counted as money skipped.
    skipped_rows: dict[str, int] = field(default_factory=dict)
    skipped_money: dict[str, Decimal] = field(default_factory=dict)

    def note(self, key: str, value: Any) -> None:
        self.details[key] = str(value)

    def skip(self, reason: str, amount: Decimal | None = None) -> None:
        """Count one skipped row under ``reason``, with its amount when it has a readable one."""
        self.rows_skipped += 1
        self.skipped_rows[reason] = self.skipped_rows.get(reason, 0) + 1
        if amount is not None:
            self.skipped_money[reason] = self.skipped_money.get(reason, Decimal(0)) + amount


TOTAL_LINES = "sumlinjer"  # the skip reason of an export's own total and subtotal lines


class Source(ABC):
    """A source adapter. Subclass it, set ``name`` and ``description``, implement both methods,
    and return an instance from the ``register_sources`` hook.

    ``read`` must not raise for bad input: an unreadable file or row becomes a Finding
    (with a code, a Danish message and a location), and every row that is not a Posting is
    counted with ``info.skip(reason, amount)`` so money and rows are accounted for.
    """

    name: str = ""
    description: str = ""
    file_types: tuple[str, ...] = (".csv", ".txt", ".xlsx")

    @abstractmethod
    def sniff(self, path: Path) -> Sniff:
        """How likely ``path`` is this adapter's format; must be cheap and never raise."""

    def sniff_with(self, path: Path, options: ReadOptions) -> Sniff:
        """:meth:`sniff` with the adapter's settings from siu.toml (``options.settings``, e.g. extra
        header ``aliases``); what ``siu convert`` calls to pick an adapter. By default: :meth:`sniff`."""
        return self.sniff(path)

    @abstractmethod
    def read(self, path: Path, options: ReadOptions, info: ReadInfo) -> Iterator[Posting | Finding]:
        """Yield the file's postings (and findings for what could not be read)."""


class BatchSource(Source):
    """A source adapter that reads whole columns (plugin API 2). Subclass it, set ``name`` and
    ``description``, implement :meth:`sniff` and :meth:`read_batches`.

    The same promises as :class:`Source`: bad input never raises, every row that is not a posting
    is counted with ``info.skip``. :meth:`read` (the API 1 view) is derived from
    :meth:`read_batches`, so tools that walk postings one by one work on a batch source too.
    """

    @abstractmethod
    def read_batches(self, path: Path, options: ReadOptions, info: ReadInfo) -> Iterator[pa.RecordBatch | Finding]:
        """Yield the file's postings as record batches with the :data:`siu.batches.POSTING_SCHEMA`
        columns and a :class:`siu.batches.BatchInfo` (:func:`siu.batches.with_info`), and findings.

        A finding about a row (its location has a ``row``) may be yielded before the batch that
        holds the row, or the rows after it: siu reports it just before the first row of the next
        batch whose ``row`` is not smaller, as the row's own findings. A finding without a row is
        reported where it stands in the stream. Keep batches to some ten thousand rows or more
        (:data:`siu.batches.BATCH_ROWS`): the per-batch work is then negligible.
        """

    def read(self, path: Path, options: ReadOptions, info: ReadInfo) -> Iterator[Posting | Finding]:
        """The postings of :meth:`read_batches`, one at a time, each finding placed as
        :meth:`read_batches` says (:func:`place_findings`, as the engine places them)."""
        pending: list[Finding] = []
        for item in self.read_batches(path, options, info):
            if isinstance(item, Finding):
                pending.append(item)
                continue
            placed, pending, k = place_findings(pending, item), [], 0
            for start in range(0, item.num_rows, 1024):  # a few rows at a time: few objects alive at once
                for i, posting in enumerate(postings_of(item.slice(start, 1024)), start):
                    while k < len(placed) and placed[k][0] <= i:
                        yield placed[k][1]
                        k += 1
                    yield posting
            yield from (finding for _, finding in placed[k:])
        yield from pending


def place_findings(findings: list[Finding], batch: pa.RecordBatch) -> list[tuple[int, Finding]]:
    """Each finding a batch source yielded before ``batch``, with the index of the row it goes
    before: the first row whose number is not smaller than its own (a finding without a row, or a
    batch without row numbers: before the first row). In that order; findings at one place keep
    theirs."""
    if not findings:
        return []
    rows = batch.column("row")
    if rows.null_count:
        return [(0, f) for f in findings]
    numbers = rows.to_numpy()
    placed = []
    for f in findings:
        row = f.location.row if f.location is not None else None
        placed.append((int(np.searchsorted(numbers, row, side="left")) if row is not None else 0, f))
    placed.sort(key=lambda p: p[0])
    return placed
