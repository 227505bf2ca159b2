"""No CPR number and no terminal escape from the input reaches any output but the delivery:
the console, the JSON and workbook reports, `siu mapping check` and `init`, error messages
and third-party warnings (issue 15, "Masking at the sink")."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from siu.demo import DEMO_DIR

# the CPR numbers planted in the inputs below, as digits
PLANTED = ("0505751234", "0101601235", "1503722468")


def _digits(text: str) -> str:
    """The text with the separators people type inside a CPR removed, so every typed form of a
    planted number shows up as its digits."""
    return re.sub(r"[\s\-\u2010-\u2015_/.]", "", text)


def assert_no_cpr(text: str, where: str) -> None:
    flat = _digits(text)
    for cpr in PLANTED:
        assert cpr not in flat and cpr.lstrip("0") not in flat, f"{cpr} leaks in {where}"


def workbook_text(path: Path) -> str:
    """Every sheet name, cell value and cell comment of a workbook, as one text."""
    wb = openpyxl.load_workbook(path)  # not read-only: comments are only read this way
    parts = []
    for ws in wb.worksheets:
        parts.append(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                parts.append("" if cell.value is None else str(cell.value))
                if cell.comment is not None:
                    parts.append(cell.comment.text)
    wb.close()
    return "\n".join(parts)


def _opus_with_bad_cprs(tmp_path: Path) -> Path:
    """The demo export with malformed CPRs (SIU102), a CPR in the account column (SIU201) and a
    terminal escape in a CPR cell."""
    text = (DEMO_DIR / "opus-udtraek-2025.csv").read_bytes().decode("cp1252")
    lines = text.splitlines(keepends=True)
    lines[1] = lines[1].replace("010160-1235", "05057512345")
    lines[2] = lines[2].replace("010160-1235", "050575-12345")
    lines[3] = lines[3].replace("XG-5385010001-0001", "0101601235")
    lines[4] = lines[4].replace("150372-2468", "\x1b[2J\x1b[HKLAR TIL INDBERETNING")
    path = tmp_path / "udtraek.csv"
    path.write_bytes("".join(lines).encode("cp1252"))
    return path


def test_malformed_cprs_and_a_cpr_as_account_are_masked_everywhere(siu, tmp_path):
    source = _opus_with_bad_cprs(tmp_path)
    run = siu(
        "validate",
        "--source",
        "opus",
        source,
        "--config",
        DEMO_DIR / "siu.toml",
        "--report-json",
        tmp_path / "r.json",
        "--report-xlsx",
        tmp_path / "r.xlsx",
    )
    assert run.exit_code == 1, run.output
    assert "SIU102" in run.stdout and "SIU201" in run.stdout
    assert "050575-xxxxx" in run.stdout
    assert_no_cpr(run.output, "the console")
    assert "\x1b" not in run.output and "\\x1b[2J" in run.output  # shown, not obeyed
    report = (tmp_path / "r.json").read_text(encoding="utf-8")
    assert_no_cpr(report, "the JSON report")
    assert "\\u001b" not in report and "\\\\x1b[2J" in report
    assert_no_cpr(workbook_text(tmp_path / "r.xlsx"), "the workbook report")


def test_mapping_check_and_the_draft_of_mapping_init_mask_a_cpr_in_an_account_column(siu, tmp_path):
    source = _opus_with_bad_cprs(tmp_path)
    check = siu("mapping", "check", "--source", "opus", source, "--config", DEMO_DIR / "siu.toml")
    assert "010160-xxxx" in check.output, check.output
    assert_no_cpr(check.output, "siu mapping check")
    draft = tmp_path / "udkast.toml"
    init = siu("mapping", "init", "--source", "opus", source, "--out", draft)
    assert init.exit_code == 0, init.output
    text = draft.read_text(encoding="utf-8")
    assert "XG-5385010001-0001" in text, "a PSP element is no CPR: it stays readable"
    assert_no_cpr(text, "the draft of siu mapping init")
    assert_no_cpr(init.output, "siu mapping init")


def _template(
    path: Path, rows: list[list[object]], sheet: str = "Indberetning", date_formatted_cpr: bool = False
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(["PsrID", "KONTOSTRENG", "Paragraf", "Beløb", "Startdato", "Slutdato"])
    for row in rows:
        ws.append(row)
    if date_formatted_cpr:
        ws["A2"].number_format = "dd-mm-yyyy"  # a CPR stored as a number in a date-formatted column
    wb.save(path)
    return path


JAN = (dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 31))


def test_paragraphs_sheet_names_and_numeric_cprs_from_a_spreadsheet_are_masked(siu, tmp_path):
    source = _template(
        tmp_path / "skabelon.xlsx",
        [
            [505751234, "53850100140", "SEL108", 42500, *JAN],  # a CPR that lost its leading zero
            ["1503722468", "53850100140", "0101601235", 1000, *JAN],  # a CPR in the Paragraf column
            ["10505751234", "53850100140", "SEL108", 500, *JAN],  # glued to a neighbouring digit
            [15037224689, "53850100140", "SEL108", 500, *JAN],
            ["1503722468", "53850100140", "0505751234", -300, *JAN],  # revenue only under that "paragraph": SIU402
        ],
        sheet="Borger 0101601235",
    )
    run = siu(
        "validate",
        "--source",
        "excel",
        source,
        "--kommune",
        "101",
        "--year",
        "2025",
        "--report-json",
        tmp_path / "r.json",
        "--report-xlsx",
        tmp_path / "r.xlsx",
    )
    assert run.exit_code in (0, 1), run.output
    assert run.exception is None
    assert "SIU402" in run.stdout and "SIU122" in run.stdout
    assert_no_cpr(run.output, "the console (totals table, SIU122, SIU402)")
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert_no_cpr(json.dumps(report, ensure_ascii=False), "the JSON report")
    assert {"010160-xxxx", "050575-xxxx"} <= {p["paragraph"] for p in report["paragraphs"]}
    assert "SIU402" in {f["code"] for f in report["findings"]}
    book = workbook_text(tmp_path / "r.xlsx")
    assert_no_cpr(book, "the workbook report (sheet names, input copy)")
    assert "Input 1 Borger 010160-xxxx" in book


def test_console_markup_in_a_paragraph_cell_is_shown_as_text(siu, tmp_path):
    source = _template(
        tmp_path / "skabelon.xlsx",
        [["1503722468", "53850100140", "[/]", 1000, *JAN], ["1503722468", "53850100140", "[bold]x", 1, *JAN]],
    )
    run = siu("validate", "--source", "excel", source, "--kommune", "101", "--year", "2025")
    assert run.exception is None, run.exception
    assert run.exit_code in (0, 1)
    assert "[/]" in run.stdout and "[bold]x" in run.stdout


def _siu_process(*args: object, cwd: Path, env: dict[str, str] | None = None, **kw: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "siu", *(str(a) for a in args)],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        stdout=kw.pop("stdout", subprocess.PIPE),
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def test_the_last_resort_handler_masks_and_never_reads_markup(monkeypatch, capsys):
    from siu.cli import entry as cli

    def broken() -> None:
        raise RuntimeError("[/] kunne ikke læse 0101601235 \x1b[2J")

    monkeypatch.setattr(cli, "app", broken)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with pytest.raises(SystemExit) as exit_:
            cli.main()
    finally:  # main() keeps its handlers until the process ends; this process goes on
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert exit_.value.code == 70
    err = capsys.readouterr().err
    assert "Intern fejl i siu: RuntimeError: [/] kunne ikke læse 010160-xxxx \\x1b[2J" in err
    assert "Traceback" not in err and "\x1b[2J" not in err
    assert err.rstrip().splitlines()[-1] == "Ingen leverance skrevet."


def test_openpyxls_warning_on_stderr_is_masked_even_with_quiet(tmp_path):
    source = _template(
        tmp_path / "skabelon.xlsx", [[101601235, "53850100140", "SEL108", 42500, *JAN]], date_formatted_cpr=True
    )
    proc = _siu_process(
        "validate", "--source", "excel", source, "--kommune", "101", "--year", "2025", "--quiet", cwd=tmp_path
    )
    out, err = proc.communicate(timeout=120)
    assert "is marked as a date" in err, err  # the warning is still shown: it says the cell is unreadable
    assert "101601235" not in _digits(out + err)
    assert "10160-xxxx" in err


def test_a_near_cpr_quoted_in_a_finding_is_masked_in_the_cell_comment_of_the_input_copy(siu, tmp_path):
    """Found by the long fuzzing run: a 9-digit number in a date column (SIU020) reached the
    comment the xlsx report puts on the input copy's cell, past the filter on cell values."""
    source = _template(tmp_path / "skabelon.xlsx", [["1503722468", "53850100140", "SEL108", 1000, 505751234, JAN[1]]])
    run = siu(
        "validate",
        "--source",
        "excel",
        source,
        "--kommune",
        "101",
        "--year",
        "2025",
        "--report-xlsx",
        tmp_path / "r.xlsx",
    )
    assert run.exit_code == 1 and "SIU020" in run.stdout, run.output
    book = workbook_text(tmp_path / "r.xlsx")
    assert "SIU020 (fejl): Startdatoen '50575-xxxx'" in book  # the comment is there, masked
    assert_no_cpr(book, "the workbook report's cell comments")


