"""The resident list of a (made-up) residential-care system as a siu source: ``--source botilbud``.

The system writes one line per stay and month, without a header row, fields in a fixed order
separated by semicolons, in UTF-8 or cp1252, and a closing line ``SLUT;<lines>;<total>``::

    CPR-nummer;kontostreng;periode fra;periode til;beløb;tekst

A plain ``siu.adapters.Source``: with no header to find, there is nothing for
``TabularSource`` to do, so the adapter opens the file, counts the rows and builds the
postings itself with siu's parsing toolkit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from siu import hookimpl
from siu.adapters import TOTAL_LINES, ReadInfo, ReadOptions, Sniff, Source
from siu.findings import define
from siu.models import Finding, Location, Posting
from siu.parsing import ParseError, clean_text, parse_amount, parse_date

SIU_API = 1

FIELDS = ("cpr", "kontostreng", "start", "end", "amount", "text")
COLUMNS = {name: f"felt {n}" for n, name in enumerate(FIELDS, 1)}  # how findings name the "cell"
LINE = re.compile(r"^\d{10};[\d.]{9,17};[\d.]{8,10};[\d.]{8,10};-?[\d.]*\d,\d\d;")

UNREADABLE_FILE = define(
    "BOTILBUD001",
    "error",
    ("Filen kan ikke læses", "The file cannot be read"),
    ("{file} kan ikke læses: {why_da}", "{file} cannot be read: {why_en}"),
    ("Gem beboerlisten igen fra botilbudssystemet.", "Save the resident list from the care system again."),
)
BAD_LINE = define(
    "BOTILBUD002",
    "error",
    ("Linjen har ikke 6 felter", "The line does not have 6 fields"),
    ("Linjen har {count} felter, ikke 6, og springes over", "The line has {count} fields, not 6, and is skipped"),
    ("Ret linjen i botilbudssystemet.", "Correct the line in the care system."),
)
BAD_VALUE = define(
    "BOTILBUD003",
    "error",
    ("Feltet kan ikke læses", "The field cannot be read"),
    ("{column} kan ikke læses: '{value}'", "{column} cannot be read: '{value}'"),
    ("Ret værdien i botilbudssystemet.", "Correct the value in the care system."),
)


class BotilbudSource(Source):
    """The resident list (see the module docstring)."""

    name = "botilbud"
    description = "Botilbudssystemets beboerliste uden overskrift / resident list without a header row"
    file_types = (".txt",)

    def sniff(self, path: Path) -> Sniff:
        try:
            head = path.read_bytes()[:4096].decode("utf-8-sig", errors="replace").splitlines()
        except OSError:
            return Sniff(0.0, "filen kan ikke åbnes", "the file cannot be opened")
        lines = [line for line in head[:4] if line.strip() and not line.startswith("SLUT;")]
        if lines and all(LINE.match(line) for line in lines):
            return Sniff(0.9, "linjerne har beboerlistens 6 felter", "the lines have the resident list's 6 fields")
        return Sniff(0.0, "ikke beboerlistens felter", "not the resident list's fields")

    def read(self, path: Path, options: ReadOptions, info: ReadInfo) -> Iterator[Posting | Finding]:
        file = path.name
        try:
            data = path.read_bytes()
            text, encoding = _decode(data, options.encoding)
        except (OSError, UnicodeDecodeError, LookupError) as exc:
            why = ("ukendt tegnsæt", "unknown encoding") if isinstance(exc, LookupError) else (
                "filen findes ikke eller er ikke tekst", "the file does not exist or is not text")
            yield UNREADABLE_FILE.make(location=Location(file=file), file=file, why_da=why[0], why_en=why[1])
            return
        info.note("encoding", encoding)
        if not text.strip():
            yield UNREADABLE_FILE.make(location=Location(file=file), file=file, why_da="filen er tom", why_en="empty")
            return
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue  # a blank line holds nothing: not a row
            info.rows_read += 1  # the adapter counts rows; siu counts the postings it yields
            location = Location(file=file, row=number)
            cells = line.split(";")
            if cells[0] == "SLUT":
                info.skip(TOTAL_LINES)  # the closing line restates the total: not money of its own
            elif len(cells) != len(FIELDS):
                info.skip("ulæselige rækker")
                yield BAD_LINE.make(location=location, count=len(cells))
            else:
                yield from self.posting(dict(zip(FIELDS, cells)), location, info)

    def posting(self, cells: dict[str, str], location: Location, info: ReadInfo) -> Iterator[Posting | Finding]:
        try:
            amount = parse_amount(cells["amount"], ",")
        except ParseError:
            info.skip("ulæselige rækker")  # no amount, no posting: counted, and said why
            yield BAD_VALUE.make(location=location.at_column(COLUMNS["amount"]), field="amount",
                                 value=cells["amount"], column=COLUMNS["amount"])
            return
        dates: dict[str, dt.date | None] = {}
        invalid = []
        for name in ("start", "end"):
            try:
                dates[name] = parse_date(cells[name])
            except ParseError:
                dates[name] = None
                invalid.append(name)  # reported here; siu does not report the date as missing too
                yield BAD_VALUE.make(location=location.at_column(COLUMNS[name]), field=name,
                                     value=cells[name], column=COLUMNS[name])
        yield Posting(
            source=self.name,
            location=location,
            amount=amount,
            cpr=clean_text(cells["cpr"]),
            start=dates["start"],
            end=dates["end"],
            text=clean_text(cells["text"]),
            dims={"kontostreng": cells["kontostreng"].strip()},
            columns=COLUMNS,
            invalid=tuple(invalid),
        )


def _decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding:
        return data.decode(encoding), encoding
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"  # raises on bytes cp1252 does not have: binary


@hookimpl
def register_sources() -> list[Source]:
    return [BotilbudSource()]
