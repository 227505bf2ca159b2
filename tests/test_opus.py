"""The KMD Opus adapter on generated exports: money, rows, locations, sniffing, end to end."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

import siu
from exports import OPUS_LAYOUTS, Export, generate, make_lines, opus_danish, read_back
from siu.base import cpr
from siu.base.i18n import skipped_summary
from siu.host.plugins import load_plugins
from siu.models import Severity

DEMO_MAPPING = Path(siu.__file__).parent / "demo" / "mapping.toml"
XSD = Path(siu.__file__).parent / "specs" / "2025" / "siu.xsd"


def check_export_read_back(export: Export) -> None:
    """Everything an adapter must get right for a generated export (shared with test_sap)."""
    result = read_back(export)
    errors = [f for f in result.findings if f.severity == Severity.ERROR]
    assert errors == []
    postings, info = result.postings, result.info
    # Money and rows: every posting read, exactly once, on the row a user sees it on.
    assert len(postings) == len(export.lines)
    assert sum((p.amount for p in postings), Decimal(0)) == export.total
    assert [p.amount for p in postings] == [line.amount for line in export.lines]
    assert [p.location.row for p in postings] == export.rows
    assert {p.location.file for p in postings} == {export.path.name}
    # Every other row after the header is counted and reported by reason.
    assert Counter({reason: n for reason, n in info.skipped_rows.items() if n}) == export.skipped
    if export.skipped:  # and the input's note says so, each reason agreeing with its count
        assert info.details["skipped"] == skipped_summary(info.skipped_rows).da
    assert info.rows_skipped == sum(export.skipped.values())
    assert info.rows_read == len(postings) + info.rows_skipped
    for posting, line in zip(postings, export.lines):
        assert cpr.normalise(posting.cpr) == line.cpr.replace("-", "")
        assert posting.document == line.document
        assert posting.posting_date == line.posting_date
        assert (posting.start, posting.end) == (line.start, line.end)
        assert posting.text is not None and posting.text.startswith(line.text)
        for dim in ("psp", "cost_centre", "artskonto", "gl_account"):
            expected = getattr(line, dim)
            if dim == "artskonto" and export.source == "sap":  # SAP: the G/L account is the artskonto
                expected = expected or line.gl_account
            assert posting.dims.get(dim) == expected
        # The file's headers come with every posting (the batch states them once); the raw cells
        # of a row are not part of the batch schema.
        assert posting.headers is not None and posting.columns["document"] in posting.headers
        assert set(posting.columns) >= {"cpr", "document"}


@pytest.mark.parametrize("layout", sorted(OPUS_LAYOUTS))
def test_opus_layouts_read_back_exactly(tmp_path: Path, layout: str) -> None:
    check_export_read_back(
        generate("opus", layout, tmp_path, count=600 if "xlsx" in layout else 1500, seed=len(layout))
    )


def test_thousands_of_rows(tmp_path: Path) -> None:
    export = generate("opus", "danish", tmp_path, count=8000, seed=7)
    check_export_read_back(export)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig", "iso-8859-1"])
@pytest.mark.parametrize(
    "amount_style, date_style",
    [("trailing", "dmy_dot"), ("parens", "iso"), ("danish_plain", "ddmmyyyy"), ("danish", "serial")],
)
def test_encodings_and_value_forms(tmp_path: Path, encoding: str, amount_style: str, date_style: str) -> None:
    export = opus_danish(
        tmp_path / "x.csv", make_lines(60, 3), amount_style=amount_style, date_style=date_style, encoding=encoding
    )
    result = read_back(export)
    assert sum(p.amount for p in result.postings) == export.total
    assert any(p.text and "Støtte i bolig, Lærkevej" in p.text for p in result.postings)
    detected = result.info.details["encoding"]
    assert detected == encoding or (encoding == "iso-8859-1" and detected == "cp1252")  # same letters


def test_postings_say_what_the_file_says(tmp_path: Path) -> None:
    # The raw cells of a row are not part of the batch schema; the amount as written is.
    export = generate("opus", "danish", tmp_path, count=30)
    first = read_back(export).postings[0]
    line = export.lines[0]
    assert f"{first.amount:f}" == f"{line.amount:f}"
    assert first.headers[6] == "Beløb" and first.columns["amount"] == "Beløb"
    assert str(first.location) == f"{export.path.name}, række 2"


# --- sniffing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", sorted(OPUS_LAYOUTS))
def test_opus_sniffs_its_own_files_clearly(tmp_path: Path, layout: str) -> None:
    export = generate("opus", layout, tmp_path, count=50)
    sniffs = {name: src.sniff(export.path) for name, src in load_plugins(no_plugins=True).sources.items()}
    opus = sniffs.pop("opus")
    assert opus.confidence >= 0.5, opus.reason_da
    assert all(opus.confidence - other.confidence >= 0.1 for other in sniffs.values()), sniffs
    assert opus.reason_da and opus.reason_en


def test_a_file_of_no_particular_format_is_not_claimed(tmp_path: Path) -> None:
    path = tmp_path / "generic.csv"
    path.write_text(
        "CPR;Beløb;Kontostreng;Fra;Til\n0101601234;1.234,56;5.38.50.1.001.4.0;01.01.2025;31.01.2025\n", encoding="utf-8"
    )
    sniff = load_plugins(no_plugins=True).sources["opus"].sniff(path)
    assert sniff.confidence < 0.5


# --- findings ----------------------------------------------------------------------------------


def test_unreadable_cells_become_findings_that_point_at_them(tmp_path: Path) -> None:
    export = generate("opus", "danish", tmp_path, count=40)
    lines = export.path.read_bytes().split(b"\r\n")
    cells = lines[4].split(b";")
    bad_amount = export.lines[3].amount
    cells[6] = b"12,34,56"
    lines[4] = b";".join(cells)
    cells = lines[9].split(b";")
    cells[7] = b"31.02.2025"
    lines[9] = b";".join(cells)
    export.path.write_bytes(b"\r\n".join(lines))
    result = read_back(export)
    amount_problem = next(f for f in result.findings if f.code == "SIU020" and f.field == "amount")
    assert (amount_problem.location.row, amount_problem.location.column) == (5, "Beløb")
    assert "12,34,56" in amount_problem.message_da
    date_problem = next(f for f in result.findings if f.code == "SIU020" and f.field == "start")
    assert (date_problem.location.row, date_problem.location.column) == (10, "Periode fra")
    # The row with the bad amount is counted as skipped; the one with the bad date is kept.
    assert "1 ulæselig række" in result.info.details["skipped"]
    assert len(result.postings) == len(export.lines) - 1
    assert sum(p.amount for p in result.postings) + bad_amount == export.total
    assert next(p for p in result.postings if p.location.row == 10).invalid == ("start",)


def test_missing_columns_are_named_with_the_headers_found(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Bilagsnr;Beløb;Tekst\n1;2,00;t\n", encoding="utf-8")
    export = Export(path=path, source="opus", layout="bad", lines=[], rows=[])
    result = read_back(export)
    assert result.codes() == ["SIU005"] and result.postings == []
    message = result.findings[0].message_da
    assert "CPR" in message and "PSP-element / Omkostningssted / Kontostreng" in message
    assert "Fundne overskrifter: Bilagsnr, Beløb, Tekst" in message


def test_period_from_the_text_is_reported(tmp_path: Path) -> None:
    export = generate("opus", "technical", tmp_path, count=100)
    result = read_back(export)
    assert all(p.start is not None and p.start.day == 1 and p.end is not None for p in result.postings)
    derived = next(f for f in result.findings if f.code == "SIU022")
    assert "100 linjer" in derived.message_da and "måneden i teksten" in derived.message_da
    assert result.info.details["period"] == "måneden i teksten"


def test_period_from_the_posting_date(tmp_path: Path) -> None:
    export = generate("opus", "technical", tmp_path, count=50)
    result = read_back(export, period="posting_month")
    for posting, line in zip(result.postings, export.lines):
        assert posting.start == line.posting_date.replace(day=1) and posting.end == line.end


def test_no_period_columns_and_no_rule(tmp_path: Path) -> None:
    export = generate("opus", "technical", tmp_path, count=20)
    export.period = None
    result = read_back(export)
    assert "SIU024" in result.codes()
    assert all(p.start is None and p.end is None for p in result.postings)


def test_text_without_a_month_is_counted(tmp_path: Path) -> None:
    export = generate("opus", "technical", tmp_path, count=20)
    month = export.lines[0].text.rsplit(" ", 2)[1]  # the first line's month, e.g. "jan"
    export.path.write_text(
        export.path.read_text(encoding="utf-8").replace(f" {month} 2025", " (rettelse)"), encoding="utf-8"
    )
    result = read_back(export)
    undated = [p for p in result.postings if p.start is None]
    expected = [row for row, line in zip(export.rows, export.lines) if line.start.month == export.lines[0].start.month]
    assert expected and [p.location.row for p in undated] == expected
    warning = next(f for f in result.findings if f.code == "SIU025")
    assert f"{len(expected)} linjer" in warning.message_da and warning.location.row == expected[0]


@pytest.mark.parametrize("settings, options", [({"period": "weekly"}, {}), ({}, {"decimal": ";"})])
def test_unknown_reading_options(tmp_path: Path, settings: dict[str, str], options: dict[str, str]) -> None:
    export = generate("opus", "danish", tmp_path, count=5)
    export.read_options = options
    result = read_back(export, **settings)
    assert result.codes() == ["SIU023"] and result.postings == []


def test_aliases_from_settings(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Borger;Beløb;PSP-element;Artskonto\n0101601234;1,00;XG-1;40110000\n", encoding="utf-8")
    export = Export(path=path, source="opus", layout="own", lines=[], rows=[])
    assert read_back(export).codes() == ["SIU005"]  # without the alias the CPR is missing
    result = read_back(export, aliases={"cpr": "Borger"}, period="posting_month")
    assert [p.cpr for p in result.postings] == ["0101601234"]


# --- end to end ----------------------------------------------------------------------------------


def check_delivery(xml: Path, export: Export) -> None:
    """The delivery is valid against the spec pack's XSD and holds every line's money."""
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.parse(str(xml))
    schema.assertValid(doc)
    ns = {"d": doc.getroot().nsmap[None]}
    amounts = [Decimal(a) for a in doc.xpath("//d:Udgiftslinje/d:Beloeb/text()", namespaces=ns)]
    assert sum(amounts, Decimal(0)) == export.total


def test_convert_end_to_end_without_source(tmp_path: Path, siu: Callable[..., object]) -> None:
    export = generate("opus", "danish", tmp_path, count=400, seed=11)
    run = siu(
        "convert",
        export.path,
        "--kommune",
        "101",
        "--year",
        "2025",
        "--mapping",
        DEMO_MAPPING,
        "--out",
        tmp_path / "out",
    )
    assert run.exit_code == 0, run.output
    assert "læses som 'opus'" in run.output
    check_delivery(tmp_path / "out" / "SIU_101_2025_voksen.xml", export)


def test_convert_xlsx_end_to_end(tmp_path: Path, siu: Callable[..., object]) -> None:
    export = generate("opus", "xlsx", tmp_path, count=300, seed=12)
    run = siu(
        "convert",
        export.path,
        "--source",
        "opus",
        "--kommune",
        "101",
        "--year",
        "2025",
        "--mapping",
        DEMO_MAPPING,
        "--out",
        tmp_path / "out",
        "--lang",
        "en",
    )
    assert run.exit_code == 0, run.output
    check_delivery(tmp_path / "out" / "SIU_101_2025_voksen.xml", export)


def test_convert_asks_for_source_when_unsure(tmp_path: Path, siu: Callable[..., object]) -> None:
    path = tmp_path / "generic.csv"
    path.write_text(
        "CPR;Beløb;Kontostreng;Fra;Til\n0101601234;1.234,56;5.38.50.1.001.4.0;01.01.2025;31.01.2025\n", encoding="utf-8"
    )
    run = siu("convert", path, "--kommune", "101", "--year", "2025")
    assert run.exit_code == 2
    assert "--source" in run.output and "Traceback" not in run.output


def test_data_on_a_later_sheet_is_found(tmp_path: Path) -> None:
    from exports import opus_xlsx

    export = opus_xlsx(tmp_path / "cover.xlsx", make_lines(40, 4), cover_first=True)
    result = read_back(export)
    assert [p.location.row for p in result.postings] == export.rows
    assert {p.location.sheet for p in result.postings} == {"Posteringer"}
    assert result.info.details["sheet"].startswith("Posteringer")
    assert sum(p.amount for p in result.postings) == export.total
    assert load_plugins(no_plugins=True).sources["opus"].sniff(export.path).confidence >= 0.5


def test_anonymous_flag_birth_date_and_sex(tmp_path: Path) -> None:
    path = tmp_path / "krisecenter.csv"
    path.write_text(
        "Bilagsnr;PSP-element;Artskonto;CPR-nr;Beløb;Periode fra;Periode til;Anonym;Fødselsdato;Køn\n"
        "1;XG-5384210001-0001;40140000;0101010000;14.000,00;01.03.2025;20.03.2025;Ja;12.04.1990;K\n"
        "2;XG-5384210001-0001;40140000;0101010000;7.000,00;05.03.2025;14.03.2025;x;;M\n"
        "3;XG-5384210001-0001;40140000;120490-1234;900,00;01.04.2025;18.04.2025;Nej;;Q\n",
        encoding="cp1252",
    )
    result = read_back(Export(path=path, source="opus", layout="own", lines=[], rows=[]))
    assert [(p.anonymous, p.birth_date, p.sex) for p in result.postings] == [
        (True, dt.date(1990, 4, 12), "F"),
        (True, None, "M"),
        (False, None, None),
    ]
    [bad_sex] = [f for f in result.findings if f.code == "SIU020"]
    assert (bad_sex.field, bad_sex.location.row, bad_sex.location.column) == ("sex", 4, "Køn")
