"""The fuzzing harness: mutated inputs for every built-in adapter, run through the CLI and checked.

Used by ``tests/test_fuzz.py`` (a bounded, seeded number per CI run) and ``tests/fuzz_long.py``
(long runs: ``python tests/fuzz_long.py --per-adapter 10000 --seed 1 --jobs 2``).

For each adapter (opus, sap, excel, csv) a small valid export is generated once (from
``tests/exports.py``, the demo conversion and the CSV worked example); each case applies one to
three seeded mutations to it: byte flips, truncation, other encodings, NUL bytes, huge cells and
lines, duplicated or missing headers, dropped or repeated rows, xlsx zip damage and XML damage,
and hostile cell values (``1e308``, ``NaN``, ``--5``, 31.02.2025, ``[/]``, escape sequences,
non-ASCII digits, malformed CPRs). Every run checks:

* the exit code is 0, 1 or 2 and no exception escaped (``Intern fejl`` is exit 70);
* no Python traceback in the output;
* no CPR from the input in any output but the delivery: console text, the JSON report and the
  xlsx report (cells, comments, sheet names) are scanned for every CPR-shaped number of the
  input with a real day and month, as 10 digits, with a dash, and as the 9 digits left when a
  leading zero is lost;
* the run finished within its time bound;
* when the exit code is 0, the money balances: the delivery's amounts add up to what the JSON
  report says was read, less what it says was skipped.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import traceback
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/exports.py, also when run as a script

ADAPTERS = ("opus", "sap", "excel", "csv")
TIME_BOUND = 30.0  # seconds per run (issue 15)
SUBPROCESS_SHARE = 0.02  # this share of runs goes through the real entry point (python -m siu)

# Values that broke or could break a parser, a renderer or a writer.
NASTY = [
    "1e308",
    "-1e308",
    "1E+400",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "--5",
    "++5",
    "5--",
    "(-5)",
    "-(5)",
    "1.2.3,4,5",
    "1,234,567.89.1",
    "0x1F",
    "١٢٣",
    "４０",
    "²0",
    "½",
    "31.02.2025",
    "29.02.2025",
    "00.00.0000",
    "2025-13-01",
    "99999999",
    "0",
    "-0,00",
    "0,001",
    "12.345.678.901.234,56",
    "1" * 40 + ",00",
    "9" * 16,
    "",
    " ",
    "\t",
    "[/]",
    "[bold red]FAKE[/]",
    "[link=file:///etc/passwd]x[/link]",
    "\x1b[2J\x1b[HKLAR TIL INDBERETNING",
    "\x1b]0;title\x07",
    "\x00",
    "\x07bell",
    "a\x0bb",
    "\r",
    "\n",
    "\u2028",
    "\u202etxet",
    "\ufeff",
    "\ufffe",
    '"',
    '""',
    "'",
    ";",
    "|",
    "=1+1",
    '=HYPERLINK("http://x")',
    "@SUM(A1)",
    "-1+2",
    "{value}",
    "{0}",
    "%s%n",
    "*",
    "**",
    "Sum",
    "I alt",
    "0505751234x",
    "050575-12345",
    "05057512345",
    "505751234",
    "050575 - 1234",
    "0505751234",
    "050575-1234x",
    "1234567890123",
    "x0505751234",
    "Ophold 050575-1234",
    "123456-9999",
    "010101-0000",
    "S",
    "H",
    "Ja",
    "Nej",
    "K",
    "M",
    "XG-5385010001-0001",
    "40110000",
    "77100000",
    "5.38.50.1.001.4.0",
    "SEL109",
    "SEL107",
    "§ 109",
    "²",
    "٣0110000",
]
# Paragraph codes as a source may write them, and as console markup would read them.
PARAGRAPHS = [
    "SEL109",
    "SEL110",
    "§ 107",
    "[/]",
    "[bold]SEL109[/bold]",
    "[red]x",
    "SEL[/]110",
    "\x1b[31mSEL109",
    "0101601235",
]
# Values a spreadsheet cell can hold besides text.
NASTY_NUMBERS: list[Any] = [
    1e308,
    -1e308,
    float("nan"),
    float("inf"),
    2**70,
    -(2**63),
    0.1 + 0.2,
    1e16 + 1,
    505751234,
    5057512345,
    45658,
    -1,
    0,
]


# --- bases ---------------------------------------------------------------------------------------


@dataclass
class Base:
    """A valid export of one adapter and how to run siu on it."""

    adapter: str
    kind: str  # "text" or "xlsx"
    data: bytes
    suffix: str
    args: list[str]  # the options that come with this base (source, config, mapping, ...)
    encoding: str = "utf-8"
    delimiter: str = ";"
    files: dict[str, Path] = field(default_factory=dict)


def _text_base(adapter: str, path: Path, args: list[str]) -> Base:
    from siu.tables import detect_delimiter, detect_encoding

    data = path.read_bytes()
    encoding = detect_encoding(data)
    delimiter = detect_delimiter(data.decode(encoding, errors="replace"))
    return Base(adapter, "text", data, path.suffix, args, encoding=encoding, delimiter=delimiter)


def make_bases(folder: Path) -> dict[str, list[Base]]:
    """The valid exports each adapter's cases start from, written into ``folder`` (kept for the run)."""
    import exports
    from siu.demo import DEMO_DIR

    folder.mkdir(parents=True, exist_ok=True)
    bases: dict[str, list[Base]] = {a: [] for a in ADAPTERS}
    lines = exports.make_lines(14, seed=7, source="opus")
    opus_args = ["--source", "opus", "--kommune", "101", "--year", "2025", "--mapping", str(DEMO_DIR / "mapping.toml")]
    opus_csv = exports.opus_danish(folder / "opus.csv", lines)
    bases["opus"].append(_text_base("opus", opus_csv.path, opus_args))
    opus_xlsx = exports.opus_xlsx(folder / "opus.xlsx", lines)
    bases["opus"].append(Base("opus", "xlsx", opus_xlsx.path.read_bytes(), ".xlsx", opus_args))

    sap_lines = exports.make_lines(14, seed=8, source="sap")
    mapping = exports.write_sap_mapping(folder)
    for layout in ("unconverted", "fbl3n_xlsx", "acdoca"):
        export = exports.SAP_LAYOUTS[layout](folder / f"sap-{layout}{exports.SUFFIX.get(layout, '.csv')}", sap_lines)
        config = folder / f"sap-{layout}.toml"
        config.write_text(
            f'kommune = "101"\nyear = 2025\nmapping = "{mapping.as_posix()}"\n\n[source.sap]\nperiod = '
            f'"{export.period}"\n',
            encoding="utf-8",
        )
        args = ["--source", "sap", "--config", str(config)]
        if export.path.suffix == ".xlsx":
            bases["sap"].append(Base("sap", "xlsx", export.path.read_bytes(), ".xlsx", args))
        else:
            bases["sap"].append(_text_base("sap", export.path, args))

    # DST's Excel template: the demo delivery written by the xlsx writer.
    template = folder / "excel"
    code, out, err = run_inprocess(
        [
            "convert",
            "--source",
            "opus",
            str(DEMO_DIR / "opus-udtraek-2025.csv"),
            "--config",
            str(DEMO_DIR / "siu.toml"),
            "--format",
            "xlsx",
            "--out",
            str(template),
            "--quiet",
        ],
        cwd=folder,
    )
    (xlsx,) = template.glob("*.xlsx")
    bases["excel"].append(
        Base("excel", "xlsx", xlsx.read_bytes(), ".xlsx", ["--source", "excel", "--kommune", "101", "--year", "2025"])
    )

    example = ROOT / "docs" / "examples" / "csv-regneark"
    csv_args = ["--source", "csv", "--columns", str(example / "kolonner.toml"), "--config", str(example / "siu.toml")]
    bases["csv"].append(_text_base("csv", example / "opholdsliste.csv", csv_args))
    # the same sheet as a workbook
    from siu.tables import open_table

    _, rows = open_table(example / "opholdsliste.csv")
    xlsx_rows = [cells for _, cells in rows]
    bases["csv"].append(Base("csv", "xlsx", _write_xlsx(xlsx_rows), ".xlsx", csv_args))
    return bases


