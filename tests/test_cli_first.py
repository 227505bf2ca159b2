"""The first hour with the command line (issue 19): full-width reports to a pipe, ``siu init``,
help in one language at a time, ``siu --version``."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from siu.findings import CATALOGUE


def test_report_to_a_pipe_is_not_wrapped_or_cut(siu, demo_dir: Path, tmp_path: Path, monkeypatch) -> None:
    # CliRunner's stdout is not a terminal; an 80-column COLUMNS must not narrow the report either
    monkeypatch.setenv("COLUMNS", "80")
    long_name = "opus-udtraek-2025-" + "meget-langt-filnavn-" * 6 + ".csv"
    export = tmp_path / long_name
    shutil.copyfile(demo_dir / "opus-udtraek-2025.csv", export)
    run = siu("validate", "--source", "opus", "--config", demo_dir / "siu.toml", export)
    assert run.exit_code in (0, 1), run.output
    lines = run.stdout.splitlines()
    input_line = next(line for line in lines if "SHA-256" in line)
    assert long_name in input_line  # the whole name and the whole SHA-256 on one line
    assert re.search(r"SHA-256 [0-9a-f]{64}\b", input_line)
    assert "…" not in run.stdout.replace("… og", "").replace("… and", "")  # no cell cut with an ellipsis
    rows = [line.split("│") for line in lines if line.startswith("│ SIU")]
    assert rows
    for row in rows:  # each row of the findings table on one line, its description whole
        assert row[4].strip() == CATALOGUE[row[1].strip()].title_da
    assert max(len(line) for line in lines) > 80


def test_init_writes_a_commented_siu_toml_with_only_safe_settings(siu, tmp_path: Path) -> None:
    import tomllib

    run = siu("init", "--kommune", "7", "--year", "2026")
    assert run.exit_code == 0, run.output
    text = (tmp_path / "siu.toml").read_text(encoding="utf-8")
    settings = tomllib.loads(text)
    assert settings["kommune"] == "007" and settings["year"] == 2026
    assert "Kommunekoden" in text and "municipality" not in text  # Danish comments by default
    active = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert not any(line.startswith(("area", "period", "[severity]", "[source")) for line in active)
    assert "mapping" not in settings  # the user has no mapping yet: commented out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["siu.toml"]
    # siu reads what it wrote
    from siu.base.config import load_settings

    assert load_settings(tmp_path / "siu.toml").kommune == "007"


def test_init_in_english_and_the_refusal_to_overwrite(siu, tmp_path: Path) -> None:
    import tomllib

    assert siu("init", "--kommune", "101", "--year", "2025", "--lang", "en").exit_code == 0
    text = (tmp_path / "siu.toml").read_text(encoding="utf-8")
    assert "municipality code" in text and "Kommunekoden" not in text
    assert tomllib.loads(text)["lang"] == "en"  # chosen in English: siu answers in English from now on
    (tmp_path / "siu.toml").write_text("# mine\n", encoding="utf-8")
    again = siu("init", "--kommune", "101", "--year", "2025")
    assert again.exit_code == 2
    assert "--force" in again.stderr and "siu.toml" in again.stderr
    assert (tmp_path / "siu.toml").read_text(encoding="utf-8") == "# mine\n"  # untouched
    assert siu("init", "--kommune", "101", "--year", "2025", "--force").exit_code == 0
    assert 'kommune = "101"' in (tmp_path / "siu.toml").read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".siu-tmp")]  # no temporary file left


def test_init_needs_a_municipality_and_a_year(siu, tmp_path: Path) -> None:
    assert siu("init").exit_code == 2
    assert siu("init", "--kommune", "12345", "--year", "2025").exit_code == 2
    assert not (tmp_path / "siu.toml").exists()


def test_init_demo_makes_the_guides_commands_run_as_printed(siu, tmp_path: Path, demo_dir: Path) -> None:
    run = siu("init", "--demo")
    assert run.exit_code == 0, run.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["export.csv", "mapping.toml", "saldobalance.csv", "siu.toml"]
    assert (tmp_path / "export.csv").read_bytes() == (demo_dir / "opus-udtraek-2025.csv").read_bytes()
    checked = siu("validate", "--source", "opus", "export.csv", "--accounts", "saldobalance.csv")
    assert checked.exit_code == 0, checked.output
    assert "SIU500" in checked.stdout and "SIU501" not in checked.stdout  # the trial balance agrees
    assert siu("mapping", "check", "--source", "opus", "export.csv").exit_code == 0
    converted = siu("convert", "--source", "opus", "export.csv")
    assert converted.exit_code == 0, converted.output
    assert (tmp_path / "SIU_101_2025_voksen.xml").is_file()


def test_demo_says_where_its_files_are(siu, demo_dir: Path) -> None:
    run = siu("demo", "--lang", "en")
    assert run.exit_code == 0, run.output
    assert str(demo_dir) in run.stdout and "siu init --demo" in run.stdout


# --- help in one language at a time --------------------------------------------------------------


def _commands() -> list[tuple[str, object]]:
    import typer

    from siu.cli import app
    from siu.cli.language import walk

    return list(walk(typer.main.get_command(app)))


def test_every_option_of_every_command_has_help_in_both_languages() -> None:
    from siu.cli.language import localise, lookup, param_name, params_of
    from siu.cli.texts import COMMAND_HELP, OPTION_HELP

    commands = _commands()
    assert len(commands) > 15  # the walk reaches the groups' commands too
    for lang in ("da", "en"):
        root = commands[0][1]
        localise(root, lang)
        for path, command in _commands_after(root):
            assert COMMAND_HELP[path][int(lang == "en")].strip(), path
            for param in params_of(command):
                name = param_name(param)
                texts = lookup(OPTION_HELP, path, name)
                assert texts is not None and all(t.strip() for t in texts), f"{path} {name}"
                assert param.help == texts[int(lang == "en")]
                placeholder = param.metavar or ""
                for word in ("<", "bool", "list[", "range", "str", "int", "float", "path"):
                    assert word not in placeholder.lower(), f"{path} {name}: {placeholder}"


def _commands_after(root: object) -> list[tuple[str, object]]:
    from siu.cli.language import walk

    return list(walk(root))


def test_the_tables_hold_no_text_no_command_uses() -> None:
    from siu.cli.language import param_name, params_of
    from siu.cli.texts import COMMAND_HELP, OPTION_HELP

    used = set()
    for path, command in _commands():
        used.add(path)
        for param in params_of(command):
            used.update({param_name(param), f"{path}|{param_name(param)}"})
    assert set(COMMAND_HELP) <= used
    assert set(OPTION_HELP) <= used


def test_help_reads_in_danish_by_default_and_in_english_with_lang_en(siu) -> None:
    for path, _ in _commands():
        args = [*path.split(), "--help"] if path else ["--help"]
        da = siu(*args)
        en = siu(*args, "--lang", "en")
        assert da.exit_code == 0 and en.exit_code == 0, (path, da.output, en.output)
        assert "Brug:" in da.stdout and "Tilvalg" in da.stdout
        for english in ("Usage", "Options", "Show this message", "[default", "[required"):
            assert english not in da.stdout, (path, english)
        assert "Usage:" in en.stdout and "Brug:" not in en.stdout and "Tilvalg" not in en.stdout
        for text in (da.stdout, en.stdout):
            for word in ("<", "list[", "range]", "x>="):
                assert word not in text, (path, word)


def test_help_language_from_siu_lang_and_siu_toml(siu, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SIU_LANG", "en")
    assert "Usage:" in siu("validate", "--help").stdout
    monkeypatch.delenv("SIU_LANG")
    (tmp_path / "siu.toml").write_text('lang = "en"\n', encoding="utf-8")
    assert "Usage:" in siu("validate", "--help").stdout
    assert "Brug:" in siu("validate", "--help", "--lang", "da").stdout  # the flag wins


def test_click_errors_in_danish(siu) -> None:
    unknown = siu("validate", "--strick", "x.csv")
    assert unknown.exit_code == 2
    assert "Ukendt tilvalg: --strick" in unknown.stderr and "No such option" not in unknown.stderr
    assert "Prøv 'siu validate --help' for hjælp" in unknown.stderr
    assert "Mangler argumentet 'FIL'" in siu("validate").stderr
    assert "Mente du 'validate'?" in siu("valdate").stderr
    negative = siu("validate", "--tolerance", "-1", "x.csv")
    assert negative.exit_code == 2 and "skal være mindst 0" in negative.stderr
    english = siu("validate", "--tolerance", "-1", "x.csv", "--lang", "en")
    assert "must be at least 0" in english.stderr and "Ugyldig" not in english.stderr


def test_flags_take_no_value(siu) -> None:
    wrong = siu("validate", "--strict", "true", "x.csv")
    assert wrong.exit_code == 2 and "skriv --strict, ikke --strict true" in wrong.stderr
    text = siu("validate", "--help", "--lang", "en").stdout
    strict = next(line for line in text.splitlines() if "--strict" in line)
    assert "BOOL" not in strict.upper().replace("BOOLEAN", "")


def test_version(siu) -> None:
    from siu import __version__

    for flag in ("--version", "-V"):
        run = siu(flag)
        assert run.exit_code == 0
        assert run.stdout.strip() == f"siu {__version__}"


def test_siu_lang_sets_the_language_of_commands_too(siu, monkeypatch) -> None:
    english = siu("explain", "SIU101", "--lang", "en").stdout
    assert english != siu("explain", "SIU101").stdout
    monkeypatch.setenv("SIU_LANG", "en")
    assert siu("explain", "SIU101").stdout == english
    assert siu("explain", "SIU101", "--lang", "da").stdout != english  # the flag wins
    monkeypatch.setenv("SIU_LANG", "fr")
    assert siu("explain", "SIU101").exit_code == 2
