"""Reading tabular inputs (CSV/TXT and xlsx) row by row, with the row numbers users see.

Public API for adapters: :func:`open_table` streams rows from a file whatever its format,
:func:`detect_encoding` and :func:`detect_delimiter` tell how a text file is written, and
:class:`HeaderMatcher` finds the columns an adapter needs by alias, in any order.
"""

from __future__ import annotations

import codecs
import csv
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from siu.base.errors import TableError
from siu.base.limits import MAX_CELL_CHARS, MAX_COLUMNS
from siu.read.headers import HeaderMatch, HeaderMatcher, MissingColumns, Row, column_letter, normalise_header
from siu.read.table_info import TableInfo, cell_too_long, too_many_columns
from siu.read.xlsx_table import open_xlsx

__all__ = [
    "DELIMITERS",
    "ENCODINGS",
    "XLSX_SUFFIXES",
    "HeaderMatch",
    "HeaderMatcher",
    "MissingColumns",
    "Row",
    "TableError",
    "TableInfo",
    "check_delimiter",
    "column_letter",
    "detect_delimiter",
    "detect_encoding",
    "first_rows",
    "normalise_header",
    "open_table",
    "sheet_names",
    "sniff_text",
]

ENCODINGS = ("utf-8-sig", "utf-8", "cp1252", "iso-8859-1")
DELIMITERS = (";", "\t", ",", "|")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the binary .xls of Excel 97-2003
_SAMPLE_BYTES = 256 * 1024
# Bytes cp1252 leaves undefined: a file holding them is ISO-8859-1 (C1 controls), not cp1252.
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def detect_encoding(data: bytes) -> str:
    """The encoding of ``data`` from the closed list :data:`ENCODINGS`.

    A BOM means UTF-8 with BOM; text that decodes as UTF-8 is UTF-8; otherwise cp1252 (what
    Danish Windows exports use) unless the bytes are undefined there, which means ISO-8859-1.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte sequence cut off at the end of a sample is still UTF-8.
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    if any(b in _CP1252_UNDEFINED for b in data):
        return "iso-8859-1"
    return "cp1252"


def detect_delimiter(sample: str) -> str:
    """The delimiter among ``;``, TAB, ``,``, ``|`` that splits the sample's lines most consistently.

    Consistency is weighed per line: a delimiter scores one for each line that holds it (outside
    quotes) as often as most lines do, and loses one for each line that holds it a different
    number of times; lines without it (SAP title lines above the header) count for nothing. Ties
    go to the delimiter that makes more columns. So a TAB list whose texts hold ``;`` (an SAP
    FBL3N export) is read as TAB: every line has the same number of tabs, while ``;`` is missing
    from the header and varies with the text; when every line has the same number of tabs, TAB
    wins outright. Danish exports use ``;`` with ``,`` as the decimal
    sign in every amount, so ``;`` wins over ``,`` whenever it scores at least 80 % as much.
    """
    lines = [line for line in sample.splitlines() if line.strip()][:100]
    tabs = {_count_outside_quotes(line, "\t") for line in lines}
    if len(tabs) == 1 and tabs != {0}:
        return "\t"  # every line has the same number of tabs: a TAB list, whatever its texts hold
    scores: dict[str, tuple[int, int]] = {}
    for delim in DELIMITERS:
        counts = [_count_outside_quotes(line, delim) for line in lines]
        positive = [c for c in counts if c > 0]
        if positive:
            mode = max(sorted(set(positive)), key=positive.count)
            consistent = positive.count(mode)
            scores[delim] = (consistent - (len(positive) - consistent), mode)
    if not scores:
        return ";"
    best = max(DELIMITERS, key=lambda d: scores.get(d, (-(10**9), 0)))
    semicolon = scores.get(";")
    if best == "," and semicolon and semicolon[0] >= 0.8 * scores[","][0]:
        return ";"
    return best


def _count_outside_quotes(line: str, delim: str) -> int:
    """How often ``delim`` splits ``line`` as the csv module reads it: a quote opens a quoted
    field only at the start of a field (``Ophold "Lærkevej"`` is plain text)."""
    if '"' not in line:
        return line.count(delim)
    count, quoted, at_start, closed = 0, False, True, False
    for ch in line:
        if quoted:
            if ch == '"':
                quoted, closed = False, True
            continue
        if ch == '"' and (at_start or closed):  # a field's opening quote, or a doubled quote inside one
            quoted, at_start, closed = True, False, False
            continue
        closed = False
        if ch == delim:
            count += 1
            at_start = True
        else:
            at_start = False
    return count


def open_table(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    confirm_encoding: bool = True,
) -> tuple[TableInfo, Iterator[Row]]:
    """Open ``path`` as a table: returns how it was read and an iterator of ``(row_number, cells)``.

    Row numbers are 1-based and physical: the line in an editor (a quoted field spanning lines
    counts from its first line) or the row number Excel shows. CSV cells are text; xlsx cells are
    the values openpyxl reads (text, numbers, datetimes), never formatted or guessed further.
    ``encoding`` and ``delimiter`` override detection (``TableInfo`` then says "valgt");
    ``confirm_encoding=False`` trusts a UTF-8 guess from the first 256 KiB (for quick sniffing)
    instead of checking the whole file. A ``.xls`` that is really text (as SAP GUI saves its
    "spreadsheet" export) is read as CSV. Raises :class:`TableError` when the file cannot be
    opened at all.
    """
    path = Path(path)
    if not path.exists():
        raise TableError("SIU001", f"Filen findes ikke: {path}", f"File not found: {path}")
    if path.is_dir():
        raise TableError("SIU001", f"Stien er en mappe, ikke en fil: {path}", f"Path is a folder, not a file: {path}")
    if path.suffix.lower() in XLSX_SUFFIXES:
        return open_xlsx(path, sheet)
    return _open_csv(path, encoding, delimiter, confirm_encoding)


def _open_csv(
    path: Path, encoding: str | None, delimiter: str | None, confirm: bool = True
) -> tuple[TableInfo, Iterator[Row]]:
    with path.open("rb") as fh:
        head = fh.read(_SAMPLE_BYTES)
    if head.startswith(_OLE2_MAGIC):
        raise TableError(
            "SIU002",
            f"{path.name} er et gammelt binært Excel-ark (.xls); åbn det i Excel og gem det som .xlsx eller CSV",
            f"{path.name} is an old binary Excel workbook (.xls); open it in Excel and save it as .xlsx or CSV",
        )
    if head.startswith(b"PK\x03\x04"):
        raise TableError(
            "SIU002",
            f"{path.name} ligner et Excel-regneark, men filnavnet ender ikke på .xlsx",
            f"{path.name} looks like an Excel workbook but its name does not end in .xlsx",
        )
    if b"\x00" in head[:4096]:
        raise TableError(
            "SIU002",
            f"{path.name} er ikke en tekstfil (CSV/TXT) eller er gemt som UTF-16",
            f"{path.name} is not a text file (CSV/TXT) or is saved as UTF-16",
        )
    info = TableInfo(path=path, format="csv")
    if encoding:
        info.encoding, info.encoding_detected = _check_encoding(encoding), False
    else:
        info.encoding = detect_encoding(head)
        if info.encoding == "utf-8" and confirm:
            info.encoding = _confirm_utf8(path)
    sample = head.decode(info.encoding, errors="replace")
    if delimiter:
        info.delimiter, info.delimiter_detected = check_delimiter(delimiter), False
    else:
        info.delimiter = detect_delimiter(sample)
    return info, _csv_rows(path, info)


def check_delimiter(name: str) -> str:
    """A delimiter as the user wrote it (``;``, ``tab``/``\\t``, ``,``, ``|``, ``semikolon``, ...)."""
    words = {"tab": "\t", "\\t": "\t", "semicolon": ";", "semikolon": ";", "comma": ",", "komma": ",", "pipe": "|"}
    value = words.get(name.strip().lower(), name)
    if len(value) != 1:
        raise TableError(
            "SIU023",
            f"Ukendt skilletegn: {name!r} (brug ';', tab, ',' eller '|')",
            f"Unknown delimiter: {name!r} (use ';', tab, ',' or '|')",
        )
    return value


def _check_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise TableError("SIU003", f"Ukendt tegnsæt: {name}", f"Unknown encoding: {name}") from None


def _confirm_utf8(path: Path) -> str:
    """The head decoded as UTF-8; make sure the rest does too, else fall back to cp1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _csv_rows(path: Path, info: TableInfo) -> Iterator[Row]:
    # Bounded work: the csv module (in C) refuses a longer field, and a row with more columns
    # than Excel allows stops the file, before a header scan or a message walks every cell.
    csv.field_size_limit(MAX_CELL_CHARS)
    with path.open("r", encoding=info.encoding, newline="", errors="strict") as fh:
        reader = csv.reader(fh, delimiter=info.delimiter or ";", strict=False)
        last_line = 0
        try:
            for cells in reader:
                if len(cells) > MAX_COLUMNS:
                    raise too_many_columns(path, last_line + 1, len(cells))
                yield last_line + 1, cells
                last_line = reader.line_num
        except UnicodeDecodeError as exc:
            raise TableError(
                "SIU003",
                f"{path.name} kan ikke læses med tegnsættet {info.encoding} (efter linje {last_line}); angiv "
                "--encoding",
                f"{path.name} cannot be read as {info.encoding} (after line {last_line}); use --encoding",
            ) from exc
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise cell_too_long(path, last_line + 1) from None
            raise TableError(
                "SIU002",
                f"{path.name} er ikke en gyldig CSV-fil (linje {last_line + 1}): {exc}",
                f"{path.name} is not valid CSV (line {last_line + 1}): {exc}",
            ) from exc


