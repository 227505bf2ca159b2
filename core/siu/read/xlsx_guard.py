"""Checks on an .xlsx workbook before python-calamine or openpyxl reads it: bounded memory and time on hostile files.

openpyxl trusts what a workbook says. A 6 KB file declaring ``<row r="99999999">`` makes a
reader walk 100 million empty rows; a sheet that inflates to gigabytes (a "zip bomb") drives
memory to several gigabytes; a cell reference in column ``ZZZZZ`` makes read-only mode pad a
row with millions of empty cells. So, before reading:

* :func:`check_workbook` reads only the zip directory: the total unpacked size and each part's
  packing ratio (also used before listing sheets);
* :func:`check_sheet` streams the one sheet to be read, in chunks, and counts its rows, the
  highest row number it declares and the widest column reference, stopping at the first limit
  passed. It never holds more than one chunk; it inflates at most the size the directory
  declared (a part that inflates to more is refused too). :func:`survey_sheet` is the same pass,
  and also says what :mod:`siu.read.xlsx_calamine` needs to know before python-calamine reads
  the sheet (see :class:`SheetSurvey`).

Both raise :class:`siu.tables.TableError` with a finding code from :mod:`siu.catalogue.read`.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from siu.base.errors import TableError
from siu.base.limits import MAX_COLUMNS, MAX_ROWS, MAX_XLSX_RATIO, MAX_XLSX_UNCOMPRESSED, MIN_RATIO_SIZE

_CHUNK = 1 << 20
_OVERLAP = 64  # bytes kept from the previous chunk so that a reference split between chunks is seen
# Every pattern starts with a literal, so the scan runs at memchr speed (a 75 MB sheet in about
# a second); row and cell elements are counted with numpy at every "<". A row number of seven
# digits or more (1,000,000+) and a cell reference with two letters or more (columns past Z:
# the widest column; past XFD: refused) are looked at closer. Excel, LibreOffice and openpyxl
# write r first in <row>; another order is caught while reading (siu.tables refuses a row past
# the limit before it walks the gap).
_LT, _GT, _SPACE, _C, _T, _V, _SLASH = (ord(c) for c in "<> ctv/")
_FAR_ROW = re.compile(rb'row r="(\d{7,15})"')
_CELL_REF = re.compile(rb'r="([A-Za-z]{1,3}\d{8,15}|[A-Za-z]{2,16})')  # a far row, or a column past Z
_LETTERS = re.compile(rb"[A-Za-z]+")
_ROW_NUMBER = re.compile(rb'<row r="([0-9]{1,15})"')
_BIG_NUMBER = re.compile(rb"<v>-?(?:[0-9]{7}|[0-9.]+[eE])")  # 7+ digits, or an exponent
_STYLE = re.compile(rb' s="([0-9]{1,9})"')
ESCAPE = re.compile(rb"x[0-9A-Fa-f]{4}_")  # _x000D_ and openpyxl's x005F_
EMPTY_TEXT = re.compile(rb"<t(?: [^>]*)?(?:/>|></t>)")
_ODD = (b't="e"', b't="d"')


def _error(code: str, da: str, en: str) -> Exception:

    return TableError(code, da, en)


def column_number(letters: str) -> int:
    """Excel's 1-based column number of ``letters``: A → 1, XFD → 16384."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - 64)
    return number


def check_workbook(path: Path) -> None:
    """Refuse a workbook whose parts unpack to more than 1 GiB in all, or whose larger parts are
    packed more than 100 times. A file that is no zip at all is left to the reader's own error."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MIN_RATIO_SIZE and ratio > MAX_XLSX_RATIO:
            raise _error(
                "SIU042",
                f"{path.name}: delen {info.filename[:60]} er pakket {ratio:.0f} gange (højst {MAX_XLSX_RATIO}); "
                "regnearket er ikke læst",
                f"{path.name}: the part {info.filename[:60]} is packed {ratio:.0f} times (at most {MAX_XLSX_RATIO}); "
                "the workbook was not read",
            )
    if total > MAX_XLSX_UNCOMPRESSED:
        raise _error(
            "SIU042",
            f"{path.name} fylder {total / 2**20:.0f} MiB udpakket (højst {MAX_XLSX_UNCOMPRESSED / 2**20:.0f} MiB); "
            "regnearket er ikke læst",
            f"{path.name} unpacks to {total / 2**20:.0f} MiB (at most {MAX_XLSX_UNCOMPRESSED / 2**20:.0f} MiB); the "
            "workbook was not read",
        )


def _sheet_part(wb: Any, ws: Any) -> str | None:
    """The zip member holding ``ws`` in a workbook openpyxl opened read-only."""
    return getattr(ws, "_worksheet_path", None)


def check_sheet(path: Path, wb: Any, ws: Any) -> None:
    """Stream the sheet ``ws`` (of ``wb``, opened by openpyxl from ``path``) and refuse it when it
    holds more than 1,048,576 rows, declares a higher row number, or references a column past XFD."""
    member = _sheet_part(wb, ws)
    if not member:
        return
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    with zf:
        try:
            info = zf.getinfo(member.lstrip("/"))
        except KeyError:
            return
        try:
            scan_sheet(zf.open(info), path.name, info.file_size)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
            # a damaged part: openpyxl reports it when it gets there
            return


def scan_sheet(stream: Any, name: str, declared_size: int | None = None) -> tuple[int, int]:
    """Count the rows of a sheet's XML ``stream`` and find its highest row number, refusing a
    sheet past Excel's limits. Returns ``(rows, highest row number)``."""
    survey = survey_sheet(stream, name, declared_size)
    return survey.rows, survey.highest


