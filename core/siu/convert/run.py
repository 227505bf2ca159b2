"""The run set-up (private): inputs paired with sources, the spec pack and context chosen, the
writer and targets picked, the run streamed and its reports made.

:func:`run_conversion` is the one run behind ``siu convert``, ``validate``, ``demo`` and ``siu web``.
It raises :class:`UsageError` (a message in both languages) for anything wrong with how it was
called; the callers print it their way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from siu.accounts.channels import resolve_format
from siu.accounts.paying import kommuner
from siu.adapters import ReadOptions, Sniff
from siu.base import masking, safeio
from siu.base.config import Settings
from siu.base.cpr import mask_cpr
from siu.base.errors import BilingualError
from siu.base.stamp import creation_time
from siu.base.tomlfile import read_toml
from siu.catalogue.check import SPLIT_OVERRIDES_AREA
from siu.catalogue.write import STALE_REMOVED
from siu.context import Context
from siu.convert.pipeline import Converter
from siu.findings import FindingSink
from siu.host.plugins import PluginHost
from siu.host.specs_registry import SpecRegistry
from siu.mapping import MappingError
from siu.models import Location
from siu.report.console import print_report
from siu.report.files import ReportFiles
from siu.report.progress import conversion_progress
from siu.report.result import InputSpec, RunResult
from siu.specpack import SpecError, SpecPack
from siu.tables import XLSX_SUFFIXES
from siu.write.testdelivery import TestDeliverySink, test_path
from siu.writers import Writer


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


AREAS = ("voksen", "boern", "begge")


class UsageError(BilingualError):
    """A problem with how siu was called or with its settings: exit code 2, message in both languages."""


def parse_inputs(
    inputs: list[str], sources: list[str], available: dict[str, Any], lang: str
) -> list[tuple[str | None, Path]]:
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
            raise UsageError(
                f"Ukendt kilde '{name}'. Tilgængelige kilder: {names}",
                f"Unknown source '{name}'. Available sources: {names}",
            )
    return pairs


def detect_source(
    path: Path, host: PluginHost, lang: str, quiet: bool, configured: dict[str, dict[str, Any]] | None = None
) -> str:
    """Pick the adapter most confident about ``path``, each sniffing with its ``[source.NAME]``
    settings from siu.toml (``configured``: extra header aliases count); ask for --source when unsure."""
    scores = []
    for name, src in host.sources.items():
        try:
            sniff = src.sniff_with(path, ReadOptions(settings=(configured or {}).get(name, {})))
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
        said = f"{path.name}: " + (
            f"read as '{name}' ({confidence:.0%}): {sniff.reason(lang)}"
            if lang == "en"
            else f"læses som '{name}' ({confidence:.0%}): {sniff.reason(lang)}"
        )
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
            'Kommunekoden mangler: angiv --kommune eller kommune = "..." i siu.toml',
            'The municipality code is missing: give --kommune or kommune = "..." in siu.toml',
        )
    kommune = kommune.strip().zfill(3)
    if kommune not in kommuner():
        raise UsageError(
            f"Ukendt kommunekode: {kommune} (DST's tre-cifrede koder, fx 101)",
            f"Unknown municipality code: {kommune} (DST's three-digit codes, e.g. 101)",
        )
    year = settings.year or data_year
    if year is None:
        raise UsageError(
            "Regnskabsåret kan ikke afgøres: angiv --year", "The reporting year cannot be determined: give --year"
        )
    spec = choose_spec(host, year, spec_dir, lang)
    try:
        spec.select_version(creation_time().date())  # the executive order in force on the delivery date
    except ValueError as exc:  # SOURCE_DATE_EPOCH
        raise UsageError(f"Ugyldig SOURCE_DATE_EPOCH: {exc}", f"Invalid SOURCE_DATE_EPOCH: {exc}") from None
    area = settings.area or spec.manifest.default_area
    if area not in AREAS:
        raise UsageError(
            f"Ukendt område '{area}'; brug voksen, boern eller begge",
            f"Unknown area '{area}'; use voksen, boern or begge",
        )
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
    data = read_toml(path, UsageError, ("Kolonnekortet findes ikke: {path}", "Column map not found: {path}"))
    if not isinstance(data.get("columns"), dict):
        raise UsageError(
            f'{path} skal have en tabel [columns] med felt = "Overskrift"',
            f'{path} must have a [columns] table with field = "Header"',
        )
    source = dict(settings.source)
    source["csv"] = {**source.get("csv", {}), **data}
    return settings.model_copy(update={"source": source})


def _guess_year(pairs: list[InputSpec], host: PluginHost) -> int | None:
    from siu.adapters import ReadInfo
    from siu.convert.pipeline import guess_year
    from siu.models import Posting

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


def input_specs(
    pairs: list[tuple[str | None, Path]],
    settings: Settings,
    host: PluginHost,
    read: ReadOptions,
    lang: str,
    quiet: bool,
) -> list[InputSpec]:
    """Each input file with the source that reads it (sniffed when not named) and its read options
    (the command line's, plus the source's section of siu.toml)."""
    specs: list[InputSpec] = []
    for name, path in pairs:
        if not path.exists() or path.is_dir():
            raise UsageError(f"Inputfilen findes ikke: {path}", f"Input file not found: {path}")
        name = name or detect_source(path, host, lang, quiet, settings.source)
        options = ReadOptions(
            encoding=read.encoding,
            delimiter=read.delimiter,
            decimal=read.decimal,
            sheet=read.sheet,
            settings=settings.source.get(name, {}),
        )
        specs.append(InputSpec(source=name, path=path, options=options))
    return specs


def _writer_and_targets(
    ctx: Context,
    specs: list[InputSpec],
    settings: Settings,
    host: PluginHost,
    fmt: str,
    out: Path | None,
    split: bool,
) -> tuple[Writer, Path, dict[str, Path] | None, list[Any]]:
    """The writer for the format (the pack says which channels each source system can use; SAP:
    IDEP.web only), the delivery's target and, with ``--split``, one target per area; named as a
    test delivery when the run is one (the pack's ``[test]``, whatever ``--out`` says)."""
    fmt, channel_notes = resolve_format(
        ctx.spec, [s.source for s in specs], fmt, explicit="format" in settings.model_fields_set
    )
    writer = host.writers.get(fmt)
    if writer is None:
        names = ", ".join(sorted(host.writers))
        raise UsageError(f"Ukendt format '{fmt}'. Tilgængelige: {names}", f"Unknown format '{fmt}'. Available: {names}")
    split_targets: dict[str, Path] | None = None
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
    if ctx.test:
        target = test_path(target, ctx.spec)
        if split_targets:
            split_targets = {a: test_path(p, ctx.spec) for a, p in split_targets.items()}
    return writer, target, split_targets, channel_notes


def _sink(
    settings: Settings,
    strict: bool,
    test: bool,
    reports: ReportFiles | None,
    notes: list[Any],
    outputs: list[Path | None],
) -> FindingSink:
    """The run's finding sink (a test delivery's own with ``--test``), spooling for the report
    files, with the channel notes and what killed runs left in the output folders (SIU903)."""
    sink_type = TestDeliverySink if test else FindingSink
    sink = sink_type(overrides=settings.severity, strict=strict, spool=reports.open_spool() if reports else None)
    sink.extend(notes)
    _remove_stale(sink, outputs)
    return sink


def _checked_inputs(
    inputs: list[str], sources: list[str], settings: Settings, host: PluginHost, read: ReadOptions, lang: str
) -> list[tuple[str | None, Path]]:
    """The inputs paired with their sources, after the checks a run makes before it reads
    anything (SOURCE_DATE_EPOCH, the [source.*] sections, the read options)."""
    try:
        creation_time()
    except ValueError as exc:
        raise UsageError(f"Ugyldig SOURCE_DATE_EPOCH: {exc}", f"Invalid SOURCE_DATE_EPOCH: {exc}") from None
    pairs = parse_inputs(inputs, sources, host.sources, lang)
    check_source_sections(settings, host)
    check_read_options(read, [path for _, path in pairs])
    return pairs


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
    pairs = _checked_inputs(inputs, sources, settings, host, read, lang)
    reports_to = [p for p in (reports.json_path, reports.xlsx_path) if p is not None] if reports else []
    check_outputs(reports_to, [path for _, path in pairs])
    specs = input_specs(pairs, settings, host, read, lang, quiet)
    data_year = None if settings.year else _guess_year(specs, host)
    ctx = build_context(settings, host, spec_dir, lang, data_year)
    ctx.test = test
    writer: Writer | None = None
    target: Path | None = None
    split_targets: dict[str, Path] | None = None
    channel_notes: list[Any] = []
    if write:
        writer, target, split_targets, channel_notes = _writer_and_targets(ctx, specs, settings, host, fmt, out, split)
        delivered = list(split_targets.values()) if split_targets else [target] if target else []
        check_outputs([*reports_to, *delivered], [path for _, path in pairs])
    outputs = [target, *(split_targets or {}).values(), *(reports.paths() if reports else [])]
    sink = _sink(settings, strict, test, reports, channel_notes, outputs)
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
            sink.add(STALE_REMOVED.make(location=Location(file=str(folder)), count=len(removed), folder=str(folder)))
