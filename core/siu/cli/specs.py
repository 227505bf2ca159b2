"""``siu specs list|show|diff``: which spec packs siu has, what one holds and what is provisional,
and what changed between two years. Packs come from siu, plugins and ``--spec-dir``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from siu.cli.common import AsJson, ConfigOpt, Lang, NoPlugins, SpecDir
from siu.host.specs_registry import SpecRegistry
from siu.specpack import SpecError, SpecPack, diff_packs

specs_app = typer.Typer(
    help="Specifikationspakker pr. regnskabsår / Spec packs per reporting year",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


def _registry(config: Path | None, spec_dir: Path | None, no_plugins: bool, lang: str) -> SpecRegistry:
    from siu.cli.common import _load_host, _settings, fail

    host = _load_host(_settings(config, lang), no_plugins, lang)
    registry = SpecRegistry.from_host(host)
    if spec_dir is not None:  # shown beside the others, not pinned to a year as in a run
        try:
            registry.add(spec_dir, f"--spec-dir {spec_dir}", strict=True)
        except SpecError as exc:
            fail(lang, exc)
    return registry


def _pack(reg: SpecRegistry, year: int, lang: str) -> SpecPack:
    from siu.cli.common import fail

    try:
        return reg.get(year)
    except SpecError as exc:
        fail(lang, exc)


def _t(lang: str, da: str, en: str) -> str:
    return en if lang == "en" else da


@specs_app.command("list")
def list_packs(
    as_json: AsJson = False,
    spec_dir: SpecDir = None,
    no_plugins: NoPlugins = False,
    config: ConfigOpt = None,
    lang: Lang = "da",
) -> None:
    """Vis de tilgængelige pakker / List the available packs."""
    reg = _registry(config, spec_dir, no_plugins, lang)
    rows: list[dict[str, Any]] = []
    for e in reg.entries:
        rows.append(
            {
                "year": e.year,
                "version": e.pack.version if e.pack else None,
                "origin": e.origin,
                "folder": str(e.folder),
                "active": e.active,
                "provisional": len(e.pack.provisional()) if e.pack else None,
                "versions": [
                    {**v.model_dump(mode="json"), "in_force_today": v is in_force}
                    for in_force in [e.pack.version_on(dt.date.today())]
                    if e.pack
                    for v in e.pack.manifest.versions
                ]
                if e.pack
                else [],
                "error": e.error.message(lang) if e.error else None,
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title=_t(lang, "Specifikationspakker", "Spec packs"))
    for col in (
        ("År", "Year"),
        ("Version", "Version"),
        ("Bekendtgørelser", "Executive orders"),
        ("Kilde", "Origin"),
        ("I brug", "In use"),
        ("Foreløbige fakta", "Provisional facts"),
        ("Mappe", "Folder"),
    ):
        table.add_column(_t(lang, *col))
    for r in rows:
        status = _t(lang, "ja", "yes") if r["active"] and not r["error"] else _t(lang, "nej", "no")
        if r["error"]:
            status = f"[red]{_t(lang, 'fejl', 'error')}: {escape(r['error'])}[/]"
        elif not r["active"]:
            status = _t(lang, "nej (erstattet)", "no (replaced)")
        orders = (
            "\n".join(
                f"{v['id']} {v['status']} {_t(lang, 'fra', 'from')} {v['valid_from']}"
                + (_t(lang, " (i kraft i dag)", " (in force today)") if v["in_force_today"] else "")
                for v in r["versions"]
            )
            or "-"
        )
        table.add_row(
            str(r["year"] or "?"),
            r["version"] or "-",
            escape(orders),
            escape(r["origin"]),
            status,
            str(r["provisional"] if r["provisional"] is not None else "-"),
            escape(r["folder"]),
        )
    Console(highlight=False).print(table)


def _channel_rows(meta: Table, m: Any, lang: str) -> None:
    """The pack's executive orders, reporting channels and which source may use which channel."""
    for v in m.versions:
        meta.add_row(
            _t(lang, "Bekendtgørelse", "Executive order"),
            escape(
                f"{v.id}: {v.order or '-'}"
                + (f" ({v.date})" if v.date else "")
                + f", {v.status}, {_t(lang, 'gælder fra', 'valid from')} {v.valid_from}"
            ),
        )
    for name, ch in m.channels.items():
        d, r = ch.decimals, ch.rounding
        meta.add_row(
            _t(lang, "Kanal", "Channel"),
            escape(
                f"{name}: {ch.name_en if lang == 'en' else ch.name_da}; {', '.join(ch.formats)}; "
                + _t(lang, f"{d} decimaler, afrunding {r}", f"{d} decimals, rounding {r}")
            ),
        )
    for src, sc in m.source_channels.items():
        meta.add_row(
            _t(lang, "Kilde → kanal", "Source → channel"),
            escape(f"{src}: {', '.join(sc.channels)}. {sc.why_en if lang == 'en' else sc.why_da}"),
        )


