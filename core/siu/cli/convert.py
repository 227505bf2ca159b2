"""The ``siu`` command line (typer + rich). Danish by default, ``--lang en`` for English.

Exit codes: 0 delivery written (or input valid), 1 validation errors (nothing written),
2 usage or input error. No user error ends in a Python traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from siu import __version__
from siu.adapters import ReadOptions
from siu.base import i18n, masking, safeio
from siu.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    NO_DELIVERY,
    Accounts,
    Aggregate,
    Area,
    AsJson,
    Columns,
    ConfigOpt,
    DecimalOpt,
    Delimiter,
    Encoding,
    Inputs,
    Kommune,
    Lang,
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
    _stderr,
    fail,
)
from siu.cli.deliver import register_delivery_commands
from siu.cli.mapping import mapping_app
from siu.cli.specs import specs_app
from siu.convert.run import UsageError, run_conversion, with_column_map
from siu.findings import CATALOGUE
from siu.host.plugins import load_plugins, local_plugin_files
from siu.report.files import ReportFiles, ReportWriteError

app = typer.Typer(
    name="siu",
    help="siu: indberetning af individhenførbare udgifter (SIU) til Danmarks Statistik.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)


@app.callback()
def _sink() -> None:
    # Every command's output passes the masking filter (siu.base.masking), whoever writes it.
    masking.install_streams()


@app.command()
def convert(
    inputs: Inputs,
    source: SourceOpt = None,
    year: Year = None,
    kommune: Kommune = None,
    area: Area = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Outputfil eller -mappe / Output file or folder")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="xml (system til system) eller xlsx (IDEP.web)")
    ] = None,
    mapping: MappingOpt = None,
    config: ConfigOpt = None,
    strict: Strict = False,
    encoding: Encoding = None,
    delimiter: Delimiter = None,
    decimal: DecimalOpt = None,
    sheet: Sheet = None,
    spec_dir: SpecDir = None,
    aggregate: Aggregate = None,
    split: Annotated[
        bool,
        typer.Option(
            "--split", help="Én fil pr. område (medfører --area begge) / One file per area (implies --area begge)"
        ),
    ] = False,
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
    _convert(**locals(), write=True)


@app.command()
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
    _convert(**locals(), write=False, out=None, fmt=None)


def _convert(
    *,
    inputs: list[str],
    source: list[str] | None,
    year: int | None,
    kommune: str | None,
    area: str | None,
    out: Path | None,
    fmt: str | None,
    mapping: Path | None,
    config: Path | None,
    strict: bool,
    encoding: str | None,
    delimiter: str | None,
    decimal: str | None,
    sheet: str | None,
    spec_dir: Path | None,
    aggregate: bool | None,
    quiet: bool,
    lang: str | None,
    no_plugins: bool,
    write: bool,
    split: bool = False,
    columns: Path | None = None,
    report_json: Path | None = None,
    report_xlsx: Path | None = None,
    accounts: Path | None = None,
    tolerance: float | None = None,
    mad_k: float | None = None,
    test: bool = False,
) -> None:
    settings = _settings(config, lang or "da")
    lang = lang or settings.lang  # the flag wins over `lang` in siu.toml
    if accounts is not None and not accounts.is_file():
        fail(lang, UsageError(f"Regnskabsfilen findes ikke: {accounts}", f"Accounts file not found: {accounts}"))
    settings = settings.with_validation(
        accounts=accounts.resolve() if accounts else None, tolerance=tolerance, mad_k=mad_k
    )
    overridden_area = None
    if split:
        # --split means one file per area, so every area. An area on the command line beside it is a
        # contradiction; one from siu.toml yields to the flag (flags win over siu.toml), with a note.
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
        area = "begge"
        if out is not None and out.suffix and not out.is_dir():
            fail(
                lang,
                UsageError(
                    f"Med --split skrives én fil pr. område; --out skal være en mappe, ikke {out.name}",
                    f"With --split one file per area is written; --out must be a folder, not {out.name}",
                ),
            )
    if tolerance is not None and accounts is None and settings.validation.accounts is None:
        fail(
            lang,
            UsageError(
                "--tolerance gælder afstemningen med regnskabet og kræver --accounts (eller accounts i [validation] i "
                "siu.toml)",
                "--tolerance applies to the reconciliation with the accounts and needs --accounts (or accounts in "
                "[validation] of siu.toml)",
            ),
        )
    if columns is not None:
        if "csv" not in (source or []) and not any(text.startswith("csv:") for text in inputs):
            fail(
                lang,
                UsageError(
                    "--columns gælder input læst med --source csv", "--columns applies to inputs read with --source csv"
                ),
            )
        try:
            settings = with_column_map(settings, columns)
        except UsageError as exc:
            fail(lang, exc)
    settings = settings.with_overrides(
        year=year,
        kommune=kommune.zfill(3) if kommune else None,
        area=area,
        format=fmt,
        mapping=mapping.resolve() if mapping else None,
        aggregate=aggregate,
    )
    host = _load_host(settings, no_plugins, lang)
    console = Console(highlight=False)
    try:
        result = run_conversion(
            inputs,
            source or [],
            settings=settings,
            host=host,
            lang=lang,
            write=write,
            out=out,
            fmt=settings.format,
            strict=strict,
            spec_dir=spec_dir,
            read=ReadOptions(encoding=encoding, delimiter=delimiter, decimal=decimal, sheet=sheet),
            quiet=quiet,
            console=console,
            split=split,
            reports=ReportFiles(json_path=report_json, xlsx_path=report_xlsx),
            overridden_area=overridden_area,
            test=test,
        )
    except (UsageError, ReportWriteError) as exc:
        fail(lang, exc, no_delivery=write)
    # The last line and the exit code say whether a delivery was written: 0 written (convert) or
    # valid (validate); 1 findings stop it, nothing written; 2 usage, input or output error,
    # nothing written; 130/143 interrupted, nothing written; 70 internal error.
    if write and result.written:
        from siu.cli.deliver import write_sidecars

        write_sidecars(result, lang, report_json, report_xlsx)
        for output in result.outputs or [result.output]:
            console.print(
                ("Delivery written: " if lang == "en" else "Leverance skrevet: ") + masking.console_text(str(output))
            )
    elif write:
        console.print("No delivery written." if lang == "en" else "Ingen leverance skrevet.")
    raise typer.Exit(EXIT_OK if result.ok else EXIT_INVALID)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Mappe til leverancen / Output folder")] = Path("siu-demo"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="xml eller xlsx")] = "xml",
    lang: Lang = "da",
) -> None:
    """Kør en konvertering på medfølgende eksempeldata / Run a conversion on bundled example data."""
    from siu.demo import DEMO_DIR

    settings = _settings(DEMO_DIR / "siu.toml", lang)
    host = _load_host(settings, False, lang)
    console = Console(highlight=False)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # e.g. --out names an existing file
        fail(
            lang,
            UsageError(
                f"Kan ikke bruge {out} som mappe til demoen: {exc.strerror}",
                f"Cannot use {out} as the demo's folder: {exc.strerror}",
            ),
            no_delivery=True,
        )
    try:
        result = run_conversion(
            [str(DEMO_DIR / "opus-udtraek-2025.csv")],
            ["opus"],
            settings=settings,
            host=host,
            lang=lang,
            write=True,
            out=out,
            fmt=fmt,
            strict=False,
            spec_dir=None,
            read=ReadOptions(),
            quiet=False,
            console=console,
        )
    except (UsageError, ReportWriteError) as exc:
        fail(lang, exc, no_delivery=True)
    if result.written:
        from siu.cli.deliver import write_sidecars

        write_sidecars(result, lang, None, None)
        console.print(
            ("Demo delivery written: " if lang == "en" else "Demo-leverance skrevet: ")
            + masking.console_text(str(result.output.resolve() if result.output else ""))
        )
    raise typer.Exit(EXIT_OK if result.ok else EXIT_INVALID)


@app.command()
def web(
    port: Annotated[
        int,
        typer.Option(
            "--port", min=0, max=65535, help="Port på 127.0.0.1 (0: en ledig) / Port on 127.0.0.1 (0: a free one)"
        ),
    ] = 0,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Skriv kun adressen / Only print the address")
    ] = False,
    max_upload: Annotated[int, typer.Option("--max-upload", min=1, help="Største fil i MB / Largest file in MB")] = 200,
    config: ConfigOpt = None,
    lang: Lang = "da",
    no_plugins: NoPlugins = False,
) -> None:
    """Åbn siu i browseren på denne computer / Open siu in the browser on this computer."""
    from siu.web import serve

    settings = _settings(config, lang)
    console = Console(highlight=False)

    def announce(url: str) -> None:
        console.print(
            ("siu web runs at (stop with Ctrl+C): " if lang == "en" else "siu web kører på (stop med Ctrl+C): ") + url,
            soft_wrap=True,
        )

    try:
        serve(
            base=settings,
            port=port,
            open_browser=not no_browser,
            no_plugins=no_plugins,
            max_upload=max_upload * 1024 * 1024,
            lang=lang,
            announce=announce,
        )
    except OSError as exc:  # the port is taken
        fail(
            lang,
            UsageError(
                f"Kan ikke lytte på 127.0.0.1:{port}: {exc.strerror}",
                f"Cannot listen on 127.0.0.1:{port}: {exc.strerror}",
            ),
        )


app.add_typer(specs_app, name="specs")
app.add_typer(mapping_app, name="mapping")
register_delivery_commands(app)


@app.command()
def plugins(
    as_json: AsJson = False,
    no_plugins: NoPlugins = False,
    config: ConfigOpt = None,
    lang: Lang = "da",
) -> None:
    """Vis plugins, deres version og hvad de leverer / Show plugins, versions and what they provide.

    Exit code 2 when two plugins claim one source or writer name (the listing is still shown)."""
    from siu.host.plugins import API_VERSION

    settings = _settings(config, lang)
    host = _load_host(settings, no_plugins, lang, raise_conflicts=False)
    en = lang == "en"
    if as_json:
        data = {
            "siu": __version__,
            "api": API_VERSION,
            "plugins": [p.as_dict() for p in host.plugins],
            "sources": {
                n: {"plugin": host.provider_of("sources", n), "description": s.description}
                for n, s in sorted(host.sources.items())
            },
            "writers": {
                n: {"plugin": host.provider_of("writers", n), "description": w.description}
                for n, w in sorted(host.writers.items())
            },
            "problems": [f.model_dump(mode="json", exclude_none=True) for f in host.warnings()],
            "conflicts": [c.finding.model_dump(mode="json", exclude_none=True) for c in host.conflicts if c.finding],
        }
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        from rich.table import Table

        table = Table(title=f"siu {__version__} plugins (API {API_VERSION})")
        heads = (
            ("Navn (til SIU_DISABLE_PLUGINS)", "Name (for SIU_DISABLE_PLUGINS)"),
            ("Pakke", "Package"),
            ("Version", "Version"),
            ("API", "API"),
            ("Status", "Status"),
            ("Hooks", "Hooks"),
            ("Leverer", "Provides"),
        )
        for head in heads:
            table.add_column(head[int(en)], overflow="fold")
        for p in host.plugins:
            provides = []
            for items, da_label, en_label in (
                (p.sources, "kilder", "sources"),
                (p.writers, "formater", "writers"),
                (p.rules, "regler", "rules"),
                (p.spec_packs, "spec-pakker", "spec packs"),
            ):
                if items:
                    shown = ", ".join(items) if len(items) <= 6 else f"{len(items)}"
                    provides.append(f"{en_label if en else da_label}: {shown}")
            name = p.disable_as or (f"{p.name} (core)" if en else f"{p.name} (kerne)")
            status = i18n.status("plugin", p.status, lang) + (f": {p.problem.code}" if p.problem else "")
            table.add_row(name, p.package, p.version, p.api or "-", status, ", ".join(p.hooks), "; ".join(provides))
        Console(highlight=False).print(table)
    for conflict in host.conflicts:
        _stderr().print(
            f"[bold red]{'Error' if en else 'Fejl'}:[/] {conflict.message_en if en else conflict.message_da}",
            highlight=False,
            soft_wrap=True,
        )
    if host.conflicts:
        raise typer.Exit(EXIT_USAGE)


@app.command()
def explain(
    code: Annotated[str, typer.Argument(help="Kode, fx SIU101 / Code, e.g. SIU101")],
    config: ConfigOpt = None,
    lang: Lang = "da",
) -> None:
    """Forklar en fundkode / Explain a finding code."""
    # plugins (also the municipality's local ones) may define codes of their own; a conflict must not stop `explain`
    load_plugins(raise_conflicts=False, local_files=local_plugin_files(_settings(config, lang)))
    entry = CATALOGUE.get(code.upper())
    if entry is None:
        fail(lang, UsageError(f"Ukendt kode: {code}", f"Unknown code: {code}"))
    en = lang == "en"
    console = Console(highlight=False)
    severity = (
        {"error": "fejl", "warning": "advarsel"}.get(entry.severity.value, entry.severity.value)
        if not en
        else entry.severity.value
    )
    console.print(f"[bold]{entry.code}[/] · {severity} · {escape(entry.title_en if en else entry.title_da)}")
    console.print(escape(entry.doc_en if en else entry.doc_da))  # docs name TOML tables like [excel]


def main() -> None:
    """Entry point: run the app behind the masking filter; SIGINT/SIGTERM stop it cleanly (no
    temporary file left, exit 128 + signal); an unexpected internal error prints a masked,
    escaped message, no locals (exit 70)."""
    masking.install_streams()
    if os.environ.get("SIU_DEBUG") != "1":
        # errors Python can only report (a library's generator collected half-way): never a traceback
        sys.unraisablehook = lambda unraisable: None
    lang = "en" if "--lang" in sys.argv and "en" in sys.argv else "da"
    with safeio.signal_handlers(until_exit=True):  # around the clean-up too: a second Ctrl-C is only noted
        try:
            app()
        except SystemExit:
            raise
        except safeio.Interrupted as exc:
            safeio.cleanup()
            name = signal_name(exc.signum)
            _stderr().print(f"Interrupted ({name})." if lang == "en" else f"Afbrudt ({name}).", highlight=False)
            _stderr().print(_written_line(lang), highlight=False)
            sys.exit(exc.exit_code)
        except Exception as exc:  # the last guard against leaking personal data
            safeio.cleanup()
            # console_text: the message may quote data, e.g. "[/]" that rich would read as markup
            msg = masking.console_text(f"{exc.__class__.__name__}: {exc}")
            _stderr().print(
                ("Internal error in siu: " if lang == "en" else "Intern fejl i siu: ") + msg, highlight=False
            )
            if os.environ.get("SIU_DEBUG") == "1":
                import traceback

                _stderr().print(masking.console_text(traceback.format_exc(), keep_newlines=True), highlight=False)
            _stderr().print(_written_line(lang), highlight=False)
            sys.exit(70)
        finally:
            safeio.cleanup()


def signal_name(signum: int) -> str:
    import signal

    return signal.Signals(signum).name


def _written_line(lang: str) -> str:
    """The last line after an interruption or an internal error: whether a file was published."""
    if not safeio.committed:
        return NO_DELIVERY["en" if lang == "en" else "da"]
    names = ", ".join(str(p) for p in safeio.committed)
    return f"Files written before the stop: {names}" if lang == "en" else f"Filer skrevet før stoppet: {names}"
