"""Generators of realistic Opus and SAP exports for the adapter tests (no hand-edited fixtures).

Every generator writes a file and returns an :class:`Export` that knows the truth about it:
the postings in file order, the row each one sits on as a user sees it (editor line or Excel
row), the money they hold, and how many rows of each kind an adapter must skip and report.
The formatters here (:func:`fmt_amount`, :func:`fmt_date`) are written independently of
``siu.parsing`` so the tests can check the parser against them.

Layouts imitate what municipalities get out of KMD Opus and SAP GUI: Danish and technical
headers in varying order with extra columns, cp1252/UTF-8/UTF-8-BOM/ISO-8859-1, CRLF, blank
trailing lines, quoted fields with ``;`` and line breaks inside, ALV title lines and subtotals,
and SAP's ``|``-separated "unconverted" lists with ``---`` lines and repeated page headers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

YEAR = 2025
CENT = Decimal("0.01")

# Accounts the demo mapping (core/siu/demo/mapping.toml) knows: (psp, cost centre, artskonto).
OPUS_ACCOUNTS = (
    ("XG-5385010001-0001", None, "40110000", "Bakkehuset"),
    ("XG-5385210001-0001", None, "40120000", "Midlertidigt ophold Fjordly"),
    ("XG-5385110001-0002", None, "40150000", "Støtte i bolig, Lærkevej"),
    (None, "5384200200", "40130000", "Forsorgshjemmet Havnen"),
)
# SAP G/L accounts and the rules that map them (see SAP_MAPPING).
SAP_ACCOUNTS = (
    ("53850104", "5385010001", "XG-5385010001-0001", "Bakkehuset ophold"),
    ("53852104", "5385210001", "XG-5385210001-0001", "Fjordly, midlertidigt ophold"),
    ("53842104", "5384200200", None, "Havnen; døgnophold"),
)
SAP_MAPPING = """\
# SAP: finanskonto -> autoriseret kontostreng (test mapping; arten står i reglen)
[[rule]]
name = "Bakkehuset (§ 108)"
gl_account = "5385010*"
function = "5.38.50"
grouping = "001"
art = "4.0"

[[rule]]
name = "Fjordly (§ 107)"
gl_account = "5385210*"
function = "5.38.52"
grouping = "001"
art = "4.0"

[[rule]]
name = "Forsorgshjemmet Havnen (§ 110)"
gl_account = "5384210*"
function = "5.38.42"
grouping = "002"
paragraph = "SEL110"
art = "4.0"
"""

# Municipal SAP: the G/L account is the artskonto (art in its first two digits); the cost centre
# names the function (see sap_fbl3n_tab), so these rules carry no `art`.
SAP_ART_MAPPING = """\
# SAP: omkostningssted -> funktion; arten tages fra finanskontoen (artskontoen)
[[rule]]
name = "Bakkehuset (§ 108)"
cost_centre = "5385010001"
function = "5.38.50"
grouping = "001"

[[rule]]
name = "Fjordly (§ 107)"
cost_centre = "5385210001"
function = "5.38.52"
grouping = "001"

