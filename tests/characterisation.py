"""Characterisation goldens: what today's engine makes of a broad set of inputs, byte for byte.

Issue 14 point 6: the columnar engine must reproduce these. Every case (registered in
:mod:`characterisation_kit` by :mod:`characterisation_cases` for adapters and options,
:mod:`characterisation_reading` for reading, :mod:`characterisation_rules` for rule defects)
writes its inputs by code (fixed seeds, no clock), runs ``siu ARGS`` in-process through typer's
CliRunner (as ``tests/conftest.py`` does) with ``SOURCE_DATE_EPOCH`` fixed, a console 120 columns
wide, ``--no-plugins`` and ``--lang da`` unless the case says otherwise, and records under
``tests/golden/characterisation/<case>/``:

- ``command.txt``: the command line (paths relative to the case's working folder) and the exit code;
- ``console.txt`` (stdout) and ``stderr.txt`` (only when not empty): the console report;
- ``report.json``: the JSON report (``--report-json``), bytes as written;
- ``out/…``: every file the run left in its ``--out`` folder: XML deliveries and their check files
  as bytes; an xlsx delivery as bytes (reproducible under ``SOURCE_DATE_EPOCH``, see
  ``siu.xlsx_save``) plus ``<name>.cells.txt``, a dump of its cell values per sheet for review;
- ``report.xlsx`` (+ ``.cells.txt``) where a case asks for ``--report-xlsx``.

The only normalisation is the working folder's absolute path, written ``<tmp>`` in text files.
Input workbooks are re-zipped with fixed times (:func:`pin_xlsx`), so their SHA-256 in the
reports is stable too.

The cases run in one fresh interpreter with ``PYTHONHASHSEED=0`` and ``TZ=UTC``
(:data:`PINNED`), so that an order that depends on ``hash()`` would show as a stable golden rather
than a flaky one (the duplicate check once reported SIU401 in hash order; it now reports in reading
order). Nothing here depends on the time zone (checked with several).
An xlsx delivery is compared as bytes: siu deflates it with the machine's zlib, so another zlib
may change the bytes while the ``.cells.txt`` dump stays the same.

``tests/test_characterisation.py`` runs every case and compares byte for byte, printing a unified
diff on a mismatch. After an intended change, regenerate and review the diff::

    python tests/characterisation.py --update            # every case
    python tests/characterisation.py --update CASE ...   # some
    python tests/characterisation.py --check             # compare without pytest
    python tests/characterisation.py --list              # the cases and what each characterises
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden" / "characterisation"
EPOCH = "1768435200"  # 2026-01-15T00:00:00Z, as the other goldens
WIDTH = "120"  # console columns
# Fixed for the run: the clock, the console, plugins from outside siu; unset what would colour
# or resize rich's output.
ENV: dict[str, str | None] = {
    "SOURCE_DATE_EPOCH": EPOCH,
    "COLUMNS": WIDTH,
    "LINES": "50",
    "SIU_DISABLE_PLUGINS": None,
    "SIU_TRACE_PLUGINS": None,
    "SIU_DEBUG": None,
    "FORCE_COLOR": None,
    "NO_COLOR": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
    "JUPYTER_COLUMNS": None,
}
# Pinned for the interpreter that runs the cases (re-started with them): see the module docstring.
PINNED = {"PYTHONHASHSEED": "0", "TZ": "UTC"}
ZIP_TIME = (2026, 1, 15, 0, 0, 0)  # every input workbook's entries and document times


@dataclass
class Outcome:
    """What one case produced: relative path -> bytes (see the module docstring)."""

    files: dict[str, bytes]


def pin_xlsx(path: Path) -> None:
    """Rewrite a workbook openpyxl saved so its bytes do not depend on the clock: fixed ZIP entry
    times and fixed created/modified times (openpyxl stamps both with "now")."""
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info)) for info in zin.infolist()]
    stamp = b"2026-01-15T00:00:00Z"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zout:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o600 << 16
            zout.writestr(info, data)


def cells_dump(data: bytes) -> bytes:
    """Every non-empty cell of a workbook as ``sheet!A1<TAB>type<TAB>value`` lines, sheet by sheet."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    lines: list[str] = []
    for ws in wb.worksheets:
        lines.append(f"[{ws.title}] {ws.max_row} rows x {ws.max_column} columns")
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    fmt = "" if cell.number_format == "General" else f"\t{cell.number_format}"
                    lines.append(f"{ws.title}!{cell.coordinate}\t{cell.data_type}\t{cell.value!r}{fmt}")
    return ("\n".join(lines) + "\n").encode("utf-8")


