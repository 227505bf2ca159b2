"""The workbook report is reproducible with SOURCE_DATE_EPOCH (siu web's downloads rely on it)."""

from __future__ import annotations

import io
import time
import zipfile

from openpyxl import Workbook, load_workbook

from siu.xlsx_save import save_workbook
from test_reports import BASE, BROKEN_ROWS, write_xlsx

EPOCH = "1700000000"


def _report(siu, tmp_path, name: str) -> bytes:
    src = tmp_path / "udtraek.xlsx"
    if not src.exists():
        write_xlsx(src, BROKEN_ROWS)
    run = siu("validate", src, *BASE, "--report-xlsx", tmp_path / name)
    assert run.exit_code == 1, run.output
    return (tmp_path / name).read_bytes()


def test_report_workbook_is_byte_identical_with_source_date_epoch(siu, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first = _report(siu, tmp_path, "a.xlsx")
    time.sleep(2.1)  # ZIP times have a two-second resolution: a clock-stamped entry would differ
    second = _report(siu, tmp_path, "b.xlsx")
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    wb = load_workbook(io.BytesIO(first))
    assert wb.properties.created.isoformat() == "2023-11-14T22:13:20"
    assert any(n.startswith("Input 1") for n in wb.sheetnames)  # the marked input copy is there too


def test_without_source_date_epoch_the_workbook_carries_the_clock(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    wb = Workbook(write_only=True)
    wb.create_sheet("A").append(["x"])
    out = io.BytesIO()
    save_workbook(wb, out)
    with zipfile.ZipFile(out) as zf:
        assert {i.date_time[0] for i in zf.infolist()} == {time.localtime().tm_year}


def test_the_excel_template_delivery_is_byte_identical_with_source_date_epoch(siu, tmp_path, monkeypatch, demo_dir):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    outputs = []
    for name in ("a", "b"):
        run = siu(
            "convert",
            "-s",
            "opus",
            demo_dir / "opus-udtraek-2025.csv",
            "--config",
            demo_dir / "siu.toml",
            "--format",
            "xlsx",
            "-o",
            tmp_path / name,
            "-q",
        )
        assert run.exit_code == 0, run.output
        outputs.append((tmp_path / name / "SIU_101_2025_voksen.xlsx").read_bytes())
        time.sleep(2.1)  # past the two-second resolution of ZIP times
    assert outputs[0] == outputs[1]
