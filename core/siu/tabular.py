"""A base for adapters that read rows of a table (CSV/TXT/xlsx) with headers.

Subclass :class:`TabularSource`, give ``aliases`` (field → header texts), ``required`` and
``one_of``, and the base does the rest with the core toolkit: opening the file, finding the
header row, skipping blank and subtotal rows (counted), reading amounts, signs, dates, CPRs and
flags, and turning every unreadable cell into a finding that points at it.

Fields an adapter may map (all optional except what it requires):

``amount`` (signed) · ``amount_unsigned`` with ``dc`` (S/H, D/K) · ``debit`` and ``credit``
columns · ``cpr`` · ``start``/``end`` (expenditure period) · ``posting_date`` · ``document`` ·
``text`` · ``psp`` · ``cost_centre`` · ``gl_account`` · ``artskonto`` · ``kontostreng`` ·
``paragraph`` · ``anonymous`` · ``birth_date`` · ``sex``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

from siu.adapters import TOTAL_LINES, ReadInfo, ReadOptions, Sniff, Source
from siu.base.caching import parsed
from siu.base.cpr import CPR_IN_CELL
from siu.base.i18n import parse_reason
from siu.base.limits import AMOUNT_DIGITS, amount_limit
from siu.catalogue.read import (
    AMOUNT_TOO_LARGE,
    ART_FROM_GL,
    CPR_FROM_TEXT,
    MISSING_COLUMNS,
    NO_PERIOD_RULE,
    PERIOD_DERIVED,
    PERIOD_FROM_POSTING_DATE,
    PERIOD_NOT_DERIVED,
    SIGN_CONFLICT,
    TABLE_ERRORS,
    UNREADABLE_VALUE,
)
from siu.check.ledger import TotalsCheck
from siu.findings import CATALOGUE
from siu.models import Finding, Location, Posting, new_location, new_posting
from siu.parsing import (
    ParseError,
    check_decimal_separator,
    clean_text,
    debit_minus_credit,
    format_amount_danish,
    is_blank,
    parse_amount,
    parse_date,
    parse_debit_credit,
)
from siu.tables import (
    XLSX_SUFFIXES,
    HeaderMatch,
    HeaderMatcher,
    MissingColumns,
    TableError,
    first_rows,
    normalise_header,
    open_table,
    sheet_names,
)

DIM_FIELDS = ("psp", "cost_centre", "gl_account", "artskonto", "kontostreng", "paragraph", "kommune", "counterpart")
_KEY_FIELDS = ("cpr", "document", "psp", "cost_centre", "gl_account", "artskonto", "kontostreng")
_AMOUNT_FIELDS = ("amount", "amount_unsigned", "debit", "credit")
# Fields whose content makes a row with an amount but no key a posting (with fields missing)
# rather than an unlabelled total line.
_CONTENT_FIELDS = (
    "text",
    "start",
    "end",
    "posting_date",
    "document_date",
    "birth_date",
    "anonymous",
    "sex",
    "paragraph",
)
UNREADABLE_ROWS = "ulæselige rækker"
_RULE_CHARS = set("-=_|*+ ")
_SUM_WORDS = {
    "sum",
    "total",
    "i alt",
    "ialt",
    "subtotal",
    "sum i alt",
    "total i alt",
    "totalsum",
    "saldo",
    "totalt",
    "samlet",
    "grand total",
    "saldo i alt",
    "i alt dkk",
    "total dkk",
    "sum dkk",
    "hovedtotal",
    "slutsum",
    "saldo ultimo",
}
_SUM_INITIALS = frozenset("iItTsSgGhH")  # the first letters of every total word: a cheap filter per cell
# A total label followed by what it totals: "I alt 2025", "Total konto 40110000", "Sum: bilag".
_SUM_LABEL = re.compile(r"(?i)(?:i ?alt|total[t]?|sum|subtotal|saldo|hovedtotal|slutsum)(?:[ :]|$)")
_TRUE = {"ja", "j", "x", "1", "true", "yes", "y", "sand", "anonym"}
_FALSE = {"nej", "n", "0", "false", "no", "falsk", ""}
_SEX = {
    "k": "F",
    "kvinde": "F",
    "f": "F",
    "female": "F",
    "kvinder": "F",
    "m": "M",
    "mand": "M",
    "male": "M",
    "mænd": "M",
}
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "januar", "january"),
            ("feb", "februar", "february"),
            ("mar", "marts", "march"),
            ("apr", "april"),
            ("maj", "may"),
            ("jun", "juni", "june"),
            ("jul", "juli", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("okt", "oct", "oktober", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_TEXT_MONTH = re.compile(r"(?i)\b([a-zæøå]{3,9})\.?\s*(\d{4})\b|\b(\d{1,2})[./-](\d{4})\b|\b(\d{4})-(\d{2})\b")

COMMON_ALIASES: dict[str, list[str]] = {
    "document": [
        "Bilagsnr",
        "Bilagsnummer",
        "Bilag",
        "Bilagsnr.",
        "Dokumentnr",
        "Dokumentnummer",
        "BELNR",
        "Document Number",
    ],
    "posting_date": ["Bogføringsdato", "Bogf.dato", "Bogf. dato", "Posteringsdato", "BUDAT", "Posting Date"],
    "document_date": ["Bilagsdato", "BLDAT", "Document Date"],
    "psp": ["PSP-element", "PSP element", "PSP", "PSP-elementnr", "POSID", "PS_PSP_PNR", "WBS element", "WBS-element"],
    "cost_centre": ["Omkostningssted", "Omk.sted", "Omk. sted", "Omkostningsstednr", "KOSTL", "RCNTR", "Cost Center"],
    "artskonto": ["Artskonto", "Omkostningsart", "Art", "KSTAR", "Cost Element"],
    "gl_account": ["Finanskonto", "Hovedbogskonto", "Sagskonto", "HKONT", "RACCT", "SAKNR", "G/L Account", "G/L-konto"],
    "kontostreng": ["Kontostreng", "KONTOSTRENG", "Kontonummer", "Autoriseret konto"],
    "paragraph": ["Paragraf", "Paragraph", "Lovparagraf"],
    "cpr": [
        "CPR",
        "CPR-nr",
        "CPR-nr.",
        "CPR-nummer",
        "CPR nummer",
        "Personnummer",
        "PsrID",
        "Tildeling",
        "ZUONR",
        "Assignment",
    ],
    "amount": [
        "Beløb",
        "Beløb i DKK",
        "Beløb DKK",
        "Beløb i lokal valuta",
        "Beløb (DKK)",
        "DMSHB",
        "HSL",
        "Amount in local currency",
        "Amount",
    ],
    "amount_unsigned": ["DMBTR", "Beløb uden fortegn"],
    "dc": ["SHKZG", "DRCRK", "Debet/Kredit", "D/K", "S/H", "Debet-kredit-kendetegn"],
    "debit": ["Debet", "Debetbeløb", "Debit"],
    "credit": ["Kredit", "Kreditbeløb", "Credit"],
    "start": [
        "Periode fra",
        "Fra dato",
        "Fradato",
        "Startdato",
        "Start dato",
        "Periodestart",
        "Udgiftsperiode fra",
        "Fra",
    ],
    "end": ["Periode til", "Til dato", "Tildato", "Slutdato", "Slut dato", "Periodeslut", "Udgiftsperiode til", "Til"],
    "text": ["Tekst", "Posteringstekst", "Bilagstekst", "SGTXT", "Text"],
    "anonymous": ["Anonym", "Anonymt ophold", "Anonym markering"],
    "birth_date": ["Fødselsdato", "Fødselsdag", "Birth date"],
    "sex": ["Køn", "Sex", "Gender"],
    # The paying municipality the line belongs to (SIU403), and the other municipality of a payment
    # to or from another municipality (art 4.7/7.7, SIU446); codes or names (siu.accounts.paying).
    "kommune": [
        "Kommunekode",
        "Kommunenr",
        "Kommunenr.",
        "Kommunenummer",
        "Kommune nr",
        "Kommune",
        "Betalende kommune",
        "Municipality",
    ],
    "counterpart": [
        "Modpart",
        "Modpartskommune",
        "Anden kommune",
        "Mellemkommunal modpart",
        "Handlekommune",
        "Betalingskommune",
        "Counterpart municipality",
    ],
}

BAD_OPTION = TABLE_ERRORS["SIU023"]
PERIOD_RULES = {
    "posting_month": ("bogføringsdatoens måned", "the posting date's month"),
    "text_month": ("måneden i teksten", "the month in the text"),
}

ART_SOURCES = ("artskonto", "gl_account")
# Assignment fields: free text in which a CPR may stand among other words (SAP's ZUONR).
ASSIGNMENT_HEADERS = ("Tildeling", "ZUONR", "Assignment")
# A CPR standing as a whole word in a text: not joined to letters, digits or an underscore.
_CPR_WORD = re.compile(r"(?<![\w])(\d{6})[- ]?(\d{4})(?![\w])")
# What a CPR cell may hold besides digits: hyphens (also Excel's dashes) and spaces.
_CPR_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015 ")

FIELD_NAMES = {
    "amount": ("Beløbet", "The amount"),
    "amount_unsigned": ("Beløbet", "The amount"),
    "debit": ("Debetbeløbet", "The debit amount"),
    "credit": ("Kreditbeløbet", "The credit amount"),
    "dc": ("Debet/kredit-kendetegnet", "The debit/credit indicator"),
    "start": ("Startdatoen", "The start date"),
    "end": ("Slutdatoen", "The end date"),
    "posting_date": ("Bogføringsdatoen", "The posting date"),
    "birth_date": ("Fødselsdatoen", "The birth date"),
    "sex": ("Kønnet", "The sex"),
    "anonymous": ("Anonym-markeringen", "The anonymous flag"),
}


def table_error(exc: TableError, location: Location) -> Finding:
    """The finding for a file that cannot be read as a table."""
    code = TABLE_ERRORS.get(exc.code) or CATALOGUE[exc.code]  # SIU040-SIU043: siu.catalogue.read
    return code.make(location=location, detail_da=exc.message_da, detail_en=exc.message_en)


def month_period(day: dt.date) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def month_in_text(text: str | None) -> dt.date | None:
    """The first month named in a posting text (``Jan 2025``, ``januar 2025``, ``01.2025``, ``2025-01``)."""
    if not text:
        return None
    for m in _TEXT_MONTH.finditer(text):
        try:
            if m.group(1):
                month = _MONTHS.get(m.group(1).lower())
                if month:
                    return dt.date(int(m.group(2)), month, 1)
            elif m.group(3):
                return dt.date(int(m.group(4)), int(m.group(3)), 1)
            elif m.group(5):
                return dt.date(int(m.group(5)), int(m.group(6)), 1)
        except ValueError:
            continue
    return None


def is_total_word(text: str) -> bool:
    """Whether a cell labels a total line: "I alt", "Total", "Sum", "Saldo" and the like, alone or
    followed by what they total ("I alt 2025", "Total konto 4011")."""
    if len(text) > 40:
        return False
    key = " ".join(text.casefold().split())
    return key in _SUM_WORDS or _SUM_LABEL.match(key) is not None


def parse_flag(value: Any) -> bool:
    key = str(value if value is not None else "").strip().casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ParseError("flag", value, "expected Ja/Nej")


def parse_sex(value: Any) -> str:
    key = str(value or "").strip().casefold()
    if key not in _SEX:
        raise ParseError("sex", value, "expected K/M")
    return _SEX[key]


def cpr_from_cell(value: Any, in_text: bool = True) -> str | None:
    """The CPR in a cell, never trimmed to fit.

    A cell of digits and separators is returned as it is (the pipeline normalises it or reports
    SIU102). With ``in_text`` (an assignment field such as ``Tildeling``/ZUONR, where Opus and SAP
    keep the CPR among other words), the one CPR-looking number standing as a whole word in a
    longer text is returned; a number joined to letters (``0505751234x``) or several numbers are
    not, so the cell is returned whole and fails as SIU102.
    """
    text = clean_text(value)
    if text is None:
        return None
    if isinstance(value, (int, float)) and len(text) == 9:
        text = "0" + text  # a spreadsheet dropped the leading zero of DDMMYY
    if not in_text or all(ch.isdigit() or ch in _CPR_SEPARATORS for ch in text):
        return text
    found = [m.group(0) for m in _CPR_WORD.finditer(text)]
    return found[0] if len(found) == 1 else text


class TabularSource(Source):
    """A source adapter for tables with a header row. See the module docstring."""

    aliases: dict[str, list[str]] = COMMON_ALIASES
    required: Sequence[str] = ("cpr",)
    one_of: Sequence[Sequence[str]] = (("amount", "amount_unsigned", "debit"),)
    # Headers that make a file look like this adapter's format in particular (for sniffing).
    signature: Sequence[str] = ()
    # Whether a signed amount column states debit/credit (true for ledgers, where a minus is a credit).
    explicit_sign: bool = True
    # Where the art comes from when the export has no artskonto column (``art_from`` in siu.toml
    # overrides): "artskonto" (only from such a column) or "gl_account" (the G/L account, as in SAP).
    art_from: str = "artskonto"

    def cpr_in_text(self, match: HeaderMatch, options: ReadOptions) -> bool:
        """Whether the CPR column is an assignment field, where a CPR may stand among other
        words (``Tildeling``/ZUONR); a proper CPR column must hold the number alone."""
        label = match.labels.get("cpr")
        return label is not None and normalise_header(label) in {normalise_header(h) for h in ASSIGNMENT_HEADERS}

    def matcher(self, options: ReadOptions) -> HeaderMatcher:
        aliases = {k: list(v) for k, v in self.aliases.items()}
        for name, extra in (options.settings.get("aliases") or {}).items():
            aliases.setdefault(name, [])
            aliases[name] = [*([extra] if isinstance(extra, str) else extra), *aliases[name]]
        return HeaderMatcher(aliases, self.required, self.one_of)

    # --- sniffing ------------------------------------------------------------------------
    def sniff(self, path: Path) -> Sniff:
        """How sure this adapter is that ``path`` is its format.

        0 for a file type it does not read; at most 0.2 when its required columns are missing;
        0.3-0.4 when it can read the file but nothing marks the format as its own (below the 0.5
        ``siu convert`` needs to pick an adapter by itself); each ``signature`` header found adds
        0.15 (at most three count) and each layout clue from :meth:`clues` adds 0.1.
        """
        suffix = path.suffix.lower()
        if suffix not in self.file_types:
            return Sniff(
                0.0,
                f"læser ikke {suffix or 'filer uden endelse'}",
                f"does not read {suffix or 'files without a suffix'}",
            )
        matcher = self.matcher(ReadOptions())
        rows = first_rows(path)
        if rows and suffix in XLSX_SUFFIXES and not _readable(matcher, rows):
            for name in sheet_names(path)[1:10]:
                other = first_rows(path, sheet=name)
                if _readable(matcher, other):
                    rows = other
                    break
        if not rows:
            return Sniff(0.0, "filen kunne ikke læses som tabel", "the file could not be read as a table")
        best = max(range(len(rows)), key=lambda i: (matcher.score(rows[i]), -i))
        header = rows[best]
        found = matcher.match_row(header)
        missing = [matcher.label(f) for f in self.required if f not in found]
        missing += [" / ".join(matcher.label(f) for f in g) for g in self.one_of if not any(x in found for x in g)]
        if missing:
            return Sniff(
                min(0.2, 0.03 * len(found)),
                f"mangler kolonnerne {', '.join(missing)}",
                f"lacks the columns {', '.join(missing)}",
            )
        headers = {normalise_header(c) for c in header}
        signature = [sig for sig in self.signature if normalise_header(sig) in headers]
        clues = self.clues(rows, best)
        confidence = 0.3 + 0.02 * min(len(found), 5) + 0.15 * min(len(signature), 3) + 0.1 * len(clues)
        da = f"{len(found)} kendte kolonner"
        en = f"{len(found)} known columns"
        if signature:
            da += f"; kendetegn: {', '.join(signature[:5])}"
            en += f"; signature: {', '.join(signature[:5])}"
        for clue_da, clue_en in clues:
            da += f"; {clue_da}"
            en += f"; {clue_en}"
        return Sniff(round(min(confidence, 0.99), 2), da, en)

    def clues(self, rows: list[list[Any]], header: int) -> list[tuple[str, str]]:
        """Layout clues that a file is this adapter's format (Danish, English); none by default.

        ``rows`` are the file's first rows, ``header`` the index of the header row among them.
        """
        return []

    # --- reading -------------------------------------------------------------------------
    def read(self, path: Path, options: ReadOptions, info: ReadInfo) -> Iterator[Posting | Finding]:  # noqa: C901, PLR0915  (too long; to be cut along its seams, issue 13)
        file = path.name
        try:
            table, rows = open_table(path, encoding=options.encoding, delimiter=options.delimiter, sheet=options.sheet)
        except TableError as exc:
            yield table_error(exc, Location(file=file))
            return
        info.details.update(table.describe())
        sheet = table.sheet
        decimal = None
        if options.decimal:
            try:
                decimal = check_decimal_separator(options.decimal)
            except ParseError:
                yield BAD_OPTION.make(
                    location=Location(file=file),
                    detail_da=f"Ukendt decimaltegn {options.decimal!r}; brug ',' eller '.'",
                    detail_en=f"Unknown decimal separator {options.decimal!r}; use ',' or '.'",
                )
                return
            info.note("decimal", f"{decimal} (valgt)")
        derive = options.settings.get("period")
        if derive is not None and derive not in PERIOD_RULES:
            yield BAD_OPTION.make(
                location=Location(file=file),
                detail_da=f"Ukendt regel for perioden: period = {derive!r}; brug {' eller '.join(PERIOD_RULES)}",
                detail_en=f"Unknown period rule: period = {derive!r}; use {' or '.join(PERIOD_RULES)}",
            )
            return
        extra = options.settings.get("aliases")
        if extra is not None and not (
            isinstance(extra, dict)
            and all(
                isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
                for v in extra.values()
            )
        ):
            yield BAD_OPTION.make(
                location=Location(file=file),
                detail_da=f'[source.{self.name}] aliases skal angive overskrifter som tekst, fx cpr = "Personnr" '
                'eller cpr = ["A", "B"]',
                detail_en=f'[source.{self.name}] aliases must give headers as text, e.g. cpr = "Personnr" or cpr = '
                '["A", "B"]',
            )
            return
        art_from = options.settings.get("art_from", self.art_from)
        if art_from not in ART_SOURCES:
            yield BAD_OPTION.make(
                location=Location(file=file),
                detail_da=f"Ukendt kilde til arten: art_from = {art_from!r}; brug {' eller '.join(ART_SOURCES)}",
                detail_en=f"Unknown source of the art: art_from = {art_from!r}; use {' or '.join(ART_SOURCES)}",
            )
            return
        matcher = self.matcher(options)
        try:
            match, pending = matcher.find(rows)
        except MissingColumns as exc:
            other = _other_sheet(path, matcher) if table.format == "xlsx" and options.sheet is None else None
            if other is None:
                yield MISSING_COLUMNS.make(
                    location=Location(file=file, sheet=sheet), detail_da=exc.message_da, detail_en=exc.message_en
                )
                return
            _close(rows)
            table, rows, match, pending = other
            sheet = table.sheet
            info.note("sheet", sheet)
            info.note("sheet_chosen", "det første ark med kolonnerne")
        except TableError as exc:
            yield table_error(exc, Location(file=file, sheet=sheet))
            return
        info.note("header_row", match.row)
        has_period = "start" in match.index or "end" in match.index
        if not has_period and not derive:
            yield NO_PERIOD_RULE.make(location=Location(file=file, sheet=sheet), file=file, source=self.name)
        derived = 0
        underived: list[int] = []
        derived_money = [Decimal(0), Decimal(0)]  # expenditure, revenue of lines given the posting month
        columns = dict(match.labels)
        totals = TotalsCheck(file=file, sheet=sheet, column=columns.get("amount") or columns.get("amount_unsigned"))
        # In municipal SAP the G/L account is the artskonto: without an artskonto column, copy it.
        art_from_gl = art_from == "gl_account" and "gl_account" in match.index and "artskonto" not in match.index
        if art_from_gl:
            columns["artskonto"] = columns["gl_account"]
            info.note("art_from", columns["gl_account"])
        art_lines = 0
        cpr_at = match.index.get("cpr")
        plan = _plan(match)
        plan.cpr_in_text = self.cpr_in_text(match, options)
        from_text = 0
        from_text_row = 0
        try:
            for number, cells in _chain(pending, rows):
                info.rows_read += 1
                reason = self.skip_reason(cells, match)
                if reason:
                    if reason == TOTAL_LINES:  # an export's own total: checked, never counted as money
                        read = self.total_amount(cells, match, decimal)
                        if read is not None:
                            problem = totals.total(number, *read)
                            if problem is not None:
                                yield problem
                    info.skip(reason)
                    continue
                location = new_location(file=file, sheet=sheet, row=number, column=None)
                item = self.posting(cells, match, location, columns, decimal, options)
                if isinstance(item, Finding):
                    # A row refused with a readable amount is money skipped (SIU032 names it); the
                    # export's totals include it, so it counts as read for their check.
                    money = self.readable_amount(cells, match, decimal)
                    info.skip(UNREADABLE_ROWS, money)
                    if money is not None:
                        totals.posting(money)
                    yield item
                    continue
                posting, problems = item
                totals.posting(posting.amount)
                yield from problems
                if not has_period and derive and posting.start is None and posting.end is None:
                    if self.derive_period(posting, derive):
                        derived += 1
                        derived_money[posting.amount < 0] += posting.amount
                    else:
                        underived.append(number)
                if art_from_gl:
                    gl = posting.dims.get("gl_account")
                    if gl is not None:
                        posting.dims["artskonto"] = gl
                        art_lines += 1
                if plan.cpr_in_text and posting.cpr is not None:
                    raw = cells[cpr_at] if cpr_at is not None and cpr_at < len(cells) else None
                    if isinstance(raw, str) and posting.cpr != raw.strip():
                        from_text += 1
                        from_text_row = from_text_row or number
                yield posting
        except TableError as exc:
            yield table_error(exc, Location(file=file, sheet=sheet))
        yield from totals.finish()
        if totals.checked:
            info.note("total_lines", f"{totals.agreed}/{totals.checked}")  # total lines that agree / checked
        if info.skipped_rows:
            info.note("skipped", ", ".join(f"{n} {r}" for r, n in info.skipped_rows.items()))
        if art_lines:
            yield ART_FROM_GL.make(
                location=Location(file=file, sheet=sheet), file=file, column=columns["gl_account"], count=art_lines
            )
        if from_text:
            yield CPR_FROM_TEXT.make(
                location=Location(file=file, sheet=sheet, row=from_text_row, column=columns.get("cpr")),
                file=file,
                column=columns.get("cpr"),
                count=from_text,
                row=from_text_row,
            )
        if derive and not has_period:
            da, en = PERIOD_RULES[derive]
            info.note("period", da)
            if derived and derive == "posting_month":  # a guess: said as a warning with its money
                yield PERIOD_FROM_POSTING_DATE.make(
                    location=Location(file=file, sheet=sheet),
                    file=file,
                    count=derived,
                    expenditure=format_amount_danish(derived_money[0]),
                    revenue=format_amount_danish(derived_money[1]),
                )
            elif derived:
                yield PERIOD_DERIVED.make(
                    location=Location(file=file, sheet=sheet), file=file, how=da, how_en=en, count=derived
                )
            if underived:
                yield PERIOD_NOT_DERIVED.make(
                    location=Location(file=file, sheet=sheet, row=underived[0]),
                    file=file,
                    how=da,
                    how_en=en,
                    count=len(underived),
                    row=underived[0],
                )

    def skip_reason(self, cells: list[Any], match: HeaderMatch) -> str | None:
        """Why a row is not a posting, or None when it is one. The reasons (Danish, as reported):

        ``tomme rækker`` blank · ``skillelinjer`` only ``-``/``=``/``|`` · ``gentagne overskrifter``
        the header again (SAP repeats it on every page) · ``sumlinjer`` (:data:`TOTAL_LINES`) marked
        with ``*`` or a word such as "Sum"/"I alt"/"Total"/"Saldo" and without a document number
        or CPR, or an amount and nothing else (no key, text or date) · ``tekstlinjer`` neither
        amount nor document, CPR or account (SAP's page titles).

        A row with an amount and a text or a date but no CPR, account or document number is a
        posting with missing fields, not a total: it reaches the rules and fails them, so its
        money cannot vanish. Total lines are checked against the postings read (SIU030/SIU031).
        """
        # Fast path for the common case: a document number that is neither a subtotal mark nor
        # the header repeated makes the row a posting whatever else it holds (see the checks below).
        doc = match.index.get("document")
        if doc is not None and doc < len(cells):
            value = cells[doc]
            if value is not None:
                text = value.strip() if isinstance(value, str) else str(value).strip()
                if text and text[0].isalnum() and (not match.headers or text != match.headers[doc]):
                    return None
        try:  # CSV rows hold only text: the same list, built by C built-ins (this runs on every row)
            texts = list(filter(None, map(str.strip, cells)))
        except TypeError:  # numbers, dates or None from a spreadsheet
            texts = [t for t in (str(c).strip() for c in cells if c is not None) if t]
        if not texts:
            return "tomme rækker"
        if all(set(t) <= _RULE_CHARS for t in texts):
            return "skillelinjer"
        headers = match.headers
        if headers and all(
            str(cells[i]).strip() == headers[i] if i < len(cells) else False for i in match.index.values()
        ):
            return "gentagne overskrifter"
        # A word like "Saldo" in the text of a row that names a citizen is a posting, not a subtotal;
        # the cheap conditions first, as most rows name a citizen.
        star = any(t[0] == "*" for t in texts[:3])
        if ("document" not in match.index or _no_key(match.get(cells, "document"))) and (
            star or not CPR_IN_CELL.search(str(match.get(cells, "cpr") or ""))
        ):
            if (
                star
                or any(t[0] in _SUM_INITIALS and is_total_word(t) for t in texts)
                or any(
                    str(match.get(cells, f) or "").lstrip().startswith("*") for f in _AMOUNT_FIELDS if f in match.index
                )
            ):
                return TOTAL_LINES
        keys = [f for f in _KEY_FIELDS if f in match.index]
        if keys and all(_no_key(match.get(cells, f)) for f in keys):
            has_amount = any(not is_blank(match.get(cells, f)) for f in _AMOUNT_FIELDS if f in match.index)
            if not has_amount:
                return "tekstlinjer"
            described = any(not is_blank(match.get(cells, f)) for f in _CONTENT_FIELDS if f in match.index)
            return None if described else TOTAL_LINES
        return None

    def readable_amount(self, cells: list[Any], match: HeaderMatch, decimal: str | None) -> Decimal | None:
        """The row's signed amount, or None when it has none that can be read."""
        try:
            return self.amount(cells, match, decimal)[0]
        except _FieldError:
            return None

    def total_amount(self, cells: list[Any], match: HeaderMatch, decimal: str | None) -> tuple[Decimal, bool] | None:
        """The amount of a total line and whether its sign is stated, or None when it has none
        that can be read (ALV marks the amount cell with ``*``, which is ignored here)."""
        stripped = [c.strip().strip("*").strip() if isinstance(c, str) else c for c in cells]
        try:
            amount, _ = self.amount(stripped, match, decimal)
            return amount, True
        except _FieldError as exc:
            if exc.name != "dc" or "amount_unsigned" not in match.index:
                return None
        try:  # an unsigned amount without its debit/credit mark: either sign may agree
            return parse_amount(match.get(stripped, "amount_unsigned"), decimal), False
        except ParseError:
            return None

    def posting(
        self,
        cells: list[Any],
        match: HeaderMatch,
        location: Location,
        columns: dict[str, str],
        decimal: str | None,
        options: ReadOptions,
    ) -> tuple[Posting, list[Finding]] | Finding:
        """Build one posting from a row; a row whose amount cannot be read becomes a Finding."""
        plan = _plan(match)
        raw_amount, dc, raw_cpr, document, text, raw_anon, raw_sex, *raw_dates = plan.pick(cells)
        problems: list[Finding] = []
        invalid: list[str] = []

        try:
            amount, explicit = self.amount(cells, match, decimal)
        except _FieldError as exc:
            return _unreadable(exc.name, exc.error, location, columns)
        if not -_AMOUNT_LIMIT < amount < _AMOUNT_LIMIT:  # beyond 15 digits: the delivery would round it
            name = (
                "amount"
                if "amount" in match.index
                else "amount_unsigned"
                if "amount_unsigned" in match.index
                else "debit"
            )
            return AMOUNT_TOO_LARGE.make(
                location=location.at_column(columns.get(name)), field=name, value=f"{amount:f}", digits=AMOUNT_DIGITS
            )
        if amount > 0 and raw_amount is not None and not is_blank(dc):
            try:
                conflict = parse_amount(raw_amount, decimal) < 0  # a minus beside a debit mark
            except ParseError:
                conflict = False
            if conflict:
                problems.append(
                    SIGN_CONFLICT.make(
                        location=location.at_column(columns.get("dc")), field="dc", value=dc, amount=raw_amount
                    )
                )

        dates = plan.dates
        found: list[dt.date | None] = []
        for name, value in zip(_DATE_FIELDS, raw_dates):
            if value is None or value == "":
                found.append(None)
                continue
            try:
                found.append(parsed(dates, value, parse_date))
            except ParseError as exc:
                found.append(None)
                if not is_blank(value):
                    problems.append(_unreadable(name, exc, location, columns))
                    invalid.append(name)
        start, end, posting_date, birth_date = found

        anonymous = None
        if raw_anon is not None:
            try:
                anonymous = parsed(plan.flags, raw_anon, parse_flag)
            except ParseError as exc:
                problems.append(_unreadable("anonymous", exc, location, columns))
        sex = None
        if not is_blank(raw_sex):
            try:
                sex = parse_sex(raw_sex)
            except ParseError as exc:
                problems.append(_unreadable("sex", exc, location, columns))
        dims = {}
        texts = plan.texts
        for name, value in zip(plan.dim_fields, plan.pick_dims(cells)):
            if value is not None:
                clean = parsed(texts, value, clean_text)
                if clean is not None:
                    dims[name] = clean
        cpr = parsed(plan.cprs, raw_cpr, cpr_from_cell if plan.cpr_in_text else _cpr_alone)
        posting = new_posting(
            source=self.name,
            location=location,
            amount=amount,
            cpr=cpr,
            start=start,
            end=end,
            posting_date=posting_date,
            document=clean_text(document),
            text=clean_text(text),
            dims=dims,
            anonymous=anonymous,
            birth_date=birth_date,
            sex=sex,
            sign_explicit=explicit,
            period_derived=None,
            columns=columns,
            invalid=tuple(invalid),
            raw=cells,
            headers=match.headers,
        )
        return posting, problems

    def amount(self, cells: list[Any], match: HeaderMatch, decimal: str | None) -> tuple[Decimal, bool]:
        """The signed amount and whether the source stated the sign explicitly (debit/credit)."""
        plan = _plan(match)
        at = plan.amount_at
        if at is not None and plan.dc_at is None and at < len(cells):  # a signed amount column: most exports
            value = cells[at]
            if type(value) is str and value and not value.isspace():
                try:
                    return parse_amount(value, decimal), self.explicit_sign
                except ParseError as exc:
                    raise _FieldError("amount", exc) from None
        get = match.get
        dec = decimal  # type: ignore[assignment]
        if "amount" in match.index and not is_blank(get(cells, "amount")):
            value = get(cells, "amount")
            amount = _parse(parse_amount, "amount", value, dec)
            indicator = get(cells, "dc")
            if not is_blank(indicator):
                sign = _parse(parse_debit_credit, "dc", indicator)
                return abs(amount) * sign, True
            return amount, self.explicit_sign
        if "amount_unsigned" in match.index and not is_blank(get(cells, "amount_unsigned")):
            amount = _parse(parse_amount, "amount_unsigned", get(cells, "amount_unsigned"), dec)
            indicator = get(cells, "dc")
            if is_blank(indicator):
                raise _FieldError(
                    "dc", ParseError("debit/credit indicator", indicator, "missing beside an unsigned amount")
                )
            return abs(amount) * _parse(parse_debit_credit, "dc", indicator), True
        if "debit" in match.index or "credit" in match.index:
            debit, credit = get(cells, "debit"), get(cells, "credit")
            d = Decimal(0) if is_blank(debit) else _parse(parse_amount, "debit", debit, dec)
            c = Decimal(0) if is_blank(credit) else _parse(parse_amount, "credit", credit, dec)
            return debit_minus_credit(d, c), True
        raise _FieldError("amount", ParseError("amount", None, "empty"))

    def derive_period(self, posting: Posting, how: str) -> bool:
        day = (
            posting.posting_date
            if how == "posting_month"
            else month_in_text(posting.text)
            if how == "text_month"
            else None
        )
        if day is None:
            return False
        posting.start, posting.end = month_period(day)
        posting.period_derived = how
        return True


def _other_sheet(path: Path, matcher: HeaderMatcher) -> tuple[Any, Any, HeaderMatch, list[Any]] | None:
    """The first later sheet of a workbook whose headers the matcher finds (when the first
    sheet is a cover or parameter sheet), opened and positioned after its header row."""
    for name in sheet_names(path)[1:10]:
        rows = None
        try:
            table, rows = open_table(path, sheet=name)
            match, pending = matcher.find(rows)
        except (MissingColumns, TableError):
            _close(rows)
            continue
        return table, rows, match, pending
    return None


def _readable(matcher: HeaderMatcher, rows: list[list[Any]]) -> bool:
    """Whether one of ``rows`` holds every header the matcher requires."""
    for cells in rows:
        found = matcher.match_row(cells)
        if all(f in found for f in matcher.required) and all(any(x in found for x in g) for g in matcher.one_of):
            return True
    return False


def _close(rows: Any) -> None:
    if hasattr(rows, "close"):
        rows.close()


def _cpr_alone(value: Any) -> str | None:
    return cpr_from_cell(value, in_text=False)


def _no_key(value: Any) -> bool:
    """A key cell that identifies nothing: blank, or only the ``*`` of an ALV subtotal."""
    return value is None or not str(value).strip().strip("*")


class _FieldError(Exception):
    def __init__(self, name: str, error: ParseError) -> None:
        self.name = name
        self.error = error


def _parse(fn: Any, name: str, value: Any, *args: Any) -> Any:
    try:
        return fn(value, *args)
    except ParseError as exc:
        raise _FieldError(name, exc) from None


def _chain(
    first: list[tuple[int, list[Any]]], rest: Iterator[tuple[int, list[Any]]]
) -> Iterator[tuple[int, list[Any]]]:
    yield from first
    yield from rest


_DATE_FIELDS = ("start", "end", "posting_date", "birth_date")
_AMOUNT_LIMIT = amount_limit(2)
# What posting() reads from every row, in the order _RowPlan.pick returns it.
_ROW_FIELDS = ("amount", "dc", "cpr", "document", "text", "anonymous", "sex", *_DATE_FIELDS)


def _unreadable(name: str, exc: ParseError, location: Location, columns: dict[str, str]) -> Finding:
    da, en = FIELD_NAMES.get(name, (name, name))
    return UNREADABLE_VALUE.make(
        location=location.at_column(columns.get(name)),
        field=name,
        value=exc.value,
        field_da=da,
        field_en=en,
        reason=parse_reason(exc.reason),
    )


class _RowPlan:
    """What :meth:`TabularSource.posting` needs from a file's header match, worked out once per
    file, and what it read from cells that repeat. A year's export repeats a few hundred dates,
    some thousand CPR numbers and few account codes on every line, so each distinct cell text is
    parsed once (the caches are bounded, and only successful reads are kept)."""

    def __init__(self, match: HeaderMatch) -> None:
        index = match.index
        self.width = max(index.values(), default=-1) + 1
        self.dim_fields = tuple(name for name in DIM_FIELDS if name in index)
        self._fields = itemgetter(*(index[f] if f in index else -1 for f in _ROW_FIELDS))
        self._dim_index = tuple(index[f] for f in self.dim_fields)
        self._dims = itemgetter(*self._dim_index) if len(self._dim_index) > 1 else None
        self.amount_at = index.get("amount")
        self.dc_at = index.get("dc")
        self.dates: dict[str, dt.date] = {}
        self.texts: dict[str, str] = {}
        self.cprs: dict[str, str] = {}
        self.flags: dict[str, bool] = {}
        self.cpr_in_text = True  # set by TabularSource.read from the CPR column's header

    def pick(self, cells: list[Any]) -> tuple[Any, ...]:
        """The cells of :data:`_ROW_FIELDS`, None for a field the file lacks or the row is short of."""
        # One C-level itemgetter call: a field the file lacks reads the None appended at index -1.
        return self._fields(self._padded(cells))

    def pick_dims(self, cells: list[Any]) -> tuple[Any, ...]:
        """The cells of :attr:`dim_fields`, in that order."""
        if self._dims is not None and len(cells) >= self.width:
            return self._dims(cells)
        padded = self._padded(cells)
        return tuple(padded[i] for i in self._dim_index)

    def _padded(self, cells: list[Any]) -> list[Any]:
        short = self.width - len(cells)
        return [*cells, None] if short <= 0 else [*cells, *([None] * short), None]


def _plan(match: HeaderMatch) -> _RowPlan:
    """The plan for ``match``, made on the first row of a file and kept with the match."""
    plan = match.__dict__.get("_plan")
    if plan is None:
        plan = match.__dict__["_plan"] = _RowPlan(match)
    return plan
