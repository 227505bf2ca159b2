"""Options never dropped (issue 15, point 2): a combination siu cannot honour is a usage error
(exit 2) that says why; a setting in siu.toml that a flag overrides is noted, never lost."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

ADULT = [("0101601235", "5.38.50.1.001.4.0", "42.500,00", "01.01.2026", "31.01.2026")]
CHILD = [("0202124234", "5.28.20.1.001.4.0", "61.000,00", "01.01.2026", "31.03.2026")]


def _extract(tmp_path: Path, year: int = 2026) -> list[str]:
    path = tmp_path / "sag.csv"
    rows = (
        [tuple(c.replace("2026", str(year)) for c in r) for r in ADULT + CHILD]
        if year == 2026
        else [tuple(c.replace("2026", str(year)) for c in r) for r in ADULT]
    )
    path.write_text("Cpr;Kontostreng;Beløb;Fra;Til\n" + "".join(";".join(r) + "\n" for r in rows), encoding="utf-8")
    columns = tmp_path / "kolonner.toml"
    columns.write_text(
        '[columns]\ncpr = "Cpr"\nkontostreng = "Kontostreng"\namount = "Beløb"\nstart = "Fra"\nend = "Til"\n',
        encoding="utf-8",
    )
    return ["--source", "csv", str(path), "--columns", str(columns), "--kommune", "101", "--year", str(year)]


def _config(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "siu.toml"
    path.write_text(text, encoding="utf-8")
    return ["--config", str(path)]


# --- --split and the area ----------------------------------------------------------------------


def test_split_overrides_the_area_from_siu_toml_and_says_so(siu, tmp_path):
    """The issue: with area = "voksen" in siu.toml (the guide's sample) --split was dropped and the
    children's file, a full load of its own, was never written for 2026."""
    run = siu(
        "convert", *_extract(tmp_path), *_config(tmp_path, 'area = "voksen"\n'), "--split", "--out", tmp_path / "ud"
    )
    assert run.exit_code == 0, run.output
    assert sorted(p.name for p in (tmp_path / "ud").glob("*.xml")) == [
        "SIU_101_2026_boern.xml",
        "SIU_101_2026_voksen.xml",
    ]
    assert "SIU036" in run.stdout and 'siu.toml angiver area = "voksen", men --split' in run.stdout


def test_split_with_one_area_on_the_command_line_is_a_usage_error(siu, tmp_path):
    run = siu("convert", *_extract(tmp_path), "--split", "--area", "voksen", "--out", tmp_path / "ud", "--lang", "en")
    assert run.exit_code == 2 and run.exception is None
    assert "--split writes one file per area and cannot be used with --area voksen" in run.output
    assert not (tmp_path / "ud").exists()


def test_split_with_both_areas_on_the_command_line_is_fine(siu, tmp_path):
    run = siu(
        "convert",
        *_extract(tmp_path),
        *_config(tmp_path, 'area = "voksen"\n'),
        "--split",
        "--area",
        "begge",
        "--out",
        tmp_path / "ud",
    )
    assert run.exit_code == 0, run.output
    assert len(list((tmp_path / "ud").glob("*.xml"))) == 2 and "SIU036" not in run.stdout


def test_split_needs_a_folder_in_a_one_area_year_too(siu, tmp_path):
    run = siu("convert", *_extract(tmp_path, year=2025), "--split", "--out", tmp_path / "leverance.xml")
    assert run.exit_code == 2 and "--out skal være en mappe" in run.output
    assert not (tmp_path / "leverance.xml").exists()


# --- options that apply to something absent ----------------------------------------------------


def test_tolerance_without_accounts_is_a_usage_error(siu, tmp_path):
    run = siu("validate", *_extract(tmp_path), "--tolerance", "100")
    assert run.exit_code == 2 and "--tolerance" in run.output and "--accounts" in run.output


def test_sheet_with_text_inputs_only_is_a_usage_error(siu, tmp_path):
    run = siu("validate", *_extract(tmp_path), "--sheet", "Data")
    assert run.exit_code == 2 and "--sheet gælder regneark" in run.output


def test_encoding_or_delimiter_with_workbooks_only_is_a_usage_error(siu, tmp_path):
    wb = Workbook()
    wb.active.append(["CPR", "Beløb", "Fra", "Til", "Kontostreng"])
    wb.active.append(["0101601235", 100, "01.01.2025", "31.01.2025", "5.38.50.1.001.4.0"])
    wb.save(tmp_path / "x.xlsx")
    for flag, value in (("--encoding", "cp1252"), ("--delimiter", ";")):
        run = siu("validate", "-s", "csv", tmp_path / "x.xlsx", "-k", "101", "-y", "2025", flag, value)
        assert run.exit_code == 2 and f"{flag} gælder tekstfiler" in run.output, run.output
    run = siu("validate", "-s", "csv", tmp_path / "x.xlsx", "-k", "101", "-y", "2025", "--sheet", "Sheet")
    assert run.exit_code in (0, 1), "--sheet with a workbook is honoured"


def test_mapping_check_refuses_a_sheet_for_text_inputs(siu, demo_dir, tmp_path):
    run = siu(
        "mapping",
        "check",
        "-s",
        "opus",
        demo_dir / "opus-udtraek-2025.csv",
        "--config",
        demo_dir / "siu.toml",
        "--sheet",
        "X",
    )
    assert run.exit_code == 2 and "--sheet" in run.output


# --- the language ------------------------------------------------------------------------------


def test_an_unknown_language_is_a_usage_error_not_danish(siu, demo_dir):
    run = siu(
        "validate", "-s", "opus", demo_dir / "opus-udtraek-2025.csv", "--config", demo_dir / "siu.toml", "--lang", "fr"
    )
    assert run.exit_code == 2 and "Unknown language 'fr'" in run.output and run.exception is None


def test_lang_in_siu_toml_applies_unless_the_flag_is_given(siu, demo_dir, tmp_path):
    text = (
        (demo_dir / "siu.toml")
        .read_text(encoding="utf-8")
        .replace('mapping = "mapping.toml"', f'mapping = "{(demo_dir / "mapping.toml").as_posix()}"\nlang = "en"')
    )
    config = _config(tmp_path, text)
    run = siu("validate", "-s", "opus", demo_dir / "opus-udtraek-2025.csv", *config)
    assert run.exit_code == 0 and "READY — but the format is provisional" in run.stdout, run.output
    run = siu("validate", "-s", "opus", demo_dir / "opus-udtraek-2025.csv", *config, "--lang", "da")
    assert run.exit_code == 0 and "KLAR — men formatet er foreløbigt" in run.stdout


def test_an_unknown_lang_in_siu_toml_is_a_usage_error(siu, demo_dir, tmp_path):
    run = siu(
        "validate",
        "-s",
        "opus",
        demo_dir / "opus-udtraek-2025.csv",
        *_config(tmp_path, 'kommune = "101"\nlang = "fr"\n'),
    )
    assert run.exit_code == 2 and "lang" in run.output


# --- outputs and sources that would be lost -----------------------------------------------------


def test_two_reports_to_one_file_is_a_usage_error(siu, tmp_path):
    run = siu("validate", *_extract(tmp_path), "--report-json", tmp_path / "r", "--report-xlsx", tmp_path / "r")
    assert run.exit_code == 2 and "samme fil" in run.output and not (tmp_path / "r").exists()


def test_an_output_onto_an_input_is_a_usage_error(siu, tmp_path):
    args = _extract(tmp_path)
    source = tmp_path / "sag.csv"
    before = source.read_bytes()
    for extra in (["--report-json", str(source)], ["--out", str(source)]):
        run = siu("convert", *args, *extra)
        assert run.exit_code == 2 and "både input og output" in run.output, run.output
        assert source.read_bytes() == before


def test_a_source_no_input_uses_is_a_usage_error(siu, demo_dir):
    run = siu(
        "validate", f"opus:{demo_dir / 'opus-udtraek-2025.csv'}", "--source", "sap", "--config", demo_dir / "siu.toml"
    )
    assert run.exit_code == 2 and "--source bruges ikke" in run.output


def test_every_command_refuses_an_unknown_language(siu, demo_dir):
    for args in (
        ["specs", "show", "2025"],
        [
            "mapping",
            "check",
            "-s",
            "opus",
            str(demo_dir / "opus-udtraek-2025.csv"),
            "--config",
            str(demo_dir / "siu.toml"),
        ],
        ["explain", "SIU101"],
        ["plugins"],
    ):
        run = siu(*args, "--lang", "de")
        assert run.exit_code == 2 and "Unknown language 'de'" in run.output, args


def test_mapping_init_and_check_refuse_inputs_without_postings(siu, demo_dir, tmp_path):
    header = (demo_dir / "opus-udtraek-2025.csv").read_bytes().splitlines()[0] + b"\r\n"
    empty = tmp_path / "tom.csv"
    empty.write_bytes(header)
    run = siu("mapping", "init", "-s", "opus", empty, "--out", tmp_path / "m.toml")
    assert run.exit_code == 2 and "Ingen posteringer i tom.csv" in run.output and not (tmp_path / "m.toml").exists()
    run = siu("mapping", "check", "-s", "opus", empty, "--config", demo_dir / "siu.toml")
    assert run.exit_code == 2 and "Ingen posteringer" in run.output


def test_a_source_section_for_no_source_is_a_usage_error(siu, demo_dir, tmp_path):
    """A typo such as [source.opsu] would drop its settings (e.g. the period rule) without a word."""
    text = (demo_dir / "siu.toml").read_text(encoding="utf-8").replace(
        'mapping = "mapping.toml"', f'mapping = "{(demo_dir / "mapping.toml").as_posix()}"'
    ) + '\n[source.opsu]\nperiod = "posting_month"\n'
    run = siu("validate", "-s", "opus", demo_dir / "opus-udtraek-2025.csv", *_config(tmp_path, text))
    assert run.exit_code == 2 and "[source.opsu]" in run.output and "opus" in run.output
    run = siu(
        "validate", "-s", "opus", demo_dir / "opus-udtraek-2025.csv", *_config(tmp_path, text.replace("opsu", "opus"))
    )
    assert run.exit_code == 0, run.output


def test_split_in_a_one_area_year_writes_that_area_without_a_note(siu, tmp_path):
    run = siu(
        "convert",
        *_extract(tmp_path, year=2025),
        *_config(tmp_path, 'area = "voksen"\n'),
        "--split",
        "--out",
        tmp_path / "ud",
    )
    assert run.exit_code == 0, run.output
    assert [p.name for p in (tmp_path / "ud").glob("*.xml")] == [
        "SIU_101_2025_voksen.xml"
    ] and "SIU036" not in run.stdout
