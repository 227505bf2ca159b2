"""Saving an openpyxl workbook reproducibly: with ``SOURCE_DATE_EPOCH`` set, the same workbook
gives the same bytes (the document's created/modified time and every ZIP entry's time are the
epoch's), as the XML delivery and the JSON report already do. ``siu web`` relies on it: its
downloads are byte-identical to what ``siu convert`` writes for the same input and settings.

A writer that makes a sheet's data rows itself (the Excel template writer builds them from
batches) hands them over as a file of ``<row>`` elements; they are copied into the first sheet's
``sheetData`` after the rows openpyxl wrote, as the archive is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import time
import zipfile
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from siu.base.stamp import creation_time

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can hold


_FIRST_SHEET = "xl/worksheets/sheet1.xml"


class _StampedZip(zipfile.ZipFile):
    """A ZIP archive whose entries all carry one fixed time instead of the clock's or a file's,
    with ``rows`` (when given) copied into the first sheet's data."""

    def __init__(self, file: Any, stamp: tuple[int, int, int, int, int, int], rows: IO[bytes] | None = None) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.stamp = stamp
        self.rows = rows

    def _info(self, arcname: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(arcname, date_time=self.stamp)
        info.compress_type = self.compression
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None) -> None:
        # openpyxl adds write-only sheets from temporary files: copy in chunks, never whole
        arcname = str(arcname or filename)
        with open(filename, "rb") as src, self.open(self._info(arcname), "w", force_zip64=True) as dst:
            if self.rows is not None and arcname == _FIRST_SHEET:
                _splice(src, self.rows, dst)
            else:
                shutil.copyfileobj(src, dst, 1 << 20)


def _splice(sheet: IO[bytes], rows: IO[bytes], dst: IO[bytes]) -> None:
    """The sheet's XML (openpyxl's: the rows above the data) with ``rows`` at the end of its data."""
    xml = sheet.read()  # small: the data rows are in ``rows``
    at = xml.find(b"</sheetData>")
    if at < 0:  # a sheet without rows of its own: <sheetData/>
        at = xml.index(b"<sheetData/>")
        xml = xml[:at] + b"<sheetData></sheetData>" + xml[at + len(b"<sheetData/>") :]
        at += len(b"<sheetData>")
    dst.write(xml[:at])
    shutil.copyfileobj(rows, dst, 1 << 20)
    dst.write(xml[at:])


def save_workbook(wb: Workbook, fh: IO[bytes], rows: IO[bytes] | None = None) -> None:
    """Save ``wb`` to the binary file ``fh``; reproducibly when ``SOURCE_DATE_EPOCH`` is set.
    ``rows``: the first sheet's further data rows as XML, read from the start to the end."""
    if not os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        when = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None, microsecond=0)
        wb.properties.modified = when  # as Workbook.save does
        stamp = max(time.localtime()[:6], _ZIP_EPOCH)
    else:
        when = creation_time()
        wb.properties.created = wb.properties.modified = when
        stamp = max(when.timetuple()[:6], _ZIP_EPOCH)
    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    archive = _StampedZip(fh, stamp, rows)
    try:
        ExcelWriter(wb, archive).save()  # what Workbook.save does, without the clock
    except BaseException:
        # Close the half-written archive now, while ``fh`` is open: left to the garbage collector,
        # it would try to finish itself on a closed file and print "Exception ignored" on stderr.
        with contextlib.suppress(Exception):  # the failure that got us here is what the user sees
            archive.close()
        raise
