"""The rule engine on record batches: siu's record rules as masks over columns give exactly the
findings, in exactly the order, of their record checks run line by line; plugin rules of both
API versions run beside them; a rule that raises is reported once and switched off."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import siu.rule_rows
from siu.base.config import Settings
from siu.batches import BatchInfo, batch_of_records
from siu.check.builtin import RULES
from siu.context import Context
from siu.models import Finding, Kind, Location, Record
from siu.rules import BatchRule, Hit, RuleEngine, batch_rule, delivery_rule, record_rule, to_finding
from siu.specpack import BUILTIN_DIR, AmountSpec, SpecPack

D = dt.date
COLUMNS = {"cpr": "CPR", "amount": "Beløb", "start": "Fra", "end": "Til", "kontostreng": "Konto", "paragraph": "§"}
INFO = BatchInfo(source="csv", file="in.csv", columns=COLUMNS)
_MODULES = {f"siu.check.{m}_rules" for m in ("cpr", "date", "account", "amount")}
OWN = [r for r in RULES if isinstance(r, BatchRule) and getattr(r.mask, "__module__", "") in _MODULES]
"""siu's own record rules on CPR, period, account and amount (SIU101-SIU133) in registration order."""


def pack(decimals: int) -> SpecPack:
    p = SpecPack.load(BUILTIN_DIR / "2025")
    p.manifest = p.manifest.model_copy(update={"amount": AmountSpec(decimals=decimals)})
    return p


PACKS = {d: pack(d) for d in (0, 1, 2)}


def context(decimals: int = 2, area: str = "voksen", **severity: Any) -> Context:
    s = Settings()
    if severity:
        s = s.model_copy(update={"severity": severity})
    return Context(settings=s, spec=PACKS[decimals], kommune="101", year=2025, area=area)


def record(row: int, **values: Any) -> Record:
    base: dict[str, Any] = dict(
        psr_id="0101601235",
        cpr_raw="010160-1235",
        kontostreng="53850100140",
        paragraph="SEL108",
        area="voksen",
        amount=Decimal("1000.00"),
        start=D(2025, 1, 1),
        end=D(2025, 1, 31),
        kind=Kind.EXPENDITURE,
        function="5.38.50",
        dranst="1",
        art="4.0",
        account_text="5.38.50.1.001.4.0",
    )
    base.update(values)
    return Record(locations=(Location(file="in.csv", row=row),), columns=COLUMNS, sources=("csv",), **base)


def per_record(rules: list[BatchRule], records: list[Record], ctx: Context) -> list[tuple[int, Finding]]:
    """Today's engine: every record check on every record, in rule order."""
    out = []
    for i, rec in enumerate(records):
        for rule in rules:
            assert rule.check is not None
            res = rule.check(rec, ctx)
            hits = [] if res is None else [res] if isinstance(res, Hit) else list(res)
            out.extend((i, to_finding(rule.code, hit, rec)) for hit in hits)
    return out


def dumped(found: list[tuple[int, Finding]]) -> list[tuple[int, dict[str, Any]]]:
    return [(row, f.model_dump()) for row, f in found]


# --- random lines with good and bad values of every kind ------------------------------------------

