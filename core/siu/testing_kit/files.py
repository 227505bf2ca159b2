"""The files the contract kit makes to test an adapter with, and how it compares what was read.

Private to :mod:`siu.testing`: re-encoded copies of a sample, files that are not the adapter's
format (empty, binary noise, missing), a sample with a row of garbage appended, and a signature
of postings to compare two reads of the same data.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from siu.models import Posting

TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".dat", ".prn")
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")


def decode(path: Path) -> str:
    """A text file's content, read as UTF-8 (with or without BOM), else cp1252, else Latin-1."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def signature(postings: Sequence[Posting]) -> list[tuple[Any, ...]]:
    """What must be equal when the same data is read twice (location, values, dimensions)."""
    return [
        (
            p.location,
            p.amount,
            p.cpr,
            p.start,
            p.end,
            p.posting_date,
            p.document,
            p.text,
            tuple(sorted(p.dims.items())),
            tuple(p.headers or ()),
        )
        for p in postings
    ]


def first_difference(a: Sequence[Posting], b: Sequence[Posting]) -> str:
    """Where two reads of the same data first differ, in words."""
    if len(a) != len(b):
        return f"{len(a)} postings against {len(b)}"
    for x, y in zip(signature(a), signature(b)):
        if x != y:
            return f"first differing posting at {x[0]}"
    return "same postings"


def foreign_files(suffixes: Sequence[str], workdir: Path) -> list[Path]:
    """Files that are not the adapter's format: empty, binary noise, missing (with the samples' suffixes)."""
    out = []
    for suffix in sorted({s or ".csv" for s in suffixes}):
        folder = workdir / f"foreign{suffix.replace('.', '-')}"
        folder.mkdir(parents=True, exist_ok=True)
        empty = folder / f"empty{suffix}"
        empty.write_bytes(b"")
        noise = folder / f"binary{suffix}"
        noise.write_bytes(bytes(random.Random(8).randrange(256) for _ in range(4096)))
        out += [empty, noise, folder / f"missing{suffix}"]
    return out


def describe_foreign(path: Path) -> str:
    return "missing" if not path.exists() else "empty" if path.stat().st_size == 0 else "binary"


def with_garbage_row(sample: Path, target: Path) -> Path:
    """A copy of ``sample`` with one row of nonsense appended (a text file, or an xlsx sheet)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if sample.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(sample)
        ws = wb.worksheets[0]
        ws.append(["###"] * max(ws.max_column, 1))
        wb.save(target)
        return target
    text = decode(sample)
    from siu.tables import detect_delimiter

    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = detect_delimiter(text)
    cells = max(header.count(delimiter) + 1, 2)
    row = delimiter.join(["###"] * cells)
    encoding = "utf-8-sig" if sample.read_bytes().startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        sample.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        encoding = "cp1252"
    target.write_text(text.rstrip("\r\n") + "\n" + row + "\n", encoding=encoding)
    return target
