"""``siu specs list|show|diff``: which spec packs siu has, what one holds and what is provisional,
and what changed between two years. Packs come from siu, plugins and ``--spec-dir``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.rule import Rule
from rich.table import Table

from siu.base import i18n, i18n_specs
from siu.cli.common import AsJson, ConfigOpt, Lang, NoPlugins, SpecDir
from siu.cli.specs_diff import diff_lines
from siu.cli.specs_make import check, new, spec_pack, spec_registry, text_in
from siu.host.specs_registry import SpecRegistry
from siu.report.console import RULE_WIDTH, report_console
from siu.specpack import SpecPack, diff_packs

specs_app = typer.Typer(
    help="Specifikationspakker pr. regnskabsår / Spec packs per reporting year",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@specs_app.command("list")
def list_packs(
    as_json: AsJson = False,
    spec_dir: SpecDir = None,
    no_plugins: NoPlugins = False,
    config: ConfigOpt = None,
    lang: Lang = "da",
) -> None:
    """Vis de tilgængelige pakker / List the available packs."""
    reg = spec_registry(config, spec_dir, no_plugins, lang)
    rows = _pack_rows(reg, lang)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    Console(highlight=False).print(_packs_table(rows, lang))


def _pack_rows(reg: SpecRegistry, lang: str) -> list[dict[str, Any]]:
    """One row per pack siu knows: year, version, origin, whether in use, its executive orders."""
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
    return rows


def _packs_table(rows: list[dict[str, Any]], lang: str) -> Table:
    table = Table(title=text_in(lang, "Specifikationspakker", "Spec packs"))
    for col in (
        ("År", "Year"),
        ("Version", "Version"),
        ("Bekendtgørelser", "Executive orders"),
        ("Kilde", "Origin"),
        ("I brug", "In use"),
        ("Foreløbige fakta", "Provisional facts"),
        ("Mappe", "Folder"),
    ):
        table.add_column(text_in(lang, *col))
    for r in rows:
        status = text_in(lang, "ja", "yes") if r["active"] and not r["error"] else text_in(lang, "nej", "no")
        if r["error"]:
            status = f"[red]{text_in(lang, 'fejl', 'error')}: {escape(r['error'])}[/]"
        elif not r["active"]:
            status = text_in(lang, "nej (erstattet)", "no (replaced)")
        orders = (
            "\n".join(
                f"{v['id']} {i18n.status('order', v['status'], lang)} {text_in(lang, 'fra', 'from')} {v['valid_from']}"
                + (text_in(lang, " (i kraft i dag)", " (in force today)") if v["in_force_today"] else "")
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
    return table


def _channel_rows(meta: Table, m: Any, lang: str) -> None:
    """The pack's executive orders, reporting channels and which source may use which channel."""
    for v in m.versions:
        meta.add_row(
            text_in(lang, "Bekendtgørelse", "Executive order"),
            escape(
                f"{v.id}: {v.order or '-'}"
                + (f" ({v.date})" if v.date else "")
                + f", {i18n.status('order', v.status, lang)}, "
                + f"{text_in(lang, 'gælder fra', 'valid from')} {v.valid_from}"
            ),
        )
    for name, ch in m.channels.items():
        d, r = ch.decimals, ch.rounding
        meta.add_row(
            text_in(lang, "Kanal", "Channel"),
            escape(
                f"{name}: {ch.name_en if lang == 'en' else ch.name_da}; {', '.join(ch.formats)}; "
                + text_in(lang, f"{d} decimaler, afrunding {r}", f"{d} decimals, rounding {r}")
            ),
        )
    for src, sc in m.source_channels.items():
        meta.add_row(
            text_in(lang, "Kilde → kanal", "Source → channel"),
            escape(f"{src}: {', '.join(sc.channels)}. {sc.why_en if lang == 'en' else sc.why_da}"),
        )


