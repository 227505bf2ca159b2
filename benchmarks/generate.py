"""Generate a realistic KMD Opus export of N postings, with a matching siu.toml and mapping.

The file looks like what a large municipality exports for one reporting year of the adult
area: cp1252, ``;``-separated, Danish numbers (``1.234,56``) with SAP's trailing minus for
revenue, ``dd.mm.yyyy`` dates, PSP elements for §§ 107, 108, 109 and § 85/ABL § 105 and cost
centres for § 110, § 109 lines flagged anonymous (placeholder CPR with a sex column, or a real
CPR), and a subtotal line at the end (no document, CPR or account; skipped and counted by siu).

The data is valid by construction (every amount is unique, so no line is an exact duplicate),
so ``siu convert`` writes a delivery and the benchmark measures the full path.

    python benchmarks/generate.py 100000 /tmp/siu-bench/100k

writes ``opus.csv``, ``siu.toml`` and ``mapping.toml`` into the folder (skipped when a file for
the same N and seed is already there). Deterministic for a given N and seed. ``--xlsx`` writes
``opus.xlsx`` instead: the same postings as Opus saves a report to Excel (benchmark variant x).
Both are written line by line, so a 10M-line file never sits in memory.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HEADER = (
    "Bilagsnr;Bogføringsdato;PSP-element;Omkostningssted;Artskonto;CPR-nr;Beløb;Periode fra;Periode "
    "til;Tekst;Anonym;Køn"
)
PLACEHOLDER_CPR = "0101010000"
MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
# (function, grouping, paragraph given in the mapping or None, PSP prefix or None for cost centres, names)
SERVICES = [
    ("5.38.50", "001", None, "XG-53850", ["Bakkehuset", "Lærkegården", "Skovbrynet", "Åhaven", "Østerled", "Møllehøj"]),
    ("5.38.52", "001", None, "XG-53852", ["Fjordly", "Kærholm", "Søbakken", "Engtoften"]),
    ("5.38.42", "001", "SEL109", "XG-53842", ["Krisecenter Solsikken", "Kvindehuset Ærø"]),
    ("5.38.42", "002", "SEL110", None, ["Forsorgshjemmet Havnen", "Herberget Bøgen", "Nattely"]),
    ("5.38.51", "001", None, "XG-53851", ["Støtte i bolig, Lærkevej", "Bofællesskabet Æblehaven", "Boligerne ved Åen"]),
]
# Share of citizens per service (§ 108 and § 85 dominate spending; § 109 is small).
SERVICE_WEIGHTS = [0.30, 0.15, 0.05, 0.20, 0.30]
EXPENDITURE_ARTS = ["40110000", "40120000", "40130000", "40190000", "45100000", "59100000"]
REVENUE_ART = "77100000"


@dataclass
class Institution:
    function: str
    grouping: str
    paragraph: str | None
    psp_prefix: str | None  # "XG-5385010003"; None: the cost centre identifies it
    cost_centre: str | None
    name: str
    anonymous: bool  # § 109: some stays are anonymous


def institutions() -> list[list[Institution]]:
    """The institutions of each service, with their local account (PSP element or cost centre)."""
    out = []
    for function, grouping, paragraph, psp, names in SERVICES:
        group = []
        for k, name in enumerate(names, start=1):
            code = f"{k:05d}"
            group.append(
                Institution(
                    function=function,
                    grouping=grouping,
                    paragraph=paragraph,
                    psp_prefix=f"{psp}{code}" if psp else None,
                    cost_centre=None if psp else f"{function.replace('.', '')}{grouping}{k:02d}",
                    name=name,
                    anonymous=paragraph == "SEL109",
                )
            )
        out.append(group)
    return out


def citizens_for(n: int) -> int:
    """How many citizens a file of ``n`` postings covers, at most 15,000.

    The adult-area services in SIU (§§ 107-110, § 85 with ABL § 105) reach some thousands of
    citizens a year even in the largest municipalities, whatever the number of postings; a
    bigger file means more postings per citizen (daily stays, corrections), not more citizens.
    Per-citizen state in the delivery rules is therefore bounded by this, not by ``n``.
    """
    return max(50, min(n // 20, 15_000))


def random_cpr(rng: random.Random) -> str:
    year = rng.randrange(1940, 2006)
    month = rng.randrange(1, 13)
    day = rng.randrange(1, calendar.monthrange(year, month)[1] + 1)
    seventh = rng.randrange(0, 4) if year < 2000 else 4
    rest = rng.randrange(0, 1000)
    cpr = f"{day:02d}{month:02d}{year % 100:02d}-{seventh}{rest:03d}"
    return cpr if not cpr.endswith(("9998", "9999")) else cpr[:-1] + "0"


def danish_amount(ore: int) -> str:
    """``1.234,56`` with a trailing minus for negative amounts (as Opus writes them)."""
    sign = "-" if ore < 0 else ""
    kr, rest = divmod(abs(ore), 100)
    return f"{kr:,}".replace(",", ".") + f",{rest:02d}{sign}"


@dataclass(frozen=True)
class Posting:
    """One generated posting, before it is written in a file's format."""

    document: int
    posted: str  # dd.mm.yyyy
    psp: str
    cost_centre: str
    art: str
    cpr: str
    ore: int  # the amount in øre, negative for revenue
    start: str  # dd.mm.yyyy
    end: str
    text: str
    anonymous: str  # "Ja" or ""
    sex: str  # "K"/"M" beside a placeholder CPR, else ""


