"""No guess as a fact, in reading: a CPR cell is never trimmed to fit, and a period taken from
the posting month is a warning that names its lines and money."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from exports import Export, read_back, write_sap_mapping
from siu.parsing import clean_text
from siu.tabular import cpr_from_cell


def _file(tmp_path: Path, text: str, source: str = "sap", name: str = "own.txt") -> Export:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return Export(path=path, source=source, layout="own", lines=[], rows=[])


# --- CPR cells -------------------------------------------------------------------------------


def test_a_cpr_joined_to_a_letter_is_read_whole(tmp_path: Path) -> None:
    export = _file(
        tmp_path,
        "Bilagsnr;CPR-nr;PSP-element;Artskonto;Beløb;Periode fra;Periode til\n"
        "1;0505751234x;XG-5385010001-0001;40110000;100,00;01.01.2025;31.01.2025\n"
        "2;x0505751234;XG-5385010001-0001;40110000;100,00;01.01.2025;31.01.2025\n"
        "3;Ophold 050575-1234;XG-5385010001-0001;40110000;100,00;01.01.2025;31.01.2025\n"
        "4;050575-1234;XG-5385010001-0001;40110000;100,00;01.01.2025;31.01.2025\n"
        "5; 050575 1234 ;XG-5385010001-0001;40110000;100,00;01.01.2025;31.01.2025\n",
        source="opus",
        name="opus.csv",
    )
    result = read_back(export)
    # a proper CPR column holds the number alone: text around it is never cut away
    assert [p.cpr for p in result.postings] == ["0505751234x", "x0505751234", "Ophold 050575-1234", "050575-1234", "050575 1234"]
    assert "SIU027" not in result.codes()


def test_an_assignment_field_gives_a_cpr_standing_as_a_word_and_says_so(tmp_path: Path) -> None:
    export = _file(
        tmp_path,
        "Tildeling;Finanskonto;Beløb i lokal valuta;Bogf.dato\n"
        "0505751234x;40110000;100,00;15.01.2025\n"
        "Ophold 050575-1234;40110000;100,00;15.01.2025\n"
        "050575-1234/jan;40110000;100,00;15.01.2025\n"
        "050575-1234 og 060675-1234;40110000;100,00;15.01.2025\n"
        "A050575-1234;40110000;100,00;15.01.2025\n"
        "050575-1234;40110000;100,00;15.01.2025\n",
    )
    result = read_back(export, period="posting_month")
    assert [p.cpr for p in result.postings] == [
        "0505751234x", "050575-1234", "050575-1234", "050575-1234 og 060675-1234", "A050575-1234", "050575-1234",
    ]
    (note,) = [f for f in result.findings if f.code == "SIU027"]
    assert note.severity.value == "info" and (note.location.row, note.location.column) == (3, "Tildeling")
    assert "2 linjer" in note.message_da and "2 lines" in note.message_en


def test_a_trimmed_cpr_is_an_error_in_the_report(tmp_path: Path, siu: Callable[..., object]) -> None:
    export = _file(tmp_path, "Tildeling;Finanskonto;Omk.sted;Beløb i lokal valuta;Bogf.dato\n0505751234x;40110000;5385010001;100,00;15.01.2025\n")
    config = tmp_path / "siu.toml"
    write_sap_mapping(tmp_path, art_from_gl=True)
    config.write_text('mapping = "sap-mapping.toml"\n[source.sap]\nperiod = "posting_month"\n', encoding="utf-8")
    run = siu("validate", export.path, "--source", "sap", "--kommune", "101", "--year", "2025")
    assert run.exit_code == 1 and "SIU102" in run.output
    assert "0505751234" not in run.output  # masked, as every CPR in a message


_CPR_WORD = re.compile(r"\d{6}[- ]?\d{4}")


@given(st.text(alphabet="0123456789- xA/.", max_size=30))
def test_a_proper_cpr_column_is_never_trimmed(text: str) -> None:
    assert cpr_from_cell(text, in_text=False) == clean_text(text)


@given(st.text(alphabet="0123456789- xAæ_/.", max_size=30))
def test_text_is_cut_only_around_a_whole_word(text: str) -> None:
    out = cpr_from_cell(text)
    clean = clean_text(text)
    if out == clean:
        return
    assert out is not None and clean is not None and _CPR_WORD.fullmatch(out)
    at = clean.index(out)
    before, after = clean[at - 1 : at], clean[at + len(out) : at + len(out) + 1]
    assert not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_")


# --- periods from the posting month ------------------------------------------------------------

_LEDGER = (
    "Tildeling;Finanskonto;Beløb i lokal valuta;Bogf.dato;Tekst\n"
    "0101601235;40110000;1.000,00;03.02.2025;Ophold jan 2025\n"
    "0101601235;40110000;2.500,50;03.03.2025;Ophold feb 2025\n"
    "0101601235;77100000;400,00-;05.03.2025;Refusion feb 2025\n"
)


def test_posting_month_periods_are_a_warning_with_lines_and_money(tmp_path: Path) -> None:
    result = read_back(_file(tmp_path, _LEDGER), period="posting_month")
    (warning,) = [f for f in result.findings if f.code == "SIU028"]
    assert warning.severity.value == "warning" and warning.location.row is None
    assert "3 linjer" in warning.message_da and "3.500,50" in warning.message_da and "-400,00" in warning.message_da
    assert "3 lines" in warning.message_en and "3.500,50" in warning.message_en
    assert "SIU022" not in result.codes()  # one summary finding, not an info beside it
    assert [(p.start.month, p.period_derived) for p in result.postings] == [(2, "posting_month"), (3, "posting_month"), (3, "posting_month")]


def test_the_month_in_the_text_stays_info(tmp_path: Path) -> None:
    result = read_back(_file(tmp_path, _LEDGER), period="text_month")
    assert "SIU028" not in result.codes()
    (info,) = [f for f in result.findings if f.code == "SIU022"]
    assert info.severity.value == "info"


def test_posting_month_periods_fail_a_strict_run(tmp_path: Path, siu: Callable[..., object]) -> None:
    export = _file(tmp_path, _LEDGER.replace("Finanskonto", "Omk.sted;Finanskonto").replace(";4011", ";5385010001;4011").replace(";7710", ";5385010001;7710"))
    write_sap_mapping(tmp_path, art_from_gl=True)
    (tmp_path / "siu.toml").write_text('mapping = "sap-mapping.toml"\n[source.sap]\nperiod = "posting_month"\n', encoding="utf-8")
    args = ("validate", export.path, "--source", "sap", "--kommune", "101", "--year", "2025")
    first = siu(*args)
    assert first.exit_code == 0, first.output
    strict = siu(*args, "--strict")
    assert strict.exit_code == 1 and "SIU028" in strict.output
