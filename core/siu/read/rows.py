"""One row of a table: whether it is a posting, its signed amount, and the plan that picks its
cells (private; used by :class:`siu.tabular.TabularSource`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from siu.adapters import TOTAL_LINES
from siu.base.cpr import CPR_IN_CELL
from siu.base.i18n import parse_reason
from siu.base.limits import AMOUNT_DIGITS, amount_limit
from siu.catalogue.read import AMOUNT_TOO_LARGE, UNREADABLE_VALUE
from siu.models import Finding, Location
from siu.parsing import (
    ParseError,
    clean_text,
    debit_minus_credit,
    is_blank,
    parse_amount,
    parse_date,
    parse_debit_credit,
)
from siu.read.cells import RULE_CHARS, SUM_INITIALS, is_total_word, no_key, parse_flag, parse_sex
from siu.tables import HeaderMatch

DIM_FIELDS = ("psp", "cost_centre", "gl_account", "artskonto", "kontostreng", "paragraph", "kommune", "counterpart")
KEY_FIELDS = ("cpr", "document", "psp", "cost_centre", "gl_account", "artskonto", "kontostreng")
AMOUNT_FIELDS = ("amount", "amount_unsigned", "debit", "credit")
# Fields whose content makes a row with an amount but no key a posting (with fields missing)
# rather than an unlabelled total line.
CONTENT_FIELDS = (
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
DATE_FIELDS = ("start", "end", "posting_date", "birth_date")
AMOUNT_LIMIT = amount_limit(2)

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


class FieldError(Exception):
    """A field of a row that cannot be read: its name and the parse error."""

    def __init__(self, name: str, error: ParseError) -> None:
        self.name = name
        self.error = error


def parse_field(fn: Any, name: str, value: Any, *args: Any) -> Any:
    """``fn(value, *args)``, its ParseError raised as a FieldError naming the field."""
    try:
        return fn(value, *args)
    except ParseError as exc:
        raise FieldError(name, exc) from None


def unreadable(name: str, exc: ParseError, location: Location, columns: dict[str, str]) -> Finding:
    """The finding for a cell of field ``name`` that cannot be read (SIU020)."""
    da, en = FIELD_NAMES.get(name, (name, name))
    return UNREADABLE_VALUE.make(
        location=location.at_column(columns.get(name)),
        field=name,
        value=exc.value,
        field_da=da,
        field_en=en,
        reason=parse_reason(exc.reason),
    )


def skip_reason(cells: list[Any], match: HeaderMatch) -> str | None:
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
    if all(set(t) <= RULE_CHARS for t in texts):
        return "skillelinjer"
    headers = match.headers
    if headers and all(str(cells[i]).strip() == headers[i] if i < len(cells) else False for i in match.index.values()):
        return "gentagne overskrifter"
    # A word like "Saldo" in the text of a row that names a citizen is a posting, not a subtotal;
    # the cheap conditions first, as most rows name a citizen.
    star = any(t[0] == "*" for t in texts[:3])
    if ("document" not in match.index or no_key(match.get(cells, "document"))) and (
        star or not CPR_IN_CELL.search(str(match.get(cells, "cpr") or ""))
    ):
        if (
            star
            or any(t[0] in SUM_INITIALS and is_total_word(t) for t in texts)
            or any(str(match.get(cells, f) or "").lstrip().startswith("*") for f in AMOUNT_FIELDS if f in match.index)
        ):
            return TOTAL_LINES
    keys = [f for f in KEY_FIELDS if f in match.index]
    if keys and all(no_key(match.get(cells, f)) for f in keys):
        has_amount = any(not is_blank(match.get(cells, f)) for f in AMOUNT_FIELDS if f in match.index)
        if not has_amount:
            return "tekstlinjer"
        described = any(not is_blank(match.get(cells, f)) for f in CONTENT_FIELDS if f in match.index)
        return None if described else TOTAL_LINES
    return None


def signed_amount(
    cells: list[Any], match: HeaderMatch, decimal: str | None, explicit_sign: bool
) -> tuple[Decimal, bool]:
    """The signed amount of a row and whether the source stated the sign explicitly (debit/credit);
    ``explicit_sign`` is what a plain signed amount column states. Raises FieldError."""
    at = match.index.get("amount")
    if at is not None and "dc" not in match.index and at < len(cells):  # a signed amount column: most exports
        value = cells[at]
        if type(value) is str and value and not value.isspace():
            try:
                return parse_amount(value, decimal), explicit_sign
            except ParseError as exc:
                raise FieldError("amount", exc) from None
    get = match.get
    dec = decimal
    if "amount" in match.index and not is_blank(get(cells, "amount")):
        value = get(cells, "amount")
        amount = parse_field(parse_amount, "amount", value, dec)
        indicator = get(cells, "dc")
        if not is_blank(indicator):
            sign = parse_field(parse_debit_credit, "dc", indicator)
            return abs(amount) * sign, True
        return amount, explicit_sign
    if "amount_unsigned" in match.index and not is_blank(get(cells, "amount_unsigned")):
        amount = parse_field(parse_amount, "amount_unsigned", get(cells, "amount_unsigned"), dec)
        indicator = get(cells, "dc")
        if is_blank(indicator):
            raise FieldError("dc", ParseError("debit/credit indicator", indicator, "missing beside an unsigned amount"))
        return abs(amount) * parse_field(parse_debit_credit, "dc", indicator), True
    if "debit" in match.index or "credit" in match.index:
        debit, credit = get(cells, "debit"), get(cells, "credit")
        d = Decimal(0) if is_blank(debit) else parse_field(parse_amount, "debit", debit, dec)
        c = Decimal(0) if is_blank(credit) else parse_field(parse_amount, "credit", credit, dec)
        return debit_minus_credit(d, c), True
    raise FieldError("amount", ParseError("amount", None, "empty"))


def too_large(amount: Decimal, match: HeaderMatch, location: Location, columns: dict[str, str]) -> Finding:
    """The finding for an amount of more than 15 digits, which the delivery would round (SIU024)."""
    name = "amount" if "amount" in match.index else "amount_unsigned" if "amount_unsigned" in match.index else "debit"
    return AMOUNT_TOO_LARGE.make(
        location=location.at_column(columns.get(name)), field=name, value=f"{amount:f}", digits=AMOUNT_DIGITS
    )


def read_dates(
    match: HeaderMatch,
    cells: list[Any],
    location: Location,
    columns: dict[str, str],
    problems: list[Finding],
    invalid: list[str],
) -> list[Any]:
    """The row's start, end, posting and birth dates (None where blank or unreadable; an
    unreadable one is a finding and marks the field invalid)."""
    found: list[Any] = []
    for name in DATE_FIELDS:
        value = match.get(cells, name)
        if value is None or value == "":
            found.append(None)
            continue
        try:
            found.append(parse_date(value))
        except ParseError as exc:
            found.append(None)
            if not is_blank(value):
                problems.append(unreadable(name, exc, location, columns))
                invalid.append(name)
    return found


def read_flags(
    raw_anon: Any, raw_sex: Any, location: Location, columns: dict[str, str], problems: list[Finding]
) -> tuple[bool | None, str | None]:
    """The row's anonymous flag and sex (None where blank or unreadable)."""
    anonymous = None
    if raw_anon is not None:
        try:
            anonymous = parse_flag(raw_anon)
        except ParseError as exc:
            problems.append(unreadable("anonymous", exc, location, columns))
    sex = None
    if not is_blank(raw_sex):
        try:
            sex = parse_sex(raw_sex)
        except ParseError as exc:
            problems.append(unreadable("sex", exc, location, columns))
    return anonymous, sex


def read_dims(match: HeaderMatch, cells: list[Any]) -> dict[str, str]:
    """The row's account dimensions (PSP, cost centre, accounts, paragraph, municipalities) that
    are not blank, as clean text."""
    dims = {}
    for name in DIM_FIELDS:
        clean = clean_text(match.get(cells, name))
        if clean is not None:
            dims[name] = clean
    return dims
