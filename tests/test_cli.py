"""The command line: exit codes, usage errors in Danish and English, no tracebacks, atomic output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from siu.specpack import BUILTIN_DIR


def _demo_args(demo_dir: Path, *extra: str) -> list[str]:
    return ["--source", "opus", str(demo_dir / "opus-udtraek-2025.csv"), "--config", str(demo_dir / "siu.toml"), *extra]


def test_convert_writes_a_valid_delivery_and_exits_0(siu, demo_dir, tmp_path):
    run = siu("convert", *_demo_args(demo_dir, "--out", str(tmp_path / "out")))
    assert run.exit_code == 0, run.output
    target = tmp_path / "out" / "SIU_101_2025_voksen.xml"
    assert target.exists()
    schema = etree.XMLSchema(etree.parse(str(BUILTIN_DIR / "2025" / "siu.xsd")))
    assert schema.validate(etree.parse(str(target)))
    assert "KLAR — men formatet er foreløbigt" in run.stdout
    assert not list((tmp_path / "out").glob("*.tmp")), "no temporary file may be left behind"


def test_validate_writes_nothing(siu, demo_dir, tmp_path):
    run = siu("validate", *_demo_args(demo_dir))
    assert run.exit_code == 0, run.output
    assert not list(tmp_path.rglob("*.xml"))


def test_english_report(siu, demo_dir):
    run = siu("validate", *_demo_args(demo_dir, "--lang", "en"))
    assert "READY — but the format is provisional" in run.stdout
    assert "Totals per paragraph" in run.stdout


def test_unknown_source_lists_the_available_ones(siu, demo_dir):
    run = siu(
        "convert", "--source", "nosuch", str(demo_dir / "opus-udtraek-2025.csv"), "--kommune", "101", "--year", "2025"
    )
    assert run.exit_code == 2
    assert "Ukendt kilde 'nosuch'" in run.output
    for name in ("opus", "sap", "excel", "csv"):
        assert name in run.output
    assert run.exception is None


def test_missing_input_file_is_a_usage_error(siu):
    run = siu("convert", "--source", "opus", "findes-ikke.csv", "--kommune", "101", "--year", "2025")
    assert run.exit_code == 2
    assert "findes ikke" in run.output
    assert "Traceback" not in run.output


def test_missing_kommune_is_a_usage_error_in_english_too(siu, demo_dir):
    run = siu("validate", "--source", "opus", str(demo_dir / "opus-udtraek-2025.csv"), "--year", "2025", "--lang", "en")
    assert run.exit_code == 2
    assert "municipality code is missing" in run.output


def test_unknown_kommune_code(siu, demo_dir):
    run = siu("validate", *_demo_args(demo_dir, "--kommune", "999"))
    assert run.exit_code == 2
    assert "Ukendt kommunekode: 999" in run.output


def test_year_without_spec_pack(siu, demo_dir):
    run = siu("validate", *_demo_args(demo_dir, "--year", "1999"))
    assert run.exit_code == 2
    assert "1999" in run.output


def test_errors_exit_1_and_write_no_delivery(siu, demo_dir, tmp_path):
    broken = tmp_path / "broken.csv"
    text = (demo_dir / "opus-udtraek-2025.csv").read_bytes().decode("cp1252")
    # remove the end date of the first posting: SIU111 is an error
    text = text.replace("01.01.2025;31.01.2025;Bakkehuset jan 2025", "01.01.2025;;Bakkehuset jan 2025", 1)
    broken.write_bytes(text.encode("cp1252"))
    run = siu(
        "convert",
        "--source",
        "opus",
        str(broken),
        "--config",
        str(demo_dir / "siu.toml"),
        "--out",
        str(tmp_path / "out"),
    )
    assert run.exit_code == 1, run.output
    assert "SIU111" in run.stdout
    assert "IKKE KLAR" in run.stdout
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_existing_delivery_is_untouched_when_a_new_one_fails(siu, demo_dir, tmp_path):
    out = tmp_path / "SIU.xml"
    out.write_text("previous delivery")
    broken = tmp_path / "broken.csv"
    text = (demo_dir / "opus-udtraek-2025.csv").read_bytes().decode("cp1252").replace("010160-1235", "", 1)
    broken.write_bytes(text.encode("cp1252"))
    run = siu("convert", "--source", "opus", str(broken), "--config", str(demo_dir / "siu.toml"), "--out", str(out))
    assert run.exit_code == 1
    assert out.read_text() == "previous delivery"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_input_is_never_modified(siu, demo_dir, tmp_path):
    src = tmp_path / "in.csv"
    shutil.copy(demo_dir / "opus-udtraek-2025.csv", src)
    before = src.read_bytes()
    siu("convert", "--source", "opus", str(src), "--config", str(demo_dir / "siu.toml"), "--out", str(tmp_path))
    assert src.read_bytes() == before


def test_bad_config_file_is_a_usage_error(siu, tmp_path, demo_dir):
    cfg = tmp_path / "siu.toml"
    cfg.write_text("kommune = [unclosed")
    run = siu("validate", "--source", "opus", str(demo_dir / "opus-udtraek-2025.csv"), "--config", str(cfg))
    assert run.exit_code == 2
    assert "ikke gyldig TOML" in run.output


def test_unknown_setting_in_config_is_named(siu, tmp_path, demo_dir):
    cfg = tmp_path / "siu.toml"
    cfg.write_text('kommune = "101"\nyear = 2025\nkommun = "x"\n')
    run = siu("validate", "--source", "opus", str(demo_dir / "opus-udtraek-2025.csv"), "--config", str(cfg))
    assert run.exit_code == 2
    assert "kommun" in run.output


@pytest.mark.parametrize("code", ["SIU101", "SIU111", "SIU201"])
def test_explain_prints_the_rule_documentation(siu, code):
    run = siu("explain", code)
    assert run.exit_code == 0
    assert code in run.stdout
    assert len(run.stdout.splitlines()) >= 2


def test_explain_unknown_code(siu):
    run = siu("explain", "SIU999999")
    assert run.exit_code == 2


def test_no_full_cpr_in_console_output(siu, demo_dir, tmp_path):
    import re

    broken = tmp_path / "bad.csv"
    text = (demo_dir / "opus-udtraek-2025.csv").read_bytes().decode("cp1252").replace("010160-1235", "320160-1235", 1)
    broken.write_bytes(text.encode("cp1252"))
    run = siu("validate", "--source", "opus", str(broken), "--config", str(demo_dir / "siu.toml"))
    assert "SIU103" in run.stdout
    assert "320160-xxxx" in run.stdout
    assert not re.search(r"(?<!\d)\d{6}-?\d{4}(?!\d)", run.output)
