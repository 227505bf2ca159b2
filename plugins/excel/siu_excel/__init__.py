"""DST's Excel template for IDEP.web: read a filled template (``--source excel``) and write one
(``--format xlsx``). The template's sheet, headers and column types come from the spec pack."""

from __future__ import annotations

from siu import hookimpl
from siu.adapters import Source
from siu.writers import Writer
from siu_excel.reader import ExcelTemplateSource
from siu_excel.writer import ExcelTemplateWriter

SIU_API = 1


@hookimpl
def register_sources() -> list[Source]:
    return [ExcelTemplateSource()]


@hookimpl
def register_writers() -> list[Writer]:
    return [ExcelTemplateWriter()]