def _test_row(meta: Table, m: Any, lang: str) -> None:
    """How the pack marks a test delivery (file name prefix, header field)."""
    t = m.test
    meta.add_row(
        _t(lang, "Testleverance", "Test delivery"),
        escape(
            ", ".join(
                x
                for x in (
                    f"{_t(lang, 'filnavn', 'file name')} {t.file_prefix}…" if t.file_prefix else "",
                    f"<{t.header_field}>true</{t.header_field}>" if t.header_field else "",
                )
                if x
            )
        ),
    )


def _area_label(name: str, info: dict[str, Any], lang: str) -> str:
    """An area as ``siu specs show`` names it, marked when provisional."""
    label = f"{name} ({info['name_en'] if lang == 'en' else info['name_da']})"
    if info["provisional"]:
        label += _t(lang, " [foreløbig]", " [provisional]")
    return label


@specs_app.command("show")
def show(
    year: Annotated[int, typer.Argument()],
    as_json: AsJson = False,
    spec_dir: SpecDir = None,
    no_plugins: NoPlugins = False,
    config: ConfigOpt = None,
    lang: Lang = "da",
) -> None:
    """Vis hvad en pakke indeholder, og hvad der er foreløbigt / Show what a pack holds and what is provisional."""
    pack = _pack(_registry(config, spec_dir, no_plugins, lang), year, lang)
    s = pack.summary()
    if as_json:
        typer.echo(json.dumps(s, indent=2, ensure_ascii=False, default=str))
        return
    en = lang == "en"
    c = Console(highlight=False)
    c.rule(f"[bold]{escape(s['title']['en' if en else 'da'])}[/] · {s['version']}")
    meta = Table.grid(padding=(0, 2))
    m = pack.manifest
    meta.add_row(_t(lang, "Kilde", "Origin"), escape(f"{s['origin']} ({s['folder']})"))
    meta.add_row(_t(lang, "Gælder", "Valid"), f"{s['valid_from']} – {s['valid_to']}")
    _channel_rows(meta, m, lang)
    _test_row(meta, m, lang)
    meta.add_row("SHA-256", s["digest"])
    areas = [_area_label(name, info, lang) for name, info in s["areas"].items()]
    meta.add_row(
        _t(lang, "Områder", "Areas"),
        escape(", ".join(areas)) + _t(lang, f"; standard: {m.default_area}", f"; default: {m.default_area}"),
    )
    a = m.amount
    meta.add_row(
        _t(lang, "Beløb", "Amounts"),
        f"{a.unit}, {a.decimals} {_t(lang, 'decimaler', 'decimals')}, {a.sign}, "
        f"{_t(lang, 'afrunding', 'rounding')}: "
        f"{a.rounding}",
    )
    meta.add_row("KONTOSTRENG", escape(s["kontostreng"]))
    cp = m.cpr
    born = _t(lang, "DDMMÅÅ", "DDMMYY")
    allowed = ", ".join(p.code for p in pack.paragraphs.values() if p.anonymous_allowed) or "-"
    meta.add_row(
        _t(lang, "Fiktive CPR", "Fictitious CPR"),
        f"{born}{cp.female_suffix} / {born}{cp.male_suffix}, {cp.no_birth_date}{cp.female_suffix} / "
        f"{cp.no_birth_date}{cp.male_suffix} " + _t(lang, f"(kun {allowed})", f"(only {allowed})"),
    )
    meta.add_row(
        _t(lang, "Datoregler", "Date rules"), escape(", ".join(f"{k} = {v}" for k, v in s["dates"].items()) or "-")
    )
    x = m.xml
    meta.add_row(
        "XML",
        escape(
            f"{x.root} ({x.namespace or '-'}) / {x.header} / {x.records}/{x.record}"
            + (f" / {x.trailer}" if x.trailer else "")
            + f", XSD {x.schema_file}"
        ),
    )
    meta.add_row(_t(lang, "Linjefelter", "Line fields"), escape(", ".join(x.record_fields.values())))
    meta.add_row(_t(lang, "Filnavn", "File name"), escape(s["file_name"] or "-"))
    meta.add_row("Excel", escape(f"{m.excel.sheet}: " + ", ".join(col.header for col in m.excel.columns)))
    c.print(meta)

    pt = Table(title=_t(lang, "Paragraffer", "Paragraphs"))
    for col in (
        ("Kode", "Code"),
        ("Område", "Area"),
        ("Lov", "Law"),
        ("Navn", "Name"),
        ("Foreløbigt", "Provisional"),
        ("Kilde", "Source"),
    ):
        pt.add_column(_t(lang, *col))
    for code, p in s["paragraphs"].items():
        pt.add_row(
            code,
            p["area"],
            escape(f"{p['section']} ({p['law']})"),
            escape(p["name_en"] if en else p["name_da"]),
            escape(p["provisional"] or "-"),
            escape(p["source"]),
        )
    c.print(pt)

    ct = Table(title=_t(lang, "Kontoplan i scope", "Chart of accounts in scope"))
    for col in (
        ("Funktion", "Function"),
        ("Dranst", "Dranst"),
        ("Gruppering", "Grouping"),
        ("Paragraf", "Paragraph"),
        ("Navn", "Name"),
        ("Foreløbig", "Provisional"),
    ):
        ct.add_column(_t(lang, *col))
    for e in pack.chart:
        ct.add_row(
            e.function,
            e.dranst,
            e.grouping,
            e.paragraph or _t(lang, "(fra tilknytningen)", "(from the mapping)"),
            escape(e.name_da),
            _t(lang, "ja", "yes") if e.provisional else _t(lang, "nej", "no"),
        )
    c.print(ct)

    c.print(f"[bold]{_t(lang, 'Fra DST’s materiale', 'From DST’s material')}[/]")
    for fact in m.provenance.get("verified", []):
        c.print(f"  ✓ {escape(fact)}")
    c.print(f"[bold yellow]{_t(lang, 'Foreløbigt (siu’s antagelser)', 'Provisional (siu’s assumptions)')}[/]")
    for fact in s["provisional"]:
        c.print(f"  ? {escape(fact)}")
    links = m.provenance.get("links", [])
    if links:
        c.print(f"[bold]{_t(lang, 'Kilder', 'Sources')}[/]")
        for link in links:
            c.print(f"  {escape(link)}")


