"""DST's Excel template: the writer (`--format xlsx`), the reader (`--source excel`) and round trips.

The written workbook is opened by three independent readers: openpyxl (cell types, styles),
python-calamine (values) and LibreOffice headless (what a spreadsheet program shows), and a
delivery written as XML, as xlsx and then read back from the xlsx must give the same XML bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from python_calamine import CalamineWorkbook

from siu.adapters import ReadInfo, ReadOptions
from siu.models import DeliveryHeader, Finding, Location, Posting, Record, Totals
from siu.specpack import BUILTIN_DIR, SpecPack, builtin_pack_dirs
from siu.tables import sheet_names
from siu.xlsx_cells import text_cell
from siu_excel.reader import ExcelTemplateSource, builtin_templates, template_aliases
from siu_excel.writer import ExcelTemplateWriter, last_row, template_problems

GOLDEN = Path(__file__).parent / "golden" / "excel"
EPOCH = "1768435200"  # 2026-01-15T00:00:00Z: the creation time every golden delivery carries
FORMULA_LIKE = ("=SUM(A1:A9)", "+4512345678", "-5", "@cmd", '=HYPERLINK("http://x")')


@pytest.fixture(scope="module")
def spec() -> SpecPack:
    return SpecPack.load(BUILTIN_DIR / "2025")


def _header(spec: SpecPack) -> DeliveryHeader:
    return DeliveryHeader(
        kommune="101",
        year=2025,
        area="voksen",
        spec_version=spec.version,
        created=dt.datetime(2026, 1, 15),
        totals=Totals(),
    )


def _record(psr: str, konto: str, paragraph: str, amount: Decimal, start: dt.date, end: dt.date) -> Record:
    return Record(
        psr_id=psr, kontostreng=konto, paragraph=paragraph, area="voksen", amount=amount, start=start, end=end
    )


def _write(path: Path, records: list[Record], spec: SpecPack) -> Path:
    with path.open("wb") as fh:
        ExcelTemplateWriter().write(records, _header(spec), spec, fh)
    return path


def _read(path: Path, sheet: str | None = None) -> tuple[list[Posting], list[Finding], ReadInfo]:
    info = ReadInfo()
    items = list(ExcelTemplateSource().read(path, ReadOptions(sheet=sheet), info))
    return [i for i in items if isinstance(i, Posting)], [i for i in items if isinstance(i, Finding)], info


def _xml_lines(path: Path) -> list[list[str]]:
    """The delivery lines of an XML file as text, in the template's column order."""
    tree = etree.parse(str(path))
    ns = {"s": tree.getroot().nsmap[None]}
    fields = ("PsrID", "KONTOSTRENG", "Paragraf", "Beloeb", "StartDato", "SlutDato")
    return [
        [line.findtext(f"s:{f}", namespaces=ns) for f in fields]
        for line in tree.getroot().iterfind(".//s:Udgiftslinje", ns)
    ]


# --- the writer ------------------------------------------------------------------------------


def test_text_cells_are_strings_never_formulas():
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("x")
    for text in FORMULA_LIKE:
        cell = text_cell(ws, text)
        assert cell.data_type == "s", text
        assert cell.value == text, "the value itself is never changed"
        assert cell.quotePrefix, text
    plain = text_cell(ws, "0101601235")
    assert plain.data_type == "s" and not plain.quotePrefix and plain.number_format == "@"


def test_written_template_has_types_formats_and_no_formula(tmp_path, spec):
    records = [
        _record("0101601235", "53850100140", "SEL108", Decimal("42500.00"), dt.date(2025, 1, 1), dt.date(2025, 1, 31)),
        _record(
            "0512809998", "03842100140", FORMULA_LIKE[0], Decimal("-1234.56"), dt.date(2025, 2, 1), dt.date(2025, 2, 28)
        ),
    ]
    path = _write(tmp_path / "t.xlsx", records, spec)
    with zipfile.ZipFile(path) as zf:
        sheet_xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml, "no cell may hold a formula"
    wb = openpyxl.load_workbook(path)
    template = spec.manifest.excel
    ws = wb[template.sheet]
    assert [c.value for c in ws[template.header_row]] == [col.header for col in template.columns]
    assert ws.freeze_panes == f"A{template.header_row + 1}"
    row2 = ws[template.header_row + 1]
    assert [c.value for c in row2[:3]] == ["0101601235", "53850100140", "SEL108"]
    assert all(c.data_type == "s" for c in row2[:3])
    # the IDEP channel takes whole kroner (the pack's [channels.idep]): number format without decimals
    assert row2[3].value == 42500 and row2[3].data_type == "n" and row2[3].number_format == "0"
    assert row2[4].value == dt.datetime(2025, 1, 1) and row2[4].is_date and row2[4].number_format == "yyyy-mm-dd"
    row3 = ws[template.header_row + 2]
    assert row3[1].value == "03842100140", "an account's leading zero survives"
    assert row3[2].value == FORMULA_LIKE[0] and row3[2].data_type == "s" and row3[2].quotePrefix
    assert row3[3].value == -1234.56