@contextmanager
def _cwd(folder: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def _normalise(data: bytes, folder: Path) -> bytes:
    for path in sorted({str(folder), str(folder.resolve())}, key=len, reverse=True):
        data = data.replace(path.encode("utf-8"), b"<tmp>")
    return data


def run_case(name: str, folder: Path) -> Outcome:
    """Write case ``name``'s inputs into the empty ``folder``, run it there, collect what it made."""
    from typer.testing import CliRunner

    from characterisation_kit import all_cases
    from siu.cli import app

    case = all_cases()[name]
    with _cwd(folder):
        argv = case.build(Path("."))
        result = CliRunner().invoke(app, argv, env=ENV, catch_exceptions=True)
    files: dict[str, bytes] = {}
    command = f"siu {shlex.join(argv)}\nexit code: {result.exit_code}\n"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        command += f"exception: {type(result.exception).__name__}: {result.exception}\n"
    files["command.txt"] = command.encode("utf-8")
    files["console.txt"] = result.stdout_bytes
    if result.stderr_bytes:
        files["stderr.txt"] = result.stderr_bytes
    for produced in ("report.json", "report.xlsx"):
        if (folder / produced).exists():
            files[produced] = (folder / produced).read_bytes()
    out = folder / "out"
    if out.is_dir():
        for path in sorted(p for p in out.rglob("*") if p.is_file()):
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    for key in list(files):
        if key.endswith(".xlsx"):
            files[key + ".cells.txt"] = cells_dump(files[key])
        else:
            files[key] = _normalise(files[key], folder)
    return Outcome(files)


def golden_files(name: str) -> dict[str, bytes]:
    """The recorded goldens of case ``name`` (empty when never recorded)."""
    root = GOLDEN / name
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def differences(name: str, outcome: Outcome) -> list[str]:
    """What differs between ``outcome`` and the goldens of ``name``: unified diffs of text files,
    the cell dumps' diff for a workbook (the dump sits beside it), a note for other bytes."""
    expected = golden_files(name)
    if not expected:
        return [f"{name}: no goldens; run `python tests/characterisation.py --update {name}`"]
    problems = []
    for key in sorted(set(expected) | set(outcome.files)):
        old, new = expected.get(key), outcome.files.get(key)
        if old == new:
            continue
        if old is None or new is None:
            problems.append(f"{name}/{key}: {'new file' if old is None else 'missing'}")
        elif key.endswith(".xlsx"):
            problems.append(f"{name}/{key}: workbook bytes differ (see {key}.cells.txt if its cells differ)")
        else:
            diff = difflib.unified_diff(
                old.decode("utf-8", "replace").splitlines(keepends=True),
                new.decode("utf-8", "replace").splitlines(keepends=True),
                f"golden/{name}/{key}",
                f"produced/{name}/{key}",
            )
            problems.append("".join(diff))
    return problems


def write_files(root: Path, outcome: Outcome) -> None:
    """Replace the folder ``root`` (a case's goldens, or what a run produced) by ``outcome``."""
    if root.exists():
        shutil.rmtree(root)
    for key, data in outcome.files.items():
        target = root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def emit(root: Path, names: list[str]) -> None:
    """Run ``names`` (every case when empty) and write each outcome to ``root/<case>/``, laid out
    like the goldens; the test compares them (see :func:`produced_files`)."""
    from characterisation_kit import all_cases

    for name in names or list(all_cases()):
        with tempfile.TemporaryDirectory(prefix="siu-char-") as tmp:
            try:
                outcome = run_case(name, Path(tmp))
            except Exception as exc:  # a builder that broke: recorded, so the comparison shows it
                outcome = Outcome({"command.txt": f"the case failed: {type(exc).__name__}: {exc}\n".encode()})
        write_files(root / name, outcome)


def produced_files(root: Path, name: str) -> Outcome:
    """What :func:`emit` wrote for case ``name``."""
    folder = root / name
    return Outcome({p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()})


def emit_in_subprocess(root: Path, names: list[str] = []) -> None:
    """:func:`emit` in a fresh interpreter with ``PYTHONHASHSEED=0`` and ``TZ=UTC`` (see the module docstring)."""
    import subprocess

    env = {**os.environ, **PINNED}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--emit", str(root), *names]
    subprocess.run(cmd, env=env, cwd=root, check=True, timeout=900)


def main(args: list[str]) -> int:
    from characterisation_kit import all_cases

    cases = all_cases()
    if args[:1] == ["--list"]:
        for name, case in cases.items():
            print(f"{name:28} {case.doc}")
        return 0
    if args[:1] not in (["--update"], ["--check"], ["--emit"]):
        print(__doc__)
        return 2
    if any(os.environ.get(k) != v for k, v in PINNED.items()):
        os.execve(sys.executable, [sys.executable, __file__, *args], {**os.environ, **PINNED})
    if args[0] == "--emit":
        emit(Path(args[1]), args[2:])
        return 0
    names = args[1:] or list(cases)
    unknown = [n for n in names if n not in cases]
    if unknown:
        print(f"unknown case(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="siu-char-out-") as tmp:
        emit(Path(tmp), names)
        failed = 0
        for name in names:
            outcome = produced_files(Path(tmp), name)
            if args[0] == "--update":
                write_files(GOLDEN / name, outcome)
                print(f"{name}: {outcome.files['command.txt'].decode().splitlines()[-1]}")
                continue
            problems = differences(name, outcome)
            failed += bool(problems)
            print(f"{name}: {'DIFFERS' if problems else 'ok'}")
            for problem in problems:
                print(problem)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main(sys.argv[1:]))