dates = st.none() | st.dates(min_value=D(2021, 1, 1), max_value=D(2028, 12, 31)) | st.just(D(9999, 12, 31))
amounts = st.integers(0, 4).flatmap(lambda p: st.decimals(min_value=-(10**6), max_value=10**6, places=p))
psr_ids = (
    st.none()
    | st.sampled_from(
        ["0101601235", "3102601235", "2902004000", "2902014000", "1234569998", "1234569999", "0101609998", "3102809998"]
        + ["", "12345", "0101601235x", "290200999"]
    )
    | st.text(alphabet="0123456789", min_size=10, max_size=10)
)
lines = st.builds(
    dict,
    psr_id=psr_ids,
    cpr_raw=st.sampled_from([None, "", "010160-1235", "01016O-1235"]),
    paragraph=st.sampled_from([None, "SEL108", "SEL109", "SEL110", "SEL107", "SEL999", "SEL041"]),
    area=st.sampled_from([None, "", "voksen", "boern"]),
    function=st.sampled_from([None, "", "5.38.50", "5.38.42", "5.38.45", "5.38.99", "5.28.20"]),
    dranst=st.sampled_from([None, "1", "2", "3"]),
    kontostreng=st.sampled_from([None, "", "53850100140"]),
    amount=amounts,
    start=dates,
    end=dates,
    kind=st.sampled_from([None, *Kind]),
    art=st.sampled_from([None, "4.0", "7.1", "9.1"]),
    sign_explicit=st.booleans(),
    invalid=st.sampled_from([(), ("start",), ("end",), ("start", "end")]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines, min_size=1, max_size=30), st.sampled_from([0, 1, 2]), st.sampled_from(["voksen", "begge"]))
def test_batch_findings_are_the_record_checks_findings_in_order(values, decimals, area):
    records = [record(i + 2, **v) for i, v in enumerate(values)]
    ctx = context(decimals, area)
    expected = per_record(OWN, records, ctx)
    found = RuleEngine(OWN, context(decimals, area)).check_batch(batch_of_records(records, INFO))
    assert dumped(found) == dumped(expected)


@settings(max_examples=40, deadline=None)
@given(st.lists(lines, min_size=1, max_size=10))
def test_check_record_is_check_batch_of_one_row(values):
    records = [record(i + 2, **v) for i, v in enumerate(values)]
    one_by_one = RuleEngine(OWN, context())
    expected = [(i, f) for i, r in enumerate(records) for f in one_by_one.check_record(r)]
    assert dumped(expected) == dumped(per_record(OWN, records, context()))


def test_an_amount_beyond_the_batch_schema_is_checked_by_the_record_checks():
    rec = record(2, amount=Decimal("0.1234567890123456789012"))
    found = RuleEngine(OWN, context()).check_record(rec)
    assert [f.code for f in found] == ["SIU132"]


def test_every_own_record_rule_is_a_batch_rule():
    assert len(OWN) == 17


def test_clean_lines_materialise_no_record(monkeypatch):
    def refuse(batch):
        raise AssertionError("a clean batch was turned into records")

    monkeypatch.setattr(siu.rule_rows, "records_of", refuse)
    clean = [record(2), record(3, psr_id="1234569998", paragraph="SEL109", function="5.38.42")]
    clean.append(record(4, amount=Decimal("-12.5"), kind=Kind.REVENUE, art="7.1", sign_explicit=True))
    assert RuleEngine(OWN, context()).check_batch(batch_of_records(clean, INFO)) == []


def test_the_engines_own_findings_come_with_the_first_row_after_its_rule_findings():
    records = [record(2, amount=Decimal(0)), record(3, amount=Decimal(0))]
    found = RuleEngine(OWN, context(SIU13O="error")).check_batch(batch_of_records(records, INFO))
    assert [(row, f.code) for row, f in found] == [(0, "SIU130"), (0, "SIU191"), (1, "SIU130")]


# --- plugin rules, both API versions -----------------------------------------------------------------


@record_rule("TEST911", "warning", title=("Stort", "Large"), template=("{value} er stort", "{value} is large"))
def _large(rec, ctx):
    if rec.amount > 100000:
        yield Hit(field="amount", value=rec.amount)


@batch_rule(
    "TEST912",
    "warning",
    title=("Lille", "Small"),
    template=("Lille beløb", "Small amount"),
    field="amount",
)
def _small(batch, ctx):
    return pc.less(pc.abs(batch["amount"]), 10)


def _check_negative(rec, ctx):
    return Hit(field="amount", value=rec.amount) if rec.amount < 0 else None


