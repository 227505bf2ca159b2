"""The delivery's counts, a batch at a time: money as the sum of exact decimals, lines and
citizens per paragraph, lines per year."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from siu.batches import AMOUNT, money
from siu.convert.years import line_year
from siu.models import Totals
from siu.report.result import ParagraphTotals, RunResult

_ZERO = pa.scalar(Decimal(0), AMOUNT)


def spending(batch: pa.RecordBatch) -> pa.Array:
    """Which rows are expenditure (an amount of 0 included); the others are revenue."""
    return pc.greater_equal(batch.column("amount"), _ZERO)


def count_lines(records: pa.RecordBatch, totals: Totals, result: RunResult) -> None:
    """Count a batch of delivery lines into the delivery's totals, in all and per paragraph."""
    spent = spending(records)
    totals.records += records.num_rows
    totals.expenditure += money(records, spent)
    totals.revenue += money(records, pc.invert(spent))
    result.anonymised += pc.sum(records.column("anonymised")).as_py() or 0
    paragraphs = pc.fill_null(records.column("record_paragraph"), "?")
    for key in pc.unique(paragraphs).to_pylist():
        rows = pc.equal(paragraphs, key)
        pt = result.paragraphs.get(key)
        if pt is None:
            pt = result.paragraphs[key] = ParagraphTotals()
        pt.lines += pc.sum(rows).as_py()
        pt.expenditure += money(records, pc.and_(rows, spent))
        pt.revenue += money(records, pc.and_(rows, pc.invert(spent)))
        pt.citizens.update(pc.filter(records.column("psr_id"), rows))


def count_years(records: pa.RecordBatch, result: RunResult) -> None:
    """Count the lines per year their period falls in (worked out once per distinct period)."""
    periods = pa.table({"start": records.column("start"), "end": records.column("end")})
    counted = periods.group_by(["start", "end"]).aggregate([([], "count_all")]).to_pydict()
    for start, end, n in zip(counted["start"], counted["end"], counted["count_all"], strict=True):
        year = line_year(start, end)
        if year is not None:
            result.years[year] += n
