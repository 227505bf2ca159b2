"""Parsing values as Danish (and international) accounting exports write them.

Public API for every adapter, built-in or third-party: use these instead of writing your own.
Every function raises :class:`ParseError` (and nothing else) for text it cannot read.

>>> parse_amount("1.234,56-")
Decimal('-1234.56')
>>> parse_date("31.12.2025")
datetime.date(2025, 12, 31)
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

DecimalSeparator = Literal[",", "."] | None


class ParseError(ValueError):
    """A value could not be read. ``kind`` names what was expected (amount, date, ...)."""

    def __init__(self, kind: str, value: Any, reason: str = "") -> None:
        self.kind = kind
        self.value = value
        self.reason = reason
        super().__init__(f"cannot read {kind} from {str(value)[:40]!r}{': ' + reason if reason else ''}")


# --- amounts -------------------------------------------------------------------------------

_SPACES = str.maketrans("", "", " \u00a0\u202f'")
_AMOUNT_CHARS = re.compile(r"^\d[\d.,]*$")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")
_CURRENCY = re.compile(r"(?i)\s*(kr\.?|dkk)\s*")


def parse_amount(value: Any, decimal: DecimalSeparator = None) -> Decimal:
    """Read a money amount.

    Accepts ``1.234,56``, ``1234,56``, ``1,234.56``, ``-1.234,56``, ``1.234,56-`` (SAP's trailing
    minus), ``(1.234,56)``, an optional ``+``, ``kr.``/``DKK``, and spaces as thousands separators.
    ``decimal`` forces the decimal separator; without it the last of ``.``/``,`` is the decimal
    separator when both occur, and a lone separator is read the Danish way (``,`` decimal) except
    that ``1234.56`` (not a thousands pattern) is read as a decimal point.
    Numbers (int, float, Decimal) from spreadsheets pass through exactly.
    """
    if isinstance(value, bool):
        raise ParseError("amount", value, "not a number")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ParseError("amount", value, "not finite")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ParseError("amount", value, "not finite")
        return Decimal(repr(value))
    if value is None:
        raise ParseError("amount", value, "empty")
    text = _CURRENCY.sub("", str(value)).translate(_SPACES)
    if not text:
        raise ParseError("amount", value, "empty")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.endswith("-"):
        negative, text = not negative, text[:-1]
    elif text.endswith("+"):
        text = text[:-1]
    if text.startswith("-"):
        negative, text = not negative, text[1:]
    elif text.startswith("+"):
        text = text[1:]
    if not _AMOUNT_CHARS.match(text) or text.endswith((".", ",")):
        raise ParseError("amount", value, "not a number")
    text = _canonical_digits(text, decimal, value)
    try:
        result = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the patterns above exclude this
        raise ParseError("amount", value, "not a number") from None
    return -result if negative else result


def _canonical_digits(text: str, decimal: DecimalSeparator, original: Any) -> str:
    if decimal is None:
        has_dot, has_comma = "." in text, "," in text
        if has_dot and has_comma:
            decimal = "," if text.rfind(",") > text.rfind(".") else "."
        elif has_comma:
            decimal = ","
        elif has_dot:
            decimal = "," if _THOUSANDS_DOT.match(text) else "."
        else:
            return text
    thousands = "." if decimal == "," else ","
    integer, _, fraction = text.partition(decimal)
    if decimal in fraction or thousands in fraction:
        raise ParseError("amount", original, "misplaced separator")
    if thousands in integer and not (_THOUSANDS_DOT if thousands == "." else _THOUSANDS_COMMA).match(integer):
        raise ParseError("amount", original, "misplaced thousands separator")
    integer = integer.replace(thousands, "")
    return f"{integer}.{fraction}" if fraction else integer


_DEBIT = {"s": 1, "soll": 1, "d": 1, "debet": 1, "debit": 1, "h": -1, "haben": -1, "k": -1, "kredit": -1, "credit": -1, "c": -1}


def parse_debit_credit(value: Any) -> int:
    """The sign a debit/credit indicator gives: ``S``/``D``/``Debet`` → +1, ``H``/``K``/``Kredit`` → -1."""
    key = str(value or "").strip().casefold()
    if key not in _DEBIT:
        raise ParseError("debit/credit indicator", value, "expected S/H, D/K or Debet/Kredit")
    return _DEBIT[key]


def format_amount_danish(amount: Decimal, trailing_minus: bool = False) -> str:
    """Format like a Danish export: ``1.234,56`` (``1.234,56-`` with ``trailing_minus``)."""
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text}{sign}" if trailing_minus else f"{sign}{text}"


# --- dates ---------------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = (
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), "dmy"),
    (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), "dmy"),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), "dmy"),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?$"), "ymd"),
)


def excel_serial_to_date(serial: float) -> dt.date:
    """An Excel serial day number (1900 date system) as a date."""
    if not 1 <= serial < 2958466:
        raise ParseError("date", serial, "Excel serial number out of range")
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_date(value: Any) -> dt.date:
    """Read a date: ``dd.mm.yyyy``, ``dd-mm-yyyy``, ``yyyy-mm-dd``, ``ddmmyyyy``, ``yyyymmdd``,
    an Excel serial number (``45658`` or a number cell), or a date/datetime from a spreadsheet."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or value is None:
        raise ParseError("date", value, "empty")
    if isinstance(value, (int, float, Decimal)):
        return excel_serial_to_date(float(value))
    text = str(value).strip()
    if not text:
        raise ParseError("date", value, "empty")
    for pattern, order in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            a, b, c = (int(g) for g in m.groups())
            return _make_date(value, *((c, b, a) if order == "dmy" else (a, b, c)))
    if text.isdigit():
        if len(text) == 8:
            return _eight_digit_date(text, value)
        if len(text) <= 5:
            return excel_serial_to_date(int(text))
    raise ParseError("date", value, "unknown date form")


def _eight_digit_date(text: str, original: Any) -> dt.date:
    """``yyyymmdd`` when the first four digits are a plausible year, else ``ddmmyyyy``."""
    if 1900 <= int(text[:4]) <= 2199:
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        except ValueError:
            pass
    return _make_date(original, int(text[4:8]), int(text[2:4]), int(text[0:2]))


def _make_date(original: Any, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ParseError("date", original, "no such date") from None


def is_blank(value: Any) -> bool:
    """True for None and text that is empty or only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value: Any) -> str | None:
    """Cell text stripped of surrounding white space; None when blank. Numbers keep their digits."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None
