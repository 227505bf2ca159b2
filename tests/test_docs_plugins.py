"""docs/plugins.md runs verbatim: its packages are built from the page's own code blocks.

Every block marked ``<!-- file: PACKAGE/PATH -->`` is written to ``PACKAGE/PATH`` in an empty
folder; every block marked ``<!-- run: PACKAGE -->`` is then run line by line in a fresh virtual
environment, as a reader would type it:

- ``cd PACKAGE`` sets the folder;
- ``pip install …`` runs the line's own arguments with this environment's pip, offline
  (``--no-index --no-build-isolation --no-deps``: siu, hatchling and pytest come from the running
  environment through a ``.pth`` file, so nothing is downloaded);
- ``siu …`` and ``pytest`` run as ``python -m siu …`` and ``python -m pytest`` of the new
  environment (a venv without pip has no console scripts of its own packages' dependencies).

Each line must exit with 0; ``siu plugins`` must list the package, ``siu convert`` must write
the delivery, and the package's own tests (siu's contract suite among them) must pass.
"""

from __future__ import annotations

import os
import re
import shlex
import site
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "plugins.md"
FILE_BLOCK = re.compile(r"<!-- file: ([\w.-]+)/(\S+) -->\n```\w*\n(.*?)\n```\n", re.S)
RUN_BLOCK = re.compile(r"<!-- run: ([\w.-]+) -->\n```sh\n(.*?)\n```\n", re.S)


def guide_packages() -> dict[str, dict[str, str]]:
    """Package → {path: content} of every marked file block of the guide."""
    packages: dict[str, dict[str, str]] = {}
    for package, path, code in FILE_BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        files = packages.setdefault(package, {})
        assert path not in files, f"docs/plugins.md shows {package}/{path} twice"
        files[path] = code + "\n"
    return packages


def guide_runs() -> dict[str, list[str]]:
    """Package → the command lines of its run block (comments removed)."""
    runs = {}
    for package, block in RUN_BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        lines = [line.split(" #", 1)[0].strip() for line in block.splitlines()]
        runs[package] = [line for line in lines if line]
    return runs


def test_the_guide_has_two_packages_each_with_a_run_block():
    packages, runs = guide_packages(), guide_runs()
    assert set(packages) == set(runs) == {"siu-prisme", "siu-botilbud", "siu-sagsflow"}
    for package, files in packages.items():
        assert {"pyproject.toml", "README.md"} <= set(files), package
        readme = re.search(r'readme = "([^"]+)"', files["pyproject.toml"])
        assert readme and readme.group(1) in files, f"{package}: the pyproject names a README the page does not show"
        assert runs[package][0] == f"cd {package}"


def test_the_headerless_example_is_a_plain_source_with_what_the_issue_asks_for():
    module = guide_packages()["siu-botilbud"]["siu_botilbud/__init__.py"]
    assert "class BotilbudSource(Source):" in module and "TabularSource" not in module.split('"""')[2]
    for name in ("Sniff(", "Location(", "invalid=", "info.rows_read += 1", "info.skip("):
        assert name in module, name
    assert "info.postings" not in module, "the host counts postings, never the adapter"
    assert "(parsing.md)" in GUIDE.read_text(encoding="utf-8")


def test_the_batch_example_is_written_against_api_2_with_a_source_a_rule_and_a_writer():
    module = guide_packages()["siu-sagsflow"]["siu_sagsflow/__init__.py"]
    for name in (
        "SIU_API = 2",
        "class SagsflowSource(BatchSource):",
        "def read_batches(",
        "with_info(",
        "@batch_rule(",
        "check=",
        "def write_batches(",
        "info.rows_read +=",
        "info.skip(",
    ):
        assert name in module, name
    assert "info.postings" not in module, "the host counts the rows of the batches, never the adapter"
    text = GUIDE.read_text(encoding="utf-8")
    assert text.index("## Tutorial: a batch plugin (API 2)") < text.index("## Tutorial: a per-row adapter (API 1)")


SCHEMA_ROW = re.compile(r"^\| `(\w+)` \| `([^`]+)`( not null)? \|", re.M)


def test_the_guides_batch_schema_is_siu_batches_schema():
    from siu.batches import RECORD_SCHEMA

    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## The batch schema", 1)[1].split("\n## ", 1)[0]
    shown = [(name, kind, bool(not_null)) for name, kind, not_null in SCHEMA_ROW.findall(section)]
    assert shown == [(f.name, str(f.type), not f.nullable) for f in RECORD_SCHEMA]


@pytest.fixture(scope="module")
def fresh_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment that sees the running environment's packages (siu included)."""
    env_dir = tmp_path_factory.mktemp("docs-venv") / "env"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    parents = [p for p in [*site.getsitepackages(), site.getusersitepackages()] if Path(p).is_dir()]
    lines = [f"import site; site.addsitedir({p!r})" for p in parents]
    (Path(purelib) / "_siu_parent_env.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return python


def command(python: Path, line: str) -> list[str]:
    """The argv a line of a run block stands for, in the fresh environment."""
    words = shlex.split(line)
    if words[0] == "pip":
        offline = ["--no-index", "--no-build-isolation", "--no-deps", "--disable-pip-version-check", "--quiet"]
        return [str(python), "-m", "pip", *words[1:2], *offline, *words[2:]]
    if words[0] == "siu":
        return [str(python), "-m", "siu", *words[1:]]
    if words[0] == "pytest":
        return [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *words[1:]]
    raise AssertionError(f"docs/plugins.md runs {line!r}, which this test does not know how to run")


@pytest.mark.parametrize("package", sorted(guide_runs()))
def test_the_tutorial_package_builds_installs_and_converts_from_the_page(package, fresh_python, tmp_path):
    for path, content in guide_packages()[package].items():
        target = tmp_path / package / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SIU_DISABLE_PLUGINS", "SIU_TRACE_PLUGINS")}
    env["COLUMNS"] = "200"
    cwd = tmp_path
    outputs: dict[str, str] = {}
    for line in guide_runs()[package]:
        if line.startswith("cd "):
            cwd = cwd / line[3:].strip()
            continue
        done = subprocess.run(
            command(fresh_python, line), cwd=cwd, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        outputs[line.split()[0] + (" " + line.split()[1] if line.startswith("siu") else "")] = done.stdout
    name = package.removeprefix("siu-")
    api = re.search(r"^SIU_API = (\d+)", guide_packages()[package][f"siu_{name}/__init__.py"], re.M)
    plugins = outputs["siu plugins"]
    assert api and re.search(rf"\b{name}\W+{package}\W+0.1.0\W+{api.group(1)}\W+indlæst", plugins), plugins
    assert "KLAR" in outputs["siu convert"] and "Leverance skrevet" in outputs["siu convert"], outputs["siu convert"]
    assert (cwd / "SIU_461_2025_voksen.xml").is_file()
    passed = re.search(r"(\d+) passed", outputs["pytest"])
    assert passed and int(passed.group(1)) >= 8 and "failed" not in outputs["pytest"], outputs["pytest"]
