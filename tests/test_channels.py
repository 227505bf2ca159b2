"""Channels per source system and amounts per channel (issue 17, points 1 and 2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from exports import generate, write_sap_mapping
from siu.accounts.channels import allowed_channels, resolve_format
from siu.accounts.rounding import allocate, round_batches
from siu.batches import BatchInfo, batch_of_records, records_of
from siu.findings import FindingSink
from siu.models import DeliveryHeader, Location, Record
from siu.specpack import SpecPack, builtin_pack_dirs


def pack(year: int = 2025) -> SpecPack:
    return SpecPack.load(next(d for d in builtin_pack_dirs() if d.name == str(year)))


def test_sap_defaults_to_the_idep_template_and_says_why() -> None:
    spec = pack()
    assert allowed_channels(spec, ["sap"]) == ["idep"]
    fmt, notes = resolve_format(spec, ["sap"], "xml", explicit=False)
    assert fmt == "xlsx"
    [note] = notes
    assert note.code == "SIU440" and "IDEP" in note.message_da and "system til system" in note.message_da
    assert "system-to-system" in note.message_en


def test_xml_asked_for_sap_is_kept_with_the_reason() -> None:
    fmt, [note] = resolve_format(pack(), ["sap"], "xml", explicit=True)
    assert fmt == "xml" and note.code == "SIU441" and note.severity.value == "warning"
    assert "SAP" in note.message_da and "Opus" in note.message_en


def test_sources_with_every_channel_keep_the_settings_format() -> None:
    spec = pack()
    assert resolve_format(spec, ["opus"], "xml", explicit=False) == ("xml", [])
    assert resolve_format(spec, ["excel", "csv"], "xml", explicit=False) == ("xml", [])
    # a mix of SAP and a spreadsheet of revenues: the channel both can use
    assert resolve_format(spec, ["sap", "excel"], "xml", explicit=False)[0] == "xlsx"


def test_pack_states_amounts_per_channel() -> None:
    spec = pack(2026)
    assert spec.amount_for("xlsx") == (0, "largest_remainder")
    assert spec.amount_for("xml") == (2, "none")
    summary = spec.summary()
    assert summary["channels"]["idep"]["formats"] == ["xlsx"] and summary["source_channels"]["sap"]["channels"] == [
        "idep"
    ]
    assert any(p.startswith("channel idep") for p in spec.provisional())


amounts = st.decimals(
    min_value=Decimal("-99999.99"), max_value=Decimal("99999.99"), places=2, allow_nan=False, allow_infinity=False
)


@given(st.lists(amounts, min_size=1, max_size=30))
@settings(max_examples=300, deadline=None)
def test_allocate_keeps_the_total_and_never_flips_a_sign(values: list[Decimal]) -> None:
    target = int(sum(values).to_integral_value())
    target = max(
        min(target, sum(int(v.to_integral_value(rounding="ROUND_CEILING")) for v in values)),
        sum(int(v.to_integral_value(rounding="ROUND_FLOOR")) for v in values),
    )
    out = allocate(values, target)
    assert sum(out) == target
    for v, o in zip(values, out):
        assert abs(Decimal(o) - v) < 1
        assert not (v > 0 and o < 0) and not (v < 0 and o > 0)


def test_allocate_keeps_small_positive_lines_from_zero_first() -> None:
    # 0.4 + 0.4 + 0.4 = 1.2 → 1: largest remainder ties; the unit goes to one line, the others are zero
    assert allocate([Decimal("0.4"), Decimal("0.4"), Decimal("0.4")], 1) == [1, 0, 0]
    # 10.6 + (-0.4) = 10.2 → 10: the -0.4 line would become 0 if bumped, so 10.6 → 11 and -0.4 → -1
    assert allocate([Decimal("10.6"), Decimal("-0.4")], 10) == [11, -1]


def _record(cpr: str, paragraph: str, amount: str, row: int) -> Record:
    day = dt.date(2025, 1, 1)
    return Record(
        psr_id=cpr,
        kontostreng="53850104003",
        paragraph=paragraph,
        area="voksen",
        amount=Decimal(amount),
        start=day,
        end=day,
        locations=(Location(file="x.csv", row=row),),
    )


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["0101601234", "0202602345", "0303703456"]), st.sampled_from(["SEL107", "SEL108"]), amounts
        ),
        min_size=1,
        max_size=40,
    )
)
@settings(max_examples=150, deadline=None)
def test_rounding_keeps_totals_per_citizen_and_paragraph(rows: list[tuple[str, str, Decimal]]) -> None:
    records = [_record(c, p, str(a), i) for i, (c, p, a) in enumerate(rows)]
    exact: dict[tuple[str, str], Decimal] = {}
    per_paragraph: dict[str, Decimal] = {}
    for r in records:
        exact[(r.psr_id, r.paragraph)] = exact.get((r.psr_id, r.paragraph), Decimal(0)) + r.amount
        per_paragraph[r.paragraph] = per_paragraph.get(r.paragraph, Decimal(0)) + r.amount
    signs = [r.amount for r in records]
    header = DeliveryHeader(kommune="101", year=2025, area="voksen", spec_version="x", created=dt.datetime(2026, 1, 1))
    sink = FindingSink()
    batches = [batch_of_records(records, BatchInfo(source="test", file="x.csv"))]
    out, summary = round_batches(iter(batches), 0, "idep", sink, header)
    lines = [r for batch in out for r in records_of(batch)]
    assert len(lines) == len(rows)
    got: dict[tuple[str, str], Decimal] = {}
    for r, before in zip(lines, signs):
        assert r.amount == r.amount.to_integral_value() and abs(r.amount - before) < 1
        assert not (before > 0 and r.amount < 0) and not (before < 0 and r.amount > 0)
        got[(r.psr_id, r.paragraph)] = got.get((r.psr_id, r.paragraph), Decimal(0)) + r.amount
    for key, total in exact.items():
        assert abs(got[key] - total) < 1
    for p, total in per_paragraph.items():
        assert abs(sum(v for (_, q), v in got.items() if q == p) - total) < 1
    # the delivery's total is the money read, rounded: paragraphs never drift apart (87.201,00 stays 87.201)
    assert summary.delivered == sum(per_paragraph.values()).quantize(Decimal(1), rounding="ROUND_HALF_UP")
    assert header.totals.net == sum(r.amount for r in lines) == summary.delivered
    zeroed = sum(1 for r, before in zip(lines, signs) if r.amount == 0 and before != 0)
    assert sink.count("SIU442") == zeroed == summary.zeroed and sink.count("SIU443") == 1


def test_sap_convert_writes_the_idep_template_in_whole_kroner(tmp_path: Path, siu: Callable[..., object]) -> None:
    export = generate("sap", "acdoca", tmp_path, count=200, seed=3)
    mapping = write_sap_mapping(tmp_path)
    config = tmp_path / "siu.toml"
    config.write_text(
        f'kommune = "101"\nyear = 2025\nmapping = "{mapping.name}"\n\n[source.sap]\nperiod = "{export.period}"\n',
        encoding="utf-8",
    )
    run = siu(
        "convert",
        export.path,
        "--config",
        config,
        "--out",
        tmp_path / "out",
        *[f"--{k}={v}" for k, v in export.read_options.items()],
    )
    assert run.exit_code == 0, run.output
    assert "SIU440" in run.output and "Beløb afrundet til hele kroner" in run.output
    target = tmp_path / "out" / "SIU_101_2025_voksen.xlsx"
    ws = load_workbook(target).active
    values = [row[3] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert values and all(Decimal(str(v)) == Decimal(str(v)).to_integral_value() for v in values)
    assert abs(sum(Decimal(str(v)) for v in values) - export.total) < len(values)
