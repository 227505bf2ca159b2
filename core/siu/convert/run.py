"""The run set-up (private): the inputs paired with sources (:mod:`siu.convert.inputs`), the spec
pack and context chosen, the writer and targets picked, the run streamed and its reports made.

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
from siu.adapters import ReadOptions
from siu.base import safeio
from siu.base.config import Settings
from siu.base.cpr import mask_cpr
from siu.base.stamp import creation_time
from siu.catalogue.check_ledger import SPLIT_OVERRIDES_AREA
from siu.catalogue.write import STALE_REMOVED
from siu.context import Context
from siu.convert.inputs import (  # noqa: F401  (re-exported: the run's set-up, as the CLI and siu web use it)
    UsageError,
    check_outputs,
    check_read_options,
    check_source_sections,
    checked_inputs,
    detect_source,
    guess_input_year,
    input_specs,
    parse_inputs,
    with_column_map,
)
from siu.convert.pipeline import Converter
from siu.findings import FindingSink
from siu.host.plugins import PluginHost
from siu.host.specs_registry import SpecRegistry
from siu.mapping import MappingError
from siu.models import Location
from siu.report.console import print_report
from siu.report.files import ReportFiles
from siu.report.progress import ConversionProgress, conversion_progress
from siu.report.result import InputSpec, RunResult
from siu.specpack import SpecError, SpecPack
from siu.write.testdelivery import TestDeliverySink, test_path
from siu.writers import Writer

AREAS = ("voksen", "boern", "begge")


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
    pairs = checked_inputs(inputs, sources, settings, host, read, lang)
    given = [path for _, path in pairs]
    reports_to = [p for p in (reports.json_path, reports.xlsx_path) if p is not None] if reports else []
    check_outputs(reports_to, given)
    specs = input_specs(pairs, settings, host, read, lang, quiet)
    data_year = None if settings.year else guess_input_year(specs, host)
    ctx = build_context(settings, host, spec_dir, lang, data_year)
    ctx.test = test
    writer: Writer | None = None
    target: Path | None = None
    split_targets: dict[str, Path] | None = None
    channel_notes: list[Any] = []
    if write:
        writer, target, split_targets, channel_notes = _writer_and_targets(ctx, specs, settings, host, fmt, out, split)
        delivered = list(split_targets.values()) if split_targets else [target] if target else []
        check_outputs([*reports_to, *delivered], given)
    outputs = [target, *(split_targets or {}).values(), *(reports.paths() if reports else [])]
    sink = _sink(settings, strict, test, reports, channel_notes, outputs)
    if overridden_area is not None and split_targets:
        sink.add(SPLIT_OVERRIDES_AREA.make(area=overridden_area))
    finish = _Finish(sink, ctx, host, lang, console if not quiet else None, reports)
    try:
        with conversion_progress(enabled=not quiet and progress is None, lang=lang) as line:
            finish.line = line
            converter = Converter(host, ctx, sink, progress=progress or line)
            result = converter.run(specs, writer, target, split=split_targets, before_commit=finish)
            if not finish.done:
                finish(result)
    except MappingError as exc:
        raise UsageError(exc.message_da, exc.message_en) from None
    except OSError as exc:  # the output folder or file cannot be written (read-only, full, not a folder)
        where = mask_cpr(str(exc.filename or target or out or ""))
        raise UsageError(f"Kan ikke skrive {where}: {exc.strerror}", f"Cannot write {where}: {exc.strerror}") from None
    return result


class _Finish:
    """The console report and the report files: made before the delivery is published (see
    Converter.run), so a report that cannot be written leaves no new delivery behind."""

    def __init__(
        self,
        sink: FindingSink,
        ctx: Context,
        host: PluginHost,
        lang: str,
        console: Console | None,
        reports: ReportFiles | None,
    ) -> None:
        self.sink, self.ctx, self.host, self.lang, self.console, self.reports = sink, ctx, host, lang, console, reports
        self.kommune_name = kommuner().get(ctx.kommune)
        self.line: ConversionProgress | None = None  # the terminal progress line, once drawn
        self.done = False

    def __call__(self, result: RunResult) -> None:
        self.done = True
        if isinstance(self.sink, TestDeliverySink):
            self.sink.summarise(self.ctx.spec, self.ctx.year, result.years)
        if self.line is not None:  # the terminal progress line ends before the report
            self.line.close()
        if self.console is not None:
            print_report(self.console, result, self.host, lang=self.lang, kommune_name=self.kommune_name)
        if self.reports is not None and self.reports.wanted:
            self.reports.write(result, self.host, self.lang, self.kommune_name)


def _remove_stale(sink: FindingSink, outputs: list[Path | None]) -> None:
    """Remove what killed siu runs left in this run's output folders, and say so (SIU903)."""
    for folder in dict.fromkeys(p.parent for p in outputs if p is not None):
        removed = safeio.remove_stale(folder)
        if removed:
            sink.add(STALE_REMOVED.make(location=Location(file=str(folder)), count=len(removed), folder=str(folder)))
