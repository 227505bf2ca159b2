"""The Excel template written from batches (ExcelTemplateWriter.write_batches) is byte for byte
what openpyxl wrote one cell object at a time (the per-cell path, kept as the oracle)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siu.base.spec_models import ExcelColumn
from siu.batches import BatchInfo, batch_of_records
from siu.models import DeliveryHeader, Location, Record
from siu.specpack import BUILTIN_DIR, SpecPack
from siu.xlsx_save import save_workbook
from siu_excel.writer import ExcelTemplateWriter, _append_records, _workbook

INFO = BatchInfo(source="test", file="in.csv")


@pytest.fixture(autouse=True)
def _epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1768435200")


@pytest.fixture(scope="module")
def spec() -> SpecPack:
    return SpecPack.load(BUILTIN_DIR / "2025")


def _header(spec: SpecPack) -> DeliveryHeader:
    return DeliveryHeader(
        kommune="101", year=2025, area="voksen", spec_version=spec.version, created=dt.datetime(2026, 1, 15)
    )


def _oracle(records: list[Record], spec: SpecPack) -> bytes:
    template = spec.manifest.excel
    decimals = spec.amount_for("xlsx")[0]
    wb, ws = _workbook(template)
    _append_records(ws, records, template, "0" if decimals <= 0 else "0." + "0" * decimals)
    out = io.BytesIO()
    save_workbook(wb, out)
    return out.getvalue()


def _written(records: list[Record], cuts: list[int], spec: SpecPack) -> bytes:
    points = sorted({c % (len(records) + 1) for c in cuts} | {0, len(records)})
    batches = [batch_of_records(records[a:b], INFO) for a, b in zip(points, points[1:])]
    out = io.BytesIO()
    ExcelTemplateWriter().write_batches(batches, _header(spec), spec, out)
    return out.getvalue()


def _template(spec: SpecPack, columns: list[tuple[str, str]], header_row: int = 1) -> SpecPack:
    other = copy.copy(spec)
    excel = spec.manifest.excel.model_copy(
        update={
            "columns": [ExcelColumn(field=f, header=f"{f} {t}", type=t, width=12) for f, t in columns],
            "header_row": header_row,
        }
    )
    other.manifest = spec.manifest.model_copy(update={"excel": excel})
    return other


ALPHABET = "09az &<>\"'\r\n\t\x00\x07\x1f\x7f\x85\xa0æøÅ§€\u2028\ufffe\U0001f600=+-@"
texts = st.none() | st.text(alphabet=st.sampled_from(ALPHABET), max_size=8)
dates = st.none() | st.dates(min_value=dt.date(1899, 12, 1), max_value=dt.date(9999, 12, 31))


@st.composite
def records(draw: st.DrawFn) -> Record:
    amount = draw(
        st.sampled_from([Decimal("0.00001"), Decimal("9.999999999999999"), Decimal("123456789012345.67")])
        | st.decimals(min_value=-(10**15), max_value=10**15, places=draw(st.integers(0, 7)), allow_nan=False)
    )
    return Record(
        psr_id=draw(texts),
        kontostreng=draw(texts),
        paragraph=draw(texts),
        area=draw(texts),
        amount=amount.copy_abs() if amount.is_zero() else amount,  # a batch has no negative zero
        start=draw(dates),
        end=draw(dates),
        locations=(Location(file="in.csv", row=2),),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(records(), max_size=30), st.lists(st.integers(0, 60), max_size=3))
def test_batches_give_the_bytes_of_the_per_cell_writer(spec, recs, cuts):
    assert _written(recs, cuts, spec) == _oracle(recs, spec)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(records(), min_size=1, max_size=15),
    st.lists(st.integers(0, 30), max_size=3),
    st.lists(
        st.tuples(
            st.sampled_from(["psr_id", "paragraph", "amount", "start", "end"]),
            st.sampled_from(["text", "number", "date"]),
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(1, 3),
)
def test_any_column_types_and_header_row(spec, recs, cuts, columns, header_row):
    other = _template(spec, columns, header_row)
    assert _written(recs, cuts, other) == _oracle(recs, other)


def test_a_field_without_a_column_goes_cell_by_cell(spec):
    other = _template(spec, [("psr_id", "text"), ("anonymised", "text"), ("amount", "number")])
    rec = Record(psr_id="=1", kontostreng=None, paragraph=None, area=None, amount=Decimal("12.5"), start=None, end=None)
    assert _written([rec, rec], [1], other) == _oracle([rec, rec], other)


def test_rows_follow_the_header_and_keep_their_styles(spec):
    rec = Record(
        psr_id="=SUM(A1)",
        kontostreng="538",
        paragraph=" x",
        area="voksen",
        amount=Decimal("-5"),
        start=dt.date(2025, 1, 1),
        end=None,
    )
    sheet = zipfile.ZipFile(io.BytesIO(_written([rec], [], spec))).read("xl/worksheets/sheet1.xml")
    assert b'<row r="2"><c r="A2" s="2" t="inlineStr"><is><t>=SUM(A1)</t></is></c>' in sheet
    assert b'<t xml:space="preserve"> x</t>' in sheet
    assert b"<v>45658</v></c></row></sheetData>" in sheet
