"""``siu mapping init|check``: draft a mapping file from the inputs, and check one against them.

``init`` reads the inputs with the same adapters ``convert`` uses and writes a starter TOML file
with one ``[[rule]]`` per local account combination that no rule covers yet, largest amounts
first, each with a comment giving its posting count and total (or, for ``-o NAME.csv``, a CSV
file with one row per combination). The rules have no ``function``
yet, so the file loads (and maps nothing) until they are filled in. ``check`` maps every posting
as ``convert`` would and lists the unmapped and the ambiguous ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from siu.adapters import ReadInfo, ReadOptions
from siu.base.cpr import mask_cpr
from siu.base.masking import console_text, mask_text
from siu.mapping import DIMENSIONS, MappingError, MappingFile, describe_dims, load_mapping
from siu.models import AccountMapping, Finding, Posting, Severity
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

mapping_app = typer.Typer(
    help="Tilknytning af lokale konti til kontostrenge / Mapping of local accounts to account strings",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


# The dimensions that name a cost carrier; the artskonto only gives the art, so it joins the
# combination only when a posting has nothing else.
_CARRIERS = ("psp", "cost_centre", "gl_account")
_SHOWN_ARTSKONTI = 5


def account_key(dims: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The local account combination a starter rule is written for."""
    # A G/L account that is also the artskonto (SAP, `art_from`) gives the art, not the function.
    key = tuple(
        (d, dims[d]) for d in _CARRIERS if dims.get(d) and not (d == "gl_account" and dims[d] == dims.get("artskonto"))
    )
    if not key and dims.get("artskonto"):
        key = (("artskonto", dims["artskonto"]),)
    return key


@dataclass
class Combination:
    """Postings of one local account combination: how many, how much, which artskonti."""

    key: tuple[tuple[str, str], ...]
    postings: int = 0
    total: Decimal = Decimal(0)
    gross: Decimal = Decimal(0)
    artskonti: Counter[str] = field(default_factory=Counter)
    rules: tuple[str, ...] = ()  # for ambiguous combinations: the rules that match, winner first

    def add(self, posting: Posting) -> None:
        self.postings += 1
        self.total += posting.amount
        self.gross += abs(posting.amount)
        if posting.dims.get("artskonto"):
            self.artskonti[posting.dims["artskonto"]] += 1

    @property
    def dims(self) -> dict[str, str]:
        return dict(self.key)


def _sorted(combos: dict[Any, Combination]) -> list[Combination]:
    """Largest amounts first (by gross amount, so revenue counts as much as expenditure)."""
    return sorted(combos.values(), key=lambda c: (-c.gross, -c.postings, c.key))


# --- reading -------------------------------------------------------------------------------


@dataclass
class Scan:
    """What reading the inputs gave besides postings."""

    postings: int = 0
    unreadable: int = 0  # rows the adapters reported as findings
    failures: list[str] = field(default_factory=list)  # adapters that stopped (masked messages)
    files: list[str] = field(default_factory=list)


def _input_specs(
    inputs: list[str], sources: list[str], settings: Settings, host: PluginHost, lang: str, read: ReadOptions
) -> list[InputSpec]:
    from siu.convert.run import check_read_options, input_specs, parse_inputs

    pairs = parse_inputs(inputs, sources, host.sources, lang)
    check_read_options(read, [path for _, path in pairs])
    return input_specs(pairs, settings, host, read, lang, quiet=True)


def _postings(specs: list[InputSpec], host: PluginHost, scan: Scan) -> Iterator[Posting]:
    for spec in specs:
        scan.files.append(f"{spec.path.name} ({spec.source})")
        info = ReadInfo()
        try:
            for item in host.sources[spec.source].read(spec.path, spec.options, info):
                if isinstance(item, Finding):
                    scan.unreadable += 1
                    continue
                scan.postings += 1
                yield item
        except Exception as exc:  # an adapter bug must not become a traceback with personal data
            scan.failures.append(mask_cpr(f"{spec.path.name}: {exc.__class__.__name__}: {exc}"))


