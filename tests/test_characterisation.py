"""Characterisation goldens (issue 14 point 6): today's deliveries, JSON reports, console reports
and exit codes for a broad set of generated inputs, compared byte for byte.

The cases and the harness are in ``tests/characterisation.py`` (and ``characterisation_kit``,
``characterisation_cases``, ``characterisation_rules``). After an intended change, regenerate
and review the diff: ``python tests/characterisation.py --update [CASE ...]``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from characterisation import GOLDEN, differences, emit_in_subprocess, golden_files, produced_files
from characterisation_kit import all_cases
from siu.findings import CATALOGUE

CASES = all_cases()

# Codes of record (SIU1xx), mapping (SIU2xx) and delivery (SIU4xx) rules no input can trigger
# through siu's own adapters, and why.
UNREACHABLE = {
    "SIU190": "a record rule that raises: only a plugin's rule can",
    "SIU490": "a delivery rule that raises: only a plugin's rule can (but see rules-dates: a core bug)",
    "SIU404": "needs a source stating the reporting year per posting; no built-in adapter reads one",
}


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every case run once, in one interpreter with the hash seed and time zone pinned."""
    root = tmp_path_factory.mktemp("characterisation")
    emit_in_subprocess(root)
    return root


@pytest.mark.parametrize("name", list(CASES))
def test_case_matches_its_goldens(name: str, produced: Path) -> None:
    problems = differences(name, produced_files(produced, name))
    assert not problems, "\n".join(problems) + (
        f"\nIf intended, regenerate with `python tests/characterisation.py --update {name}` and review the diff."
    )


def test_every_golden_folder_is_a_case() -> None:
    assert {p.name for p in GOLDEN.iterdir() if p.is_dir()} == set(CASES)


def _codes_found() -> set[str]:
    found: set[str] = set()
    for name in CASES:
        report = golden_files(name).get("report.json")
        if report is not None:
            found |= {f["code"] for f in json.loads(report)["findings"]}
    return found


def test_every_reachable_rule_code_appears_in_some_case() -> None:
    rule_codes = {code for code in CATALOGUE if code[3] in "124"}
    missing = rule_codes - _codes_found() - set(UNREACHABLE)
    assert not missing, f"no case reaches {sorted(missing)}: add one, or say in UNREACHABLE why none can"


def test_the_corpus_covers_adapters_and_options() -> None:
    commands = " ".join(golden_files(name)["command.txt"].decode("utf-8") for name in CASES)
    for needle in ("--source opus", "--source sap", "--source excel", "--source csv", "--columns"):
        assert needle in commands
    for option in ("--aggregate", "--split", "--format xlsx", "--accounts", "--lang en", "--test", "siu validate"):
        assert option in commands
    assert 30 <= len(CASES) <= 65  # issue 14: roughly 30-60 small cases, the whole test in seconds


def test_a_difference_is_shown_as_a_unified_diff(produced: Path) -> None:
    name = "format-xlsx"  # text files and a workbook
    outcome = produced_files(produced, name)
    assert not differences(name, outcome)
    console = outcome.files["console.txt"].decode("utf-8").splitlines(keepends=True)
    console[3] = "Område         boern\n"
    outcome.files["console.txt"] = "".join(console).encode("utf-8")
    outcome.files["out/SIU_101_2025_voksen.xlsx"] += b"\0"
    del outcome.files["report.json"]
    problems = differences(name, outcome)
    assert len(problems) == 3
    diff = next(p for p in problems if p.startswith("--- golden/format-xlsx/console.txt"))
    assert "+Område         boern\n" in diff and "\n-Område         voksen" in diff
    assert any("workbook bytes differ" in p for p in problems)
    assert f"{name}/report.json: missing" in problems


_CPR_LIKE = re.compile(r"(?<![0-9a-f])([0-9]{2})([0-9]{2})([0-9]{2})-?[0-9]{4}(?![0-9a-f])")  # not inside a hex digest


def _is_date(day: str, month: str) -> bool:
    try:
        dt.date(2000, int(month), int(day))  # a leap year: 29 February counts
    except ValueError:
        return False
    return True


def test_no_full_cpr_number_in_the_reports_of_the_goldens() -> None:
    """The cases run in-process (typer's CliRunner, as tests/conftest.py), without the masking
    filter ``siu``'s entry point puts in front of stdout: what they record must be masked anyway."""
    leaks = []
    for name in CASES:
        for key, data in golden_files(name).items():
            delivery = key.startswith("out/") and not key.endswith(".siu.json")  # the one place CPRs belong
            if key.endswith((".txt", ".json")) and key != "command.txt" and not delivery:
                text = data.decode("utf-8", "replace")
                leaks += [f"{name}/{key}: {m.group(0)}" for m in _CPR_LIKE.finditer(text) if _is_date(*m.groups()[:2])]
    assert not leaks
