"""``siu diff OLD NEW``: the console view and the JSON and workbook reports of :mod:`siu.deliver.diff`."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from siu.base.masking import console_text
from siu.cli.common import Lang  # noqa: E402
from siu.report.console import report_console
from siu.writers import atomic_output, commit


def _d(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _kr(text: str | None, en: bool) -> str:
    if text is None:
        return "-"
    from siu.base.i18n import money

    return money(Decimal(text), "en" if en else "da")


def print_diff(console: Console, data: dict[str, Any], lang: str) -> None:
    en = lang == "en"
    o, n = data["old"], data["new"]
    console.print(
        f"{'Old' if en else 'Gammel'}: {o['file']} ({o['year']}, {o['lines']} {'lines' if en else 'linjer'}, "
        f"{'net' if en else 'netto'} {_kr(o['net'], en)})"
    )
    console.print(
        f"{'New' if en else 'Ny'}:     {n['file']} ({n['year']}, {n['lines']} {'lines' if en else 'linjer'}, "
        f"{'net' if en else 'netto'} {_kr(n['net'], en)})"
    )
    _print_totals(console, data, en)
    c, li = data["citizens"], data["lines"]
    if en:
        console.print(
            f"Citizens: {c['added']} added, {c['removed']} removed. Lines: {li['added']} added, {li['removed']} "
            f"removed, {li['changed']} changed, {li['unchanged']} unchanged."
        )
    else:
        console.print(
            f"Borgere: {c['added']} tilføjet, {c['removed']} fjernet. Linjer: {li['added']} tilføjet, {li['removed']} "
            f"fjernet, {li['changed']} ændret, {li['unchanged']} uændret."
        )
    for kind, da, en_word in (
        ("added", "Tilføjede borgere", "Citizens added"),
        ("removed", "Fjernede borgere", "Citizens removed"),
    ):
        names = c[f"{kind}_sample"][:10]
        if names:
            more = c[kind] - len(names)
            console.print(f"{en_word if en else da}: {', '.join(names)}" + (f" (+{more})" if more > 0 else ""))
    _print_annualised(console, data, en)


def _print_totals(console: Console, data: dict[str, Any], en: bool) -> None:
    """Net and citizens before and now, per paragraph and per function."""
    for key, title in (
        ("paragraphs", ("Totaler pr. paragraf", "Totals per paragraph")),
        ("functions", ("Totaler pr. funktion", "Totals per function")),
    ):
        table = Table(title=title[int(en)])
        first = "paragraph" if key == "paragraphs" else "function"
        for head in (
            (("Paragraf", "Paragraph") if key == "paragraphs" else ("Funktion", "Function")),
            ("Netto før", "Net before"),
            ("Netto nu", "Net now"),
            ("Ændring", "Change"),
            ("Borgere før", "Citizens before"),
            ("Borgere nu", "Citizens now"),
        ):
            table.add_column(head[int(en)], justify="left" if head[0] in ("Paragraf", "Funktion") else "right")
        for row in data[key]:
            old, new = row["old"] or {}, row["new"] or {}
            table.add_row(
                console_text(str(row[first])),
                _kr(old.get("net"), en),
                _kr(new.get("net"), en),
                _kr(row["change_net"], en),
                str(old.get("citizens", 0)),
                str(new.get("citizens", 0)),
            )
        console.print(table)


def _print_annualised(console: Console, data: dict[str, Any], en: bool) -> None:
    """The largest changes in a citizen's annualised expenditure."""
    if not data["annualised"]:
        return
    table = Table(
        title="Largest changes in annualised expenditure per citizen"
        if en
        else "Største ændringer i årsudgift pr. borger"
    )
    for head in (
        ("Borger", "Citizen"),
        ("Paragraf", "Paragraph"),
        ("Før", "Before"),
        ("Nu", "Now"),
        ("Ændring", "Change"),
    ):
        table.add_column(head[int(en)], justify="left" if head[0] in ("Borger", "Paragraf") else "right")
    for row in data["annualised"][:10]:
        table.add_row(
            console_text(str(row["citizen"])),
            console_text(str(row["paragraph"])),
            _kr(row["old"], en),
            _kr(row["new"], en),
            _kr(row["change"], en),
        )
    console.print(table)


