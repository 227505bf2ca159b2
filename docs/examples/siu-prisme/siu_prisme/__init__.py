"""Fujitsu Prisme (Microsoft Dynamics AX) posting exports as a siu source: ``--source prisme``.

The export is the posting list from *Finans › Forespørgsler › Posteringer*, saved as CSV
(semicolon, Danish numbers, UTF-8 with BOM or cp1252) with these columns, in any order::

    Bilag; Posteringsdato; Finanskonto; Dimension Afdeling; Dimension Art; Personnummer;
    Beløb; Valuta; Periode start; Periode slut; Posteringstekst

``Finanskonto`` is the municipality's main account, ``Dimension Afdeling`` the department and
``Dimension Art`` the four-digit art account; the municipality's mapping file turns them into
the official kontostreng. Two Prisme habits are handled here:

- ``Personnummer`` comes without a dash, and loses its leading zero when the file has been
  through Excel (``101601235``); the zero is put back.
- Amounts in another currency than DKK cannot be reported; such a line is skipped, counted, and
  reported as PRISME001.

Everything else (finding the header row, skipping the ``I alt`` line, reading Danish amounts and
dates, pointing findings at the cell) comes from siu's :class:`~siu.tabular.TabularSource`.
"""

from __future__ import annotations

from typing import Any

from siu import hookimpl
from siu.adapters import ReadOptions, Source
from siu.findings import define
from siu.models import Finding, Location, Posting
from siu.tables import HeaderMatch
from siu.tabular import TabularSource

SIU_API = 1  # the siu plugin API this package is written for

FOREIGN_CURRENCY = define(
    "PRISME001",
    "error",
    ("Beløb i fremmed valuta", "Amount in a foreign currency"),
    (
        "Linjen er bogført i {currency}, ikke DKK, og springes over",
        "The line is posted in {currency}, not DKK, and is skipped",
    ),
    (
        "SIU indberettes i kroner. Udtræk posteringerne med beløb i regnskabsvaluta (DKK), eller ret linjen i Prisme.",
        "SIU is reported in Danish kroner. Export the postings with amounts in the accounting currency (DKK), "
        "or correct the line in Prisme.",
    ),
)

ALIASES = {
    "document": ["Bilag", "Bilagsnummer"],
    "posting_date": ["Posteringsdato"],
    "gl_account": ["Finanskonto", "Hovedkonto"],
    "cost_centre": ["Dimension Afdeling", "Afdeling"],
    "artskonto": ["Dimension Art", "Art"],
    "cpr": ["Personnummer", "CPR-nummer"],
    "amount": ["Beløb", "Beløb i regnskabsvaluta"],
    "currency": ["Valuta", "Valutakode"],
    "start": ["Periode start", "Periode fra"],
    "end": ["Periode slut", "Periode til"],
    "text": ["Posteringstekst", "Tekst"],
}


class PrismeSource(TabularSource):
    """The Prisme posting list (see the module docstring)."""

    name = "prisme"
    description = "Fujitsu Prisme (Dynamics AX): posteringsliste / posting list export"
    file_types = (".csv", ".txt")
    aliases = ALIASES
    required = ("cpr", "amount", "gl_account")
    one_of = ()
    signature = ("Finanskonto", "Dimension Afdeling", "Dimension Art", "Personnummer", "Valuta")

    def posting(
        self,
        cells: list[Any],
        match: HeaderMatch,
        location: Location,
        columns: dict[str, str],
        decimal: str | None,
        options: ReadOptions,
    ) -> tuple[Posting, list[Finding]] | Finding:
        currency = str(match.get(cells, "currency") or "DKK").strip().upper()
        if currency not in ("DKK", ""):
            return FOREIGN_CURRENCY.make(location=location.at_column(columns.get("currency")), field="currency", currency=currency)
        made = super().posting(cells, match, location, columns, decimal, options)
        if isinstance(made, Finding):
            return made
        posting, problems = made
        if posting.cpr is not None and len(posting.cpr) == 9 and posting.cpr.isdigit():
            posting.cpr = "0" + posting.cpr  # Excel dropped the leading zero of DDMMYY
        return posting, problems


@hookimpl
def register_sources() -> list[Source]:
    return [PrismeSource()]
