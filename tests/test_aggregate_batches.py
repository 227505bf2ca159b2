"""``--aggregate`` on batches (Aggregator.add_batch / batches) sums the lines the per-record
aggregator (tests/reference_aggregate.py) sums: same lines, amounts, periods, first locations,
order and counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from reference_aggregate import ReferenceAggregator
from siu.batches import BatchInfo, batch_of_records, records_of
from siu.convert.aggregate import Aggregator
from siu.models import Location, Record

DAY0 = dt.date(2025, 12, 20)


@st.composite
def records(draw: st.DrawFn) -> list[Record]:
    out = []
    for i in range(draw(st.integers(0, 30))):
        start = draw(st.none() | st.integers(0, 20).map(lambda d: DAY0 + dt.timedelta(days=d)))
        length = draw(st.integers(-1, 6))
        end = None if start is None or length > 5 else start + dt.timedelta(days=length)
        out.append(
            Record(
                psr_id=draw(st.sampled_from(["0101901234", "0202902345", "", None])),
                kontostreng=draw(st.sampled_from(["53850000140", "53850000177", None])),
                paragraph=draw(st.sampled_from(["SEL107", "ABL52", None])),
                area="voksen",
                amount=draw(st.sampled_from([Decimal("10.5"), Decimal(-3), Decimal("0.25"), Decimal(0), Decimal(7)])),
                start=start,
                end=end,
                anonymised=draw(st.booleans()) and draw(st.booleans()),
                locations=(Location(file=draw(st.sampled_from(["a.csv", "b.csv"])), row=i + 2),),
            )
        )
    return out


def _batches(recs: list[Record], cuts: list[int]) -> list:
    """Batches of one file each, cut also at ``cuts``."""
    points = {0, len(recs)} | {c % (len(recs) + 1) for c in cuts}
    points |= {i for i in range(1, len(recs)) if recs[i].location.file != recs[i - 1].location.file}
    ordered = sorted(points)
    return [
        batch_of_records(recs[a:b], BatchInfo(source="test", file=recs[a].location.file))
        for a, b in zip(ordered, ordered[1:])
    ]


def _seen(records) -> list[tuple]:
    return [(r.psr_id, r.paragraph, r.kontostreng, str(r.amount), r.start, r.end, r.location) for r in records]


@settings(max_examples=200, deadline=None)
@given(records(), st.lists(st.integers(0, 40), max_size=3))
def test_summing_batches_equals_summing_records(recs, cuts):
    per_record = ReferenceAggregator()
    for r in recs:
        per_record.add(r)
    expected = _seen(per_record.lines())
    columnar = Aggregator()
    for batch in _batches(recs, cuts):
        columnar.add_batch(batch)
    got = _seen(r for b in columnar.batches() for r in records_of(b))
    assert got == expected
    assert columnar.summary() == per_record.summary()
