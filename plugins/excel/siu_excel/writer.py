"""Writing the delivery as DST's Excel template, streamed with openpyxl's write-only mode.

CPR numbers and accounts are text cells, so leading zeros survive; dates are real dates;
amounts are numbers. No text cell may start with a character Excel would run as a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from siu.models import DeliveryHeader, Record
from siu.specpack import SpecPack
from siu.writers import Writer

FORMULA_START = ("=", "+", "-", "@")


def safe_text(value: str) -> str:
    """Text that Excel will never run as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


class ExcelTemplateWriter(Writer):
    name = "xlsx"
    suffix = ".xlsx"
    description = "DST's Excel-skabelon til IDEP.web / DST's Excel template for IDEP.web upload"

    def write(self, records: Iterable[Record], header: DeliveryHeader, spec: SpecPack, out: BinaryIO) -> None:
        template = spec.manifest.excel
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(template.sheet)
        for i, col in enumerate(template.columns):
            if col.width:
                ws.column_dimensions[chr(65 + i)].width = col.width
        bold = Font(bold=True)
        head = []
        for col in template.columns:
            cell = WriteOnlyCell(ws, value=col.header)
            cell.font = bold
            head.append(cell)
        for _ in range(template.header_row - 1):
            ws.append([])
        ws.append(head)
        kinds = [(col.field, col.type) for col in template.columns]
        for rec in records:
            ws.append([self._cell(ws, getattr(rec, name), kind) for name, kind in kinds])
        wb.save(out)

    @staticmethod
    def _cell(ws: Any, value: Any, kind: str) -> Any:
        if value is None:
            return None
        if kind == "number":
            return float(value) if isinstance(value, Decimal) and value != value.to_integral() else int(value) if isinstance(value, Decimal) else value
        if kind == "date":
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "yyyy-mm-dd"
                return cell
            return value
        cell = WriteOnlyCell(ws, value=safe_text(str(value)))
        cell.number_format = "@"
        return cell
