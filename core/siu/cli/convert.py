"""``siu convert`` and ``siu validate``: the flags of a conversion, checked and turned into settings,
then the run (:func:`siu.convert.run.run_conversion`) and the last line saying what was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from siu.adapters import ReadOptions
from siu.base import masking
from siu.base.config import Settings
from siu.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    Accounts,
    Aggregate,
    Area,
    Columns,
    ConfigOpt,
    DecimalOpt,
    Delimiter,
    Encoding,
    Inputs,
    Kommune,
    LangFlag,
    MadK,
    MappingOpt,
    NoPlugins,
    Quiet,
    ReportJson,
    ReportXlsx,
    Sheet,
    SourceOpt,
    SpecDir,
    Strict,
    TestOpt,
    Tolerance,
    Year,
    _load_host,
    _settings,
    fail,
    no_flag_values,
)
from siu.convert.run import UsageError, run_conversion, with_column_map
from siu.report.console import report_console
from siu.report.files import ReportFiles, ReportWriteError

if TYPE_CHECKING:
    from siu.report.result import RunResult


def convert(
    inputs: Inputs,
    source: SourceOpt = None,
    year: Year = None,
    kommune: Kommune = None,
    area: Area = None,
    out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f")] = None,
    mapping: MappingOpt = None,
    config: ConfigOpt = None,
    strict: Strict = False,
    encoding: Encoding = None,
    delimiter: Delimiter = None,
    decimal: DecimalOpt = None,
    sheet: Sheet = None,
    spec_dir: SpecDir = None,
    aggregate: Aggregate = None,
    split: Annotated[bool, typer.Option("--split")] = False,
    columns: Columns = None,
    report_json: ReportJson = None,
    report_xlsx: ReportXlsx = None,
    accounts: Accounts = None,
    tolerance: Tolerance = None,
    mad_k: MadK = None,
    quiet: Quiet = False,
    test: TestOpt = False,
    lang: LangFlag = None,
    no_plugins: NoPlugins = False,
) -> None:
    """Konvertér udtræk til en SIU-leverance / Convert exports into an SIU delivery."""
    _convert(RunArgs(**locals(), write=True))


def validate(
    inputs: Inputs,
    source: SourceOpt = None,
    year: Year = None,
    kommune: Kommune = None,
    area: Area = None,
    mapping: MappingOpt = None,
    config: ConfigOpt = None,
    strict: Strict = False,
    encoding: Encoding = None,
    delimiter: Delimiter = None,
    decimal: DecimalOpt = None,
    sheet: Sheet = None,
    spec_dir: SpecDir = None,
    aggregate: Aggregate = None,
    columns: Columns = None,
    report_json: ReportJson = None,
    report_xlsx: ReportXlsx = None,
    accounts: Accounts = None,
    tolerance: Tolerance = None,
    mad_k: MadK = None,
    quiet: Quiet = False,
    test: TestOpt = False,
    lang: LangFlag = None,
    no_plugins: NoPlugins = False,
) -> None:
    """Kontrollér udtræk uden at skrive noget / Check inputs without writing anything."""
    _convert(RunArgs(**locals(), write=False, out=None, fmt=None))


@dataclass(frozen=True, kw_only=True)
class RunArgs:
    """What `siu convert` and `siu validate` were given, as one typed value (the commands' options)."""

    inputs: list[str]
    source: list[str] | None
    year: int | None
    kommune: str | None
    area: str | None
    out: Path | None
    fmt: str | None
    mapping: Path | None
    config: Path | None
    strict: bool
    encoding: str | None
    delimiter: str | None
    decimal: str | None
    sheet: str | None
    spec_dir: Path | None
    aggregate: bool | None
    quiet: bool
    lang: str | None
    no_plugins: bool
    write: bool
    split: bool = False
    columns: Path | None = None
    report_json: Path | None = None
    report_xlsx: Path | None = None
    accounts: Path | None = None
    tolerance: float | None = None
    mad_k: float | None = None
    test: bool = False


def _convert(a: RunArgs) -> None:
    settings = _settings(a.config, a.lang or "da")
    lang = a.lang or settings.lang  # the flag wins over `lang` in siu.toml
    area = a.area
    no_flag_values(a.inputs, lang)
    if a.accounts is not None and not a.accounts.is_file():
        fail(lang, UsageError(f"Regnskabsfilen findes ikke: {a.accounts}", f"Accounts file not found: {a.accounts}"))
    settings = settings.with_validation(
        accounts=a.accounts.resolve() if a.accounts else None, tolerance=a.tolerance, mad_k=a.mad_k
    )
    overridden_area = None
    if a.split:
        area, overridden_area = _split_area(settings, lang, area, a.out)
    if a.tolerance is not None and a.accounts is None and settings.validation.accounts is None:
        fail(
            lang,
            UsageError(
                "--tolerance gælder afstemningen med regnskabet og kræver --accounts (eller accounts i [validation] i "
                "siu.toml)",
                "--tolerance applies to the reconciliation with the accounts and needs --accounts (or accounts in "
                "[validation] of siu.toml)",
            ),
        )
    if a.columns is not None:
        settings = _column_map(settings, lang, a.columns, a.source, a.inputs)
    settings = settings.with_overrides(
        year=a.year,
        kommune=a.kommune.zfill(3) if a.kommune else None,
        area=area,
        format=a.fmt,
        mapping=a.mapping.resolve() if a.mapping else None,
        aggregate=a.aggregate,
    )
    host = _load_host(settings, a.no_plugins, lang)
    console = report_console()
    try:
        result = run_conversion(
            a.inputs,
            a.source or [],
            settings=settings,
            host=host,
            lang=lang,
            write=a.write,
            out=a.out,
            fmt=settings.format,
            strict=a.strict,
            spec_dir=a.spec_dir,
            read=ReadOptions(encoding=a.encoding, delimiter=a.delimiter, decimal=a.decimal, sheet=a.sheet),
            quiet=a.quiet,
            console=console,
            split=a.split,
            reports=ReportFiles(json_path=a.report_json, xlsx_path=a.report_xlsx),
            overridden_area=overridden_area,
            test=a.test,
        )
    except (UsageError, ReportWriteError) as exc:
        fail(lang, exc, no_delivery=a.write)
    _last_line(result, console, lang, a.write, a.report_json, a.report_xlsx)


def _last_line(
    result: RunResult, console: Console, lang: str, write: bool, report_json: Path | None, report_xlsx: Path | None
) -> NoReturn:
    """The last line and the exit code say whether a delivery was written: 0 written (convert) or
    valid (validate); 1 findings stop it, nothing written; 2 usage, input or output error,
    nothing written; 130/143 interrupted, nothing written; 70 internal error."""
    if write and result.written:
        from siu.cli.deliver import write_sidecars

        write_sidecars(result, lang, report_json, report_xlsx)
        for output in result.outputs or ([result.output] if result.output else []):
            console.print(
                ("Delivery written: " if lang == "en" else "Leverance skrevet: ") + masking.console_text(str(output))
            )
    elif write:
        console.print("No delivery written." if lang == "en" else "Ingen leverance skrevet.")
    raise typer.Exit(EXIT_OK if result.ok else EXIT_INVALID)


def _split_area(settings: Settings, lang: str, area: str | None, out: Path | None) -> tuple[str, str | None]:
    """``--split``: (the area, ``begge``; the area of siu.toml the flag overrode, if any)."""
    # --split means one file per area, so every area. An area on the command line beside it is a
    # contradiction; one from siu.toml yields to the flag (flags win over siu.toml), with a note.
    overridden_area = None
    if area is not None and area != "begge":
        fail(
            lang,
            UsageError(
                f"--split skriver én fil pr. område og kan ikke bruges med --area {area}; brug --area begge, "
                f"eller udelad --split for kun at levere {area}",
                f"--split writes one file per area and cannot be used with --area {area}; use --area begge, or "
                f"leave out --split to deliver {area} only",
            ),
        )
    if area is None and settings.area not in (None, "begge"):
        overridden_area = settings.area
    if out is not None and out.suffix and not out.is_dir():
        fail(
            lang,
            UsageError(
                f"Med --split skrives én fil pr. område; --out skal være en mappe, ikke {out.name}",
                f"With --split one file per area is written; --out must be a folder, not {out.name}",
            ),
        )
    return "begge", overridden_area


def _column_map(settings: Settings, lang: str, columns: Path, source: list[str] | None, inputs: list[str]) -> Settings:
    """``--columns``: the settings with the column map for ``--source csv``."""
    if "csv" not in (source or []) and not any(text.startswith("csv:") for text in inputs):
        fail(
            lang,
            UsageError(
                "--columns gælder input læst med --source csv", "--columns applies to inputs read with --source csv"
            ),
        )
    try:
        return with_column_map(settings, columns)
    except UsageError as exc:
        fail(lang, exc)
