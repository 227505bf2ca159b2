"""The marked copies of the xlsx inputs in the workbook report (``--report-xlsx``): each cell a
finding points at filled by its worst severity (red, yellow, blue) and commented with the findings'
messages; every value masked (a whole number that reads as a CPR too)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from siu.base.cpr import mask_cpr
from siu.base.limits import MAX_ROWS
from siu.base.masking import mask_text, masked_sheet
from siu.tables import XLSX_SUFFIXES
from siu.xlsx_cells import escape_illegal, needs_neutralising, safe_text, text_cell

if TYPE_CHECKING:
    from siu.report.result import RunResult

MAX_MARKS = 100_000  # marked cells in the input copies; the Fejl sheet has every finding
MAX_COMMENT_CHARS = 2000  # Excel shows long comments badly; the Fejl sheet has every message
FILL = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
    "info": PatternFill("solid", fgColor="DDEBF7"),
}
RANK = {"error": 0, "warning": 1, "info": 2}
SEVERITY_WORD = {"error": ("fejl", "error"), "warning": ("advarsel", "warning"), "info": ("info", "info")}


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


def safe_cell(ws: Any, value: Any) -> Any:
    """A value for a cell that Excel never evaluates (input cells and finding values are text
    from outside)."""
    return text_cell(ws, value) if isinstance(value, str) and needs_neutralising(value) else safe_text(value)


def add_input_copies(wb: Workbook, result: RunResult, marks_source: Iterable[dict[str, Any]], lang: str) -> None:
    """A marked copy of each xlsx input (``marks_source`` yields every finding as a dict); a copy
    that cannot be made is a sheet saying why."""
    xlsx_inputs = [r for r in result.inputs if r.path.suffix.lower() in XLSX_SUFFIXES and r.path.exists()]
    if not xlsx_inputs:
        return
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
                cells.append(safe_cell(ws, value))
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
            ws.append(
                [
                    f"{left_out} more findings are not marked here; see the Findings sheet"
                    if lang == "en"
                    else f"{left_out} fund mere er ikke markeret her; se arket Fejl"
                ]
            )
    finally:
        src.close()
