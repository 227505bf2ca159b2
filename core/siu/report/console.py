"""The console report: what was read, what is wrong and where, the totals, and the verdict.

Danish by default, English with ``--lang en``. CPR numbers only ever appear masked: findings
carry masked values, and the report prints nothing else that could hold one.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from siu import __version__
from siu.base.cpr import mask_cpr
from siu.base.i18n import details_text, money, plural, status, text
from siu.base.masking import console_text
from siu.check.verdict import verdict as verdict_text
from siu.findings import CATALOGUE
from siu.models import Finding, Severity
from siu.parsing import group_digits

if TYPE_CHECKING:
    from siu.host.plugins import PluginHost
    from siu.report.result import InputReport, RunResult

SEVERITY_LABEL = {
    Severity.ERROR: ("fejl", "error"),
    Severity.WARNING: ("advarsel", "warning"),
    Severity.INFO: ("info", "info"),
}
SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}

# To a file or a pipe the report is as wide as its longest line: a line is never wrapped and a
# table cell never cut ("…"), so a SHA-256 or a path can be copied and grepped whole.
FULL_WIDTH = 1_000_000
RULE_WIDTH = 80  # the header's rule, which would otherwise fill the full width


def report_console(stderr: bool = False) -> Console:
    """The console the report is printed on: the terminal's width on a terminal, full width otherwise."""
    console = Console(highlight=False, stderr=stderr)
    if console.is_terminal:
        return console
    return Console(highlight=False, stderr=stderr, width=FULL_WIDTH)


def kr(amount: Decimal, lang: str) -> str:
    """An amount as the report shows it: 1.234.567,89 in Danish, 1,234,567.89 in English."""
    return money(amount, lang)


def location_text(finding: Finding, lang: str) -> str:
    return finding.location.describe(lang) if finding.location is not None else ""


def print_report(
    console: Console,
    result: RunResult,
    host: PluginHost,
    lang: str = "da",
    per_code: int = 10,
    kommune_name: str | None = None,
) -> None:
    """Print the whole report: header, summary, details, totals, verdict."""
    _print_header(console, result, host, lang, kommune_name)
    _print_inputs(console, result, lang)
    _print_findings(console, result, lang, per_code)
    _print_totals(console, result, lang)
    print_rounding(console, result, lang)
    print_areas(console, result, lang)
    print_verdict(console, result, lang)


def _print_header(console: Console, result: RunResult, host: PluginHost, lang: str, kommune_name: str | None) -> None:
    """The run's header: municipality, year, area, spec pack, plugins."""
    en = lang == "en"

    def t(da: str, e: str) -> str:
        return e if en else da

    h = result.header
    spec = result.spec
    title = f"[bold]siu {__version__}[/] · {t('Individhenførbare udgifter', 'Individually attributable expenditure')}"
    console.print(Rule(title), width=min(console.width, RULE_WIDTH) if not console.is_terminal else None)
    meta = Table.grid(padding=(0, 2))
    meta.add_row(
        t("Kommune", "Municipality"), console_text(f"{h.kommune}" + (f" {kommune_name}" if kommune_name else ""))
    )
    meta.add_row(t("Regnskabsår", "Reporting year"), str(h.year))
    meta.add_row(t("Område", "Area"), console_text(h.area))
    provisional = t(" (foreløbig)", " (provisional)") if spec.provisional() else ""
    meta.add_row(t("Specifikation", "Specification"), console_text(f"{spec.version}{provisional} [{spec.origin}]"))
    if getattr(h, "test", False):
        meta.add_row(t("Testleverance", "Test delivery"), t("ja — ikke til indberetning", "yes — not for submission"))
    loaded = [p.name for p in host.plugins if p.status == "loaded" and not p.name.startswith("siu.")]
    meta.add_row("Plugins", console_text(", ".join(loaded) or "-"))  # a plugin's name is not markup
    for p in host.problems:
        shown = status("plugin", p.status, "en" if en else "da")
        meta.add_row("", Text(mask_cpr(f"{p.name} {p.version}: {shown}: {p.error}"), style="yellow"))
    console.print(meta)