[[rule]]
name = "Forsorgshjemmet Havnen (§ 110)"
cost_centre = "5384200200"
function = "5.38.42"
grouping = "002"
paragraph = "SEL110"
"""

MONTHS_DA = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


# --- value formatters (independent of siu.parsing) -------------------------------------------

AMOUNT_STYLES = ("danish", "danish_plain", "trailing", "parens", "intl", "intl_plain", "danish_spaces")
DATE_STYLES = ("dmy_dot", "dmy_dash", "iso", "ddmmyyyy", "yyyymmdd", "serial")


def _group(digits: str, sep: str) -> str:
    out = []
    while len(digits) > 3:
        digits, tail = digits[:-3], digits[-3:]
        out.insert(0, tail)
    out.insert(0, digits)
    return sep.join(out)


def fmt_amount(amount: Decimal, style: str) -> str:
    """``amount`` written the way an export of ``style`` writes it (two decimals)."""
    amount = amount.quantize(CENT)
    negative = amount < 0
    integer, _, fraction = f"{abs(amount):f}".partition(".")
    fraction = (fraction + "00")[:2]
    body = {
        "danish": f"{_group(integer, '.')},{fraction}",
        "danish_spaces": f"{_group(integer, ' ')},{fraction}",
        "danish_plain": f"{integer},{fraction}",
        "trailing": f"{_group(integer, '.')},{fraction}",
        "parens": f"{_group(integer, '.')},{fraction}",
        "intl": f"{_group(integer, ',')}.{fraction}",
        "intl_plain": f"{integer}.{fraction}",
    }[style]
    if not negative:
        return body
    if style == "trailing":
        return body + "-"
    if style == "parens":
        return f"({body})"
    return "-" + body


def fmt_date(day: dt.date, style: str) -> str:
    """``day`` written as ``style``; ``serial`` is Excel's day number (1900 system)."""
    if style == "serial":
        serial = (day - dt.date(1899, 12, 30)).days
        return str(serial - 1 if serial <= 60 else serial)
    return {
        "dmy_dot": f"{day.day:02d}.{day.month:02d}.{day.year:04d}",
        "dmy_dash": f"{day.day:02d}-{day.month:02d}-{day.year:04d}",
        "iso": f"{day.year:04d}-{day.month:02d}-{day.day:02d}",
        "ddmmyyyy": f"{day.day:02d}{day.month:02d}{day.year:04d}",
        "yyyymmdd": f"{day.year:04d}{day.month:02d}{day.day:02d}",
    }[style]


# --- the truth -------------------------------------------------------------------------------


@dataclass
class Line:
    """One true posting, before it is written in some layout."""

    document: str
    posting_date: dt.date
    cpr: str
    amount: Decimal
    start: dt.date
    end: dt.date
    text: str
    psp: str | None = None
    cost_centre: str | None = None
    artskonto: str | None = None
    gl_account: str | None = None


@dataclass
class Export:
    """A generated export and what an adapter must make of it."""

    path: Path
    source: str
    layout: str
    lines: list[Line]
    rows: list[int]  # the row (editor line / Excel row) of each line, in order
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> rows an adapter must skip
    has_period: bool = True
    period: str | None = None  # the [source.x] period rule the layout needs
    read_options: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def fake_cpr(rng: random.Random) -> str:
    """A CPR-shaped number with a real birth date in the 1900s (synthetic, not a real person)."""
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 60 * 365))
    return f"{born:%d%m%y}-{rng.randrange(0, 4)}{rng.randrange(0, 1000):03d}"