def postings(n: int, seed: int, n_citizens: int) -> Iterator[Posting]:
    """The ``n`` postings of the export, one at a time (a 10M file is never held in memory).

    Deterministic for ``n``, ``seed`` and ``n_citizens``; the order of the random draws is the
    one the files were generated with from the start, so a given N gives the same file."""
    rng = random.Random(seed)
    services = institutions()
    people = []  # (cpr, institution)
    for _ in range(n_citizens):
        group = rng.choices(services, weights=SERVICE_WEIGHTS)[0]
        inst = rng.choice(group)
        people.append((random_cpr(rng), inst))
    days = [calendar.monthrange(2025, m)[1] for m in range(1, 13)]
    dates = [[f"{d:02d}.{m:02d}.2025" for d in range(1, days[m - 1] + 1)] for m in range(1, 13)]
    posted = [f"{d:02d}.{m:02d}.{y}" for y, m in [(2025, m) for m in range(2, 13)] + [(2026, 1)] for d in (5, 10, 15)]
    # Past 20 postings per citizen (files above 300k lines), a § 109 citizen's short stays
    # overlap: several distinct § 109 periods on one day, which SIU407 rightly reports as a
    # shared placeholder, and convert writes nothing. Their stays are then whole months, so the
    # file stays valid; the draws stay the same for every other line.
    crowded = n > 20 * n_citizens
    for i in range(n):
        cpr, inst = people[rng.randrange(n_citizens)]
        month = rng.randrange(12)
        first, last = 1, days[month]
        if rng.random() < 0.15 and not (crowded and inst.anonymous):  # a stay that starts or ends within the month
            first = rng.randrange(1, last)
            last = rng.randrange(first, last + 1)
        # Unique amount per line (7919 is coprime with 9,000,000): no accidental duplicates.
        ore = 50_000 + (i * 7919) % 9_000_000
        revenue = rng.random() < 0.06
        art = REVENUE_ART if revenue else rng.choice(EXPENDITURE_ARTS)
        anon = sex = ""
        cpr_cell = cpr
        if inst.anonymous and rng.random() < 0.4:
            anon = "Ja"
            if rng.random() < 0.5:
                cpr_cell, sex = PLACEHOLDER_CPR, rng.choice("KM")
        if inst.psp_prefix:
            psp, cc = f"{inst.psp_prefix}-{rng.randrange(1, 40):04d}", ""
        else:
            psp, cc = "", inst.cost_centre or ""
        text = f"Betaling fra anden kommune, {inst.name}" if revenue else f"{inst.name} {MONTHS[month]} 2025"
        yield Posting(
            document=100000 + i,
            posted=posted[month * 3 + rng.randrange(3)],
            psp=psp,
            cost_centre=cc,
            art=art,
            cpr=cpr_cell,
            ore=-ore if revenue else ore,
            start=dates[month][first - 1],
            end=dates[month][last - 1],
            text=text,
            anonymous=anon,
            sex=sex,
        )


