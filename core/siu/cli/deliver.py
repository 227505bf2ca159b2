"""``siu deliver``, ``siu history`` and ``siu diff``, and the sidecar ``siu convert`` leaves.

Registered on the main app by :func:`register_delivery_commands`; the work is done in
:mod:`siu.deliver.send`, :mod:`siu.base.archive`, :mod:`siu.deliver.sidecar` and :mod:`siu.deliver.diff`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import siu.deliver.diff  # noqa: F401  (defines SIU970–SIU971)
import siu.deliver.send  # noqa: F401  (defines SIU950–SIU966, so `siu explain` knows them)
from siu.base.cpr import mask_cpr
from siu.base.i18n import money
from siu.base.masking import console_text

if TYPE_CHECKING:
    from siu.report.result import RunResult

from siu.cli.common import EXIT_OK, ConfigOpt, Lang, NoPlugins, fail_finding  # noqa: E402


def write_sidecars(result: RunResult, lang: str, report_json: Path | None, report_xlsx: Path | None) -> None:
    """After a successful ``siu convert``: the sidecar beside every delivery written."""
    from siu.deliver import sidecar

    reports = {
        kind: str(p.resolve())
        for kind, p in (("json", report_json), ("xlsx", report_xlsx))
        if p is not None and p.is_file()
    }
    for output in result.outputs or ([result.output] if result.output else []):
        area = next((a for a in result.area_headers if f"_{a}" in output.name), None)
        try:
            sidecar.write(output, sidecar.build(result, output, area=area, reports=reports))
        except OSError as exc:
            from siu.cli.common import fail
            from siu.convert.run import UsageError

            where = mask_cpr(str(sidecar.sidecar_path(output)))
            fail(lang, UsageError(f"Kan ikke skrive {where}: {exc.strerror}", f"Cannot write {where}: {exc.strerror}"))


def deliver(
    delivery: Annotated[Path, typer.Argument()],
    replace: Annotated[bool, typer.Option("--replace")] = False,
    config: ConfigOpt = None,
    no_plugins: NoPlugins = False,
    lang: Lang = "da",
) -> None:
    """Send en valideret leverance til DST (system til system) / Send a validated delivery to DST (system to system).

    Exit code 0 delivered (receipt in the archive), 2 refused or failed (nothing under the final name)."""
    from siu.base import archive
    from siu.cli.common import _load_host, _settings, fail
    from siu.convert.run import UsageError, choose_spec
    from siu.deliver import send as dl
    from siu.deliver import sidecar

    settings = _settings(config, lang)
    host = _load_host(settings, no_plugins, lang)

    def current(year: int) -> str:
        return choose_spec(host, year, None, lang).version

    console = Console(highlight=False)
    try:
        data = dl.check_validated(delivery, current)
        spec = choose_spec(host, int(data["spec"]["year"]), None, lang)
        ch = dl.channel(settings, spec)
        password = dl.secret(settings, ch)
        if ch.provisional:
            console.print(
                (
                    "Note: the spec pack's connection facts are provisional: "
                    if lang == "en"
                    else "Bemærk: specifikationspakkens forbindelsesoplysninger er foreløbige: "
                )
                + "; ".join(ch.provisional),
                highlight=False,
            )
        done = dl.upload(delivery, ch, password, replace=replace)
    except dl.DeliveryError as exc:
        fail_finding(lang, exc.finding)
    except UsageError as exc:
        fail(lang, exc)
    receipt = _receipt(delivery, data, ch, done)
    folder = archive.archive_dir(settings)
    reports = [Path(p) for p in (data.get("reports") or {}).values()]
    try:
        entry = archive.store(folder, delivery, sidecar.sidecar_path(delivery), receipt, reports, lang)
    except OSError as exc:
        fail_finding(
            lang,
            dl.NO_ARCHIVE.make(
                folder=str(folder), reason=exc.strerror or str(exc), receipt=json.dumps(receipt, ensure_ascii=False)
            ),
        )
    console.print(archive.receipt_text(receipt, lang), highlight=False, soft_wrap=True)
    done_msg = dl.DELIVERED.make(
        file=receipt["file"],
        server=ch.server,
        remote=done.remote,
        sha256=data["sha256"][:16] + "…",
        receipt=str(entry / archive.RECEIPT_TEXT),
    )
    console.print(escape(done_msg.message(lang)), highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_OK)


def _receipt(delivery: Path, data: dict[str, Any], ch: Any, done: Any) -> dict[str, Any]:
    """The receipt archived beside a delivered file: what was sent where, and the delivery's facts."""
    from siu.base import archive

    return {
        "schema": archive.RECEIPT_SCHEMA,
        "file": mask_cpr(delivery.name),
        "sha256": data["sha256"],
        "size": data["size"],
        "delivered": archive.now(),
        "channel": ch.protocol,
        "server": ch.server,
        "user": ch.user,
        "remote_path": done.remote,
        "attempts": done.attempts,
        "checksum_verified": done.checksum_verified,
        "replaced": done.replaced,
        "kommune": data.get("kommune"),
        "year": data.get("year"),
        "area": data.get("area"),
        "spec_version": data["spec"]["version"],
        "verdict": data["verdict"],
        "created": data.get("created"),
        "totals": data.get("totals", {}),
        "paragraphs": data.get("paragraphs", {}),
        "months": data.get("months", []),
        "provisional": ch.provisional,
    }