def _no_postings(scan: Scan) -> Any:
    """The usage error for inputs without a single posting (nothing to draft or check)."""
    from siu.convert.run import UsageError

    files = ", ".join(scan.files)
    return UsageError(
        f"Ingen posteringer i {files}: tomt udtræk eller kun overskrifter? (`siu validate` viser fundene)",
        f"No postings in {files}: an empty export or only headers? (`siu validate` shows the findings)",
    )


def _mapping_path(mapping: Path | None, settings: Settings) -> Path | None:
    return mapping.resolve() if mapping else settings.resolve(settings.mapping)


def _load(path: Path, lang: str) -> MappingFile:
    from siu.cli.common import fail

    try:
        return load_mapping(path)
    except MappingError as exc:
        fail(lang, exc)


# --- the starter file ----------------------------------------------------------------------


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, except that DEL must be escaped too)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def starter_toml(combos: list[Combination], scan: Scan, covered: int, today: dt.date) -> str:
    """The starter mapping file: one rule to fill in per combination, with count and total."""
    postings = sum(c.postings for c in combos)
    total = sum((c.total for c in combos), Decimal(0))
    lines = [
        f"# Tilknytningsfil til siu — udkast fra `siu mapping init` {today.isoformat()}",
        "# Mapping file for siu — draft from `siu mapping init`",
        "#",
        f"# Input: {', '.join(scan.files)}",
        f"# {len(combos)} lokale kontokombinationer uden regel: {postings} posteringer, i alt "
        f"{format_amount_danish(total)} kr." + (f" ({covered} posteringer var allerede dækket)" if covered else ""),
        f"# {len(combos)} local account combinations without a rule: {postings} postings, total {total:.2f} DKK",
        "#",
        "# Udfyld function, grouping og evt. dranst og paragraph i hver regel (se docs/mapping.md).",
        "# En regel uden function springes over, så filen kan bruges, mens den udfyldes.",
        "# Den første regel, der passer, vinder. Arten tages fra artskontoens to første cifre.",
        "# Fill in function, grouping and, where needed, dranst and paragraph in each rule.",
        "# A rule without function is skipped. The first matching rule wins; the art comes from the",
        "# artskonto's first two digits.",
        "#",
        '# Konti uden for SIU (fx i et udtræk pr. omkostningssted): skriv exclude = true og reason = "..."',
        "# i stedet for function; posteringerne udelades og tælles med antal og beløb i rapporten (SIU208).",
        '# Accounts outside SIU (e.g. in an export cut by cost centre): write exclude = true and reason = "..."',
        "# instead of function; the postings are left out and counted with rows and money in the report (SIU208).",
    ]
    for c in combos:
        lines.append("")
        lines.append("[[rule]]")
        lines.append(f"# {c.postings} posteringer, i alt {format_amount_danish(c.total)} kr.")
        if c.artskonti:
            shown = ", ".join(
                f"{a} ({n})" for a, n in sorted(c.artskonti.items(), key=lambda x: (-x[1], x[0]))[:_SHOWN_ARTSKONTI]
            )
            more = len(c.artskonti) - _SHOWN_ARTSKONTI
            lines.append(f"# artskonti: {shown}" + (f" og {more} flere" if more > 0 else ""))
        lines.append('name = ""')
        for dim, value in c.key:
            lines.append(f"{dim} = {_toml_string(value)}")
        lines.append('function = ""     # fx "5.38.50"')
        lines.append('dranst = "1"      # 1 drift')
        lines.append('grouping = ""     # fx "001"')
        lines.append('paragraph = ""    # kun hvis kontoplanen ikke afgør paragraffen, fx "SEL109"')
    return "\n".join(lines) + "\n"


