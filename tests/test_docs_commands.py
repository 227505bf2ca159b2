"""Every command shown in README.md and the user guides runs as printed (issue 19, point 8).

Each guide is followed the way a reader follows it: in one fresh folder, top to bottom. The
guide's first command is ``siu init --kommune 101 --year 2025 --demo``, which writes
``siu.toml``, ``export.csv``, ``mapping.toml`` and ``saldobalance.csv``; every ``siu …`` line
of every ```` ```bash ```` block then runs in that folder (in-process, through the same Typer
app as the ``siu`` command). Lines that are not ``siu`` commands (``python3 -m venv``, ``pip``)
install siu and are not run here.

A line passes when it exits with 0 (and a ``siu convert`` says "Leverance skrevet:"), unless the
HTML comment before its block says otherwise.
That comment is part of the guide's source (invisible on the rendered page)::

    <!-- docs-test
    files: fbl3n.txt=sap-fbl3n salg.xlsx=revenues-xlsx
    siu validate --source sap fbl3n.txt → exit 1, "SIU201"
    siu deliver SIU_101_2025_voksen.xml → not run: sends the file to DST's server
    -->

``files:`` names files the guide uses but ``siu init`` does not write, each made by a generator
below (from tests/exports.py), before the block runs. ``COMMAND → exit N, "text", …`` sets the
exit code and lines the output must contain; ``→ not run: REASON`` skips a command that needs a
server or a browser (the reason stays in the guide's source, so keep such lines few).
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import exports
from siu.cli import app
from siu.demo import DEMO_DIR
from siu.specpack import BUILTIN_DIR

ROOT = Path(__file__).resolve().parent.parent
GUIDES = [
    "README.md",
    "docs/user-guide.md",
    "docs/brugervejledning.md",
    "docs/mapping.md",
    "docs/excel-and-csv.md",
    "docs/delivery.md",
    "docs/levering.md",
    "docs/web.md",
    "docs/web-da.md",
]
INIT = "siu init --kommune 101 --year 2025 --demo"
BLOCK = re.compile(r"(?:<!-- docs-test\n(?P<notes>.*?)-->\n)?(?P<indent>[ ]*)```bash\n(?P<body>.*?)\n[ ]*```", re.S)
EXPECT = re.compile(r"^(?P<command>siu .*?) → (?P<what>.*)$")


# --- files a guide uses that `siu init --demo` does not write -----------------------------------


def _sap_fbl3n(path: Path) -> None:
    exports.sap_fbl3n_tab(path, exports.make_lines(30, 1, "sap"))


def _revenues_xlsx(path: Path) -> None:
    """DST's Excel template holding sales of places (revenues) for two of the demo's citizens."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Indberetning"
    ws.append(["PsrID", "KONTOSTRENG", "Paragraf", "Beløb", "Startdato", "Slutdato"])
    ws.append(["0101601235", "53850100171", "SEL108", -2500, dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 31)])
    ws.append(["1503722468", "53850100171", "SEL108", -1750.5, dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 31)])
    wb.save(path)


def _dst_template(path: Path) -> None:
    """An empty Excel template with the columns of DST's (sheet and header row only)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Indberetning"
    ws.append(["PsrID", "KONTOSTRENG", "Paragraf", "Beløb", "Startdato", "Slutdato"])
    wb.save(path)


GENERATORS: dict[str, Callable[[Path], None]] = {
    "sap-fbl3n": _sap_fbl3n,
    "revenues-xlsx": _revenues_xlsx,
    "dst-xsd-2025": lambda path: shutil.copy(BUILTIN_DIR / "2025" / "siu.xsd", path),  # a stand-in for DST's XSD
    "dst-template": _dst_template,
}


def siu_init(folder: Path) -> None:
    """The guides' first step, ``siu init --kommune 101 --year 2025 --demo``, run in ``folder``."""
    result = CliRunner().invoke(app, ["init", "--kommune", "101", "--year", "2025", "--demo"])
    assert result.exit_code == 0, result.output
    assert (folder / "export.csv").is_file() and (folder / "saldobalance.csv").is_file()


# --- reading the guides ---------------------------------------------------------------------


@dataclass
class Step:
    """One ``siu`` line of a guide and what it must do."""

    guide: str
    command: str
    exit_code: int = 0
    expect: list[str] = field(default_factory=list)
    not_run: str | None = None
    files: dict[str, str] = field(default_factory=dict)  # made before this step: name → generator


def _strip_comment(line: str) -> str:
    """The command without its trailing ``# comment`` (the guides quote no ``#``)."""
    return re.sub(r"\s+#.*$", "", line).strip()


def _default_lines(command: str, exit_code: int) -> list[str]:
    """What a successful run says when the guide names nothing: ``convert`` wrote its delivery."""
    if exit_code == 0 and command.startswith("siu convert"):
        return ["Delivery written:" if "--lang en" in command else "Leverance skrevet:"]
    return []