def _print_inputs(console: Console, result: RunResult, lang: str) -> None:
    """Each input as it was read, with its ledger, and the sources' notes."""
    en = lang == "en"

    def t(da: str, e: str) -> str:
        return e if en else da

    for n, r in enumerate(result.inputs, start=1):
        details = mask_cpr(details_text(r.info.details, lang))
        console.print(
            f"[bold]{t('Input', 'Input')} {n}:[/] {console_text(r.path.name)} ({console_text(r.source)}) · "
            f"{group_digits(r.size, 0, lang)} bytes · SHA-256 {r.sha256}"
        )
        counts = text(
            "report.read_counts", lang, rows=r.info.rows_read, postings=r.info.postings, amount=kr(r.amount, lang)
        )
        console.print(f"  {text('report.read_as', lang)}: {console_text(details)} · {counts}")
        console.print(f"  {console_text(ledger_line(r, lang))}")
    print_sources(console, result, lang)


def _print_findings(console: Console, result: RunResult, lang: str, per_code: int) -> None:
    """The findings: a summary per code, then up to ``per_code`` of each."""
    en = lang == "en"

    def t(da: str, e: str) -> str:
        return e if en else da

    sink = result.sink
    if sink.by_code:
        summary = Table(title=t("Fund", "Findings"), title_justify="left")
        for col in (t("Kode", "Code"), t("Alvor", "Severity"), t("Antal", "Count"), t("Beskrivelse", "Description")):
            summary.add_column(col)
        codes = sorted(sink.by_code, key=lambda c: (sink.severity_of[c].rank, c))
        for code in codes:
            sev = sink.severity_of[code]
            entry = CATALOGUE.get(code)
            title = (entry.title_en if en else entry.title_da) if entry else ""
            summary.add_row(
                code,
                Text(SEVERITY_LABEL[sev][int(en)], style=SEVERITY_STYLE[sev]),
                group_digits(sink.by_code[code], 0, lang),
                console_text(title),
            )
        console.print(summary)

        grouped: dict[str, list[Finding]] = defaultdict(list)
        for f in sink.kept:
            grouped[f.code].append(f)
        for code in codes:
            sev = sink.severity_of[code]
            console.print(Text(f"{code} · {SEVERITY_LABEL[sev][int(en)]}", style=SEVERITY_STYLE[sev]))
            for f in grouped[code][:per_code]:
                where = location_text(f, lang)
                console.print(
                    f"  {console_text(where)}: {console_text(f.message(lang))}"
                    if where
                    else f"  {console_text(f.message(lang))}"
                )
            more = sink.by_code[code] - min(per_code, len(grouped[code]))
            if more > 0:
                console.print(Text("  " + text("report.more", lang, more=more), style="dim"))
    else:
        console.print(t("Ingen fund.", "No findings."))


def _print_totals(console: Console, result: RunResult, lang: str) -> None:
    """Totals per paragraph, the money line and what mapping rules left out."""
    en = lang == "en"

    def t(da: str, e: str) -> str:
        return e if en else da

    h = result.header
    totals = Table(title=t("Totaler pr. paragraf", "Totals per paragraph"), title_justify="left")
    for col in (
        t("Paragraf", "Paragraph"),
        t("Borgere", "Citizens"),
        t("Linjer", "Lines"),
        t("Udgifter", "Expenditure"),
        t("Indtægter", "Revenue"),
        "Netto" if not en else "Net",
    ):
        totals.add_column(col, justify="right" if col not in ("Paragraf", "Paragraph") else "left")
    for code in sorted(result.paragraphs):
        pt = result.paragraphs[code]
        totals.add_row(
            console_text(code),
            group_digits(len(pt.citizens), 0, lang),
            group_digits(pt.lines, 0, lang),
            kr(pt.expenditure, lang),
            kr(pt.revenue, lang),
            kr(pt.net, lang),
        )
    ht = h.totals
    totals.add_row(
        Text(t("I alt", "Total"), style="bold"),
        "",
        group_digits(ht.records, 0, lang),
        kr(ht.expenditure, lang),
        kr(ht.revenue, lang),
        kr(ht.net, lang),
    )
    console.print(totals)
    if result.anonymised:
        console.print(text("report.anonymised", lang, count=result.anonymised))
    console.print(money_line(result, lang))
    for excl in result.excluded.values():
        rule = t(excl.rule, excl.rule_en)
        line = text(
            "report.excluded", lang, rule=rule, rows=excl.rows, amount=kr(excl.amount, lang), reason=excl.reason
        )
        console.print("  " + console_text(mask_cpr(line)))