@batch_rule(
    "TEST913",
    "warning",
    title=("Negativ", "Negative"),
    template=("{value} er negativ", "{value} is negative"),
    check=_check_negative,
)
def _maybe_negative(batch, ctx):
    return [a is not None and a <= 0 for a in batch["amount"].to_pylist()]  # a plain list works too


@delivery_rule("TEST914", "info", title=("Tæller", "Counter"), template=("{n} linjer", "{n} lines"))
class _Counter:
    def __init__(self, ctx):
        self.n = 0

    def observe(self, rec):
        self.n += 1

    def finish(self):
        return [Hit(n=self.n)]


@delivery_rule("TEST915", "info", title=("Batchtæller", "Batch counter"), template=("{n} rækker", "{n} rows"))
class _BatchCounter:
    def __init__(self, ctx):
        self.n = 0

    def observe(self, rec):
        raise AssertionError("observe_batch wins over observe")

    def observe_batch(self, batch):
        self.n += batch.num_rows

    def finish(self):
        return [Hit(n=self.n)]


def test_plugin_rules_of_both_versions_run_and_are_reported():
    records = [record(2, amount=Decimal(200000)), record(3, amount=Decimal(5)), record(4, amount=Decimal(-5))]
    engine = RuleEngine([_large, _small, _maybe_negative, _Counter, _BatchCounter], context())
    found = engine.check_batch(batch_of_records(records[:2], INFO)) + [
        (row + 2, f) for row, f in engine.check_batch(batch_of_records(records[2:], INFO))
    ]
    assert [(row, f.code) for row, f in found] == [(0, "TEST911"), (1, "TEST912"), (2, "TEST912"), (2, "TEST913")]
    small = found[1][1]
    assert small.location == Location(file="in.csv", row=3, column="Beløb") and small.field == "amount"
    assert found[3][1].message_en == "-5 is negative"
    assert [f.message_en for f in engine.finish()] == ["3 lines", "3 rows"]


@batch_rule("TEST921", "warning", title=("x", "x"), template=("x", "x"))
def _mask_raises(batch, ctx):
    raise RuntimeError("no mask for 0101601235")


def _check_raises_on_second(rec, ctx):
    if rec.locations[0].row == 3:
        raise KeyError(rec.psr_id)
    return Hit(field="amount")


@batch_rule("TEST922", "warning", title=("y", "y"), template=("y", "y"), check=_check_raises_on_second)
def _every_row(batch, ctx):
    return pa.array([True] * batch.num_rows)


@batch_rule("TEST923", "warning", title=("z", "z"), template=("z", "z"), field="amount")
def _wrong_length(batch, ctx):
    return pa.array([True])


@pytest.mark.parametrize("batches", [1, 2])
def test_a_raising_mask_or_check_is_siu190_once_and_switched_off(batches):
    records = [record(r) for r in (2, 3, 4)]
    engine = RuleEngine([_mask_raises, _every_row, _wrong_length], context())
    found: list[tuple[int, Finding]] = []
    for part in [records] if batches == 1 else [records[:2], records[2:]]:
        found += engine.check_batch(batch_of_records(part, INFO))
    failed = {f.message_en.split("(")[1][:7]: f for _, f in found if f.code == "SIU190"}
    assert sorted(failed) == ["TEST921", "TEST922", "TEST923"]  # once each, however many batches
    assert all("0101601235" not in f.message_en + f.message_da for f in failed.values())
    # a mask that raises is located at the batch's first row; a check at the row it broke on
    assert [failed[c].location.row for c in ("TEST921", "TEST922", "TEST923")] == [2, 3, 2]
    # the check's hits before it broke stand; after, it is off
    assert [f.location.row for _, f in found if f.code == "TEST922"] == [2]


@delivery_rule("TEST931", "info", title=("a", "a"), template=("a", "a"))
class _BatchObserverRaises:
    def __init__(self, ctx):
        self.calls = 0

    def observe_batch(self, batch):
        self.calls += 1
        raise ValueError("broken")

    def finish(self):
        return [Hit()]


