"""The workbook report (``--report-xlsx FILE``) municipal staff can work in.

- ``Fejl`` (``Findings`` in English): one row per finding with an autofilter: code, severity,
  message, file, sheet, row, column and the (masked) value; every finding, streamed from the
  spool, up to Excel's row limit (a last row says how many were left out).
- ``Oversigt`` (``Summary``): the verdict and the counts per code.
- For each xlsx input: a copy of the sheet that was read, with each cell a finding points at
  filled (red for errors, yellow for warnings, blue for info) and commented with the findings'
  messages. A finding with a row but no known column marks the row's first cell.

CPR numbers appear only masked, in the copies too: every text cell is masked and so is every
whole number that reads as a CPR (spreadsheets store CPRs as numbers, dropping a leading zero).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from siu.base.cpr import mask_cpr
from siu.base.masking import masked_sheet
from siu.check.verdict import spec_label
from siu.check.verdict import verdict as verdict_text
from siu.findings import CATALOGUE
from siu.report.xlsx_marks import SEVERITY_WORD, add_input_copies, safe_cell
from siu.tables import column_letter
from siu.writers import atomic_output, commit
from siu.xlsx_cells import money_cell, safe_text
from siu.xlsx_save import save_workbook

if TYPE_CHECKING:
    from siu.report.result import RunResult

EXCEL_MAX_ROWS = 1_048_576
HEADERS = {
    "da": ["Kode", "Alvor", "Meddelelse", "Fil", "Ark", "Række", "Kolonne", "Værdi"],
    "en": ["Code", "Severity", "Message", "File", "Sheet", "Row", "Column", "Value"],
}
WIDTHS = [9, 10, 90, 28, 16, 8, 16, 18]


def _bold(ws: Any, values: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for v in values:
        c = WriteOnlyCell(ws, value=safe_text(v))
        c.font = Font(bold=True)
        cells.append(c)
    return cells


def _findings_sheet(wb: Workbook, findings: Iterable[dict[str, Any]], lang: str) -> None:
    en = lang == "en"
    ws = masked_sheet(wb, "Findings" if en else "Fejl")
    ws.freeze_panes = "A2"
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[column_letter(i)].width = width
    ws.append(_bold(ws, HEADERS["en" if en else "da"]))
    rows, left_out = 1, 0
    for f in findings:
        if rows >= EXCEL_MAX_ROWS - 1:
            left_out += 1
            continue
        loc = f.get("location") or {}
        sev = f.get("severity", "")
        ws.append(
            [
                f.get("code"),
                SEVERITY_WORD.get(sev, (sev, sev))[int(en)],
                safe_cell(ws, f.get("message_en" if en else "message_da")),
                safe_cell(ws, mask_cpr(loc.get("file") or "")),
                safe_cell(ws, mask_cpr(loc.get("sheet") or "") or None),
                loc.get("row"),
                safe_cell(ws, loc.get("column")),
                safe_cell(ws, f.get("value")),
            ]
        )
        rows += 1
    ws.auto_filter.ref = f"A1:H{rows}"
    if left_out:
        ws.append(
            [
                None,
                None,
                (
                    f"{left_out} more findings are in the JSON report"
                    if en
                    else f"{left_out} fund mere står i JSON-rapporten"
                ),
            ]
        )


def _summary_sheet(wb: Workbook, result: RunResult, lang: str) -> None:
    en = lang == "en"
    ws = masked_sheet(wb, "Summary" if en else "Oversigt")
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 10
    ws.column_dimensions["D"].width = 60
    sink = result.sink
    h = result.header
    provisional = bool(result.spec.provisional())
    ws.append(_bold(ws, [verdict_text(sink.ok, provisional, bool(getattr(h, "test", False)))[int(en)]]))
    ws.append(["Kommune" if not en else "Municipality", h.kommune])
    ws.append(["Regnskabsår" if not en else "Reporting year", h.year])
    ws.append(["Specifikation" if not en else "Specification", spec_label(result.spec.version, provisional, lang)])
    ws.append([])
    _ledger_rows(ws, result, en)
    ws.append([])
    ws.append(
        _bold(ws, ["Kode", "Alvor", "Antal", "Beskrivelse"] if not en else ["Code", "Severity", "Count", "Description"])
    )
    for code in sorted(sink.by_code, key=lambda c: (sink.severity_of[c].rank, c)):
        entry = CATALOGUE.get(code)
        title = (entry.title_en if en else entry.title_da) if entry else ""
        sev = sink.severity_of[code].value
        ws.append([code, SEVERITY_WORD[sev][int(en)], sink.by_code[code], safe_text(title)])


LEDGER_HEADERS = (
    ["Input", "Rækker", "Leveret", "Udeladt", "Sprunget over"]
    + ["Beløb læst", "Beløb leveret", "Beløb udeladt", "Beløb sprunget over"],
    ["Input", "Rows", "Delivered", "Excluded", "Skipped"]
    + ["Amount read", "Amount delivered", "Amount excluded", "Amount skipped"],
)


def _ledger_rows(ws: Any, result: RunResult, en: bool) -> None:
    """The ledger per input: rows and money, each in exactly one place (see siu.check.ledger);
    then a row per exclusion rule of the mapping."""
    ws.append(_bold(ws, LEDGER_HEADERS[int(en)]))
    for r in result.inputs:
        ws.append(
            [
                safe_cell(ws, mask_cpr(r.path.name)),
                r.info.rows_read,
                r.delivered_postings,
                r.excluded_rows,
                r.info.rows_skipped,
                *(money_cell(ws, a) for a in (r.read_amount, r.delivered_amount, r.excluded_amount, r.skipped_amount)),
            ]
        )
    for e in result.excluded.values():
        ws.append(
            [
                safe_cell(ws, e.rule_en if en else e.rule),
                None,
                None,
                e.rows,
                None,
                None,
                None,
                money_cell(ws, e.amount),
                None,
                safe_cell(ws, mask_cpr(e.reason)),
            ]
        )


def _citizens_sheet(wb: Workbook, result: RunResult, lang: str) -> None:
    """The per-citizen view: annualised expenditure per citizen and paragraph with siu's flags."""
    from decimal import Decimal

    from siu.check.citizens import flag_text
    from siu.report.json_report import citizen_rows
    from siu.report.xlsx_tables import table_sheet

    en = lang == "en"
    head = (
        [
            "Citizen",
            "Paragraph",
            "Lines",
            "Expenditure",
            "Revenue",
            "Net",
            "First start",
            "Last end",
            "Days",
            "Annualised",
            "Anonymised",
            "Flags",
        ]
        if en
        else [
            "Borger",
            "Paragraf",
            "Linjer",
            "Udgifter",
            "Indtægter",
            "Netto",
            "Første start",
            "Sidste slut",
            "Dage",
            "Årsudgift",
            "Anonymiseret",
            "Markeringer",
        ]
    )
    rows = (
        [
            r["citizen"],
            r["paragraph"],
            r["lines"],
            Decimal(r["expenditure"]),
            Decimal(r["revenue"]),
            Decimal(r["net"]),
            r["first_start"],
            r["last_end"],
            r["days"],
            Decimal(r["annualised"]) if r["annualised"] else None,
            ("yes" if en else "ja") if r["anonymised"] else None,
            ", ".join(flag_text(f, lang) for f in r["flags"]) or None,
        ]
        for r in citizen_rows(result)
    )
    table_sheet(wb, "Citizens" if en else "Borgere", head, rows, widths=(13, 14, 7, 13, 13, 13, 12, 12, 6, 13, 12, 40))


