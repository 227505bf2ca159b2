"""Summing invoices (``--aggregate``): postings of one citizen, paragraph and kontostreng whose
periods touch or overlap become one delivery line from the first start to the last end.

Rules of summing (DST allows several invoices on one line as long as the dates still describe
the real expenditure period):

- lines are summed only within one (PsrID, paragraph, kontostreng, sign) group: revenue and
  expenditure are never netted into one line (an amount of 0 counts as expenditure);
- two periods are summed when they overlap or touch (one ends the day before the other
  starts); a gap of one day or more keeps them apart. Postings may arrive in any order: a
  posting that fills a gap joins the lines on both sides;
- the summed line runs from the earliest start to the latest end, and keeps the locations of
  all its postings (file order, then row order);
- lines that cannot be summed safely pass through unchanged: no PsrID or kontostreng, a start
  or end date missing, start after end, an anonymised § 109 line (a fictitious CPR such as
  ``1234569998`` is shared by different people, so summing would glue strangers' stays), and a
  posting whose own period crosses New Year. Such a posting is usually a prepayment (an
  insurance 2025-07-01..2026-06-30) whose period is set by its contract, not by the stay; glued
  to the stay's monthly invoices it would stretch the period DST annualises over, so it keeps
  exactly its own dates. Postings inside one year may still sum into a line crossing New Year.

Memory: one entry per *output* line (the first posting's record, the merged period and
amount) plus 8 bytes per posting for its packed location (file, row); never the postings.
Output order is deterministic: lines in the order of their earliest posting.
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from decimal import Decimal

from siu.catalogue.convert import SUMMED
from siu.models import Finding, Location, Record

GroupKey = tuple[str, str | None, str, bool]


class _Line:
    """One output line being built: merged period, sum, and where its postings are."""

    __slots__ = ("start", "end", "amount", "seq", "template", "locs", "sources", "count")

    def __init__(self, record: Record, seq: int, loc: int) -> None:
        self.start: dt.date = record.start  # type: ignore[assignment]
        self.end: dt.date = record.end  # type: ignore[assignment]
        self.amount: Decimal = record.amount
        self.seq = seq
        self.template = record
        self.locs = array("q", (loc,))
        self.sources = set(record.sources)
        self.count = 1

    def absorb(self, other: _Line) -> None:
        self.start = min(self.start, other.start)
        self.end = max(self.end, other.end)
        self.amount += other.amount
        if other.seq < self.seq:
            self.seq, self.template = other.seq, other.template
        self.locs.extend(other.locs)
        self.sources |= other.sources
        self.count += other.count


def _start(line: _Line) -> dt.date:
    return line.start


class Aggregator:
    """Collects records with :meth:`add`, then yields the summed lines with :meth:`lines`."""

    def __init__(self) -> None:
        self._groups: dict[GroupKey, list[_Line]] = {}
        self._single: list[tuple[int, Record]] = []  # lines that pass through unsummed
        self._files: list[tuple[str, str | None]] = []
        self._file_index: dict[tuple[str, str | None], int] = {}
        self.postings = 0
        self.single = 0  # postings that could not be summed
        self.output_lines = 0

    def _pack(self, record: Record) -> int:
        loc = record.locations[0] if record.locations else Location(file="?")
        key = (loc.file, loc.sheet)
        idx = self._file_index.get(key)
        if idx is None:
            idx = self._file_index[key] = len(self._files)
            self._files.append(key)
        return (idx << 32) | (loc.row or 0)

    def _unpack(self, packed: int) -> Location:
        file, sheet = self._files[packed >> 32]
        # a validated init is faster than model_construct in pydantic 2.x for this small model
        return Location(file=file, sheet=sheet, row=(packed & 0xFFFFFFFF) or None)

    @staticmethod
    def summable(record: Record) -> bool:
        """Whether a record may be summed with others (see the module's rules)."""
        return bool(
            record.psr_id
            and record.kontostreng
            and record.start is not None
            and record.end is not None
            and record.start <= record.end
            and record.start.year == record.end.year
            and not record.anonymised
        )

    def add(self, record: Record) -> None:
        seq = self.postings
        self.postings += 1
        if not self.summable(record):
            self.single += 1
            self._single.append((seq, record))
            return
        key: GroupKey = (record.psr_id, record.paragraph, record.kontostreng, record.amount < 0)  # type: ignore[assignment]
        lines = self._groups.get(key)
        new = _Line(record, seq, self._pack(record))
        if lines is None:
            self._groups[key] = [new]
            return
        # lines is sorted by start and its periods are pairwise apart by a gap of at least a day
        i = bisect_left(lines, new.start, key=_start)
        lo = i
        # date differences, not date + 1 day: an open end such as 9999-12-31 (SAP) must not overflow
        while lo > 0 and (new.start - lines[lo - 1].end).days <= 1:
            lo -= 1
        hi = i
        while hi < len(lines) and (lines[hi].start - new.end).days <= 1:
            hi += 1
        for line in lines[lo:hi]:
            new.absorb(line)
        lines[lo:hi] = [new]

    def summary(self) -> Finding:
        """The SIU701 note saying how many postings became how many lines."""
        return SUMMED.make(postings=self.postings, lines=self.output_lines, single=self.single)

    def lines(self) -> Iterator[Record]:
        """The output lines, in the order of their earliest posting. Call once, after the last :meth:`add`."""
        order: list[tuple[int, _Line | Record]] = list(self._single)
        for lines in self._groups.values():
            order.extend((line.seq, line) for line in lines)
        self._groups.clear()
        self._single = []
        order.sort(key=lambda item: item[0])
        self.output_lines = len(order)
        for _, item in order:
            if isinstance(item, Record):
                yield item
                continue
            if item.count == 1:
                yield item.template
                continue
            yield item.template.model_copy(
                update={
                    "amount": item.amount,
                    "start": item.start,
                    "end": item.end,
                    "locations": tuple(self._unpack(p) for p in sorted(item.locs)),
                    "sources": tuple(sorted(item.sources)),
                }
            )
