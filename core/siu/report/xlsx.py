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

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from siu.base.cpr import mask_cpr
from siu.base.i18n import text
from siu.base.limits import MAX_ROWS
from siu.base.masking import mask_text, masked_sheet
from siu.check.verdict import spec_label
from siu.check.verdict import verdict as verdict_text
from siu.findings import CATALOGUE
from siu.tables import XLSX_SUFFIXES, column_letter
from siu.writers import atomic_output, commit
from siu.xlsx_cells import escape_illegal, money_cell, needs_neutralising, safe_text, text_cell
from siu.xlsx_save import save_workbook

if TYPE_CHECKING:
    from siu.report.result import RunResult

EXCEL_MAX_ROWS = 1_048_576
MAX_MARKS = 100_000  # marked cells in the input copies; the Fejl sheet has every finding
MAX_COMMENT_CHARS = 2000  # Excel shows long comments badly; the Fejl sheet has every message
FILL = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
    "info": PatternFill("solid", fgColor="DDEBF7"),
}
RANK = {"error": 0, "warning": 1, "info": 2}
SEVERITY_WORD = {"error": ("fejl", "error"), "warning": ("advarsel", "warning"), "info": ("info", "info")}
HEADERS = {
    "da": ["Kode", "Alvor", "Meddelelse", "Fil", "Ark", "Række", "Kolonne", "Værdi"],
    "en": ["Code", "Severity", "Message", "File", "Sheet", "Row", "Column", "Value"],
}
WIDTHS = [9, 10, 90, 28, 16, 8, 16, 18]


def mask_cell(value: Any) -> Any:
    """A cell value safe to show: CPRs in text masked; a whole number that reads as a CPR masked."""
    if isinstance(value, str):
        return escape_illegal(mask_cpr(value))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, float) and not value.is_integer():
        return value
    number = int(value)
    if 100_000_000 <= number <= 9_999_999_999:
        digits = f"{number:010d}"
        if 1 <= int(digits[:2]) <= 31 and 1 <= int(digits[2:4]) <= 12:
            return mask_cpr(digits)
    return value