def sniff_text(path: Path, limit: int = 64 * 1024) -> str:
    """The first bytes of a text file decoded leniently, for adapters' ``sniff``; '' for xlsx."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        return ""
    try:
        with path.open("rb") as fh:
            data = fh.read(limit)
    except OSError:
        return ""
    return data.decode(detect_encoding(data), errors="replace")


def first_rows(path: Path, count: int = 30, sheet: str | None = None) -> list[list[Any]]:
    """Up to ``count`` leading rows of any table file (of ``sheet`` in a workbook, else the
    first sheet), for sniffing; [] when unreadable.

    Cached per file (path, size, modification time): every adapter sniffs the same file.
    """
    try:
        stat = Path(path).stat()
    except OSError:
        return []
    return [list(r) for r in _first_rows(str(path), stat.st_size, stat.st_mtime_ns, count, sheet)]


def sheet_names(path: Path) -> list[str]:
    """The sheets of a workbook in order; [] for text files and unreadable workbooks."""
    if Path(path).suffix.lower() not in XLSX_SUFFIXES:
        return []
    try:
        import zipfile

        from openpyxl import load_workbook

        from siu.read.xlsx_book import read_book
        from siu.read.xlsx_guard import check_workbook

        check_workbook(path)  # openpyxl reads the shared strings when it opens a workbook
        with zipfile.ZipFile(path) as zf:
            book = read_book(zf)  # the workbook's own list: no shared strings, no styles parsed
        if book is not None:
            return book.names
        wb = load_workbook(path, read_only=True)
        try:
            return list(wb.sheetnames)
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - a damaged workbook has no sheets to offer
        return []


@functools.lru_cache(maxsize=16)
def _first_rows(path: str, size: int, mtime: int, count: int, sheet: str | None) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(r) for r in _read_first_rows(Path(path), count, sheet))


def _read_first_rows(path: Path, count: int, sheet: str | None = None) -> list[list[Any]]:
    try:
        _, rows = open_table(path, confirm_encoding=False, sheet=sheet)
        out = []
        for _, cells in rows:
            out.append(cells)
            if len(out) >= count:
                break
        if hasattr(rows, "close"):
            rows.close()  # type: ignore[attr-defined]
        return out
    except (TableError, OSError, UnicodeDecodeError, csv.Error):
        return []
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on damaged files; sniffing must not
        return []