# --- mutations -----------------------------------------------------------------------------------


def _nasty(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.7:
        return rng.choice(NASTY)
    if roll < 0.8:  # huge cells
        return rng.choice([" ", "1", "-", "9 ", "kr ", "123456 ", "1.", "[", "\\", '"']) * rng.choice(
            [1000, 40_000, 100_000]
        )
    if roll < 0.9:  # random junk
        return "".join(
            chr(rng.choice([rng.randrange(0, 128), rng.randrange(128, 0x3000)])) for _ in range(rng.randrange(1, 30))
        )
    return rng.choice(NASTY) + rng.choice(NASTY)


def _split_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _replace_cells(
    text: str, delimiter: str, rng: random.Random, count: int, values: Callable[[random.Random], str]
) -> str:
    lines = _split_lines(text)
    if not lines:
        return text
    for _ in range(count):
        i = rng.randrange(len(lines))
        end = lines[i][len(lines[i].rstrip("\r\n")) :]
        cells = lines[i].rstrip("\r\n").split(delimiter)
        j = rng.randrange(len(cells))
        cells[j] = values(rng)
        lines[i] = delimiter.join(cells) + end
    return "".join(lines)


def _header_index(lines: list[str], delimiter: str) -> int:
    return max(range(min(len(lines), 30)), key=lambda i: lines[i].count(delimiter), default=0)


def mutate_text(base: Base, rng: random.Random) -> tuple[bytes, list[str]]:
    """One text case: 1-3 mutations of the base text, encoded (sometimes badly)."""
    text = base.data.decode(base.encoding)
    names: list[str] = []
    raw_ops: list[str] = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        op = rng.choice(
            [
                "cell",
                "cell",
                "cell",
                "cells",
                "huge_cell",
                "huge_line",
                "header_dup",
                "header_missing",
                "no_header",
                "dup_lines",
                "drop_lines",
                "cpr",
                "quote",
                "newlines",
                "bytes",
                "paragraph",
            ]
        )
        names.append(op)
        lines = _split_lines(text)
        if op == "cell":
            text = _replace_cells(text, base.delimiter, rng, 1, _nasty)
        elif op == "cells":
            text = _replace_cells(text, base.delimiter, rng, rng.randrange(2, 12), _nasty)
        elif op == "huge_cell":
            text = _replace_cells(
                text,
                base.delimiter,
                rng,
                1,
                lambda r: r.choice(["1", " ", "12", "a;", '"', "0"]) * r.choice([40_000, 200_000]),
            )
        elif op == "huge_line":
            filler = rng.choice([base.delimiter, "x", "1" + base.delimiter, " "]) * rng.choice(
                [100_000, 1_000_000, 3_000_000]
            )
            lines.insert(rng.randrange(len(lines) + 1), filler + "\n")
            text = "".join(lines)
        elif op in ("header_dup", "header_missing") and lines:
            h = _header_index(lines, base.delimiter)
            end = lines[h][len(lines[h].rstrip("\r\n")) :]
            cells = lines[h].rstrip("\r\n").split(base.delimiter)
            i, j = rng.randrange(len(cells)), rng.randrange(len(cells))
            if op == "header_dup":
                cells[j] = cells[i]
            else:
                del cells[i]
            lines[h] = base.delimiter.join(cells) + end
            text = "".join(lines)
        elif op == "paragraph" and lines:  # a Paragraf column: its codes reach the totals table
            h = _header_index(lines, base.delimiter)
            for k in range(h, len(lines)):
                end = lines[k][len(lines[k].rstrip("\r\n")) :]
                value = "Paragraf" if k == h else rng.choice(PARAGRAPHS + [_nasty(rng)])
                lines[k] = lines[k].rstrip("\r\n") + base.delimiter + value + end
            text = "".join(lines)
        elif op == "no_header" and lines:
            del lines[_header_index(lines, base.delimiter)]
            text = "".join(lines)
        elif op == "dup_lines" and lines:
            i = rng.randrange(len(lines))
            lines[i:i] = [lines[i]] * rng.choice([1, 2, 50])
            text = "".join(lines)
        elif op == "drop_lines" and lines:
            i = rng.randrange(len(lines))
            del lines[i : i + rng.choice([1, 3, 1000])]
            text = "".join(lines)
        elif op == "cpr":
            text = _replace_cells(text, base.delimiter, rng, rng.randrange(1, 4), lambda r: r.choice(NASTY[-40:-12]))
        elif op == "quote":
            text = _replace_cells(
                text, base.delimiter, rng, 1, lambda r: r.choice(['"abc', 'a"b', '"', '"x""', '"\n"'])
            )
        elif op == "newlines":
            text = text.replace("\r\n", "\n").replace("\n", rng.choice(["\r", "\n", "\r\r\n", "\u2028"]))
        else:
            raw_ops.append(rng.choice(["flip", "truncate", "nul", "insert"]))
    encoding = base.encoding
    if rng.random() < 0.15:
        encoding = rng.choice(["utf-8", "utf-8-sig", "cp1252", "iso-8859-1", "utf-16", "utf-16-le", "utf-32", "cp437"])
        names.append(f"enc:{encoding}")
    data = text.encode(encoding, errors="replace")
    for op in raw_ops:
        data = _raw(data, op, rng)
        names.append(op)
    return data, names


def _raw(data: bytes, op: str, rng: random.Random) -> bytes:
    """A byte-level mutation."""
    buf = bytearray(data)
    if not buf:
        return bytes(buf)
    if op == "flip":
        for _ in range(rng.choice([1, 2, 8, 64])):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    elif op == "truncate":
        del buf[rng.randrange(len(buf)) :]
    elif op == "nul":
        for _ in range(rng.choice([1, 3, 100])):
            buf.insert(rng.randrange(len(buf) + 1), 0)
    elif op == "insert":
        i = rng.randrange(len(buf) + 1)
        buf[i:i] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
    return bytes(buf)


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _write_xlsx(rows: list[list[Any]], title: str = "Sheet1") -> bytes:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(title)
    for row in rows:
        clean = []
        for v in row:
            if isinstance(v, str):
                v = _NOT_XML.sub("?", v)[:32767]  # openpyxl cannot write these (siu's reader never sees them in xlsx)
            clean.append(v)
        ws.append(clean)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_rows(data: bytes) -> tuple[str, list[list[Any]]]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    ws.reset_dimensions()
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    title = ws.title
    wb.close()
    return title, rows


_XLSX_ROW_CACHE: dict[int, tuple[str, list[list[Any]]]] = {}


def mutate_xlsx(base: Base, rng: random.Random) -> tuple[bytes, list[str]]:
    """One workbook case: cell-level mutations (rewritten with openpyxl), then maybe zip or XML damage."""
    names: list[str] = []
    data = base.data
    if rng.random() < 0.6:
        key = id(base)
        if key not in _XLSX_ROW_CACHE:
            _XLSX_ROW_CACHE[key] = _xlsx_rows(base.data)
        title, rows = _XLSX_ROW_CACHE[key]
        rows = [list(r) for r in rows]
        for _ in range(rng.choice([1, 1, 2, 4])):
            op = rng.choice(
                [
                    "cell",
                    "cell",
                    "number",
                    "huge_cell",
                    "header_dup",
                    "header_missing",
                    "no_header",
                    "dup_rows",
                    "drop_rows",
                    "cpr",
                    "paragraph",
                ]
            )
            names.append(op)
            header = max(range(min(len(rows), 30)), key=lambda i: sum(v is not None for v in rows[i]), default=0)
            if not rows:
                break
            i = rng.randrange(len(rows))
            j = rng.randrange(max(len(rows[i]), 1))
            while len(rows[i]) <= j:
                rows[i].append(None)
            if op == "cell":
                rows[i][j] = _nasty(rng)
            elif op == "number":
                rows[i][j] = rng.choice(NASTY_NUMBERS)
            elif op == "huge_cell":
                rows[i][j] = rng.choice(["1", " ", "12"]) * 32_000
            elif op == "header_dup" and rows[header]:
                rows[header][rng.randrange(len(rows[header]))] = rows[header][rng.randrange(len(rows[header]))]
            elif op == "header_missing" and rows[header]:
                del rows[header][rng.randrange(len(rows[header]))]
            elif op == "paragraph":  # a Paragraf column (or new codes in the template's own)
                heads = [str(v) for v in rows[header]]
                col = heads.index("Paragraf") if "Paragraf" in heads else len(heads)
                for k in range(header, len(rows)):
                    while len(rows[k]) <= col:
                        rows[k].append(None)
                    rows[k][col] = "Paragraf" if k == header else rng.choice(PARAGRAPHS)
            elif op == "no_header":
                del rows[header]
            elif op == "dup_rows":
                rows[i:i] = [rows[i]] * rng.choice([1, 5])
            elif op == "drop_rows":
                del rows[i : i + rng.choice([1, 3, 1000])]
            elif op == "cpr":
                rows[i][j] = rng.choice(NASTY[-40:-12] + [505751234, 5057512345])
        data = _write_xlsx(rows, title)
    if rng.random() < 0.5 or not names:
        op = rng.choice(
            [
                "zip_flip",
                "zip_truncate",
                "xml_flip",
                "xml_truncate",
                "xml_rows",
                "xml_cells",
                "xml_entities",
                "drop_member",
                "xml_dimension",
                "shared_strings",
            ]
        )
        names.append(op)
        data = _damage_zip(data, op, rng)
    return data, names


def _damage_zip(data: bytes, op: str, rng: random.Random) -> bytes:
    if op == "zip_flip":
        return _raw(data, "flip", rng)
    if op == "zip_truncate":
        return _raw(data, "truncate", rng)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    except zipfile.BadZipFile:
        return data
    sheets = [n for n in parts if n.startswith("xl/worksheets/") and n.endswith(".xml")] or list(parts)
    sheet = rng.choice(sheets)
    xml = parts[sheet]
    if op == "xml_flip":
        xml = _raw(xml, "flip", rng)
    elif op == "xml_truncate":
        xml = _raw(xml, "truncate", rng)
    elif op == "xml_rows":
        xml = re.sub(
            rb'<row r="(\d+)"',
            lambda m: b'<row r="' + rng.choice([b"99999999", b"1048577", b"0", b"-5", b"1", m.group(1) * 3]) + b'"',
            xml,
            count=rng.randrange(1, 4),
        )
    elif op == "xml_cells":
        xml = re.sub(
            rb'<c r="([A-Z]+)(\d+)"',
            lambda m: (
                b'<c r="'
                + rng.choice([b"ZZZZZ", b"XFE", b"A", b"AAA", m.group(1)])
                + rng.choice([m.group(2), b"99999999", b""])
                + b'"'
            ),
            xml,
            count=rng.randrange(1, 6),
        )
    elif op == "xml_entities":
        bomb = (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b '
            b'"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d '
            b'"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        )
        xml = bomb + re.sub(rb"^<\?xml[^>]*\?>", b"", xml).replace(b"<v>", b"<v>&d;", 1)
    elif op == "drop_member":
        del parts[rng.choice(list(parts))]
        xml = None
    elif op == "xml_dimension":
        xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
    elif op == "shared_strings":
        name = "xl/sharedStrings.xml"
        if name in parts:
            parts[name] = _raw(parts[name], rng.choice(["flip", "truncate"]), rng)
    if xml is not None and sheet in parts:
        parts[sheet] = xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
    return out.getvalue()


# --- running -------------------------------------------------------------------------------------


_COMMAND: Any = None


class RunTimeout(BaseException):
    """Raised by the alarm in an in-process run that passed its time bound (not an Exception, so
    that no ``except Exception`` in siu swallows it)."""


def replay(folder: Path, bound: float | None = None) -> tuple[int, str, str]:
    """Run a kept failure again (its ``argv.json``) in its folder."""
    argv = json.loads((folder / "argv.json").read_text(encoding="utf-8"))["argv"]
    return run_inprocess(argv, cwd=folder, bound=bound)


def run_inprocess(argv: list[str], cwd: Path | None = None, bound: float | None = None) -> tuple[int, str, str]:
    """Run ``siu ARGV`` in this process as the console script would: (exit code, stdout, stderr).

    An exception that escapes the CLI is exit code 70 with its traceback in stderr (the real
    entry point prints "Intern fejl" instead; here the traceback helps to find the cause)."""
    from typer.testing import CliRunner

    from siu.cli import app

    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    handler = None
    if bound and hasattr(signal, "SIGALRM"):

        def _alarm(signum: int, frame: Any) -> None:
            raise RunTimeout()

        handler = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, bound)
    import typer.testing

    global _COMMAND
    if _COMMAND is None:
        _COMMAND = typer.testing._get_command(app)  # building the click command costs 0.1-0.2 s a run
    original = typer.testing._get_command
    typer.testing._get_command = lambda _app: _COMMAND
    try:
        result = CliRunner().invoke(
            app, argv, env={"COLUMNS": "160", "SIU_DEBUG": None, "NO_COLOR": "1"}, catch_exceptions=True
        )
    finally:
        typer.testing._get_command = original
        if handler is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, handler)
        os.chdir(old)
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        if isinstance(exc, RunTimeout):
            raise exc
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return 70, result.stdout, result.stderr + "\n[harness] exception escaped the CLI:\n" + tb
    return result.exit_code, result.stdout, result.stderr


