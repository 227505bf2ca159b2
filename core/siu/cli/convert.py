"""The ``siu`` command line (typer + rich). Danish by default, ``--lang en`` for English.

Exit codes: 0 delivery written (or input valid), 1 validation errors (nothing written),
2 usage or input error. No user error ends in a Python traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from siu import __version__

from siu.anonymise import masking

from siu.write import safeio
from siu.adapters import ReadOptions, Sniff
from siu.accounts.channels import resolve_format
from siu.write.testdelivery import TestDeliverySink, test_path
from siu.host.config import ConfigError, Settings, load_settings
from siu.context import Context
from siu.anonymise.cpr import mask_cpr
from siu.findings import CATALOGUE, FindingSink
from siu.check.ledger import SPLIT_OVERRIDES_AREA
from siu.models import Location
from siu.mapping import MappingError
from siu.convert.pipeline import Converter, InputSpec, RunResult, creation_time, kommuner
from siu.host.plugins import PluginError, PluginHost, load_plugins, local_plugin_files
from siu.report.progress import conversion_progress
from siu.report.console import print_report
from siu.report.files import ReportFiles, ReportWriteError
from siu.specpack import SpecError, SpecPack
from siu.host.specs_registry import SpecRegistry
from siu.tables import XLSX_SUFFIXES
from siu.cli.mapping import mapping_app
from siu.cli.specs import specs_app
from siu.cli.deliver import register_delivery_commands

app = typer.Typer(
    name="siu",
    help="siu: indberetning af individhenførbare udgifter (SIU) til Danmarks Statistik.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
AREAS = ("voksen", "boern", "begge")


class UsageError(Exception):
    """A problem with how siu was called or with its settings: exit code 2, message in both languages."""

    def __init__(self, message_da: str, message_en: str) -> None:
        self.message_da = message_da
        self.message_en = message_en
        super().__init__(message_en)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


NO_DELIVERY = {"da": "Ingen leverance skrevet.", "en": "No delivery written."}


def fail(lang: str, exc: Any, code: int = EXIT_USAGE, *, no_delivery: bool = False) -> NoReturn:
    """Print a usage error and exit; ``no_delivery`` adds the last line a writing command owes."""
    message = exc.message_en if lang == "en" else exc.message_da
    # console_text: a message may hold [brackets] (a TOML table, a path) that rich would take as
    # markup, and data (a file name) with control characters
    _stderr().print(f"[bold red]{'Error' if lang == 'en' else 'Fejl'}:[/] {masking.console_text(message, keep_newlines=True)}", highlight=False)
    if no_delivery:
        _stderr().print(NO_DELIVERY["en" if lang == "en" else "da"], highlight=False)
    raise typer.Exit(code)


@app.callback()
def _sink() -> None:
    # Every command's output passes the masking filter (siu.anonymise.masking), whoever writes it.
    masking.install_streams()


# --- shared option types -----------------------------------------------------------------

def _check_lang(value: str | None) -> str | None:
    """``--lang`` must be a language siu speaks; any other value would silently mean Danish."""
    if value is not None and value not in LANGS:
        fail("da", UsageError(f"Ukendt sprog '{value}': brug --lang da eller --lang en / Unknown language '{value}': use --lang da or --lang en",
                              f"Unknown language '{value}': use --lang da or --lang en"))
    return value


LANGS = ("da", "en")
Lang = Annotated[str, typer.Option("--lang", help="Sprog for meddelelser: da eller en / Language: da or en", callback=_check_lang)]
# convert and validate: without the flag, `lang` from siu.toml applies (default da)
LangFlag = Annotated[
    str | None, typer.Option("--lang", help="Sprog for meddelelser: da eller en (standard: lang i siu.toml, ellers da) / Language: da or en", callback=_check_lang)
]
NoPlugins = Annotated[bool, typer.Option("--no-plugins", help="Indlæs kun siu's egne plugins / Load only siu's own plugins")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="siu.toml (standard: ./siu.toml)")]
ReportJson = Annotated[Path | None, typer.Option("--report-json", help="Skriv alle fund som JSON / Write every finding as JSON")]
ReportXlsx = Annotated[Path | None, typer.Option("--report-xlsx", help="Skriv fund som Excel-projektmappe / Write findings as an Excel workbook")]
Accounts = Annotated[Path | None, typer.Option("--accounts", help="Saldobalance (CSV/xlsx) at afstemme med / Trial balance to reconcile with")]
Tolerance = Annotated[float | None, typer.Option("--tolerance", min=0, help="Tilladt afvigelse i kr. ved afstemning / Allowed difference in DKK")]
TestOpt = Annotated[
    bool,
    typer.Option("--test", help="Testleverance (fx sidste års data), mærket som test / Test delivery (e.g. last year's data), marked as a test"),
]
MadK = Annotated[float | None, typer.Option("--mad-k", min=0.01, help="k i median ± k·MAD for ekstreme årsudgifter / k for extreme values")]


def _load_host(settings: Settings, no_plugins: bool, lang: str, raise_conflicts: bool = True) -> PluginHost:
    try:
        host = load_plugins(no_plugins=no_plugins, local_files=local_plugin_files(settings), raise_conflicts=raise_conflicts)
    except PluginError as exc:
        fail(lang, exc)
    for finding in host.warnings():
        _stderr().print(
            f"[yellow]{'Warning' if lang == 'en' else 'Advarsel'}:[/] {finding.code} {masking.console_text(finding.message(lang))}",
            highlight=False,
            soft_wrap=True,  # one line per warning, so the SIU_DISABLE_PLUGINS name can be copied
        )
    return host


def _settings(config: Path | None, lang: str) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as exc:
        fail(lang, exc)


def parse_inputs(inputs: list[str], sources: list[str], available: dict[str, Any], lang: str) -> list[tuple[str | None, Path]]:
    """Pair inputs with sources: ``NAME:PATH`` prefixes, one ``--source`` for all, or one per input."""
    pairs: list[tuple[str | None, Path]] = []
    for text in inputs:
        name, sep, rest = text.partition(":")
        if sep and len(name) > 1 and name in available:
            pairs.append((name, Path(rest)))
        else:
            pairs.append((None, Path(text)))
    plain = [i for i, (n, _) in enumerate(pairs) if n is None]
    if sources and not plain:
        raise UsageError(
            "--source bruges ikke: hvert input angiver selv sin kilde (KILDE:FIL); udelad --source eller præfikserne",
            "--source is not used: every input names its source (SOURCE:FILE); leave out --source or the prefixes",
        )
    if len(sources) == 1:
        for i in plain:
            pairs[i] = (sources[0], pairs[i][1])
    elif len(sources) == len(plain) and sources:
        for i, src in zip(plain, sources):
            pairs[i] = (src, pairs[i][1])
    elif sources:
        raise UsageError(
            f"Angiv én --source for alle filer eller én pr. fil ({len(plain)} filer, {len(sources)} --source)",
            f"Give one --source for all files or one per file ({len(plain)} files, {len(sources)} --source)",
        )
    for name, _ in pairs:
        if name is not None and name not in available:
            names = ", ".join(sorted(available)) or "-"
            raise UsageError(f"Ukendt kilde '{name}'. Tilgængelige kilder: {names}", f"Unknown source '{name}'. Available sources: {names}")
    return pairs


def detect_source(path: Path, host: PluginHost, lang: str, quiet: bool) -> str:
    """Pick the adapter most confident about ``path``; ask for --source when unsure."""
    scores = []
    for name, src in host.sources.items():
        try:
            sniff = src.sniff(path)
            if isinstance(sniff, Sniff):
                scores.append((float(sniff.confidence), name, sniff))
        except Exception:  # a sniffer must never stop siu, nor one that answers something else
            continue
    scores.sort(reverse=True)
    if not scores or scores[0][0] < 0.5 or (len(scores) > 1 and scores[0][0] - scores[1][0] < 0.1):
        listing = "; ".join(f"{n}: {s.confidence:.2f} ({s.reason(lang)})" for _, n, s in scores[:4])
        raise UsageError(
            f"Kan ikke afgøre formatet af {path.name} sikkert; angiv --source. Bud: {listing}",
            f"Cannot tell the format of {path.name} for sure; give --source. Candidates: {listing}",
        )
    confidence, name, sniff = scores[0]
    if not quiet:
        said = f"{path.name}: " + (f"read as '{name}' ({confidence:.0%}): {sniff.reason(lang)}" if lang == "en" else f"læses som '{name}' ({confidence:.0%}): {sniff.reason(lang)}")
        _stderr().print(masking.console_text(said), highlight=False)
    return name


def choose_spec(host: PluginHost, year: int, spec_dir: Path | None, lang: str) -> SpecPack:
    try:
        registry = SpecRegistry.from_host(host, extra=[spec_dir] if spec_dir else [])
        return registry.get(year)
    except SpecError as exc:
        raise UsageError(exc.message_da, exc.message_en) from None


def build_context(
    settings: Settings, host: PluginHost, spec_dir: Path | None, lang: str, data_year: int | None
) -> Context:
    kommune = settings.kommune
    if not kommune:
        raise UsageError(
            "Kommunekoden mangler: angiv --kommune eller kommune = \"...\" i siu.toml",
            "The municipality code is missing: give --kommune or kommune = \"...\" in siu.toml",
        )
    kommune = kommune.strip().zfill(3)
    if kommune not in kommuner():
        raise UsageError(f"Ukendt kommunekode: {kommune} (DST's tre-cifrede koder, fx 101)", f"Unknown municipality code: {kommune} (DST's three-digit codes, e.g. 101)")
    year = settings.year or data_year
    if year is None:
        raise UsageError("Regnskabsåret kan ikke afgøres: angiv --year", "The reporting year cannot be determined: give --year")
    spec = choose_spec(host, year, spec_dir, lang)
    try:
        spec.select_version(creation_time().date())  # the executive order in force on the delivery date
    except ValueError as exc:  # SOURCE_DATE_EPOCH
        raise UsageError(f"Ugyldig SOURCE_DATE_EPOCH: {exc}", f"Invalid SOURCE_DATE_EPOCH: {exc}") from None
    area = settings.area or spec.manifest.default_area
    if area not in AREAS:
        raise UsageError(f"Ukendt område '{area}'; brug voksen, boern eller begge", f"Unknown area '{area}'; use voksen, boern or begge")
    if area != "begge" and area not in spec.areas:
        raise UsageError(
            f"Området '{area}' findes ikke i specifikationen for {year} (kun {', '.join(spec.areas)})",
            f"The area '{area}' is not in the {year} specification (only {', '.join(spec.areas)})",
        )
    if area == "begge" and len(spec.areas) == 1:
        area = spec.areas[0]  # a year with one area: 'both' is that area
    return Context(settings=settings, spec=spec, kommune=kommune, year=year, area=area, lang=lang)


def area_targets(ctx: Context, suffix: str, out: Path | None) -> dict[str, Path]:
    """``--split``: one file per area of the year's spec pack, named by the pack, in ``out`` (a folder)."""
    if out is not None and out.suffix and not out.is_dir():
        raise UsageError(
            f"Med --split skrives én fil pr. område; --out skal være en mappe, ikke {out.name}",
            f"With --split one file per area is written; --out must be a folder, not {out.name}",
        )
    folder = out if out is not None else Path.cwd()
    return {area: folder / ctx.spec.file_name(ctx.kommune, area, suffix) for area in ctx.spec.areas}


