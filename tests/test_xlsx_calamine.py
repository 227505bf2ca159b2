"""xlsx inputs read with python-calamine (and column-wise) against openpyxl's per-row reading (the
oracle, ``siu.read.xlsx_table.open_openpyxl``): the same rows, postings, findings, order and
ReadInfo for every xlsx layout of tests/exports.py and for generated messy workbooks."""

from __future__ import annotations

import datetime as dt
import tomllib
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import siu.read.xlsx_columns as xlsx_columns
from exports import generate, make_lines, opus_xlsx
from siu.adapters import ReadInfo, ReadOptions
from siu.host.plugins import load_plugins
from siu.models import Posting
from siu.read.xlsx_book import _calamine_date, is_date_format, read_book
from siu.read.xlsx_calamine import SheetRows
from siu.read.xlsx_guard import survey_sheet
from siu.read.xlsx_table import open_openpyxl, open_xlsx
from siu.tabular import TabularSource, read_scalar

SOURCES = load_plugins(no_plugins=True).sources


def _plain(item: Any) -> Any:
    """An item as both readings must give it. The batch schema keeps neither a row's raw cells nor
    how a period was derived; openpyxl also gives a header row's styled empty cells after the last
    header, calamine not (the headers are compared without trailing blanks)."""
    if not isinstance(item, Posting):
        return item
    headers = list(item.headers or [])
    while headers and not headers[-1]:
        headers.pop()
    return item.model_copy(update={"raw": None, "period_derived": None, "headers": headers})


def oracle(source: TabularSource, path: Path, options: ReadOptions, monkeypatch: pytest.MonkeyPatch) -> Any:
    """What siu read before python-calamine: openpyxl, one row at a time."""
    info = ReadInfo()
    with monkeypatch.context() as patch:
        patch.setattr("siu.tables.open_xlsx", open_openpyxl)
        items = [_plain(i) for i in read_scalar(source, path, options, info)]
    return items, info


def assert_same(
    source: TabularSource, path: Path, monkeypatch: pytest.MonkeyPatch, options: ReadOptions | None = None
) -> list[Any]:
    options = options or ReadOptions()
    info = ReadInfo()
    new = [_plain(i) for i in source.read(path, options, info)]
    old, old_info = oracle(source, path, options, monkeypatch)
    assert [type(i).__name__ for i in new] == [type(i).__name__ for i in old]
    for a, b in zip(new, old, strict=True):
        assert a == b
    assert info == old_info
    return new


