"""Writing spreadsheet cells safely: text that Excel must never run as a formula.

Shared by the Excel template writer (plugins/excel) and the xlsx report, so the guard against
formula injection lives in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@")
TEXT_FORMAT = "@"


def needs_neutralising(text: str) -> bool:
    """True for text Excel would take as a formula if a user typed it."""
    return text.startswith(FORMULA_START)


def text_cell(ws: Any, text: str) -> WriteOnlyCell:
    """A text cell Excel never evaluates: data type ``s`` always (openpyxl binds ``=...`` as a
    formula otherwise), text number format, and Excel's invisible quote prefix where it matters."""
    from openpyxl.cell import WriteOnlyCell  # lazily: XML-only runs never load openpyxl

    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    cell.number_format = TEXT_FORMAT
    if needs_neutralising(text):
        cell.quotePrefix = True
    return cell