@dataclass
class SheetSurvey:
    """What one pass over a sheet's XML found, besides the limits it checks: enough to tell whether
    python-calamine reads the sheet as openpyxl does (see :mod:`siu.read.xlsx_calamine`)."""

    rows: int = 0  # row elements
    highest: int = 0  # the highest far row number (7 digits or more) a reference names
    numbered_rows: int = 0  # row elements that say their number
    cells: int = 0  # cell elements
    numbered_cells: int = 0  # cell elements that say their reference
    values: int = 0  # cell values (<v>, and <is> for a text in the cell)
    last_row: int = 0  # the highest row number a row element says
    last_cell_row: int = 0  # the row of the last cell element
    widest: int = 1  # the widest column a cell reference names (A = 1)
    odd_cells: int = 0  # error cells (t="e"), ISO date cells (t="d"), empty texts and values
    escapes: bool = False  # _xHHHH_ escapes, which python-calamine decodes and openpyxl keeps
    big_number_styles: set[int] = field(default_factory=set)  # styles of cells holding numbers of 7+ digits


def survey_sheet(stream: Any, name: str, declared_size: int | None = None) -> SheetSurvey:
    """One pass over a sheet's XML ``stream``, in chunks: refuses a sheet past Excel's limits (as
    :func:`scan_sheet`) and says what :class:`SheetSurvey` lists."""
    survey = SheetSurvey()
    tail = b""
    inflated = 0
    limit = min(declared_size if declared_size is not None else MAX_XLSX_UNCOMPRESSED, MAX_XLSX_UNCOMPRESSED)
    with stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            inflated += len(chunk)
            if inflated > limit + _CHUNK:
                raise _error(
                    "SIU042",
                    f"{name}: arket fylder mere udpakket end regnearket angiver; regnearket er ikke læst",
                    f"{name}: the sheet unpacks to more than the workbook declares; the workbook was not read",
                )
            data = tail + chunk
            _count_tags(survey, data, len(tail))
            _limits(survey, data, len(tail), name)
            _observe(survey, data, len(tail))
            tail = data[-_OVERLAP:]
    return survey


def _count_tags(survey: SheetSurvey, data: bytes, start: int) -> None:
    """Count the row and cell elements that end after ``start`` (before it: counted with the previous
    chunk): ``<row ``/``<row>`` (also with a namespace prefix), ``<c ``/``<c>``, those that say
    their number first (``<row r="``, ``<c r="``), and the values (``<v>``, ``<is>``). Done on the
    bytes with numpy: one look at every ``<`` instead of a scan of the chunk for each tag."""
    buf = np.frombuffer(data + b"\0" * 8, np.uint8)
    at = np.flatnonzero(buf[: len(data)] == _LT)
    after = [buf[at + i] for i in range(1, 8)]
    cell = after[0] == _C
    cells = cell & ((after[1] == _SPACE) | (after[1] == _GT)) & (at + 3 > start)
    numbered_cells = cell & (after[1] == _SPACE) & _says(after[2:5], b'r="') & (at + 6 > start)
    row = _says(after[0:3], b"row") & ((after[3] == _SPACE) | (after[3] == _GT))
    numbered_rows = row & _says(after[4:7], b'r="') & (at + 8 > start)
    survey.rows += int(np.count_nonzero(row & (at + 5 > start)))
    survey.cells += int(np.count_nonzero(cells))
    survey.numbered_cells += int(np.count_nonzero(numbered_cells))
    survey.numbered_rows += int(np.count_nonzero(numbered_rows))
    value = ((after[0] == _V) & (after[1] == _GT) & (at + 3 > start)) | (
        _says(after[0:2], b"is") & (after[2] == _GT) & (at + 4 > start)
    )
    survey.values += int(np.count_nonzero(value))
    # An empty text or value (<t/>, <t ...></t>, <v></v>): openpyxl may give '' where calamine gives an empty cell
    before = buf[np.maximum(at - 1, 0)]
    text_or_value = (after[0] == _T) | (after[0] == _V)
    closed = (before == _GT) & (after[0] == _SLASH) & ((after[1] == _T) | (after[1] == _V)) & (after[2] == _GT)
    selfclosed = text_or_value & (after[1] == _SLASH) & (after[2] == _GT)
    survey.odd_cells += int(np.count_nonzero((closed | selfclosed) & (at + 4 > start)))
    if b":row" in data:  # a namespace prefix (x:row): rare, counted as the tags say
        survey.rows += sum(data.count(tag) - data[:start].count(tag) for tag in (b":row ", b":row>"))


