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
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from siu.adapters import ReadOptions
from siu.base.masking import console_text, mask_text
from siu.mapping import DIMENSIONS, MappingError, MappingFile, describe_dims
from siu.models import AccountMapping, Finding, Severity
from siu.parsing import format_amount_danish

if TYPE_CHECKING:
    from siu.base.config import Settings
    from siu.host.plugins import PluginHost
    from siu.report.result import InputSpec

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
    account_key,
    by_size,
    input_specs_of,
    load_file,
    mapping_path,
    no_postings_error,
    read_postings,
    starter_csv,
    starter_toml,
    uncovered,
)
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
    combos, covered = uncovered(read_postings(specs, host, scan), existing)
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
    console.print(
        f"Wrote {out}: {len(ordered)} account combinations without a rule ({n} postings)"
        if lang == "en"
        else f"Skrev {out}: {len(ordered)} kontokombinationer uden regel ({n} posteringer)"
    )


def _print_leftovers(console: Console, nameless: Combination | None, scan: Scan, en: bool) -> None:
    """Postings without any local account, and how many rows the adapters could not read."""
    if nameless is not None:
        console.print(
            f"{nameless.postings} postings have no local account at all (no PSP, cost centre, G/L account or artskonto)"
            if en
            else f"{nameless.postings} posteringer har slet ingen lokal konto (intet PSP, omk.sted, finanskonto eller "
            "artskonto)"
        )
    if scan.unreadable:
        console.print(
            f"{scan.unreadable} findings while reading the inputs; `siu validate` shows them"
            if en
            else f"{scan.unreadable} fund ved indlæsningen; `siu validate` viser dem"
        )


# --- check ---------------------------------------------------------------------------------


def _context(settings: Settings, host: PluginHost, specs: list[InputSpec], lang: str) -> Any:
    """A run context for the hook: the reporting year's spec pack; the municipality is optional here."""
    from siu.context import Context
    from siu.convert.run import _guess_year, choose_spec
    from siu.host.specs_registry import SpecRegistry

    year = settings.year or _guess_year(specs, host)
    if year is None:
        years = SpecRegistry.from_host(host).years()
        year = years[-1] if years else dt.date.today().year
    spec = choose_spec(host, year, None, lang)
    return Context(
        settings=settings,
        spec=spec,
        kommune=settings.kommune or "000",
        year=year,
        area=settings.area or spec.manifest.default_area,
        lang=lang,
    )


@dataclass
class _Tally:
    """What ``siu mapping check`` found: postings by outcome."""

    unmapped: dict[tuple[tuple[str, str], ...], Combination] = field(default_factory=dict)
    ambiguous: dict[tuple[tuple[str, str], ...], Combination] = field(default_factory=dict)
    problems: Counter[str] = field(default_factory=Counter)
    samples: dict[str, Finding] = field(default_factory=dict)
    excluded: dict[str, Combination] = field(default_factory=dict)  # rule label → what exclude = true leaves out
    mapped: int = 0


def _tally(
    specs: list[InputSpec], host: PluginHost, scan: Scan, mapping_file: MappingFile, ctx: Any, en: bool
) -> _Tally:
    """Every posting through the mapping hooks, counted by outcome."""
    tally = _Tally()
    unmapped, ambiguous, problems, samples, excluded = (
        tally.unmapped,
        tally.ambiguous,
        tally.problems,
        tally.samples,
        tally.excluded,
    )
    matches_cache: dict[tuple[str | None, ...], tuple[str, ...]] = {}
    for posting in read_postings(specs, host, scan):
        rule = mapping_file.find(posting.dims) if mapping_file.excludes else None
        if rule is not None and rule.exclude:
            label = f"{rule.label_en if en else rule.label}: {rule.reason}"
            excluded.setdefault(label, Combination(())).add(posting)
            continue
        result = host.hook.map_account(posting=posting, context=ctx)  # a MappingError goes to check()
        dims = posting.dims
        if isinstance(result, Finding):
            problems[result.code] += 1
            samples.setdefault(result.code, result)
            continue
        if not isinstance(result, AccountMapping):
            key = account_key(dims)
            unmapped.setdefault(key, Combination(key)).add(posting)
            continue
        tally.mapped += 1
        dim_key = tuple(dims.get(d) for d in DIMENSIONS)
        labels = matches_cache.get(dim_key)
        if labels is None:
            rules = mapping_file.find_all(dims)
            # only where the file's first rule made the answer (not a given kontostreng or a plugin)
            decided = bool(rules) and result.rule == rules[0].label and not dims.get("kontostreng")
            labels = matches_cache[dim_key] = tuple(r.label_en if en else r.label for r in rules) if decided else ()
        if len(labels) > 1:
            key = tuple((d, dims[d]) for d in DIMENSIONS if dims.get(d))
            combo = ambiguous.setdefault(key, Combination(key, rules=labels))
            combo.add(posting)
    return tally


