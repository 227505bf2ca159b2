"""Memory of ``--format xlsx``: DST's Excel template is written as the batches come (the sheet's rows
spooled to a temporary file and copied into the archive, never a workbook of cells), and the
IDEP channel's largest-remainder rounding, which must see every line before it hands on the first,
holds them on disk (siu.base.batch_spool), not in memory.

Measured as tests/test_memory.py measures the XML path: ``siu convert`` in a subprocess, its peak
RSS read by a small wrapper process. Not a timing test.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from test_memory import _benchmark, peak_rss_mb

# The XML path's bound (tests/test_memory.py): the xlsx path has no XSD helper, but the rounding's
# work on the columns it keeps (four columns of every line and its sort) is on top of the pipeline.
PEAK_RSS_BOUND_MB = 250
# What 150k more lines may add: the rounding's per-line columns and their sort (measured: 21 MB).
# Holding the batches themselves in memory, as before the spool, added 70 MB (201 → 271 MB).
GROWTH_BOUND_MB = 35
ROWS = 200_000
ROWS_SMALL = 50_000
CITIZENS = 2_500  # the same in both runs, so what is compared is lines, not citizens


def _convert_peak(rows: int, folder: Path) -> float:
    """The peak RSS (MB) of ``siu convert --format xlsx`` of a generated export of ``rows`` postings."""
    folder.mkdir()
    csv_path = _benchmark("generate").generate(rows, folder, citizens=CITIZENS)
    out = folder / "out.xlsx"
    args = ["convert", str(csv_path), "--source", "opus", "--config", str(folder / "siu.toml")]
    code, peak = peak_rss_mb([sys.executable, "-m", "siu", *args, "--format", "xlsx", "--quiet", "--out", str(out)])
    assert code == 0  # the generated year is valid, so the whole path ran, the written file's check included
    with zipfile.ZipFile(out) as zf, zf.open("xl/worksheets/sheet1.xml") as sheet:
        tail = b""
        for chunk in iter(lambda: sheet.read(1 << 20), b""):
            tail = (tail + chunk)[-4096:]
    assert f'<row r="{rows + 1}">'.encode() in tail  # every line was written, below the header row
    return peak


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss units and fork semantics checked on Linux")
def test_xlsx_of_200k_postings_stays_under_the_memory_bound(tmp_path: Path) -> None:
    peak = _convert_peak(ROWS, tmp_path / "large")
    small = _convert_peak(ROWS_SMALL, tmp_path / "small")
    assert peak < PEAK_RSS_BOUND_MB, f"siu convert --format xlsx peaked at {peak:.0f} MB on {ROWS} postings"
    assert peak - small < GROWTH_BOUND_MB, f"{ROWS_SMALL} postings: {small:.0f} MB, {ROWS}: {peak:.0f} MB"
