"""Provisional means provisional everywhere (issue 17, point 5)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from openpyxl import load_workbook

from siu.check.verdict import verdict
from siu.specpack import builtin_pack_dirs


def _demo(demo_dir: Path) -> list[str]:
    return ["--source", "opus", str(demo_dir / "opus-udtraek-2025.csv"), "--config", str(demo_dir / "siu.toml")]


def test_verdict_words() -> None:
    assert verdict(True, False) == ("KLAR TIL INDBERETNING", "READY FOR SUBMISSION")
    assert verdict(True, True)[0] == "KLAR — men formatet er foreløbigt"
    assert verdict(False, True) == ("IKKE KLAR", "NOT READY")
    assert "TEST" in verdict(True, False, test=True)[0] and "not for submission" in verdict(True, True, test=True)[1]


def test_console_json_and_workbook_say_provisional(siu, demo_dir, tmp_path) -> None:
    run = siu("validate", *_demo(demo_dir), "--report-json", tmp_path / "r.json", "--report-xlsx", tmp_path / "r.xlsx")
    assert run.exit_code == 0, run.output
    assert "KLAR — men formatet er foreløbigt" in run.stdout and "2025.1 (foreløbig)" in run.stdout
    assert "KLAR TIL INDBERETNING" not in run.stdout
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["verdict"]["ready"] is True and doc["verdict"]["provisional_format"] is True
    assert doc["verdict"]["text_da"] == "KLAR — men formatet er foreløbigt"
    assert doc["verdict"]["text_en"] == "READY — but the format is provisional"
    assert doc["delivery"]["spec_label"] == "2025.1 (foreløbig)"
    ws = load_workbook(tmp_path / "r.xlsx")["Oversigt"]
    cells = [[c.value for c in row] for row in ws.iter_rows(max_row=4)]
    assert cells[0][0] == "KLAR — men formatet er foreløbigt"
    assert ["Specifikation", "2025.1 (foreløbig)"] == cells[3][:2]


def test_a_pack_without_provisional_facts_is_plainly_ready(siu, demo_dir, tmp_path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(next(d for d in builtin_pack_dirs() if d.name == "2025"), pack)
    manifest = pack / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^provisional = \[.*?^\]$", "provisional = []", text)  # [provenance], [delivery]
    text = "\n".join(line for line in text.splitlines() if not line.startswith('provisional = "')) + "\n"
    manifest.write_text(text, encoding="utf-8")
    chart = pack / "chart.csv"
    chart.write_text(chart.read_text(encoding="utf-8").replace(",yes,", ",no,"), encoding="utf-8")
    run = siu("validate", *_demo(demo_dir), "--spec-dir", pack, "--lang", "en")
    assert run.exit_code == 0, run.output
    assert "READY FOR SUBMISSION" in run.stdout and "(provisional)" not in run.stdout
    assert "SIU444" not in run.stdout  # the chart rows are no longer provisional


def test_paragraph_from_a_provisional_chart_split_is_a_finding(siu, demo_dir, tmp_path) -> None:
    run = siu("validate", *_demo(demo_dir), "--report-json", tmp_path / "r.json")
    assert run.exit_code == 0 and "SIU444" in run.stdout, run.output
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    found = [f for f in doc["findings"] if f["code"] == "SIU444"]
    assert {f["message_da"].split(" har ")[1].split(" på ")[0] for f in found} == {"SEL109", "SEL110"}
    assert all("5.38.42" in f["message_en"] and "SEL109 / SEL110" in f["message_en"] for f in found)
