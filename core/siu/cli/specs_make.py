"""``siu specs new`` and ``siu specs check``: a spec pack made from DST's own files, and a pack
checked by writing a sample delivery with it (private). The derivation is in
:mod:`siu.cli.specs_new`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from siu.base.i18n import plural
from siu.cli.common import ConfigOpt, Lang, NoPlugins
from siu.host.specs_registry import SpecRegistry
from siu.specpack import SpecError, SpecPack

if TYPE_CHECKING:
    from siu.cli.specs_new import Derived


def spec_registry(config: Path | None, spec_dir: Path | None, no_plugins: bool, lang: str) -> SpecRegistry:
    from siu.cli.common import _load_host, _settings, fail

    host = _load_host(_settings(config, lang), no_plugins, lang)
    registry = SpecRegistry.from_host(host)
    if spec_dir is not None:  # shown beside the others, not pinned to a year as in a run
        try:
            registry.add(spec_dir, f"--spec-dir {spec_dir}", strict=True)
        except SpecError as exc:
            fail(lang, exc)
    return registry


def spec_pack(reg: SpecRegistry, year: int, lang: str) -> SpecPack:
    from siu.cli.common import fail

    try:
        return reg.get(year)
    except SpecError as exc:
        fail(lang, exc)


def text_in(lang: str, da: str, en: str) -> str:
    return en if lang == "en" else da


def new(
    year: Annotated[int, typer.Argument()],
    from_xsd: Annotated[Path, typer.Option("--from-xsd")],
    template: Annotated[Path | None, typer.Option("--template")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
    base: Annotated[int | None, typer.Option("--base")] = None,
    no_plugins: NoPlugins = False,
    config: ConfigOpt = None,
    lang: Lang = "da",
) -> None:
    """Lav en pakke ud fra DST's egen XSD (og Excel-skabelon) / Make a pack from DST's own XSD (and Excel template)."""
    from siu.cli.common import fail
    from siu.cli.specs_new import check_pack, derive, write_pack
    from siu.convert.run import UsageError

    for path in (from_xsd, template):
        if path is not None and not path.is_file():
            fail(lang, UsageError(f"Filen findes ikke: {path}", f"File not found: {path}"))
    reg = spec_registry(config, None, no_plugins, lang)
    years = reg.years()
    base_year = base if base is not None else max((y for y in years if y <= year), default=max(years, default=year))
    base_pack = spec_pack(reg, base_year, lang)
    folder = out if out is not None else Path.cwd() / f"siu-spec-{year}"
    if (folder / "manifest.toml").exists():
        fail(
            lang,
            UsageError(
                f"{folder} har allerede en manifest.toml; vælg en anden --out",
                f"{folder} already has a manifest.toml; choose another --out",
            ),
        )
    try:
        derived = derive(year, from_xsd, base_pack, template)
        write_pack(folder, derived.manifest, from_xsd, base_pack)
    except SpecError as exc:
        fail(lang, exc)
    except OSError as exc:
        fail(lang, UsageError(f"Kan ikke skrive {folder}: {exc.strerror}", f"Cannot write {folder}: {exc.strerror}"))
    c = Console(highlight=False)
    _print_derived(c, derived, folder, template is not None, lang)
    pack, problems = check_pack(folder)
    if problems:
        fill_in = text_in(
            lang,
            "Udfyld selv (i manifest.toml), og kør siu specs check",
            "Fill in yourself (in manifest.toml), then run siu specs check",
        )
        c.print(f"[bold yellow]{fill_in}:[/]")
        for da, en in problems:
            c.print(f"  ? {escape(en if lang == 'en' else da)}")
        raise typer.Exit(1)
    c.print(
        escape(
            text_in(
                lang,
                f"Pakken er gyldig. Brug den med --spec-dir {folder}",
                f"The pack is valid. Use it with --spec-dir {folder}",
            )
        )
    )


def check(folder: Annotated[Path, typer.Argument()], lang: Lang = "da") -> None:
    """Kontrollér en pakke: indlæs den og skriv en prøveleverance mod dens XSD / Check a pack: load it and write a
    sample delivery against its XSD."""
    from siu.cli.specs_new import check_pack

    pack, problems = check_pack(folder)
    c = Console(highlight=False)
    if pack is not None:
        c.print(
            escape(f"{pack.manifest.title_en if lang == 'en' else pack.manifest.title_da} · {pack.version} · {folder}")
        )
    for da, en in problems:
        c.print(f"[red]✗[/] {escape(en if lang == 'en' else da)}")
    if problems:
        raise typer.Exit(1)
    c.print(
        text_in(
            lang,
            "✓ Pakken er gyldig; en prøveleverance overholder dens XSD.",
            "✓ The pack is valid; a sample delivery matches its XSD.",
        )
    )


def _print_derived(c: Console, derived: Derived, folder: Path, with_template: bool, lang: str) -> None:
    """What ``siu specs new`` derived: the envelope, the line fields, amounts and dates, the notes."""
    x = derived.manifest["xml"]
    c.print(escape(text_in(lang, f"Pakke skrevet: {folder}", f"Pack written: {folder}")))  # a path is not markup
    c.print(
        escape(
            f"XML: {x['root']} ({x['namespace'] or '-'}) / {x['header']} / {x['records']}/{x['record']}"
            + (f" / {x['trailer']}" if x.get("trailer") else "")
        )
    )
    c.print(
        escape(
            text_in(lang, "Linjefelter", "Line fields")
            + ": "
            + ", ".join(f"{k} → {v}" for k, v in x["record_fields"].items())
        )
    )
    xml_channel = next(
        (ch for ch in derived.manifest.get("channels", {}).values() if "xml" in ch["formats"]),
        derived.manifest["amount"],
    )
    c.print(
        escape(
            text_in(lang, "Beløb i XML", "Amounts in XML")
            + f": {xml_channel['decimals']} "
            + plural(xml_channel["decimals"], "decimal", text_in(lang, "decimaler", "decimals"))
            + "; "
            + text_in(lang, "datoformat", "date format")
            + f" {x['date_format']}"
        )
    )
    if with_template:
        ex = derived.manifest["excel"]
        c.print(
            escape(
                f"Excel: {ex['sheet']} ({text_in(lang, 'række', 'row')} {ex['header_row']}): "
                + ", ".join(col["header"] for col in ex["columns"])
            )
        )
    for da, en in derived.notes:
        c.print(f"  · {escape(en if lang == 'en' else da)}")
