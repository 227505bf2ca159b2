"""What every command group of the CLI shares (private): usage errors printed the same way, the
exit codes, plugin and settings loading, and the options declared once.
"""

from __future__ import annotations

from collections.abc import Callable
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


def in_range(minimum: float, maximum: float | None = None) -> Callable[[Any], Any]:
    """An option's callback refusing a number below ``minimum`` or above ``maximum``. (Not typer's
    ``min=``, which would print ``<float range> [x>=0]`` in the help.)"""

    def check(value: Any) -> Any:
        if value is not None and (value < minimum or (maximum is not None and value > maximum)):
            from siu.cli.language import current

            low, high = (str(n).replace(".", ",") if current["lang"] == "da" else str(n) for n in (minimum, maximum))
            if current["lang"] == "en":
                raise typer.BadParameter(
                    f"must be at least {low}" if maximum is None else f"must be from {low} to {high}"
                )
            raise typer.BadParameter(
                f"skal være mindst {low}" if maximum is None else f"skal være fra {low} til {high}"
            )
        return value

    return check


# SIU_LANG sets the language for every command (and its help); --lang on the command line wins
Lang = Annotated[str, typer.Option("--lang", envvar="SIU_LANG", callback=_check_lang)]
# convert and validate: without the flag, `lang` from siu.toml applies (default da)
LangFlag = Annotated[str | None, typer.Option("--lang", envvar="SIU_LANG", callback=_check_lang)]
NoPlugins = Annotated[bool, typer.Option("--no-plugins")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c")]
ReportJson = Annotated[Path | None, typer.Option("--report-json")]
ReportXlsx = Annotated[Path | None, typer.Option("--report-xlsx")]
Accounts = Annotated[Path | None, typer.Option("--accounts")]
Tolerance = Annotated[float | None, typer.Option("--tolerance", callback=in_range(0))]
TestOpt = Annotated[bool, typer.Option("--test")]
MadK = Annotated[float | None, typer.Option("--mad-k", callback=in_range(0.01))]

# The options of convert, validate and siu mapping, declared once (the help text is the same everywhere).
Inputs = Annotated[list[str], typer.Argument()]
SourceOpt = Annotated[list[str] | None, typer.Option("--source", "-s")]
Year = Annotated[int | None, typer.Option("--year", "-y")]
Kommune = Annotated[str | None, typer.Option("--kommune", "-k")]
Area = Annotated[str | None, typer.Option("--area")]
MappingOpt = Annotated[Path | None, typer.Option("--mapping", "-m")]
Strict = Annotated[bool, typer.Option("--strict")]
Encoding = Annotated[str | None, typer.Option("--encoding")]
Delimiter = Annotated[str | None, typer.Option("--delimiter")]
DecimalOpt = Annotated[str | None, typer.Option("--decimal")]
Sheet = Annotated[str | None, typer.Option("--sheet")]
SpecDir = Annotated[Path | None, typer.Option("--spec-dir")]
Aggregate = Annotated[bool | None, typer.Option("--aggregate/--no-aggregate")]
Columns = Annotated[Path | None, typer.Option("--columns")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q")]
AsJson = Annotated[bool, typer.Option("--json")]


_FLAG_WORDS = {"true", "false", "yes", "no", "ja", "nej", "on", "off"}


def no_flag_values(inputs: list[str], lang: str) -> None:
    """``--strict true`` makes ``true`` an input: say that flags take no value, not that a file is missing."""
    for text in inputs:
        if text.lower() in _FLAG_WORDS and not Path(text).exists():
            fail(
                lang,
                UsageError(
                    f"'{text}' er ikke en fil. Flag som --strict tager ingen værdi: skriv --strict, "
                    f"ikke --strict {text}",
                    f"'{text}' is not a file. Flags such as --strict take no value: write --strict, "
                    f"not --strict {text}",
                ),
            )


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