def test_an_amount_that_looks_like_a_cpr_stays_money_in_the_workbook(siu, tmp_path):
    """siu's own figures are money, not quoted data: a 505.751.234 kr. total stays a number in the
    money format (the filter leaves such cells alone), while the same digits as data are masked."""
    source = _template(tmp_path / "skabelon.xlsx", [["1503722468", "53850100140", "SEL108", 505751234, *JAN]])
    run = siu(
        "validate",
        "--source",
        "excel",
        source,
        "--kommune",
        "101",
        "--year",
        "2025",
        "--report-xlsx",
        tmp_path / "r.xlsx",
    )
    assert run.exception is None, run.output
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    money = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value == 505751234]
    assert money and all(c.data_type == "n" and c.number_format == "#,##0.00" for c in money)


def test_every_amount_in_the_json_report_is_kept_as_money(siu, tmp_path):
    """The JSON filter keeps siu's own figures by key (report_json.OWN_FIGURES): every key that
    holds an amount must be there, or a CPR-like total (found by the long fuzzing run in the
    rounding section: 505.781.xxxx) is masked into nonsense."""
    from siu.report.json_report import OWN_FIGURES

    run = siu(
        "convert",
        "--source",
        "opus",
        DEMO_DIR / "opus-udtraek-2025.csv",
        "--config",
        DEMO_DIR / "siu.toml",
        "--format",
        "xlsx",
        "--out",
        tmp_path / "o",
        "--report-json",
        tmp_path / "r.json",
    )
    assert run.exit_code == 0, run.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    money_keys: set[str] = set()

    def walk(node: object, key: str | None = None) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key is not None and re.fullmatch(r"-?\d+\.\d\d", node):
            money_keys.add(key)

    walk({k: v for k, v in report.items() if k != "findings"})
    assert {"exact_net", "read_amount", "annualised"} <= money_keys  # the walk sees the sections
    assert money_keys <= OWN_FIGURES, money_keys - OWN_FIGURES