def make_lines(count: int, seed: int, source: str = "opus") -> list[Line]:
    """``count`` plausible postings of one year: monthly stays, some refunds (negative)."""
    rng = random.Random(seed)
    citizens = [fake_cpr(rng) for _ in range(max(3, count // 12))]
    lines = []
    for i in range(count):
        month = rng.randrange(1, 13)
        start = dt.date(YEAR, month, 1)
        end = (dt.date(YEAR, month + 1, 1) if month < 12 else dt.date(YEAR + 1, 1, 1)) - dt.timedelta(days=1)
        posting_date = min(end, start + dt.timedelta(days=rng.randrange(0, 27)))
        amount = Decimal(rng.randrange(100, 3_500_000)) / 100
        refund = rng.random() < 0.08
        if refund:
            amount = -amount  # a payment from another municipality or a correction
        if source == "opus":
            psp, cost_centre, artskonto, name = OPUS_ACCOUNTS[i % len(OPUS_ACCOUNTS)]
            artskonto = "77100000" if refund else artskonto  # art 7.7: revenue
            gl_account = None
        else:
            gl_account, cost_centre, psp, name = SAP_ACCOUNTS[i % len(SAP_ACCOUNTS)]
            artskonto = None
        lines.append(
            Line(
                document=str(1_900_000_000 + i),
                posting_date=posting_date,
                cpr=rng.choice(citizens),
                amount=amount,
                start=start,
                end=end,
                text=f"{name} {MONTHS_DA[month - 1]} {YEAR}",
                psp=psp,
                cost_centre=cost_centre,
                artskonto=artskonto,
                gl_account=gl_account,
            )
        )
    return lines


# --- writing text tables ----------------------------------------------------------------------

Row = list[str]


class TextTable:
    """Physical lines of a text export, with the editor line number of each written row."""

    def __init__(self, delimiter: str, newline: str = "\r\n") -> None:
        self.delimiter = delimiter
        self.newline = newline
        self.parts: list[str] = []
        self.line = 0  # lines written so far

    def row(self, cells: Sequence[str]) -> int:
        """Write one CSV record (quoted where needed); returns the line it starts on."""
        buf = io.StringIO()
        csv.writer(buf, delimiter=self.delimiter, lineterminator=self.newline, quoting=csv.QUOTE_MINIMAL).writerow(
            cells
        )
        return self.raw(buf.getvalue())

    def raw(self, text: str) -> int:
        """Write text as it is (must end with the newline); returns the line it starts on."""
        start = self.line + 1
        self.parts.append(text)
        self.line += text.count("\n") if "\n" in self.newline else text.count("\r")
        return start

    def text(self) -> str:
        return "".join(self.parts)


def _write(path: Path, text: str, encoding: str) -> None:
    data = text.encode("utf-8" if encoding == "utf-8-sig" else encoding)
    if encoding == "utf-8-sig":
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)


Cell = Callable[[Line], str]


def _delimited(
    path: Path,
    lines: list[Line],
    header: Row,
    cells: Sequence[Cell],
    *,
    source: str,
    layout: str,
    delimiter: str = ";",
    encoding: str = "cp1252",
    newline: str = "\r\n",
    title: Sequence[Row] = (),
    subtotal_every: int = 0,
    subtotal_cell: int = 0,
    amount_cell: int | None = None,
    amount_style: str = "danish",
    blank_every: int = 0,
    trailing_blank: int = 2,
    has_period: bool = True,
    period: str | None = None,
) -> Export:
    """A delimited export: optional title lines, header, data with subtotal and blank rows."""
    table = TextTable(delimiter, newline)
    export = Export(path=path, source=source, layout=layout, lines=lines, rows=[], has_period=has_period, period=period)
    for t in title:
        table.row(t)
    table.row(header)
    running = Decimal(0)
    for i, line in enumerate(lines, start=1):
        export.rows.append(table.row([cell(line) for cell in cells]))
        running += line.amount
        if subtotal_every and i % subtotal_every == 0 and amount_cell is not None:
            sub = [""] * len(header)
            sub[subtotal_cell] = "*"
            sub[amount_cell] = fmt_amount(running, amount_style)
            table.row(sub)
            export.skipped["sumlinjer"] += 1
            running = Decimal(0)
        if blank_every and i % blank_every == 0:
            table.raw(newline)
            export.skipped["tomme rækker"] += 1
    if amount_cell is not None:
        total = [""] * len(header)
        total[subtotal_cell] = "**"
        total[amount_cell] = fmt_amount(export.total, amount_style)
        table.row(total)
        export.skipped["sumlinjer"] += 1
    for _ in range(trailing_blank):
        table.raw(newline)
        export.skipped["tomme rækker"] += 1
    _write(path, table.text(), encoding)
    return export


# --- Opus layouts ------------------------------------------------------------------------------


def opus_danish(
    path: Path, lines: list[Line], amount_style: str = "trailing", date_style: str = "dmy_dot", encoding: str = "cp1252"
) -> Export:
    """Opus's standard layout: Danish labels, ``;``, cp1252, CRLF, trailing minus, a sum line."""
    header = [
        "Bilagsnr",
        "Bogføringsdato",
        "PSP-element",
        "Omkostningssted",
        "Artskonto",
        "CPR-nr",
        "Beløb",
        "Periode fra",
        "Periode til",
        "Tekst",
    ]
    cells: list[Cell] = [
        lambda l: l.document,
        lambda l: fmt_date(l.posting_date, date_style),
        lambda l: l.psp or "",
        lambda l: l.cost_centre or "",
        lambda l: l.artskonto or "",
        lambda l: l.cpr,
        lambda l: fmt_amount(l.amount, amount_style),
        lambda l: fmt_date(l.start, date_style),
        lambda l: fmt_date(l.end, date_style),
        lambda l: l.text,
    ]
    return _delimited(
        path,
        lines,
        header,
        cells,
        source="opus",
        layout="danish",
        encoding=encoding,
        amount_cell=6,
        subtotal_cell=0,
        amount_style=amount_style,
    )


def opus_shuffled(path: Path, lines: list[Line]) -> Export:
    """Another user's layout: other labels, other order, extra columns, UTF-8 with BOM, quoted
    texts holding ``;`` and line breaks, amounts as ``-1.234,56``/``(1.234,56)``, dd-mm-yyyy."""
    header = [
        "Regnskabsår",
        "Tekst",
        "Beløb i DKK",
        "Personnummer",
        "Fra dato",
        "Til dato",
        "Omkostningsart",
        "Omk.sted",
        "PSP element",
        "Bilagsnummer",
        "Bogf.dato",
        "Oprettet af",
    ]
    styles = ("danish", "parens", "danish_plain", "danish_spaces")
    cells: list[Cell] = [
        lambda l: str(YEAR),
        lambda l: l.text + ("; rettelse\nse bilag" if int(l.document) % 7 == 0 else ""),
        lambda l: fmt_amount(l.amount, styles[int(l.document) % len(styles)]),
        lambda l: l.cpr.replace("-", ""),
        lambda l: fmt_date(l.start, "dmy_dash"),
        lambda l: fmt_date(l.end, "dmy_dash"),
        lambda l: l.artskonto or "",
        lambda l: l.cost_centre or "",
        lambda l: l.psp or "",
        lambda l: l.document,
        lambda l: fmt_date(l.posting_date, "dmy_dash"),
        lambda l: "KMDBRUGER",
    ]
    return _delimited(
        path,
        lines,
        header,
        cells,
        source="opus",
        layout="shuffled",
        encoding="utf-8-sig",
        amount_cell=2,
        subtotal_cell=0,
        amount_style="danish",
        blank_every=97,
        trailing_blank=3,
    )


def opus_technical(path: Path, lines: list[Line]) -> Export:
    """SAP technical names, TAB, UTF-8 without BOM, LF, unsigned DMBTR with SHKZG, yyyymmdd,
    and no period columns (the period comes from the text's month)."""
    header = ["BUKRS", "BELNR", "BUDAT", "POSID", "KOSTL", "KSTAR", "ZUONR", "DMBTR", "SHKZG", "SGTXT"]
    cells: list[Cell] = [
        lambda l: "0101",
        lambda l: l.document,
        lambda l: fmt_date(l.posting_date, "yyyymmdd"),
        lambda l: l.psp or "",
        lambda l: l.cost_centre or "",
        lambda l: l.artskonto or "",
        lambda l: l.cpr,
        lambda l: fmt_amount(abs(l.amount), "danish_plain"),
        lambda l: "H" if l.amount < 0 else "S",
        lambda l: l.text,
    ]
    return _delimited(
        path,
        lines,
        header,
        cells,
        source="opus",
        layout="technical",
        delimiter="\t",
        encoding="utf-8",
        newline="\n",
        trailing_blank=1,
        has_period=False,
        period="text_month",
    )


def opus_xlsx(path: Path, lines: list[Line], cover_first: bool = False) -> Export:
    """An Opus report saved as xlsx: a title row, numbers and dates as Excel values, CPRs as
    text, blank rows, ALV-style subtotal rows, two sheets (data on the first, or on the second
    after a cover sheet with ``cover_first``)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Posteringer"
    if cover_first:
        cover = wb.create_sheet("Forside", 0)
        cover.append(["Udtræk fra Opus Økonomi"])
        cover.append(["Kriterier", "Regnskabsår 2025, PSP XG-538*"])
    export = Export(path=path, source="opus", layout="xlsx", lines=lines, rows=[])
    ws.append(["Udtræk af posteringer, Opus Økonomi", None, None, f"Kørt {dt.date(YEAR + 1, 1, 15):%d.%m.%Y}"])
    ws.append([])
    header = [
        "CPR",
        "Bilagsnr",
        "Bogføringsdato",
        "PSP-element",
        "Omkostningssted",
        "Artskonto",
        "Beløb",
        "Periode fra",
        "Periode til",
        "Tekst",
        "Anonym",
    ]
    ws.append(header)
    running = Decimal(0)
    for i, line in enumerate(lines, start=1):
        ws.append(
            [
                line.cpr,
                int(line.document),
                line.posting_date,
                line.psp,
                line.cost_centre,
                line.artskonto,
                float(line.amount),
                line.start,
                line.end,
                line.text,
                "Nej",
            ]
        )
        export.rows.append(ws.max_row)
        running += line.amount
        if i % 250 == 0:
            ws.append([None, None, None, None, None, "*", float(running)])
            export.skipped["sumlinjer"] += 1
            running = Decimal(0)
        if i % 333 == 0:
            ws.append([])
            ws.append([])
            export.skipped["tomme rækker"] += 2
    ws.append([None] * 5 + ["**", float(export.total)])
    export.skipped["sumlinjer"] += 1
    other = wb.create_sheet("Parametre")
    other.append(["Firma", "0101"])
    wb.save(path)
    return export


# --- SAP layouts -------------------------------------------------------------------------------


def sap_fbl3n_xlsx(path: Path, lines: list[Line]) -> Export:
    """FBL3N ALV grid exported to xlsx: title lines, Danish labels, CPR in Tildeling, amounts
    as numbers, subtotal rows per account marked ``*`` and a ``**`` grand total."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    export = Export(
        path=path,
        source="sap",
        layout="fbl3n_xlsx",
        lines=sorted(lines, key=lambda l: (l.gl_account or "", l.document)),
        rows=[],
        has_period=False,
        period="posting_month",
    )
    ws.append(["Finanskontopostliste"])
    ws.append(["Regnskabskreds 0101", None, None, "Dato", dt.date(YEAR + 1, 1, 15)])
    ws.append([])
    ws.append(
        [
            "St",
            "Finanskonto",
            "Tildeling",
            "Bilagsnr",
            "Bilagsart",
            "Bogf.dato",
            "Omkostningssted",
            "PSP-element",
            "Beløb i lokal valuta",
            "LValuta",
            "Tekst",
        ]
    )
    current, running = None, Decimal(0)

    def subtotal() -> None:
        ws.append(["*", current, None, None, None, None, None, None, float(running), "DKK"])
        export.skipped["sumlinjer"] += 1

    for line in export.lines:
        if current is not None and line.gl_account != current:
            subtotal()
            running = Decimal(0)
        current = line.gl_account
        ws.append(
            [
                None,
                line.gl_account,
                line.cpr,
                line.document,
                "KR",
                line.posting_date,
                line.cost_centre,
                line.psp,
                float(line.amount),
                "DKK",
                line.text,
            ]
        )
        export.rows.append(ws.max_row)
        running += line.amount
    subtotal()
    ws.append(["**", None, None, None, None, None, None, None, float(export.total), "DKK"])
    export.skipped["sumlinjer"] += 1
    wb.save(path)
    return export


def sap_unconverted(path: Path, lines: list[Line], page: int = 60, encoding: str = "cp1252") -> Export:
    """FBL3N saved as "unconverted" text: ``|``-separated fixed-width columns, ``---`` lines,
    title and header repeated on every page, trailing-minus amounts, ``*`` subtotal rows."""
    cols = [
        ("Tildeling", 18),
        ("Bilagsnr", 10),
        ("Bogf.dato", 10),
        ("Konto", 10),
        ("Omk.sted", 10),
        ("PSP-element", 20),
        ("Beløb i LV", 18),
        ("S/H", 3),
        ("Tekst", 40),
    ]
    width = sum(w for _, w in cols) + len(cols) + 1
    table = TextTable("|", "\r\n")
    export = Export(
        path=path, source="sap", layout="unconverted", lines=lines, rows=[], has_period=False, period="text_month"
    )

    def record(values: Sequence[str], right: Sequence[int] = (6,)) -> str:
        parts = [(v.rjust(w) if i in right else v.ljust(w))[:w] for i, (v, (_, w)) in enumerate(zip(values, cols))]
        return "|" + "|".join(parts) + "|\r\n"

    def page_head(number: int, first: bool) -> None:
        table.raw(f"{dt.date(YEAR + 1, 1, 15):%d.%m.%Y}{'Dynamisk listeoutput':^40}{number:>10}\r\n")
        if not first:
            export.skipped["tekstlinjer"] += 1
        table.raw("\r\n")
        if not first:
            export.skipped["tomme rækker"] += 1
        table.raw("-" * width + "\r\n")
        table.raw(record([name for name, _ in cols], right=()))
        table.raw("|" + "-" * (width - 2) + "|\r\n")  # below the header: skipped on every page
        export.skipped["skillelinjer"] += 1
        if not first:
            export.skipped["skillelinjer"] += 1  # the --- line above the repeated header
            export.skipped["gentagne overskrifter"] += 1

    page_head(1, True)
    on_page, running = 0, Decimal(0)
    for i, line in enumerate(lines, start=1):
        values = [
            line.cpr,
            line.document,
            fmt_date(line.posting_date, "dmy_dot"),
            line.gl_account or "",
            line.cost_centre or "",
            line.psp or "",
            fmt_amount(line.amount, "trailing"),
            "H" if line.amount < 0 else "S",
            line.text,
        ]
        export.rows.append(table.raw(record(values)))
        running += line.amount
        on_page += 1
        if on_page == page and i < len(lines):
            table.raw(record(["*", "", "", "", "", "", fmt_amount(running, "trailing"), "", ""]))
            export.skipped["sumlinjer"] += 1
            table.raw("-" * width + "\r\n")
            export.skipped["skillelinjer"] += 1
            page_head(i // page + 1, False)
            on_page, running = 0, Decimal(0)
    table.raw("|" + "-" * (width - 2) + "|\r\n")
    table.raw(record(["**", "", "", "", "", "", fmt_amount(export.total, "trailing"), "", ""]))
    table.raw("-" * width + "\r\n")
    export.skipped["skillelinjer"] += 2
    export.skipped["sumlinjer"] += 1
    _write(path, table.text(), encoding)
    return export


def sap_acdoca(path: Path, lines: list[Line]) -> Export:
    """An ACDOCA extract (SE16N download): technical names, ``,``, UTF-8, international amounts
    (HSL signed, 1,234.56) with DRCRK, ISO dates, extra ledger columns."""
    header = [
        "RLDNR",
        "RBUKRS",
        "GJAHR",
        "BELNR",
        "DOCLN",
        "BUDAT",
        "BLDAT",
        "RACCT",
        "RCNTR",
        "POSID",
        "HSL",
        "RHCUR",
        "DRCRK",
        "SGTXT",
        "ZUONR",
    ]
    cells: list[Cell] = [
        lambda l: "0L",
        lambda l: "0101",
        lambda l: str(YEAR),
        lambda l: l.document,
        lambda l: "000001",
        lambda l: fmt_date(l.posting_date, "iso"),
        lambda l: fmt_date(l.posting_date, "iso"),
        lambda l: l.gl_account or "",
        lambda l: l.cost_centre or "",
        lambda l: l.psp or "",
        lambda l: fmt_amount(l.amount, "intl"),
        lambda l: "DKK",
        lambda l: "H" if l.amount < 0 else "S",
        lambda l: l.text,
        lambda l: l.cpr,
    ]
    export = _delimited(
        path,
        lines,
        header,
        cells,
        source="sap",
        layout="acdoca",
        delimiter=",",
        encoding="utf-8",
        newline="\n",
        trailing_blank=0,
        has_period=False,
        period="posting_month",
    )
    export.read_options = {"decimal": "."}
    return export


def sap_bseg(path: Path, lines: list[Line]) -> Export:
    """A BSEG extract: TAB, ISO-8859-1, unsigned DMBTR with SHKZG, ddmmyyyy dates, subtotal
    rows with the word "Sum"."""
    header = [
        "BUKRS",
        "BELNR",
        "GJAHR",
        "BUZEI",
        "BUDAT",
        "HKONT",
        "KOSTL",
        "PROJK",
        "ZUONR",
        "DMBTR",
        "SHKZG",
        "SGTXT",
    ]
    cells: list[Cell] = [
        lambda l: "0101",
        lambda l: l.document,
        lambda l: str(YEAR),
        lambda l: "001",
        lambda l: fmt_date(l.posting_date, "ddmmyyyy"),
        lambda l: l.gl_account or "",
        lambda l: l.cost_centre or "",
        lambda l: l.psp or "",
        lambda l: l.cpr,
        lambda l: fmt_amount(abs(l.amount), "danish"),
        lambda l: "H" if l.amount < 0 else "S",
        lambda l: l.text,
    ]
    table_export = _delimited(
        path,
        lines,
        header,
        cells,
        source="sap",
        layout="bseg",
        delimiter="\t",
        encoding="iso-8859-1",
        amount_cell=9,
        subtotal_cell=11,
        subtotal_every=500,
        amount_style="danish",
        has_period=False,
        period="posting_month",
    )
    # The generic subtotal marker is "*"; BSEG extracts from a report write "Sum" instead.
    text = path.read_bytes().replace(b"\t*\r\n", b"\tSum\r\n").replace(b"\t**\r\n", b"\tSum i alt\r\n")
    path.write_bytes(text)
    return table_export


def sap_fbl3n_tab(path: Path, lines: list[Line]) -> Export:
    """FBL3N saved from a municipal SAP as "text with tabs": TAB, cp1252, Danish labels, the G/L
    account is the artskonto (40110000 for a stay, 77100000 for a refund; no artskonto column),
    every text holds one ``;``, trailing-minus amounts, ``*`` subtotals every 100 lines, no period."""
    lines = [
        replace(
            l,
            gl_account="77100000" if l.amount < 0 else "40110000",
            psp=None,
            text=f"{l.text.replace(';', ',')}; bilag {l.document}",
        )
        for l in lines
    ]
    header = [
        "Finanskonto",
        "Tildeling",
        "Bilagsnr",
        "Bogf.dato",
        "Omkostningssted",
        "Beløb i lokal valuta",
        "Valuta",
        "Tekst",
    ]
    cells: list[Cell] = [
        lambda l: l.gl_account or "",
        lambda l: l.cpr,
        lambda l: l.document,
        lambda l: fmt_date(l.posting_date, "dmy_dot"),
        lambda l: l.cost_centre or "",
        lambda l: fmt_amount(l.amount, "trailing"),
        lambda l: "DKK",
        lambda l: l.text,
    ]
    return _delimited(
        path,
        lines,
        header,
        cells,
        source="sap",
        layout="fbl3n_tab",
        delimiter="\t",
        encoding="cp1252",
        amount_cell=5,
        subtotal_cell=0,
        subtotal_every=100,
        amount_style="trailing",
        has_period=False,
        period="posting_month",
    )


OPUS_LAYOUTS = {"danish": opus_danish, "shuffled": opus_shuffled, "technical": opus_technical, "xlsx": opus_xlsx}
SAP_LAYOUTS = {
    "fbl3n_xlsx": sap_fbl3n_xlsx,
    "unconverted": sap_unconverted,
    "acdoca": sap_acdoca,
    "bseg": sap_bseg,
    "fbl3n_tab": sap_fbl3n_tab,
}
SUFFIX = {
    "xlsx": ".xlsx",
    "fbl3n_xlsx": ".xlsx",
    "unconverted": ".txt",
    "technical": ".txt",
    "bseg": ".txt",
    "fbl3n_tab": ".txt",
}


def generate(source: str, layout: str, folder: Path, count: int = 300, seed: int = 1) -> Export:
    """Write one export of ``layout`` with ``count`` postings into ``folder``."""
    layouts = OPUS_LAYOUTS if source == "opus" else SAP_LAYOUTS
    path = folder / f"{source}-{layout}{SUFFIX.get(layout, '.csv')}"
    return layouts[layout](path, make_lines(count, seed, source))


def write_sap_mapping(folder: Path, art_from_gl: bool = False) -> Path:
    """The SAP test mapping (``art_from_gl``: the one for :func:`sap_fbl3n_tab`, art from the G/L account)."""
    path = folder / "sap-mapping.toml"
    path.write_text(SAP_ART_MAPPING if art_from_gl else SAP_MAPPING, encoding="utf-8")
    return path


# --- reading an export back (shared by the adapter tests) ------------------------------------


@dataclass
class ReadBack:
    postings: list
    findings: list
    info: object

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]


def read_back(export: Export, source: str | None = None, **settings: object) -> ReadBack:
    """Read ``export`` with its adapter (or ``source``) as the pipeline would, without the CLI."""
    from siu.adapters import ReadInfo, ReadOptions
    from siu.host.plugins import load_plugins
    from siu.models import Posting

    adapter = load_plugins(no_plugins=True).sources[source or export.source]
    if export.period and "period" not in settings:
        settings["period"] = export.period
    options = ReadOptions(settings=dict(settings), **export.read_options)
    info = ReadInfo()
    postings, findings = [], []
    for item in adapter.read(export.path, options, info):
        (postings if isinstance(item, Posting) else findings).append(item)
    return ReadBack(postings, findings, info)