def check_read_options(read: ReadOptions, paths: list[Path]) -> None:
    """Refuse reading options no input can use (they would be dropped without a word): ``--sheet``
    without a workbook among the inputs, ``--encoding`` or ``--delimiter`` with workbooks only."""
    workbooks = [p.suffix.lower() in XLSX_SUFFIXES for p in paths]
    if read.sheet is not None and not any(workbooks):
        raise UsageError(
            "--sheet gælder regneark (.xlsx), men intet input er et regneark",
            "--sheet applies to workbooks (.xlsx), but no input is a workbook",
        )
    for flag, value in (("--encoding", read.encoding), ("--delimiter", read.delimiter)):
        if value is not None and workbooks and all(workbooks):
            raise UsageError(
                f"{flag} gælder tekstfiler (CSV/TXT), men alle input er regneark (.xlsx)",
                f"{flag} applies to text files (CSV/TXT), but every input is a workbook (.xlsx)",
            )


def check_source_sections(settings: Settings, host: PluginHost) -> None:
    """Refuse a ``[source.NAME]`` section of siu.toml for a source that does not exist (a typo
    would drop its settings without a word). Only when every plugin loaded: a disabled or
    broken plugin's sources are unknown, and its section is not a typo."""
    if any(p.status != "loaded" for p in host.plugins):
        return
    unknown = sorted(set(settings.source) - set(host.sources))
    if unknown:
        names = ", ".join(sorted(host.sources)) or "-"
        raise UsageError(
            f"siu.toml har [source.{unknown[0]}], men ingen kilde hedder '{unknown[0]}'; kendte kilder: {names}",
            f"siu.toml has [source.{unknown[0]}], but no source is named '{unknown[0]}'; known sources: {names}",
        )


