"""``siu plugins``, ``siu explain`` and ``siu web``: what siu has loaded, what a code means, and the
browser front end (private).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from siu import __version__
from siu.base import i18n
from siu.cli.common import (
    EXIT_USAGE,
    AsJson,
    ConfigOpt,
    Lang,
    NoPlugins,
    _load_host,
    _settings,
    _stderr,
    fail,
    in_range,
)
from siu.convert.run import UsageError
from siu.findings import CATALOGUE
from siu.host.plugins import PluginHost, load_plugins, local_plugin_files
from siu.report.console import report_console


def web(
    port: Annotated[int, typer.Option("--port", callback=in_range(0, 65535))] = 0,
    no_browser: Annotated[bool, typer.Option("--no-browser")] = False,
    max_upload: Annotated[int, typer.Option("--max-upload", callback=in_range(1))] = 200,
    config: ConfigOpt = None,
    lang: Lang = "da",
    no_plugins: NoPlugins = False,
) -> None:
    """Åbn siu i browseren på denne computer / Open siu in the browser on this computer."""
    from siu.web import serve

    settings = _settings(config, lang)
    console = Console(highlight=False)

    def announce(url: str) -> None:
        console.print(
            ("siu web runs at (stop with Ctrl+C): " if lang == "en" else "siu web kører på (stop med Ctrl+C): ") + url,
            soft_wrap=True,
        )

    try:
        serve(
            base=settings,
            port=port,
            open_browser=not no_browser,
            no_plugins=no_plugins,
            max_upload=max_upload * 1024 * 1024,
            lang=lang,
            announce=announce,
        )
    except OSError as exc:  # the port is taken
        fail(
            lang,
            UsageError(
                f"Kan ikke lytte på 127.0.0.1:{port}: {exc.strerror}",
                f"Cannot listen on 127.0.0.1:{port}: {exc.strerror}",
            ),
        )


def plugins(
    as_json: AsJson = False, no_plugins: NoPlugins = False, config: ConfigOpt = None, lang: Lang = "da"
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
            "sources": {
                n: {"plugin": host.provider_of("sources", n), "description": s.description}
                for n, s in sorted(host.sources.items())
            },
            "writers": {
                n: {"plugin": host.provider_of("writers", n), "description": w.description}
                for n, w in sorted(host.writers.items())
            },
            "problems": [f.model_dump(mode="json", exclude_none=True) for f in host.warnings()],
            "conflicts": [c.finding.model_dump(mode="json", exclude_none=True) for c in host.conflicts if c.finding],
        }
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        report_console().print(_plugins_table(host, en))  # names whole, to copy into SIU_DISABLE_PLUGINS
    for conflict in host.conflicts:
        _stderr().print(
            f"[bold red]{'Error' if en else 'Fejl'}:[/] {conflict.message_en if en else conflict.message_da}",
            highlight=False,
            soft_wrap=True,
        )
    if host.conflicts:
        raise typer.Exit(EXIT_USAGE)


def _plugins_table(host: PluginHost, en: bool) -> Table:
    """One row per plugin: the name to disable it by, package, version, API, status, hooks, what it provides."""
    from siu.host.plugins import API_VERSION

    table = Table(title=f"siu {__version__} plugins (API {API_VERSION})")
    heads = (
        ("Navn (til SIU_DISABLE_PLUGINS)", "Name (for SIU_DISABLE_PLUGINS)"),
        ("Pakke", "Package"),
        ("Version", "Version"),
        ("API", "API"),
        ("Status", "Status"),
        ("Hooks", "Hooks"),
        ("Leverer", "Provides"),
    )
    for head in heads:
        table.add_column(head[int(en)], overflow="fold")
    for p in host.plugins:
        provides = []
        for items, da_label, en_label in (
            (p.sources, "kilder", "sources"),
            (p.writers, "formater", "writers"),
            (p.rules, "regler", "rules"),
            (p.spec_packs, "spec-pakker", "spec packs"),
        ):
            if items:
                shown = ", ".join(items) if len(items) <= 6 else f"{len(items)}"
                provides.append(f"{en_label if en else da_label}: {shown}")
        name = p.disable_as or (f"{p.name} (core)" if en else f"{p.name} (kerne)")
        status = i18n.status("plugin", p.status, "en" if en else "da") + (f": {p.problem.code}" if p.problem else "")
        table.add_row(name, p.package, p.version, p.api or "-", status, ", ".join(p.hooks), "; ".join(provides))
    return table


def explain(code: Annotated[str, typer.Argument()], config: ConfigOpt = None, lang: Lang = "da") -> None:
    """Forklar en fundkode / Explain a finding code."""
    # plugins (also the municipality's local ones) may define codes of their own; a conflict must not stop `explain`
    load_plugins(raise_conflicts=False, local_files=local_plugin_files(_settings(config, lang)))
    entry = CATALOGUE.get(code.upper())
    if entry is None:
        fail(lang, UsageError(f"Ukendt kode: {code}", f"Unknown code: {code}"))
    en = lang == "en"
    console = report_console()  # full width to a file or pipe
    severity = (
        {"error": "fejl", "warning": "advarsel"}.get(entry.severity.value, entry.severity.value)
        if not en
        else entry.severity.value
    )
    console.print(f"[bold]{entry.code}[/] · {severity} · {escape(entry.title_en if en else entry.title_da)}")
    console.print(escape(entry.doc_en if en else entry.doc_da))  # docs name TOML tables like [excel]
    if entry.group == "reconciliation":  # the columns come from the reader itself, so they cannot drift
        from siu.check.reconcile import account_columns

        console.print("Saldobalancens kolonner:" if not en else "The trial balance's columns:")
        for line in account_columns(lang):
            console.print(f"  • {escape(line)}")
