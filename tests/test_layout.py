"""The layout (issue 13): folders by stage, import rules checked by import-linter, no circles."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"
PACKAGES = ["siu", "siu_opus", "siu_sap", "siu_excel", "siu_csv"]


def _lint(config: Path, pythonpath: list[Path] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
    return subprocess.run(
        [str(LINT), "--config", str(config), "--no-cache"], capture_output=True, text=True, env=env, cwd=config.parent
    )


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    """siu and its built-in plugins copied beside the project's import contracts."""
    shutil.copytree(
        ROOT / "core" / "siu",
        tmp_path / "src" / "siu",
        ignore=shutil.ignore_patterns("__pycache__", "specs", "demo", "static"),
    )
    for plugin in (ROOT / "plugins").iterdir():
        for pkg in plugin.glob("siu_*"):
            shutil.copytree(pkg, tmp_path / "src" / pkg.name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold_on_the_copy(copy: Path) -> None:
    run = _lint(copy / "pyproject.toml", [copy / "src"])
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


@pytest.mark.parametrize(
    ("where", "line", "contract"),
    [
        ("siu/check/_violation.py", "import siu.report.console\n", "Checks never import writers or reports BROKEN"),
        (
            "siu/report/_violation.py",
            "from siu.convert import run\n",
            "Reports and writers never import the CLI or the run BROKEN",
        ),
        ("siu/web/_violation.py", "import siu.cli\n", "Nothing imports the CLI BROKEN"),
        ("siu_csv/_violation.py", "from siu.base import cpr\n", "Plugins import only the public face of siu BROKEN"),
        (
            "siu/base/_violation.py",
            "import siu.check.ledger\n",
            "Stages only import stages below them (no circles between folders) BROKEN",
        ),
    ],
)
def test_a_violating_module_breaks_its_contract(copy: Path, where: str, line: str, contract: str) -> None:
    (copy / "src" / where).write_text(f'"""A deliberate violation."""\n\n{line}', encoding="utf-8")
    run = _lint(copy / "pyproject.toml", [copy / "src"])
    assert run.returncode != 0
    assert contract in run.stdout, run.stdout


def _circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan), larger than one."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_round_a_circle() -> None:
    """Late imports inside functions count too: a circle is a circle wherever the import sits."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    assert _circles(grimp.build_graph(*PACKAGES)) == []
