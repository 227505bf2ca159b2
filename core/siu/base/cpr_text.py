"""Finding what could be a CPR number in a text and hiding it (private; the rules are in the
docstring of :mod:`siu.base.masking`, which is the public home of :func:`mask_text`)."""

from __future__ import annotations

import re
import unicodedata

_RUNS = re.compile(r"\d{2,}")
_LONG_RUNS = re.compile(r"\d{5,}")
_DIGITS_AT = re.compile(r"\d+")
_THREE = re.compile(r"\d{3}")
_DATE_FORM = re.compile(r"\d\d[-./ ]\d\d[-./ ]\d\d")
_DAY_MONTH = re.compile(r"(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])")
_LOST_ZERO = re.compile(r"[1-9](?:0[1-9]|1[0-2])")  # a day 1-9 whose leading zero a spreadsheet dropped
# DD.MM.YY (one separator each) not followed by a further digit
_DATE_AT = re.compile(r"(\d\d)[-./ ](\d\d)[-./ ](\d\d)(?!\d)")
# separators people type inside a CPR (the forms siu.base.cpr masks too), NBSP included
SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015_/. \u00a0")
_SPACES = " \u00a0"
_HEX = frozenset("0123456789abcdef")


def _ascii(digits: str) -> str:
    return digits if digits.isascii() else "".join(str(unicodedata.decimal(ch, 0)) for ch in digits)


def could_be_cpr(digits: str) -> bool:
    """Whether a run of digits (9 or more) could hold a CPR number (see the module docstring)."""
    d = _ascii(digits)
    n = len(d)
    if n < 9:
        return False
    # endpos n - 6: a day-and-month found there starts early enough for a whole 10 (or 9) digit window
    return bool(_DAY_MONTH.search(d, 0, n - 6) or (n <= 11 and _LOST_ZERO.search(d, 0, n - 6)))


def _hash_token(text: str, start: int, end: int) -> bool:
    """Whether the digits at ``start:end`` lie inside a 64-character lowercase hex token."""
    left = start
    while left > 0 and start - left < 64 and text[left - 1] in _HEX:
        left -= 1
    right = end
    while right < len(text) and right - end < 64 and text[right] in _HEX:
        right += 1
    if right - left != 64:
        return False
    before = text[left - 1] if left > 0 else " "
    after = text[right] if right < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def _gap(text: str) -> bool:
    """Whether ``text`` (between two digit runs) is how people separate a CPR's parts."""
    if not text or len(text) > 3:
        return False
    core = text.strip(_SPACES)
    return len(core) <= 1 and (not core or core in SEPARATORS)


def _masked(kept: str, hidden: int) -> str:
    return f"{kept}-{'x' * hidden}"


def mask_text(text: str) -> str:
    """``text`` with everything that could be a CPR number masked (``DDMMYY-xxxx``)."""
    if not text or not _THREE.search(text):
        return text
    # Only a "DD.MM.YY" form needs the two-digit runs; otherwise runs of five or more suffice.
    runs = _RUNS if _DATE_FORM.search(text) else _LONG_RUNS
    out: list[str] = []
    pos = 0  # text before pos is done
    for m in runs.finditer(text):
        s, e = m.span()
        if s < pos:  # part of a form masked already
            continue
        n = e - s
        if n == 2:  # DD.MM.YY then three to five digits
            tail = _DATE_AT.match(text, s)
            if tail is not None and not (s > 0 and text[s - 1].isdecimal()):
                rest = _after_gap(text, tail.end(), 3, 5)
                if rest is not None:
                    out.append(text[pos:s])
                    out.append(
                        _masked(tail.group(1) + tail.group(2) + tail.group(3), rest - _gap_end(text, tail.end()))
                    )
                    pos = rest
            continue
        if 5 <= n <= 6:  # six (or five) digits, a separator, three to five digits
            rest = _after_gap(text, e, 3, 5)
            if rest is None and n == 6 and _DAY_MONTH.match(_ascii(text[s : s + 4])):
                rest = _after_gap(text, e, 3, None)  # a dated six glued to more digits after (050575-123456…)
            if rest is not None and (n == 6 or 9 <= n + rest - _gap_end(text, e) <= 11):
                out.append(text[pos:s])
                out.append(_masked(text[s:e], rest - _gap_end(text, e)))
                pos = rest
                continue
        if n > 6:  # the same glued to digits before it: the run's last six digits, when they are a date
            rest = _after_gap(text, e, 3, None)
            if rest is not None and _DAY_MONTH.match(_ascii(text[e - 6 : e])):
                out.append(text[pos : e - 6])
                out.append(_masked(text[e - 6 : e], rest - _gap_end(text, e)))
                pos = rest
                continue
        if n >= 9 and could_be_cpr(text[s:e]) and not _hash_token(text, s, e):
            keep = 5 if n == 9 else 6
            out.append(text[pos:s])
            out.append(_masked(text[s : s + keep], n - keep))
            pos = e
    if pos == 0:
        return text
    out.append(text[pos:])
    return "".join(out)


def _gap_end(text: str, start: int) -> int:
    """Where the digits after a separator gap starting at ``start`` begin (at most three characters on)."""
    j = start
    while j < len(text) and j - start < 3 and not text[j].isdecimal():
        j += 1
    return j


def _after_gap(text: str, start: int, shortest: int, longest: int | None) -> int | None:
    """The end of a run of ``shortest``–``longest`` digits (``None``: no upper bound) that follows
    a CPR separator gap at ``start``, or None."""
    j = _gap_end(text, start)
    if j == start or not _gap(text[start:j]):
        return None
    run = _DIGITS_AT.match(text, j)
    if run is None or run.end() - j < shortest or (longest is not None and run.end() - j > longest):
        return None
    return run.end()