@specs_app.command("diff")
def diff(
    old: Annotated[int, typer.Argument()],
    new: Annotated[int, typer.Argument()],
    as_json: AsJson = False,
    spec_dir: SpecDir = None,
    no_plugins: NoPlugins = False,
    config: ConfigOpt = None,
    lang: Lang = "da",
) -> None:
    """Vis forskellen mellem to års pakker / Show what changed between two years' packs."""
    reg = _registry(config, spec_dir, no_plugins, lang)
    d = diff_packs(_pack(reg, old, lang), _pack(reg, new, lang))
    if as_json:
        typer.echo(json.dumps(d, indent=2, ensure_ascii=False, default=str))
        return
    c = Console(highlight=False)
    c.rule(f"{d['from']['version']} → {d['to']['version']}")
    words = {
        "added": ("Tilføjet", "Added", "+"),
        "removed": ("Fjernet", "Removed", "-"),
        "changed": ("Ændret", "Changed", "~"),
    }
    sections = (
        ("areas", ("Områder", "Areas")),
        ("paragraphs", ("Paragraffer", "Paragraphs")),
        ("chart", ("Kontoplan", "Chart of accounts")),
    )
    for key, title in sections:
        part = d[key]
        if not any(part.values()):
            continue
        c.print(f"[bold]{_t(lang, *title)}[/]")
        for kind in ("added", "removed", "changed"):
            for name, value in part[kind].items():
                c.print(f"  {words[kind][2]} {escape(name)}: {escape(_describe(value, kind))}")
    if d["settings"]:
        c.print(f"[bold]{_t(lang, 'Indstillinger', 'Settings')}[/]")
        for path, change in d["settings"].items():
            c.print(f"  ~ {escape(path)}: {escape(str(change['from']))} → {escape(str(change['to']))}")
    c.print(f"XSD: {_t(lang, 'ændret', 'changed') if d['xsd_changed'] else _t(lang, 'uændret', 'unchanged')}")
    for kind in ("added", "removed"):
        for fact in d["provisional"][kind]:
            label = _t(lang, "foreløbigt", "provisional")
            c.print(f"  {words[kind][2]} {label}: {escape(fact)}")