def run_subprocess(argv: list[str], cwd: Path, bound: float) -> tuple[int, str, str]:
    """Run the real entry point (``python -m siu``) in a child process."""
    env = {k: v for k, v in os.environ.items() if k != "SIU_DEBUG"}
    env["COLUMNS"] = "160"
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "siu", *argv],
            cwd=cwd,
            env=env,
            capture_output=True,
            timeout=bound,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise RunTimeout() from None
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


# --- checks --------------------------------------------------------------------------------------

_CPR_SHAPE = re.compile(r"(?<!\d)(\d{6})[-\u2010-\u2015 ]?(\d{4})(?!\d)")


def cprs_in(text: str) -> set[str]:
    """The CPR-shaped numbers in ``text`` with a real day and month, as ten digits."""
    found = set()
    for m in _CPR_SHAPE.finditer(text):
        digits = m.group(1) + m.group(2)
        if 1 <= int(digits[:2]) <= 31 and 1 <= int(digits[2:4]) <= 12:
            found.add(digits)
    return found


def input_cprs(data: bytes, kind: str) -> set[str]:
    """Every CPR the input holds, whatever its encoding; for a workbook also numeric cells."""
    if kind == "xlsx":
        texts = []
        texts.append(data.decode("latin-1"))  # stored (uncompressed) members and damaged zips
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for info in zf.infolist():
                    try:
                        if info.file_size < 50 << 20:
                            texts.append(zf.read(info.filename).decode("utf-8", "replace"))
                    except Exception:  # noqa: BLE001 - damaged members raise many kinds (RuntimeError: "encrypted")
                        continue
        except Exception:  # noqa: BLE001
            pass
        text = "\n".join(texts)
        found = cprs_in(text)
        for m in re.finditer(r"<v>(\d{9,10})(?:\.0)?</v>", text):  # a CPR stored as a number
            digits = m.group(1).zfill(10)
            if 1 <= int(digits[:2]) <= 31 and 1 <= int(digits[2:4]) <= 12:
                found.add(digits)
        return found
    found = set()
    for encoding in ("utf-8", "utf-16", "latin-1"):
        found |= cprs_in(data.decode(encoding, "replace").replace("\x00", ""))
    return found


