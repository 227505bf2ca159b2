"""Shared test helpers: running the CLI in-process and locating the bundled demo data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from siu.cli import app
from siu.demo import DEMO_DIR

# Hypothesis' per-example deadline measures how loaded the machine is, not whether a parser is
# right (a 268 ms example on a busy 2-core runner failed a correct test); speed is the
# benchmarks' job (benchmarks/), so property tests run without one.
settings.register_profile("siu", deadline=None)
settings.load_profile("siu")


class Run:
    """The outcome of one CLI call: exit code and the text printed on stdout and stderr."""

    def __init__(self, exit_code: int, stdout: str, stderr: str, exception: BaseException | None) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr
        self.output = stdout + stderr
        self.exception = exception


@pytest.fixture
def demo_dir() -> Path:
    return DEMO_DIR


@pytest.fixture
def siu(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Run]:
    """Run ``siu ARGS...`` in-process, in a fresh working directory (``tmp_path``), wide console."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def run(*args: str) -> Run:
        result = runner.invoke(app, [str(a) for a in args], catch_exceptions=True)
        exc = result.exception if not isinstance(result.exception, SystemExit) else None
        return Run(result.exit_code, result.stdout, result.stderr, exc)

    return run
