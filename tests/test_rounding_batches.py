"""Largest-remainder rounding on batches (round_batches) gives the amounts, findings, summary and
totals the per-record rounding (tests/reference_rounding.py) gives, wherever the batches are cut."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from reference_rounding import round_records
from siu.accounts.rounding import round_batches
from siu.batches import BatchInfo, amounts_of, batch_of_records
from siu.findings import FindingSink
from siu.models import DeliveryHeader, Location, Record

INFO = BatchInfo(source="test", file="in.csv")


def _sink() -> FindingSink:
    """A sink that keeps every finding (``kept``), in the order added."""
    return FindingSink(keep_per_code=10**9)


amounts = st.sampled_from(
    [Decimal("0.4"), Decimal("-0.4"), Decimal("0.5"), Decimal("-0.5"), Decimal("1.25"), Decimal("-1.75"), Decimal(3)]
) | st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False).map(
    lambda d: d.copy_abs() if d.is_zero() else d
)
lines = st.lists(
    st.tuples(
        st.sampled_from(["0101901234", "0202902345", "", None]), st.sampled_from(["SEL107", "ABL52", "", None]), amounts
    ),
    max_size=30,
)


def _records(rows) -> list[Record]:
    return [
        Record(
            psr_id=c,
            kontostreng="53850000140",
            paragraph=p,
            area="voksen",
            amount=a,
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 1, 31),
            locations=(Location(file="in.csv", row=i + 2),),
        )
        for i, (c, p, a) in enumerate(rows)
    ]


def _header() -> DeliveryHeader:
    return DeliveryHeader(kommune="101", year=2025, area="voksen", spec_version="x", created=dt.datetime(2026, 1, 1))


def _summary(summary) -> tuple:
    return (summary.as_dict(), str(summary.exact), str(summary.delivered), str(summary.max_citizen_difference))


@settings(max_examples=150, deadline=None)
@given(lines, st.lists(st.integers(0, 60), max_size=3), st.sampled_from([0, 1, 2]))
def test_rounding_batches_equals_rounding_records(rows, cuts, decimals):
    recs = _records(rows)
    points = sorted({c % (len(recs) + 1) for c in cuts} | {0, len(recs)})
    batches = [batch_of_records(recs[a:b], INFO) for a, b in zip(points, points[1:])]

    sink_r, header_r = _sink(), _header()
    out_r, summary_r = round_records(iter(_records(rows)), decimals, "idep", sink_r, header_r)
    by_records = [str(r.amount) for r in out_r]
    sink_b, header_b = _sink(), _header()
    out_b, summary_b = round_batches(iter(batches), decimals, "idep", sink_b, header_b)
    by_batches = [str(a) for b in out_b for a in amounts_of(b)]

    assert by_batches == by_records
    assert _summary(summary_b) == _summary(summary_r)
    assert [(f.code, f.location, f.message_en) for f in sink_b.kept] == [
        (f.code, f.location, f.message_en) for f in sink_r.kept
    ]
    assert header_b.totals.model_dump() == header_r.totals.model_dump()
    assert str(header_b.totals.net) == str(header_r.totals.net)
