"""Reading tabular inputs (CSV/TXT and xlsx) row by row, with the row numbers users see.

Public API for adapters: :func:`open_table` streams rows from a file whatever its format,
:func:`detect_encoding` and :func:`detect_delimiter` tell how a text file is written, and
:class:`HeaderMatcher` finds the columns an adapter needs by alias, in any order.
"""

from __future__ import annotations

import codecs
import csv
import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from siu.base.cpr import mask_cpr
from siu.base.errors import TableError
from siu.base.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, shorten

ENCODINGS = ("utf-8-sig", "utf-8", "cp1252", "iso-8859-1")
DELIMITERS = (";", "\t", ",", "|")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the binary .xls of Excel 97-2003
_SAMPLE_BYTES = 256 * 1024
# Bytes cp1252 leaves undefined: a file holding them is ISO-8859-1 (C1 controls), not cp1252.
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


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


Row = tuple[int, list[Any]]


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
        return _open_xlsx(path, sheet)
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
                    raise _too_many_columns(path, last_line + 1, len(cells))
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
                raise _cell_too_long(path, last_line + 1) from None
            raise TableError(
                "SIU002",
                f"{path.name} er ikke en gyldig CSV-fil (linje {last_line + 1}): {exc}",
                f"{path.name} is not valid CSV (line {last_line + 1}): {exc}",
            ) from exc


def _too_many_columns(path: Path, row: int, count: int) -> TableError:
    return TableError(
        "SIU041",
        f"{path.name}, række {row}, har {count} kolonner (højst {MAX_COLUMNS}); filen er ikke læst videre",
        f"{path.name}, row {row}, has {count} columns (at most {MAX_COLUMNS}); the file was not read further",
    )


def _cell_too_long(path: Path, row: int) -> TableError:
    return TableError(
        "SIU040",
        f"{path.name}, række {row}, har en celle på over {MAX_CELL_CHARS} tegn; filen er ikke læst videre",
        f"{path.name}, row {row}, has a cell of more than {MAX_CELL_CHARS} characters; the file was not read further",
    )