def write_json(path: Path, data: dict[str, Any]) -> None:
    with atomic_output(path) as (fh, tmp):
        fh.write((json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    commit(tmp, path)


def write_xlsx(path: Path, data: dict[str, Any], lang: str) -> None:
    from openpyxl import Workbook

    from siu.report.xlsx_tables import table_sheet

    en = lang == "en"
    wb = Workbook(write_only=True)
    o, n = data["old"], data["new"]
    table_sheet(
        wb,
        "Summary" if en else "Oversigt",
        ["", "Old" if en else "Gammel", "New" if en else "Ny"],
        [
            ["File" if en else "Fil", o["file"], n["file"]],
            ["Year" if en else "År", o["year"], n["year"]],
            ["Lines" if en else "Linjer", o["lines"], n["lines"]],
            ["Citizens" if en else "Borgere", o["citizens"], n["citizens"]],
            ["Expenditure" if en else "Udgifter", _d(o["expenditure"]), _d(n["expenditure"])],
            ["Revenue" if en else "Indtægter", _d(o["revenue"]), _d(n["revenue"])],
            ["Net" if en else "Netto", _d(o["net"]), _d(n["net"])],
            ["Citizens added" if en else "Borgere tilføjet", None, data["citizens"]["added"]],
            ["Citizens removed" if en else "Borgere fjernet", None, data["citizens"]["removed"]],
            ["Lines added" if en else "Linjer tilføjet", None, data["lines"]["added"]],
            ["Lines removed" if en else "Linjer fjernet", None, data["lines"]["removed"]],
            ["Lines changed" if en else "Linjer ændret", None, data["lines"]["changed"]],
        ],
        widths=(22, 30, 30),
    )
    for key, first in (("paragraphs", "paragraph"), ("functions", "function")):
        _totals_sheet(wb, data, key, first, en)
    c = data["citizens"]
    table_sheet(
        wb,
        "Citizens" if en else "Borgere",
        ["Change" if en else "Ændring", "Citizen" if en else "Borger"],
        [[("added" if en else "tilføjet"), x] for x in c["added_sample"]]
        + [[("removed" if en else "fjernet"), x] for x in c["removed_sample"]],
    )
    rows = _line_rows(data, en)
    table_sheet(
        wb,
        "Lines" if en else "Linjer",
        ["Change", "Citizen", "KONTOSTRENG", "Paragraph", "Start", "End", "Amount before", "Amount now"]
        if en
        else ["Ændring", "Borger", "KONTOSTRENG", "Paragraf", "Start", "Slut", "Beløb før", "Beløb nu"],
        rows,
    )
    table_sheet(
        wb,
        "Annualised" if en else "Årsudgift",
        ["Citizen", "Paragraph", "Annualised before", "Annualised now", "Change"]
        if en
        else ["Borger", "Paragraf", "Årsudgift før", "Årsudgift nu", "Ændring"],
        [[r["citizen"], r["paragraph"], _d(r["old"]), _d(r["new"]), _d(r["change"])] for r in data["annualised"]],
    )
    with atomic_output(path) as (fh, tmp):
        wb.save(fh)
    commit(tmp, path)


def _totals_sheet(wb: Any, data: dict[str, Any], key: str, first: str, en: bool) -> None:
    """One sheet of totals before and now: per paragraph or per function."""
    from siu.report.xlsx_tables import table_sheet

    head = [("Paragraph" if en else "Paragraf") if key == "paragraphs" else ("Function" if en else "Funktion")]
    head += (
        ["Net before", "Net now", "Change", "Lines before", "Lines now", "Citizens before", "Citizens now"]
        if en
        else ["Netto før", "Netto nu", "Ændring", "Linjer før", "Linjer nu", "Borgere før", "Borgere nu"]
    )
    rows = []
    for r in data[key]:
        old, new = r["old"] or {}, r["new"] or {}
        rows.append(
            [
                r[first],
                _d(old.get("net", "0")),
                _d(new.get("net", "0")),
                _d(r["change_net"]),
                old.get("lines", 0),
                new.get("lines", 0),
                old.get("citizens", 0),
                new.get("citizens", 0),
            ]
        )
    table_sheet(
        wb,
        (("Paragraphs" if en else "Paragraffer") if key == "paragraphs" else ("Functions" if en else "Funktioner")),
        head,
        rows,
    )


def _line_rows(data: dict[str, Any], en: bool) -> list[list[Any]]:
    """The sample of lines added, removed and changed, one row each."""
    words = {"added": ("tilføjet", "added"), "removed": ("fjernet", "removed"), "changed": ("ændret", "changed")}
    rows = []
    for kind, items in data["lines"]["samples"].items():
        for e in items:
            rows.append(
                [
                    words[kind][int(en)],
                    e["citizen"],
                    e["kontostreng"],
                    e["paragraph"],
                    e["start"],
                    e["end"],
                    _d(e.get("old_amount")),
                    _d(e.get("new_amount")),
                ]
            )
    return rows


def diff(
    old: Annotated[Path, typer.Argument()],
    new: Annotated[Path, typer.Argument()],
    report_json: Annotated[Path | None, typer.Option("--report-json")] = None,
    report_xlsx: Annotated[Path | None, typer.Option("--report-xlsx")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    lang: Lang = "da",
) -> None:
    """Sammenlign to leverancer (samme eller to på hinanden følgende år) / Compare two deliveries (same or consecutive
    years)."""
    from siu.cli.common import fail, fail_finding
    from siu.convert.run import UsageError
    from siu.deliver.diff import DiffError, compare

    try:
        data = compare(old, new)
    except DiffError as exc:
        fail_finding(lang, exc.finding)
    if not quiet:
        print_diff(report_console(), data, lang)
    for target, writer in (
        (report_json, lambda p: write_json(p, data)),
        (report_xlsx, lambda p: write_xlsx(p, data, lang)),
    ):
        if target is None:
            continue
        try:
            writer(target)
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            fail(
                lang,
                UsageError(
                    f"Rapporten {target} kan ikke skrives: {reason}", f"The report {target} cannot be written: {reason}"
                ),
            )
    raise typer.Exit(0)
