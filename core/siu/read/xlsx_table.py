"""Opening an xlsx workbook as a table of rows (private; used by :func:`siu.tables.open_table`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from siu.base.errors import TableError
from siu.base.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from siu.read.headers import Row
from siu.read.table_info import TableInfo, cell_too_long, too_many_columns


def open_xlsx(path: Path, sheet: str | None) -> tuple[TableInfo, Iterator[Row]]:
    """Open a workbook's sheet (the first when ``sheet`` is None), checked before it is read: by
    python-calamine where it reads the sheet as openpyxl does, else by openpyxl."""
    from siu.read.xlsx_calamine import open_calamine
    from siu.read.xlsx_guard import check_workbook

    check_workbook(path)
    opened = open_calamine(path, sheet, lambda path, title: open_openpyxl(path, title)[1])
    if opened is not None:
        return opened
    return open_openpyxl(path, sheet)


def open_openpyxl(path: Path, sheet: str | None) -> tuple[TableInfo, Iterator[Row]]:
    """Open a workbook's sheet with openpyxl, its sheet checked first (the oracle of the calamine reading)."""
    import zipfile

    from openpyxl import load_workbook

    from siu.read.xlsx_guard import check_sheet, check_workbook

    check_workbook(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(
            "SIU002",
            f"{path.name} kan ikke åbnes som Excel-regneark (.xlsx): {exc.__class__.__name__}",
            f"{path.name} cannot be opened as an Excel workbook (.xlsx): {exc.__class__.__name__}",
        ) from None
    if sheet is not None and sheet not in wb.sheetnames:
        names = ", ".join(wb.sheetnames)
        wb.close()
        raise TableError(
            "SIU004",
            f"Arket '{sheet}' findes ikke i {path.name}; arkene er: {names}",
            f"Sheet '{sheet}' not found in {path.name}; the sheets are: {names}",
        )
    ws = wb[sheet] if sheet is not None else wb.worksheets[0]
    try:
        check_sheet(path, wb, ws)
    except TableError:
        wb.close()
        raise
    if hasattr(ws, "reset_dimensions"):
        # Read-only mode trusts the file's <dimension>; tools that write a wrong one would lose
        # rows and columns silently, so read every row and cell the sheet really holds.
        ws.reset_dimensions()
    info = TableInfo(path=path, format="xlsx", encoding=None, delimiter=None, sheet=ws.title)

    return info, _rows(path, wb, ws)


def _rows(path: Path, wb: Any, ws: Any) -> Iterator[Row]:
    """The sheet's rows with Excel's row numbers; closes the workbook when done."""
    # Read-only mode leaves out rows without cells; yield them as empty rows so that blank
    # rows between the data are counted like blank lines in a CSV file.
    previous = 0
    try:
        for row in ws.iter_rows():
            number = next((c.row for c in row if getattr(c, "row", None)), None)
            if number is None:
                continue
            if number > MAX_ROWS:  # a cell reference past Excel's last row: never walk the gap
                raise TableError(
                    "SIU043",
                    f"{path.name}: en celle ligger i række {number} (Excel har højst {MAX_ROWS}); filen er "
                    "ikke "
                    "læst videre",
                    f"{path.name}: a cell lies in row {number} (Excel holds at most {MAX_ROWS}); the file was "
                    "not "
                    "read further",
                )
            for gap in range(previous + 1, number):
                yield gap, []
            previous = number
            values = [c.value for c in row]
            if len(values) > MAX_COLUMNS:
                raise too_many_columns(path, number, len(values))
            for value in values:
                if type(value) is str and len(value) > MAX_CELL_CHARS:
                    raise cell_too_long(path, number)
            yield number, values
    finally:
        wb.close()
