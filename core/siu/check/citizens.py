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

The view keeps, as Arrow tables, one small row per citizen and paragraph (totals, lines) and the
union of their expenditure periods (monthly invoices keep it to one or two intervals), never the
lines. Flags: ``SIU420``/``SIU421`` (extreme), ``SIU402`` (revenue without expenditure), as the
rules raised them, and ``overlap`` (two expenditure periods of one citizen under different
paragraphs share days: two stays at the same time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from siu.base.cpr import mask_cpr
from siu.check.grouped import MERGE_ROWS, ZERO, BatchCheck, Grouped, rows_of, truthy, valid_period
from siu.check.periods import day_after, day_before
from siu.context import Context

FLAGS_KEY = "siu.check.citizens.flags"
OVERLAP = "overlap"


def annualised(expenditure: Decimal | float, start: dt.date, end: dt.date) -> float:
    """Expenditure over ``start``..``end`` (both included) converted to 365 days."""
    days = (end - start).days + 1
    return float(expenditure) * 365 / days


def flag(ctx: Context, psr_id: str, paragraph: str, code: str) -> None:
    """Note that a rule raised ``code`` for a citizen and paragraph (shown in the view)."""
    ctx.state.setdefault(FLAGS_KEY, {}).setdefault((psr_id, paragraph), set()).add(code)


def _merge(periods: list[list[dt.date]], start: dt.date, end: dt.date) -> None:
    """Add ``start..end`` to a sorted union of periods; touching periods join (monthly invoices).
    The per-line form of :func:`union`, kept as its reference."""
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


_OFFSET = 1 << 22  # date32 days + this are in [0, 2²³) for every date from year 1 to 9999
_GROUP = 1 << 24  # the group's rank above the shifted day, so one running maximum serves all groups


_IDS = 1 << 40  # group ids stay below this, so that id << 23 | day fits an int64


def _group_ids(table: pa.Table, keys: list[str]) -> np.ndarray:
    """An int64 below :data:`_IDS` per row, equal exactly where the rows' ``keys`` are equal
    (dictionary indices combined; made dense again when the product of widths grows too large)."""
    ids = np.zeros(table.num_rows, np.int64)
    for key in keys:
        encoded = pc.dictionary_encode(table.column(key).combine_chunks())
        width = len(encoded.dictionary) + 1  # a null is its own value, 0
        if (int(ids.max()) + 1) * width > _IDS:
            ids = _dense(ids)  # below the rows' count: times a width below it, an int64 still
        ids = ids * width + encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64) + 1
    return _dense(ids) if int(ids.max()) >= _IDS else ids


def _dense(ids: np.ndarray) -> np.ndarray:
    return np.unique(ids, return_inverse=True)[1].astype(np.int64).reshape(-1)


