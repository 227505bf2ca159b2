"""Memory stays flat: converting a large generated Opus export keeps the peak RSS under the bound,
and the delivery rules keep at most :data:`BYTES_PER_CITIZEN` per distinct citizen.

Not a timing test: it runs ``siu convert`` in a subprocess on ~200k generated postings and reads
the child's peak resident memory. The child is started by a small wrapper process, because Linux
carries a process's peak RSS over fork+exec, so a child forked straight from pytest would report
at least pytest's own size. A large delivery is XSD-checked by a helper process while it is
written (siu.write.xsd_stream); its memory counts too, so the bound applies to the sum of both.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from siu.host.plugins import load_plugins
from siu.host.specs_registry import SpecRegistry

ROOT = Path(__file__).resolve().parents[1]
# Issue 9 set 150 MB and the per-row engine kept it. The columnar engine imports pyarrow and numpy
# (some 75 MB of RSS before the first line; benchmarks/RESULTS.md) and its working set of a batch in
# flight is larger: issue 14's < 150 MB is not met yet. What this guards: the bound below, and that
# memory does not grow with the number of lines (GROWTH_BOUND_MB from ROWS_SMALL to ROWS, the same
# citizens: SIU401's 12 bytes a line are 1.8 MB of it).
PEAK_RSS_BOUND_MB = 250
GROWTH_BOUND_MB = 25
ROWS = 200_000
ROWS_SMALL = 50_000
CITIZENS = 2_500  # the same in both runs, so what is compared is lines, not citizens

# Runs the command given as arguments and prints its peak RSS in kB (Linux: ru_maxrss is kB).
_MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _benchmark(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"siu_bench_{name}", ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def peak_rss_mb(args: list[str], stdin: Path | None = None) -> tuple[int, float]:
    with stdin.open("rb") if stdin else open(os.devnull, "rb") as fh:
        out = subprocess.run(
            [sys.executable, "-c", _MEASURE, *args], stdin=fh, capture_output=True, text=True, check=True, timeout=600
        )
    code, kb = out.stdout.split()
    return int(code), int(kb) / 1024


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss units and fork semantics checked on Linux")
def test_convert_of_200k_postings_stays_under_the_memory_bound(tmp_path: Path) -> None:
    peak = _convert_peak(ROWS, tmp_path / "large")
    small = _convert_peak(ROWS_SMALL, tmp_path / "small")
    out = tmp_path / "large" / "out.xml"
    # The XSD helper, run as siu runs it, on the delivery it checked while it was being written.
    spec = SpecRegistry.from_host(load_plugins()).get(2025)
    tag = f"{{{spec.manifest.xml.namespace}}}{spec.manifest.xml.record}"
    xsd = spec.root / spec.manifest.xml.schema_file
    helper_code, helper = peak_rss_mb([sys.executable, "-m", "siu.write.xsd_stream", str(xsd), tag], stdin=out)
    assert helper_code == 0
    assert peak + helper < PEAK_RSS_BOUND_MB, (
        f"siu convert peaked at {peak:.0f} MB + {helper:.0f} MB (XSD helper) on {ROWS} postings"
    )
    assert peak - small < GROWTH_BOUND_MB, f"{ROWS_SMALL} postings: {small:.0f} MB, {ROWS}: {peak:.0f} MB"


def _convert_peak(rows: int, folder: Path) -> float:
    """The peak RSS (MB) of ``siu convert`` of a generated export of ``rows`` postings."""
    folder.mkdir()
    csv_path = _benchmark("generate").generate(rows, folder, citizens=CITIZENS)
    out = folder / "out.xml"
    code, peak = peak_rss_mb(
        [
            sys.executable,
            "-m",
            "siu",
            "convert",
            str(csv_path),
            "--source",
            "opus",
            "--config",
            str(folder / "siu.toml"),
            "--quiet",
            "--out",
            str(out),
        ]
    )
    assert code == 0  # the generated year is valid, so the whole path ran, XSD check included
    assert out.stat().st_size > rows * 100  # every line was written
    return peak


def test_the_measurement_sees_a_large_child() -> None:
    # Guards the test above against measuring nothing: a child that holds 200 MB reports it.
    code, peak = peak_rss_mb(
        [sys.executable, "-c", "b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"]
    )
    assert code == 0
    assert peak > 190


BYTES_PER_CITIZEN = 500  # issue 14: a national run over all municipalities must fit a laptop


@pytest.mark.parametrize("lines_per_citizen", [1, 3])
def test_delivery_rules_keep_a_few_hundred_bytes_per_citizen(lines_per_citizen: int) -> None:
    # Every built-in delivery check with state per citizen or per line, fed record batches of
    # 20,000 citizens (benchmarks/citizens.py measures 15k, 100k and 1M): Python objects and Arrow
    # buffers held once the lines have passed, per citizen; SIU401 keeps 12 bytes per line.
    citizens = 20_000
    py, arrow, duplicates = _benchmark("citizens").state_bytes(citizens, lines_per_citizen)
    assert (py + arrow) / citizens <= BYTES_PER_CITIZEN, (
        f"{py / citizens:.0f} B Python + {arrow / citizens:.0f} B Arrow"
    )
    assert py / citizens < 10  # no Python object per citizen
    assert duplicates / (citizens * lines_per_citizen) <= 13


def test_per_row_state_was_larger() -> None:
    # Guards the measurement: today's per-row checks hold several hundred bytes per citizen in
    # Python objects, which the test above would see.
    py, _, _ = _benchmark("citizens").state_bytes(2_000, 1, before=True)
    assert py / 2_000 > BYTES_PER_CITIZEN
