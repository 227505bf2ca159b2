"""Any CSV/TXT/xlsx table as a siu source through a column map: ``--source csv``.

The column map lives in ``[source.csv.columns]`` of siu.toml (or a file given with
``--columns``): each siu field names the header (or headers) holding it::

    [source.csv.columns]
    cpr = "Personnummer"
    amount = "Beløb"
    start = "Fra"
    end = "Til"
    kontostreng = "Konto"

Values are read with the core toolkit (Danish numbers, dates, debit/credit). Without a map,
the common Danish and SAP header names are recognised.
"""

from __future__ import annotations

from siu import hookimpl
from siu.adapters import ReadOptions, Source
from siu.tables import HeaderMatcher
from siu.tabular import COMMON_ALIASES, TabularSource

SIU_API = 1


class CsvSource(TabularSource):
    name = "csv"
    description = "Generisk CSV/regneark med kolonnekort / Generic CSV or spreadsheet with a column map"
    aliases = COMMON_ALIASES
    required = ("cpr",)
    one_of = (("amount", "amount_unsigned", "debit"),)
    explicit_sign = False

    def matcher(self, options: ReadOptions) -> HeaderMatcher:
        columns = options.settings.get("columns") or {}
        if not columns:
            return super().matcher(options)
        aliases = {name: [value] if isinstance(value, str) else list(value) for name, value in columns.items()}
        required = [f for f in self.required if f in aliases] or list(self.required)
        one_of = [g for g in self.one_of if any(f in aliases for f in g)] or list(self.one_of)
        return HeaderMatcher(aliases, required, one_of)


@hookimpl
def register_sources() -> list[Source]:
    return [CsvSource()]
