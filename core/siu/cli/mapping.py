"""``siu mapping init|check``: draft a mapping file from the inputs, and check one against them.

``init`` reads the inputs with the same adapters ``convert`` uses and writes a starter TOML file
with one ``[[rule]]`` per local account combination that no rule covers yet, largest amounts
first, each with a comment giving its posting count and total (or, for ``-o NAME.csv``, a CSV
file with one row per combination). The rules have no ``function``
yet, so the file loads (and maps nothing) until they are filled in. ``check`` maps every posting
as ``convert`` would and lists the unmapped and the ambiguous ones.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from siu.adapters import ReadOptions
from siu.base import i18n
from siu.base.masking import console_text, mask_text
from siu.mapping import MappingError, MappingFile
from siu.models import Severity

if TYPE_CHECKING:
    pass

from siu.cli.common import (
    ConfigOpt,
    DecimalOpt,
    Delimiter,
    Encoding,
    Inputs,
    Lang,
    MappingOpt,
    NoPlugins,
    Sheet,
    SourceOpt,
)
from siu.cli.mapping_scan import (
    Combination,
    Scan,
    by_size,
    input_specs_of,
    load_file,
    mapping_path,
    no_postings_error,
    read_batches,
    starter_csv,
    starter_toml,
    uncovered,
)
from siu.cli.mapping_tally import Tally, print_tables, run_context, tally_postings
from siu.report.console import report_console

mapping_app = typer.Typer(
    help="Tilknytning af lokale konti til kontostrenge / Mapping of local accounts to account strings",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@mapping_app.command("init")
def init(
    inputs: Inputs,
    source: SourceOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o")] = Path("mapping.toml"),
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m")] = None,
    force: Annotated[bool, typer.Option("--force")] = False,
    config: ConfigOpt = None,
    encoding: Encoding = None,
    delimiter: Delimiter = None,
    decimal: DecimalOpt = None,
    sheet: Sheet = None,
    lang: Lang = "da",
    no_plugins: NoPlugins = False,
) -> None:
    """Lav et udkast til en tilknytningsfil ud fra udtræk / Draft a mapping file from exports."""
    from siu.cli.common import EXIT_USAGE, _load_host, _settings, fail
    from siu.convert.run import UsageError

    en = lang == "en"
    console = Console(highlight=False)
    if out.exists() and not force:
        fail(
            lang,
            UsageError(
                f"{out} findes allerede; brug --force for at overskrive",
                f"{out} already exists; use --force to overwrite",
            ),
        )
    settings = _settings(config, lang)
    host = _load_host(settings, no_plugins, lang)
    existing = load_file(mapping.resolve(), lang) if mapping else None
    try:
        specs = input_specs_of(
            inputs,
            source or [],
            settings,
            host,
            lang,
            ReadOptions(encoding=encoding, delimiter=delimiter, decimal=decimal, sheet=sheet),
        )
    except UsageError as exc:
        fail(lang, exc)
    scan = Scan()
    combos, covered = uncovered(read_batches(specs, host, scan), existing)
    if scan.failures:
        for failure in scan.failures:
            console.print(("Error: " if en else "Fejl: ") + console_text(failure))
        raise typer.Exit(EXIT_USAGE)
    if scan.postings == 0:
        fail(lang, no_postings_error(scan))
    nameless = combos.pop((), None)
    ordered = by_size(combos)
    if ordered:
        _write_draft(out, ordered, scan, covered, lang, console)
    else:
        console.print(
            "Every posting is covered; nothing written." if en else "Alle posteringer er dækket; intet skrevet."
        )
    _print_leftovers(console, nameless, scan, en)


def _write_draft(out: Path, ordered: list[Combination], scan: Scan, covered: int, lang: str, console: Console) -> None:
    """Write the starter file (TOML, or CSV for ``-o NAME.csv``) and say what it holds."""
    from siu.cli.common import fail
    from siu.convert.run import UsageError
    from siu.writers import atomic_output, commit

    # the draft is output too: a local account value that could be a CPR is masked (siu.base.masking)
    if out.suffix.lower() == ".csv":
        data = mask_text(starter_csv(ordered)).encode("utf-8-sig")  # the BOM makes Excel read UTF-8
    else:
        data = mask_text(starter_toml(ordered, scan, covered, dt.date.today())).encode("utf-8")
    try:
        with atomic_output(out.resolve()) as (fh, tmp):
            fh.write(data)
        commit(tmp, out.resolve())
    except OSError as exc:  # a read-only or full folder, a path through a file
        fail(lang, UsageError(f"Kan ikke skrive {out}: {exc.strerror}", f"Cannot write {out}: {exc.strerror}"))
    n = sum(c.postings for c in ordered)
    console.print(i18n.text("mapping.wrote", lang, out=str(out), combos=len(ordered), postings=n))


def _print_leftovers(console: Console, nameless: Combination | None, scan: Scan, en: bool) -> None:
    """Postings without any local account, and how many rows the adapters could not read."""
    if nameless is not None:
        console.print(i18n.text("mapping.nameless", "en" if en else "da", postings=nameless.postings))
    if scan.unreadable:
        console.print(
            f"{scan.unreadable} findings while reading the inputs; `siu validate` shows them"
            if en
            else f"{scan.unreadable} fund ved indlæsningen; `siu validate` viser dem"
        )


# --- check ---------------------------------------------------------------------------------


@mapping_app.command("check")
def check(
    inputs: Inputs,
    source: SourceOpt = None,
    mapping: MappingOpt = None,
    config: ConfigOpt = None,
    encoding: Encoding = None,
    delimiter: Delimiter = None,
    decimal: DecimalOpt = None,
    sheet: Sheet = None,
    lang: Lang = "da",
    no_plugins: NoPlugins = False,
) -> None:
    """Vis posteringer uden tilknytning og med flere mulige regler / Show unmapped and ambiguous postings."""
    from siu.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, _load_host, _settings, fail
    from siu.convert.run import UsageError

    en = lang == "en"
    console = report_console()  # to a file or pipe: tables whole, not cut at 80 columns
    settings = _settings(config, lang)
    path = mapping_path(mapping, settings)
    if path is None:
        fail(
            lang,
            UsageError(
                'Ingen tilknytningsfil: angiv --mapping eller mapping = "..." i siu.toml',
                'No mapping file: give --mapping or mapping = "..." in siu.toml',
            ),
        )
    settings = settings.with_overrides(mapping=path)
    host = _load_host(settings, no_plugins, lang)
    mapping_file = load_file(path, lang)
    try:
        specs = input_specs_of(
            inputs,
            source or [],
            settings,
            host,
            lang,
            ReadOptions(encoding=encoding, delimiter=delimiter, decimal=decimal, sheet=sheet),
        )
        ctx = run_context(settings, host, specs, lang)
    except UsageError as exc:
        fail(lang, exc)

    scan = Scan()
    try:
        tally = tally_postings(specs, host, scan, mapping_file, ctx, en)
    except MappingError as exc:
        fail(lang, exc)
    for failure in scan.failures:
        console.print(("Error: " if en else "Fejl: ") + console_text(failure))
    if scan.postings == 0 and not scan.failures:
        fail(lang, no_postings_error(scan))

    _print_file_and_problems(console, path, mapping_file, ctx.spec, tally, lang)
    print_tables(console, tally, lang)
    _print_summary(console, scan, tally, en)
    if scan.failures:
        raise typer.Exit(EXIT_USAGE)
    n_unmapped = sum(c.postings for c in tally.unmapped.values())
    errors = n_unmapped or any(tally.samples[c].severity == Severity.ERROR for c in tally.problems)
    raise typer.Exit(EXIT_INVALID if errors else EXIT_OK)


def _print_file_and_problems(
    console: Console, path: Path, mapping_file: MappingFile, spec: Any, tally: Tally, lang: str
) -> None:
    """The mapping file's rules, its own findings, and the postings with an invalid account."""
    en = lang == "en"
    problems, samples = tally.problems, tally.samples
    console.print(
        f"[bold]{'Mapping file' if en else 'Tilknytningsfil'}:[/] {console_text(str(path))} · "
        + i18n.text("mapping.rules", lang, rules=len(mapping_file.rules), skipped=mapping_file.skipped)
    )
    for finding in mapping_file.findings(spec):
        console.print(f"[yellow]{finding.code}[/] {console_text(finding.message(lang))}")
    for code, count in sorted(problems.items()):
        sample = samples[code]
        where = f" ({sample.location})" if sample.location else ""
        console.print(f"[red]{code}[/] × {count}: {console_text(sample.message(lang))}{console_text(where)}")


def _print_summary(console: Console, scan: Scan, tally: Tally, en: bool) -> None:
    """One line: the postings by outcome."""
    unmapped, ambiguous, problems, excluded, mapped = (
        tally.unmapped,
        tally.ambiguous,
        tally.problems,
        tally.excluded,
        tally.mapped,
    )
    n_unmapped = sum(c.postings for c in unmapped.values())
    n_ambiguous = sum(c.postings for c in ambiguous.values())
    n_problems = sum(problems.values())
    n_excluded = sum(c.postings for c in excluded.values())
    summary = dict(
        postings=scan.postings, mapped=mapped, unmapped=n_unmapped, ambiguous=n_ambiguous, problems=n_problems
    )
    lang = "en" if en else "da"
    console.print(
        i18n.text("mapping.summary", lang, **summary)
        + (i18n.text("mapping.excluded", lang, excluded=n_excluded) if n_excluded else "")
    )
