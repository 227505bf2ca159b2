"""Writing the delivery as DST's Excel template from batches: openpyxl's write-only workbook
for the sheet, its header and styles, the data rows built column-wise (:mod:`siu_excel.rows`).

The sheet name, header row, header texts, column order and cell types come from the spec pack's
``[excel]`` section. Cell types are fixed, never guessed:

- ``text``: an inline string cell, so CPR numbers and accounts keep their leading zeros. A text
  that starts with ``= + - @`` is stored as a string (data type ``s``, never a formula) and marked
  with Excel's quote prefix, the invisible apostrophe Excel itself sets when a user types ``'=``:
  Excel shows it as text and keeps it text when the cell is edited; the value itself is unchanged,
  so the file reads back exactly.
- ``date``: a real date with the format ``yyyy-mm-dd``.
- ``number``: a number with the pack's number of decimals shown. The value written is the exact
  Decimal (openpyxl writes 16 significant digits; DST's amounts have at most 15).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa

from siu.batches import records_of
from siu.findings import Text, define
from siu.models import DeliveryHeader, Finding, Location, Record
from siu.specpack import ExcelSpec, SpecPack
from siu.tables import column_letter
from siu.writers import Writer
from siu.xlsx_cells import text_cell
from siu_excel.rows import DATE_FORMAT, SheetRows

CELL_TYPES = ("text", "date", "number")

TEMPLATE_INVALID = define(
    "SIU610",
    "error",
    ("Excel-skabelonen i specifikationen er ugyldig", "The spec pack's Excel template is invalid"),
    (
        "Kolonnen '{header}' i [excel] i specifikationen for {year} er ugyldig: {reason}",
        "The column '{header}' in [excel] of the {year} spec pack is invalid: {reason}",
    ),
    (
        "Specifikationspakkens afsnit `[excel]` beskriver DST's Excel-skabelon: ark, overskriftsrække og for "
        "hver kolonne et felt fra leverancelinjen (psr_id, kontostreng, paragraph, area, amount, start, end) og "
        "en celletype (text, date, number). Et ukendt felt eller en ukendt type er en fejl i pakken; ret "
        "manifest.toml eller brug den pakke, siu leveres med.",
        "The spec pack's `[excel]` section describes DST's Excel template: sheet, header row and for every "
        "column a field of the delivery line (psr_id, kontostreng, paragraph, area, amount, start, end) and a "
        "cell type (text, date, number). An unknown field or type is an error in the pack; fix manifest.toml "
        "or use the pack siu ships.",
    ),
    group="output",
)
TOO_MANY_ROWS = define(
    "SIU611",
    "error",
    ("For mange linjer til Excel", "Too many lines for Excel"),
    (
        "Leverancen fylder {rows} {rows|række|rækker}; et Excel-ark kan højst have {max_rows}",
        "The delivery fills {rows} {rows|row|rows}; an Excel sheet holds at most {max_rows}",
    ),
    (
        "Et Excel-ark har højst 1.048.576 rækker, så en meget stor leverance kan ikke være i én skabelon. "
        "Lever som XML (`--format xml`, system til system), del den pr. område (`--split`), eller summér "
        "fakturaer med sammenhængende perioder (`--aggregate`).",
        "An Excel sheet holds at most 1,048,576 rows, so a very large delivery cannot fit one template. "
        "Deliver XML (`--format xml`, system to system), split it per area (`--split`), or sum invoices "
        "with contiguous periods (`--aggregate`).",
    ),
    group="output",
)


def last_row(path: Path) -> int:
    """The number of the last row of the first sheet of an xlsx siu wrote, read from the end of the
    sheet's XML as it streams past (nothing but a 64 KiB tail is kept); 0 when it has none."""
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open("xl/worksheets/sheet1.xml") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            tail = (tail + chunk)[-65536:]
    rows = re.findall(rb'<row r="(\d+)"', tail)
    return int(rows[-1]) if rows else 0


