"""Tests of the Prisme adapter: siu's contract suite on the sample, plus Prisme's own quirks."""

from __future__ import annotations

from pathlib import Path

import siu_prisme
from siu.adapters import ReadInfo, ReadOptions
from siu.cli import app
from siu.models import Finding, Posting
from siu.testing import AdapterContract, Sample
from typer.testing import CliRunner

SAMPLES = Path(__file__).parent.parent / "samples"
SAMPLE = SAMPLES / "prisme-posteringer-2025.csv"


class TestPrismeContract(AdapterContract):
    """siu's contract: registers, sniffs, locations, money conserved, encodings, bad input."""

    plugin = siu_prisme
    source_name = "prisme"
    entry_point = "prisme"  # checks the installed package's entry point too
    samples = [Sample(SAMPLE, total="156705.75", postings=7)]


def read(path: Path) -> tuple[list[Posting], list[Finding], ReadInfo]:
    info = ReadInfo()
    items = list(siu_prisme.PrismeSource().read(path, ReadOptions(), info))
    return [i for i in items if isinstance(i, Posting)], [i for i in items if isinstance(i, Finding)], info


def test_the_leading_zero_of_a_cpr_is_restored():
    postings, _, _ = read(SAMPLE)
    assert postings[-1].cpr == "0303854321"


def test_a_line_in_a_foreign_currency_is_skipped_and_reported(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8-sig").replace(";9.100,00;DKK;", ";9.100,00;EUR;")
    path = tmp_path / SAMPLE.name
    path.write_text(text, encoding="utf-8-sig")
    postings, findings, info = read(path)
    assert len(postings) == 6 and info.rows_skipped == 2  # the EUR line and the "I alt" line
    (finding,) = [f for f in findings if f.code.startswith("PRISME")]  # siu adds its ledger's notes (SIU031)
    assert finding.code == "PRISME001" and "EUR" in finding.message_da
    assert (finding.location.row, finding.location.column) == (8, "Valuta")


def test_the_sample_is_recognised_and_converts_to_a_delivery(tmp_path):
    result = CliRunner().invoke(app, ["convert", str(SAMPLE), "--config", str(SAMPLES / "siu.toml"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "læses som 'prisme'" in result.output  # found without --source
    assert (tmp_path / "SIU_461_2025_voksen.xml").exists()
