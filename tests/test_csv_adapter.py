"""The generic CSV/spreadsheet adapter (`--source csv`) and its column map, with the worked example
in docs/examples/csv-regneark run exactly as the documentation tells a user to run it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siu.adapters import ReadInfo, ReadOptions
from siu.models import Finding, Posting, Severity
from siu_csv import FIELDS, MAX_SNIFF, CsvSource, column_map_problems
from siu_opus import OpusSource

EXAMPLE = Path(__file__).parents[1] / "docs" / "examples" / "csv-regneark"
EPOCH = "1768435200"  # the creation time the example's expected delivery carries (README.md)
COLUMNS = {
    "cpr": "Personnummer",
    "kontostreng": "Konto",
    "start": "Ophold fra",
    "end": "Ophold til",
    "amount": "Beløb kr.",
    "text": "Bemærkning",
}


def _read(path: Path, columns: dict | str | None, **options) -> tuple[list[Posting], list[Finding], ReadInfo]:
    """The postings, the warnings and errors, and the read info of one file."""
    info = ReadInfo()
    opts = ReadOptions(settings={"columns": columns} if columns is not None else {}, **options)
    items = list(CsvSource().read(path, opts, info))
    # info findings (e.g. "no period columns") are notes, not problems with the map
    problems = [i for i in items if isinstance(i, Finding) and i.severity != Severity.INFO]
    return [i for i in items if isinstance(i, Posting)], problems, info


# --- the worked example ----------------------------------------------------------------------


def _example_args(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "convert",
        "--source",
        "csv",
        str(EXAMPLE / "opholdsliste.csv"),
        "--columns",
        str(EXAMPLE / "kolonner.toml"),
        "--config",
        str(EXAMPLE / "siu.toml"),
        "--out",
        str(tmp_path / "ud"),
        *extra,
    ]


def test_worked_example_gives_the_expected_delivery(siu, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    run = siu(*_example_args(tmp_path))
    assert run.exit_code == 0, run.output
    written = tmp_path / "ud" / "SIU_101_2025_voksen.xml"
    assert written.read_bytes() == (EXAMPLE / "forventet" / "SIU_101_2025_voksen.xml").read_bytes()
    assert "2 rækker i opholdsliste.csv blev sprunget over (1 tom række, 1 sumlinje)" in run.stdout
    assert "Pengene stemmer" in run.stdout


def test_worked_example_map_in_siu_toml_and_as_xlsx_gives_the_same_delivery(siu, tmp_path, monkeypatch):
    """The same column map in siu.toml, and the same sheet saved as .xlsx with real dates and
    numbers, give the same bytes as the CSV with --columns."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    config = tmp_path / "siu.toml"
    config.write_text(
        (EXAMPLE / "siu.toml").read_text(encoding="utf-8")
        + "\n[source.csv.columns]\n"
        + "".join(f'{k} = "{v}"\n' for k, v in COLUMNS.items()),
        encoding="utf-8",
    )
    workbook = tmp_path / "opholdsliste.xlsx"
    _example_as_xlsx(workbook)
    run = siu("convert", "--source", "csv", str(workbook), "--config", str(config), "--out", str(tmp_path / "ud"))
    assert run.exit_code == 0, run.output
    assert (tmp_path / "ud" / "SIU_101_2025_voksen.xml").read_bytes() == (
        EXAMPLE / "forventet" / "SIU_101_2025_voksen.xml"
    ).read_bytes()


