"""Hostile and broken inputs (issue 15, point 6): bounded work, limits with findings, no crashes.

Each test here failed before its fix: a quadratic regular expression on a long cell, an xlsx that
declares 100 million rows or inflates like a zip bomb, an SIU005 message that listed every header
of a one-line file, control characters that openpyxl cannot write, non-ASCII digits in an
artskonto, and amounts the delivery cannot hold exactly. Time bounds here are generous (seconds
where the old code took minutes), so they do not flake on a busy machine.
"""

from __future__ import annotations

import json
import shutil
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from siu.base.cpr import mask_cpr
from siu.base.limits import MAX_COLUMNS, shorten
from siu.demo import DEMO_DIR
from siu.parsing import ParseError, parse_amount, parse_date
from siu.xlsx_cells import escape_illegal

HEADER = ["Bilagsnr", "PSP-element", "Artskonto", "CPR-nr", "Beløb", "Periode fra", "Periode til", "Tekst", "Paragraf"]
ROW = [
    "100001",
    "XG-5385010001-0001",
    "40110000",
    "010160-1235",
    "42.500,00",
    "01.01.2025",
    "31.01.2025",
    "Bakkehuset jan 2025",
    "",
]
BASE = ["--source", "opus", "--kommune", "101", "--year", "2025", "--mapping", str(DEMO_DIR / "mapping.toml")]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(";".join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [HEADER, *rows]:
        ws.append(r)
    wb.save(path)
    return path


def _rewrite(path: Path, member: str, change) -> None:
    """Replace one zip member of ``path`` by ``change(old_bytes)``."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    parts[member] = change(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _report(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))


def _codes(tmp_path: Path) -> set[str]:
    return {f["code"] for f in _report(tmp_path)["findings"]}


# --- linear parsers ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [" " * 200_000, "123456" + " " * 200_000, "jan" + " " * 200_000 + "x"])
def test_a_huge_cell_is_parsed_in_linear_time(text):
    # Before: "\s*(kr|dkk)" and CPR masking's "\s*[ ]?\s*" were quadratic (40,000 spaces: 80-100 s).
    began = time.perf_counter()
    with pytest.raises(ParseError):
        parse_amount(text)
    with pytest.raises(ParseError):
        parse_date(text)
    assert mask_cpr(text) == text
    assert time.perf_counter() - began < 5


def test_currency_and_cpr_forms_still_read_after_the_linear_rewrite():
    assert str(parse_amount(" 1.234,56 kr.")) == "1234.56" and str(parse_amount("DKK  100")) == "100"
    assert mask_cpr("010160 - 1235 og 010160 . 1235 og 010160  1235") == "010160-xxxx og 010160-xxxx og 010160-xxxx"


@pytest.mark.parametrize("column", ["Beløb", "CPR-nr"])
def test_a_40000_character_cell_is_a_finding_quoted_short(siu, tmp_path, column):
    row = list(ROW)
    row[HEADER.index(column)] = "1" + " " * 40_000 + "2"
    path = _csv(tmp_path / "lang.csv", [row, ROW])
    began = time.perf_counter()
    run = siu("validate", *BASE, str(path), "--report-json", str(tmp_path / "r.json"))
    assert time.perf_counter() - began < 20
    assert run.exit_code == 1 and run.exception is None
    report = _report(tmp_path)
    assert report["findings"] and all(len(f["message_da"]) < 400 for f in report["findings"])
    assert len(run.output) < 20_000


def test_shorten_is_the_one_helper_for_long_values():
    assert shorten("x" * 10) == "x" * 10
    assert shorten("x" * 100, 10) == "xxxxxxx..." and len(shorten("y" * 10**6)) == 80


# --- lines and cells beyond Excel's limits -----------------------------------------------------


def test_a_one_line_file_with_a_million_headers_ends_quickly_with_a_short_message(siu, tmp_path):
    # Before: 66-117 s, SIU005 listing every header in full.
    path = tmp_path / "en-linje.csv"
    path.write_text(";".join(f"Kolonne{i}" for i in range(1_000_000)) + "\n", encoding="utf-8")
    began = time.perf_counter()
    run = siu("validate", *BASE, str(path), "--report-json", str(tmp_path / "r.json"))
    assert time.perf_counter() - began < 20
    assert run.exit_code in (1, 2) and run.exception is None
    assert "SIU041" in _codes(tmp_path) and len(run.output) < 20_000


def test_missing_columns_name_at_most_thirty_headers_each_cut_short(siu, tmp_path):
    path = tmp_path / "mange.csv"
    path.write_text(";".join(f"Kolonne{i}" + "x" * 100 for i in range(5000)) + "\n", encoding="utf-8")
    run = siu("validate", *BASE, str(path), "--report-json", str(tmp_path / "r.json"))
    (finding,) = [f for f in _report(tmp_path)["findings"] if f["code"] == "SIU005"]
    assert len(finding["message_da"]) < 2500 and "(+4970)" in finding["message_da"]
    assert run.exception is None


def test_a_csv_cell_longer_than_excel_allows_is_a_finding(siu, tmp_path):
    row = list(ROW)
    row[HEADER.index("Tekst")] = "x" * 40_000
    path = _csv(tmp_path / "celle.csv", [ROW, row])
    run = siu("validate", *BASE, str(path), "--report-json", str(tmp_path / "r.json"))
    assert run.exit_code == 1 and "SIU040" in _codes(tmp_path)


# --- xlsx checked before reading ---------------------------------------------------------------


def test_a_declared_row_number_of_100_million_is_refused_at_once(siu, tmp_path):
    path = _xlsx(tmp_path / "raekke.xlsx", [ROW])
    _rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<row r="2"', b'<row r="99999999"').replace(b'r="A2"', b'r="A99999999"'),
    )
    began = time.perf_counter()
    run = siu("validate", *BASE, str(path), "--report-json", str(tmp_path / "r.json"))
    assert time.perf_counter() - began < 20
    assert run.exit_code == 1 and "SIU043" in _codes(tmp_path)


def test_a_sheet_with_more_rows_than_excel_holds_is_refused(siu, tmp_path, monkeypatch):
    import siu.read.xlsx_guard as guard

    monkeypatch.setattr(guard, "MAX_ROWS", 50)  # the real limit (1,048,576) works the same, only slower to build
    path = _xlsx(tmp_path / "lang.xlsx", [ROW] * 60)
    run = siu("validate", *BASE, str(path), "--report-json", str(tmp_path / "r.json"))
    assert run.exit_code == 1 and "SIU043" in _codes(tmp_path)
    assert guard.scan_sheet(__import__("io").BytesIO(b"<row r='1'/>" * 10), "x") == (10, 0)


def test_a_zip_bomb_sheet_is_refused_before_it_is_inflated(siu, tmp_path):
    path = _xlsx(tmp_path / "bombe.xlsx", [ROW])
    _rewrite(
        path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (30 << 20))
    )
    run = siu("validate", *BASE, str(path), "--report-json", str(tmp_path / "r.json"))
    assert run.exit_code == 1 and "SIU042" in _codes(tmp_path)


def test_a_cell_past_column_xfd_is_refused(siu, tmp_path):
    path = _xlsx(tmp_path / "bred.xlsx", [ROW])
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b'r="I2"', b'r="ZZZZZ2"'))
    run = siu("validate", *BASE, str(path), "--report-json", str(tmp_path / "r.json"))
    assert run.exit_code == 1 and "SIU041" in _codes(tmp_path)


def test_a_normal_workbook_passes_the_checks(siu, tmp_path):
    path = _xlsx(tmp_path / "fin.xlsx", [ROW, ROW[:1] + ["XG-5385010001-0001"] + ROW[2:]])
    run = siu("validate", *BASE, str(path), "--report-json", str(tmp_path / "r.json"))
    assert not {"SIU040", "SIU041", "SIU042", "SIU043"} & _codes(tmp_path), run.output


# --- crashes found by fuzzing ------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["Bakke\x07huset", "\x00", "\x1b[2J", "a\x0bb"])
def test_control_characters_in_findings_do_not_crash_the_xlsx_report(siu, tmp_path, bad):
    row = list(ROW)
    row[HEADER.index("Beløb")] = bad  # an unreadable amount: the finding quotes the cell
    row[HEADER.index("Tekst")] = bad
    path = _csv(tmp_path / "styr.csv", [row, ROW])
    run = siu(
        "validate",
        *BASE,
        str(path),
        "--report-xlsx",
        str(tmp_path / "r.xlsx"),
        "--report-json",
        str(tmp_path / "r.json"),
    )
    assert run.exit_code == 1 and run.exception is None, run.output
    openpyxl.load_workbook(tmp_path / "r.xlsx")  # a workbook Excel can open


def test_escape_illegal_shows_control_characters():
    assert escape_illegal("a\x07b\tc\n") == "a\\x07b\tc\n"


@pytest.mark.parametrize("art", ["²0110000", "４０110000", "٣0110000"])
def test_an_artskonto_with_non_ascii_digits_is_not_an_internal_error(siu, tmp_path, art):
    row = list(ROW)
    row[HEADER.index("Artskonto")] = art
    path = _csv(tmp_path / "art.csv", [row, ROW])
    run = siu("validate", *BASE, str(path))
    assert run.exit_code in (0, 1) and run.exception is None, run.output


@pytest.mark.parametrize("amount", ["12.345.678.901.234,56", "1" * 30 + ",00", "-99999999999999999999999999999999,99"])
def test_amounts_the_delivery_cannot_hold_exactly_are_findings(siu, tmp_path, amount):
    row = list(ROW)
    row[HEADER.index("Beløb")] = amount
    path = _csv(tmp_path / "stort.csv", [row, ROW])
    run = siu(
        "convert",
        *BASE,
        str(path),
        "--format",
        "xlsx",
        "--out",
        str(tmp_path / "ud"),
        "--report-json",
        str(tmp_path / "r.json"),
    )
    assert run.exit_code == 1 and "SIU044" in _codes(tmp_path)
    assert not (tmp_path / "ud").exists() or not any((tmp_path / "ud").iterdir())


def test_the_largest_amount_the_delivery_holds_is_written_exactly(siu, tmp_path):
    # The IDEP template is in whole kroner (the pack's channel): the largest whole amount below
    # 10^13 is written exactly, as a number cell, not rounded through a float.
    row = list(ROW)
    row[HEADER.index("Beløb")] = "9.999.999.999.999,00"
    path = _csv(tmp_path / "max.csv", [row])
    run = siu(
        "convert",
        *BASE,
        str(path),
        "--format",
        "xlsx",
        "--out",
        str(tmp_path / "ud"),
        "--report-json",
        str(tmp_path / "r.json"),
    )
    assert "SIU044" not in _codes(tmp_path), run.output
    assert run.exit_code == 0, run.output
    (out,) = (tmp_path / "ud").glob("*.xlsx")
    values = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row]
    assert 9999999999999 in values


def test_a_workbook_with_a_bad_zip_is_a_finding_not_a_crash(siu, tmp_path):
    path = _xlsx(tmp_path / "skadet.xlsx", [ROW])
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 50] = b"\xff" * 50
    path.write_bytes(bytes(data))
    run = siu("validate", *BASE, str(path))
    assert run.exit_code in (1, 2) and run.exception is None, run.output
    shutil.rmtree(tmp_path / "ud", ignore_errors=True)
    assert MAX_COLUMNS == 16_384


def test_markup_in_a_paragraph_cell_is_not_an_internal_error(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    import fuzzing

    header = HEADER
    row = list(ROW)
    row[header.index("Paragraf")] = "[/]"
    path = _csv(tmp_path / "para.csv", [row])
    code, out, err = fuzzing.run_inprocess(["validate", *BASE, path.name], cwd=tmp_path)
    assert code == 1 and "Traceback" not in out + err


def test_the_real_row_limit_stops_a_two_million_row_sheet_early():
    import io

    from siu.read.xlsx_guard import scan_sheet
    from siu.tables import TableError

    # Before: a sheet with 2M rows ran past 5 minutes. The scan stops at the first chunk past the limit.
    with pytest.raises(TableError) as err:
        scan_sheet(io.BytesIO(b"<sheetData>" + b"<row><c><v>1</v></c></row>" * 2_000_000), "stor.xlsx")
    assert err.value.code == "SIU043"
    assert scan_sheet(io.BytesIO(b"<row>" * 1_048_576), "fuld.xlsx") == (1_048_576, 0)