def cpr_forms(cpr: str) -> list[str]:
    """The forms of ``cpr`` that count as a leak: 10 digits, with a dash, and the 9 digits of a lost leading zero."""
    forms = [cpr, f"{cpr[:6]}-{cpr[6:]}"]
    if cpr.startswith("0"):
        forms.append(cpr[1:])
    return forms


_DIGIT_RUN = re.compile(r"(?<!\d)\d{9,}(?!\d)(?!\.\d\d(?!\d))")


def leaks(cprs: set[str], outputs: dict[str, str]) -> list[str]:
    """``where: form`` for every input CPR found in an output text."""
    found = []
    for where, text in outputs.items():
        if not text:
            continue
        # Whole digit runs of 9 or more, except amounts with decimals ("505751234.00" in the totals is
        # money read from an amount cell, not a CPR), and the dashed form.
        digits = set(_DIGIT_RUN.findall(text)) | set(re.findall(r"\d{6}-\d{4}", text))
        joined = "\n".join(digits)
        for cpr in cprs:
            for form in cpr_forms(cpr):
                if form in joined:
                    found.append(f"{where}: {form[:6]}…")
                    break
    return found


def xlsx_text(path: Path) -> str:
    """Every cell value, comment and sheet name of a workbook siu wrote, as text."""
    import openpyxl

    from siu.xlsx_cells import MONEY_FORMAT

    wb = openpyxl.load_workbook(path)
    parts = []
    for ws in wb.worksheets:
        parts.append(ws.title)
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None and not (c.data_type == "n" and c.number_format == MONEY_FORMAT):  # siu's money
                    parts.append(
                        str(c.value)
                        if not isinstance(c.value, float) or not c.value.is_integer()
                        else str(int(c.value))
                    )
                if c.comment is not None:
                    parts.append(c.comment.text)
    return "\n".join(parts)


