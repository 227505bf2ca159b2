"""The Excel template writer under faults: a failure while the workbook is written is one clear
error, no delivery, and nothing on stderr from objects left half-written (openpyxl's row writer,
the ZIP archive) as they are collected."""

from __future__ import annotations

import errno
import gc
import os
import sys
from pathlib import Path

from siu.base import safeio
from siu.demo import DEMO_DIR


def test_a_full_disk_under_the_xlsx_delivery_is_a_clear_error_and_nothing_else(siu, tmp_path, monkeypatch) -> None:
    out = tmp_path / "out"
    real = safeio.temp_file

    def full(folder: Path) -> tuple[int, Path]:
        if folder != out:
            return real(folder)
        folder.mkdir(parents=True, exist_ok=True)
        return os.open("/dev/full", os.O_WRONLY), folder / ".siu-tmp-full.tmp"  # every write: ENOSPC

    monkeypatch.setattr(safeio, "temp_file", full)
    ignored: list[object] = []  # what Python would print as "Exception ignored in: ..."
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)
    args = ["convert", "--source", "opus", DEMO_DIR / "opus-udtraek-2025.csv", "--config", DEMO_DIR / "siu.toml"]
    run = siu(*args, "--format", "xlsx", "--quiet", "--out", out)
    assert run.exit_code == 2, run.output
    assert run.exception is None, run.exception
    assert os.strerror(errno.ENOSPC) in run.stderr
    assert run.stderr.strip().splitlines()[-1] == "Ingen leverance skrevet."
    assert not out.exists() or [p.name for p in out.iterdir()] == []
    gc.collect()
    assert ignored == []  # the half-written archive was closed while its file was open
