"""Writing spreadsheet cells safely: text that Excel must never run as a formula.

Shared by the Excel template writer (plugins/excel) and the xlsx report, so the guard against
formula injection lives in one place.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from siu.base.masking import MONEY_FORMAT  # siu's own amounts: money it computed, left alone by the filter

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@")
TEXT_FORMAT = "@"
# The control characters XML 1.0 (and so a workbook) cannot hold: openpyxl raises
# IllegalCharacterError for them. Tab, line feed and carriage return are allowed.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape_illegal(text: str) -> str:
    """``text`` with the control characters a workbook cannot hold shown as ``\\x07``-style text."""
    if _ILLEGAL.search(text) is None:
        return text
    return _ILLEGAL.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text
    )


def safe_text(value: Any) -> Any:
    """A cell value a workbook can hold: text has its illegal control characters escaped."""
    return escape_illegal(value) if isinstance(value, str) else value


def needs_neutralising(text: str) -> bool:
    """True for text Excel would take as a formula if a user typed it."""
    return text.startswith(FORMULA_START)


def text_cell(ws: Any, text: str) -> WriteOnlyCell:
    """A text cell Excel never evaluates: data type ``s`` always (openpyxl binds ``=...`` as a
    formula otherwise), text number format, and Excel's invisible quote prefix where it matters."""
    from openpyxl.cell import WriteOnlyCell  # lazily: XML-only runs never load openpyxl

    text = escape_illegal(text)
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    cell.number_format = TEXT_FORMAT
    if needs_neutralising(text):
        cell.quotePrefix = True
    return cell


def money_cell(ws: Any, amount: Any) -> Any:
    """An amount of kroner as a number cell in the money format, or None for no amount. The
    masking filter leaves such a cell alone: it is a figure siu computed, not data it quotes."""
    if amount is None:
        return None
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=amount)
    cell.number_format = MONEY_FORMAT
    return cell