def delivered_amounts(out: Path) -> Decimal | None:
    """The sum of the amounts in the deliveries in ``out`` (XML or DST's Excel template)."""
    total = Decimal(0)
    files = [p for p in out.iterdir() if p.is_file() and p.suffix in (".xml", ".xlsx")] if out.is_dir() else []
    if not files:
        return None
    for path in files:
        if path.suffix == ".xml":
            total += sum(
                (Decimal(v.decode()) for v in re.findall(rb"<Beloeb>([^<]*)</Beloeb>", path.read_bytes())), Decimal(0)
            )
        else:
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True)
            rows = list(wb.worksheets[0].iter_rows(values_only=True))
            wb.close()
            head = next(i for i, r in enumerate(rows) if r and "Beløb" in [str(v) for v in r])
            col = [str(v) for v in rows[head]].index("Beløb")
            total += sum(
                (
                    Decimal(repr(r[col])) if isinstance(r[col], float) else Decimal(r[col] or 0)
                    for r in rows[head + 1 :]
                    if r and r[col] is not None
                ),
                Decimal(0),
            )
    return total


def balance_problem(report: dict[str, Any], delivered: Decimal | None) -> str | None:
    """Why the money does not balance, or None: delivered = read - skipped, per the JSON report."""
    if delivered is None:
        return "no delivery file although the exit code was 0"
    read = skipped = Decimal(0)
    try:
        for entry in report.get("inputs", []):
            read += Decimal(str(entry.get("amount", "0")))
            for key, value in entry.items():
                # the ledger's skipped money, under whatever name the report gives it
                if "skipped" in key and ("amount" in key or "money" in key) and isinstance(value, (str, int, float)):
                    skipped += Decimal(str(value))
        net = Decimal(str(report["totals"]["net"]))
    except (KeyError, InvalidOperation, TypeError) as exc:
        return f"the JSON report cannot be read for the balance: {exc!r}"
    rounding = report.get("rounding")
    if rounding:  # a channel in whole kroner: the file holds the rounded lines, the report the exact money
        try:
            rounded, exact = Decimal(str(rounding["delivered_net"])), Decimal(str(rounding["exact_net"]))
        except (KeyError, InvalidOperation, TypeError) as exc:
            return f"the JSON report's rounding cannot be read: {exc!r}"
        if delivered != rounded:
            return f"delivered {delivered} != report's rounded net {rounded}"
        if exact != net or abs(rounded - exact) > Decimal("0.5"):
            return f"rounded net {rounded} is not the exact net {net} rounded (rounding says {exact})"
    elif delivered != net:
        return f"delivered {delivered} != report net {net}"
    if net != read - skipped:
        return f"delivered {net} != read {read} - skipped {skipped}"
    return None


