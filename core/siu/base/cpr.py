"""CPR numbers: normalising, masking, birth date and sex, and DST's fictitious § 109 forms.

A CPR number is DDMMYY + four digits. The seventh digit with YY gives the century; the last
digit's parity gives the sex (even = female). Since 2007 valid numbers exist that fail the old
modulus-11 check, so siu never checks modulus 11.
"""

from __future__ import annotations

import datetime as dt
import re

# Masking takes any script's digits (masking too much is harmless); normalising takes ASCII only.
# Masking also catches the forms people type by hand: "010160 - 1235", an en dash from Excel's
# autocorrect, "010160_1235", "01.01.60-1235".
# The separator excludes the space that \s* already takes: "\s*[ ]?\s*" splits a blank run in
# quadratically many ways before failing (a 40,000-character cell took over a minute).
_CPR_IN_TEXT = re.compile(r"(?<!\d)(\d{6}|\d\d\.\d\d\.\d\d)\s*(?:[-\u2010-\u2015_/.]\s*)?(\d{4})(?!\d)")
# A CPR inside a longer cell text (e.g. "Ophold 010160-1235" in SAP's assignment field).
CPR_IN_CELL = re.compile(r"(?<!\d)(\d{6})[- ]?(\d{4})(?!\d)")
_DIGITS = re.compile(r"\s*([0-9]{6})[- ]?([0-9]{4})\s*\Z")

# DST's fictitious forms for anonymous § 109 stays (the suffixes and the no-birth-date
# placeholder are defaults here; the year's spec pack is the authority and passes its own).
FEMALE_SUFFIX = "9998"
MALE_SUFFIX = "9999"
NO_BIRTH_DATE = "123456"


def mask_cpr(text: str) -> str:
    """Replace every CPR-looking number in ``text`` by ``DDMMYY-xxxx``."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    return _CPR_IN_TEXT.sub(lambda m: f"{m.group(1).replace('.', '')}-xxxx", text)


def normalise(value: str | None) -> str | None:
    """The CPR as ten digits, or None when ``value`` is not of the form DDMMYY[-]NNNN."""
    if value is None:
        return None
    m = _DIGITS.match(value)
    if not m:
        return None
    return m.group(1) + m.group(2)


def century(yy: int, seventh: int) -> int:
    """The century a CPR's two-digit year belongs to, from the seventh digit."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def birth_date(cpr: str) -> dt.date | None:
    """The birth date encoded in a ten-digit CPR, or None when it is not a real date."""
    try:
        day, month, yy, seventh = int(cpr[0:2]), int(cpr[2:4]), int(cpr[4:6]), int(cpr[6])
        return dt.date(century(yy, seventh) + yy, month, day)
    except (ValueError, IndexError):
        return None


def sex(cpr: str) -> str:
    """``"F"`` for an even last digit, ``"M"`` for odd."""
    return "F" if int(cpr[-1]) % 2 == 0 else "M"


def is_fictitious(
    cpr: str,
    female_suffix: str = FEMALE_SUFFIX,
    male_suffix: str = MALE_SUFFIX,
    no_birth_date: str = NO_BIRTH_DATE,
) -> bool:
    """True for DST's fictitious § 109 forms: a birth date or ``123456`` + ``9998``/``9999``.

    The date part of a fictitious number carries no century digit, so any real DDMMYY is accepted.
    """
    if len(cpr) != 10 or not cpr.isdigit() or cpr[6:] not in (female_suffix, male_suffix):
        return False
    if cpr[:6] == no_birth_date:
        return True
    try:
        day, month, yy = int(cpr[0:2]), int(cpr[2:4]), int(cpr[4:6])
        # 2000 is a leap year, so 29 February passes for any yy that could be one.
        dt.date(2000 if yy % 4 == 0 else 2001, month, day)
    except ValueError:
        return False
    return True


def fictitious(
    birth: dt.date | None,
    sex_code: str,
    female_suffix: str = FEMALE_SUFFIX,
    male_suffix: str = MALE_SUFFIX,
    no_birth_date: str = NO_BIRTH_DATE,
) -> str:
    """DST's fictitious CPR for an anonymous § 109 stay."""
    suffix = female_suffix if sex_code == "F" else male_suffix
    prefix = birth.strftime("%d%m%y") if birth else no_birth_date
    return prefix + suffix