def test_template_problems_name_unknown_fields_and_types(spec):
    broken = spec.manifest.excel.model_copy(deep=True)
    broken.columns[0].field = "cpr_number"
    broken.columns[1].type = "currency"
    problems = list(template_problems(broken))
    assert [h for h, _ in problems] == [broken.columns[0].header, broken.columns[1].header]
    assert "cpr_number" in problems[0][1].en and "currency" in problems[1][1].en
    assert problems[0][1].da == "ukendt felt 'cpr_number'"  # one language at a time
    assert list(template_problems(spec.manifest.excel)) == []


def _three_lines(tmp_path: Path, spec: SpecPack) -> Path:
    records = [
        _record("0101601235", "53850100140", "SEL108", Decimal(i), dt.date(2025, 1, 1), dt.date(2025, 1, 31))
        for i in range(3)
    ]
    return _write(tmp_path / "x.xlsx", records, spec)


def test_writer_check_reports_a_broken_template(tmp_path, spec):
    path = _three_lines(tmp_path, spec)
    broken = SpecPack(spec.root, spec.manifest.model_copy(deep=True), spec.paragraphs, spec.chart, "test")
    broken.manifest.excel.columns[0].field = "nosuch"
    findings = list(ExcelTemplateWriter().check(path, broken))
    assert [f.code for f in findings] == ["SIU610"]


def test_writer_check_counts_rows_against_excels_limit(tmp_path, spec):
    path = _three_lines(tmp_path, spec)
    assert last_row(path) == spec.manifest.excel.header_row + 3
    assert list(ExcelTemplateWriter().check(path, spec)) == []
    [finding] = ExcelTemplateWriter().check(path, spec, max_rows=3)
    assert finding.code == "SIU611" and "4" in finding.message_da


# --- the reader ------------------------------------------------------------------------------


def test_reader_headers_come_from_the_spec_packs(spec):
    aliases = template_aliases(builtin_templates())
    for col in spec.manifest.excel.columns:
        target = {"psr_id": "cpr"}.get(col.field, col.field)
        assert aliases[target][0] == col.header or col.header in aliases[target]


def _hand_filled(path: Path, *, wrong_dimension: bool = False) -> Path:
    """A template as a municipality fills it: an instructions sheet first, a title above the
    headers, blank rows, numbers that lost leading zeros, dates as text, as dates and as serials."""
    wb = openpyxl.Workbook()
    wb.active.title = "Vejledning"
    wb.active["A1"] = "Udfyld arket Indberetning"
    ws = wb.create_sheet("Indberetning")
    ws.append(["Indberetning af individhenførbare udgifter 2025"])
    ws.append([])
    ws.append(["PsrID", "KONTOSTRENG", "Paragraf", "Beløb", "Startdato", "Slutdato"])
    ws.append(
        ["0101601235", "53850100140", "SEL108", 42500, dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 31)]
    )  # row 4
    ws.append([])  # row 5
    ws.append([101601235, 53850100140, "SEL108", "1.234,56", "01.02.2025", "2025-02-28"])  # row 6
    ws.append(["150372-2468", "5.38.52.1.001.4.0", "SEL107", -99.5, 45717, dt.date(2025, 3, 31)])  # row 7
    ws.append(["2308911116", "53852100140", "SEL107", "tolv kroner", "01.04.2025", "30.04.2025"])  # row 8
    wb.save(path)
    if wrong_dimension:  # what some tools write: a <dimension> far smaller than the data
        _rewrite_sheet(
            path,
            "xl/worksheets/sheet2.xml",
            lambda xml: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:B2"/>', xml),
        )
    return path


