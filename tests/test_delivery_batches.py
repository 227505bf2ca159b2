"""The delivery rules on record batches give today's hits, in today's order, however the lines are
cut into batches: random deliveries (several citizens, duplicates, revenue, other municipalities
and years, extreme amounts, overlapping § 109 periods) fed to today's per-row rules
(tests/reference_rules) one record at a time, and to the batch rules in batches cut at random."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from reference_rules import delivery_rules as ref_delivery
from reference_rules import dst as ref_dst
from reference_rules import history as ref_history
from reference_rules import plausible as ref_plausible
from siu.base.config import Settings
from siu.batches import BatchInfo, batch_of_records
from siu.check import citizens, delivery_rules, dst, history, plausible, reconcile
from siu.check.citizens import _merge, union
from siu.context import Context
from siu.models import Kind, Location, Record
from siu.rules import Hit
from siu.specpack import BUILTIN_DIR, SpecPack

D = dt.date
PACK = SpecPack.load(BUILTIN_DIR / "2025")
CPRS = ["0101801234", "0202902345", "1501551236", "3112991239", "0101019998", "0101001111", "1010101010", ""]
# paragraph, function, dranst, account text: § 109 and § 110 share 5.38.42 by grouping (SIU444)
ACCOUNTS = [
    ("SEL107", "5.38.50", "1", "5.38.50.1.001.4.0"),
    ("SEL108", "5.38.50", "1", "5.38.50.1.003.4.0"),
    ("SEL109", "5.38.42", "1", "5.38.42.1.001.4.0"),
    ("SEL110", "5.38.42", "1", "5.38.42.1.002.4.0"),
    (None, None, None, None),
]
KOMMUNER = [None, "", "101", "0101", "København", "147", "Frederiksberg", " 461 "]
YEARS = [None, "", "2025", " 2025 ", "2024", "2026"]
AMOUNTS = [Decimal("0"), Decimal("12.50"), Decimal("-300.00"), Decimal("1000"), Decimal("2500000.00"), Decimal("7.125")]


def context(**validation: Any) -> Context:
    return Context(
        settings=Settings().with_validation(**validation), spec=PACK, kommune="101", year=2025, area="voksen"
    )


@st.composite
def records(draw: st.DrawFn) -> list[Record]:
    """A delivery of up to 60 lines over a few citizens, from two files."""
    n = draw(st.integers(1, 60))
    out: list[Record] = []
    for i in range(n):
        paragraph, function, dranst, text = draw(st.sampled_from(ACCOUNTS))
        start = draw(st.one_of(st.none(), st.dates(D(2023, 6, 1), D(2026, 6, 30)), st.just(D(1900, 1, 1))))
        end = None
        if draw(st.booleans()) or start is None:
            end = draw(st.one_of(st.none(), st.just(D(9999, 12, 31)), st.dates(D(2023, 6, 1), D(2026, 6, 30))))
        else:
            end = start + dt.timedelta(days=draw(st.integers(-5, 500)))
        amount = draw(
            st.one_of(st.sampled_from(AMOUNTS), st.integers(-50_000, 200_000).map(lambda c: Decimal(c) / 100))
        )
        dims = {"kommune": draw(st.sampled_from(KOMMUNER)), "year": draw(st.sampled_from(YEARS))}
        out.append(
            Record(
                psr_id=draw(st.one_of(st.sampled_from(CPRS), st.none())),
                kontostreng="53850100140",
                paragraph=paragraph,
                area=draw(st.sampled_from(["voksen", "born", None])),
                amount=amount,
                start=start,
                end=end,
                locations=(Location(file="b.csv" if i > n // 2 else "a.csv", row=i + 2),),
                kind=draw(st.sampled_from([Kind.EXPENDITURE, Kind.REVENUE, Kind.INTERNAL, None])),
                function=function,
                dranst=dranst,
                account_text=text,
                anonymised=draw(st.booleans()),
                columns={"cpr": "CPR", "amount": "Beløb"},
                dims={k: v for k, v in dims.items() if v is not None},
                sources=("opus",),
            )
        )
    return out


def _line(psr: str, paragraph: str, amount: Decimal, start: dt.date, end: dt.date) -> Record:
    _, function, dranst, text = next(a for a in ACCOUNTS if a[0] == paragraph)
    return Record(
        psr_id=psr,
        kontostreng="53850100140",
        paragraph=paragraph,
        area="voksen",
        amount=amount,
        start=start,
        end=end,
        locations=(Location(file="a.csv", row=1),),
        kind=Kind.EXPENDITURE,
        function=function,
        dranst=dranst,
        account_text=text,
        columns={"cpr": "CPR", "amount": "Beløb"},
        dims={"kommune": "101", "year": "2025"},
        sources=("opus",),
    )


@st.composite
def deliveries(draw: st.DrawFn) -> list[Record]:
    """Random lines, with citizens enough for the MAD bounds (one of them extreme) and a § 109
    placeholder CPR with overlapping stays mixed in; rows renumbered after the shuffle."""
    lines = draw(records())
    if draw(st.booleans()):
        amounts = draw(st.lists(st.sampled_from([9000, 10000, 11000, 12000, 400000]), min_size=5, max_size=8))
        for i, kr in enumerate(amounts):
            psr = f"{i + 1:02d}0190{1000 + i}"
            lines.append(_line(psr, "SEL108", Decimal(kr), D(2025, 1, 1), D(2025, 1, 1) + dt.timedelta(days=30 + i)))
    if draw(st.booleans()):
        for d in draw(st.lists(st.integers(1, 12), min_size=3, max_size=9)):
            lines.append(_line("0101801234", "SEL109", Decimal(5000), D(2025, 3, d), D(2025, 3, 10 + d)))
    lines = draw(st.permutations(lines))
    half = len(lines) // 2
    return [
        r.model_copy(update={"locations": (Location(file="b.csv" if i > half else "a.csv", row=i + 2),)})
        for i, r in enumerate(lines)
    ]


def batches(lines: list[Record], cuts: Iterable[int]) -> list[pa.RecordBatch]:
    """The lines as batches cut at ``cuts`` and wherever the file changes."""
    out: list[pa.RecordBatch] = []
    bounds = sorted({0, len(lines), *(c % (len(lines) + 1) for c in cuts)})
    for a, b in zip(bounds, bounds[1:], strict=False):
        part = lines[a:b]
        while part:
            file = part[0].location.file
            same = part[: next((i for i, r in enumerate(part) if r.location.file != file), len(part))]
            info = BatchInfo(source="opus", file=file, columns={"cpr": "CPR", "amount": "Beløb"})
            out.append(batch_of_records(same, info))
            part = part[len(same) :]
    return out


def seen(hits: Iterable[Hit]) -> list[tuple[Any, ...]]:
    return [(h.code.code if h.code else None, h.location, h.field, h.value, sorted(h.params.items())) for h in hits]


CHECKS = [
    (ref_delivery.RevenueWithoutExpenditureCheck, delivery_rules.RevenueWithoutExpenditureCheck),
    (ref_delivery.SeveralMunicipalitiesCheck, delivery_rules.SeveralMunicipalitiesCheck),
    (ref_delivery.SeveralYearsCheck, delivery_rules.SeveralYearsCheck),
    (ref_delivery.ExtremeValuesCheck, delivery_rules.ExtremeValuesCheck),
    (ref_delivery.DuplicateLinesCheck, delivery_rules.DuplicateLinesCheck),
    (ref_plausible.SharedPlaceholderCheck, plausible.SharedPlaceholderCheck),
    (ref_dst.ProvisionalChartRowsCheck, dst.ProvisionalChartRowsCheck),
]


def run_both(lines: list[Record], cuts: list[int], **validation: Any) -> tuple[Context, Context, list, list]:
    """Every check fed per record (today's) and per batch (new); their hits, check by check."""
    old_ctx, new_ctx = context(**validation), context(**validation)
    old = [make(old_ctx) for make, _ in CHECKS]
    new = [make(new_ctx) for _, make in CHECKS]
    old_profile, new_profile = ref_history.DeliveryProfileCheck(old_ctx), history.DeliveryProfileCheck(new_ctx)
    for record in lines:
        for check in (*old, old_profile):
            check.observe(record)
    for batch in batches(lines, cuts):
        for check in (*new, new_profile):
            check.observe_batch(batch)
    old_hits = [seen(c.finish()) for c in (*old, old_profile)]
    new_hits = [seen(c.finish()) for c in (*new, new_profile)]
    return old_ctx, new_ctx, old_hits, new_hits


@settings(max_examples=150)
@given(
    deliveries(), st.lists(st.integers(0, 60), max_size=6), st.sampled_from([{}, {"ceilings": {"SEL108": 50_000.0}}])
)
def test_batch_delivery_rules_give_the_per_row_hits(lines: list[Record], cuts: list[int], validation: dict) -> None:
    old_ctx, new_ctx, old_hits, new_hits = run_both(lines, cuts, **validation)
    assert new_hits == old_hits
    old_profile = old_ctx.state["siu.profile"]
    new_profile = new_ctx.state["siu.profile"]
    assert new_profile.view.rows() == old_profile.view.rows()
    for area in (None, "voksen", "born", "begge"):
        assert new_profile.summary(area) == old_profile.summary(area)


@settings(max_examples=60)
@given(records(), st.lists(st.integers(0, 60), max_size=6))
def test_record_by_record_equals_batches(lines: list[Record], cuts: list[int]) -> None:
    # observe(record), the API 1 path the per-row engine still calls, is a wrapper over observe_batch
    by_record, by_batch = history.DeliveryProfileCheck(context()), history.DeliveryProfileCheck(context())
    for record in lines:
        by_record.observe(record)
    for batch in batches(lines, cuts):
        by_batch.observe_batch(batch)
    assert seen(by_record.finish()) == seen(by_batch.finish())
    assert by_record.view.rows() == by_batch.view.rows()


@given(records(), st.lists(st.integers(0, 60), max_size=6))
def test_reconciliation_totals_match(lines: list[Record], cuts: list[int]) -> None:
    ctx = context(accounts=Path("accounts.csv"))
    check = reconcile.ReconciliationCheck(ctx)
    for batch in batches(lines, cuts):
        check.observe_batch(batch)
    check.flush()
    expected: dict[tuple[str, Kind], Decimal] = {}  # what the per-record check summed, line by line
    for r in lines:
        if r.function is None or r.kind not in (Kind.EXPENDITURE, Kind.REVENUE):
            continue
        if check.in_scope(r.function, r.dranst or ""):
            expected[(r.function, r.kind)] = expected.get((r.function, r.kind), Decimal(0)) + r.amount
    assert check.totals == expected


@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b"]), st.dates(D(2025, 1, 1), D(2025, 3, 31)), st.integers(0, 40)),
        max_size=40,
    )
)
def test_union_of_periods_equals_the_per_line_merge(spans: list[tuple[str, dt.date, int]]) -> None:
    expected: dict[str, list[list[dt.date]]] = {}
    for key, start, days in spans:
        _merge(expected.setdefault(key, []), start, start + dt.timedelta(days=days))
    table = pa.table(
        {
            "psr": pa.array([k for k, _, _ in spans], pa.string()),
            "start": pa.array([s for _, s, _ in spans], pa.date32()),
            "end": pa.array([s + dt.timedelta(days=d) for _, s, d in spans], pa.date32()),
        }
    )
    got: dict[str, list[list[dt.date]]] = {}
    for key, start, end in zip(*(union(table, ["psr"]).column(c).to_pylist() for c in ("psr", "start", "end"))):
        got.setdefault(key, []).append([start, end])
    assert {k: sorted(v) for k, v in got.items()} == expected