# --- one case ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    adapter: str
    case: int
    mutations: list[str]
    exit_code: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    subprocess: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not self.leaks


def case_rng(seed: int, adapter: str, case: int) -> random.Random:
    return random.Random(f"{seed}:{adapter}:{case}")


def run_case(
    bases: dict[str, list[Base]],
    adapter: str,
    case: int,
    seed: int,
    work: Path,
    bound: float = TIME_BOUND,
    keep_failures: Path | None = None,
) -> Outcome:
    """Make case ``case`` of ``adapter`` for ``seed``, run it and check it."""
    rng = case_rng(seed, adapter, case)
    base = rng.choice(bases[adapter])
    data, names = (mutate_xlsx if base.kind == "xlsx" else mutate_text)(base, rng)
    suffix = base.suffix if rng.random() > 0.02 else rng.choice([".csv", ".txt", ".xlsx", ".xls", ""])
    folder = work / f"{adapter}-{case}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    path = folder / f"input-{seed}-{case}{suffix}"
    path.write_bytes(data)
    command = "convert" if rng.random() < 0.75 else "validate"
    # Paths relative to the case folder (the working directory of the run): a kept failure
    # reproduces by running its argv.json in its folder.
    argv = [command, *base.args, path.name, "--report-json", "r.json"]
    if rng.random() < 0.35:
        argv += ["--report-xlsx", "r.xlsx"]
    if rng.random() < 0.4:
        argv += ["--quiet"]  # errors still reach stderr; the report is left out (it costs a third of a run)
    if command == "convert":
        argv += ["--out", "out", "--format", rng.choice(["xml", "xml", "xlsx"])]
    if rng.random() < 0.2:
        argv += ["--lang", "en"]
    if rng.random() < 0.1:
        argv += ["--strict"]
    outcome = Outcome(adapter, case, names, subprocess=rng.random() < SUBPROCESS_SHARE)
    began = time.perf_counter()
    try:
        runner = run_subprocess if outcome.subprocess else run_inprocess
        code, out, err = runner(argv, cwd=folder, bound=bound)
    except RunTimeout:
        code, out, err = -1, "", ""
        outcome.problems.append(f"over the time bound of {bound:.0f} s")
    outcome.seconds = time.perf_counter() - began
    outcome.exit_code = code
    if code not in (0, 1, 2, -1):
        outcome.problems.append(f"exit code {code}: {_last_lines(err)}")
    if "Traceback (most recent call last)" in out + err and code != 70:
        outcome.problems.append(f"traceback in the output: {_last_lines(err or out)}")
    outputs = {"console": out + "\n" + err}
    report: dict[str, Any] | None = None
    if (folder / "r.json").exists():
        text = (folder / "r.json").read_text(encoding="utf-8", errors="replace")
        outputs["json"] = text
        try:
            report = json.loads(text)
        except json.JSONDecodeError as exc:
            outcome.problems.append(f"the JSON report is not JSON: {exc}")
    if (folder / "r.xlsx").exists():
        try:
            outputs["xlsx"] = xlsx_text(folder / "r.xlsx")
        except Exception as exc:  # noqa: BLE001 - a report Excel cannot open is a problem to report
            outcome.problems.append(f"the xlsx report cannot be opened: {exc.__class__.__name__}")
    if code == 70:
        outputs.pop("console")  # the harness's own traceback holds locals' reprs; the real entry point masks
    outcome.leaks = leaks(input_cprs(data, base.kind), outputs)
    if code == 0 and command == "convert" and report is not None:
        try:
            problem = balance_problem(report, delivered_amounts(folder / "out"))
        except Exception as exc:  # noqa: BLE001
            problem = f"the delivery cannot be read back: {exc.__class__.__name__}: {exc}"
        if problem:
            outcome.problems.append("money: " + problem)
    if not outcome.ok and keep_failures is not None:
        keep = keep_failures / f"{adapter}-{seed}-{case}"
        shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(folder, keep, ignore=shutil.ignore_patterns("out"))
        (keep / "argv.json").write_text(
            json.dumps(
                {"argv": argv, "mutations": names, "problems": outcome.problems, "leaks": outcome.leaks}, indent=1
            ),
            encoding="utf-8",
        )
    shutil.rmtree(folder, ignore_errors=True)
    return outcome


def _last_lines(text: str, count: int = 3) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-count:])[:600]


@dataclass
class Summary:
    """What a batch of runs found, per adapter."""

    runs: Counter = field(default_factory=Counter)
    exit_codes: dict[str, Counter] = field(default_factory=dict)
    problems: list[Outcome] = field(default_factory=list)
    leaky: list[Outcome] = field(default_factory=list)
    slowest: Outcome | None = None
    subprocess_runs: int = 0

    def add(self, o: Outcome) -> None:
        self.runs[o.adapter] += 1
        self.exit_codes.setdefault(o.adapter, Counter())[o.exit_code] += 1
        self.subprocess_runs += o.subprocess
        if o.problems:
            self.problems.append(o)
        if o.leaks:
            self.leaky.append(o)
        if self.slowest is None or o.seconds > self.slowest.seconds:
            self.slowest = o