def check_outputs(outputs: list[Path], inputs: list[Path]) -> None:
    """Refuse outputs that would overwrite an input or each other: one of them would be lost."""
    seen: dict[Path, Path] = {}
    sources = {p.resolve() for p in inputs}
    for path in outputs:
        where = path.resolve()
        if where in sources:
            raise UsageError(
                f"{mask_cpr(path.name)} er både input og output; siu overskriver aldrig et input",
                f"{mask_cpr(path.name)} is both an input and an output; siu never overwrites an input",
            )
        if where in seen:
            raise UsageError(
                f"To output skal skrives til den samme fil {mask_cpr(path.name)}; det ene ville gå tabt",
                f"Two outputs would be written to the same file {mask_cpr(path.name)}; one would be lost",
            )
        seen[where] = path


def with_column_map(settings: Settings, path: Path) -> Settings:
    """Settings with ``--columns FILE`` as the ``[source.csv]`` section (a ``[columns]`` table and,
    optionally, other keys of that section); the file wins over siu.toml."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"Kolonnekortet findes ikke: {path}", f"Column map not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path} er ikke gyldig TOML: {exc}", f"{path} is not valid TOML: {exc}") from None
    if not isinstance(data.get("columns"), dict):
        raise UsageError(
            f"{path} skal have en tabel [columns] med felt = \"Overskrift\"",
            f"{path} must have a [columns] table with field = \"Header\"",
        )
    source = dict(settings.source)
    source["csv"] = {**source.get("csv", {}), **data}
    return settings.model_copy(update={"source": source})


def _guess_year(pairs: list[InputSpec], host: PluginHost) -> int | None:
    from siu.adapters import ReadInfo
    from siu.models import Posting
    from siu.convert.pipeline import guess_year

    def postings() -> Any:
        for spec in pairs:
            for item in host.sources[spec.source].read(spec.path, spec.options, ReadInfo()):
                if isinstance(item, Posting):
                    yield item

    # A guess only: an adapter that fails here fails again in the conversion, where it is reported (SIU009).
    items = postings()
    try:
        year, _ = guess_year(items)
    except Exception:
        return None
    finally:
        items.close()
    return year


def run_conversion(
    inputs: list[str],
    sources: list[str],
    *,
    settings: Settings,
    host: PluginHost,
    lang: str,
    write: bool,
    out: Path | None,
    fmt: str,
    strict: bool,
    spec_dir: Path | None,
    read: ReadOptions,
    quiet: bool,
    console: Console,
    split: bool = False,
    reports: ReportFiles | None = None,
    overridden_area: str | None = None,
    test: bool = False,
    progress: Any = None,
) -> RunResult:
    """The run behind ``convert``, ``validate``, ``demo`` and ``siu web``: read, check and (with
    ``write``) deliver. ``overridden_area`` is an area from siu.toml that ``--split`` replaced
    (noted in the report). ``progress``, when given, is called with the rows done so far instead
    of drawing the terminal progress line (``siu web`` polls it, and stops a run by raising from it)."""
    try:
        creation_time()
    except ValueError as exc:
        raise UsageError(f"Ugyldig SOURCE_DATE_EPOCH: {exc}", f"Invalid SOURCE_DATE_EPOCH: {exc}") from None
    pairs = parse_inputs(inputs, sources, host.sources, lang)
    check_source_sections(settings, host)
    check_read_options(read, [path for _, path in pairs])
    reports_to = [p for p in (reports.json_path, reports.xlsx_path) if p is not None] if reports else []
    check_outputs(reports_to, [path for _, path in pairs])
    specs: list[InputSpec] = []
    for name, path in pairs:
        if not path.exists() or path.is_dir():
            raise UsageError(f"Inputfilen findes ikke: {path}", f"Input file not found: {path}")
        name = name or detect_source(path, host, lang, quiet)
        options = ReadOptions(
            encoding=read.encoding, delimiter=read.delimiter, decimal=read.decimal, sheet=read.sheet, settings=settings.source.get(name, {})
        )
        specs.append(InputSpec(source=name, path=path, options=options))
    data_year = None if settings.year else _guess_year(specs, host)
    ctx = build_context(settings, host, spec_dir, lang, data_year)
    ctx.test = test
    writer = None
    target = None
    split_targets: dict[str, Path] | None = None
    channel_notes: list[Any] = []
    if write:
        # The pack says which channels each source system can use (SAP: IDEP.web only).
        fmt, channel_notes = resolve_format(ctx.spec, [s.source for s in specs], fmt, explicit="format" in settings.model_fields_set)
        writer = host.writers.get(fmt)
        if writer is None:
            names = ", ".join(sorted(host.writers))
            raise UsageError(f"Ukendt format '{fmt}'. Tilgængelige: {names}", f"Unknown format '{fmt}'. Available: {names}")
        try:
            name = ctx.spec.file_name(ctx.kommune, ctx.area, writer.suffix)
            if out is None:
                target = Path.cwd() / name
            elif out.is_dir() or (not out.exists() and not out.suffix):  # a folder (made when missing)
                target = out / name
            else:
                target = out
            if split and ctx.area == "begge":
                split_targets = area_targets(ctx, writer.suffix, out)
        except SpecError as exc:
            raise UsageError(exc.message_da, exc.message_en) from None
        if test:  # a test delivery is named as one, whatever --out says (the pack's [test])
            target = test_path(target, ctx.spec)
            if split_targets:
                split_targets = {a: test_path(p, ctx.spec) for a, p in split_targets.items()}
        delivered = list(split_targets.values()) if split_targets else [target] if target else []
        check_outputs([*reports_to, *delivered], [path for _, path in pairs])
    sink_type = TestDeliverySink if test else FindingSink
    sink = sink_type(overrides=settings.severity, strict=strict, spool=reports.open_spool() if reports else None)
    sink.extend(channel_notes)
    _remove_stale(sink, [target, *(split_targets or {}).values(), *(reports.paths() if reports else [])])
    if overridden_area is not None and split_targets:
        sink.add(SPLIT_OVERRIDES_AREA.make(area=overridden_area))
    kommune_name = kommuner().get(ctx.kommune)
    finished = False

    def finish(result: RunResult) -> None:
        """The console report and the report files: before the delivery is published (see
        Converter.run), so a report that cannot be written leaves no new delivery behind."""
        nonlocal finished
        finished = True
        if isinstance(sink, TestDeliverySink):
            sink.summarise(ctx.spec, ctx.year, result.years)
        if line is not None:  # the terminal progress line ends before the report
            line.close()
        if not quiet:
            print_report(console, result, host, lang=lang, kommune_name=kommune_name)
        if reports is not None and reports.wanted:
            reports.write(result, host, lang, kommune_name)

    try:
        with conversion_progress(enabled=not quiet and progress is None, lang=lang) as line:
            converter = Converter(host, ctx, sink, progress=progress or line)
            result = converter.run(specs, writer, target, split=split_targets, before_commit=finish)
            if not finished:
                finish(result)
    except MappingError as exc:
        raise UsageError(exc.message_da, exc.message_en) from None
    except OSError as exc:  # the output folder or file cannot be written (read-only, full, not a folder)
        where = mask_cpr(str(exc.filename or target or out or ""))
        raise UsageError(f"Kan ikke skrive {where}: {exc.strerror}", f"Cannot write {where}: {exc.strerror}") from None
    return result


def _remove_stale(sink: FindingSink, outputs: list[Path | None]) -> None:
    """Remove what killed siu runs left in this run's output folders, and say so (SIU903)."""
    for folder in dict.fromkeys(p.parent for p in outputs if p is not None):
        removed = safeio.remove_stale(folder)
        if removed:
            sink.add(safeio.STALE_REMOVED.make(location=Location(file=str(folder)), count=len(removed), folder=str(folder)))