def ledger_line(r: InputReport, lang: str) -> str:
    """One input's ledger: its rows and money, each in exactly one place."""
    return text(
        "report.ledger",
        lang,
        rows=r.info.rows_read,
        delivered=r.delivered_postings,
        excluded=r.excluded_rows,
        skipped=r.info.rows_skipped,
        amount=kr(r.read_amount, lang),
        amount_delivered=kr(r.delivered_amount, lang),
        amount_excluded=kr(r.excluded_amount, lang),
        amount_skipped=kr(r.skipped_amount, lang),
    )


def money_line(result: RunResult, lang: str) -> str:
    """The ledger's balance for the whole run: money read = delivery + excluded + skipped."""
    en = lang == "en"
    read, net = kr(result.read_amount, lang), kr(result.header.totals.net, lang)
    skipped = sum(r.info.rows_skipped for r in result.inputs)
    parts = ""
    if result.excluded_amount or any(r.excluded_rows for r in result.inputs):
        parts += f" + {'excluded' if en else 'udeladt'} {kr(result.excluded_amount, lang)}"
    if result.skipped_amount:
        parts += f" + {'skipped' if en else 'sprunget over'} {kr(result.skipped_amount, lang)}"
    if not result.balanced:
        delivered = kr(result.read_amount - result.excluded_amount - result.skipped_amount, lang)
        return (
            f"Money does NOT balance: input {read}{parts}, delivery {net} (expected {delivered})"
            if en
            else f"Pengene stemmer IKKE: input {read}{parts}, leverance {net} (forventet {delivered})"
        )
    rows = text("report.skipped_rows", lang, skipped=skipped)
    if en:
        return f"Money conserved: input {read} = delivery {net}{parts}; {rows} (see SIU010)."
    return f"Pengene stemmer: input {read} = leverance {net}{parts}; {rows} (se SIU010)."


def print_verdict(console: Console, result: RunResult, lang: str) -> None:
    en = lang == "en"
    sink = result.sink
    counts = text("verdict.counts", lang, errors=sink.errors, warnings=sink.warnings)
    provisional = len(result.spec.provisional())
    test = bool(getattr(result.header, "test", False))
    said = verdict_text(sink.ok, bool(provisional), test)[int(en)]
    if sink.ok and provisional:
        counts += "; " + text("verdict.provisional", lang, count=provisional, year=str(result.spec.year))
    style = "bold red" if not sink.ok else ("bold yellow" if provisional or test else "bold green")
    console.print(Text(f"{said} ({counts})", style=style))