def write_xlsx_report(
    target: Path,
    result: RunResult,
    findings: Iterable[dict[str, Any]],
    lang: str = "da",
    marks_source: Iterable[dict[str, Any]] | None = None,
) -> None:
    """Write the workbook to ``target`` (atomically). ``findings`` yields every finding as a dict
    (the spool, read once for the Fejl sheet); ``marks_source`` yields them again for marking
    the input copies (needed only when an input is xlsx)."""
    wb = Workbook(write_only=True)
    _findings_sheet(wb, findings, lang)
    _summary_sheet(wb, result, lang)
    _citizens_sheet(wb, result, lang)
    if marks_source is not None:
        add_input_copies(wb, result, marks_source, lang)
    try:
        with atomic_output(target) as (fh, tmp):
            save_workbook(wb, fh)  # reproducible with SOURCE_DATE_EPOCH, like the delivery
    except BaseException:
        _abandon(wb)
        raise
    commit(tmp, target)


def _abandon(wb: Workbook) -> None:
    """Finish the sheets of a workbook that will not be saved (an unwritable folder, a full
    disk), so openpyxl's half-written sheet streams do not print tracebacks when collected."""
    for ws in wb.worksheets:
        try:
            if not ws.closed:
                ws.close()
        except Exception:  # the workbook is dropped anyway
            pass
