"""The per-record ``--aggregate``: the oracle :class:`siu.convert.aggregate.Aggregator` (which sums
record batches) is tested against. The rules are those of :mod:`siu.convert.aggregate`'s doc, one
record at a time: each group keeps its output lines sorted by start, pairwise apart by a gap of at
least a day, and a new record absorbs the lines it touches or overlaps."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterator
from decimal import Decimal

from siu.catalogue.convert import SUMMED
from siu.models import Finding, Location, Record

GroupKey = tuple[str, str | None, str, bool]


class _Line:
    """One output line being built: merged period, sum, and where its postings are."""

    def __init__(self, record: Record, seq: int) -> None:
        assert record.start is not None and record.end is not None
        self.start: dt.date = record.start
        self.end: dt.date = record.end
        self.amount: Decimal = record.amount
        self.seq = seq  # the place of its earliest posting
        self.template = record  # that posting
        self.locations = [record.location]  # a posting is where its first location is
        self.sources = set(record.sources)

    def absorb(self, other: _Line) -> None:
        self.start = min(self.start, other.start)
        self.end = max(self.end, other.end)
        self.amount += other.amount
        if other.seq < self.seq:
            self.seq, self.template = other.seq, other.template
        self.locations += other.locations
        self.sources |= other.sources


def summable(record: Record) -> bool:
    """Whether a record may be summed with others (see :mod:`siu.convert.aggregate`)."""
    return bool(
        record.psr_id
        and record.kontostreng
        and record.start is not None
        and record.end is not None
        and record.start <= record.end
        and record.start.year == record.end.year
        and not record.anonymised
    )


class ReferenceAggregator:
    """Collects records with :meth:`add`, then yields the summed lines with :meth:`lines`."""

    def __init__(self) -> None:
        self.groups: dict[GroupKey, list[_Line]] = {}
        self._single: list[tuple[int, Record]] = []  # lines that pass through unsummed
        self._files: dict[tuple[str, str | None], int] = {}  # file and sheet → number, as first named
        self.postings = 0
        self.single = 0
        self.output_lines = 0

    def add(self, record: Record) -> None:
        seq = self.postings
        self.postings += 1
        if not summable(record):
            self.single += 1
            self._single.append((seq, record))
            return
        loc = record.location
        self._files.setdefault((loc.file, loc.sheet), len(self._files))
        key: GroupKey = (record.psr_id or "", record.paragraph, record.kontostreng or "", record.amount < 0)
        lines = self.groups.setdefault(key, [])
        new = _Line(record, seq)
        i = bisect_left(lines, new.start, key=lambda line: line.start)
        lo, hi = i, i
        # date differences, not date + 1 day: an open end such as 9999-12-31 (SAP) must not overflow
        while lo > 0 and (new.start - lines[lo - 1].end).days <= 1:
            lo -= 1
        while hi < len(lines) and (lines[hi].start - new.end).days <= 1:
            hi += 1
        for line in lines[lo:hi]:
            new.absorb(line)
        lines[lo:hi] = [new]

    def lines(self) -> Iterator[Record]:
        """The output lines, in the order of their earliest posting; a summed line has the locations
        of all its postings (in the order files were first named, then row order)."""
        order: list[tuple[int, _Line | Record]] = list(self._single)
        for lines in self.groups.values():
            order.extend((line.seq, line) for line in lines)
        order.sort(key=lambda item: item[0])
        self.output_lines = len(order)
        for _, item in order:
            if isinstance(item, Record):
                yield item
            elif len(item.locations) == 1:
                yield item.template
            else:
                yield item.template.model_copy(
                    update={
                        "amount": item.amount,
                        "start": item.start,
                        "end": item.end,
                        "locations": tuple(sorted(item.locations, key=self._place)),
                        "sources": tuple(sorted(item.sources)),
                    }
                )

    def _place(self, loc: Location) -> tuple[int, int]:
        return self._files[(loc.file, loc.sheet)], loc.row or 0

    def summary(self) -> Finding:
        return SUMMED.make(postings=self.postings, lines=self.output_lines, single=self.single)