def _safe(ws: Any, value: Any) -> Any:
    """A value for a cell that Excel never evaluates (input cells and finding values are text
    from outside)."""
    return text_cell(ws, value) if isinstance(value, str) and needs_neutralising(value) else safe_text(value)


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
                _safe(ws, f.get("message_en" if en else "message_da")),
                _safe(ws, mask_cpr(loc.get("file") or "")),
                _safe(ws, mask_cpr(loc.get("sheet") or "") or None),
                loc.get("row"),
                _safe(ws, loc.get("column")),
                _safe(ws, f.get("value")),
            ]
        )
        rows += 1
    ws.auto_filter.ref = f"A1:H{rows}"
    if left_out:
        ws.append(
            [
                None,
                None,
                text("xlsx.more_in_json", lang, more=left_out),
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
    # The ledger per input: rows and money, each in exactly one place (see siu.check.ledger).
    ws.append(
        _bold(
            ws,
            [
                "Input",
                "Rækker",
                "Leveret",
                "Udeladt",
                "Sprunget over",
                "Beløb læst",
                "Beløb leveret",
                "Beløb udeladt",
                "Beløb sprunget over",
            ]
            if not en
            else [
                "Input",
                "Rows",
                "Delivered",
                "Excluded",
                "Skipped",
                "Amount read",
                "Amount delivered",
                "Amount excluded",
                "Amount skipped",
            ],
        )
    )
    for r in result.inputs:
        ws.append(
            [
                _safe(ws, mask_cpr(r.path.name)),
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
                _safe(ws, e.rule_en if en else e.rule),
                None,
                None,
                e.rows,
                None,
                None,
                None,
                money_cell(ws, e.amount),
                None,
                _safe(ws, mask_cpr(e.reason)),
            ]
        )
    ws.append([])
    ws.append(
        _bold(ws, ["Kode", "Alvor", "Antal", "Beskrivelse"] if not en else ["Code", "Severity", "Count", "Description"])
    )
    for code in sorted(sink.by_code, key=lambda c: (sink.severity_of[c].rank, c)):
        entry = CATALOGUE.get(code)
        title = (entry.title_en if en else entry.title_da) if entry else ""
        sev = sink.severity_of[code].value
        ws.append([code, SEVERITY_WORD[sev][int(en)], sink.by_code[code], safe_text(title)])


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


Marks = dict[str, dict[str | None, dict[int, list[tuple[str | None, str, str]]]]]


def _marks(findings: Iterable[dict[str, Any]], files: set[str], lang: str) -> tuple[Marks, int]:
    """file → sheet → row → [(column label, severity, note)] for the findings in xlsx inputs, at
    most :data:`MAX_MARKS` of them (memory stays bounded), and how many were left out."""
    marks: Marks = {}
    kept = left_out = 0
    for f in findings:
        loc = f.get("location") or {}
        file, row = loc.get("file"), loc.get("row")
        if file in files and row:
            if kept >= MAX_MARKS:
                left_out += 1
                continue
            kept += 1
            sev = f.get("severity", "info")
            note = (
                f"{f.get('code')} ({SEVERITY_WORD.get(sev, (sev, sev))[int(lang == 'en')]}): "
                f"{f.get('message_en' if lang == 'en' else 'message_da')}"
            )
            by_sheet = marks.setdefault(file, {})
            by_sheet.setdefault(loc.get("sheet"), defaultdict(list))[row].append(
                (loc.get("column"), f.get("severity", "info"), note)
            )
    return marks, left_out


def _column_index(label: str | None, header: dict[str, int]) -> int:
    """The 0-based column of a finding: the header label's column, a column letter, else the first."""
    if not label:
        return 0
    if label in header:
        return header[label]
    if label.isalpha() and label.isupper() and len(label) <= 3:
        index = 0
        for ch in label:
            index = index * 26 + ord(ch) - 64
        return index - 1
    return 0


def _row_cells(ws: Any, row: Any, values: list[Any], marked: dict[int, list[tuple[str, str]]]) -> list[Any]:
    """One input row's cells for the copy: masked, a marked cell coloured by its worst finding
    with the findings as its comment, number formats kept."""
    cells: list[Any] = []
    width = max(len(values), (max(marked) + 1) if marked else 0)
    for i in range(width):
        value = mask_cell(values[i]) if i < len(values) else None
        if i in marked:
            cell = (
                text_cell(ws, value)
                if isinstance(value, str) and needs_neutralising(value)
                else WriteOnlyCell(ws, value=value)
            )
            worst = min((s for s, _ in marked[i]), key=lambda s: RANK.get(s, 2))
            cell.fill = FILL.get(worst, FILL["info"])
            text = "\n".join(n for _, n in marked[i])
            cell.comment = Comment(escape_illegal(mask_text(text)[:MAX_COMMENT_CHARS]), "siu", width=400, height=160)
            cells.append(cell)
        else:
            src_cell = row[i] if i < len(row) else None
            fmt = getattr(src_cell, "number_format", "General") if src_cell is not None else "General"
            if fmt != "General" and value is not None and not isinstance(value, str):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = fmt
                cells.append(cell)
            else:
                cells.append(_safe(ws, value))
    return cells


def _copy_input(
    wb: Workbook,
    number: int,
    path: Path,
    sheet: str | None,
    header_row: int,
    rows: dict[int, list[tuple[str | None, str, str]]],
    left_out: int = 0,
    lang: str = "da",
) -> None:
    from siu.read.xlsx_guard import check_sheet, check_workbook

    check_workbook(path)  # the same checks as before reading: a hostile input is not copied either
    src = load_workbook(path, read_only=True, data_only=True)
    try:
        ws_in = src[sheet] if sheet and sheet in src.sheetnames else src.worksheets[0]
        check_sheet(path, src, ws_in)
        if hasattr(ws_in, "reset_dimensions"):
            ws_in.reset_dimensions()  # as siu.tables does: never trust a file's <dimension>
        ws = masked_sheet(wb, f"Input {number} {ws_in.title}")  # masked before it is cut to 31
        header: dict[str, int] = {}
        next_row = 1
        for row in ws_in.iter_rows():
            number_ = next((c.row for c in row if getattr(c, "row", None)), None)
            if number_ is None:
                continue
            if number_ > MAX_ROWS:  # past Excel's last row (siu.tables refused to read on, too)
                break
            while next_row < number_:  # keep Excel's row numbers: findings name them
                ws.append([])
                next_row += 1
            values = [c.value for c in row]
            if number_ == header_row:
                header = {("" if v is None else str(v).strip()): i for i, v in enumerate(values) if v is not None}
            marked: dict[int, list[tuple[str, str]]] = defaultdict(list)
            for label, severity, note in rows.get(number_, ()):
                marked[_column_index(label, header)].append((severity, note))
            cells = _row_cells(ws, row, values, marked)
            ws.append(cells)
            next_row += 1
        if left_out:
            ws.append([])
            ws.append([text("xlsx.more_not_marked", lang, more=left_out)])
    finally:
        src.close()


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
    xlsx_inputs = [r for r in result.inputs if r.path.suffix.lower() in XLSX_SUFFIXES and r.path.exists()]
    if xlsx_inputs and marks_source is not None:
        marks, left_out = _marks(marks_source, {r.path.name for r in xlsx_inputs}, lang)
        for n, r in enumerate(result.inputs, start=1):
            if r not in xlsx_inputs:
                continue
            sheet = r.info.details.get("sheet")
            header_row = int(r.info.details.get("header_row", "1") or 1)
            by_sheet = marks.get(r.path.name, {})
            rows: dict[int, list[tuple[str | None, str, str]]] = defaultdict(list)
            for key in {sheet, None}:  # findings about the file as a whole carry no sheet
                for row, entries in by_sheet.get(key, {}).items():
                    rows[row].extend(entries)
            try:
                _copy_input(wb, n, r.path, sheet, header_row, rows, left_out, lang)
            except Exception as exc:  # the input was read once already; say why the copy is missing
                ws = masked_sheet(wb, f"Input {n}")
                ws.append([escape_illegal(mask_cpr(f"{r.path.name}: {exc.__class__.__name__}: {exc}")[:500])])
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
