"""SAP as it is exported: FBL3N "text with tabs" lists whose texts hold ``;``, and the art taken
from the G/L account (in municipal SAP the G/L account is the artskonto). Generated lists
(tests/exports.py ``fbl3n_tab``) and one held-out, hand-made list in another FBL3N variant."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from exports import Export, generate, read_back, write_sap_mapping
from siu.tables import detect_delimiter
from test_opus import check_delivery

HELD_OUT = Path(__file__).parent / "fixtures" / "sap-fbl3n-heldout"


@pytest.mark.parametrize(
    "sample, expected",
    [
        # every line has the same number of tabs; every text holds one ';' (the header none)
        ("A\tB\tTekst\n" + "1\t2,00\tx; y\n" * 20, "\t"),
        # title lines without tabs above the table, ';' twice in some texts
        ("Finanskontopostliste; 0101\n\nA\tB\tTekst\n" + "1\t2,00\tx; y; z\n1\t3,00\tx; y\n" * 10, "\t"),
        # a quote inside a text is plain text, as the csv module reads it
        ("A\tB\tTekst\n" + '1\t2,00\tFjordly "Lærkevej"; marts\n' * 5, "\t"),
        # a Danish ';' file whose texts hold a tab now and then stays ';'
        ("A;B;Tekst\n" + "1;2,00;x\n" * 8 + "1;2,00;x\ty\n", ";"),
        ('A;B;"Tekst"\n1;2,00;"a ""b"";c"\n1;3,00;d\n', ";"),
    ],
)
def test_delimiter_weighs_consistency_per_line(sample: str, expected: str) -> None:
    assert detect_delimiter(sample) == expected


def test_tab_list_with_semicolons_in_every_text_is_read_as_tab(tmp_path: Path) -> None:
    export = generate("sap", "fbl3n_tab", tmp_path, count=1000, seed=3)
    assert all(";" in line.text for line in export.lines)
    result = read_back(export)
    assert result.info.details["delimiter"] == "TAB"
    assert len(result.postings) == 1000 and sum(p.amount for p in result.postings) == export.total
    assert "SIU005" not in result.codes()


def _config(folder: Path, **source: str) -> Path:
    mapping = write_sap_mapping(folder, art_from_gl=True)
    lines = [f'{k} = "{v}"' for k, v in {"period": "posting_month", **source}.items()]
    config = folder / "siu.toml"
    config.write_text(
        f'kommune = "101"\nyear = 2025\nmapping = "{mapping.name}"\n\n[source.sap]\n' + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return config


def test_fbl3n_tab_converts_with_the_art_from_the_gl_account(tmp_path: Path, siu: Callable[..., object]) -> None:
    export = generate("sap", "fbl3n_tab", tmp_path, count=800, seed=4)
    config = _config(tmp_path)
    run = siu(
        "convert", export.path, "--source", "sap", "--config", config, "--format", "xml", "--out", tmp_path / "out"
    )
    assert run.exit_code == 0, run.output
    assert (
        "SIU029" in run.output and "SIU203" not in run.output and "SIU441" in run.output
    )  # XML from SAP: said why not
    check_delivery(tmp_path / "out" / "SIU_101_2025_voksen.xml", export)


def test_with_the_delimiter_given_the_lines_still_get_their_art(tmp_path: Path, siu: Callable[..., object]) -> None:
    export = generate("sap", "fbl3n_tab", tmp_path, count=300, seed=5)
    config = _config(tmp_path)
    run = siu(
        "convert",
        export.path,
        "--source",
        "sap",
        "--config",
        config,
        "--delimiter",
        "tab",
        "--out",
        tmp_path / "out",
        "--lang",
        "en",
    )
    assert run.exit_code == 0, run.output
    assert "the art was taken from the G/L account (Finanskonto) on 300 lines" in " ".join(run.output.split())


def test_art_from_artskonto_turns_the_g_l_account_off(tmp_path: Path, siu: Callable[..., object]) -> None:
    export = generate("sap", "fbl3n_tab", tmp_path, count=50, seed=6)
    config = _config(tmp_path, art_from="artskonto")
    run = siu("validate", export.path, "--source", "sap", "--config", config)
    assert run.exit_code == 1 and "SIU203" in run.output and "SIU029" not in run.output


def test_an_unknown_art_source_is_a_reading_option_error(tmp_path: Path) -> None:
    export = generate("sap", "fbl3n_tab", tmp_path, count=5, seed=7)
    result = read_back(export, art_from="hkont")
    assert result.postings == [] and result.codes() == ["SIU023"]
    assert "art_from" in result.findings[0].message_da and "art_from" in result.findings[0].message_en


def test_an_artskonto_column_wins_over_the_g_l_account(tmp_path: Path) -> None:
    path = tmp_path / "own.txt"
    path.write_text(
        "Tildeling\tFinanskonto\tArtskonto\tBeløb\n0101601235\t53850104\t40110000\t100,00\n", encoding="utf-8"
    )
    result = read_back(Export(path=path, source="sap", layout="own", lines=[], rows=[]), period="posting_month")
    assert result.postings[0].dims["artskonto"] == "40110000" and "SIU029" not in result.codes()


def test_held_out_fbl3n_converts_with_no_option_but_the_source(tmp_path: Path, siu: Callable[..., object]) -> None:
    for item in HELD_OUT.iterdir():
        shutil.copy(item, tmp_path / item.name)
    run = siu("convert", "--source", "sap", "fbl3n.txt")  # siu.toml in the working folder
    assert run.exit_code == 0, run.output
    # SAP reports through IDEP (DST's answer): the Excel template, in whole kroner
    assert "SIU440" in run.output
    sheet = load_workbook(tmp_path / "SIU_101_2025_voksen.xlsx", read_only=True)["Indberetning"]
    header, *lines = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    col = {name: header.index(name) for name in ("PsrID", "Paragraf", "Beløb")}
    amounts = [Decimal(str(line[col["Beløb"]])) for line in lines]
    # six postings; the three '*' subtotals and the '**' grand total (87.201,00) are not lines
    assert len(amounts) == 6 and sum(amounts) == Decimal("87201")
    assert sorted(line[col["Paragraf"]] for line in lines) == [
        "SEL107",
        "SEL108",
        "SEL108",
        "SEL108",
        "SEL110",
        "SEL110",
    ]
    assert "TAB" in run.output and "SIU029" in run.output
    # the CPR inside the assignment text was read, and said so
    assert "SIU027" in run.output and "2208902468" in {line[col["PsrID"]] for line in lines}


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CELL = st.text(alphabet="abcæø019 ;,|.-*/", max_size=12)


@given(
    st.integers(min_value=2, max_value=8).flatmap(
        lambda n: st.lists(st.lists(_CELL, min_size=n, max_size=n), min_size=1, max_size=30)
    )
)
def test_a_table_with_the_same_number_of_tabs_on_every_line_is_tab(rows: list[list[str]]) -> None:
    sample = "\n".join("\t".join(row) for row in rows) + "\n"
    lines = [line for line in sample.splitlines() if line.strip()]
    if lines:  # (rows of blank cells only are blank lines)
        assert detect_delimiter(sample) == "\t"


def test_mapping_init_drafts_rules_per_cost_centre_when_the_g_l_account_is_the_art(
    tmp_path: Path, siu: Callable[..., object]
) -> None:
    for item in HELD_OUT.iterdir():
        shutil.copy(item, tmp_path / item.name)
    (tmp_path / "mapping.toml").unlink()
    (tmp_path / "siu.toml").write_text(
        'kommune = "101"\nyear = 2025\n[source.sap]\nperiod = "posting_month"\n', encoding="utf-8"
    )
    run = siu("mapping", "init", "--source", "sap", "fbl3n.txt", "--out", "draft.toml")
    assert run.exit_code == 0, run.output
    draft = (tmp_path / "draft.toml").read_text(encoding="utf-8")
    # three cost centres, three rules; the G/L accounts (40110000, 40130000, 77100000) are arts
    assert draft.count("[[rule]]") == 3 and "gl_account =" not in draft


def test_an_unmapped_line_names_the_g_l_account_once() -> None:
    from siu.mapping import describe_dims

    dims = {"cost_centre": "5385010001", "gl_account": "40110000", "artskonto": "40110000"}
    assert describe_dims(dims) == "omk.sted 5385010001, finanskonto 40110000"
    assert (
        describe_dims({**dims, "artskonto": "40120000"}, "en")
        == "cost centre 5385010001, G/L account 40110000, artskonto 40120000"
    )
