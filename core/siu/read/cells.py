"""Reading single cells of a table: flags, sex, CPRs, months in a text, total-line labels (private;
public through ``siu.tabular``)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from siu.parsing import ParseError, clean_text

RULE_CHARS = set("-=_|*+ ")
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
SUM_INITIALS = frozenset("iItTsSgGhH")  # the first letters of every total word: a cheap filter per cell
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
# A CPR standing as a whole word in a text: not joined to letters, digits or an underscore.
_CPR_WORD = re.compile(r"(?<![\w])(\d{6})[- ]?(\d{4})(?![\w])")
# What a CPR cell may hold besides digits: hyphens (also Excel's dashes) and spaces.
_CPR_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015 ")


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


def cpr_alone(value: Any) -> str | None:
    """The CPR in a cell that must hold the number alone (a proper CPR column)."""
    return cpr_from_cell(value, in_text=False)


def no_key(value: Any) -> bool:
    """A key cell that identifies nothing: blank, or only the ``*`` of an ALV subtotal."""
    return value is None or not str(value).strip().strip("*")