def _days(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return column.cast(pa.int32()).to_numpy().astype(np.int64)


def union(periods: pa.Table, keys: list[str]) -> pa.Table:
    """The union of the periods (``start``, ``end``, no nulls) per key, touching periods joined:
    sorted by key and start, a period opens a new interval when it starts after the day following
    the latest end so far in its group (a running maximum of group rank and end day)."""
    n = periods.num_rows
    if n < 2:
        return periods
    group, start, end = _group_ids(periods, keys), _days(periods.column("start")), _days(periods.column("end"))
    order = np.argsort((group << 23) | (start + _OFFSET))  # one int64 sorts far faster than lexsort's two keys
    group, start, end = group[order], start[order], end[order]
    first = np.concatenate([[True], group[1:] != group[:-1]])
    latest = np.maximum.accumulate(np.cumsum(first) * _GROUP + end + _OFFSET)
    latest_end = (latest & (_GROUP - 1)) - _OFFSET
    opens = np.flatnonzero(first | np.concatenate([[True], start[1:] > latest_end[:-1] + 1]))
    ends = pa.array(np.maximum.reduceat(end, opens).astype(np.int32)).cast(pa.date32())
    return periods.select([*keys, "start"]).take(order[opens]).append_column("end", ends)


class Periods:
    """The union of periods per key over a stream of tables, merged when the parts outgrow it."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        self.parts: list[pa.Table] = []
        self.rows = self.merged_rows = 0

    def add(self, table: pa.Table) -> None:
        if table.num_rows:
            self.parts.append(table)
            self.rows += table.num_rows
            if self.rows > max(2 * self.merged_rows, MERGE_ROWS):
                self.table()

    def table(self) -> pa.Table | None:
        if len(self.parts) > 1 or self.rows > self.merged_rows:
            self.parts = [union(pa.concat_tables(self.parts), self.keys)]
            self.rows = self.merged_rows = self.parts[0].num_rows
        return self.parts[0] if self.parts else None

    @property
    def nbytes(self) -> int:
        return sum(p.nbytes for p in self.parts)


_KEYS = ["psr", "paragraph"]


class CitizenView(BatchCheck):
    """Accumulates the view while record batches stream past (Arrow tables: totals per citizen
    and paragraph, and the union of their expenditure periods); :meth:`rows` builds it at the end."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.totals = Grouped(
            _KEYS,
            (("pos", "count"), ("pos", "min"), ("anonymised", "any"), ("expenditure", "sum"), ("revenue", "sum")),
        )
        self.periods = Periods(_KEYS)

    def observe_lines(self, batch: pa.RecordBatch) -> None:
        psr, paragraph, amount = batch.column("psr_id"), batch.column("record_paragraph"), batch.column("amount")
        keep = pc.and_(truthy(psr), truthy(paragraph))
        revenue = pc.less(amount, ZERO)
        lines = self.located(
            batch,
            psr=psr,
            paragraph=paragraph,
            anonymised=batch.column("anonymised"),
            expenditure=pc.if_else(revenue, ZERO, amount),
            revenue=pc.if_else(revenue, amount, ZERO),
            start=batch.column("start"),
            end=batch.column("end"),
        )
        self.totals.add(lines.filter(keep).drop_columns(["start", "end"]))
        spans = pc.and_(pc.and_(keep, pc.invert(revenue)), valid_period(batch))
        self.periods.add(lines.filter(spans).select([*_KEYS, "start", "end"]))

    @property
    def nbytes(self) -> int:
        """Bytes the view's state holds."""
        return self.totals.nbytes + self.periods.nbytes

    @property
    def citizens(self) -> int:
        """Distinct citizens (PsrIDs) in the delivery."""
        self.flush()
        totals = self.totals.table()
        return pc.count_distinct(totals.column("psr")).as_py() if totals is not None else 0

    def citizens_in(self, paragraphs: Callable[[str], bool]) -> int:
        """Distinct citizens with lines under a paragraph that ``paragraphs`` accepts."""
        self.flush()
        totals = self.totals.table()
        if totals is None:
            return 0
        wanted = [p for p in pc.unique(totals.column("paragraph")).to_pylist() if paragraphs(p)]
        chosen = totals.filter(pc.is_in(totals.column("paragraph"), pa.array(wanted, pa.string())))
        return pc.count_distinct(chosen.column("psr")).as_py()

    def _overlaps(self, periods: pa.Table, anonymised: pa.Table) -> set[tuple[str, str]]:
        """Citizen and paragraph pairs whose expenditure periods share days with another paragraph's."""
        periods = periods.join(anonymised, keys=_KEYS, join_type="inner", use_threads=False)
        periods = periods.filter(pc.invert(periods.column("anonymised_any")))
        several = periods.group_by("psr", use_threads=False).aggregate([("paragraph", "count_distinct")])
        several = several.filter(pc.greater_equal(several.column("paragraph_count_distinct"), 2))
        periods = periods.filter(pc.is_in(periods.column("psr"), several.column("psr")))
        by_citizen: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
        for psr, paragraph, a, b in rows_of(periods, ["psr", "paragraph", "start", "end"]):
            by_citizen.setdefault(psr, []).append((a, b, paragraph))
        out: set[tuple[str, str]] = set()
        for psr, spans in by_citizen.items():
            spans.sort()
            for i, (a, b, p) in enumerate(spans):
                for c, _, q in spans[i + 1 :]:
                    if c > b:
                        break
                    if q != p:
                        out.update({(psr, p), (psr, q)})
        return out

    def _table(self) -> pa.Table | None:
        """Totals per citizen and paragraph with first start, last end and days covered, in reading order."""
        self.flush()
        totals, periods = self.totals.table(), self.periods.table()
        if totals is None:
            return None
        if periods is None:
            periods = pa.table({"psr": [], "paragraph": [], "start": [], "end": []}, schema=_PERIODS)
        days = pc.add(
            pc.subtract(pc.cast(periods.column("end"), pa.int32()), pc.cast(periods.column("start"), pa.int32())), 1
        )
        spans = (
            periods.append_column("days", pc.cast(days, pa.int64()))
            .group_by(_KEYS, use_threads=False)
            .aggregate([("start", "min"), ("end", "max"), ("days", "sum")])
        )
        table = totals.join(spans, keys=_KEYS, join_type="left outer", use_threads=False).sort_by("pos_min")
        overlaps = self._overlaps(periods, totals.select([*_KEYS, "anonymised_any"]))
        return table.append_column(
            "overlap", pa.array([(p, q) in overlaps for p, q in rows_of(table, _KEYS)], pa.bool_())
        )

    def rows(self) -> list[dict[str, Any]]:
        """One row per citizen and paragraph, CPR masked, by paragraph then annualised (highest first)."""
        flags: dict[tuple[str, str], set[str]] = self.ctx.state.get(FLAGS_KEY, {})
        table = self._table()
        if table is None:
            return []
        out: list[dict[str, Any]] = []
        names = ["psr", "paragraph", "pos_count", "anonymised_any", "expenditure_sum", "revenue_sum"]
        for psr, paragraph, lines, anonymised, expenditure, revenue, start, end, covered, overlap in rows_of(
            table, [*names, "start_min", "end_max", "days_sum", "overlap"]
        ):
            annual = None
            days = None
            if start is not None and end is not None and not anonymised and expenditure > 0:
                days = (end - start).days + 1
                annual = annualised(expenditure, start, end)
            marks = sorted(flags.get((psr, paragraph), set()))
            if overlap:
                marks.append(OVERLAP)
            out.append(
                {
                    "citizen": mask_cpr(psr),
                    "paragraph": paragraph,
                    "lines": lines,
                    "expenditure": f"{expenditure:.2f}",
                    "revenue": f"{revenue:.2f}",
                    "net": f"{expenditure + revenue:.2f}",
                    "first_start": start.isoformat() if start else None,
                    "last_end": end.isoformat() if end else None,
                    "days": days,
                    "days_covered": covered,
                    "annualised": f"{annual:.2f}" if annual is not None else None,
                    "anonymised": anonymised,
                    "flags": marks,
                }
            )
        out.sort(key=lambda r: (r["paragraph"], -(float(r["annualised"]) if r["annualised"] else -1.0), r["citizen"]))
        return out


_PERIODS = pa.schema([("psr", pa.string()), ("paragraph", pa.string()), ("start", pa.date32()), ("end", pa.date32())])


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