def _rewrite_sheet(path: Path, member: str, change) -> None:
    data = {}
    with zipfile.ZipFile(path) as zin:
        infos = zin.infolist()
        for info in infos:
            data[info.filename] = zin.read(info.filename)
    data[member] = change(data[member].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in infos:
            zout.writestr(info, data[info.filename])


@pytest.mark.parametrize("wrong_dimension", [False, True])
def test_reader_reads_a_hand_filled_template_with_excel_row_numbers(tmp_path, wrong_dimension):
    path = _hand_filled(tmp_path / "skabelon.xlsx", wrong_dimension=wrong_dimension)
    assert sheet_names(path) == ["Vejledning", "Indberetning"]
    postings, findings, info = _read(path)
    assert info.details["sheet"] == "Indberetning" and info.details["header_row"] == "3"
    assert [p.location.row for p in postings] == [4, 6, 7]
    first, second, third = postings
    assert (first.cpr, first.dims["kontostreng"], first.dims["paragraph"], first.amount) == (
        "0101601235",
        "53850100140",
        "SEL108",
        Decimal(42500),
    )
    assert (first.start, first.end) == (dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert second.cpr == "0101601235", "a CPR that Excel turned into a number gets its leading zero back"
    assert second.amount == Decimal("1234.56")
    assert (second.start, second.end) == (dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    assert (third.cpr, third.dims["kontostreng"], third.amount) == (
        "150372-2468",
        "5.38.52.1.001.4.0",
        Decimal("-99.5"),
    )
    assert (third.start, third.end) == (dt.date(2025, 3, 1), dt.date(2025, 3, 31)), "an Excel serial number is a date"
    [bad] = findings
    assert bad.code == "SIU020" and bad.location == Location(
        file="skabelon.xlsx", sheet="Indberetning", row=8, column="Beløb"
    )
    assert info.rows_skipped == 2  # the blank row and the unreadable one, both counted


def test_reader_honours_sheet_option(tmp_path):
    path = _hand_filled(tmp_path / "skabelon.xlsx")
    postings, findings, _ = _read(path, sheet="Vejledning")
    assert postings == [] and [f.code for f in findings] == ["SIU005"]


# --- round trips -----------------------------------------------------------------------------

_cpr = st.from_regex(r"\A[0-9]{10}\Z")
_konto = st.from_regex(r"\A[0-9]{11}\Z")
_paragraph = st.sampled_from(["SEL107", "SEL108", "SEL109", "SEL110", "SEL85-ABL105", *FORMULA_LIKE])
_amount = st.decimals(
    min_value=Decimal("-9999999999999.99"),
    max_value=Decimal("9999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
_date = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
_records = st.lists(st.builds(_record, _cpr, _konto, _paragraph, _amount, _date, _date), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=_records)
def test_write_then_read_gives_the_same_records(tmp_path_factory, spec, records):
    path = _write(tmp_path_factory.mktemp("rt") / "rt.xlsx", records, spec)
    postings, findings, info = _read(path)
    assert findings == [] and info.rows_skipped == 0
    got = [(p.cpr, p.dims["kontostreng"], p.dims["paragraph"], p.amount, p.start, p.end) for p in postings]
    assert got == [(r.psr_id, r.kontostreng, r.paragraph, r.amount, r.start, r.end) for r in records]
    header_row = spec.manifest.excel.header_row
    assert [p.location.row for p in postings] == list(range(header_row + 1, header_row + 1 + len(records)))


@pytest.fixture(scope="module")
def demo_outputs(tmp_path_factory, demo_dir_module) -> dict[str, Path]:
    """The demo delivery as XML, as xlsx, and the XML converted back from that xlsx."""
    from typer.testing import CliRunner

    from siu.cli import app

    out = tmp_path_factory.mktemp("demo")
    runner = CliRunner()
    env = {"SOURCE_DATE_EPOCH": EPOCH, "COLUMNS": "200"}
    # The built-in pack's IDEP channel takes whole kroner (tests/test_channels.py); these tests are
    # about the template's fidelity, so they use a copy of the pack whose IDEP channel keeps øre.
    pack = out / "pack"
    shutil.copytree(next(d for d in builtin_pack_dirs() if d.name == "2025"), pack)
    manifest = pack / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    assert 'decimals = 0\nrounding = "largest_remainder"' in text
    manifest.write_text(
        text.replace('decimals = 0\nrounding = "largest_remainder"', 'decimals = 2\nrounding = "none"'),
        encoding="utf-8",
    )
    base = [
        "--source",
        "opus",
        str(demo_dir_module / "opus-udtraek-2025.csv"),
        "--config",
        str(demo_dir_module / "siu.toml"),
        "--spec-dir",
        str(pack),
    ]
    for fmt in ("xml", "xlsx"):
        run = runner.invoke(app, ["convert", *base, "--format", fmt, "--out", str(out / fmt)], env=env)
        assert run.exit_code == 0, run.output
    xlsx = out / "xlsx" / "SIU_101_2025_voksen.xlsx"
    run = runner.invoke(
        app,
        [
            "convert",
            "--source",
            "excel",
            str(xlsx),
            "--kommune",
            "101",
            "--year",
            "2025",
            "--spec-dir",
            str(pack),
            "--out",
            str(out / "back"),
        ],
        env=env,
    )
    assert run.exit_code == 0, run.output
    return {
        "xml": out / "xml" / "SIU_101_2025_voksen.xml",
        "xlsx": xlsx,
        "back": out / "back" / "SIU_101_2025_voksen.xml",
    }


@pytest.fixture(scope="module")
def demo_dir_module() -> Path:
    from siu.demo import DEMO_DIR

    return DEMO_DIR


def test_demo_delivery_matches_the_golden_file(demo_outputs):
    golden = GOLDEN / "demo-2025-voksen.xml"
    if os.environ.get("SIU_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(demo_outputs["xml"], golden)
    assert demo_outputs["xml"].read_bytes() == golden.read_bytes()


def test_xml_to_xlsx_to_records_to_xml_is_byte_identical(demo_outputs):
    assert demo_outputs["back"].read_bytes() == (GOLDEN / "demo-2025-voksen.xml").read_bytes()


def test_calamine_reads_the_values_the_delivery_holds(demo_outputs, spec):
    rows = (
        CalamineWorkbook.from_path(str(demo_outputs["xlsx"])).get_sheet_by_name(spec.manifest.excel.sheet).to_python()
    )
    assert rows[0] == [c.header for c in spec.manifest.excel.columns]
    assert [_as_text(row) for row in rows[1:]] == _xml_lines(demo_outputs["xml"])
    assert any(row[0].startswith("0") for row in rows[1:]), "the demo holds CPRs with a leading zero"


def _as_text(row: list) -> list[str]:
    out = []
    for v in row:
        if isinstance(v, float):
            out.append(f"{v:.2f}")
        elif isinstance(v, (dt.date, dt.datetime)):
            out.append(v.strftime("%Y-%m-%d"))
        else:
            out.append(str(v))
    return out


def _libreoffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def _as_shown_by_libreoffice(xlsx: Path, tmp_path: Path) -> list[list[str]]:
    """The sheet as LibreOffice Calc shows it (its CSV export of displayed values)."""
    office = _libreoffice()
    if office is None:
        pytest.skip(
            "LibreOffice is not installed (Debian package libreoffice-calc; .ci/run installs it where apt-get runs as "
            "root)"
        )
    outdir = tmp_path / "lo"
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(outdir),
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    produced = outdir / (xlsx.stem + ".csv")
    assert produced.exists(), done.stdout + done.stderr
    with produced.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_libreoffice_shows_formula_text_as_text(tmp_path, spec):
    records = [
        _record("0101601235", "53850100140", text, Decimal(2), dt.date(2025, 1, 1), dt.date(2025, 1, 31))
        for text in FORMULA_LIKE
    ]
    shown = _as_shown_by_libreoffice(_write(tmp_path / "formler.xlsx", records, spec), tmp_path)
    assert [row[2] for row in shown[1:]] == list(FORMULA_LIKE), "never evaluated, never changed"


def test_libreoffice_shows_the_same_values_as_calamine(demo_outputs, spec, tmp_path):
    shown = _as_shown_by_libreoffice(demo_outputs["xlsx"], tmp_path)
    calamine = (
        CalamineWorkbook.from_path(str(demo_outputs["xlsx"])).get_sheet_by_name(spec.manifest.excel.sheet).to_python()
    )
    assert shown == [_as_text(row) for row in calamine]
    assert shown[1:] == _xml_lines(demo_outputs["xml"])


def test_a_template_with_its_header_lower_down_reads_back(tmp_path, spec):
    lower = SpecPack(spec.root, spec.manifest.model_copy(deep=True), spec.paragraphs, spec.chart, "test")
    lower.manifest.excel.header_row = 3
    records = [
        _record("0101601235", "53850100140", "SEL108", Decimal("1.50"), dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    ]
    path = _write(tmp_path / "low.xlsx", records, lower)
    ws = openpyxl.load_workbook(path)[spec.manifest.excel.sheet]
    assert ws["A3"].value == "PsrID" and ws["A4"].value == "0101601235" and ws.freeze_panes == "A4"
    postings, findings, info = _read(path)
    assert findings == [] and info.details["header_row"] == "3"
    assert [(p.location.row, p.amount) for p in postings] == [(4, Decimal("1.5"))]
