"""Regression tests for defects found in review: lost lines, wrong signs, CPRs in messages."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from siu.adapters import ReadInfo, ReadOptions
from siu.base.config import load_settings
from siu.base.cpr import mask_cpr
from siu.check.reconcile import _kind_of
from siu.context import Context
from siu.convert.pipeline import Converter
from siu.findings import FindingSink
from siu.host.plugins import load_plugins
from siu.host.specs_registry import SpecRegistry
from siu.models import Posting
from siu.report.result import InputSpec
from siu.write.xml import XmlWriter
from siu.writers import Writer

HEADER = "Bilagsnr;PSP-element;Artskonto;CPR-nr;{amount};Periode fra;Periode til;Tekst\n"


def _read(path: Path) -> list[Posting]:
    host = load_plugins()
    return [p for p in host.sources["opus"].read(path, ReadOptions(), ReadInfo()) if isinstance(p, Posting)]


@pytest.mark.parametrize("text", ["010160 - 1235", "010160\u20131235", "010160_1235", "01.01.60-1235", "0101601235"])
def test_hand_typed_cpr_forms_are_masked(text):
    assert mask_cpr(f"CPR '{text}' er forkert") == "CPR '010160-xxxx' er forkert"


def test_amounts_and_dates_are_not_masked():
    assert (
        mask_cpr("1.234.567,89 kr. fra 01.01.2025 til 31.12.2025") == "1.234.567,89 kr. fra 01.01.2025 til 31.12.2025"
    )


def test_a_minus_in_the_debit_column_is_a_reversal(tmp_path):
    path = tmp_path / "dk.csv"
    path.write_text(
        "Bilagsnr;PSP-element;Artskonto;CPR-nr;Debet;Kredit;Periode fra;Periode til\n"
        "1;XG-5385010001-0001;40110000;010160-1235;1.000,00;;01.01.2025;31.01.2025\n"
        "2;XG-5385010001-0001;40110000;010160-1235;-400,00;;01.01.2025;31.01.2025\n"
        "3;XG-5385010001-0001;77100000;010160-1235;;250,00;01.01.2025;31.01.2025\n"
        "4;XG-5385010001-0001;77100000;010160-1235;;-50,00;01.01.2025;31.01.2025\n",
        encoding="utf-8",
    )
    assert [p.amount for p in _read(path)] == [
        Decimal("1000.00"),
        Decimal("-400.00"),
        Decimal("-250.00"),
        Decimal("-50.00"),
    ]


def test_a_posting_whose_text_is_a_sum_word_is_not_skipped(tmp_path):
    path = tmp_path / "saldo.csv"
    path.write_text(
        HEADER.format(amount="Beløb")
        + ";XG-5385010001-0001;40110000;150372-2468;39.875,50;01.01.2025;31.01.2025;Saldo\n"
        + ";;;;39.875,50;;;I alt\n",
        encoding="utf-8",
    )
    [posting] = _read(path)
    assert posting.amount == Decimal("39875.50")


def test_art_forms_in_the_trial_balance():
    assert _kind_of("4").value == _kind_of("40110000").value == _kind_of("4.7").value == "expenditure"
    assert _kind_of("7").value == _kind_of("77100000").value == "revenue"


def _context(demo_dir: Path) -> tuple[Context, object]:
    host = load_plugins()
    settings = load_settings(demo_dir / "siu.toml")
    spec = SpecRegistry.from_host(host).get(2025)
    return Context(settings=settings, spec=spec, kommune="101", year=2025, area="voksen"), host


class _StopsAfterOne(Writer):
    name = "head"
    suffix = ".xml"

    def write(self, records, header, spec, out):
        XmlWriter().write([next(iter(records))], header, spec, out)


def test_a_writer_that_stops_early_keeps_no_file(demo_dir, tmp_path):
    ctx, host = _context(demo_dir)
    sink = FindingSink()
    target = tmp_path / "out.xml"
    result = Converter(host, ctx, sink).run(
        [InputSpec("opus", demo_dir / "opus-udtraek-2025.csv")], _StopsAfterOne(), target
    )
    assert sink.count("SIU902") == 1 and not result.written and not target.exists()
    assert result.header.totals.records == 19, "the rules still saw every line"
    assert list(tmp_path.iterdir()) == []


def test_a_cpr_in_a_file_name_never_reaches_a_message(siu, demo_dir, tmp_path):
    named = tmp_path / "0101801234.csv"
    named.write_bytes((demo_dir / "opus-udtraek-2025.csv").read_bytes())
    report = tmp_path / "fund.json"
    run = siu(
        "validate", "--source", "opus", str(named), "--config", str(demo_dir / "siu.toml"), "--report-json", str(report)
    )
    assert run.exit_code == 0, run.output
    text = run.output + report.read_text(encoding="utf-8")
    assert "0101801234" not in text and "010180-xxxx" in text
    assert json.loads(report.read_text(encoding="utf-8"))


def test_a_sniffer_that_answers_nonsense_does_not_stop_siu(monkeypatch, siu, demo_dir):
    from siu_sap import SapSource

    monkeypatch.setattr(SapSource, "sniff", lambda self, path: None)
    run = siu("validate", str(demo_dir / "opus-udtraek-2025.csv"), "--config", str(demo_dir / "siu.toml"))
    assert run.exit_code == 0, run.output
    assert "læses som 'opus'" in run.output