def steps(guide: str) -> list[Step]:
    """The guide's ``siu`` commands in order, with the expectations of their blocks."""
    text = (ROOT / guide).read_text(encoding="utf-8")
    out: list[Step] = []
    for block in BLOCK.finditer(text):
        notes = [n.strip() for n in (block.group("notes") or "").splitlines()]
        files = dict(f.split("=", 1) for n in notes if n.startswith("files:") for f in n[6:].split())
        expectations = {m.group("command").strip(): m.group("what") for n in notes if (m := EXPECT.match(n.strip()))}
        first = True
        for raw in block.group("body").splitlines():
            line = raw.strip()
            if line.startswith(".venv/bin/siu "):
                line = line.removeprefix(".venv/bin/")
            if not line.startswith("siu "):
                continue
            command = _strip_comment(line)
            step = Step(guide, command, files=files if first else {})
            first = False
            what = expectations.pop(command, "exit 0")
            if what.startswith("not run:"):
                step.not_run = what[8:].strip()
            else:
                code = re.match(r"exit (\d+)", what)
                assert code, f"{guide}: cannot read the expectation {what!r} of {command!r}"
                step.exit_code = int(code.group(1))
                step.expect = re.findall(r'"([^"]*)"', what) or _default_lines(command, step.exit_code)
            out.append(step)
        assert not expectations, f"{guide}: expectations name no command of their block: {sorted(expectations)}"
    return out


def test_every_guide_opens_with_siu_init():
    for guide in GUIDES:
        commands = steps(guide)
        assert commands, f"{guide} shows no siu command"
        if guide.startswith("docs/web"):
            continue  # the web guides show only `siu web` (not run: a browser)
        assert commands[0].command == INIT, f"{guide} must open with `{INIT}`, not `{commands[0].command}`"


def test_few_commands_are_not_run_and_each_says_why():
    skipped = [s for g in GUIDES for s in steps(g) if s.not_run]
    for step in skipped:
        needs = (
            step.command.split()[1] in ("deliver", "web") or "<" in step.command
        )  # a server, a browser, a placeholder
        assert needs, f"{step.guide}: {step.command} should run"
        assert len(step.not_run or "") > 10, f"{step.guide}: say why {step.command} is not run"
    assert len(skipped) <= 12


@pytest.mark.parametrize("guide", GUIDES)
def test_the_guides_commands_run_as_printed(guide, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    for var in ("SIU_DISABLE_PLUGINS", "SIU_TRACE_PLUGINS", "SIU_LANG"):
        monkeypatch.delenv(var, raising=False)
    runner = CliRunner()
    for step in steps(guide):
        for name, generator in step.files.items():
            GENERATORS[generator](tmp_path / name)
        if step.not_run:
            continue
        result = runner.invoke(app, shlex.split(step.command)[1:], catch_exceptions=True)
        output = result.output
        where = f"{guide}: `{step.command}`"
        assert result.exception is None or isinstance(result.exception, SystemExit), f"{where}: {result.exception!r}"
        assert result.exit_code == step.exit_code, f"{where} exits with {result.exit_code}\n{output}"
        for text in step.expect:
            assert text in output, f"{where}: the output lacks {text!r}\n{output}"


# --- the guides' settings ------------------------------------------------------------------------

USER_GUIDES = ["docs/user-guide.md", "docs/brugervejledning.md"]


def _toml_blocks(guide: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", (ROOT / guide).read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("guide", USER_GUIDES)
def test_the_guides_sample_settings_are_safe_to_copy(guide, tmp_path, monkeypatch):
    """The first siu.toml of the guide holds no setting that changes what is delivered without the
    reader's case calling for it; those stand commented out in an "only if" block, and the sample
    itself converts the demo."""
    import tomllib

    sample, only_if = _toml_blocks(guide)[:2]
    settings = tomllib.loads(sample)
    assert settings["kommune"] == "101" and settings["year"] == 2025
    assert "area" not in settings and "severity" not in settings and "source" not in settings
    assert tomllib.loads(only_if) == {}, "the 'only if' settings must be commented out"
    for setting in ('area = "', 'period = "posting_month"', 'SIU130 = "info"'):
        assert f"# {setting}" in only_if, setting
    monkeypatch.chdir(tmp_path)
    siu_init(tmp_path)
    (tmp_path / "siu.toml").write_text(sample, encoding="utf-8")
    result = CliRunner().invoke(app, ["convert", "export.csv"])
    assert result.exit_code == 0, result.output


def _unknown_header(folder: Path) -> Path:
    """The demo export with the amount column renamed to a header siu does not know."""
    text = (DEMO_DIR / "opus-udtraek-2025.csv").read_bytes().decode("cp1252")
    path = folder / "ukendt.csv"
    path.write_bytes(text.replace(";Beløb;", ";Beløb (kr.);", 1).encode("cp1252"))
    return path


@pytest.mark.parametrize("guide", USER_GUIDES)
def test_the_guides_aliases_line_reads_an_unknown_header(guide, tmp_path, monkeypatch):
    text = (ROOT / guide).read_text(encoding="utf-8")
    block = re.search(r"<!-- aliases-example -->\n```toml\n(.*?)```", text, re.S)
    assert block, f"{guide} must show the aliases line for an unknown header"
    monkeypatch.chdir(tmp_path)
    siu_init(tmp_path)
    path = _unknown_header(tmp_path)
    before = CliRunner().invoke(app, ["validate", "--source", "opus", path.name])
    assert before.exit_code == 1 and "SIU005" in before.output and "Beløb (kr.)" in before.output
    with (tmp_path / "siu.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n" + block.group(1))
    after = CliRunner().invoke(app, ["convert", "--source", "opus", path.name])
    assert after.exit_code == 0, after.output


def test_with_the_aliases_line_the_file_is_recognised_without_source(tmp_path, monkeypatch):
    text = (ROOT / "docs/user-guide.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- aliases-example -->\n```toml\n(.*?)```", text, re.S)
    assert block
    monkeypatch.chdir(tmp_path)
    siu_init(tmp_path)
    path = _unknown_header(tmp_path)
    with (tmp_path / "siu.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n" + block.group(1))
    result = CliRunner().invoke(app, ["convert", path.name])
    assert result.exit_code == 0, result.output