@app.command()
def convert(
    inputs: Annotated[list[str], typer.Argument(help="Inputfiler (evt. KILDE:FIL) / Input files (optionally SOURCE:FILE)")],
    source: Annotated[list[str] | None, typer.Option("--source", "-s", help="Kildeformat: opus, sap, excel, csv, ...")] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", help="Regnskabsår / Reporting year")] = None,
    kommune: Annotated[str | None, typer.Option("--kommune", "-k", help="Kommunekode (3 cifre) / Municipality code")] = None,
    area: Annotated[str | None, typer.Option("--area", help="voksen | boern | begge")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Outputfil eller -mappe / Output file or folder")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="xml (system til system) eller xlsx (IDEP.web)")] = None,
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help="Tilknytningsfil / Mapping file")] = None,
    config: ConfigOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Advarsler stopper leverancen / Warnings fail")] = False,
    encoding: Annotated[str | None, typer.Option("--encoding", help="Tegnsæt (fx cp1252) / Encoding")] = None,
    delimiter: Annotated[str | None, typer.Option("--delimiter", help="Skilletegn: ';', tab, ',', '|'")] = None,
    decimal: Annotated[str | None, typer.Option("--decimal", help="Decimaltegn: ',' eller '.'")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Ark i xlsx / Sheet in xlsx")] = None,
    spec_dir: Annotated[Path | None, typer.Option("--spec-dir", help="Mappe med en specifikationspakke / Spec pack folder")] = None,
    aggregate: Annotated[bool | None, typer.Option("--aggregate/--no-aggregate", help="Summér fakturaer med sammenhængende perioder / Sum invoices with contiguous periods")] = None,
    split: Annotated[bool, typer.Option("--split", help="Én fil pr. område (medfører --area begge) / One file per area (implies --area begge)")] = False,
    columns: Annotated[Path | None, typer.Option("--columns", help="Kolonnekort til --source csv (TOML) / Column map for --source csv")] = None,
    report_json: ReportJson = None,
    report_xlsx: ReportXlsx = None,
    accounts: Accounts = None,
    tolerance: Tolerance = None,
    mad_k: MadK = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Ingen rapport / No report")] = False,
    test: TestOpt = False,
    lang: LangFlag = None,
    no_plugins: NoPlugins = False,
) -> None:
    """Konvertér udtræk til en SIU-leverance / Convert exports into an SIU delivery."""
    _convert(**locals(), write=True)


