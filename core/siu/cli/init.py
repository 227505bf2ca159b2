"""``siu init``: a commented ``siu.toml`` for the municipality and year, and with ``--demo`` the demo's
export, mapping and trial balance, so the commands of the user guides run as printed (private).

The file holds only settings a user can keep as they are: no ``area`` (siu takes it from the
paragraphs), no source's ``period`` and no ``[severity]`` overrides; the rest are commented-out
examples. Every file is written to a temporary name and renamed when complete.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from siu.base import masking
from siu.cli.common import EXIT_OK, Lang, fail
from siu.convert.run import UsageError
from siu.writers import atomic_output, commit

CONFIG_NAME = "siu.toml"
# The demo's files under the names the user guides use (source file in siu.demo → name written).
DEMO_FILES = {
    "opus-udtraek-2025.csv": "export.csv",
    "mapping.toml": "mapping.toml",
    "saldobalance-2025.csv": "saldobalance.csv",
}
DEMO_KOMMUNE, DEMO_YEAR = "101", 2025
DEMO_PLACEHOLDER = "0101010000"

_TEMPLATE_DA = """\
# siu.toml: indstillinger for siu, skrevet af `siu init`.
# Linjer, der begynder med #, er kommentarer; fjern # foran en indstilling for at bruge den.
# Et flag på kommandolinjen (fx --year 2026) går forud for indstillingen her.

# Kommunekoden (3 cifre) og regnskabsåret, leverancen gælder.
kommune = "{kommune}"
year = {year}

# Tilknytningsfilen, der oversætter kommunens lokale konti til autoriserede kontostrenge.
# Lav den med `siu mapping init`, og kontrollér den med `siu mapping check`.
{mapping_line}

# Sprog i meddelelser, rapporter og hjælp: "da" (dansk) eller "en" (engelsk).
# lang = "da"

# Leveranceformat: "xml" (system til system) eller "xlsx" (Excel-skabelonen til IDEP.web).
# format = "xml"

[validation]
# Saldobalance (CSV eller xlsx) at afstemme leverancen med, og den tilladte afvigelse i kr.
# Samme som --accounts og --tolerance på kommandolinjen.
# accounts = "saldobalance.csv"
# tolerance = 100

[anonymisation]
# Pladsholder-CPR-numre, kommunen bruger for anonyme ophold (fx på et krisecenter).
{placeholder_line}
"""

_TEMPLATE_EN = """\
# siu.toml: settings for siu, written by `siu init`.
# Lines starting with # are comments; remove the # before a setting to use it.
# A flag on the command line (e.g. --year 2026) takes precedence over the setting here.

# The municipality code (3 digits) and the reporting year of the delivery.
kommune = "{kommune}"
year = {year}

# The mapping file that turns the municipality's local accounts into official account strings.
# Make it with `siu mapping init` and check it with `siu mapping check`.
{mapping_line}

# Language of messages, reports and help: "da" (Danish) or "en" (English).
lang = "en"

# Delivery format: "xml" (system to system) or "xlsx" (the Excel template for IDEP.web).
# format = "xml"

[validation]
# Trial balance (CSV or xlsx) to reconcile the delivery with, and the allowed difference in DKK.
# The same as --accounts and --tolerance on the command line.
# accounts = "saldobalance.csv"
# tolerance = 100

