"""A delivery's totals (lines, expenditure, revenue) counted from record batches."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from siu.batches import decimal_of
from siu.models import Totals


def add_totals(totals: Totals, batch: pa.RecordBatch) -> None:
    """Add the batch's lines to ``totals``: what :meth:`Totals.add` per line gives, to the digit.

    A sum of Decimals keeps the most decimals of its terms, so each sum is stated with the
    largest ``amount_scale`` of its lines (``12.5 + 0.25`` is ``12.75``, ``12.50 + 1`` is ``12.50``).
    """
    if batch.num_rows == 0:
        return
    amount, scale = batch.column("amount"), batch.column("amount_scale")
    revenue = pc.less(amount, pa.scalar(0, amount.type))
    totals.records += batch.num_rows
    for mask, name in ((pc.invert(revenue), "expenditure"), (revenue, "revenue")):
        if not pc.any(mask).as_py():
            continue
        total = pc.sum(pc.filter(amount, mask)).as_py()
        decimals = pc.max(pc.filter(scale, mask)).as_py()
        setattr(totals, name, getattr(totals, name) + decimal_of(total, decimals))