def template_problems(template: ExcelSpec) -> Iterator[tuple[str, Text]]:
    """(header, reason in Danish and English) for every column of a template siu cannot write."""
    if not template.columns:
        yield "-", Text("ingen kolonner", "no columns")
    for col in template.columns:
        if col.field not in Record.model_fields:
            yield col.header, Text(f"ukendt felt '{col.field}'", f"unknown field '{col.field}'")
        if col.type not in CELL_TYPES:
            yield col.header, Text(f"ukendt celletype '{col.type}'", f"unknown cell type '{col.type}'")


def _workbook(template: ExcelSpec) -> tuple[Any, Any]:
    """A write-only workbook with the template's sheet, column widths and header row written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(template.sheet)
    for i, col in enumerate(template.columns):
        if col.width:
            ws.column_dimensions[column_letter(i)].width = col.width
    ws.freeze_panes = f"A{template.header_row + 1}"
    bold = Font(bold=True)
    head = []
    for col in template.columns:
        title = text_cell(ws, col.header)
        title.font = bold
        head.append(title)
    for _ in range(template.header_row - 1):
        ws.append([])
    ws.append(head)
    return wb, ws


def _append_records(ws: Any, records: Iterable[Record], template: ExcelSpec, number_format: str) -> None:
    """The rows one cell object at a time, for a template with a field :class:`SheetRows` lacks."""
    from openpyxl.cell import WriteOnlyCell

    columns = [(col.field, col.type) for col in template.columns]

    def cell(value: Any, kind: str) -> Any:
        if value is None:
            return None
        if kind == "number" and isinstance(value, (Decimal, int, float)):
            c = WriteOnlyCell(ws, value=value)
            c.number_format = number_format
            return c
        if kind == "date" and isinstance(value, dt.date):
            c = WriteOnlyCell(ws, value=value)
            c.number_format = DATE_FORMAT
            return c
        # text columns, and any value that is not of its column's type, go in as text
        return text_cell(ws, value if isinstance(value, str) else str(value))

    for rec in records:
        ws.append([cell(getattr(rec, name, None), kind) for name, kind in columns])


def _abandon(ws: Any) -> None:
    """End the row writer of a sheet that will not be saved (the run failed while it was written):
    left to the garbage collector, openpyxl's writer reports errors of its own on stderr."""
    with contextlib.suppress(Exception):  # the failure that got us here is what the user sees
        if not ws.closed:
            ws.close()


MAX_ROW = 1_048_576  # Excel's rows per sheet (openpyxl.xml.constants.MAX_ROW)


class ExcelTemplateWriter(Writer):
    name = "xlsx"
    suffix = ".xlsx"
    description = "DST's Excel-skabelon til IDEP.web / DST's Excel template for IDEP.web upload"

    def write_batches(
        self, batches: Iterable[pa.RecordBatch], header: DeliveryHeader, spec: SpecPack, out: BinaryIO
    ) -> None:
        from siu.xlsx_save import save_workbook  # openpyxl is loaded here, not when plugins load

        template = spec.manifest.excel
        decimals = spec.amount_for(self.name)[0]  # the IDEP channel's amount form (whole kroner)
        number_format = "0" if decimals <= 0 else "0." + "0" * decimals
        wb, ws = _workbook(template)
        try:
            if not SheetRows.supported(template):  # a field without a column: one cell at a time
                _append_records(ws, chain.from_iterable(records_of(b) for b in batches), template, number_format)
                save_workbook(wb, out)  # reproducible with SOURCE_DATE_EPOCH, like the XML delivery
                return
            rows = SheetRows(ws, template, number_format)
            # The rows wait in an owner-only temporary file (gone when closed) until the sheet is saved.
            with tempfile.TemporaryFile() as spool:
                for batch in batches:
                    spool.write(rows.of(batch))
                spool.seek(0)
                save_workbook(wb, out, rows=spool)
        except BaseException:
            _abandon(ws)
            raise

    def check(self, path: Path, spec: SpecPack, max_rows: int = MAX_ROW) -> Iterator[Finding]:
        for header, reason in template_problems(spec.manifest.excel):
            yield TEMPLATE_INVALID.make(location=Location(file=path.name), header=header, year=spec.year, reason=reason)
        rows = last_row(path)
        if rows > max_rows:
            yield TOO_MANY_ROWS.make(location=Location(file=path.name), rows=rows, max_rows=max_rows)
