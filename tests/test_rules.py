"""The validation rules: each one with a minimal line (or delivery) that triggers it and a near
miss that does not, plus the engine's contract (severity overrides, --strict, plugin rules,
rules that raise)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from siu.base.config import Settings
from siu.check.builtin import RULES
from siu.context import Context
from siu.findings import CATALOGUE, FindingSink
from siu.models import Finding, Kind, Location, Record, Severity
from siu.rules import Hit, RuleEngine, delivery_rule, record_rule
from siu.specpack import BUILTIN_DIR, AmountSpec, SpecPack

D = dt.date
CPR = "0101601235"  # a made-up CPR with a real birth date


def spec(**manifest: Any) -> SpecPack:
    pack = SpecPack.load(BUILTIN_DIR / "2025")
    if manifest:
        pack.manifest = pack.manifest.model_copy(update=manifest)
    return pack


def context(pack: SpecPack | None = None, kommune: str = "101", **validation: Any) -> Context:
    return Context(
        settings=Settings().with_validation(**validation),
        spec=pack or spec(),
        kommune=kommune,
        year=2025,
        area="voksen",
    )


def line(row: int = 2, **values: Any) -> Record:
    """A valid § 108 line; ``values`` change one thing at a time."""
    base: dict[str, Any] = dict(
        psr_id=CPR,
        cpr_raw="010160-1235",
        kontostreng="53850100140",
        paragraph="SEL108",
        area="voksen",
        amount=Decimal("1000.00"),
        start=D(2025, 1, 1),
        end=D(2025, 1, 31),
        locations=(Location(file="in.csv", row=row),),
        kind=Kind.EXPENDITURE,
        function="5.38.50",
        dranst="1",
        art="4.0",
        account_text="5.38.50.1.001.4.0",
        columns={"cpr": "CPR", "amount": "Beløb", "start": "Fra", "end": "Til", "kontostreng": "Konto"},
    )
    base.update(values)
    return Record(**base)


def run(records: list[Record], ctx: Context | None = None, rules: list[Any] = RULES) -> list[Finding]:
    engine = RuleEngine(rules, ctx or context())
    found = [f for r in records for f in engine.check_record(r)]
    return found + list(engine.finish())


def codes(findings: list[Finding]) -> Counter[str]:
    return Counter(f.code for f in findings)


def test_a_valid_line_has_no_findings():
    assert run([line()]) == []


# --- record rules: (code, the line that triggers it, a near miss that does not) ------------------

RECORD_CASES = {
    "SIU101": (dict(psr_id=None, cpr_raw=None), dict(psr_id=CPR)),
    "SIU102": (dict(psr_id=None, cpr_raw="01016O-1235"), dict(psr_id=CPR, cpr_raw="010160-1235")),
    # 31 February is not a date; 29 February 2000 is (a leap year) and modulus 11 is never checked
    "SIU103": (dict(psr_id="3102601235"), dict(psr_id="2902004000")),
    "SIU104": (
        dict(psr_id="1234569998"),
        dict(psr_id="1234569998", paragraph="SEL109", kontostreng="53842100140", function="5.38.42"),
    ),
    # born 1901: 124 years old in 2025 (a shared placeholder); born 1920 is 105
    "SIU106": (dict(psr_id="0101010000"), dict(psr_id="0101201234")),
    "SIU110": (dict(start=None), dict(start=None, invalid=("start",))),
    "SIU111": (dict(end=None), dict(end=None, invalid=("end",))),
    "SIU112": (dict(start=D(2025, 2, 1), end=D(2025, 1, 31)), dict(start=D(2025, 1, 31), end=D(2025, 1, 31))),
    "SIU113": (dict(start=D(2024, 3, 1), end=D(2024, 12, 31)), dict(start=D(2024, 3, 1), end=D(2025, 1, 1))),
    "SIU114": (dict(start=D(2023, 1, 1), end=D(2023, 12, 31)), dict(start=D(2024, 1, 1), end=D(2024, 1, 31))),
    "SIU115": (dict(end=D(9999, 12, 31)), dict(end=D(2025, 12, 31))),
    "SIU116": (dict(start=D(2019, 3, 1), end=D(2025, 1, 31)), dict(start=D(2025, 1, 1), end=D(2026, 1, 31))),
    "SIU117": (dict(start=D(2023, 12, 20), end=D(2025, 1, 5)), dict(start=D(2024, 1, 1), end=D(2025, 1, 5))),
    "SIU120": (dict(function="5.38.99", dranst="1"), dict(function="5.38.50", dranst="1")),
    "SIU121": (
        dict(paragraph=None, area=None, function="5.38.45"),
        dict(paragraph="SEL110", area="voksen", function="5.38.45"),
    ),
    "SIU122": (dict(paragraph="SEL999", area=None), dict(paragraph="SEL110")),
    "SIU123": (dict(area="boern"), dict(area="voksen")),
    "SIU130": (dict(amount=Decimal("0.00")), dict(amount=Decimal("0.01"))),
    "SIU131": (
        dict(amount=Decimal("-1000.00"), sign_explicit=True),
        dict(amount=Decimal("-1000.00"), sign_explicit=False),
    ),
    "SIU132": (dict(amount=Decimal("1000.005")), dict(amount=Decimal("1000.500"))),
    "SIU133": (dict(kind=Kind.INTERNAL, art="9.1"), dict(kind=Kind.REVENUE, art="7.1", amount=Decimal("-5"))),
}


@pytest.mark.parametrize("code", sorted(RECORD_CASES))
def test_record_rule_triggers(code):
    trigger, _ = RECORD_CASES[code]
    found = run([line(**trigger)])
    assert codes(found)[code] == 1, found
    finding = next(f for f in found if f.code == code)
    assert finding.severity == CATALOGUE[code].severity
    assert finding.location is not None and finding.location.file == "in.csv" and finding.location.row == 2
    assert finding.message_da and finding.message_en and finding.message_da != finding.message_en


@pytest.mark.parametrize("code", sorted(RECORD_CASES))
def test_record_rule_near_miss(code):
    _, miss = RECORD_CASES[code]
    assert codes(run([line(**miss)]))[code] == 0


def test_every_builtin_record_rule_has_a_case():
    record_codes = {r.code.code for r in RULES if r.scope == "record"}
    assert record_codes <= set(RECORD_CASES)


def test_cpr_rule_points_at_the_cpr_column_and_masks_the_value():
    (finding,) = run([line(psr_id="3102601235")])
    assert finding.location.column == "CPR"
    assert finding.value == "310260-xxxx"
    assert "3102601235" not in finding.message_da + finding.message_en


def test_fictitious_forms_are_valid_only_on_109_lines():
    on_109 = dict(paragraph="SEL109", kontostreng="53842100140", function="5.38.42")
    for psr in ("1234569998", "1234569999", "2902009998", "0101809999"):
        assert run([line(psr_id=psr, **on_109)]) == [], psr
    # a fictitious birth date that is no date at all is wrong even on § 109
    assert codes(run([line(psr_id="3102809998", **on_109)])) == {"SIU103": 1}
    # the no-birth-date form elsewhere: SIU104 only, not a second finding for its date
    assert codes(run([line(psr_id="1234569999")])) == {"SIU104": 1}


def test_sign_rule_names_kinds_in_each_language():
    (finding,) = [f for f in run([line(amount=Decimal("-5.00"), sign_explicit=True)]) if f.code == "SIU131"]
    assert "en indtægt" in finding.message_da and "en udgift" in finding.message_da
    assert "revenue" in finding.message_en and "expenditure" in finding.message_en
    rev = run([line(amount=Decimal("5.00"), sign_explicit=True, kind=Kind.REVENUE, art="7.2")])
    assert codes(rev) == {"SIU131": 1}


def test_amount_unit_follows_the_spec_pack():
    whole_kroner = spec(amount=AmountSpec(decimals=0))
    assert codes(run([line(amount=Decimal("1000.50"))], context(whole_kroner))) == {"SIU132": 1}
    assert codes(run([line(amount=Decimal("1000.00"))], context(whole_kroner))) == {}
    assert codes(run([line(amount=Decimal("1000.50"))])) == {}


# --- delivery rules ------------------------------------------------------------------------------


def test_duplicates_report_every_copy_after_the_first():
    found = run([line(row=2), line(row=3), line(row=4), line(row=5, amount=Decimal("999.00"))])
    dups = [f for f in found if f.code == "SIU401"]
    assert [f.location.row for f in dups] == [3, 4]
    assert "in.csv, række 2" in dups[0].message_da and "in.csv, row 2" in dups[0].message_en


def test_identical_anonymised_lines_are_only_a_warning():
    anon = dict(psr_id="1234569998", paragraph="SEL109", kontostreng="53842100140", function="5.38.42", anonymised=True)
    found = run([line(row=2, **anon), line(row=3, **anon)])
    assert codes(found) == {"SIU406": 1}
    assert next(f for f in found if f.code == "SIU406").severity is Severity.WARNING
    mixed = run([line(row=2, **anon), line(row=3, **{**anon, "anonymised": False})])
    assert codes(mixed) == {"SIU401": 1}


def test_revenue_without_expenditure():
    revenue = dict(amount=Decimal("-500.00"), kind=Kind.REVENUE, art="7.7")
    found = run([line(row=2, **revenue), line(row=3, psr_id="0202602468", amount=Decimal("800"))])
    (finding,) = [f for f in found if f.code == "SIU402"]
    assert (
        finding.value == "010160-xxxx"
        and finding.location.row == 2
        and finding.location.column == "CPR"
        and "-500,00" in finding.message_da
    )
    assert codes(run([line(row=2, **revenue), line(row=3)]))["SIU402"] == 0


def test_several_municipalities_need_a_source_kommune():
    found = run(
        [line(dims={"kommune": "101"}), line(row=3, dims={"kommune": "147"}), line(row=4, dims={"kommune": "147"})]
    )
    (finding,) = [f for f in found if f.code == "SIU403"]
    assert finding.location.row == 3 and "147" in finding.message_da and "2" in finding.message_da
    assert codes(run([line(dims={"kommune": "101"}), line(row=3, dims={"kommune": "101"})]))["SIU403"] == 0
    assert codes(run([line(dims={"kommune": "1"})], context(kommune="001")))["SIU403"] == 0  # codes are zero-padded


def test_several_years_stated_by_the_source():
    found = run([line(dims={"year": "2025"}), line(row=3, amount=Decimal(2), dims={"year": "2024"})])
    assert codes(found)["SIU404"] == 1
    assert codes(run([line(dims={"year": "2025"})]))["SIU404"] == 0


def test_periods_concentrated_in_another_year():
    other = [line(row=r, amount=Decimal(r), start=D(2024, 3, 1), end=D(2024, 3, 31)) for r in range(2, 12)]
    this = [line(row=r, amount=Decimal(r)) for r in range(12, 60)]
    assert codes(run(other + this))["SIU405"] == 1
    # nine lines are too few to suggest a second year's extract
    assert codes(run(other[:9] + this))["SIU405"] == 0


def _citizens(amounts: list[int], paragraph: str = "SEL108") -> list[Record]:
    return [
        line(row=i + 2, psr_id=f"01016{i:01d}{1000 + i}", amount=Decimal(a), paragraph=paragraph)
        for i, a in enumerate(amounts)
    ]


def test_extreme_values_against_robust_bounds():
    normal = [30000, 31000, 29000, 30500, 29500, 30200]
    found = run(_citizens(normal + [400000]))
    (finding,) = [f for f in found if f.code == "SIU420"]
    assert finding.location.row == 8
    # 400.000 for January annualises to 400000 × 365 / 31 ≈ 4,7 mio.
    assert "4.709.677" in finding.message_da
    assert codes(run(_citizens(normal + [33000])))["SIU420"] == 0
    # a larger k widens the bounds
    assert codes(run(_citizens(normal + [40000])))["SIU420"] == 1
    assert codes(run(_citizens(normal + [40000]), context(mad_k=50)))["SIU420"] == 0


def test_extreme_values_need_enough_citizens_and_handle_equal_rates():
    assert codes(run(_citizens([30000, 30000, 900000])))["SIU420"] == 0
    # most citizens on one rate: MAD is 0, the mean absolute deviation takes over
    assert codes(run(_citizens([30000] * 6 + [31000, 900000])))["SIU420"] == 1


def test_extreme_values_annualise_by_the_period():
    # 360.000 for the whole year is the usual rate (about 30.000 a month); for one day it is extreme
    recs = _citizens([30000, 31000, 29000, 30500, 29500])
    recs.append(line(row=20, psr_id="0505051234", amount=Decimal(360000), start=D(2025, 3, 1), end=D(2025, 3, 1)))
    assert codes(run(recs))["SIU420"] == 1
    recs[-1] = line(row=20, psr_id="0505051234", amount=Decimal(360000), start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert codes(run(recs))["SIU420"] == 0


def test_extreme_values_leave_out_anonymised_lines():
    normal = _citizens([30000, 31000, 29000, 30500, 29500, 30200])
    anon = dict(psr_id="1234569998", paragraph="SEL108", anonymised=True)
    shared = [line(row=30 + i, amount=Decimal(30000 + i), **anon) for i in range(8)]  # eight stays, one number
    assert codes(run(normal + shared))["SIU420"] == 0
    assert codes(run(normal + [line(row=40, amount=Decimal(240000), psr_id="0505051234")]))["SIU420"] == 1


def test_hard_ceiling():
    recs = _citizens([30000, 31000])
    assert codes(run(recs, context(ceilings={"SEL108": 360000})))["SIU421"] == 1  # 31.000 × 365/31 = 365.000
    assert codes(run(recs, context(ceilings={"SEL108": 370000})))["SIU421"] == 0
    assert codes(run(recs, context(ceilings={"SEL107": 1})))["SIU421"] == 0


# --- the engine ------------------------------------------------------------------------------------


def test_severity_override_and_strict():
    sink = FindingSink(overrides={"SIU130": Severity.ERROR})
    sink.extend(run([line(amount=Decimal(0))]))
    assert sink.errors == 1 and not sink.ok
    warn = FindingSink()
    warn.extend(run([line(amount=Decimal(0))]))
    assert warn.ok and warn.warnings == 1
    strict = FindingSink(strict=True)
    strict.extend(run([line(amount=Decimal(0))]))
    assert not strict.ok


@record_rule(
    "TEST901",
    "warning",
    title=("Stort beløb", "Large amount"),
    template=("Beløbet {value} er stort", "Amount {value} is large"),
)
def _large(record, ctx):
    if record.amount > 100000:
        yield Hit(field="amount", value=record.amount)  # generators work too


@record_rule("TEST902", "warning", title=("Fejler", "Fails"), template=("x", "x"))
def _broken(record, ctx):
    raise RuntimeError(f"cannot handle {record.psr_id}")


@delivery_rule("TEST903", "info", title=("Tæller", "Counter"), template=("{n} linjer", "{n} lines"))
class _Counter:
    def __init__(self, ctx):
        self.n = 0

    def observe(self, record):
        self.n += 1

    def finish(self):
        return [Hit(n=self.n)]


def test_plugin_rules_run_beside_the_builtin_ones():
    found = run([line(amount=Decimal(200000)), line(row=3)], rules=[*RULES, _large, _Counter])
    assert codes(found)["TEST901"] == 1
    (count,) = [f for f in found if f.code == "TEST903"]
    assert count.message_en == "2 lines"


def test_a_rule_that_raises_is_reported_once_and_switched_off():
    found = run([line(), line(row=3)], rules=[*RULES, _broken])
    failed = [f for f in found if f.code == "SIU190"]
    assert len(failed) == 1 and failed[0].severity is Severity.ERROR
    assert "TEST902" in failed[0].message_en and "010160-xxxx" in failed[0].message_en
    assert CPR not in failed[0].message_en


def test_an_override_of_an_unknown_code_is_reported():
    ctx = context()
    ctx.settings = ctx.settings.model_copy(update={"severity": {"SIU13O": Severity.ERROR, "SIU130": Severity.ERROR}})
    found = run([line()], ctx)
    assert [(f.code, f.value) for f in found] == [("SIU191", "SIU13O")]


def test_reading_and_writing_errors_cannot_be_made_milder():
    import siu.tabular  # noqa: F401 - defines SIU020
    import siu.write.xml  # noqa: F401 - defines SIU901
    from siu.findings import get

    sink = FindingSink(overrides={"SIU020": Severity.WARNING, "SIU901": Severity.INFO, "SIU111": Severity.WARNING})
    sink.add(get("SIU020").make(field="amount", value="abc", field_da="Beløbet", field_en="The amount", reason="x"))
    sink.add(get("SIU901").make(detail="x"))
    sink.add(get("SIU111").make(field="end"))
    assert sink.severity_of == {"SIU020": Severity.ERROR, "SIU901": Severity.ERROR, "SIU111": Severity.WARNING}
    ctx = context()
    ctx.settings = ctx.settings.model_copy(update={"severity": {"SIU901": Severity.INFO, "SIU130": Severity.ERROR}})
    found = run([line()], ctx)
    assert [(f.code, f.value) for f in found] == [("SIU192", "SIU901")]


@delivery_rule("TEST904", "info", title=("Går i stykker", "Breaks"), template=("x", "x"))
class _BreaksOnSecondLine:
    def __init__(self, ctx):
        self.n = 0

    def observe(self, record):
        self.n += 1
        if self.n == 2:
            raise KeyError(record.psr_id)

    def finish(self):
        return [Hit()]


@delivery_rule("TEST905", "info", title=("Går i stykker til sidst", "Breaks at the end"), template=("x", "x"))
class _BreaksAtTheEnd:
    def __init__(self, ctx):
        pass

    def observe(self, record):
        pass

    def finish(self):
        yield Hit()
        raise ValueError("end")


def test_a_delivery_rule_that_raises_is_reported_and_stops():
    found = run(
        [line(), line(row=3, amount=Decimal(5)), line(row=4, amount=Decimal(6))],
        rules=[*RULES, _BreaksOnSecondLine, _BreaksAtTheEnd],
    )
    failed = [f for f in found if f.code == "SIU490"]
    assert len(failed) == 2
    assert (
        "TEST904" in failed[0].message_en and "010160-xxxx" in failed[0].message_en and CPR not in failed[0].message_en
    )
    assert "TEST905" in failed[1].message_en
    # a rule that fails part-way reports nothing of its own: half a result would mislead
    assert codes(found)["TEST904"] == 0 and codes(found)["TEST905"] == 0
    assert codes(run([line()], rules=[_BreaksAtTheEnd]))["SIU490"] == 1


# --- properties ----------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PACKS = {d: spec(amount=AmountSpec(decimals=d)) for d in (0, 1, 2)}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    amount=st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False, places=None)
    | st.decimals(min_value=-1000, max_value=1000, places=4),
    decimals=st.sampled_from([0, 1, 2]),
)
def test_amount_unit_agrees_with_quantize(amount, decimals):
    """The fast text check of SIU132 says exactly what Decimal.quantize says."""
    expected = amount != amount.quantize(Decimal(1).scaleb(-decimals))
    found = codes(run([line(amount=amount)], context(PACKS[decimals])))["SIU132"]
    assert found == int(expected)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([CPR, "0202602468"]), st.sampled_from([Decimal("100"), Decimal("200.50")]), st.booleans()
        ),
        max_size=12,
    )
)
def test_duplicates_count_every_line_beyond_the_first(lines_):
    records = [
        line(
            row=i + 2,
            psr_id=p,
            amount=a,
            paragraph="SEL109",
            kontostreng="53842100140",
            function="5.38.42",
            anonymised=anon,
        )
        for i, (p, a, anon) in enumerate(lines_)
    ]
    found = codes(run(records))
    groups = Counter((p, a) for p, a, _ in lines_)
    assert found["SIU401"] + found["SIU406"] == sum(n - 1 for n in groups.values())
    anonymous_only = {k for k in groups if all(anon for p, a, anon in lines_ if (p, a) == k)}
    assert found["SIU406"] == sum(groups[k] - 1 for k in anonymous_only)
