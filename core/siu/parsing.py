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
from functools import lru_cache
from typing import Any, Literal

from siu.base.cpr import mask_cpr
from siu.base.limits import MAX_VALUE_CHARS, shorten

DecimalSeparator = Literal[",", "."] | None


class ParseError(ValueError):
    """A value could not be read. ``kind`` names what was expected (amount, date, ...)."""

    def __init__(self, kind: str, value: Any, reason: str = "") -> None:
        self.kind = kind
        self.value = value
        self.reason = reason
        super().__init__(
            f"cannot read {kind} from {shorten(mask_cpr(str(value)), 40)!r}{': ' + reason if reason else ''}"
        )


# --- amounts -------------------------------------------------------------------------------

# Spaces (also no-break and narrow no-break) and apostrophes separate thousands; U+2212 is a minus.
_SPACES = str.maketrans({" ": None, "\u00a0": None, "\u202f": None, "'": None, "\u2212": "-"})
_AMOUNT_CHARS = re.compile(r"^[0-9][0-9.,]*$")
_THOUSANDS_DOT = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+$")
_THOUSANDS_COMMA = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+$")
# The look-behind lets a match start only at the first space of a run: without it every space of
# a long blank run starts a new scan to its end (quadratic; 40,000 spaces took over a minute).
_CURRENCY = re.compile(r"(?i)(?<!\s)\s*(kr\.?|dkk)\s*")
_DANISH_AMOUNT = re.compile(r"([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+),([0-9]+)(-?)")
DECIMAL_SEPARATORS = (",", ".")


def parse_amount(value: Any, decimal: str | None = None) -> Decimal:
    """Read a money amount.

    Accepts ``1.234,56``, ``1234,56``, ``1,234.56``, ``-1.234,56``, ``1.234,56-`` (SAP's trailing
    minus), ``(1.234,56)``, an optional ``+``, ``kr.``/``DKK``, and spaces as thousands separators.
    ``decimal`` forces the decimal separator; without it the last of ``.``/``,`` is the decimal
    separator when both occur, and a lone separator is read the Danish way (``,`` decimal) except
    that ``1234.56`` (not a thousands pattern) is read as a decimal point.
    Numbers from spreadsheets pass through: int and Decimal exactly, float at Excel's precision
    of 15 significant digits.
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
        # Excel keeps 15 significant digits; a formula's 0.1 + 0.2 is 0.3 there, not 0.30000000000000004.
        return Decimal(format(value, ".15g"))
    if value is None:
        raise ParseError("amount", value, "empty")
    if type(value) is str and (decimal is None or decimal == ","):
        m = _DANISH_AMOUNT.fullmatch(value)
        if m:  # 1.234,56 or 1234,56- (nearly every cell of a Danish export): as the general path reads it
            result = Decimal(f"{m.group(1).replace('.', '')}.{m.group(2)}")
            return -result if m.group(3) else result
    text = str(value)
    if len(text) > MAX_VALUE_CHARS:  # no amount is this long; parse nothing of it
        raise ParseError("amount", value, f"too long ({len(text)} characters)")
    text = _CURRENCY.sub("", text).translate(_SPACES)
    if not text:
        raise ParseError("amount", value, "empty")
    if decimal is not None:
        decimal = check_decimal_separator(decimal)
    signs = 0  # a sign may be written once: (x), -x, x-, +x or x+; two signs are a typing error
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text, signs = True, text[1:-1], 1
    if text.endswith(("-", "+")):
        negative, text, signs = text.endswith("-"), text[:-1], signs + 1
    if text.startswith(("-", "+")):
        negative, text, signs = negative or text.startswith("-"), text[1:], signs + 1
    if signs > 1:
        raise ParseError("amount", value, "more than one sign")
    if not _AMOUNT_CHARS.match(text) or text.endswith((".", ",")):
        raise ParseError("amount", value, "not a number")
    text = _canonical_digits(text, decimal, value)
    try:
        result = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the patterns above exclude this
        raise ParseError("amount", value, "not a number") from None
    return -result if negative else result


def check_decimal_separator(value: Any) -> str:
    """``value`` as a decimal separator (``,`` or ``.``; ``comma``/``komma``/``point``/``punktum`` too)."""
    text = str(value).strip().casefold()
    text = {"comma": ",", "komma": ",", "point": ".", "dot": ".", "punktum": "."}.get(text, text)
    if text not in DECIMAL_SEPARATORS:
        raise ParseError("decimal separator", value, "expected ',' or '.'")
    return text


def _canonical_digits(text: str, decimal: str | None, original: Any) -> str:
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


_DEBIT = {
    "s": 1,
    "soll": 1,
    "d": 1,
    "debet": 1,
    "debit": 1,
    "h": -1,
    "haben": -1,
    "k": -1,
    "kredit": -1,
    "credit": -1,
    "c": -1,
    "dr": 1,
    "cr": -1,
}


def parse_debit_credit(value: Any) -> int:
    """The sign a debit/credit indicator gives: ``S``/``D``/``Debet`` → +1, ``H``/``K``/``Kredit`` → -1."""
    key = str(value or "").strip().casefold()
    if key not in _DEBIT:
        raise ParseError("debit/credit indicator", value, "expected S/H, D/K or Debet/Kredit")
    return _DEBIT[key]


def debit_minus_credit(debit: Decimal, credit: Decimal) -> Decimal:
    """The signed amount of separate Debet and Kredit columns. A minus in the debit column is a
    reversal (it stays negative); a credit counts as negative whether or not it is written with one."""
    return debit - abs(credit)


_DANISH_MARKS = str.maketrans({",": ".", ".": ","})


def group_digits(value: float | Decimal | int, decimals: int = 0, lang: str = "da") -> str:
    """``value`` with its thousands grouped, the one way siu writes numbers for people:
    ``1.234,50`` in Danish, ``1,234.50`` in English (``lang="en"``)."""
    text = f"{value:,.{decimals}f}"
    return text if lang == "en" else text.translate(_DANISH_MARKS)


def format_amount_danish(amount: Decimal, trailing_minus: bool = False) -> str:
    """Format like a Danish export: ``1.234,56`` (``1.234,56-`` with ``trailing_minus``)."""
    sign = "-" if amount < 0 else ""
    text = group_digits(abs(amount), 2)
    return f"{text}{sign}" if trailing_minus else f"{sign}{text}"


# --- dates ---------------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TIME = r"(?:[T ]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)?"  # a time of day after the date is ignored
_DATE_PATTERNS = (
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})" + _TIME + "$", re.ASCII), "dmy"),
    (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})" + _TIME + "$", re.ASCII), "dmy"),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME + "$", re.ASCII), "dmy"),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + "$", re.ASCII), "ymd"),
)
_COMPACT = re.compile(r"^[0-9]{8}$")
# A serial number written as text: five digits (1927-03-16 .. 2173-10-13), so that a year or
# a document number in a date column is not read as a date in 1905.
_SERIAL_TEXT = re.compile(r"^[0-9]{5}(?:[.,]0+)?$")


def excel_serial_to_date(serial: Any) -> dt.date:
    """An Excel serial day number (1900 date system) as a date; a fraction (time of day) is ignored.

    Serial 1 is 1900-01-01; Excel's phantom 1900-02-29 (serial 60) is refused.
    """
    try:
        number = float(serial)
    except (TypeError, ValueError, OverflowError):
        raise ParseError("date", serial, "not an Excel serial number") from None
    if not 1 <= number < 2958466:  # also false for NaN; 2958466 would be 10000-01-01
        raise ParseError("date", serial, "Excel serial number out of range")
    day = int(number)
    if day == 60:
        raise ParseError("date", serial, "Excel's 1900-02-29 does not exist")
    # Excel counts 1900 as a leap year, so serials before 1900-03-01 are one day early.
    return _EXCEL_EPOCH + dt.timedelta(days=day + (1 if day < 60 else 0))


def date_to_excel_serial(day: dt.date) -> int:
    """The Excel serial number of a date (the inverse of :func:`excel_serial_to_date`)."""
    serial = (day - _EXCEL_EPOCH).days
    return serial - 1 if serial <= 60 else serial


def parse_date(value: Any) -> dt.date:
    """Read a date: ``dd.mm.yyyy``, ``dd-mm-yyyy``, ``dd/mm/yyyy``, ``yyyy-mm-dd`` (a time after
    it is ignored), ``ddmmyyyy``, ``yyyymmdd``, an Excel serial number (a number cell, or five
    digits as text: ``45658``), or a date/datetime from a spreadsheet."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or value is None:
        raise ParseError("date", value, "empty")
    if isinstance(value, (int, float, Decimal)):
        return excel_serial_to_date(value)
    if isinstance(value, str):
        return _parse_date_text(value)
    return _parse_date_text(str(value))


