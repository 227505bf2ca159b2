"""The registry of characterisation cases and what their inputs are built from.

A case is a function that writes its inputs (and any siu.toml, mapping or archive) into the
current folder and returns the argv after ``siu``. Inputs come from :mod:`exports` or from the
small table writers here; every value comes from a fixed seed, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

YEAR = 2025
OUT = ["-o", "out"]
REPORT = ["--report-json", "report.json"]
# Municipality and year on the command line; only siu's own plugins, whatever else is installed.
BASE = ["-k", "101", "-y", "2025", "--no-plugins"]

# Official account strings (the csv adapter takes them as they are) and what they derive.
SEL108 = "5.38.50.1.001.4.0"  # § 108, expenditure
SEL107 = "5.38.52.1.001.4.0"  # § 107
SEL109 = "5.38.42.1.001.4.0"  # § 109 by a provisional chart row (SIU444)
SEL110 = "5.38.42.1.002.4.0"
REFUND = "5.38.50.1.001.7.7"  # art 7.7: payment from another municipality (SIU446)

# The demo's Opus mapping, written out here so a change to the demo does not move these goldens.
OPUS_MAPPING = """\
[[rule]]
name = "Bakkehuset (§ 108)"
psp = "XG-5385010001-*"
function = "5.38.50"
grouping = "001"

[[rule]]
name = "Fjordly (§ 107)"
psp = "XG-5385210001-*"
function = "5.38.52"
grouping = "001"

[[rule]]
name = "Krisecenter Solsikken (§ 109)"
psp = "XG-5384210001-*"
function = "5.38.42"
grouping = "001"
paragraph = "SEL109"

[[rule]]
name = "Forsorgshjemmet Havnen (§ 110)"
cost_centre = "5384200200"
function = "5.38.42"
grouping = "002"
paragraph = "SEL110"

[[rule]]
name = "Støtte i bolig (ABL § 105 med § 85)"
psp = "XG-5385110001-*"
function = "5.38.51"
grouping = "001"
"""


@dataclass(frozen=True)
class Case:
    """One characterisation case: what it is about, and how it writes its inputs and command."""

    doc: str
    build: Callable[[Path], list[str]]


CASES: dict[str, Case] = {}


def case(doc: str) -> Callable[[Callable[[Path], list[str]]], Callable[[Path], list[str]]]:
    """Register the decorated builder as a case named like the function (``_`` becomes ``-``)."""

    def register(build: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
        name = build.__name__.replace("_", "-")
        assert name not in CASES, name
        CASES[name] = Case(doc, build)
        return build

    return register


def all_cases() -> dict[str, Case]:
    """Every case, in a fixed order (importing the case modules registers them)."""
    import characterisation_cases  # noqa: F401
    import characterisation_reading  # noqa: F401
    import characterisation_rules  # noqa: F401

    return CASES


# --- writers ----------------------------------------------------------------------------------


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    """Write a text file; returns its name for the command line."""
    (folder / name).write_bytes(text.encode(encoding))
    return name


def table(
    folder: Path, name: str, header: Sequence[str], rows: Sequence[Sequence[object]], delimiter: str = ";"
) -> str:
    """A small delimited UTF-8 table with LF line ends (cells written with ``str``, None empty)."""
    lines = [delimiter.join(header)]
    lines += [delimiter.join("" if c is None else str(c) for c in row) for row in rows]
    return write(folder, name, "\n".join(lines) + "\n")


def workbook(folder: Path, name: str, sheets: dict[str, Sequence[Sequence[object]]]) -> str:
    """An xlsx with the given sheets (rows as lists), saved with pinned times."""
    from openpyxl import Workbook

    from characterisation import pin_xlsx

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    wb.save(folder / name)
    pin_xlsx(folder / name)
    return name


def config(folder: Path, text: str) -> str:
    """A siu.toml in the working folder (read by default)."""
    return write(folder, "siu.toml", text)


def archive_receipt(folder: Path, area: str, expenditure: str, citizens: int, months: list[int]) -> None:
    """An archived earlier delivery of 101/2025 in ``siu-arkiv`` (as ``siu deliver`` files it)."""
    entry = folder / "siu-arkiv" / f"20250301T120000_SIU_101_{YEAR}_{area}"
    entry.mkdir(parents=True)
    receipt = {
        "schema": "siu-receipt/1",
        "delivered": "2025-03-01T12:00:00+00:00",
        "file": f"SIU_101_{YEAR}_{area}.xml",
        "kommune": "101",
        "year": YEAR,
        "area": area,
        "totals": {"lines": 40, "citizens": citizens, "expenditure": expenditure},
        "months": months,
    }
    (entry / "kvittering.json").write_text(json.dumps(receipt, indent=2) + "\n", encoding="utf-8")


# --- values -----------------------------------------------------------------------------------


def cprs(count: int, seed: int) -> list[str]:
    """``count`` distinct synthetic CPR numbers (born 1940-1999, 7th digit 0-3), not real people."""
    rng = random.Random(seed)
    found: list[str] = []
    while len(found) < count:
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 60 * 365))
        cpr = f"{born:%d%m%y}{rng.randrange(0, 4)}{rng.randrange(0, 1000):03d}"
        if cpr not in found:
            found.append(cpr)
    return found


def month(m: int, year: int = YEAR) -> tuple[str, str]:
    """The first and last day of a month as dd.mm.yyyy."""
    start = dt.date(year, m, 1)
    end = (dt.date(year, m + 1, 1) if m < 12 else dt.date(year + 1, 1, 1)) - dt.timedelta(days=1)
    return f"{start:%d.%m.%Y}", f"{end:%d.%m.%Y}"


def amount(value: float) -> str:
    """A Danish amount text: 1.234,56 (negative with a leading minus)."""
    text = f"{abs(value):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return ("-" if value < 0 else "") + text


# The csv adapter's usual headers: CPR, amount, period, official account, text.
CSV_HEADER = ["CPR", "Beløb", "Fra", "Til", "Kontostreng", "Tekst"]


def year_of_stays(seed: int, citizens: int = 4, account: str = SEL108, rate: float = 30_000.0) -> list[list[str]]:
    """Monthly stays over the whole year for a few citizens (CSV_HEADER rows): the clean
    background most rule cases add their defects to, so that only the defects are found."""
    rng = random.Random(seed)
    rows = []
    for i, cpr in enumerate(cprs(citizens, seed)):
        for m in range(1, 13):
            start, end = month(m)
            value = rate + rng.randrange(-500_00, 500_00) / 100
            rows.append([cpr, amount(value), start, end, account, f"ophold {i + 1} md {m}"])
    return rows
