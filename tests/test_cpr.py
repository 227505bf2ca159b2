"""CPR numbers: normalising, masking, century, sex, and DST's fictitious § 109 forms."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu.base import cpr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("010160-1235", "0101601235"),
        ("0101601235", "0101601235"),
        ("010160 1235", "0101601235"),
        (" 010160-1235 ", "0101601235"),
        ("010160-123", None),
        ("01016012355", None),
        ("0101601-235", None),
        ("ANONYM", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise(value, expected):
    assert cpr.normalise(value) == expected


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("CPR 010160-1235 mangler", "CPR 010160-xxxx mangler"),
        ("0101601235", "010160-xxxx"),
        ("010160 1235 og 1503722468", "010160-xxxx og 150372-xxxx"),
        ("konto 53850100347", "konto 53850100347"),  # 11 digits: not a CPR
        ("5385010031234547", "5385010031234547"),  # 16 digits: not a CPR
        ("beløb 42.500,00", "beløb 42.500,00"),
        ("", ""),
    ],
)
def test_mask(text, masked):
    assert cpr.mask_cpr(text) == masked


@pytest.mark.parametrize(
    ("value", "born", "sex"),
    [
        ("0101601235", dt.date(1960, 1, 1), "M"),  # 7th digit 1: 1900s
        ("1503722468", dt.date(1972, 3, 15), "F"),
        ("0101104002", dt.date(2010, 1, 1), "F"),  # 7th digit 4, yy <= 36: 2000s
        ("0101504001", dt.date(1950, 1, 1), "M"),  # 7th digit 4, yy > 36: 1900s
        ("0101109003", dt.date(2010, 1, 1), "M"),  # 7th digit 9 like 4
        ("0101505000", dt.date(2050, 1, 1), "F"),  # 7th digit 5-8, yy <= 57: 2000s
        ("0101605000", dt.date(1860, 1, 1), "F"),  # 7th digit 5-8, yy > 57: 1800s
        ("2902004000", dt.date(2000, 2, 29), "F"),
        ("3102601235", None, "M"),  # not a real date
        ("1234569998", None, "F"),
    ],
)
def test_birth_date_and_sex(value, born, sex):
    assert cpr.birth_date(value) == born
    assert cpr.sex(value) == sex


@pytest.mark.parametrize(
    ("value", "fictitious"),
    [
        ("1234569998", True),
        ("1234569999", True),
        ("0101609998", True),
        ("2902009999", True),  # 29 February passes: the year is not known
        ("0101601235", False),
        ("1234561235", False),
        ("3201609998", False),  # day 32
        ("12345699", False),
        ("abcdef9998", False),
    ],
)
def test_is_fictitious(value, fictitious):
    assert cpr.is_fictitious(value) is fictitious


def test_fictitious_forms():
    assert cpr.fictitious(dt.date(1990, 4, 12), "F") == "1204909998"
    assert cpr.fictitious(dt.date(1990, 4, 12), "M") == "1204909999"
    assert cpr.fictitious(None, "F") == "1234569998"
    assert cpr.fictitious(None, "M") == "1234569999"
    assert cpr.fictitious(None, "M", "8888", "7777", "000000") == "0000007777"


@given(
    st.dates(min_value=dt.date(1858, 1, 1), max_value=dt.date(2057, 12, 31)), st.integers(0, 999), st.sampled_from("FM")
)
def test_birth_date_round_trip_and_fictitious_form(born, serial, sex):
    year = born.year
    if year < 1900:
        seventh = 5
    elif year < 2000:
        seventh = 0 if year < 1937 else 4
    else:
        seventh = 4 if year <= 2036 else 5
    last = serial % 10
    last = last - last % 2 + (1 if sex == "M" else 0)
    number = born.strftime("%d%m%y") + f"{seventh}{serial // 10:02d}{last}"
    assert cpr.normalise(number[:6] + "-" + number[6:]) == number
    assert cpr.birth_date(number) == born
    assert cpr.sex(number) == sex
    assert cpr.mask_cpr(f"x {number} y") == f"x {number[:6]}-xxxx y"
    fake = cpr.fictitious(born, sex)
    assert cpr.is_fictitious(fake)
    assert fake.startswith(number[:6])


@given(st.text(max_size=30))
def test_normalise_and_mask_never_fail(text):
    value = cpr.normalise(text)
    assert value is None or re.fullmatch("[0-9]{10}", value)
    assert not re.search(r"(?<![0-9])[0-9]{6}[- ]?[0-9]{4}(?![0-9])", cpr.mask_cpr(text))
