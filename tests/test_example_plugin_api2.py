"""The example plugin written against plugin API 2 (docs/examples/siu-sagsflow: a batch source, two
batch rules, a batch writer) installs into a fresh virtual environment and converts its sample end
to end: the delivery is written, its own rules' findings are in the JSON report, its writer writes
the CSV preview, and its own tests (siu's contract suite among them) pass.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from siu.specpack import BUILTIN_DIR
from test_example_plugin import install_in_fresh_env, run

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "siu-sagsflow"
SAMPLE = EXAMPLE / "samples" / "sagsflow-udbetalinger-2025.jsonl"
CONFIG = EXAMPLE / "samples" / "siu.toml"


def sample_lines() -> list[dict[str, str]]:
    """The sample's payments, read with the json module (not with the plugin under test)."""
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_in_fresh_env(EXAMPLE, tmp_path_factory.mktemp("venv-api2"))


def test_the_installed_api2_example_is_listed_with_its_source_rules_and_writer(fresh_env, tmp_path):
    done = run(fresh_env, "-m", "siu", "plugins", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    plugin = next(p for p in data["plugins"] if p["name"] == "sagsflow")
    assert (plugin["package"], plugin["version"], plugin["kind"], plugin["api"], plugin["status"]) == (
        "siu-sagsflow",
        "0.1.0",
        "installed",
        "2",
        "loaded",
    )
    assert plugin["sources"] == ["sagsflow"] and plugin["writers"] == ["sagsflow-csv"]
    assert sorted(plugin["rules"]) == ["SAGSFLOW101", "SAGSFLOW102"]
    assert data["problems"] == []


def test_the_api2_example_converts_its_sample_end_to_end(fresh_env, tmp_path):
    out = tmp_path / "out"
    report = tmp_path / "report.json"
    args = ["-m", "siu", "convert", "--source", "sagsflow", str(SAMPLE), "--config", str(CONFIG)]
    done = run(fresh_env, *args, "--out", str(out), "--report-json", str(report), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "KLAR — men formatet er foreløbigt" in done.stdout
    tree = etree.parse(str(out / "SIU_461_2025_voksen.xml"))
    assert etree.XMLSchema(etree.parse(str(BUILTIN_DIR / "2025" / "siu.xsd"))).validate(tree)
    amounts = [Decimal(e.text) for e in tree.iter("{*}Beloeb")]
    lines = sample_lines()
    assert (sum(amounts), len(amounts)) == (sum(Decimal(p["beloeb"]) for p in lines), len(lines))
    findings = json.loads(report.read_text(encoding="utf-8"))["findings"]
    by_code = {f["code"]: f for f in findings}
    # the plugin's batch rules ran: the mask with a check (worded per row) and the mask alone
    assert "SAGSFLOW101" in by_code, [f["code"] for f in findings]
    assert by_code["SAGSFLOW101"]["message_da"] == "Perioden er 59 dage; Sagsflow udbetaler månedsvis"
    assert "SAGSFLOW102" in by_code and by_code["SAGSFLOW102"]["severity"] == "info"


def test_the_api2_examples_batch_writer_writes_the_preview(fresh_env, tmp_path):
    args = ["-m", "siu", "convert", str(SAMPLE), "--config", str(CONFIG), "--format", "sagsflow-csv"]
    done = run(fresh_env, *args, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "læses som 'sagsflow'" in done.stdout + done.stderr  # found without --source
    rows = (tmp_path / "out" / "SIU_461_2025_voksen.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == '"PsrID";"Kontostreng";"Beloeb";"Start";"Slut"' and len(rows) == 1 + len(sample_lines())
    assert all(r.split(";")[0].endswith('-xxxx"') for r in rows[1:]), "CPR numbers are masked in the preview"


def test_the_api2_examples_own_tests_pass_against_the_installed_package(fresh_env, tmp_path):
    args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(EXAMPLE), str(EXAMPLE / "tests")]
    done = run(fresh_env, *args, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    passed = re.search(r"(\d+) passed", done.stdout)
    assert passed and int(passed.group(1)) >= 13 and "failed" not in done.stdout, done.stdout
