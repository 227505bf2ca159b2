"""Summing invoices (siu.convert.aggregate): contiguous, overlapping, gaps, signs, year boundary, order.

Each case sums with the product's Aggregator (on batches) and with the per-record reference
(tests/reference_aggregate.py), which must agree; the reference also keeps every summed posting's
location, which the cases check too."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from reference_aggregate import ReferenceAggregator
from siu.batches import BatchInfo, batch_of_records, records_of
from siu.convert.aggregate import Aggregator
from siu.models import Location, Record

D = dt.date
CPR_A = "0101601235"
CPR_B = "1503722468"


def rec(
    start: dt.date | None,
    end: dt.date | None,
    amount: str | Decimal,
    row: int,
    psr: str | None = CPR_A,
    paragraph: str = "SEL108",
    konto: str = "53850100140",
    anonymised: bool = False,
    file: str = "udtraek.csv",
) -> Record:
    return Record(
        psr_id=psr,
        kontostreng=konto,
        paragraph=paragraph,
        area="voksen",
        amount=Decimal(amount),
        start=start,
        end=end,
        locations=(Location(file=file, row=row),),
        anonymised=anonymised,
        sources=("opus",),
    )


def _seen(records: list[Record]) -> list[tuple]:
    return [(r.psr_id, r.paragraph, r.kontostreng, str(r.amount), r.start, r.end, r.location) for r in records]


def by_batches(records: list[Record]) -> tuple[list[Record], Aggregator]:
    """The product's summing: the records as batches of one file each."""
    agg = Aggregator()
    at = 0
    while at < len(records):
        file = records[at].location.file
        end = next((i for i in range(at, len(records)) if records[i].location.file != file), len(records))
        agg.add_batch(batch_of_records(records[at:end], BatchInfo(source="opus", file=file)))
        at = end
    return [r for b in agg.batches() for r in records_of(b)], agg


def summed(records: list[Record]) -> list[Record]:
    """The reference's lines, after checking that the product sums the same lines."""
    reference = ReferenceAggregator()
    for r in records:
        reference.add(r)
    out = list(reference.lines())
    product, agg = by_batches(records)
    assert _seen(product) == _seen(out)
    assert agg.summary() == reference.summary()
    return out


def rows(record: Record) -> list[int | None]:
    return [loc.row for loc in record.locations]


def test_contiguous_months_become_one_line_from_first_start_to_last_end() -> None:
    out = summed(
        [
            rec(D(2025, 1, 1), D(2025, 1, 31), "42500.00", 2),
            rec(D(2025, 2, 1), D(2025, 2, 28), "42500.00", 3),
            rec(D(2025, 3, 1), D(2025, 3, 31), "42500.00", 4),
        ]
    )
    assert len(out) == 1
    line = out[0]
    assert (line.start, line.end, line.amount) == (D(2025, 1, 1), D(2025, 3, 31), Decimal("127500.00"))
    assert rows(line) == [2, 3, 4]


def test_overlapping_periods_are_summed() -> None:
    out = summed([rec(D(2025, 1, 1), D(2025, 2, 15), "100", 2), rec(D(2025, 2, 1), D(2025, 3, 31), "50", 3)])
    assert [(r.start, r.end, r.amount, rows(r)) for r in out] == [(D(2025, 1, 1), D(2025, 3, 31), Decimal(150), [2, 3])]


def test_a_gap_of_one_day_keeps_lines_apart() -> None:
    out = summed([rec(D(2025, 1, 1), D(2025, 1, 31), "100", 2), rec(D(2025, 2, 2), D(2025, 2, 28), "100", 3)])
    assert [(r.start, r.end, r.amount) for r in out] == [
        (D(2025, 1, 1), D(2025, 1, 31), Decimal(100)),
        (D(2025, 2, 2), D(2025, 2, 28), Decimal(100)),
    ]


def test_a_posting_filling_the_gap_joins_both_sides_whatever_the_order() -> None:
    out = summed(
        [
            rec(D(2025, 3, 1), D(2025, 3, 31), "3", 4),
            rec(D(2025, 1, 1), D(2025, 1, 31), "1", 2),
            rec(D(2025, 2, 1), D(2025, 2, 28), "2", 3),
        ]
    )
    assert [(r.start, r.end, r.amount, rows(r)) for r in out] == [
        (D(2025, 1, 1), D(2025, 3, 31), Decimal(6), [2, 3, 4])
    ]


