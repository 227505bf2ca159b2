"""Reading a filled DST Excel template (the municipality's own, or one siu wrote)."""

from __future__ import annotations

from siu.tabular import COMMON_ALIASES, TabularSource

TEMPLATE_ALIASES = {
    **COMMON_ALIASES,
    "cpr": ["PsrID", *COMMON_ALIASES["cpr"]],
    "kontostreng": ["KONTOSTRENG", *COMMON_ALIASES["kontostreng"]],
}


class ExcelTemplateSource(TabularSource):
    name = "excel"
    description = "DST's Excel-skabelon (IDEP.web) / DST's Excel template (IDEP.web)"
    aliases = TEMPLATE_ALIASES
    required = ("cpr", "kontostreng")
    one_of = (("amount",),)
    signature = ("PsrID", "KONTOSTRENG")
    file_types = (".xlsx",)
    explicit_sign = False
