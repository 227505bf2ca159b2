"""Reading tabular inputs (CSV/TXT and xlsx) row by row, with the row numbers users see.

Public API for adapters: :func:`open_table` streams rows from a file whatever its format,
:func:`detect_encoding` and :func:`detect_delimiter` tell how a text file is written, and
:class:`HeaderMatcher` finds the columns an adapter needs by alias, in any order.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENCODINGS = ("utf-8-sig", "utf-8", "cp1252", "iso-8859-1")
DELIMITERS = (";", "\t", ",", "|")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_SAMPLE_BYTES = 256 * 1024
# Bytes cp1252 leaves undefined: a file holding them is ISO-8859-1 (C1 controls), not cp1252.
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


class TableError(Exception):
    """A file cannot be read as a table. ``code`` is the finding code to report it under."""

    def __init__(self, code: str, message_da: str, message_en: str) -> None:
        self.code = code
        self.message_da = message_da
        self.message_en = message_en
        super().__init__(message_en)


@dataclass
class TableInfo:
    """How a table was read: reported in the console header so users can check it."""

    path: Path
    format: str  # "csv" or "xlsx"
    encoding: str | None = None
    encoding_detected: bool = True
    delimiter: str | None = None
    delimiter_detected: bool = True
    sheet: str | None = None

    def describe(self) -> dict[str, str]:
        out = {"format": self.format}
        if self.encoding:
            out["encoding"] = self.encoding + ("" if self.encoding_detected else " (valgt)")
        if self.delimiter:
            out["delimiter"] = {"\t": "TAB"}.get(self.delimiter, self.delimiter) + (
                "" if self.delimiter_detected else " (valgt)"
            )
        if self.sheet:
            out["sheet"] = self.sheet
        return out


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

    Danish exports use ``;`` (because ``,`` is the decimal sign), so ``;`` wins ties.
    """
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    if not lines:
        return ";"
    best, best_score = ";", (0, 0)
    for delim in DELIMITERS:
        counts = [_count_outside_quotes(line, delim) for line in lines]
        positive = [c for c in counts if c > 0]
        if not positive:
            continue
        mode = max(set(positive), key=positive.count)
        # Lines sharing the most common count; SAP title lines above the header do not share it.
        score = (positive.count(mode), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _count_outside_quotes(line: str, delim: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delim and not quoted:
            count += 1
    return count


Row = tuple[int, list[Any]]


def open_table(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> tuple[TableInfo, Iterator[Row]]:
    """Open ``path`` as a table: returns how it was read and an iterator of ``(row_number, cells)``.

    Row numbers are 1-based and physical: the line in an editor (a quoted field spanning lines
    counts from its first line) or the row number Excel shows. CSV cells are text; xlsx cells are
    the values openpyxl reads (text, numbers, datetimes), never formatted or guessed further.
    Raises :class:`TableError` when the file cannot be opened at all.
    """
    path = Path(path)
    if not path.exists():
        raise TableError("SIU001", f"Filen findes ikke: {path}", f"File not found: {path}")
    if path.is_dir():
        raise TableError("SIU001", f"Stien er en mappe, ikke en fil: {path}", f"Path is a folder, not a file: {path}")
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _open_xlsx(path, sheet)
    return _open_csv(path, encoding, delimiter)


def _open_csv(path: Path, encoding: str | None, delimiter: str | None) -> tuple[TableInfo, Iterator[Row]]:
    with path.open("rb") as fh:
        head = fh.read(_SAMPLE_BYTES)
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
        if info.encoding == "utf-8":
            info.encoding = _confirm_utf8(path)
    sample = head.decode(info.encoding, errors="replace")
    if delimiter:
        info.delimiter, info.delimiter_detected = {"tab": "\t", "\\t": "\t"}.get(delimiter.lower(), delimiter), False
    else:
        info.delimiter = detect_delimiter(sample)
    return info, _csv_rows(path, info)


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
    with path.open("r", encoding=info.encoding, newline="", errors="strict") as fh:
        reader = csv.reader(fh, delimiter=info.delimiter or ";", strict=False)
        last_line = 0
        try:
            for cells in reader:
                yield last_line + 1, cells
                last_line = reader.line_num
        except UnicodeDecodeError as exc:
            raise TableError(
                "SIU003",
                f"{path.name} kan ikke læses med tegnsættet {info.encoding} (efter linje {last_line}); angiv --encoding",
                f"{path.name} cannot be read as {info.encoding} (after line {last_line}); use --encoding",
            ) from exc
        except csv.Error as exc:
            raise TableError(
                "SIU002",
                f"{path.name} er ikke en gyldig CSV-fil (linje {last_line + 1}): {exc}",
                f"{path.name} is not valid CSV (line {last_line + 1}): {exc}",
            ) from exc


def _open_xlsx(path: Path, sheet: str | None) -> tuple[TableInfo, Iterator[Row]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(
            "SIU002",
            f"{path.name} kan ikke åbnes som Excel-regneark (.xlsx): {exc.__class__.__name__}",
            f"{path.name} cannot be opened as an Excel workbook (.xlsx): {exc.__class__.__name__}",
        ) from None
    if sheet is not None and sheet not in wb.sheetnames:
        names = ", ".join(wb.sheetnames)
        wb.close()
        raise TableError(
            "SIU004",
            f"Arket '{sheet}' findes ikke i {path.name}; arkene er: {names}",
            f"Sheet '{sheet}' not found in {path.name}; the sheets are: {names}",
        )
    ws = wb[sheet] if sheet is not None else wb.worksheets[0]
    if hasattr(ws, "reset_dimensions"):
        # Read-only mode trusts the file's <dimension>; tools that write a wrong one would lose
        # rows and columns silently, so read every row and cell the sheet really holds.
        ws.reset_dimensions()
    info = TableInfo(path=path, format="xlsx", encoding=None, delimiter=None, sheet=ws.title)

    def rows() -> Iterator[Row]:
        try:
            for row in ws.iter_rows():
                cells = [c.value for c in row]
                number = next((c.row for c in row if getattr(c, "row", None)), None)
                if number is None:  # an empty row in read-only mode
                    continue
                yield number, cells
        finally:
            wb.close()

    return info, rows()


def column_letter(index: int) -> str:
    """Excel's column letter for a 0-based index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --- header matching -----------------------------------------------------------------------

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_header(text: Any) -> str:
    """Header text folded for matching: case, accents, æøå, spaces and punctuation ignored."""
    folded = str(text or "").casefold().translate(_FOLD)
    folded = unicodedata.normalize("NFKD", folded)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", folded)


class MissingColumns(Exception):
    """Required columns were not found; names them all and lists the headers that were."""

    def __init__(self, missing: Sequence[str], found: Sequence[str], aliases: Mapping[str, Sequence[str]]) -> None:
        self.missing = list(missing)
        self.found = [str(h) for h in found if h not in (None, "")]
        self.aliases = aliases
        super().__init__(self.message_en)

    @property
    def message_da(self) -> str:
        wanted = "; ".join(f"{m} (fx {', '.join(self.aliases[m][:3])})" for m in self.missing)
        return f"Mangler kolonne(r): {wanted}. Fundne overskrifter: {', '.join(self.found) or '(ingen)'}"

    @property
    def message_en(self) -> str:
        wanted = "; ".join(f"{m} (e.g. {', '.join(self.aliases[m][:3])})" for m in self.missing)
        return f"Missing column(s): {wanted}. Headers found: {', '.join(self.found) or '(none)'}"


@dataclass
class HeaderMatch:
    """Which column index holds each field, and the header text the user sees for it."""

    row: int
    index: dict[str, int]
    labels: dict[str, str]
    headers: list[str] = field(default_factory=list)

    def get(self, cells: Sequence[Any], name: str) -> Any:
        i = self.index.get(name)
        return cells[i] if i is not None and i < len(cells) else None


class HeaderMatcher:
    """Finds an adapter's fields among a file's headers by alias.

    ``aliases`` maps each field to the header texts that mean it (first is the canonical label);
    ``required`` lists the fields without which the file cannot be read; ``alternatives`` lists
    groups where any one field satisfies the requirement (e.g. a signed amount *or* an unsigned
    amount with a debit/credit indicator is handled by the adapter, so list them as optional).
    """

    def __init__(
        self,
        aliases: Mapping[str, Sequence[str]],
        required: Sequence[str] = (),
        one_of: Sequence[Sequence[str]] = (),
    ) -> None:
        self.aliases = {k: list(v) for k, v in aliases.items()}
        self.required = list(required)
        self.one_of = [list(g) for g in one_of]
        self._lookup: dict[str, str] = {}
        for name, names in self.aliases.items():
            for alias in [name, *names]:
                self._lookup.setdefault(normalise_header(alias), name)

    def match_row(self, cells: Sequence[Any]) -> dict[str, int]:
        """Field → column index for the fields this row's headers name (first occurrence wins)."""
        found: dict[str, int] = {}
        for i, cell in enumerate(cells):
            name = self._lookup.get(normalise_header(cell))
            if name is not None and name not in found:
                found[name] = i
        return found

    def score(self, cells: Sequence[Any]) -> int:
        return len(self.match_row(cells))

    def find(self, rows: Iterator[Row], max_scan: int = 30) -> tuple[HeaderMatch, list[Row]]:
        """Scan up to ``max_scan`` leading rows for the header row (the one naming most fields).

        Returns the match and the rows read past the header row that must still be processed.
        Raises :class:`MissingColumns` when required fields are missing.
        """
        scanned: list[Row] = []
        for number, cells in rows:
            scanned.append((number, cells))
            if len(scanned) >= max_scan:
                break
        if not scanned:
            raise MissingColumns(self.required or list(self.aliases)[:1], [], self.aliases)
        best = max(range(len(scanned)), key=lambda i: (self.score(scanned[i][1]), -i))
        number, cells = scanned[best]
        index = self.match_row(cells)
        missing = [f for f in self.required if f not in index]
        missing += [" / ".join(g) for g in self.one_of if not any(f in index for f in g)]
        if missing:
            aliases = dict(self.aliases)
            for g in self.one_of:
                aliases[" / ".join(g)] = [a for f in g for a in self.aliases.get(f, [f])[:1]]
            raise MissingColumns(missing, [str(c) for c in cells if c not in (None, "")], aliases)
        headers = ["" if c is None else str(c).strip() for c in cells]
        labels = {name: headers[i] or column_letter(i) for name, i in index.items()}
        return HeaderMatch(row=number, index=index, labels=labels, headers=headers), scanned[best + 1 :]


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


def first_rows(path: Path, count: int = 30) -> list[list[Any]]:
    """Up to ``count`` leading rows of any table file, for sniffing; [] when unreadable."""
    try:
        _, rows = open_table(path)
        out = []
        for _, cells in rows:
            out.append(cells)
            if len(out) >= count:
                break
        if hasattr(rows, "close"):
            rows.close()  # type: ignore[attr-defined]
        return out
    except (TableError, OSError, UnicodeDecodeError):
        return []

