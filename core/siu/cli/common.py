"""What every command group of the CLI shares (private): usage errors printed the same way, the
exit codes, plugin and settings loading, and the options declared once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from siu.base import masking
from siu.base.config import ConfigError, Settings, load_settings
from siu.convert.run import UsageError
from siu.host.plugins import PluginError, PluginHost, load_plugins, local_plugin_files
from siu.models import Finding

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


NO_DELIVERY = {"da": "Ingen leverance skrevet.", "en": "No delivery written."}


def fail(lang: str, exc: Any, code: int = EXIT_USAGE, *, no_delivery: bool = False) -> NoReturn:
    """Print a usage error and exit; ``no_delivery`` adds the last line a writing command owes."""
    message = exc.message_en if lang == "en" else exc.message_da
    # console_text: a message may hold [brackets] (a TOML table, a path) that rich would take as
    # markup, and data (a file name) with control characters
    _stderr().print(
        f"[bold red]{'Error' if lang == 'en' else 'Fejl'}:[/] {masking.console_text(message, keep_newlines=True)}",
        highlight=False,
    )
    if no_delivery:
        _stderr().print(NO_DELIVERY["en" if lang == "en" else "da"], highlight=False)
    raise typer.Exit(code)


# --- shared option types -----------------------------------------------------------------


def _check_lang(value: str | None) -> str | None:
    """``--lang`` must be a language siu speaks; any other value would silently mean Danish."""
    if value is not None and value not in LANGS:
        fail(
            "da",
            UsageError(
                f"Ukendt sprog '{value}': brug --lang da eller --lang en / Unknown language '{value}': use --lang da "
                "or --lang en",
                f"Unknown language '{value}': use --lang da or --lang en",
            ),
        )
    return value


LANGS = ("da", "en")
Lang = Annotated[
    str, typer.Option("--lang", help="Sprog for meddelelser: da eller en / Language: da or en", callback=_check_lang)
]
# convert and validate: without the flag, `lang` from siu.toml applies (default da)
LangFlag = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Sprog for meddelelser: da eller en (standard: lang i siu.toml, ellers da) / Language: da or en",
        callback=_check_lang,
    ),
]
NoPlugins = Annotated[
    bool, typer.Option("--no-plugins", help="Indlæs kun siu's egne plugins / Load only siu's own plugins")
]
ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="siu.toml (standard: ./siu.toml)")]
ReportJson = Annotated[
    Path | None, typer.Option("--report-json", help="Skriv alle fund som JSON / Write every finding as JSON")
]
ReportXlsx = Annotated[
    Path | None,
    typer.Option("--report-xlsx", help="Skriv fund som Excel-projektmappe / Write findings as an Excel workbook"),
]
Accounts = Annotated[
    Path | None,
    typer.Option("--accounts", help="Saldobalance (CSV/xlsx) at afstemme med / Trial balance to reconcile with"),
]
Tolerance = Annotated[
    float | None,
    typer.Option("--tolerance", min=0, help="Tilladt afvigelse i kr. ved afstemning / Allowed difference in DKK"),
]
TestOpt = Annotated[
    bool,
    typer.Option(
        "--test",
        help="Testleverance (fx sidste års data), mærket som test / Test delivery (e.g. last year's data), marked as "
        "a test",
    ),
]
MadK = Annotated[
    float | None,
    typer.Option("--mad-k", min=0.01, help="k i median ± k·MAD for ekstreme årsudgifter / k for extreme values"),
]

# The options of convert, validate and siu mapping, declared once (the help text is the same everywhere).
Inputs = Annotated[list[str], typer.Argument(help="Inputfiler (evt. KILDE:FIL) / Input files (optionally SOURCE:FILE)")]
SourceOpt = Annotated[list[str] | None, typer.Option("--source", "-s", help="Kildeformat: opus, sap, excel, csv, ...")]
Year = Annotated[int | None, typer.Option("--year", "-y", help="Regnskabsår / Reporting year")]
Kommune = Annotated[str | None, typer.Option("--kommune", "-k", help="Kommunekode (3 cifre) / Municipality code")]
Area = Annotated[str | None, typer.Option("--area", help="voksen | boern | begge")]
MappingOpt = Annotated[
    Path | None, typer.Option("--mapping", "-m", help="Tilknytningsfil (standard: mapping i siu.toml) / Mapping file")
]
Strict = Annotated[bool, typer.Option("--strict", help="Advarsler stopper leverancen / Warnings fail")]
Encoding = Annotated[str | None, typer.Option("--encoding", help="Tegnsæt (fx cp1252) / Encoding")]
Delimiter = Annotated[str | None, typer.Option("--delimiter", help="Skilletegn: ';', tab, ',', '|' / Delimiter")]
DecimalOpt = Annotated[str | None, typer.Option("--decimal", help="Decimaltegn: ',' eller '.' / Decimal mark")]
Sheet = Annotated[str | None, typer.Option("--sheet", help="Ark i xlsx / Sheet in xlsx")]
SpecDir = Annotated[Path | None, typer.Option("--spec-dir", help="Mappe med en specifikationspakke / Spec pack folder")]
Aggregate = Annotated[
    bool | None,
    typer.Option(
        "--aggregate/--no-aggregate",
        help="Summér fakturaer med sammenhængende perioder / Sum invoices with contiguous periods",
    ),
]
Columns = Annotated[
    Path | None, typer.Option("--columns", help="Kolonnekort til --source csv (TOML) / Column map for --source csv")
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Ingen rapport / No report")]
AsJson = Annotated[bool, typer.Option("--json", help="JSON-output")]


def fail_finding(lang: str, finding: Finding, code: int = EXIT_USAGE) -> NoReturn:
    """Print a finding as the command's error and stop with ``code``."""
    word = "Error" if lang == "en" else "Fejl"
    _stderr().print(
        f"[bold red]{word}:[/] {finding.code} {masking.console_text(finding.message(lang))}",
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(code)


def _load_host(settings: Settings, no_plugins: bool, lang: str, raise_conflicts: bool = True) -> PluginHost:
    try:
        host = load_plugins(
            no_plugins=no_plugins, local_files=local_plugin_files(settings), raise_conflicts=raise_conflicts
        )
    except PluginError as exc:
        fail(lang, exc)
    for finding in host.warnings():
        _stderr().print(
            f"[yellow]{'Warning' if lang == 'en' else 'Advarsel'}:[/] {finding.code} "
            f"{masking.console_text(finding.message(lang))}",
            highlight=False,
            soft_wrap=True,  # one line per warning, so the SIU_DISABLE_PLUGINS name can be copied
        )
    return host


def _settings(config: Path | None, lang: str) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as exc:
        fail(lang, exc)