def _example_as_xlsx(path: Path) -> None:
    """The example's CSV as a user's spreadsheet: dates as dates, amounts as numbers, CPR as text."""
    import csv

    wb = openpyxl.Workbook()
    ws = wb.active
    with (EXAMPLE / "opholdsliste.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter=";"):
            cells: list = []
            for text in row:
                if len(text) == 10 and text[2] == "." and text[5] == ".":
                    cells.append(dt.datetime.strptime(text, "%d.%m.%Y"))
                elif text and text.replace(".", "").replace(",", "").lstrip("-").isdigit() and "," in text:
                    cells.append(float(text.replace(".", "").replace(",", ".")))
                else:
                    cells.append(text or None)
            ws.append(cells)
    wb.save(path)


# --- the column map --------------------------------------------------------------------------


def _sheet(tmp_path: Path, text: str, name: str = "liste.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_only_mapped_columns_are_read(tmp_path):
    path = _sheet(tmp_path, "Navn;CPR-nr;Kroner;Fra;Til;Tekst\nA;0101601235;10,00;01.01.2025;31.01.2025;hej\n")
    postings, findings, _ = _read(path, {"cpr": "CPR-nr", "amount": "Kroner", "start": "Fra", "end": "Til"})
    assert findings == []
    [p] = postings
    assert (p.cpr, p.amount, p.start, p.end, p.text) == (
        "0101601235",
        Decimal("10.00"),
        dt.date(2025, 1, 1),
        dt.date(2025, 1, 31),
        None,
    )
    assert p.columns["amount"] == "Kroner", "findings point at the user's own header"


def test_a_field_may_name_several_headers(tmp_path):
    path = _sheet(tmp_path, "Personnr;Beløb i alt\n0101601235;5\n")
    postings, findings, _ = _read(path, {"cpr": ["CPR", "Personnr"], "amount": ["Beløb", "Beløb i alt"]})
    assert findings == [] and postings[0].amount == 5


def test_a_mapped_column_the_file_lacks_is_an_error(tmp_path):
    path = _sheet(tmp_path, "CPR;Beløb\n0101601235;5\n")
    postings, findings, _ = _read(path, {"cpr": "CPR", "amount": "Beløb", "start": "Startdato"})
    assert postings == []
    [f] = findings
    assert f.code == "SIU005" and "Startdato" in f.message_da and "start" in f.message_en


def test_required_fields_the_map_leaves_out_are_found_by_their_usual_names(tmp_path):
    path = _sheet(tmp_path, "CPR-nr;Beløb;Konto\n0101601235;5;53850100140\n")
    postings, findings, _ = _read(path, {"kontostreng": "Konto"})
    assert findings == [] and postings[0].cpr == "0101601235" and postings[0].dims == {"kontostreng": "53850100140"}


@pytest.mark.parametrize(
    ("columns", "needle"),
    [
        ({"cpr": "CPR", "belob": "Beløb"}, "belob"),
        ({"cpr": "CPR", "amount": 5}, "amount"),
        ({"cpr": []}, "cpr"),
        ("CPR", "tabel"),
        ({"cpr": "CPR", "start": "Dato", "end": "dato"}, "både start og end"),
    ],
)
def test_an_invalid_column_map_is_reported_and_nothing_is_read(tmp_path, columns, needle):
    path = _sheet(tmp_path, "CPR;Beløb\n0101601235;5\n")
    postings, findings, info = _read(path, columns)
    assert postings == [] and info.rows_read == 0
    [f] = findings
    assert f.code == "SIU601" and needle in f.message_da


def test_column_map_fields_are_what_the_reader_fills():
    assert column_map_problems({name: f"Kolonne {i}" for i, name in enumerate(FIELDS)}) == []
    assert "cpr" in FIELDS and "amount" in FIELDS and "document_date" not in FIELDS


def test_columns_file_errors_are_usage_errors(siu, tmp_path):
    sheet = _sheet(tmp_path, "CPR;Beløb\n0101601235;5\n")
    run = siu(
        "validate", "--source", "csv", str(sheet), "--columns", str(tmp_path / "nope.toml"), "-k", "101", "-y", "2025"
    )
    assert run.exit_code == 2 and "Kolonnekortet findes ikke" in run.output
    bad = tmp_path / "bad.toml"
    bad.write_text('cpr = "CPR"\n', encoding="utf-8")
    run = siu(
        "validate", "--source", "csv", str(sheet), "--columns", str(bad), "-k", "101", "-y", "2025", "--lang", "en"
    )
    assert run.exit_code == 2 and "[columns]" in run.output
    assert run.exception is None
    run = siu("validate", "--source", "opus", str(sheet), "--columns", str(bad), "-k", "101", "-y", "2025")
    assert run.exit_code == 2 and "--columns gælder input læst med --source csv" in run.output


def test_the_generic_adapter_never_wins_detection(tmp_path):
    opus_like = _sheet(
        tmp_path,
        "Bilagsnr;PSP-element;Artskonto;CPR-nr;Beløb;Periode fra;Periode "
        "til\n1;XG-1;40110000;0101601235;5;01.01.2025;31.01.2025\n",
    )
    assert CsvSource().sniff(opus_like).confidence <= MAX_SNIFF < OpusSource().sniff(opus_like).confidence


# --- values, property-based ------------------------------------------------------------------


def _danish(amount: Decimal, style: int) -> str:
    sign = "-" if amount < 0 else ""
    whole, frac = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return [f"{sign}{grouped},{frac}", f"{grouped},{frac}{sign}", f"{sign}{whole},{frac}"][style]


_row = st.tuples(
    st.from_regex(r"\A[0-9]{10}\Z"),
    st.decimals(min_value=Decimal("-999999999.99"), max_value=Decimal("999999999.99"), places=2),
    st.integers(0, 2),
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31)),
    st.sampled_from(["%d.%m.%Y", "%Y-%m-%d", "%d-%m-%Y"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, min_size=1, max_size=20), order=st.permutations(["Navn", "CPR", "Udgift", "Fra", "Til"]))
def test_any_column_order_and_danish_formats_read_back(tmp_path_factory, rows, order):
    lines = [";".join(order)]
    for cpr, amount, style, day, fmt in rows:
        values = {
            "Navn": "x",
            "CPR": cpr,
            "Udgift": _danish(amount, style),
            "Fra": day.strftime(fmt),
            "Til": day.strftime("%d.%m.%Y"),
        }
        lines.append(";".join(values[h] for h in order))
    path = tmp_path_factory.mktemp("csv") / "in.csv"
    path.write_text("\n".join(lines) + "\n", encoding="cp1252")
    postings, findings, _ = _read(path, {"cpr": "CPR", "amount": "Udgift", "start": "Fra", "end": "Til"})
    assert findings == []
    assert [(p.cpr, p.amount, p.start, p.end, p.location.row) for p in postings] == [
        (cpr, amount, day, day, i) for i, (cpr, amount, _, day, _) in enumerate(rows, start=2)
    ]


def test_example_folder_is_complete():
    for name in ("README.md", "opholdsliste.csv", "kolonner.toml", "siu.toml", "forventet/SIU_101_2025_voksen.xml"):
        assert (EXAMPLE / name).is_file(), name


def test_how_to_read_the_file_may_live_beside_the_map(tmp_path):
    path = tmp_path / "udtraek.txt"
    path.write_text("CPR|Beløb\n0101601235|1,234.50\n", encoding="cp1252")
    columns = {"cpr": "CPR", "amount": "Beløb"}
    postings, findings, info = _read_settings(
        path, {"columns": columns, "delimiter": "|", "decimal": ".", "encoding": "cp1252"}
    )
    assert findings == [] and postings[0].amount == Decimal("1234.50")
    assert info.details["delimiter"].startswith("|") and info.details["encoding"].startswith("cp1252")
    postings, findings, _ = _read_settings(path, {"columns": columns, "delimiter": 5})
    assert postings == [] and [f.code for f in findings] == ["SIU601"]
    workbook = tmp_path / "ark.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["intet her"])
    data = wb.create_sheet("Data")
    data.append(["CPR", "Beløb"])
    data.append(["0101601235", 7])
    wb.save(workbook)
    postings, findings, info = _read_settings(workbook, {"columns": columns, "sheet": "Data"})
    assert findings == [] and postings[0].location.sheet == "Data" and postings[0].location.row == 2


def _read_settings(path: Path, settings: dict) -> tuple[list[Posting], list[Finding], ReadInfo]:
    info = ReadInfo()
    items = list(CsvSource().read(path, ReadOptions(settings=settings), info))
    problems = [i for i in items if isinstance(i, Finding) and i.severity != Severity.INFO]
    return [i for i in items if isinstance(i, Posting)], problems, info
