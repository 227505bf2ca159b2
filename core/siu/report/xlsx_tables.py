"""A plain table as a worksheet (header in bold, text cells guarded against formulas), for the
workbooks of ``siu diff --report-xlsx`` and the per-citizen sheet of ``--report-xlsx``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from siu.base.masking import masked_sheet
from siu.xlsx_cells import money_cell, text_cell


def _cell(ws: Any, value: Any) -> Any:
    if isinstance(value, str):
        return text_cell(ws, value)
    if isinstance(value, Decimal):
        return money_cell(ws, value)  # siu's own figure, in the money format (the masking filter leaves it)
    return value


def table_sheet(
    wb: Any, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[float] = ()
) -> Any:
    """Add a sheet ``title`` to a write-only workbook with ``header`` and ``rows``; money columns
    given as :class:`~decimal.Decimal` become numbers. The sheet passes the masking filter."""
    ws = masked_sheet(wb, title)
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    cells = []
    for text in header:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        cells.append(cell)
    ws.append(cells)
    for row in rows:
        ws.append([_cell(ws, v) for v in row])
    return ws
