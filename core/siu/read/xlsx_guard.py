"""Checks on an .xlsx workbook before openpyxl reads it: bounded memory and time on hostile files.

openpyxl trusts what a workbook says. A 6 KB file declaring ``<row r="99999999">`` makes a
reader walk 100 million empty rows; a sheet that inflates to gigabytes (a "zip bomb") drives
memory to several gigabytes; a cell reference in column ``ZZZZZ`` makes read-only mode pad a
row with millions of empty cells. So, before reading:

* :func:`check_workbook` reads only the zip directory: the total unpacked size and each part's
  packing ratio (also used before listing sheets);
* :func:`check_sheet` streams the one sheet to be read, in chunks, and counts its rows, the
  highest row number it declares and the widest column reference, stopping at the first limit
  passed. It never holds more than one chunk; it inflates at most the size the directory
  declared (a part that inflates to more is refused too).

Both raise :class:`siu.tables.TableError` with a finding code from :mod:`siu.catalogue.read`.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from siu.base.errors import TableError
from siu.base.limits import MAX_COLUMNS, MAX_ROWS, MAX_XLSX_RATIO, MAX_XLSX_UNCOMPRESSED, MIN_RATIO_SIZE

_CHUNK = 1 << 20
_OVERLAP = 64  # bytes kept from the previous chunk so that a reference split between chunks is seen
# Every pattern starts with a literal, so the scan runs at memchr speed (a 75 MB sheet in about
# a second); row elements are counted with bytes.count. A row number of seven digits or more
# (1,000,000+) and a cell reference with three letters or more (columns past ZZ) are looked at
# closer. Excel, LibreOffice and openpyxl write r first in <row>; another order is caught while
# reading (siu.tables refuses a row past the limit before it walks the gap).
_ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")
_FAR_ROW = re.compile(rb'row r="(\d{7,15})"')
_CELL_REF = re.compile(rb'r="([A-Za-z]{3,16}|[A-Za-z]{1,3}\d{8,15})')
_LETTERS = re.compile(rb"[A-Za-z]+")


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
    rows = highest = 0
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
            rows += sum(data.count(tag) - tail.count(tag) for tag in _ROW_TAGS)
            start = len(tail)  # a match ending in the overlap was seen with the previous chunk
            for m in _FAR_ROW.finditer(data):
                if m.end() > start:
                    highest = max(highest, int(m.group(1)))
            for m in _CELL_REF.finditer(data):
                if m.end() <= start:
                    continue
                ref = m.group(1)
                letters = _LETTERS.match(ref).group()  # type: ignore[union-attr]
                if len(letters) >= 3 and column_number(letters.decode("ascii")) > MAX_COLUMNS:
                    raise _error(
                        "SIU041",
                        f"{name}: en celle i kolonne {letters.decode('ascii')[:16]} ligger efter Excels sidste "
                        "kolonne (XFD); regnearket er ikke læst",
                        f"{name}: a cell in column {letters.decode('ascii')[:16]} lies past Excel's last column "
                        "(XFD); the workbook was not read",
                    )
                if len(ref) > len(letters):
                    highest = max(highest, int(ref[len(letters) :]))
            if rows > MAX_ROWS or highest > MAX_ROWS:
                what_da = f"{rows} rækker" if rows > MAX_ROWS else f"rækkenummer {highest}"
                what_en = f"{rows} rows" if rows > MAX_ROWS else f"row number {highest}"
                raise _error(
                    "SIU043",
                    f"{name}: arket har {what_da} eller flere (Excel har højst {MAX_ROWS}); regnearket er ikke læst",
                    f"{name}: the sheet has {what_en} or more (Excel holds at most {MAX_ROWS}); the workbook was not "
                    "read",
                )
            tail = data[-_OVERLAP:]
    return rows, highest