@app.command()
def validate(
    inputs: Annotated[list[str], typer.Argument(help="Inputfiler / Input files")],
    source: Annotated[list[str] | None, typer.Option("--source", "-s", help="Kildeformat / Source format")] = None,
    year: Annotated[int | None, typer.Option("--year", "-y")] = None,
    kommune: Annotated[str | None, typer.Option("--kommune", "-k")] = None,
    area: Annotated[str | None, typer.Option("--area")] = None,
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m")] = None,
    config: ConfigOpt = None,
    strict: Annotated[bool, typer.Option("--strict")] = False,
    encoding: Annotated[str | None, typer.Option("--encoding")] = None,
    delimiter: Annotated[str | None, typer.Option("--delimiter")] = None,
    decimal: Annotated[str | None, typer.Option("--decimal")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet")] = None,
    spec_dir: Annotated[Path | None, typer.Option("--spec-dir")] = None,
    aggregate: Annotated[bool | None, typer.Option("--aggregate/--no-aggregate")] = None,
    columns: Annotated[Path | None, typer.Option("--columns", help="Kolonnekort til --source csv / Column map for --source csv")] = None,
    report_json: ReportJson = None,
    report_xlsx: ReportXlsx = None,
    accounts: Accounts = None,
    tolerance: Tolerance = None,
    mad_k: MadK = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
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
    settings = settings.with_validation(accounts=accounts.resolve() if accounts else None, tolerance=tolerance, mad_k=mad_k)
    overridden_area = None
    if split:
        # --split means one file per area, so every area. An area on the command line beside it is a
        # contradiction; one from siu.toml yields to the flag (flags win over siu.toml), with a note.
        if area is not None and area != "begge":
            fail(lang, UsageError(
                f"--split skriver én fil pr. område og kan ikke bruges med --area {area}; brug --area begge, eller udelad --split for kun at levere {area}",
                f"--split writes one file per area and cannot be used with --area {area}; use --area begge, or leave out --split to deliver {area} only",
            ))
        if area is None and settings.area not in (None, "begge"):
            overridden_area = settings.area
        area = "begge"
        if out is not None and out.suffix and not out.is_dir():
            fail(lang, UsageError(
                f"Med --split skrives én fil pr. område; --out skal være en mappe, ikke {out.name}",
                f"With --split one file per area is written; --out must be a folder, not {out.name}",
            ))
    if tolerance is not None and accounts is None and settings.validation.accounts is None:
        fail(lang, UsageError(
            "--tolerance gælder afstemningen med regnskabet og kræver --accounts (eller accounts i [validation] i siu.toml)",
            "--tolerance applies to the reconciliation with the accounts and needs --accounts (or accounts in [validation] of siu.toml)",
        ))
    if columns is not None:
        if "csv" not in (source or []) and not any(text.startswith("csv:") for text in inputs):
            fail(lang, UsageError("--columns gælder input læst med --source csv", "--columns applies to inputs read with --source csv"))
        try:
            settings = with_column_map(settings, columns)
        except UsageError as exc:
            fail(lang, exc)
    settings = settings.with_overrides(
        year=year, kommune=kommune.zfill(3) if kommune else None, area=area, format=fmt, mapping=mapping.resolve() if mapping else None,
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
            console.print(("Delivery written: " if lang == "en" else "Leverance skrevet: ") + masking.console_text(str(output)))
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
        fail(lang, UsageError(f"Kan ikke bruge {out} som mappe til demoen: {exc.strerror}", f"Cannot use {out} as the demo's folder: {exc.strerror}"), no_delivery=True)
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
        console.print(("Demo delivery written: " if lang == "en" else "Demo-leverance skrevet: ") + masking.console_text(str(result.output.resolve() if result.output else "")))
    raise typer.Exit(EXIT_OK if result.ok else EXIT_INVALID)


@app.command()
def web(
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port på 127.0.0.1 (0: en ledig) / Port on 127.0.0.1 (0: a free one)")] = 0,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Skriv kun adressen / Only print the address")] = False,
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
        console.print(("siu web runs at (stop with Ctrl+C): " if lang == "en" else "siu web kører på (stop med Ctrl+C): ") + url, soft_wrap=True)

    try:
        serve(base=settings, port=port, open_browser=not no_browser, no_plugins=no_plugins, max_upload=max_upload * 1024 * 1024, lang=lang, announce=announce)
    except OSError as exc:  # the port is taken
        fail(lang, UsageError(f"Kan ikke lytte på 127.0.0.1:{port}: {exc.strerror}", f"Cannot listen on 127.0.0.1:{port}: {exc.strerror}"))


app.add_typer(specs_app, name="specs")
app.add_typer(mapping_app, name="mapping")
register_delivery_commands(app)


@app.command()
def plugins(
    as_json: Annotated[bool, typer.Option("--json", help="JSON-output")] = False,
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
            "sources": {n: {"plugin": host.provider_of("sources", n), "description": s.description} for n, s in sorted(host.sources.items())},
            "writers": {n: {"plugin": host.provider_of("writers", n), "description": w.description} for n, w in sorted(host.writers.items())},
            "problems": [f.model_dump(mode="json", exclude_none=True) for f in host.warnings()],
            "conflicts": [c.finding.model_dump(mode="json", exclude_none=True) for c in host.conflicts if c.finding],
        }
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        from rich.table import Table

        table = Table(title=f"siu {__version__} plugins (API {API_VERSION})")
        heads = (("Navn (til SIU_DISABLE_PLUGINS)", "Name (for SIU_DISABLE_PLUGINS)"), ("Pakke", "Package"), ("Version", "Version"),
                 ("API", "API"), ("Status", "Status"), ("Hooks", "Hooks"), ("Leverer", "Provides"))
        for head in heads:
            table.add_column(head[int(en)], overflow="fold")
        for p in host.plugins:
            provides = []
            for items, da_label, en_label in ((p.sources, "kilder", "sources"), (p.writers, "formater", "writers"),
                                              (p.rules, "regler", "rules"), (p.spec_packs, "spec-pakker", "spec packs")):
                if items:
                    shown = ", ".join(items) if len(items) <= 6 else f"{len(items)}"
                    provides.append(f"{en_label if en else da_label}: {shown}")
            name = p.disable_as or (f"{p.name} (core)" if en else f"{p.name} (kerne)")
            status = p.status if not p.problem else f"{p.status}: {p.problem.code}"
            table.add_row(name, p.package, p.version, p.api or "-", status, ", ".join(p.hooks), "; ".join(provides))
        Console(highlight=False).print(table)
    for conflict in host.conflicts:
        _stderr().print(f"[bold red]{'Error' if en else 'Fejl'}:[/] {conflict.message_en if en else conflict.message_da}", highlight=False, soft_wrap=True)
    if host.conflicts:
        raise typer.Exit(EXIT_USAGE)


@app.command()
def explain(
    code: Annotated[str, typer.Argument(help="Kode, fx SIU101 / Code, e.g. SIU101")], config: ConfigOpt = None, lang: Lang = "da"
) -> None:
    """Forklar en fundkode / Explain a finding code."""
    # plugins (also the municipality's local ones) may define codes of their own; a conflict must not stop `explain`
    load_plugins(raise_conflicts=False, local_files=local_plugin_files(_settings(config, lang)))
    entry = CATALOGUE.get(code.upper())
    if entry is None:
        fail(lang, UsageError(f"Ukendt kode: {code}", f"Unknown code: {code}"))
    en = lang == "en"
    console = Console(highlight=False)
    severity = {"error": "fejl", "warning": "advarsel"}.get(entry.severity.value, entry.severity.value) if not en else entry.severity.value
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
            _stderr().print(("Internal error in siu: " if lang == "en" else "Intern fejl i siu: ") + msg, highlight=False)
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
