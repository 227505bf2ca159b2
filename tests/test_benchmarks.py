"""The benchmark tools measure what they say: the generated inputs, the memory figures, the table.

Nothing here times anything: the figures themselves go in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def bench() -> Iterator[dict[str, ModuleType]]:
    """generate, measure, profiling and run, imported as run.py imports them (from benchmarks/)."""
    sys.path.insert(0, str(BENCH))
    try:
        yield {name: importlib.import_module(name) for name in ("generate", "measure", "profiling", "run")}
    finally:
        sys.path.remove(str(BENCH))
        for name in ("generate", "measure", "profiling", "run"):
            sys.modules.pop(name, None)


def test_the_generated_csv_is_the_one_measured_before(bench: dict[str, ModuleType], tmp_path: Path) -> None:
    # Byte for byte the file the older generator wrote for this N, seed and number of citizens
    # (up to 20 postings per citizen; beyond, § 109 stays are whole months, see generate.py):
    # figures of different days compare the same input.
    gen = bench["generate"]
    digests = {
        None: "4f5219331cf2cd5b476a184b1c5947877f874a3c31c6aea4a394daf3c973f236",
        20: "5f312326399f564d007ee86f180f067f797fbfecfe156b7b3b37694a4050b583",
    }
    for citizens, digest in digests.items():
        path = gen.generate(300, tmp_path / str(citizens), citizens=citizens)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_the_xlsx_export_holds_the_same_postings_as_the_csv(bench: dict[str, ModuleType], tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    gen = bench["generate"]
    csv_rows = gen.generate(120, tmp_path).read_text(encoding="cp1252").splitlines()
    sheet = CalamineWorkbook.from_path(str(gen.generate_xlsx(120, tmp_path))).get_sheet_by_index(0).to_python()
    assert sheet[2] == csv_rows[0].split(";")  # the header under a title row and a blank row
    data = sheet[3:-1]
    assert len(data) == 120
    for cells, line in zip(data, csv_rows[1:-1], strict=True):
        fields = line.split(";")
        assert str(int(cells[0])) == fields[0]
        assert f"{cells[7]:%d.%m.%Y}" == fields[7] and f"{cells[8]:%d.%m.%Y}" == fields[8]
        assert cells[5] == fields[5]  # the CPR stays text
        assert gen.danish_amount(round(cells[6] * 100)) == fields[6]
    assert sheet[-1][9] == "I alt"


def test_peak_memory_counts_every_process_of_the_run(bench: dict[str, ModuleType]) -> None:
    # A parent of ~40 MB waits for a child that holds ~80 MB: the largest process is the child,
    # and the whole tree holds both at once.
    child = "b = b'x' * (80 * 2**20); import time; time.sleep(1.5)"
    parent = f"import subprocess, sys; a = b'x' * (40 * 2**20); subprocess.run([sys.executable, '-c', {child!r}])"
    res = bench["measure"].measure([sys.executable, "-c", parent], {}, timeout=60)
    assert res["exit"] == 0
    assert 80 <= res["rss_mb"] < 120
    assert res["tree_rss_mb"] >= 120
    assert res["processes"] == 2


def test_ratios_are_taken_to_the_floor_of_the_same_size_and_tag(bench: dict[str, ModuleType]) -> None:
    run = bench["run"]
    rows = [
        {"n": 1000, "variant": "a", "tag": "t", "seconds": 2.0, "cpu_seconds": 1.0, "rss_mb": 9.0, "exit": 0},
        {"n": 1000, "variant": "f", "tag": "t", "seconds": 1.0, "cpu_seconds": 0.5, "rss_mb": 9.0, "exit": 0},
        {"n": 1000, "variant": "c", "tag": "t", "seconds": 6.0, "cpu_seconds": 5.0, "rss_mb": 90.0, "exit": 0},
        {"n": 1000, "variant": "x", "tag": "t", "seconds": 4.0, "cpu_seconds": 1.0, "rss_mb": 90.0, "exit": 0},
    ]
    lines = run.table(rows).splitlines()
    cells = [[c.strip() for c in line.split("|")[1:-1]] for line in lines[2:]]
    assert [c[6] for c in cells] == ["1.0", "1.0", "3.0", "4.0"]  # × floor (wall): (x) against (f)
    assert [c[8] for c in cells] == ["1.0", "1.0", "5.0", "2.0"]  # × floor (CPU)
    assert all(len(c) == len(lines[0].split("|")) - 2 for c in cells)


def test_pandas_is_left_out_where_it_would_not_fit(bench: dict[str, ModuleType]) -> None:
    run = bench["run"]
    assert "e" not in run.runnable("abce", 10_000_000)
    assert run.runnable("abc", 10_000_000) == "abc"
