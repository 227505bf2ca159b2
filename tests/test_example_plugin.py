"""The example third-party adapter (docs/examples/siu-prisme) installs into a fresh virtual
environment and converts its sample end to end, as docs/plugins.md says it will.

The environment is made with ``venv --without-pip``; a ``.pth`` file adds the running
environment's site-packages (where siu, its dependencies, pip and the build backend are), so
nothing is downloaded. The package is then installed with pip, without build isolation, exactly
as a user's ``pip install`` would: its entry point lands in the new environment's site-packages,
and ``python -m siu`` there must find it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import site
import subprocess
import venv
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from siu.parsing import parse_amount
from siu.specpack import BUILTIN_DIR

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "siu-prisme"
SAMPLE = EXAMPLE / "samples" / "prisme-posteringer-2025.csv"


def sample_total() -> tuple[Decimal, int]:
    """The sample's DKK lines, read with the csv module (not with the adapter under test)."""
    rows = list(csv.DictReader(io.StringIO(SAMPLE.read_text(encoding="utf-8-sig")), delimiter=";"))
    lines = [r for r in rows if r["Personnummer"]]
    return sum((parse_amount(r["Beløb"]) for r in lines), Decimal(0)), len(lines)


def install_in_fresh_env(example: Path, root: Path) -> Path:
    """A new virtual environment under ``root`` with the package at ``example`` pip-installed (from
    a copy, so the build leaves nothing in the repository); returns the environment's python."""
    env_dir = root / "env"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    target_site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    parents = [p for p in [*site.getsitepackages(), site.getusersitepackages()] if Path(p).is_dir()]
    lines = [f"import site; site.addsitedir({p!r})" for p in parents]
    (target_site / "_siu_parent_env.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")

    source = root / example.name
    shutil.copytree(example, source, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist"))
    try:
        import hatchling  # noqa: F401  (the example's build backend)

        isolation = ["--no-build-isolation", "--no-index"]  # nothing downloaded
    except ImportError:  # pragma: no cover - then pip fetches hatchling from the index itself
        isolation = []
    done = subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--no-deps",
            *isolation,
            "--disable-pip-version-check",
            "--quiet",
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    dist = example.name.replace("-", "_")
    assert list(target_site.glob(f"{dist}-0.1.0.dist-info")), "installed into the new environment"
    return python


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with the example package pip-installed; returns its python."""
    return install_in_fresh_env(EXAMPLE, tmp_path_factory.mktemp("venv"))


def run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SIU_DISABLE_PLUGINS", "SIU_TRACE_PLUGINS")}
    return subprocess.run(
        [python, *args], cwd=cwd, env={**env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=300
    )


def test_the_installed_example_is_listed_by_siu_plugins(fresh_env, tmp_path):
    done = run(fresh_env, "-m", "siu", "plugins", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    prisme = next(p for p in data["plugins"] if p["name"] == "prisme")
    assert (prisme["package"], prisme["version"], prisme["kind"], prisme["api"]) == (
        "siu-prisme",
        "0.1.0",
        "installed",
        "1",
    )
    assert prisme["sources"] == ["prisme"] and prisme["hooks"] == ["register_sources"]
    assert data["problems"] == []


def test_the_example_converts_its_sample_end_to_end(fresh_env, tmp_path):
    done = run(
        fresh_env,
        "-m",
        "siu",
        "convert",
        "--source",
        "prisme",
        str(SAMPLE),
        "--config",
        str(EXAMPLE / "samples" / "siu.toml"),
        "--out",
        str(tmp_path / "out"),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "KLAR — men formatet er foreløbigt" in done.stdout
    delivery = tmp_path / "out" / "SIU_461_2025_voksen.xml"
    tree = etree.parse(str(delivery))
    assert etree.XMLSchema(etree.parse(str(BUILTIN_DIR / "2025" / "siu.xsd"))).validate(tree)
    amounts = [Decimal(e.text) for e in tree.iter("{*}Beloeb")]
    total, lines = sample_total()
    assert (sum(amounts), len(amounts)) == (total, lines)
    assert "0303854321" in [e.text for e in tree.iter("{*}PsrID")], "the adapter's CPR fix reached the delivery"


def test_the_examples_own_tests_pass_against_the_installed_package(fresh_env, tmp_path):
    done = run(
        fresh_env,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(EXAMPLE),
        str(EXAMPLE / "tests"),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    passed = re.search(r"(\d+) passed", done.stdout)
    assert passed and int(passed.group(1)) >= 10 and "failed" not in done.stdout, done.stdout
