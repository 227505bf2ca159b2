"""Reading tables: encodings, delimiters, row numbers, header matching (siu.tables)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from openpyxl import Workbook

from siu.tables import (
    HeaderMatcher,
    MissingColumns,
    TableError,
    check_delimiter,
    detect_delimiter,
    detect_encoding,
    first_rows,
    normalise_header,
    open_table,
)
from siu_opus import ALIASES as OPUS_ALIASES
from siu_sap import ALIASES as SAP_ALIASES

# --- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, expected",
    [
        (codecs.BOM_UTF8 + "Beløb;CPR\n".encode(), "utf-8-sig"),
        ("Beløb;CPR\n".encode(), "utf-8"),
        (b"Belob;CPR\n", "utf-8"),  # plain ASCII reads the same in every candidate
        ("Beløb;CPR;Støtte –\n".encode("cp1252"), "cp1252"),
        ("Beløb;Åse\n".encode("iso-8859-1") + b"\x81", "iso-8859-1"),  # 0x81 is undefined in cp1252
        ("ø".encode() * 10 + "ø".encode()[:1], "utf-8"),  # a sample cut inside a character
    ],
)
def test_detect_encoding(data: bytes, expected: str) -> None:
    assert detect_encoding(data) == expected


def _rows(path: Path, **kw: object) -> list[tuple[int, list[object]]]:
    _, rows = open_table(path, **kw)  # type: ignore[arg-type]
    return list(rows)


def test_encoding_checked_past_the_sample(tmp_path: Path) -> None:
    # ASCII for the first 256 KiB, then a cp1252 'ø': the whole file is cp1252.
    path = tmp_path / "late.csv"
    path.write_bytes(b"CPR;Tekst\n" + b"0101601234;abc\n" * 20000 + "0101601234;Støtte\n".encode("cp1252"))
    info, rows = open_table(path)
    assert info.encoding == "cp1252" and info.encoding_detected
    assert list(rows)[-1][1] == ["0101601234", "Støtte"]


def test_encoding_and_delimiter_overrides_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("a|b\nø|å\n".encode("iso-8859-1"))
    info, rows = open_table(path, encoding="latin-1", delimiter="pipe")
    assert (info.encoding, info.encoding_detected, info.delimiter, info.delimiter_detected) == (
        "iso8859-1",
        False,
        "|",
        False,
    )
    assert info.describe()["encoding"].endswith("(valgt)") and info.describe()["delimiter"] == "| (valgt)"
    assert list(rows)[1][1] == ["ø", "å"]
    with pytest.raises(TableError) as bad:
        open_table(path, encoding="klingon")
    assert bad.value.code == "SIU003"


def test_wrong_encoding_override_is_a_table_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("CPR;Tekst\n1;Støtte\n".encode("cp1252"))
    _, rows = open_table(path, encoding="utf-8")
    with pytest.raises(TableError) as info:
        list(rows)
    assert info.value.code == "SIU003" and "--encoding" in info.value.message_da


# --- delimiters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sample, expected",
    [
        ("CPR;Beløb;Tekst\n0101601234;1.234,56;a\n0101601234;12,00;b\n", ";"),
        ("CPR\tBeløb\tTekst\n0101601234\t1.234,56\ta, b\n0101601234\t12,00\tc, d\n", "\t"),
        ("CPR,Amount,Text\n0101601234,1234.56,a\n0101601234,12.00,b\n", ","),
        ('CPR,Amount,Text\n0101601234,"1,234.56","a; b"\n0101601234,12.00,c\n', ","),
        ("|CPR       |Beløb     |\n|----------|----------|\n|0101601234|  1.234,56|\n|0101601234|     12,00|\n", "|"),
        # ALV title lines above the header do not disturb the count.
        ("Kontoudtog\nDato 15.01.2026\n\nCPR;Beløb;Tekst\n1;2,00;a\n1;3,00;b\n", ";"),
        # Every line has one comma (the decimal) and one semicolon: a Danish file, so ';'.
        ("CPR;Beløb\n1;2,00\n1;3,00\n", ";"),
        ("", ";"),
    ],
)
def test_detect_delimiter(sample: str, expected: str) -> None:
    assert detect_delimiter(sample) == expected


def test_check_delimiter() -> None:
    assert check_delimiter("tab") == "\t" and check_delimiter("\\t") == "\t" and check_delimiter(";") == ";"
    with pytest.raises(TableError):
        check_delimiter(";;")


# --- rows as the user sees them ------------------------------------------------------------


def test_csv_row_numbers_are_editor_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b'CPR;Tekst\r\n1;"two\r\nlines; here"\r\n\r\n2;b\r\n')
    rows = _rows(path)
    assert rows == [(1, ["CPR", "Tekst"]), (2, ["1", "two\r\nlines; here"]), (4, []), (5, ["2", "b"])]


def test_xlsx_rows_are_excel_rows_and_gaps_are_blank_rows(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Titel"])
    ws.append([])
    ws.append(["CPR", "Beløb"])
    ws.append(["0101601234", 12.5])
    ws.append([])
    ws.append(["0101601234", 3])
    wb.create_sheet("Andet").append(["x"])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    info, rows = open_table(path)
    assert info.format == "xlsx" and info.sheet == "Sheet"
    assert [(n, [c for c in cells if c is not None]) for n, cells in rows] == [
        (1, ["Titel"]),
        (2, []),
        (3, ["CPR", "Beløb"]),
        (4, ["0101601234", 12.5]),
        (5, []),
        (6, ["0101601234", 3]),
    ]
    assert _rows(path, sheet="Andet") == [(1, ["x"])]
    with pytest.raises(TableError) as info_missing:
        open_table(path, sheet="Nope")
    assert info_missing.value.code == "SIU004" and "Andet" in info_missing.value.message_da


@pytest.mark.parametrize(
    "name, data, code",
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "SIU002"),
        ("book.csv", b"PK\x03\x04rest", "SIU002"),
        ("utf16.csv", "CPR;Beløb".encode("utf-16"), "SIU002"),
    ],
)
def test_files_that_are_not_text_tables(tmp_path: Path, name: str, data: bytes, code: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(TableError) as info:
        open_table(path)
    assert info.value.code == code
    assert first_rows(path) == []


def test_text_saved_as_xls_is_read_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "fbl3n.xls"  # SAP GUI's "spreadsheet" export is tab-separated text
    path.write_bytes("Tildeling\tBeløb\r\n0101601234\t1.234,56-\r\n".encode("cp1252"))
    info, rows = open_table(path)
    assert (info.format, info.delimiter) == ("csv", "\t")
    assert list(rows)[1] == (2, ["0101601234", "1.234,56-"])


def test_missing_file_and_folder(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.csv", tmp_path):
        with pytest.raises(TableError) as info:
            open_table(path)
        assert info.value.code == "SIU001"


# --- header matching -------------------------------------------------------------------------

ALIASES = {
    "cpr": ["CPR", "CPR-nr", "Tildeling"],
    "amount": ["Beløb", "DMSHB"],
    "start": ["Periode fra"],
    "text": ["Tekst"],
}


def test_normalise_header() -> None:
    assert normalise_header(" Beløb i DKK ") == normalise_header("BELOB I dkk") == "belobidkk"
    assert normalise_header("Bogf.-dato") == normalise_header("Bogf. dato") == "bogfdato"
    assert normalise_header("Periode Fra") == normalise_header("periode_fra")
    assert normalise_header("Åse Ærø") == "aseaero"
    assert normalise_header(None) == ""


def test_headers_found_in_any_order_case_and_accents_ignored() -> None:
    matcher = HeaderMatcher(ALIASES, required=["cpr", "amount"])
    rows = iter(
        [
            (1, ["Rapport"]),
            (2, []),
            (3, ["Ekstra", "BELOB", "periode  FRA", "cpr-NR", "Tekst"]),
            (4, ["x", "1,00", "", "1", "t"]),
        ]
    )
    match, rest = matcher.find(rows)
    assert match.row == 3
    assert match.index == {"amount": 1, "start": 2, "cpr": 3, "text": 4}
    assert match.labels["amount"] == "BELOB"
    assert rest == [(4, ["x", "1,00", "", "1", "t"])]


def test_earlier_alias_beats_column_order() -> None:
    matcher = HeaderMatcher(ALIASES)
    assert matcher.match_row(["Tildeling", "CPR-nr", "Beløb"])["cpr"] == 1
    assert matcher.match_row(["CPR", "Tildeling"])["cpr"] == 0
    assert matcher.match_row(["DMSHB", "Beløb", "Beløb"])["amount"] == 1


def test_missing_columns_named_in_one_error_with_the_headers_found() -> None:
    matcher = HeaderMatcher(
        {
            "cpr": ["CPR", "CPR-nr"],
            "amount": ["Beløb"],
            "amount_unsigned": ["DMBTR"],
            "psp": ["PSP-element"],
            "text": ["Tekst"],
        },
        required=["cpr", "psp"],
        one_of=[["amount", "amount_unsigned"]],
    )
    with pytest.raises(MissingColumns) as info:
        matcher.find(iter([(1, ["Tekst", "Bilag", None, "Dato"]), (2, ["a", "b", "", "c"])]))
    exc = info.value
    assert exc.missing == ["CPR", "PSP-element", "Beløb / DMBTR"]
    assert exc.found == ["Tekst", "Bilag", "Dato"]
    for text in (exc.message_da, exc.message_en):
        assert "CPR" in text and "CPR-nr" in text and "PSP-element" in text and "Beløb / DMBTR" in text
        assert "Tekst, Bilag, Dato" in text
    with pytest.raises(MissingColumns) as empty:
        matcher.find(iter([]))
    assert "(ingen)" in empty.value.message_da


@pytest.mark.parametrize("aliases", [OPUS_ALIASES, SAP_ALIASES], ids=["opus", "sap"])
def test_no_header_means_two_fields(aliases: dict[str, list[str]]) -> None:
    owner: dict[str, str] = {}
    for name, names in aliases.items():
        for alias in names:
            key = normalise_header(alias)
            assert owner.setdefault(key, name) == name, f"{alias!r} means both {owner[key]} and {name}"
