"""The masking filter at the sink (siu.base.masking): what it masks, what it leaves, and the stream."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siu.base.masking import (
    SinkStream,
    could_be_cpr,
    escape_controls,
    mask_cell,
    mask_number,
    mask_text,
    neutralise_stream,
    sheet_title,
)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("0101601235", "010160-xxxx"),
        ("010160-1235", "010160-xxxx"),
        ("010160 - 1235", "010160-xxxx"),
        ("010160\u20131235", "010160-xxxx"),
        ("01.01.60-1235", "010160-xxxx"),
        ("05057512345", "050575-xxxxx"),  # SIU102's malformed CPR, one digit too many
        ("050575-12345", "050575-xxxxx"),
        ("505751234", "50575-xxxx"),  # a spreadsheet dropped the leading zero
        ("50575-1234", "50575-xxxx"),
        ("10101601235", "101016-xxxxx"),  # glued to a neighbouring digit
        ("0505751234x", "050575-xxxxx"),
        ("Ophold0101601235slut", "Ophold010160-xxxxslut"),
        ("ref 99990101601235999", "ref 999901-xxxxxxxxxxx"),  # inside a longer digit run
        (
            "\uff10\uff11\uff10\uff11\uff16\uff10\uff11\uff12\uff13\uff15",
            "\uff10\uff11\uff10\uff11\uff16\uff10-xxxx",
        ),  # full-width
    ],
)
def test_what_could_be_a_cpr_is_masked(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "XG-5385010001-0001",  # a PSP element: readable, so `siu mapping check` can name it
        "53850100347",  # a kontostreng
        "1.234.567.890,12 kr.",
        "fra 01.01.2025 til 31.12.2025",
        "2025-01-01..2025-12-31",
        "SHA-256 " + "0123456789abcdef" * 4,
        "række 123456, kolonne CPR",
    ],
)
def test_accounts_amounts_dates_and_checksums_stay_readable(text):
    assert mask_text(text) == text


def test_could_be_cpr_needs_a_date():
    assert could_be_cpr("0101601235") and could_be_cpr("101601235") and could_be_cpr("1310601235999")
    assert not could_be_cpr("5385010001") and not could_be_cpr("99999999999") and not could_be_cpr("12345678")


def test_numbers_from_cells_are_masked_when_they_could_be_a_cpr():
    assert mask_number(101601235) == "10160-xxxx"
    assert mask_number(10101601235.0) == "101016-xxxxx"
    assert mask_number(5385010001) == 5385010001
    assert mask_number(42500.5) == 42500.5 and mask_number(True) is True and mask_number(float("inf")) == float("inf")
    assert mask_cell("a\x1b[2J 0101601235") == "a\\x1b[2J 010160-xxxx"


def test_control_characters_are_shown_escaped():
    assert escape_controls("a\x1b[2Jb\x07\u202e") == "a\\x1b[2Jb\\x07\\u202e"
    assert escape_controls("ok\n", keep_newlines=True) == "ok\n"
    # in the terminal stream, rich's own colours and line erasing pass; a screen clear does not
    assert neutralise_stream("\x1b[1mKLAR\x1b[0m\x1b[2J\x1bc") == "\x1b[1mKLAR\x1b[0m\\x1b[2J\\x1bc"


def test_sheet_titles_are_masked_before_they_are_cut():
    title = sheet_title("Input 1 abcdefghijklmnopq0101601235")
    assert title == "Input 1 abcdefghijklmnopq010160"  # the CPR's own four digits never reach the cut
    assert sheet_title("a[b]:c") == "a_b__c"


def test_the_stream_masks_a_number_split_over_two_writes():
    raw = io.StringIO()
    stream = SinkStream(raw)
    stream.write("CPR 010160")
    stream.write("-1235 slut\n")
    stream.flush()
    assert raw.getvalue() == "CPR 010160-xxxx slut\n"


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise io.UnsupportedOperation


def test_the_stream_drops_output_once_the_reader_is_gone():
    stream = SinkStream(_ClosedPipe())
    stream.write("linje 1\n")
    stream.write("linje 2\n")
    stream.flush()
    assert stream.broken


DIGITLESS = st.text(st.characters(blacklist_categories=("Nd", "Cs")), max_size=20)
CPRS = st.builds(
    lambda d, m, y, n: f"{d:02d}{m:02d}{y:02d}{n:04d}",
    st.integers(1, 31),
    st.integers(1, 12),
    st.integers(0, 99),
    st.integers(0, 9999),
)
FORMS = st.sampled_from(
    ["{a}{b}", "{a}-{b}", "{a} - {b}", "{a}\u2013{b}", "{d}.{m}.{y}-{b}", "{a} {b}", "{a}/{b}", "{lost}"]
)


@settings(max_examples=300, deadline=None)
@given(DIGITLESS, CPRS, FORMS, DIGITLESS)
def test_no_typed_form_of_a_cpr_survives(before, cpr, form, after):
    typed = form.format(
        a=cpr[:6], b=cpr[6:], d=cpr[:2], m=cpr[2:4], y=cpr[4:6], lost=cpr.lstrip("0") if cpr[0] == "0" else cpr
    )
    out = mask_text(before + typed + after)
    # the text around holds no digit, so whatever digits are left came from the CPR: at most its date
    assert len(re.sub(r"\D", "", out)) <= 6, out


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_masking_is_idempotent_and_leaves_no_control_character(text):
    once = mask_text(text)
    assert mask_text(once) == once
    assert not re.search(r"[\x00-\x1f\x7f-\x9f]", escape_controls(text))


def test_logging_and_warnings_on_stderr_pass_the_filter():
    import subprocess
    import sys

    code = (
        "import logging, warnings; from siu.base.masking import install_streams; install_streams();"
        "logging.warning('CPR 0101601235 i en log'); warnings.warn('tal 505751234 i en advarsel')"
    )
    err = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stderr
    assert "010160-xxxx" in err and "50575-xxxx" in err
    assert "0101601235" not in err and "505751234" not in err


def test_a_typed_cpr_glued_to_digits_before_it_is_masked():
    """Found by the long fuzzing run: a dashed near-CPR (050575-12345) glued to the digits of an
    amount before it reached SIU201's message in full. Account codes stay readable."""
    assert mask_text("PSP 12.345.678.901.234,56050575-12345") == "PSP 12.345.678.901.234,56050575-xxxxx"
    assert mask_text("ab 99050575-1234 cd") == "ab 99050575-xxxx cd"
    assert mask_text("XG-5385010001-0001") == "XG-5385010001-0001"  # 010001 is no date: a PSP element