def _describe(value: dict[str, Any], kind: str) -> str:
    if kind == "changed":
        return "; ".join(f"{f}: {v['from']} → {v['to']}" for f, v in value.items())
    return ", ".join(f"{k}={v}" for k, v in value.items() if k not in ("source",) and v not in ("", None))


@specs_app.command("new")
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
    reg = _registry(config, None, no_plugins, lang)
    years = reg.years()
    base_year = base if base is not None else max((y for y in years if y <= year), default=max(years, default=year))
    base_pack = _pack(reg, base_year, lang)
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
        write_pack(folder, derived, from_xsd, base_pack)
    except SpecError as exc:
        fail(lang, exc)
    except OSError as exc:
        fail(lang, UsageError(f"Kan ikke skrive {folder}: {exc.strerror}", f"Cannot write {folder}: {exc.strerror}"))
    c = Console(highlight=False)
    x = derived.manifest["xml"]
    c.print(_t(lang, f"Pakke skrevet: {folder}", f"Pack written: {folder}"))
    c.print(
        escape(
            f"XML: {x['root']} ({x['namespace'] or '-'}) / {x['header']} / {x['records']}/{x['record']}"
            + (f" / {x['trailer']}" if x.get("trailer") else "")
        )
    )
    c.print(
        escape(
            _t(lang, "Linjefelter", "Line fields")
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
            _t(lang, "Beløb i XML", "Amounts in XML")
            + f": {xml_channel['decimals']} {_t(lang, 'decimaler', 'decimals')}; "
            + _t(lang, "datoformat", "date format")
            + f" {x['date_format']}"
        )
    )
    if template is not None:
        ex = derived.manifest["excel"]
        c.print(
            escape(
                f"Excel: {ex['sheet']} ({_t(lang, 'række', 'row')} {ex['header_row']}): "
                + ", ".join(col["header"] for col in ex["columns"])
            )
        )
    for da, en in derived.notes:
        c.print(f"  · {escape(en if lang == 'en' else da)}")
    pack, problems = check_pack(folder)
    if problems:
        fill_in = _t(
            lang,
            "Udfyld selv (i manifest.toml), og kør siu specs check",
            "Fill in yourself (in manifest.toml), then run siu specs check",
        )
        c.print(f"[bold yellow]{fill_in}:[/]")
        for da, en in problems:
            c.print(f"  ? {escape(en if lang == 'en' else da)}")
        raise typer.Exit(1)
    c.print(
        _t(
            lang,
            f"Pakken er gyldig. Brug den med --spec-dir {folder}",
            f"The pack is valid. Use it with --spec-dir {folder}",
        )
    )


@specs_app.command("check")
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
        _t(
            lang,
            "✓ Pakken er gyldig; en prøveleverance overholder dens XSD.",
            "✓ The pack is valid; a sample delivery matches its XSD.",
        )
    )