[anonymisation]
# Placeholder CPR numbers the municipality uses for anonymous stays (e.g. at a women's shelter).
{placeholder_line}
"""


def config_text(kommune: str, year: int, lang: str, demo: bool = False) -> str:
    """The commented ``siu.toml``; with ``demo`` the mapping and placeholder lines are in force."""
    return (_TEMPLATE_EN if lang == "en" else _TEMPLATE_DA).format(
        kommune=kommune,
        year=year,
        mapping_line='mapping = "mapping.toml"' if demo else '# mapping = "mapping.toml"',
        placeholder_line=f'placeholders = ["{DEMO_PLACEHOLDER}"]'
        if demo
        else f'# placeholders = ["{DEMO_PLACEHOLDER}"]',
    )


def _t(lang: str, da: str, en: str) -> str:
    return en if lang == "en" else da


def _checked(kommune: str | None, year: int | None, demo: bool, lang: str) -> tuple[str, int]:
    """The municipality code (3 digits) and the year; the demo's when ``--demo`` leaves them out."""
    if demo:
        kommune = kommune or DEMO_KOMMUNE
        year = year or DEMO_YEAR
    if kommune is None or year is None:
        fail(
            lang,
            UsageError(
                "Angiv kommunekode og regnskabsår, fx: siu init --kommune 101 --year 2025 (eller siu init --demo)",
                "Give the municipality code and the reporting year, e.g.: siu init --kommune 101 --year 2025 "
                "(or siu init --demo)",
            ),
        )
    if not re.fullmatch(r"\d{1,3}", kommune):
        fail(
            lang,
            UsageError(
                f"Kommunekoden skal være op til 3 cifre, ikke '{kommune}'",
                f"The municipality code must be up to 3 digits, not '{kommune}'",
            ),
        )
    if not 2000 <= year <= 2100:
        fail(lang, UsageError(f"Usandsynligt regnskabsår: {year}", f"Unlikely reporting year: {year}"))
    return kommune.zfill(3), year


def _write(target: Path, data: bytes) -> None:
    with atomic_output(target) as (fh, tmp):
        fh.write(data)
    commit(tmp, target)


def init(
    kommune: Annotated[str | None, typer.Option("--kommune", "-k")] = None,
    year: Annotated[int | None, typer.Option("--year", "-y")] = None,
    demo: Annotated[bool, typer.Option("--demo")] = False,
    force: Annotated[bool, typer.Option("--force")] = False,
    lang: Lang = "da",
) -> None:
    """Skriv en siu.toml med kommentarer (og med --demo eksempeldata) i denne mappe / Write a commented
    siu.toml (and with --demo example data) into this folder."""
    from siu.demo import DEMO_DIR

    kommune, year = _checked(kommune, year, demo, lang)
    files: dict[Path, bytes] = {Path(CONFIG_NAME): config_text(kommune, year, lang, demo).encode("utf-8")}
    if demo:
        files.update({Path(name): (DEMO_DIR / source).read_bytes() for source, name in DEMO_FILES.items()})
    existing = [str(path) for path in files if path.exists()]
    if existing and not force:
        names = ", ".join(existing)
        fail(
            lang,
            UsageError(
                f"Findes allerede: {names}. Intet er skrevet; brug --force for at overskrive",
                f"Already there: {names}. Nothing written; use --force to overwrite",
            ),
        )
    console = Console(highlight=False)
    for path, data in files.items():
        try:
            _write(path, data)
        except OSError as exc:
            fail(lang, UsageError(f"Kan ikke skrive {path}: {exc.strerror}", f"Cannot write {path}: {exc.strerror}"))
        console.print(_t(lang, "Skrevet: ", "Written: ") + masking.console_text(str(path)))
    console.print(_next_steps(lang, demo), soft_wrap=True)
    raise typer.Exit(EXIT_OK)


def _next_steps(lang: str, demo: bool) -> str:
    if demo:
        return _t(
            lang,
            "Prøv nu: siu validate --source opus export.csv --accounts saldobalance.csv\n"
            "og derefter: siu convert --source opus export.csv",
            "Now try: siu validate --source opus export.csv --accounts saldobalance.csv\n"
            "and then: siu convert --source opus export.csv",
        )
    return _t(
        lang,
        "Næste skridt: siu mapping init --source opus DIT-UDTRÆK.csv -o mapping.toml, og fjern # foran mapping i "
        "siu.toml",
        "Next: siu mapping init --source opus YOUR-EXPORT.csv -o mapping.toml, and remove the # before mapping in "
        "siu.toml",
    )