def _open_xlsx(path: Path, sheet: str | None) -> tuple[TableInfo, Iterator[Row]]:
    import zipfile

    from openpyxl import load_workbook

    from siu.read.xlsx_guard import check_sheet, check_workbook

    check_workbook(path)
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
    try:
        check_sheet(path, wb, ws)
    except TableError:
        wb.close()
        raise
    if hasattr(ws, "reset_dimensions"):
        # Read-only mode trusts the file's <dimension>; tools that write a wrong one would lose
        # rows and columns silently, so read every row and cell the sheet really holds.
        ws.reset_dimensions()
    info = TableInfo(path=path, format="xlsx", encoding=None, delimiter=None, sheet=ws.title)

    def rows() -> Iterator[Row]:
        # Read-only mode leaves out rows without cells; yield them as empty rows so that blank
        # rows between the data are counted like blank lines in a CSV file.
        previous = 0
        try:
            for row in ws.iter_rows():
                number = next((c.row for c in row if getattr(c, "row", None)), None)
                if number is None:
                    continue
                if number > MAX_ROWS:  # a cell reference past Excel's last row: never walk the gap
                    raise TableError(
                        "SIU043",
                        f"{path.name}: en celle ligger i række {number} (Excel har højst {MAX_ROWS}); filen er "
                        "ikke "
                        "læst videre",
                        f"{path.name}: a cell lies in row {number} (Excel holds at most {MAX_ROWS}); the file was "
                        "not "
                        "read further",
                    )
                for gap in range(previous + 1, number):
                    yield gap, []
                previous = number
                values = [c.value for c in row]
                if len(values) > MAX_COLUMNS:
                    raise _too_many_columns(path, number, len(values))
                for value in values:
                    if type(value) is str and len(value) > MAX_CELL_CHARS:
                        raise _cell_too_long(path, number)
                yield number, values
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

    def __init__(
        self,
        missing: Sequence[str],
        found: Sequence[str],
        aliases: Mapping[str, Sequence[str]],
        fields: Mapping[str, str] | None = None,
    ) -> None:
        self.missing = list(missing)
        # masked: without a header row, the "headers" found are a data row that may hold a CPR;
        # at most 30, each cut short (a hostile file may have thousands of columns or huge cells)
        shown = [h for h in found if h not in (None, "")]
        self.found = [shorten(mask_cpr(str(h)[:200]), 40) for h in shown[:30]]
        if len(shown) > 30:
            self.found.append(f"… (+{len(shown) - 30})")
        self.aliases = aliases
        self.fields = dict(fields or {})  # missing label -> the field name(s) (for column maps)
        super().__init__(self.message_en)

    def _wanted(self, eg: str) -> str:
        parts = []
        for m in self.missing:
            text = m
            field = self.fields.get(m)
            if field and field != m:
                text += f" [{field}]"
            others = [a for a in self.aliases.get(m, []) if a != m][:4]
            parts.append(f"{text} ({eg} {', '.join(others)})" if others else text)
        return "; ".join(parts)

    @property
    def message_da(self) -> str:
        return f"Mangler kolonne(r): {self._wanted('fx')}. Fundne overskrifter: {', '.join(self.found) or '(ingen)'}"

    @property
    def message_en(self) -> str:
        return f"Missing column(s): {self._wanted('e.g.')}. Headers found: {', '.join(self.found) or '(none)'}"


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

    def values(self, cells: Sequence[Any]) -> dict[str, Any]:
        """Field → cell value for every matched field the row has (one pass; cheaper than
        calling :meth:`get` per field when a row needs most of them)."""
        n = len(cells)
        return {name: cells[i] for name, i in self.index.items() if i < n}


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
        # normalised header → (field, rank); a lower rank is a better alias for the field.
        self._lookup: dict[str, tuple[str, int]] = {}
        for name, names in self.aliases.items():
            for rank, alias in enumerate([*names, name]):
                key = normalise_header(alias)
                if key:
                    self._lookup.setdefault(key, (name, rank))

    def match_row(self, cells: Sequence[Any]) -> dict[str, int]:
        """Field → column index for the fields this row's headers name.

        When several columns name the same field, the one with the earlier alias wins (so a
        ``CPR-nr`` column beats an assignment column ``Tildeling``, and ``Beløb`` beats
        ``Beløb i transaktionsvaluta``); between equal aliases the leftmost column wins.
        """
        best: dict[str, tuple[int, int]] = {}
        for i, cell in enumerate(cells):
            hit = self._lookup.get(normalise_header(cell))
            if hit is not None:
                name, rank = hit
                if name not in best or rank < best[name][0]:
                    best[name] = (rank, i)
        return {name: i for name, (_, i) in best.items()}

    def label(self, name: str) -> str:
        """How users know a field: its first alias (``CPR``, ``Beløb``) or, failing that, its name."""
        names = self.aliases.get(name) or [name]
        return names[0]

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
            wanted = [*self.required, *(g[0] for g in self.one_of)]
            raise MissingColumns(
                [self.label(f) for f in wanted],
                [],
                {self.label(f): self.aliases.get(f, [f]) for f in wanted},
                {self.label(f): f for f in wanted},
            )
        best = max(range(len(scanned)), key=lambda i: (self.score(scanned[i][1]), -i))
        number, cells = scanned[best]
        index = self.match_row(cells)
        missing: list[str] = []
        aliases: dict[str, list[str]] = {}
        fields: dict[str, str] = {}
        for f in self.required:
            if f not in index:
                missing.append(self.label(f))
                aliases[self.label(f)] = self.aliases.get(f, [f])
                fields[self.label(f)] = f
        for g in self.one_of:
            if not any(f in index for f in g):
                label = " / ".join(self.label(f) for f in g)
                missing.append(label)
                aliases[label] = []
                fields[label] = " / ".join(g)
        if missing:
            found = [str(c).strip() for c in cells if not (c is None or str(c).strip() == "")]
            raise MissingColumns(missing, found, aliases, fields)
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
        from openpyxl import load_workbook

        from siu.read.xlsx_guard import check_workbook

        check_workbook(path)  # openpyxl reads the shared strings when it opens a workbook
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