def test_open_ends_join_as_they_did() -> None:
    # 31.12.9999 has no day after: a period ending there joins whatever starts later
    expected: list[list[dt.date]] = []
    for start, end in [(D(2025, 3, 1), dt.date.max), (D(2025, 1, 1), D(2025, 1, 31)), (D(2025, 2, 1), D(2025, 2, 28))]:
        _merge(expected, start, end)
    table = pa.table(
        {
            "psr": ["a", "a", "a"],
            "start": pa.array([D(2025, 3, 1), D(2025, 1, 1), D(2025, 2, 1)], pa.date32()),
            "end": pa.array([dt.date.max, D(2025, 1, 31), D(2025, 2, 28)], pa.date32()),
        }
    )
    merged = union(table, ["psr"])
    assert [[s, e] for s, e in zip(merged.column("start").to_pylist(), merged.column("end").to_pylist())] == expected


MASKED_RULES = [
    plausible.open_ended_date,
    plausible.period_too_long,
    plausible.period_reaches_far,
    plausible.implausible_age,
]
AGE_CPRS = ["0101011234", "0101014234", "0101019998", "3112991239", "0101254000", "0101604000", "3102601235", "x"]


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.sampled_from(AGE_CPRS)),
            st.one_of(st.none(), st.dates(D(1890, 1, 1), D(2110, 12, 31)), st.dates(D(2023, 10, 1), D(2025, 12, 31))),
            st.integers(-40, 1500),
            st.booleans(),
        ),
        min_size=1,
        max_size=40,
    ),
    st.integers(2, 30),
)
def test_masks_select_every_line_the_checks_flag(lines: list[tuple], max_months: int) -> None:
    pack = SpecPack.load(BUILTIN_DIR / "2025")
    pack.manifest = pack.manifest.model_copy(update={"dates": {**pack.manifest.dates, "max_period_months": max_months}})
    ctx = Context(settings=Settings(), spec=pack, kommune="101", year=2025, area="voksen")
    recs = [
        _line("0101801234", "SEL108", Decimal(100), D(2025, 1, 1), D(2025, 1, 2)).model_copy(
            update={
                "psr_id": psr,
                "start": start,
                "end": start + dt.timedelta(days=days) if start and start.year < 9000 else None,
                "anonymised": anonymised,
            }
        )
        for psr, start, days, anonymised in lines
    ]
    batch = batch_of_records(recs, BatchInfo(source="opus", file="a.csv"))
    for rule in MASKED_RULES:
        assert rule.check is not None
        mask = rule.mask(batch, ctx).to_pylist()
        flagged = [rule.check(r, ctx) is not None for r in recs]
        assert all(m for m, f in zip(mask, flagged, strict=True) if f), rule.code.code