def rows_of(opened: Any) -> list[tuple[int, list[Any]]]:
    out = []
    for number, cells in opened[1]:
        cells = list(cells)
        while cells and cells[-1] is None:
            cells.pop()
        out.append((number, cells))
    return out


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many sheets were read column-wise."""
    calls: list[int] = []
    original = xlsx_columns.read_sheet

    def counting(*args: Any) -> Any:
        calls.append(1)
        return original(*args)

    monkeypatch.setattr("siu.tabular.read_sheet", counting)
    return calls


@pytest.mark.parametrize(("source", "layout"), [("opus", "xlsx"), ("sap", "fbl3n_xlsx")])
def test_every_xlsx_export_layout_reads_as_openpyxl_did(tmp_path, monkeypatch, spy, source, layout):
    export = generate(source, layout, tmp_path, count=900, seed=11)
    items = assert_same(SOURCES[source], export.path, monkeypatch, ReadOptions(**export.read_options))
    assert sum(isinstance(i, Posting) for i in items) == 900
    # SAP's period, art and CPR are completed per posting (the tally), so its rows stay per row
    assert spy == ([1] if source == "opus" else [])
    opened = open_xlsx(export.path, None)
    assert isinstance(opened[1], SheetRows)
    assert rows_of(opened) == rows_of(open_openpyxl(export.path, None))


def test_an_opus_workbook_with_a_cover_sheet_reads_its_second_sheet_as_openpyxl_did(tmp_path, monkeypatch, spy):
    export = opus_xlsx(tmp_path / "opus.xlsx", make_lines(300, 17), cover_first=True)
    items = assert_same(SOURCES["opus"], export.path, monkeypatch)
    assert spy == [1] and sum(isinstance(i, Posting) for i in items) == 300


def test_the_excel_template_and_a_csv_column_map_workbook_read_as_openpyxl_did(tmp_path, monkeypatch):
    from characterisation_cases import csv_column_map_xlsx, excel_template

    for build, source in ((excel_template, "excel"), (csv_column_map_xlsx, "csv")):
        folder = tmp_path / source
        folder.mkdir()
        argv = build(folder)
        path = folder / next(a for a in argv if str(a).endswith(".xlsx"))
        # the template's adapter picks its sheet before reading, which the per-row oracle does not
        options = ReadOptions(sheet="Indberetning" if source == "excel" else None)
        if "--columns" in argv:  # the map is the [source.csv] section
            text = (folder / argv[argv.index("--columns") + 1]).read_text(encoding="utf-8")
            options = ReadOptions(settings=tomllib.loads(text))
        items = assert_same(SOURCES[source], path, monkeypatch, options)
        assert sum(isinstance(i, Posting) for i in items) > 10


# --- generated messy workbooks ------------------------------------------------------------------

HEADER = ["Bilagsnr", "CPR-nr", "Beløb", "Periode fra", "Periode til", "Tekst", "Anonym", "Artskonto"]
_DAY = dt.datetime(2025, 3, 14)
cells = st.sampled_from(
    [
        None,
        "",
        "  ",
        "tekst",
        "I alt",
        "*",
        "1.234,56",
        "-12,5",
        "12,50-",
        "31.01.2025",
        "2025-02-28",
        "45658",
        "Ja",
        "nej",
        "010190-1234",
        "0101901234",
        0,
        7,
        -3.25,
        505751234,
        45658,
        123.456,
        True,
        _DAY,
        dt.datetime(2025, 3, 14, 13, 30),
    ]
)
# Cells calamine reads otherwise than openpyxl, now and then one in a workbook (see test_cells_calamine_...)
hazards = st.sampled_from([None, None, None, "time", "escape", "error", "big date", "exponent"])
posting = st.fixed_dictionaries(
    {
        "doc": st.one_of(st.integers(1, 10**6), st.just(None), st.just("Bilagsnr"), st.just("*")),
        "cpr": st.sampled_from(["010190-1234", "2802921234", 505751234, None, "x"]),
        "amount": st.one_of(st.floats(-1e7, 1e7, allow_nan=False).map(lambda f: round(f, 2)), cells),
        "start": st.one_of(st.just(_DAY), st.just("01.03.2025"), st.integers(-5, 60000), cells),
        "end": st.one_of(st.just(dt.datetime(2025, 3, 31)), st.just("31.03.2025"), cells),
        "text": cells,
        "anonymous": st.sampled_from([None, "Ja", "Nej", "", "måske", True, 1]),
        "art": st.sampled_from(["40110000", 40110000, None, 4011.5]),
    }
)
row = st.one_of(posting, st.sampled_from(["blank", "styled", "header", "total"]))


def _workbook(
    path: Path, rows: list[Any], sheets: int, date_style: str, trailing_styled: int, hazard: str | None = None
) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Udtræk 2025"])
    ws.append(HEADER)
    for item in rows:
        r = ws.max_row + 1
        if item == "blank":
            ws.append([])
        elif item == "styled":
            ws.cell(r, 3).number_format = "0.00"
        elif item == "header":
            ws.append(HEADER)
        elif item == "total":
            ws.append([None, None, 1234.5, None, None, "I alt"])
        else:
            values = [item[k] for k in ("doc", "cpr", "amount", "start", "end", "text", "anonymous", "art")]
            ws.append(values)
            for col in (4, 5):
                ws.cell(r, col).number_format = date_style
    at = 2 + len(rows) // 2
    if hazard == "time":
        ws.cell(at, 4, -5).number_format = "dd-mm-yyyy"  # calamine: a time of day; openpyxl: a date in 1899
    elif hazard == "escape":
        ws.cell(at, 6, "a_x000D_b")
    elif hazard == "error":
        ws.cell(at, 3, "#N/A").data_type = "e"
    elif hazard == "big date":
        ws.cell(at, 5, 505751234).number_format = "dd-mm-yyyy"
    elif hazard == "exponent":
        ws.cell(at, 3, 1e20)
    for i in range(trailing_styled):
        ws.cell(ws.max_row + 1 + i, 2).number_format = "0.00"
    for n in range(1, sheets):
        wb.create_sheet(f"Ark{n}").append(["Andet", n])
    wb.save(path)


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(row, min_size=1, max_size=40),
    sheets=st.integers(1, 3),
    date_style=st.sampled_from(["dd-mm-yyyy", "yyyy-mm-dd hh:mm", "0.00", "General"]),
    trailing=st.integers(0, 3),
    hazard=hazards,
    block=st.sampled_from([3, 8192]),
)
def test_messy_workbooks_read_as_openpyxl_did(
    tmp_path_factory, monkeypatch, rows, sheets, date_style, trailing, hazard, block
):
    path = tmp_path_factory.mktemp("xlsx") / "rod.xlsx"
    _workbook(path, rows, sheets, date_style, trailing, hazard)
    monkeypatch.setattr(xlsx_columns, "BLOCK_ROWS", block)
    assert_same(SOURCES["csv"], path, monkeypatch)
    assert rows_of(open_xlsx(path, None)) == rows_of(open_openpyxl(path, None))


def test_a_plain_workbook_is_read_column_wise_in_blocks(tmp_path, monkeypatch, spy):
    day = dt.datetime(2025, 5, 1)
    rows = [
        {"doc": i, "cpr": "010190-1234", "amount": 10.5 * i, "start": day, "end": "31.05.2025", "text": f"t{i}"}
        | {"anonymous": "Nej", "art": 40110000}
        for i in range(1, 60)
    ]
    path = tmp_path / "ren.xlsx"
    _workbook(path, [*rows[:20], "blank", "total", "header", *rows[20:]], 1, "dd-mm-yyyy", 2)
    monkeypatch.setattr(xlsx_columns, "BLOCK_ROWS", 7)
    items = assert_same(SOURCES["csv"], path, monkeypatch)
    assert spy == [1] and sum(isinstance(i, Posting) for i in items) == 59


def _as_excel_saves_it(path: Path) -> Path:
    """The workbook rewritten as Excel saves one: texts in a shared-strings part (openpyxl writes
    them inline), rows with ``spans``, numbers without ``t="n"``."""
    import re
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    strings: list[str] = []
    inline = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*?) t="inlineStr"><is><t(?: [^>]*)?>([^<]*)</t></is></c>')

    def shared(m: re.Match[bytes]) -> bytes:
        from html import unescape

        strings.append(unescape(m.group(3).decode()))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (m.group(1), m.group(2), len(strings) - 1)

    for name in [n for n in parts if n.startswith("xl/worksheets/")]:
        xml = inline.sub(shared, parts[name]).replace(b' t="n">', b">")
        parts[name] = re.sub(rb'<row r="([0-9]+)"', rb'<row r="\1" spans="1:12"', xml)
    items = "".join(f"<si><t>{escape(t)}</t></si>" for t in strings)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{main}" count="{len(strings)}">{items}</sst>'.encode()
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    rel = f'<Relationship Id="rIdSst" Type="{kind}" Target="sharedStrings.xml"/></Relationships>'
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", rel.encode())
    content = '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    content += 'spreadsheetml.sharedStrings+xml"/></Types>'
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", content.encode())
    out = path.with_name("excel-" + path.name)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out


def test_a_workbook_with_shared_strings_as_excel_saves_it_reads_as_openpyxl_did(tmp_path, monkeypatch, spy):
    export = opus_xlsx(tmp_path / "opus.xlsx", make_lines(400, 23))
    path = _as_excel_saves_it(export.path)
    with zipfile.ZipFile(path) as zf:
        assert b't="s"' in zf.read("xl/worksheets/sheet1.xml")
    items = assert_same(SOURCES["opus"], path, monkeypatch)
    assert spy == [1] and sum(isinstance(i, Posting) for i in items) == 400
    opened = open_xlsx(path, None)
    assert isinstance(opened[1], SheetRows)
    assert rows_of(opened) == rows_of(open_openpyxl(path, None))


# --- what makes openpyxl read instead -----------------------------------------------------------


def _one_sheet(path: Path, fill: Any) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    fill(wb.active)
    wb.save(path)
    return path


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")
@pytest.mark.parametrize(
    "fill",
    [
        lambda ws: setattr(ws.cell(2, 1, 101601235), "number_format", "dd-mm-yyyy"),  # openpyxl: #VALUE!
        lambda ws: ws.append(["a_x000D_b"]),  # calamine decodes the escape; openpyxl keeps it
        lambda ws: setattr(ws.cell(1, 1, "#N/A"), "data_type", "e"),  # calamine: an empty cell
        lambda ws: ws.append(["Ja", '=""']),  # a formula without its value: openpyxl may give ''
    ],
    ids=["date-styled-big-number", "escape", "error-cell", "formula-without-value"],
)
def test_cells_calamine_reads_otherwise_are_read_by_openpyxl(tmp_path, fill):
    path = _one_sheet(tmp_path / "x.xlsx", fill)
    opened = open_xlsx(path, None)
    assert not isinstance(opened[1], SheetRows)
    assert rows_of(opened) == rows_of(open_openpyxl(path, None))


def test_a_time_hands_the_rest_of_the_sheet_to_openpyxl(tmp_path):
    def fill(ws: Any) -> None:
        ws.append(["a", 1])
        ws.append(["b", -5])
        ws.cell(2, 2).number_format = "dd-mm-yyyy"  # calamine: 00:00:00; openpyxl: 1899-12-25
        ws.append(["c", 2])

    path = _one_sheet(tmp_path / "t.xlsx", fill)
    opened = open_xlsx(path, None)
    assert isinstance(opened[1], SheetRows)
    assert rows_of(opened) == [(1, ["a", 1]), (2, ["b", dt.datetime(1899, 12, 25)]), (3, ["c", 2])]


def test_styled_empty_rows_after_the_last_value_count_as_openpyxl_yields_them(tmp_path):
    def fill(ws: Any) -> None:
        ws.append(["a", 1])
        ws.cell(4, 1).number_format = "0.00"
        ws.row_dimensions[6].height = 30  # a row element without cells: not yielded

    path = _one_sheet(tmp_path / "s.xlsx", fill)
    with zipfile.ZipFile(path) as zf:
        assert survey_sheet(zf.open("xl/worksheets/sheet1.xml"), "s.xlsx").last_cell_row == 4
    assert rows_of(open_xlsx(path, None)) == [(1, ["a", 1]), (2, []), (3, []), (4, [])]
    assert rows_of(open_xlsx(path, None)) == rows_of(open_openpyxl(path, None))


@given(
    st.lists(
        st.one_of(
            st.integers(-(10**15), 10**15).map(lambda c: c / 100),  # cents, as Excel stores them
            st.floats(-1e16, 1e16, allow_nan=False),
            st.sampled_from([0.1 + 0.2, 579.1900000000001, -0.5, 1e-5, 5e-324, 1e15, 2958466.0]),
        ),
        min_size=1,
        max_size=50,
    )
)
def test_numbers_are_made_into_the_text_of_the_per_row_readers_value(values):
    """The amount column's numbers (made by kernels where they are whole cents) and a text field's
    numbers read as the per-row reader reads openpyxl's value: parse_amount, and str."""
    from siu.parsing import parse_amount
    from siu.read.xlsx_texts import amount_text, cell_text, typed

    cells = [int(v) if v.is_integer() and abs(v) < 1e15 else v for v in values]  # as openpyxl gives them
    column = typed(tuple(values), float, {float})
    for value, cell, text, amount in zip(
        values, cells, cell_text(float, column).to_pylist(), amount_text(float, column).to_pylist(), strict=True
    ):
        assert text == str(cell), value
        expected = parse_amount(cell)
        assert amount is not None and Decimal(amount.replace(",", ".")) == expected, value
        assert amount.partition(",")[2] == (f"{expected:f}".partition(".")[2]), value  # the decimals written