def history(
    as_json: Annotated[bool, typer.Option("--json")] = False, config: ConfigOpt = None, lang: Lang = "da"
) -> None:
    """Vis arkivet af leverancer / List the archive of deliveries."""
    from siu.base import archive
    from siu.cli.common import _settings
    from siu.deliver.send import EMPTY_ARCHIVE

    settings = _settings(config, lang)
    folder = archive.archive_dir(settings)
    items = list(archive.entries(folder))
    en = lang == "en"
    if as_json:
        out = [{"folder": str(sub), **data} for sub, data in items]
        typer.echo(json.dumps({"archive": str(folder), "deliveries": out}, indent=2, ensure_ascii=False))
        raise typer.Exit(EXIT_OK)
    console = Console(highlight=False)
    if not items:
        console.print(escape(EMPTY_ARCHIVE.make(folder=str(folder)).message(lang)))
        raise typer.Exit(EXIT_OK)
    table = Table(title=("Deliveries in " if en else "Leverancer i ") + str(folder))
    heads = (
        ("Leveret", "Delivered"),
        ("Fil", "File"),
        ("Kommune", "Municipality"),
        ("År", "Year"),
        ("Område", "Area"),
        ("Kanal", "Channel"),
        ("Sti på serveren", "Remote path"),
        ("Netto", "Net"),
        ("SHA-256", "SHA-256"),
    )
    for head in heads:
        table.add_column(head[int(en)], overflow="fold", justify="right" if head[0] == "Netto" else "left")
    for _, r in items:
        net = str((r.get("totals") or {}).get("net", ""))
        try:
            net = money(Decimal(net), lang)
        except ArithmeticError:
            pass
        cells = (
            str(r.get("delivered", ""))[:16].replace("T", " "),
            str(r.get("file", "")),
            str(r.get("kommune", "")),
            str(r.get("year", "")),
            str(r.get("area", "")),
            f"{r.get('channel', '')} {r.get('server', '')}",
            str(r.get("remote_path", "")),
            net,
            str(r.get("sha256", ""))[:12],
        )
        table.add_row(*(console_text(c) for c in cells))  # a receipt is a file on disk: never markup
    console.print(table)
    raise typer.Exit(EXIT_OK)


def register_delivery_commands(app: typer.Typer) -> None:
    """Add ``deliver``, ``history`` and ``diff`` to the ``siu`` app."""
    app.command(name="deliver")(deliver)
    app.command(name="history")(history)
    from siu.cli.diff import diff

    app.command(name="diff")(diff)
