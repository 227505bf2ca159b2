"""The per-citizen view: annualised expenditure per citizen and paragraph, with siu's flags.

**Annualised expenditure** (DST's measure: the expenditure of the period the citizen received the
service, converted to a year) is defined once, here, and used by the view, by the extreme-value
rules (SIU420/SIU421) and by ``siu diff``::

    annualised = expenditure × 365 / days

where *expenditure* is the sum of the citizen's positive amounts under the paragraph and *days*
counts from the citizen's first start date to the last end date under that paragraph, both
included. Revenue (negative amounts) is shown beside it, not netted in. Anonymised § 109 lines
share fictitious CPR numbers, so their sums are not one citizen's: they are shown, without an
annualised figure.

The view keeps one small entry per citizen and paragraph (totals, first start, last end and the
union of the expenditure periods, which monthly invoices keep to one or two intervals), never the
lines. Flags: ``SIU420``/``SIU421`` (extreme), ``SIU402`` (revenue without expenditure), as the
rules raised them, and ``overlap`` (two expenditure periods of one citizen under different
paragraphs share days: two stays at the same time).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from siu.base.cpr import mask_cpr
from siu.check.periods import day_after, day_before
from siu.context import Context
from siu.models import Record

FLAGS_KEY = "siu.check.citizens.flags"
OVERLAP = "overlap"


def annualised(expenditure: Decimal | float, start: dt.date, end: dt.date) -> float:
    """Expenditure over ``start``..``end`` (both included) converted to 365 days."""
    days = (end - start).days + 1
    return float(expenditure) * 365 / days


def flag(ctx: Context, psr_id: str, paragraph: str, code: str) -> None:
    """Note that a rule raised ``code`` for a citizen and paragraph (shown in the view)."""
    ctx.state.setdefault(FLAGS_KEY, {}).setdefault((psr_id, paragraph), set()).add(code)


class _Entry:
    __slots__ = ("expenditure", "revenue", "lines", "start", "end", "periods", "anonymised")

    def __init__(self) -> None:
        self.expenditure = Decimal(0)
        self.revenue = Decimal(0)
        self.lines = 0
        self.start: dt.date | None = None
        self.end: dt.date | None = None
        self.periods: list[list[dt.date]] = []  # union of expenditure periods, sorted, disjoint
        self.anonymised = False


def _merge(periods: list[list[dt.date]], start: dt.date, end: dt.date) -> None:
    """Add ``start..end`` to a sorted union of periods; touching periods join (monthly invoices)."""
    for p in periods:
        if start <= day_after(p[1]) and end >= day_before(p[0]):
            p[0], p[1] = min(p[0], start), max(p[1], end)
            break
    else:
        periods.append([start, end])
    periods.sort()
    i = 0
    while i + 1 < len(periods):  # an extended period may now touch the next one
        a, b = periods[i], periods[i + 1]
        if b[0] <= day_after(a[1]):
            a[1] = max(a[1], b[1])
            del periods[i + 1]
        else:
            i += 1


class CitizenView:
    """Accumulates the view while records stream past; :meth:`rows` builds it at the end."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.per: dict[tuple[str, str], _Entry] = {}

    def observe(self, record: Record) -> None:
        psr, paragraph = record.psr_id, record.paragraph
        if not psr or not paragraph:
            return
        key = (psr, paragraph)
        entry = self.per.get(key)
        if entry is None:
            entry = self.per[key] = _Entry()
        entry.lines += 1
        entry.anonymised = entry.anonymised or record.anonymised
        amount, start, end = record.amount, record.start, record.end
        if amount < 0:
            entry.revenue += amount
            return
        entry.expenditure += amount
        if start is None or end is None or start > end:
            return
        periods = entry.periods
        if not periods:
            entry.start, entry.end = start, end
            periods.append([start, end])
            return
        if entry.start is None or start < entry.start:  # set together with the first period
            entry.start = start
        if entry.end is None or end > entry.end:
            entry.end = end
        last = periods[-1]
        if last[0] <= start <= day_after(last[1]):  # the usual case: the next invoice in order
            if end > last[1]:
                last[1] = end
        else:
            _merge(periods, start, end)

    @property
    def citizens(self) -> int:
        """Distinct citizens (PsrIDs) in the delivery."""
        return len({psr for psr, _ in self.per})

    def _overlaps(self) -> set[tuple[str, str]]:
        """Citizen and paragraph pairs whose expenditure periods share days with another paragraph's."""
        by_citizen: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
        for (psr, paragraph), e in self.per.items():
            if not e.anonymised:
                for a, b in e.periods:
                    by_citizen.setdefault(psr, []).append((a, b, paragraph))
        out: set[tuple[str, str]] = set()
        for psr, periods in by_citizen.items():
            if len({p for _, _, p in periods}) < 2:
                continue
            periods.sort()
            for i, (a, b, p) in enumerate(periods):
                for c, d, q in periods[i + 1 :]:
                    if c > b:
                        break
                    if q != p:
                        out.update({(psr, p), (psr, q)})
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One row per citizen and paragraph, CPR masked, by paragraph then annualised (highest first)."""
        flags: dict[tuple[str, str], set[str]] = self.ctx.state.get(FLAGS_KEY, {})
        overlaps = self._overlaps()
        out: list[dict[str, Any]] = []
        for (psr, paragraph), e in self.per.items():
            annual = None
            days = None
            if e.start is not None and e.end is not None and not e.anonymised and e.expenditure > 0:
                days = (e.end - e.start).days + 1
                annual = annualised(e.expenditure, e.start, e.end)
            marks = sorted(flags.get((psr, paragraph), set()))
            if (psr, paragraph) in overlaps:
                marks.append(OVERLAP)
            out.append(
                {
                    "citizen": mask_cpr(psr),
                    "paragraph": paragraph,
                    "lines": e.lines,
                    "expenditure": f"{e.expenditure:.2f}",
                    "revenue": f"{e.revenue:.2f}",
                    "net": f"{e.expenditure + e.revenue:.2f}",
                    "first_start": e.start.isoformat() if e.start else None,
                    "last_end": e.end.isoformat() if e.end else None,
                    "days": days,
                    "days_covered": sum((b - a).days + 1 for a, b in e.periods) if e.periods else None,
                    "annualised": f"{annual:.2f}" if annual is not None else None,
                    "anonymised": e.anonymised,
                    "flags": marks,
                }
            )
        out.sort(key=lambda r: (r["paragraph"], -(float(r["annualised"]) if r["annualised"] else -1.0), r["citizen"]))
        return out


FLAG_TEXT = {
    "SIU420": ("ekstrem årsudgift", "extreme annualised expenditure"),
    "SIU421": ("over loftet", "above the ceiling"),
    "SIU402": ("indtægt uden udgift", "revenue without expenditure"),
    OVERLAP: ("overlappende ophold", "overlapping stays"),
}


def flag_text(code: str, lang: str) -> str:
    """A flag as the workbook shows it: ``SIU420 ekstrem årsudgift``."""
    da, en = FLAG_TEXT.get(code, (code, code))
    text = en if lang == "en" else da
    return text if code == OVERLAP else f"{code} {text}"
