"""Bounds on the work one input can cause: cell, row and workbook limits, and the findings for them.

A municipality's export is at most Excel's own limits (1,048,576 rows, 16,384 columns, 32,767
characters in a cell); a file beyond them is damaged or hostile, and reading it anyway could
take minutes or gigabytes. Every limit here ends in a finding that names the file and where,
never in a long run or a traceback (the findings are in :mod:`siu.catalogue.read`).
:func:`shorten` is the one helper that cuts long values for messages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
MAX_COLUMNS = 16_384  # Excel's limit (column XFD)
MAX_ROWS = 1_048_576  # Excel's limit; also the highest row number a sheet may declare
MAX_VALUE_CHARS = 200  # amounts, dates, flags: no real one is longer, so longer text is not parsed

# xlsx: checked from the zip directory and one streaming pass before openpyxl reads a byte.
MAX_XLSX_UNCOMPRESSED = 1 << 30  # 1 GiB for all parts together
MAX_XLSX_RATIO = 100  # uncompressed / compressed, for parts larger than MIN_RATIO_SIZE
MIN_RATIO_SIZE = 1 << 20

# The delivery holds an amount exactly when it has at most 15 significant digits: the XSD's
# totalDigits and what an Excel number cell (a double) keeps. With two decimals that is below 10^13.
AMOUNT_DIGITS = 15


def shorten(value: Any, limit: int = 80) -> str:
    """``value`` as text of at most ``limit`` characters, cut with ``...`` when longer.

    Mask CPR numbers before cutting (a cut can leave part of a number that no longer looks like one).

    >>> shorten("x" * 100, 10)
    'xxxxxxx...'
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return text
    return text[: max(limit - 3, 0)] + "..."


def amount_limit(decimals: int = 2) -> Decimal:
    """The smallest amount (in absolute value) the delivery cannot hold exactly."""
    return Decimal(10) ** (AMOUNT_DIGITS - max(decimals, 0))