def test_revenue_and_expenditure_are_never_netted() -> None:
    out = summed(
        [
            rec(D(2025, 1, 1), D(2025, 1, 31), "39875.50", 2, konto="53850100140"),
            rec(D(2025, 2, 1), D(2025, 2, 28), "39875.50", 3, konto="53850100140"),
            rec(D(2025, 1, 1), D(2025, 2, 28), "-79751.00", 4, konto="53850100140"),
        ]
    )
    assert [(r.amount, r.start, r.end, rows(r)) for r in out] == [
        (Decimal("79751.00"), D(2025, 1, 1), D(2025, 2, 28), [2, 3]),
        (Decimal("-79751.00"), D(2025, 1, 1), D(2025, 2, 28), [4]),
    ]


def test_period_crossing_the_year_boundary_keeps_exactly_its_dates() -> None:
    single = summed([rec(D(2025, 7, 1), D(2026, 6, 30), "3600", 11)])
    assert [(r.start, r.end) for r in single] == [(D(2025, 7, 1), D(2026, 6, 30))]
    # an insurance 2025-07-01..2026-06-30 touching the stay's invoices is not glued to them
    with_stay = summed(
        [
            rec(D(2025, 4, 1), D(2025, 6, 30), "55000", 10),
            rec(D(2025, 7, 1), D(2026, 6, 30), "3600", 11),
            rec(D(2025, 7, 1), D(2025, 7, 31), "18000", 12),
        ]
    )
    assert [(r.start, r.end, r.amount) for r in with_stay] == [
        (D(2025, 4, 1), D(2025, 7, 31), Decimal(73000)),
        (D(2025, 7, 1), D(2026, 6, 30), Decimal(3600)),
    ]
    # postings inside one year each may still sum into a line crossing New Year
    halves = summed([rec(D(2025, 7, 1), D(2025, 12, 31), "1800", 11), rec(D(2026, 1, 1), D(2026, 6, 30), "1800", 12)])
    assert [(r.start, r.end, r.amount) for r in halves] == [(D(2025, 7, 1), D(2026, 6, 30), Decimal(3600))]


def test_citizen_paragraph_and_kontostreng_separate_lines() -> None:
    jan, feb = (D(2025, 1, 1), D(2025, 1, 31)), (D(2025, 2, 1), D(2025, 2, 28))
    out = summed(
        [
            rec(*jan, "1", 2),
            rec(*feb, "1", 3, psr=CPR_B),
            rec(*feb, "1", 4, paragraph="SEL107"),
            rec(*feb, "1", 5, konto="53850100240"),
        ]
    )
    assert len(out) == 4
    assert all(r.amount == 1 for r in out)


def test_lines_that_cannot_be_summed_pass_through_unchanged() -> None:
    anon = [
        rec(D(2025, 3, 1), D(2025, 3, 20), "14000", 15, psr="1234569998", paragraph="SEL109", anonymised=True),
        rec(D(2025, 3, 10), D(2025, 3, 31), "7000", 16, psr="1234569998", paragraph="SEL109", anonymised=True),
    ]
    no_end = [rec(D(2025, 1, 1), None, "5", 20), rec(D(2025, 1, 1), None, "5", 21)]
    no_cpr = [
        rec(D(2025, 1, 1), D(2025, 1, 31), "5", 22, psr=None),
        rec(D(2025, 2, 1), D(2025, 2, 28), "5", 23, psr=None),
    ]
    backwards = [rec(D(2025, 2, 1), D(2025, 1, 1), "5", 24), rec(D(2025, 1, 1), D(2025, 1, 31), "5", 25)]
    records = anon + no_end + no_cpr + backwards
    out, agg = by_batches(records)
    assert _seen(out) == _seen(records)  # same lines, same order: nothing summed, nothing lost
    assert (agg.postings, agg.output_lines, agg.single) == (8, 8, 7)  # row 25 was summable, but alone
    assert "8 posteringer blev til 8 linjer" in agg.summary().message_da
    assert summed(records) == records


