"""KMD Opus line-item exports (CSV/TXT or xlsx) as a siu source: ``--source opus``.

Opus is built on SAP; users export postings from their own layouts, so columns are found by
Danish label or SAP technical name (see :data:`ALIASES`), in any order. A posting carries a
PSP element or a cost centre (omkostningssted) and an artskonto whose first two digits are the
ministry's art; the municipality's mapping file turns those into the official kontostreng.
Where the export has no period columns, ``[source.opus] period = "posting_month"`` (or
``"text_month"``) in siu.toml derives the expenditure period, and the report says so.

Reading (encodings, delimiters, Danish numbers, blank and subtotal rows, findings) is the
shared :class:`siu.tabular.TabularSource`; this module only says what an Opus export looks like.
"""

from __future__ import annotations

from siu import hookimpl
from siu.adapters import Source
from siu.tabular import COMMON_ALIASES, TabularSource

SIU_API = 1

ALIASES = {
    **COMMON_ALIASES,
    "amount": [*COMMON_ALIASES["amount"], "Beløb i transaktionsvaluta"],
    "artskonto": [*COMMON_ALIASES["artskonto"], "Omkostningsart (nr)", "Artskontonr", "Artskonto nr"],
    "start": [*COMMON_ALIASES["start"], "Ydelsesperiode fra", "Forbrugsperiode fra", "Leveringsperiode fra"],
    "end": [*COMMON_ALIASES["end"], "Ydelsesperiode til", "Forbrugsperiode til", "Leveringsperiode til"],
}


class OpusSource(TabularSource):
    name = "opus"
    description = "KMD Opus: posteringsudtræk (CSV/TXT/xlsx) / KMD Opus line-item export"
    file_types = (".csv", ".txt", ".xlsx", ".xls")
    aliases = ALIASES
    required = ("cpr",)
    one_of = (
        ("amount", "amount_unsigned", "debit"),
        ("psp", "cost_centre", "kontostreng"),
        ("artskonto", "kontostreng"),
    )
    # What sets an Opus export apart: the artskonto/omkostningsart beside a PSP element or cost
    # centre, a CPR column of its own and the expenditure period.
    signature = (
        "Artskonto",
        "Omkostningsart",
        "Artskontonr",
        "KSTAR",
        "POSID",
        "KOSTL",
        "PSP-element",
        "Omkostningssted",
        "CPR-nr",
        "CPR-nummer",
        "Periode fra",
        "Periode til",
        "Anonym",
    )


@hookimpl
def register_sources() -> list[Source]:
    return [OpusSource()]