@delivery_rule("TEST932", "info", title=("b", "b"), template=("b", "b"))
class _ObserverRaisesOnSecond:
    def __init__(self, ctx):
        self.n = 0

    def observe(self, rec):
        self.n += 1
        if self.n == 2:
            raise KeyError(rec.psr_id)

    def finish(self):
        return [Hit()]


def test_a_raising_delivery_observer_is_siu490_once_at_its_row():
    records = [record(r, amount=Decimal(0)) for r in (2, 3, 4)]
    engine = RuleEngine([*OWN, _BatchObserverRaises, _ObserverRaisesOnSecond], context())
    found = engine.check_batch(batch_of_records(records, INFO))
    found += engine.check_batch(batch_of_records(records, INFO))
    assert [(row, f.code) for row, f in found] == [
        (0, "SIU130"),
        (0, "SIU490"),
        (1, "SIU130"),
        (1, "SIU490"),
        (2, "SIU130"),
        (0, "SIU130"),
        (1, "SIU130"),
        (2, "SIU130"),
    ]
    assert "0101601235" not in found[3][1].message_en
    assert list(engine.finish()) == []  # a rule that failed part-way reports nothing of its own


# --- the column kernels ---------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet="0123456789", min_size=10, max_size=10)
        | st.from_regex(r"\A(0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])[0-9]{6}\Z")
        | st.from_regex(r"\A290200[0-9]{4}\Z")
        | st.text(max_size=12)
        | st.none(),
        max_size=50,
    )
)
def test_the_birth_date_kernel_says_what_cpr_birth_date_says(cprs):
    from siu.base import cpr
    from siu.check.masks import birth_date_real

    got = birth_date_real(pa.array(cprs, pa.string())).to_pylist()
    for text, real in zip(cprs, got, strict=True):
        if text is None:
            assert real is False
        elif len(text) == 10 and text.isascii() and text.isdigit():
            assert real == (cpr.birth_date(text) is not None), text
        else:  # other texts the record check decides: the kernel may only say "not sure"
            assert not real or cpr.birth_date(text) is not None, text


@delivery_rule("TEST916", "info", title=("Kun batch", "Batch only"), template=("{n} rækker", "{n} rows"))
class _BatchOnly:
    def __init__(self, ctx):
        self.n = 0

    def observe_batch(self, batch):
        self.n += batch.num_rows

    def finish(self):
        return [Hit(n=self.n)]


def test_check_record_runs_plugin_rules_of_both_versions():
    records = [record(2, amount=Decimal(200000)), record(3, amount=Decimal(5)), record(4, amount=Decimal(-5))]
    engine = RuleEngine([_large, _small, _maybe_negative, _Counter, _BatchOnly], context())
    found = [(i, f.code) for i, r in enumerate(records) for f in engine.check_record(r)]
    assert found == [(0, "TEST911"), (1, "TEST912"), (2, "TEST912"), (2, "TEST913")]
    assert [f.message_en for f in engine.finish()] == ["3 lines", "3 rows"]


@given(
    st.lists(
        st.text(alphabet="0123456789", min_size=10, max_size=10)
        | st.from_regex(r"\A(0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])[0-9]{6}\Z")
        | st.from_regex(r"\A290200[0-9]{4}\Z")
        | st.from_regex(r"\A[0-3][0-9][01][0-9][0-9]{2}[0-9][0-9]{3}\Z")
        | st.text(max_size=12)
        | st.none(),
        max_size=50,
    )
)
def test_the_birth_dates_on_a_column_are_what_cpr_birth_date_gives(cprs):
    from siu.base import cpr
    from siu.check.masks import birth_dates

    got = birth_dates(pa.array(cprs, pa.string())).to_pylist()
    assert got == [cpr.birth_date(c) if c is not None else None for c in cprs]