def test_output_order_follows_the_earliest_posting_and_is_deterministic() -> None:
    months = [(D(2025, m, 1), D(2025, m + 1, 1) - dt.timedelta(days=1)) for m in range(1, 7)]
    records = [rec(s, e, "10", 100 + i, psr=psr) for i, (s, e) in enumerate(months) for psr in (CPR_B, CPR_A)]
    first = [(r.psr_id, r.start, r.end, r.amount) for r in summed(records)]
    assert first == [
        (CPR_B, D(2025, 1, 1), D(2025, 6, 30), Decimal(60)),
        (CPR_A, D(2025, 1, 1), D(2025, 6, 30), Decimal(60)),
    ]
    assert [(r.psr_id, r.start, r.end, r.amount) for r in summed(list(records))] == first


def test_locations_of_several_files_are_kept_in_file_then_row_order() -> None:
    out = summed(
        [
            rec(D(2025, 2, 1), D(2025, 2, 28), "1", 7, file="a.csv"),
            rec(D(2025, 1, 1), D(2025, 1, 31), "1", 3, file="b.xlsx"),
            rec(D(2025, 3, 1), D(2025, 3, 31), "1", 2, file="a.csv"),
        ]
    )
    assert [(loc.file, loc.row) for loc in out[0].locations] == [("a.csv", 2), ("a.csv", 7), ("b.xlsx", 3)]


def test_a_year_of_daily_invoices_sums_to_one_line_per_citizen() -> None:
    day = D(2025, 1, 1)
    records = []
    for i in range(3650):  # ten citizens, a daily invoice each for a year
        d = day + dt.timedelta(days=i // 10)
        records.append(rec(d, d, "1", i + 2, psr=f"01016012{i % 10:02d}"))
    out = summed(records)
    assert len(out) == 10 and all(r.amount == 365 and len(r.locations) == 365 for r in out)


# --- properties -------------------------------------------------------------------------

periods = st.tuples(st.integers(0, 120), st.integers(0, 40)).map(
    lambda t: (D(2025, 1, 1) + dt.timedelta(days=t[0]), t[1])
)
postings = st.lists(
    st.tuples(periods, st.integers(-500, 500), st.sampled_from([CPR_A, CPR_B]), st.sampled_from(["SEL107", "SEL108"])),
    min_size=1,
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(postings, st.randoms(use_true_random=False))
def test_summing_conserves_money_and_locations_and_never_glues_gaps(items: list, rnd: random.Random) -> None:
    records = [
        rec(start, start + dt.timedelta(days=length), Decimal(amount), i + 2, psr=psr, paragraph=par)
        for i, ((start, length), amount, psr, par) in enumerate(items)
    ]
    out = summed(records)
    key = lambda r: (r.psr_id, r.paragraph, r.kontostreng, r.amount < 0)  # noqa: E731
    money_in: dict = defaultdict(Decimal)
    money_out: dict = defaultdict(Decimal)
    for r in records:
        money_in[key(r)] += r.amount
    for r in out:
        money_out[key(r)] += r.amount
    assert money_in == money_out
    assert sorted(loc.row for r in out for loc in r.locations) == [r.location.row for r in records]
    by_key: dict = defaultdict(list)
    for r in out:
        by_key[key(r)].append((r.start, r.end))
    for spans in by_key.values():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:]):
            assert start > end + dt.timedelta(days=1)  # a real gap between lines of one group
    for r in out:  # every line's period is exactly the hull of its postings
        src = [records[loc.row - 2] for loc in r.locations]
        assert (r.start, r.end) == (min(s.start for s in src), max(s.end for s in src))
    shuffled = list(records)
    rnd.shuffle(shuffled)
    assert sorted((r.psr_id, r.paragraph, r.start, r.end, r.amount) for r in summed(shuffled)) == sorted(
        (r.psr_id, r.paragraph, r.start, r.end, r.amount) for r in out
    )


def test_extreme_dates_do_not_overflow() -> None:
    out = summed(
        [
            rec(D(9999, 6, 1), dt.date.max, "1", 2),  # SAP's open end
            rec(D(9999, 1, 1), D(9999, 5, 31), "1", 3),
            rec(dt.date.min, D(1, 1, 31), "1", 4),
            rec(D(1, 2, 1), D(1, 2, 28), "1", 5),
            rec(D(2025, 1, 1), dt.date.max, "1", 6),  # crosses New Year: its own line
        ]
    )
    assert [(r.start, r.end, r.amount) for r in out] == [
        (D(9999, 1, 1), dt.date.max, Decimal(2)),
        (dt.date.min, D(1, 2, 28), Decimal(2)),
        (D(2025, 1, 1), dt.date.max, Decimal(1)),
    ]
