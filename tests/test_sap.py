"""The SAP adapter on generated FBL3N/ALV, unconverted-list, ACDOCA and BSEG exports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from exports import SAP_LAYOUTS, Export, generate, read_back, write_sap_mapping
from siu.convert.run import detect_source
from siu.host.plugins import load_plugins
from test_opus import check_delivery, check_export_read_back


@pytest.mark.parametrize("layout", sorted(SAP_LAYOUTS))
def test_sap_layouts_read_back_exactly(tmp_path: Path, layout: str) -> None:
    check_export_read_back(generate("sap", layout, tmp_path, count=600 if "xlsx" in layout else 2000, seed=len(layout)))


def test_unconverted_list_pages_are_skipped_and_counted(tmp_path: Path) -> None:
    export = generate("sap", "unconverted", tmp_path, count=250)
    result = read_back(export)
    pages = 250 // 60 + 1
    assert export.skipped["gentagne overskrifter"] == pages - 1
    assert result.info.details["delimiter"] == "|" and result.info.details["header_row"] == "4"
    # Trailing minus and the S/H column agree; the amount keeps its sign.
    assert [p.amount for p in result.postings] == [line.amount for line in export.lines]
    assert any(p.amount < 0 for p in result.postings)


def test_acdoca_reads_with_and_without_the_decimal_option(tmp_path: Path) -> None:
    export = generate("sap", "acdoca", tmp_path, count=300)
    with_option = read_back(export)
    assert with_option.info.details["decimal"] == ". (valgt)"
    export.read_options = {}
    without = read_back(export)
    assert [p.amount for p in without.postings] == [p.amount for p in with_option.postings]
    assert sum(p.amount for p in without.postings) == export.total


def test_assignment_is_the_cpr_unless_a_cpr_column_exists(tmp_path: Path) -> None:
    path = tmp_path / "fbl3n.txt"
    path.write_text(
        "Tildeling\tFinanskonto\tBeløb i lokal valuta\tCPR-nr\nSAG-4711\t53850104\t1.000,00\t010160-1234\n",
        encoding="utf-8",
    )
    result = read_back(Export(path=path, source="sap", layout="own", lines=[], rows=[]), period="posting_month")
    assert [p.cpr for p in result.postings] == ["010160-1234"]
    assert result.postings[0].columns["cpr"] == "CPR-nr"


@pytest.mark.parametrize("layout", sorted(SAP_LAYOUTS))
def test_sap_sniffs_its_own_files_clearly(tmp_path: Path, layout: str) -> None:
    export = generate("sap", layout, tmp_path, count=80)
    host = load_plugins(no_plugins=True)
    sniffs = {name: src.sniff(export.path) for name, src in host.sources.items()}
    sap = sniffs.pop("sap")
    assert sap.confidence >= 0.5, sap.reason_da
    assert all(sap.confidence - other.confidence >= 0.1 for other in sniffs.values()), sniffs
    assert detect_source(export.path, host, "da", quiet=True) == "sap"


def test_unconverted_list_is_recognised_by_its_layout(tmp_path: Path) -> None:
    export = generate("sap", "unconverted", tmp_path, count=80)
    sniff = load_plugins(no_plugins=True).sources["sap"].sniff(export.path)
    assert "titellinjer" in sniff.reason_da and "uformateret" in sniff.reason_da
    assert "title lines" in sniff.reason_en


@pytest.mark.parametrize("layout", ["fbl3n_xlsx", "unconverted"])
def test_convert_end_to_end(tmp_path: Path, siu: Callable[..., object], layout: str) -> None:
    export = generate("sap", layout, tmp_path, count=600, seed=5)
    mapping = write_sap_mapping(tmp_path)
    config = tmp_path / "siu.toml"
    config.write_text(
        f'kommune = "101"\nyear = 2025\nmapping = "{mapping.name}"\n\n[source.sap]\nperiod = "{export.period}"\n',
        encoding="utf-8",
    )
    # SAP has no system-to-system path (DST): XML is written when asked for, with the reason (SIU441).
    run = siu("convert", export.path, "--config", config, "--out", tmp_path / "out", "--format", "xml")
    assert run.exit_code == 0, run.output
    assert "læses som 'sap'" in run.output and "SIU441" in run.output
    # a period from the posting date is a guess, said as a warning; the text's month is info
    assert ("SIU028" if export.period == "posting_month" else "SIU022") in run.output
    check_delivery(tmp_path / "out" / "SIU_101_2025_voksen.xml", export)


def test_sap_money_in_the_report_matches(tmp_path: Path, siu: Callable[..., object]) -> None:
    export = generate("sap", "bseg", tmp_path, count=1200, seed=9)
    mapping = write_sap_mapping(tmp_path)
    config = tmp_path / "siu.toml"
    config.write_text(f'mapping = "{mapping.name}"\n[source.sap]\nperiod = "posting_month"\n', encoding="utf-8")
    run = siu("validate", export.path, "--source", "sap", "--config", config, "--kommune", "101", "--year", "2025")
    assert run.exit_code == 0, run.output
    total = f"{export.total:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert total in run.output
    skipped = sum(export.skipped.values())
    assert skipped and f"{skipped} rækker" in run.output


def _own(tmp_path: Path, text: str) -> Export:
    path = tmp_path / "own.txt"
    path.write_text(text, encoding="utf-8")
    return Export(path=path, source="sap", layout="own", lines=[], rows=[])


def test_a_minus_beside_a_debit_mark_is_a_warning(tmp_path: Path) -> None:
    export = _own(
        tmp_path,
        "ZUONR;HKONT;DMSHB;SHKZG\n0101601234;53850104;100,00-;S\n0101601234;53850104;50,00-;H\n0101601234;53850104;25,00;H\n",
    )
    result = read_back(export, period="posting_month")
    assert [p.amount for p in result.postings] == [100, -50, -25]
    [warning] = [f for f in result.findings if f.code == "SIU026"]
    assert (warning.location.row, warning.location.column) == (2, "SHKZG") and warning.severity.value == "warning"


def test_alv_subtotal_marks_in_the_amount_cell(tmp_path: Path) -> None:
    export = _own(
        tmp_path,
        "Tildeling;Finanskonto;Omk.sted;Beløb i lokal valuta;Valuta;Bogf.dato\n"
        "0101601234;53850104;5385010001;1.000,00;DKK;15.01.2025\n"
        ";53850104;5385010001;*     1.000,00;DKK;\n"
        ";;;**    1.000,00;DKK;\n",
    )
    result = read_back(export, period="posting_month")
    assert [p.amount for p in result.postings] == [1000]
    assert result.info.details["skipped"] == "2 sumlinjer"
    assert sorted(result.codes()) == ["SIU028", "SIU029", "SIU031"]  # both totals agree
