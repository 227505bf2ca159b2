"""The inputs of a run (private): each file paired with the source that reads it (named, or
sniffed), its read options, and the checks a run makes before it reads anything. Anything wrong
with how siu was called is a :class:`UsageError`, a message in both languages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from siu.adapters import ReadOptions, Sniff
from siu.base import masking
from siu.base.config import Settings
from siu.base.cpr import mask_cpr
from siu.base.errors import BilingualError
from siu.base.stamp import creation_time
from siu.base.tomlfile import read_toml
from siu.host.plugins import PluginHost
from siu.report.result import InputSpec
from siu.tables import XLSX_SUFFIXES


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


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
    for chosen, _ in pairs:
        if chosen is not None and chosen not in available:
            names = ", ".join(sorted(available)) or "-"
            raise UsageError(
                f"Ukendt kilde '{chosen}'. Tilgængelige kilder: {names}",
                f"Unknown source '{chosen}'. Available sources: {names}",
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


def guess_input_year(pairs: list[InputSpec], host: PluginHost) -> int | None:
    """The year most of the inputs' lines fall in; None when it cannot be told."""
    from siu.adapters import ReadInfo
    from siu.convert.years import guess_year
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


def checked_inputs(
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