@pytest.mark.parametrize("chunk", [128, 301, 4096])
def test_the_survey_counts_the_same_whatever_the_chunks(tmp_path, monkeypatch, chunk):
    import siu.read.xlsx_guard as guard

    export = opus_xlsx(tmp_path / "opus.xlsx", make_lines(120, 3))
    with zipfile.ZipFile(export.path) as zf:
        whole = survey_sheet(zf.open("xl/worksheets/sheet1.xml"), "opus.xlsx")
        monkeypatch.setattr(guard, "_CHUNK", chunk)  # every element split between two chunks somewhere
        assert survey_sheet(zf.open("xl/worksheets/sheet1.xml"), "opus.xlsx") == whole
    assert whole.values == whole.cells and whole.rows == whole.numbered_rows > 120


@pytest.mark.parametrize(
    ("code", "date"),
    [
        ("General", False),
        ("0.00", False),
        ('#,##0.00 "kr."', False),
        ("#,##0.00;[Red]-#,##0.00", False),
        ('"dag" 0', False),
        ("dd-mm-yyyy", True),
        ("[$-406]d. mmmm yyyy", True),
        ("[h]:mm:ss", True),
        ("h:mm AM/PM", True),
        ("0.00;dd-mm-yyyy", False),
    ],
)
def test_openpyxl_and_calamine_agree_on_the_common_number_formats(code, date):
    assert is_date_format(code) is date
    assert _calamine_date(code) is date


def test_the_sheets_of_a_workbook_are_read_from_its_parts_in_order(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Forside"
    wb.create_sheet("Data")
    wb.create_chartsheet("Diagram")
    path = tmp_path / "b.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        book = read_book(zf)
    assert book is not None
    assert book.names == ["Forside", "Data", "Diagram"] and list(book.sheets) == ["Forside", "Data"]
    from siu.tables import sheet_names

    assert sheet_names(path) == ["Forside", "Data", "Diagram"]


def test_sheet_names_are_openpyxls_sheetnames(tmp_path):
    from openpyxl import Workbook, load_workbook

    from siu.tables import sheet_names

    wb = Workbook()
    wb.active.title = "Æblegrød & co"
    for name in ("Data", "Parametre 2025", "Ark'4"):
        wb.create_sheet(name, 0 if name == "Data" else None)
    path = tmp_path / "n.xlsx"
    wb.save(path)
    assert (
        sheet_names(path)
        == load_workbook(path, read_only=True).sheetnames
        == [
            "Data",
            "Æblegrød & co",
            "Parametre 2025",
            "Ark'4",
        ]
    )