def starter_csv(combos: list[Combination]) -> str:
    """The starter mapping as CSV (``;``-separated, for a spreadsheet): one row to fill in per
    combination, with its posting count and total in the last two columns."""
    columns = [
        "name",
        *DIMENSIONS,
        "function",
        "dranst",
        "grouping",
        "paragraph",
        "exclude",
        "reason",
        "postings",
        "total",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for c in combos:
        dims = c.dims
        writer.writerow(
            [
                "",
                *(dims.get(d, "") for d in DIMENSIONS),
                "",
                "1",
                "",
                "",
                "",
                "",
                c.postings,
                format_amount_danish(c.total),
            ]
        )
    return buffer.getvalue()


def _uncovered(
    postings: Iterator[Posting], existing: MappingFile | None
) -> tuple[dict[tuple[tuple[str, str], ...], Combination], int]:
    """The local account combinations no kontostreng and no rule of ``existing`` covers, and how
    many postings were covered."""
    combos: dict[tuple[tuple[str, str], ...], Combination] = {}
    covered = 0
    for posting in postings:
        dims = posting.dims
        if dims.get("kontostreng") or (existing is not None and existing.find(dims) is not None):
            covered += 1
            continue
        key = account_key(dims)
        combo = combos.get(key)
        if combo is None:
            combo = combos[key] = Combination(key)
        combo.add(posting)
    return combos, covered


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
    from siu.writers import atomic_output, commit

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
    existing = _load(mapping.resolve(), lang) if mapping else None
    try:
        specs = _input_specs(
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
    combos, covered = _uncovered(_postings(specs, host, scan), existing)
    if scan.failures:
        for failure in scan.failures:
            console.print(("Error: " if en else "Fejl: ") + console_text(failure))
        raise typer.Exit(EXIT_USAGE)
    if scan.postings == 0:
        fail(lang, _no_postings(scan))
    nameless = combos.pop((), None)
    ordered = _sorted(combos)
    if ordered:
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
            if en
            else f"Skrev {out}: {len(ordered)} kontokombinationer uden regel ({n} posteringer)"
        )
    else:
        console.print(
            "Every posting is covered; nothing written." if en else "Alle posteringer er dækket; intet skrevet."
        )
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
    for posting in _postings(specs, host, scan):
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
        for c in _sorted(unmapped):
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
        for c in _sorted(ambiguous):
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
    console = Console(highlight=False)
    settings = _settings(config, lang)
    path = _mapping_path(mapping, settings)
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
    mapping_file = _load(path, lang)
    try:
        specs = _input_specs(
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
    unmapped, ambiguous, problems, samples, excluded, mapped = (
        tally.unmapped,
        tally.ambiguous,
        tally.problems,
        tally.samples,
        tally.excluded,
        tally.mapped,
    )
    for failure in scan.failures:
        console.print(("Error: " if en else "Fejl: ") + console_text(failure))
    if scan.postings == 0 and not scan.failures:
        fail(lang, _no_postings(scan))

    console.print(
        f"[bold]{'Mapping file' if en else 'Tilknytningsfil'}:[/] {console_text(str(path))} · "
        + (
            f"{len(mapping_file.rules)} rules, {mapping_file.skipped} not filled in"
            if en
            else f"{len(mapping_file.rules)} regler, {mapping_file.skipped} ikke udfyldt"
        )
    )
    for finding in mapping_file.findings(ctx.spec):
        console.print(f"[yellow]{finding.code}[/] {console_text(finding.message(lang))}")
    for code, count in sorted(problems.items()):
        sample = samples[code]
        where = f" ({sample.location})" if sample.location else ""
        console.print(f"[red]{code}[/] × {count}: {console_text(sample.message(lang))}{console_text(where)}")

    _print_tables(console, tally, lang)
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
    if scan.failures:
        raise typer.Exit(EXIT_USAGE)
    errors = n_unmapped or any(samples[c].severity == Severity.ERROR for c in problems)
    raise typer.Exit(EXIT_INVALID if errors else EXIT_OK)
