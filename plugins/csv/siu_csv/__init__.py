"""Any CSV/TXT/xlsx table as a siu source through a column map: ``--source csv``.

This is how a case-system extract or a home-made spreadsheet gets in. The column map lives in
``[source.csv.columns]`` of siu.toml, or in a file of its own given with ``--columns FILE``
(the same keys as the ``[source.csv]`` section: a ``[columns]`` table and, optionally,
``period``/``aliases``). Each siu field names the header, or a list of headers, holding it::

    [source.csv.columns]
    cpr = "Personnummer"
    amount = "Beløb"
    start = "Fra"
    end = "Til"
    kontostreng = ["Konto", "Kontonr."]

Beside the map, ``encoding``, ``delimiter``, ``decimal`` and ``sheet`` may say how to read the
file (the command-line options of the same names win). What is mapped is what is read: a mapped column that the file
lacks is an error (SIU005), and
so is a field siu does not know (SIU601). Fields siu needs but the map leaves out (``cpr`` and an
amount) are looked for under their usual Danish names. Values are read with the core toolkit
(Danish numbers, dates, debit/credit); see docs/excel-and-csv.md for the fields.
Without any map the common Danish and SAP header names are recognised.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from siu import hookimpl
from siu.adapters import ReadInfo, ReadOptions, Sniff, Source
from siu.findings import define, get
from siu.models import Finding, Location
from siu.tables import HeaderMatcher, MissingColumns, normalise_header
from siu.tabular import COMMON_ALIASES, TabularSource

SIU_API = 1

# The fields a column map may name: every field the tabular reader fills.
FIELDS = tuple(name for name in COMMON_ALIASES if name != "document_date")
# A generic adapter must never win automatic detection over a format-specific one.
MAX_SNIFF = 0.45
# Settings of [source.csv] (or the --columns file) that say how to read the file, like the
# command-line options of the same names: encoding, delimiter, decimal separator, xlsx sheet.
READ_SETTINGS = ("encoding", "delimiter", "decimal", "sheet")

BAD_COLUMN_MAP = define(
    "SIU601",
    "error",
    ("Kolonnekortet er ugyldigt", "The column map is invalid"),
    ("Kolonnekortet for {file} er ugyldigt: {detail_da}", "The column map for {file} is invalid: {detail_en}"),
    (
        "Kolonnekortet (`[source.csv.columns]` i siu.toml eller filen givet med `--columns`) knytter siu's "
        'felter til overskrifter i filen: `felt = "Overskrift"` eller `felt = ["Overskrift 1", "Overskrift 2"]`. '
        "Felterne er: " + ", ".join(FIELDS) + ". Ret stavningen af feltet, eller fjern linjen.",
        "The column map (`[source.csv.columns]` in siu.toml or the file given with `--columns`) ties siu's "
        'fields to headers in the file: `field = "Header"` or `field = ["Header 1", "Header 2"]`. '
        "The fields are: " + ", ".join(FIELDS) + ". Fix the field's spelling, or remove the line.",
    ),
)


def column_map_problems(columns: Any) -> list[tuple[str, str]]:
    """(Danish, English) descriptions of what is wrong with a column map; [] when it is fine."""
    if not isinstance(columns, dict):
        return [
            ('kolonnekortet skal være en tabel felt = "Overskrift"', 'the column map must be a table field = "Header"')
        ]
    problems = []
    owner: dict[str, str] = {}
    for name, value in columns.items():
        if name not in FIELDS:
            problems.append((f"ukendt felt '{name}'", f"unknown field '{name}'"))
        headers = [value] if isinstance(value, str) else value
        if not isinstance(headers, list) or not headers or not all(isinstance(h, str) and h.strip() for h in headers):
            problems.append(
                (
                    f"'{name}' skal være en overskrift eller en liste af overskrifter",
                    f"'{name}' must be a header or a list of headers",
                )
            )
            continue
        for header in headers:
            # headers are matched folded (case, accents, punctuation), so compare them folded
            other = owner.setdefault(normalise_header(header), name)
            if other != name:
                problems.append(
                    (
                        f"overskriften '{header}' er knyttet til både {other} og {name}",
                        f"the header '{header}' is mapped to both {other} and {name}",
                    )
                )
    return problems


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
        # Every mapped column must be there; what siu needs but the map leaves out is looked for
        # under its usual names.
        required = list(aliases)
        for name in self.required:
            if name not in aliases:
                aliases[name] = list(COMMON_ALIASES[name])
                required.append(name)
        one_of = []
        for group in self.one_of:
            if not any(f in aliases for f in group):
                for f in group:
                    aliases[f] = list(COMMON_ALIASES[f])
                one_of.append(group)
        return HeaderMatcher(aliases, required, one_of)

    def missing_columns(self, exc: MissingColumns, options: ReadOptions, location: Location) -> Finding:
        if options.settings.get("columns"):  # the column map names the headers; aliases do not apply
            return get("SIU005").make(location=location, detail_da=exc.message_da, detail_en=exc.message_en)
        return super().missing_columns(exc, options, location)

    def sniff_with(self, path: Path, options: ReadOptions) -> Sniff:
        found = super().sniff_with(path, options)
        return Sniff(
            min(found.confidence, MAX_SNIFF),
            f"generisk adapter, vælges med --source csv ({found.reason_da})",
            f"generic adapter, chosen with --source csv ({found.reason_en})",
        )

    def read_batches(self, path: Path, options: ReadOptions, info: ReadInfo) -> Iterator[pa.RecordBatch | Finding]:
        settings = options.settings
        problems = column_map_problems(settings.get("columns") or {})
        for key in READ_SETTINGS:
            if key in settings and not isinstance(settings[key], str):
                problems.append((f"'{key}' skal være tekst", f"'{key}' must be text"))
        if problems:
            yield BAD_COLUMN_MAP.make(
                location=Location(file=path.name),
                file=path.name,
                detail_da="; ".join(da for da, _ in problems),
                detail_en="; ".join(en for _, en in problems),
            )
            return
        # How to read the file may live beside the map; the command line wins.
        given = {key: settings[key] for key in READ_SETTINGS if settings.get(key) and getattr(options, key) is None}
        yield from super().read_batches(path, replace(options, **given) if given else options, info)


@hookimpl
def register_sources() -> list[Source]:
    return [CsvSource()]