def _test_row(meta: Table, m: Any, lang: str) -> None:
    """How the pack marks a test delivery (file name prefix, header field)."""
    t = m.test
    meta.add_row(
        text_in(lang, "Testleverance", "Test delivery"),
        escape(
            ", ".join(
                x
                for x in (
                    f"{text_in(lang, 'filnavn', 'file name')} {t.file_prefix}…" if t.file_prefix else "",
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
        label += text_in(lang, " [foreløbig]", " [provisional]")
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
    pack = spec_pack(spec_registry(config, spec_dir, no_plugins, lang), year, lang)
    s = pack.summary()
    if as_json:
        typer.echo(json.dumps(s, indent=2, ensure_ascii=False, default=str))
        return
    en = lang == "en"
    c = Console(highlight=False)
    c.rule(f"[bold]{escape(s['title']['en' if en else 'da'])}[/] · {s['version']}")
    c.print(_meta_table(pack, s, lang))
    c.print(_paragraph_table(s, lang))
    c.print(_chart_table(pack, lang))
    _print_provenance(c, pack, s, lang)


def _meta_table(pack: SpecPack, s: dict[str, Any], lang: str) -> Table:
    """The pack's facts, one per row: origin, validity, channels, areas, amounts, CPR, XML, Excel."""
    meta = Table.grid(padding=(0, 2))
    m = pack.manifest
    meta.add_row(text_in(lang, "Kilde", "Origin"), escape(f"{s['origin']} ({s['folder']})"))
    meta.add_row(text_in(lang, "Gælder", "Valid"), f"{s['valid_from']} – {s['valid_to']}")
    _channel_rows(meta, m, lang)
    _test_row(meta, m, lang)
    meta.add_row("SHA-256", s["digest"])
    areas = [_area_label(name, info, lang) for name, info in s["areas"].items()]
    meta.add_row(
        text_in(lang, "Områder", "Areas"),
        escape(", ".join(areas)) + text_in(lang, f"; standard: {m.default_area}", f"; default: {m.default_area}"),
    )
    a = m.amount
    meta.add_row(
        text_in(lang, "Beløb", "Amounts"),
        f"{a.unit}, {a.decimals} {text_in(lang, 'decimaler', 'decimals')}, {a.sign}, "
        f"{text_in(lang, 'afrunding', 'rounding')}: "
        f"{a.rounding}",
    )
    meta.add_row("KONTOSTRENG", escape(s["kontostreng"]))
    cp = m.cpr
    born = text_in(lang, "DDMMÅÅ", "DDMMYY")
    allowed = ", ".join(p.code for p in pack.paragraphs.values() if p.anonymous_allowed) or "-"
    meta.add_row(
        text_in(lang, "Fiktive CPR", "Fictitious CPR"),
        f"{born}{cp.female_suffix} / {born}{cp.male_suffix}, {cp.no_birth_date}{cp.female_suffix} / "
        f"{cp.no_birth_date}{cp.male_suffix} " + text_in(lang, f"(kun {allowed})", f"(only {allowed})"),
    )
    meta.add_row(
        text_in(lang, "Datoregler", "Date rules"), escape(", ".join(f"{k} = {v}" for k, v in s["dates"].items()) or "-")
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
    meta.add_row(text_in(lang, "Linjefelter", "Line fields"), escape(", ".join(x.record_fields.values())))
    meta.add_row(text_in(lang, "Filnavn", "File name"), escape(s["file_name"] or "-"))
    meta.add_row("Excel", escape(f"{m.excel.sheet}: " + ", ".join(col.header for col in m.excel.columns)))
    return meta


def _paragraph_table(s: dict[str, Any], lang: str) -> Table:
    en = lang == "en"
    pt = Table(title=text_in(lang, "Paragraffer", "Paragraphs"))
    for col in (
        ("Kode", "Code"),
        ("Område", "Area"),
        ("Lov", "Law"),
        ("Navn", "Name"),
        ("Foreløbigt", "Provisional"),
        ("Kilde", "Source"),
    ):
        pt.add_column(text_in(lang, *col))
    for code, p in s["paragraphs"].items():
        pt.add_row(
            code,
            p["area"],
            escape(f"{p['section']} ({p['law']})"),
            escape(p["name_en"] if en else p["name_da"]),
            escape(i18n_specs.paragraph_flags(p["provisional"], lang) or "-"),
            escape(i18n_specs.fact(p["source"], lang)),
        )
    return pt


def _chart_table(pack: SpecPack, lang: str) -> Table:
    ct = Table(title=text_in(lang, "Kontoplan i scope", "Chart of accounts in scope"))
    for col in (
        ("Funktion", "Function"),
        ("Dranst", "Dranst"),
        ("Gruppering", "Grouping"),
        ("Paragraf", "Paragraph"),
        ("Navn", "Name"),
        ("Foreløbig", "Provisional"),
    ):
        ct.add_column(text_in(lang, *col))
    for e in pack.chart:
        ct.add_row(
            e.function,
            e.dranst,
            e.grouping,
            e.paragraph or text_in(lang, "(fra tilknytningen)", "(from the mapping)"),
            escape(e.name_da),
            text_in(lang, "ja", "yes") if e.provisional else text_in(lang, "nej", "no"),
        )
    return ct


def _print_provenance(c: Console, pack: SpecPack, s: dict[str, Any], lang: str) -> None:
    """What comes from DST's material, what is siu's assumption, and the sources."""
    m = pack.manifest
    c.print(f"[bold]{text_in(lang, 'Fra DST’s materiale', 'From DST’s material')}[/]")
    for fact in m.provenance.get("verified", []):
        c.print(f"  ✓ {escape(i18n_specs.fact(fact, lang))}")
    c.print(f"[bold yellow]{text_in(lang, 'Foreløbigt (siu’s antagelser)', 'Provisional (siu’s assumptions)')}[/]")
    for fact in s["provisional"]:
        c.print(f"  ? {escape(i18n_specs.fact(fact, lang))}")
    links = m.provenance.get("links", [])
    if links:
        c.print(f"[bold]{text_in(lang, 'Kilder', 'Sources')}[/]")
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
    reg = spec_registry(config, spec_dir, no_plugins, lang)
    d = diff_packs(spec_pack(reg, old, lang), spec_pack(reg, new, lang))
    if as_json:
        typer.echo(json.dumps(d, indent=2, ensure_ascii=False, default=str))
        return
    c = report_console()  # never wrapped: a changed value can be copied whole
    title = f"{d['from']['version']} → {d['to']['version']}"
    c.print(Rule(escape(title)), width=None if c.is_terminal else min(c.width, RULE_WIDTH))
    for line in diff_lines(d, lang):
        c.print(line)


specs_app.command("new")(new)
specs_app.command("check")(check)