@lru_cache(maxsize=8192)
def _parse_date_text(value: str) -> dt.date:
    """Dates written as text; cached because an export repeats the same few hundred dates."""
    if len(value) > MAX_VALUE_CHARS:  # no date is this long; parse nothing of it
        raise ParseError("date", value, f"too long ({len(value)} characters)")
    text = value.strip()
    if not text:
        raise ParseError("date", value, "empty")
    if len(text) == 10 and text.isascii():  # fast path for the two forms nearly every export uses
        if text[2] == text[5] == "." and text[:2].isdigit() and text[3:5].isdigit() and text[6:].isdigit():
            return _make_date(value, int(text[6:]), int(text[3:5]), int(text[:2]))
        if text[4] == text[7] == "-" and text[:4].isdigit() and text[5:7].isdigit() and text[8:].isdigit():
            return _make_date(value, int(text[:4]), int(text[5:7]), int(text[8:]))
    for pattern, order in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            a, b, c = (int(g) for g in m.groups())
            return _make_date(value, *((c, b, a) if order == "dmy" else (a, b, c)))
    if _COMPACT.match(text):
        return _eight_digit_date(text, value)
    if _SERIAL_TEXT.match(text):
        return excel_serial_to_date(int(text[:5]))
    raise ParseError("date", value, "unknown date form")


def _eight_digit_date(text: str, original: Any) -> dt.date:
    """``yyyymmdd`` when the first four digits are a plausible year, else ``ddmmyyyy``.

    Never ambiguous for years 1900-2199: read the other way, such a date has a month of 19-21.
    """
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
