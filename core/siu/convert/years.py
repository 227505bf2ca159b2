"""Which year a line belongs to, and the year a run's data is for (when ``--year`` is not given)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterable

from siu.check.periods import is_open_date, too_long
from siu.models import Posting


def period_year(start: dt.date, end: dt.date) -> int:
    """The year holding most of a period (the year of its middle day); a period crossing New Year
    belongs to the year it mostly lies in."""
    if end < start:
        return end.year
    return (start + (end - start) / 2).year


def line_year(start: dt.date | None, end: dt.date | None, fallback: dt.date | None = None) -> int | None:
    """The year a line belongs to: its period's (see :func:`period_year`), else the year of the one
    date it has, else of ``fallback`` (e.g. the posting date, when guessing the reporting year).

    Marker dates such as 31.12.9999 are not dates (:func:`siu.check.periods.is_open_date`), and a period
    longer than one expenditure can cover says nothing about one year: neither votes, so a
    2025 stay "until 9999" counts for 2025, not for the year 5012 in the middle."""
    if start is not None and is_open_date(start):
        start = None
    if end is not None and is_open_date(end):
        end = None
    if start is not None and end is not None:
        if start <= end and too_long(start, end):
            return fallback.year if fallback is not None and not is_open_date(fallback) else None
        return period_year(start, end)
    day = end or start or fallback
    return day.year if day is not None else None


def guess_year(postings: Iterable[Posting], sample: int = 2000) -> tuple[int | None, list[Posting]]:
    """The year most periods (or posting dates) in the first ``sample`` postings fall in.

    Returns the year and the postings consumed, which the caller must still process.
    """
    head = list(itertools.islice(postings, sample))
    years: Counter[int] = Counter()
    for p in head:
        year = line_year(p.start, p.end, p.posting_date)
        if year is not None:
            years[year] += 1
    return (years.most_common(1)[0][0] if years else None), head