def _print_tables(console: Console, tally: _Tally, lang: str) -> None:
    """The unmapped, ambiguous and excluded postings, one table each."""
    en = lang == "en"
    unmapped, ambiguous, excluded = tally.unmapped, tally.ambiguous, tally.excluded
    if unmapped:
        table = Table(title=("Postings without a mapping (SIU201)" if en else "Posteringer uden tilknytning (SIU201)"))
        for col in (("Lokal konto", "Local account"), ("Posteringer", "Postings"), ("I alt", "Total")):
            table.add_column(col[int(en)], justify="left" if col[0] == "Lokal konto" else "right")
        for c in by_size(unmapped):
            table.add_row(console_text(describe_dims(c.dims, lang)), str(c.postings), format_amount_danish(c.total))
        console.print(table)
    if ambiguous:
        table = Table(
            title=(
                "Postings several rules match (the first wins)"
                if en
                else "Posteringer, som flere regler passer på (den første vinder)"
            )
        )
        for col in (
            ("Lokal konto", "Local account"),
            ("Regler", "Rules"),
            ("Posteringer", "Postings"),
            ("I alt", "Total"),
        ):
            table.add_column(col[int(en)])
        for c in by_size(ambiguous):
            table.add_row(
                console_text(describe_dims(c.dims, lang)),
                console_text(", ".join(c.rules)),
                str(c.postings),
                format_amount_danish(c.total),
            )
        console.print(table)

    if excluded:
        table = Table(
            title=(
                "Postings excluded by a rule (exclude = true)"
                if en
                else "Posteringer udeladt efter regel (exclude = true)"
            )
        )
        for col in (("Regel", "Rule"), ("Posteringer", "Postings"), ("I alt", "Total")):
            table.add_column(col[int(en)], justify="left" if col[0] == "Regel" else "right")
        for label, c in excluded.items():
            table.add_row(console_text(label), str(c.postings), format_amount_danish(c.total))
        console.print(table)


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
        ctx = _context(settings, host, specs, lang)
    except UsageError as exc:
        fail(lang, exc)

    scan = Scan()
    try:
        tally = _tally(specs, host, scan, mapping_file, ctx, en)
    except MappingError as exc:
        fail(lang, exc)
    for failure in scan.failures:
        console.print(("Error: " if en else "Fejl: ") + console_text(failure))
    if scan.postings == 0 and not scan.failures:
        fail(lang, no_postings_error(scan))

    _print_file_and_problems(console, path, mapping_file, ctx.spec, tally, lang)
    _print_tables(console, tally, lang)
    _print_summary(console, scan, tally, en)
    if scan.failures:
        raise typer.Exit(EXIT_USAGE)
    n_unmapped = sum(c.postings for c in tally.unmapped.values())
    errors = n_unmapped or any(tally.samples[c].severity == Severity.ERROR for c in tally.problems)
    raise typer.Exit(EXIT_INVALID if errors else EXIT_OK)


def _print_file_and_problems(
    console: Console, path: Path, mapping_file: MappingFile, spec: Any, tally: _Tally, lang: str
) -> None:
    """The mapping file's rules, its own findings, and the postings with an invalid account."""
    en = lang == "en"
    problems, samples = tally.problems, tally.samples
    console.print(
        f"[bold]{'Mapping file' if en else 'Tilknytningsfil'}:[/] {console_text(str(path))} · "
        + (
            f"{len(mapping_file.rules)} rules, {mapping_file.skipped} not filled in"
            if en
            else f"{len(mapping_file.rules)} regler, {mapping_file.skipped} ikke udfyldt"
        )
    )
    for finding in mapping_file.findings(spec):
        console.print(f"[yellow]{finding.code}[/] {console_text(finding.message(lang))}")
    for code, count in sorted(problems.items()):
        sample = samples[code]
        where = f" ({sample.location})" if sample.location else ""
        console.print(f"[red]{code}[/] × {count}: {console_text(sample.message(lang))}{console_text(where)}")


def _print_summary(console: Console, scan: Scan, tally: _Tally, en: bool) -> None:
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
    console.print(
        f"{scan.postings} postings: {mapped} mapped, {n_unmapped} unmapped, {n_ambiguous} ambiguous, {n_problems} "
        "with an invalid account" + (f", {n_excluded} excluded" if n_excluded else "")
        if en
        else f"{scan.postings} posteringer: {mapped} med konto, {n_unmapped} uden tilknytning, {n_ambiguous} "
        f"tvetydige, {n_problems} med ugyldig konto" + (f", {n_excluded} udeladt" if n_excluded else "")
    )