def print_sources(console: Console, result: RunResult, lang: str) -> None:
    """With several inputs: what came from where, per input and per source (postings and money)."""
    if len(result.inputs) < 2:
        return
    en = lang == "en"
    table = Table(title="Input pr. fil og kilde" if not en else "Input per file and source", title_justify="left")
    for col in (
        "Input",
        "Kilde" if not en else "Source",
        "Posteringer" if not en else "Postings",
        "Udgifter" if not en else "Expenditure",
        "Indtægter" if not en else "Revenue",
        "Netto" if not en else "Net",
    ):
        table.add_column(col, justify="left" if col in ("Input", "Kilde", "Source") else "right")
    per_source: dict[str, list[Decimal | int]] = {}
    for n, r in enumerate(result.inputs, start=1):
        table.add_row(
            f"{n}: {console_text(r.path.name)}",
            console_text(r.source),
            group_digits(r.info.postings, 0, lang),
            kr(r.expenditure, lang),
            kr(r.revenue, lang),
            kr(r.amount, lang),
        )
        acc = per_source.setdefault(r.source, [0, Decimal(0), Decimal(0), Decimal(0)])
        for i, value in enumerate((r.info.postings, r.expenditure, r.revenue, r.amount)):
            acc[i] += value  # type: ignore[operator]
    table.add_section()
    for source, (postings, expenditure, revenue, net) in per_source.items():
        label = f"{source} i alt" if not en else f"{source} total"
        table.add_row(
            Text(label, style="bold"),
            console_text(source),
            group_digits(postings, 0, lang),
            kr(Decimal(expenditure), lang),
            kr(Decimal(revenue), lang),
            kr(Decimal(net), lang),
        )
    console.print(table)


def print_areas(console: Console, result: RunResult, lang: str) -> None:
    """With one file per area (``--split``): each file's area, lines and money."""
    if not result.area_headers:
        return
    en = lang == "en"
    table = Table(title="Filer pr. område" if not en else "Files per area", title_justify="left")
    for col in (
        "Område" if not en else "Area",
        "Linjer" if not en else "Lines",
        "Udgifter" if not en else "Expenditure",
        "Indtægter" if not en else "Revenue",
        "Netto" if not en else "Net",
        "Fil" if not en else "File",
    ):
        table.add_column(col, justify="left" if col in ("Område", "Area", "Fil", "File") else "right")
    names = {
        area: path.name for area, path in zip(result.area_headers, result.outputs)
    }  # same order; [] when nothing written
    for area, head in result.area_headers.items():
        tot = head.totals
        table.add_row(
            console_text(area),
            group_digits(tot.records, 0, lang),
            kr(tot.expenditure, lang),
            kr(tot.revenue, lang),
            kr(tot.net, lang),
            console_text(names.get(area, "-")),
        )
    console.print(table)


def print_rounding(console: Console, result: RunResult, lang: str) -> None:
    """Where the channel takes whole kroner: exact and delivered totals per paragraph (SIU443)."""
    r = getattr(result, "rounding", None)
    if r is None or not r.lines:
        return
    en = lang == "en"
    unit = (
        ("whole kroner" if en else "hele kroner")
        if r.decimals == 0
        else f"{r.decimals} {plural(r.decimals, 'decimal', 'decimals' if en else 'decimaler')}"
    )
    table = Table(
        title=console_text(
            f"Amounts rounded to {unit} ({r.channel})" if en else f"Beløb afrundet til {unit} ({r.channel})"
        ),
        title_justify="left",
    )
    for col in (("Paragraf", "Paragraph"), ("Eksakt", "Exact"), ("Leveret", "Delivered"), ("Difference", "Difference")):
        table.add_column(col[int(en)], justify="left" if col[0] == "Paragraf" else "right")
    for code, (exact, delivered) in sorted(r.paragraphs.items()):
        table.add_row(console_text(code), kr(exact, lang), kr(delivered, lang), kr(delivered - exact, lang))
    table.add_row(
        Text("I alt" if not en else "Total", style="bold"),
        kr(r.exact, lang),
        kr(r.delivered, lang),
        kr(r.difference, lang),
    )
    console.print(table)
    most = kr(r.max_citizen_difference, lang)
    console.print(
        text(
            "report.rounding",
            lang,
            changed=r.changed,
            lines=r.lines,
            zeroed=r.zeroed,
            most=most,
            groups=r.citizen_groups,
        )
    )