def test_a_typed_cpr_glued_to_digits_after_it_is_masked():
    """Found by the long fuzzing run (seed 3, opus case 9066): a posting date cell
    '050575-123450505751234x' was quoted as '050575-123450-xxxxxxxxxx', the CPR's first ten
    digits in full. A dated six, a separator and any longer run of digits is masked whole."""
    assert mask_text("050575-123450505751234x") == "050575-" + "x" * 15 + "x"  # 15 digits, then the cell's x
    assert mask_text("dato 050575-123456789 i") == "dato 050575-xxxxxxxxx i"
    assert mask_text("…56050575-123456789") == "…56050575-xxxxxxxxx"
    assert mask_text("538501-1234567") == "538501-1234567"  # 5385 is no day and month: an account
    assert mask_text("Bilag 2025-000123") == "Bilag 2025-000123"


@given(st.text(alphabet="[]\\/ab#@ ", max_size=40))
def test_data_escaped_for_the_console_shows_as_it_is_even_before_markup(text):
    from rich.markup import render

    from siu.base.masking import escape_markup

    assert render(escape_markup(text) + "[bold]z[/]").plain == text + "z"


def test_escaping_a_long_cell_for_the_console_is_linear():
    """Found by the long fuzzing run: rich.markup.escape took 35 s on a fuzzed cell quoted in a
    message; siu's own escape is one split and join."""
    import time

    from siu.base.masking import console_text

    text = "[a" * 100_000 + "\\" * 100_000
    began = time.process_time()
    console_text(text)
    assert time.process_time() - began < 2  # rich's escape: minutes at this size
