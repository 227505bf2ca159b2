"""The value parsers of siu.parsing: every documented form, round trips, and only ParseError."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from exports import AMOUNT_STYLES, DATE_STYLES, fmt_amount, fmt_date
from siu.parsing import (
    ParseError,
    check_decimal_separator,
    clean_text,
    date_to_excel_serial,
    excel_serial_to_date,
    format_amount_danish,
    parse_amount,
    parse_date,
    parse_debit_credit,
)

D = Decimal

# --- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.234,56", D("1234.56")),
        ("1234,56", D("1234.56")),
        ("1,234.56", D("1234.56")),
        ("-1.234,56", D("-1234.56")),
        ("1.234,56-", D("-1234.56")),
        ("(1.234,56)", D("-1234.56")),
        ("+1.234,56", D("1234.56")),
        ("1 234 567,89", D("1234567.89")),
        ("1\u00a0234,50 kr.", D("1234.50")),
        ("DKK 12,00", D("12.00")),
        ("\u22121.234,56", D("-1234.56")),  # U+2212 MINUS SIGN
        ("1.234.567", D("1234567")),  # only thousands dots: Danish integer
        ("1234.56", D("1234.56")),  # not a thousands pattern: decimal point
        ("0,5", D("0.5")),
        ("  42  ", D("42")),
    ],
)
def test_amount_forms(text: str, expected: Decimal) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    "text, decimal, expected",
    [
        ("1.234", None, D("1234")),
        ("1.234", ".", D("1.234")),
        ("1,234", None, D("1.234")),
        ("1,234", ".", D("1234")),
        ("1,234", "comma", D("1.234")),
        ("1.234,5", "komma", D("1234.5")),
        ("1,234.5", "punktum", D("1234.5")),
    ],
)
def test_amount_decimal_override(text: str, decimal: str | None, expected: Decimal) -> None:
    assert parse_amount(text, decimal) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "1,2,3",
        "1.23.4",
        "12.34,5,6",
        "1.234,56",
        "(5-)",
        "-5-",
        "--5",
        "+-5",
        "()",
        ",5",
        "5,",
        "1e5",
        "NaN",
        "Infinity",
    ],
)
def test_amount_rejects(text: str) -> None:
    decimal = "." if text == "1.234,56" else None  # inconsistent with the forced separator
    with pytest.raises(ParseError) as info:
        parse_amount(text, decimal)  # type: ignore[arg-type]
    assert info.value.kind == "amount"


def test_amount_numbers_pass_through_exactly() -> None:
    assert parse_amount(42) == D(42)
    assert parse_amount(1234.56) == D("1234.56")
    assert parse_amount(D("-0.01")) == D("-0.01")
    assert parse_amount(0.1 + 0.2) == D("0.3")  # a formula cell, at Excel's 15 digits
    for bad in (float("nan"), float("inf"), D("NaN"), D("sNaN"), True, None):
        with pytest.raises(ParseError):
            parse_amount(bad)


def test_bad_decimal_separator_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        parse_amount("1,5", ";")  # type: ignore[arg-type]
    with pytest.raises(ParseError):
        check_decimal_separator("x")
    assert check_decimal_separator(" . ") == "."


money = st.decimals(
    min_value=D("-999999999999.99"), max_value=D("999999999999.99"), places=2, allow_nan=False, allow_infinity=False
)


@settings(deadline=None)  # no timing in unit tests: the machine may be busy
@given(amount=money, style=st.sampled_from(AMOUNT_STYLES))
@example(amount=D("-0.01"), style="trailing")
@example(amount=D("1234.00"), style="intl")
def test_amount_round_trips_every_form(amount: Decimal, style: str) -> None:
    text = fmt_amount(amount, style)
    decimal = "." if style.startswith("intl") else ","
    # With the separator given, every form reads back exactly.
    assert parse_amount(text, decimal) == amount  # type: ignore[arg-type]
    # Without it, every form reads back too, except that an international amount with
    # exactly three decimals would be ambiguous; two-decimal amounts never are.
    assert parse_amount(text) == amount


@settings(deadline=None)
@given(st.text(max_size=30), st.sampled_from([None, ",", ".", "x", ""]))
@example("1.234,56--", None)
@example("٣", None)
@example("(((1)))", None)
def test_amount_raises_only_parse_errors(text: str, decimal: str | None) -> None:
    try:
        result = parse_amount(text, decimal)  # type: ignore[arg-type]
    except ParseError:
        return
    assert isinstance(result, Decimal) and result.is_finite()


@settings(deadline=None)
@given(st.one_of(st.integers(), st.floats(), st.decimals(), st.booleans(), st.none(), st.dates()))
def test_amount_of_any_cell_value_raises_only_parse_errors(value: object) -> None:
    try:
        parse_amount(value)
    except ParseError:
        pass


def test_format_amount_danish() -> None:
    assert format_amount_danish(D("-1234.5")) == "-1.234,50"
    assert format_amount_danish(D("-1234.5"), trailing_minus=True) == "1.234,50-"
    assert parse_amount(format_amount_danish(D("987654.32"), trailing_minus=True)) == D("987654.32")


# --- debit/credit ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, sign", [("S", 1), ("h", -1), ("D", 1), ("K", -1), ("Debet", 1), (" kredit ", -1), ("Soll", 1), ("Haben", -1)]
)
def test_debit_credit(text: str, sign: int) -> None:
    assert parse_debit_credit(text) == sign


@settings(deadline=None)
@given(st.one_of(st.text(max_size=10), st.integers(), st.none()))
def test_debit_credit_raises_only_parse_errors(value: object) -> None:
    try:
        assert parse_debit_credit(value) in (1, -1)
    except ParseError as exc:
        assert exc.kind == "debit/credit indicator"


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("31.12.2025", dt.date(2025, 12, 31)),
        ("1.2.2025", dt.date(2025, 2, 1)),
        ("31-12-2025", dt.date(2025, 12, 31)),
        ("31/12/2025", dt.date(2025, 12, 31)),
        ("2025-12-31", dt.date(2025, 12, 31)),
        ("2025-12-31 00:00:00", dt.date(2025, 12, 31)),
        ("2025-12-31T13:45", dt.date(2025, 12, 31)),
        ("31.12.2025 08.15", dt.date(2025, 12, 31)),
        ("31122025", dt.date(2025, 12, 31)),
        ("20251231", dt.date(2025, 12, 31)),
        ("19121912", dt.date(1912, 12, 19)),  # yyyymmdd impossible (month 19): ddmmyyyy
        ("45658", dt.date(2025, 1, 1)),
        (45658, dt.date(2025, 1, 1)),
        (45658.75, dt.date(2025, 1, 1)),
        (D("45658"), dt.date(2025, 1, 1)),
        (1, dt.date(1900, 1, 1)),
        (59, dt.date(1900, 2, 28)),
        (61, dt.date(1900, 3, 1)),
        (dt.datetime(2025, 3, 4, 12, 0), dt.date(2025, 3, 4)),
        (dt.date(2025, 3, 4), dt.date(2025, 3, 4)),
    ],
)
def test_date_forms(value: object, expected: dt.date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "2025",
        "1234",
        "31.02.2025",
        "2025-13-01",
        "00000000",
        "²²²²²²²²",
        "١٢٣٤٥",
        "12.2025",
        "31.12.25",
        60,
        0,
        -5,
        1e12,
        float("nan"),
        D("sNaN"),
        True,
        None,
    ],
)
def test_date_rejects(value: object) -> None:
    with pytest.raises(ParseError) as info:
        parse_date(value)
    assert info.value.kind == "date"


# Years 1900-2199: where yyyymmdd and ddmmyyyy cannot be confused; serials start at 1900-03-01.
dates = st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2199, 12, 31))


@settings(deadline=None)
@given(day=dates, style=st.sampled_from(DATE_STYLES))
@example(day=dt.date(2012, 12, 20), style="yyyymmdd")
@example(day=dt.date(2012, 12, 20), style="ddmmyyyy")
def test_date_round_trips_every_form(day: dt.date, style: str) -> None:
    text = fmt_date(day, style)
    if style == "serial" and len(text) != 5:
        # As text, only five-digit serials (1927-2173) are dates; as numbers, every serial is.
        assert parse_date(int(text)) == day
        return
    assert parse_date(text) == day


@settings(deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_excel_serial_round_trip(day: dt.date) -> None:
    assert excel_serial_to_date(date_to_excel_serial(day)) == day


@settings(deadline=None)
@given(st.text(max_size=20))
@example("99999999")
@example("2025-02-30")
def test_date_raises_only_parse_errors(text: str) -> None:
    try:
        assert isinstance(parse_date(text), dt.date)
    except ParseError:
        pass


@settings(deadline=None)
@given(st.one_of(st.integers(), st.floats(), st.decimals(), st.booleans(), st.none()))
def test_date_of_any_number_raises_only_parse_errors(value: object) -> None:
    try:
        assert isinstance(parse_date(value), dt.date)
    except ParseError:
        pass


def test_clean_text() -> None:
    assert clean_text("  x ") == "x"
    assert clean_text("   ") is None
    assert clean_text(101601235.0) == "101601235"
    assert clean_text(None) is None
