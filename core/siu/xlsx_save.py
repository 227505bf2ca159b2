"""Saving an openpyxl workbook reproducibly: with ``SOURCE_DATE_EPOCH`` set, the same workbook
gives the same bytes (the document's created/modified time and every ZIP entry's time are the
epoch's), as the XML delivery and the JSON report already do. ``siu web`` relies on it: its
downloads are byte-identical to what ``siu convert`` writes for the same input and settings.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from siu.base.stamp import creation_time

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can hold


class _StampedZip(zipfile.ZipFile):
    """A ZIP archive whose entries all carry one fixed time instead of the clock's or a file's."""

    def __init__(self, file: Any, stamp: tuple[int, int, int, int, int, int]) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.stamp = stamp

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
        with open(filename, "rb") as src, self.open(self._info(str(arcname or filename)), "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def save_workbook(wb: Workbook, fh: IO[bytes]) -> None:
    """Save ``wb`` to the binary file ``fh``; reproducibly when ``SOURCE_DATE_EPOCH`` is set."""
    if not os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        wb.save(fh)
        return
    when = creation_time()
    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    wb.properties.created = wb.properties.modified = when
    stamp = max(when.timetuple()[:6], _ZIP_EPOCH)
    ExcelWriter(wb, _StampedZip(fh, stamp)).save()  # what Workbook.save does, without the clock
