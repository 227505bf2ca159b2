"""What makes an expenditure period plausible: open-ended marker dates and the longest period one
invoice can cover. Shared by the rules (SIU115-SIU117) and the reporting-year count (SIU011).

The bounds are siu's plausibility limits, kept as data in the spec pack's ``[dates]``
(``open_end_year``, ``open_start_year``, ``max_period_months``); these are the defaults for a
pack that does not give them, and for guessing the year before a pack is chosen.
"""

from __future__ import annotations

import calendar
import datetime as dt

# An end date in this year or later is a marker for "no end" (31.12.9999, 2099-12-31), not a date.
OPEN_END_YEAR = 2099
# A start date in this year or earlier is a marker for "no start" (01.01.1900, 0001-01-01).
OPEN_START_YEAR = 1900
# One invoice covers at most this many months (a yearly insurance crossing New Year is 12).
MAX_PERIOD_MONTHS = 13


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months on; the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def is_open_date(day: dt.date, open_start_year: int = OPEN_START_YEAR, open_end_year: int = OPEN_END_YEAR) -> bool:
    """Whether ``day`` is a marker for an open end or start rather than a real date."""
    return day.year >= open_end_year or day.year <= open_start_year


def too_long(start: dt.date, end: dt.date, max_months: int = MAX_PERIOD_MONTHS) -> bool:
    """Whether ``start``..``end`` (both days included) is longer than ``max_months`` months:
    2025-01-01..2026-01-31 is 13 months; 2025-01-01..2026-02-01 is longer."""
    if end.year - start.year < max_months // 12:  # the common case, decided without building a date
        return False
    try:
        return end >= add_months(start, max_months)
    except ValueError:  # beyond year 9999: longer than anything
        return True


def day_after(day: dt.date) -> dt.date:
    """The next day; 31.12.9999 (an open end some systems write) has none and stays itself."""
    return day if day == dt.date.max else day + dt.timedelta(days=1)


def day_before(day: dt.date) -> dt.date:
    """The day before; 01.01.0001 has none and stays itself."""
    return day if day == dt.date.min else day - dt.timedelta(days=1)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to the day after ``end`` (for messages)."""
    after = day_after(end)
    months = (after.year - start.year) * 12 + after.month - start.month
    return months - (after.day < start.day)