def _says(bytes_after: list[np.ndarray], text: bytes) -> np.ndarray:
    """Where the bytes after a ``<`` spell ``text``."""
    found = bytes_after[0] == text[0]
    for got, want in zip(bytes_after[1:], text[1:], strict=True):
        found &= got == want
    return found


def _limits(survey: SheetSurvey, data: bytes, start: int, name: str) -> None:
    """Refuse a sheet whose references pass Excel's last column or row (``start``: where the
    chunk's new bytes begin; a match ending before it was seen with the previous chunk)."""
    for m in _FAR_ROW.finditer(data):
        if m.end() > start:
            survey.highest = max(survey.highest, int(m.group(1)))
    for m in _CELL_REF.finditer(data):
        if m.end() <= start:
            continue
        ref = m.group(1)
        letters = _LETTERS.match(ref).group()  # type: ignore[union-attr]
        column = column_number(letters.decode("ascii")) if len(letters) >= 2 else 1
        survey.widest = max(survey.widest, column)
        if column > MAX_COLUMNS:
            raise _error(
                "SIU041",
                f"{name}: en celle i kolonne {letters.decode('ascii')[:16]} ligger efter Excels sidste "
                "kolonne (XFD); regnearket er ikke læst",
                f"{name}: a cell in column {letters.decode('ascii')[:16]} lies past Excel's last column "
                "(XFD); the workbook was not read",
            )
        if len(ref) > len(letters):
            survey.highest = max(survey.highest, int(ref[len(letters) :]))
    rows, highest = survey.rows, survey.highest
    if rows > MAX_ROWS or highest > MAX_ROWS:
        what_da = f"{rows} rækker" if rows > MAX_ROWS else f"rækkenummer {highest}"
        what_en = f"{rows} rows" if rows > MAX_ROWS else f"row number {highest}"
        raise _error(
            "SIU043",
            f"{name}: arket har {what_da} eller flere (Excel har højst {MAX_ROWS}); regnearket er ikke læst",
            f"{name}: the sheet has {what_en} or more (Excel holds at most {MAX_ROWS}); the workbook was not read",
        )


def _observe(survey: SheetSurvey, data: bytes, start: int) -> None:
    """Count and find what tells python-calamine's reading from openpyxl's (every pattern starts
    with a literal, so each is a fast scan; ``start`` as in :func:`_limits`)."""
    seen = data[:start]
    survey.odd_cells += sum(data.count(t) - seen.count(t) for t in _ODD)
    survey.escapes = survey.escapes or ESCAPE.search(data, start) is not None
    previous = survey.last_row
    last = _ROW_NUMBER.match(data, max(data.rfind(b'<row r="'), 0))
    if last is not None:  # rows come in order (openpyxl reads them in the file's order)
        survey.last_row = max(previous, int(last.group(1)))
    for m in _BIG_NUMBER.finditer(data):
        if m.end() > start:
            survey.big_number_styles.add(_style_before(data, m.start()))
    last_cell = max(data.rfind(b"<c "), data.rfind(b"<c>"))
    if last_cell >= start:  # the row element around the chunk's last cell, or one before the chunk
        row = data.rfind(b"<row ", 0, last_cell)
        found = _ROW_NUMBER.match(data, row) if row >= 0 else None
        survey.last_cell_row = int(found.group(1)) if found else previous


def _style_before(data: bytes, at: int) -> int:
    """The style index of the cell element that holds position ``at`` (-1: unknown; 0: none)."""
    begin = data.rfind(b"<c ", 0, at)
    if begin < 0:
        return -1
    tag = data[begin : data.find(b">", begin, at) if data.find(b">", begin, at) >= 0 else at]
    style = _STYLE.search(tag)
    return int(style.group(1)) if style else 0