def generate(n: int, folder: Path, seed: int = 2025, citizens: int | None = None) -> Path:
    """Write ``opus.csv`` (``n`` postings), ``siu.toml`` and ``mapping.toml`` into ``folder``.

    ``citizens`` overrides :func:`citizens_for` (to measure memory per citizen). Skipped when
    the folder already holds the file for the same ``n``, seed and citizens."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "opus.csv"
    stamp = folder / ".generated"
    n_citizens = citizens or citizens_for(n)
    key = f"{n} {seed} {n_citizens} v4"
    if csv_path.exists() and stamp.exists() and stamp.read_text() == key:
        return csv_path
    with csv_path.open("w", encoding="cp1252", newline="") as fh:
        fh.write(HEADER + "\r\n")
        buf: list[str] = []
        total = 0
        for p in postings(n, seed, n_citizens):
            total += p.ore
            buf.append(
                f"{p.document};{p.posted};{p.psp};{p.cost_centre};{p.art};{p.cpr};{danish_amount(p.ore)};"
                f"{p.start};{p.end};{p.text};{p.anonymous};{p.sex}\r\n"
            )
            if len(buf) >= 10_000:
                fh.write("".join(buf))
                buf.clear()
        fh.write("".join(buf))
        fh.write(f";;;;;;{danish_amount(total)};;;I alt;;\r\n")
    write_config(folder)
    stamp.write_text(key)
    return csv_path


def _day(text: str) -> dt.date:
    return dt.date(int(text[6:10]), int(text[3:5]), int(text[0:2]))


def generate_xlsx(n: int, folder: Path, seed: int = 2025, citizens: int | None = None) -> Path:
    """Write ``opus.xlsx``: the same ``n`` postings as :func:`generate`, as Opus saves a report to Excel.

    A title row and a blank row above the header, document numbers, amounts and dates as Excel
    values (CPR numbers and accounts as text), the total line at the end. Written with
    openpyxl's write-only mode, row by row, so memory stays flat whatever ``n``."""
    from openpyxl import Workbook  # only this variant needs it

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "opus.xlsx"
    stamp = folder / ".generated-xlsx"
    n_citizens = citizens or citizens_for(n)
    key = f"{n} {seed} {n_citizens} v1"
    if path.exists() and stamp.exists() and stamp.read_text() == key:
        return path
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Posteringer")
    ws.append(["Udtræk af posteringer, Opus Økonomi", None, None, "Kørt 15.01.2026"])
    ws.append([])
    ws.append(HEADER.split(";"))
    total = 0
    for p in postings(n, seed, n_citizens):
        total += p.ore
        ws.append(
            [
                p.document,
                _day(p.posted),
                p.psp or None,
                p.cost_centre or None,
                p.art,
                p.cpr,
                p.ore / 100,
                _day(p.start),
                _day(p.end),
                p.text,
                p.anonymous or None,
                p.sex or None,
            ]
        )
    ws.append([None] * 6 + [total / 100, None, None, "I alt"])
    wb.save(path)
    write_config(folder)
    stamp.write_text(key)
    return path


def write_config(folder: Path) -> None:
    """``siu.toml`` and ``mapping.toml`` for the generated exports."""
    (folder / "siu.toml").write_text(SIU_TOML, encoding="utf-8")
    (folder / "mapping.toml").write_text(mapping_toml(institutions()), encoding="utf-8")


SIU_TOML = """\
# Benchmark: en stor kommune (Aarhus) / a large municipality
kommune = "751"
year = 2025
area = "voksen"
mapping = "mapping.toml"

[anonymisation]
placeholders = ["0101010000"]
"""


def mapping_toml(services: list[list[Institution]]) -> str:
    """One rule per institution, in the demo mapping's style (PSP wildcard or cost centre)."""
    lines = ["# Tilknytning af lokale konti til autoriserede kontostrenge (benchmark).", ""]
    for group in services:
        for inst in group:
            lines.append("[[rule]]")
            lines.append(f'name = "{inst.name}"')
            if inst.psp_prefix:
                lines.append(f'psp = "{inst.psp_prefix}-*"')
            else:
                lines.append(f'cost_centre = "{inst.cost_centre}"')
            lines.append(f'function = "{inst.function}"')
            lines.append(f'grouping = "{inst.grouping}"')
            if inst.paragraph:
                lines.append(f'paragraph = "{inst.paragraph}"')
            lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of postings")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--citizens", type=int, help="number of citizens (default: n/20, at most 15,000)")
    parser.add_argument("--xlsx", action="store_true", help="write opus.xlsx (as Opus saves it to Excel) instead")
    args = parser.parse_args()
    make = generate_xlsx if args.xlsx else generate
    print(make(args.n, args.folder, args.seed, args.citizens))


if __name__ == "__main__":
    main()