def test_small_batches_typed_otherwise_are_not_joined() -> None:
    # A per-row engine's one-line batches are gathered; one whose schema differs (here: nullability)
    # starts a new gathering instead of failing the check.
    a = batch_of_records(
        [_line("0101801234", "SEL108", Decimal(100), D(2025, 1, 1), D(2025, 1, 31))], BatchInfo("opus", "a.csv")
    )
    loose = pa.schema([f.with_nullable(True) for f in a.schema], metadata=a.schema.metadata)
    b = pa.RecordBatch.from_arrays(a.columns, schema=loose)
    check = history.DeliveryProfileCheck(context())
    for batch in (a, b, a):
        check.observe_batch(batch)
    check.flush()
    assert check.lines == 3 and check.view.citizens == 1


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12), min_size=1))
def test_median_on_arrays_is_statistics_median(values: list[float]) -> None:
    # SIU420's bounds on numpy arrays: the very float statistics.median gave (even counts: the mean of the middle two)
    got = delivery_rules._median(np.array(values, np.float64))
    assert got == statistics.median(values) and type(got) is float
    deviations = [abs(v - got) for v in values]
    assert delivery_rules._median(np.abs(np.array(values) - got)) == statistics.median(deviations)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["SEL107", "SEL108"]),
            st.dates(D(2025, 1, 1), D(2025, 3, 31)),
            st.integers(0, 40),
        ),
        max_size=40,
    ),
    st.sampled_from([1 << 40, 2, 5]),
)
def test_union_per_two_keys_with_ids_made_dense(spans: list[tuple[str, str, dt.date, int]], limit: int) -> None:
    # a small id limit makes union's group ids dense between and after the keys: the same union
    expected: dict[tuple[str, str], list[list[dt.date]]] = {}
    for psr, paragraph, start, days in spans:
        _merge(expected.setdefault((psr, paragraph), []), start, start + dt.timedelta(days=days))
    table = pa.table(
        {
            "psr": pa.array([s[0] for s in spans], pa.string()),
            "paragraph": pa.array([s[1] for s in spans], pa.string()),
            "start": pa.array([s[2] for s in spans], pa.date32()),
            "end": pa.array([s[2] + dt.timedelta(days=s[3]) for s in spans], pa.date32()),
        }
    )
    with mock.patch.object(citizens, "_IDS", limit):
        merged = union(table, ["psr", "paragraph"])
    got: dict[tuple[str, str], list[list[dt.date]]] = {}
    for psr, paragraph, start, end in zip(*(merged.column(c).to_pylist() for c in merged.column_names), strict=True):
        got.setdefault((psr, paragraph), []).append([start, end])
    assert {k: sorted(v) for k, v in got.items()} == expected
