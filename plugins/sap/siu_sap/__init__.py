"""SAP line-item exports (FBL3N/FAGLL03 ALV lists, ACDOCA/BSEG extracts) as a siu source: ``--source sap``.

Columns are found by SAP technical name or Danish/English label (RACCT/HKONT, RCNTR/KOSTL,
POSID/PS_PSP_PNR, BUDAT, BLDAT, SGTXT, ZUONR, DMBTR with SHKZG/DRCRK, DMSHB/HSL). ALV title
lines above the header, ``|``-separated "unconverted" lists with ``---`` lines, repeated page
headers and subtotal rows are skipped and counted by the shared
:class:`siu.tabular.TabularSource`. The CPR usually sits in the assignment field (ZUONR,
Tildeling). SAP exports have no expenditure period: set ``[source.sap] period = "posting_month"``
or ``"text_month"`` in siu.toml. In municipal SAP the G/L account is the artskonto, so without an
artskonto column the art comes from the G/L account (``art_from``, finding SIU029).
"""

from __future__ import annotations

from typing import Any

from siu import hookimpl
from siu.adapters import Source
from siu.parsing import is_blank
from siu.tabular import COMMON_ALIASES, TabularSource

SIU_API = 1

ALIASES = {
    **COMMON_ALIASES,
    "document": [*COMMON_ALIASES["document"], "DocumentNo", "Doc. no.", "Bilagsnr.", "Bilagsnummer"],
    "posting_date": [*COMMON_ALIASES["posting_date"], "Pstng Date", "Bogf.dt."],
    "gl_account": [*COMMON_ALIASES["gl_account"], "Konto", "Account", "Sagskonto nr", "G/L"],
    "cost_centre": [*COMMON_ALIASES["cost_centre"], "Cost Ctr", "Omkostningssted nr"],
    "psp": [*COMMON_ALIASES["psp"], "PROJK", "WBS"],
    "amount": [*COMMON_ALIASES["amount"], "Beløb i husvaluta", "Amount in LC", "Beløb i LV", "WSL", "TSL"],
    "dc": [*COMMON_ALIASES["dc"], "D/C", "Debit/Credit ind.", "Debet/kredit-kendetegn", "S/H-kendetegn"],
    "text": [*COMMON_ALIASES["text"], "Posteringstekst"],
}

# Technical field names and FBL3N labels that only SAP line-item lists carry.
SIGNATURE = (
    "HKONT",
    "RACCT",
    "BUDAT",
    "BELNR",
    "SHKZG",
    "DRCRK",
    "ZUONR",
    "SGTXT",
    "DMBTR",
    "DMSHB",
    "HSL",
    "RBUKRS",
    "BUKRS",
    "GJAHR",
    "RLDNR",
    "DOCLN",
    "BUZEI",
    "Finanskonto",
    "Hovedbogskonto",
    "Sagskonto",
    "Tildeling",
    "Assignment",
    "G/L Account",
    "Beløb i lokal valuta",
    "Amount in local currency",
)


class SapSource(TabularSource):
    name = "sap"
    description = "SAP: FBL3N/FAGLL03-lister og ACDOCA/BSEG-udtræk / SAP line-item exports"
    file_types = (".csv", ".txt", ".xlsx", ".xls")
    aliases = ALIASES
    required = ("cpr",)
    one_of = (("amount", "amount_unsigned", "debit"), ("gl_account", "kontostreng"))
    signature = SIGNATURE
    # In municipal SAP the G/L account is the artskonto (SIU029); `art_from = "artskonto"` turns it off.
    art_from = "gl_account"

    def clues(self, rows: list[list[Any]], header: int) -> list[tuple[str, str]]:
        """ALV layout: title lines above the header, a ``|`` list with ``---`` lines."""
        found = []
        if any(not all(is_blank(c) for c in row) for row in rows[:header]):
            found.append(("titellinjer over overskriften (ALV-liste)", "title lines above the header (ALV list)"))
        head = rows[header]
        dashes = any(
            cells
            and all(set(str(c).strip()) <= set("-|") for c in cells if not is_blank(c))
            and not all(is_blank(c) for c in cells)
            for cells in rows
        )
        if dashes and len(head) > 2 and is_blank(head[0]) and is_blank(head[-1]):
            found.append(
                (
                    "|-opdelt liste med ---linjer (SAP 'uformateret')",
                    "|-separated list with --- lines (SAP 'unconverted')",
                )
            )
        return found


@hookimpl
def register_sources() -> list[Source]:
    return [SapSource()]
