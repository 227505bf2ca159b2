"""SAP line-item exports (FBL3N/FAGLL03 ALV lists, ACDOCA/BSEG extracts) as a siu source: ``--source sap``.

Columns are found by SAP technical name or Danish/English label (RACCT/HKONT, RCNTR/KOSTL,
PS_PSP_PNR/POSID, BUDAT, BLDAT, SGTXT, ZUONR, DMBTR with SHKZG/DRCRK, DMSHB/HSL). ALV title
lines above the header, separator lines and subtotal rows are skipped and counted.
"""

from __future__ import annotations

from siu import hookimpl
from siu.adapters import Source
from siu.tabular import COMMON_ALIASES, TabularSource

SIU_API = 1

ALIASES = {
    **COMMON_ALIASES,
    "gl_account": [*COMMON_ALIASES["gl_account"], "Konto", "Account"],
    "amount": [*COMMON_ALIASES["amount"], "Beløb i husvaluta", "Amount in LC", "WSL"],
}


class SapSource(TabularSource):
    name = "sap"
    description = "SAP: FBL3N/FAGLL03-lister og ACDOCA/BSEG-udtræk / SAP line-item exports"
    aliases = ALIASES
    required = ("cpr",)
    one_of = (("amount", "amount_unsigned", "debit"), ("gl_account", "kontostreng"))
    signature = ("HKONT", "RACCT", "BUDAT", "BELNR", "SHKZG", "DRCRK", "ZUONR", "SGTXT", "Finanskonto", "Hovedbogskonto")


@hookimpl
def register_sources() -> list[Source]:
    return [SapSource()]
