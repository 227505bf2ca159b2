"""An xlsx sheet read with python-calamine, its rows given as openpyxl gives them (private; used by
:func:`siu.read.xlsx_table.open_xlsx` and :mod:`siu.read.xlsx_columns`).

python-calamine parses a sheet some ten times faster than openpyxl, but reads some cells
otherwise. Where it cannot be trusted, openpyxl reads, as siu always did:

* the whole sheet, when one pass over its XML (:func:`siu.read.xlsx_guard.survey_sheet`, the
  pass that checks Excel's limits) or the workbook's styles show what calamine reads otherwise:
  an error cell (``#N/A``: calamine gives an empty cell), an ISO date cell, an empty text or
  value (openpyxl may give ''), an ``_x000D_`` escape (calamine decodes it), a 7-digit number
  in a date style (openpyxl: ``#VALUE!`` and a warning; calamine: the number), a style the two
  read differently, the 1904 date system, rows or cells without their reference, or a sheet so
  sparse that calamine's grid would be large;
* the rest of the sheet from the first row holding a time or duration (calamine reads a
  negative date serial as a time of day; openpyxl as a date).

Rows calamine does not see (styled empty rows after the last value) are added as empty rows,
as openpyxl yields them: the survey says where the last cell element is.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from siu.base.errors import TableError
from siu.base.limits import MAX_CELL_CHARS
from siu.read.headers import Row
from siu.read.table_info import TableInfo, cell_too_long
from siu.read.xlsx_book import Book, read_book
from siu.read.xlsx_guard import EMPTY_TEXT, ESCAPE, SheetSurvey, survey_sheet

EXACT_INT = 1e15  # below this Excel writes a whole number without a point, which openpyxl reads as int
_DENSE = 1 << 22  # a grid this large (some 130 MB in calamine) is read by calamine whatever the sheet holds


Fallback = Callable[[Path, str], Iterator[Row]]


def open_calamine(path: Path, sheet: str | None, fallback: Fallback) -> tuple[TableInfo, SheetRows] | None:
    """The sheet (the first worksheet when ``sheet`` is None) read by python-calamine, or None
    where calamine cannot serve (see the module docstring) and openpyxl reads it; ``fallback``
    gives a sheet's rows as openpyxl reads them."""
    try:
        with zipfile.ZipFile(path) as zf:
            book = read_book(zf)
            if book is None or book.date1904 or not book.styles_agree:
                return None
            title = next(iter(book.sheets), None) if sheet is None else sheet
            member = book.sheets.get(title or "")
            if title is None or not member:
                return None
            info = zf.getinfo(member)
            survey = survey_sheet(zf.open(info), path.name, info.file_size)  # raises SIU041-SIU043
            if not _trusted(survey, book) or _has_escapes(zf, book):
                return None
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
        return None  # openpyxl says what is wrong with the file
    return _calamine_sheet(path, title, survey, fallback)


def _calamine_sheet(
    path: Path, title: str, survey: SheetSurvey, fallback: Fallback
) -> tuple[TableInfo, SheetRows] | None:
    from python_calamine import CalamineWorkbook

    try:
        grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(title)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - CalamineError, or a Rust panic (pyo3's PanicException is no Exception)
        return None  # openpyxl says what is wrong with the file
    # Every value the XML holds is a value calamine gives (it reads some damaged XML that openpyxl
    # refuses; a cell it passes over would be money lost without a word): else openpyxl reads.
    if sum(len(values) - values.count("") for values in grid.iter_rows()) != survey.values:
        return None
    table = TableInfo(path=path, format="xlsx", encoding=None, delimiter=None, sheet=title)
    return table, SheetRows(path, title, grid, survey.last_cell_row, fallback)


def _trusted(survey: SheetSurvey, book: Book) -> bool:
    """Whether the survey shows nothing calamine reads otherwise than openpyxl."""
    referenced = survey.numbered_rows == survey.rows and survey.numbered_cells == survey.cells
    width = 26 if survey.widest == 1 else survey.widest  # single letters: at most Z
    dense = survey.last_row * width <= max(4 * survey.cells, _DENSE)
    date_numbers = survey.big_number_styles & (book.date_styles | {-1})
    return referenced and dense and not survey.odd_cells and not survey.escapes and not date_numbers


def _has_escapes(zf: zipfile.ZipFile, book: Book) -> bool:
    """Whether the shared strings hold an ``_xHHHH_`` escape or an empty text (read in chunks, as
    the sheet is)."""
    if not book.shared_strings:
        return False
    tail = b""
    with zf.open(book.shared_strings) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            if ESCAPE.search(data) or EMPTY_TEXT.search(data):
                return True
            tail = chunk[-64:]
    return False


def openpyxl_cells(values: list[Any], lead: list[None], number: int, path: Path) -> list[Any] | None:
    """A calamine row as openpyxl gives it: None for an empty cell, none after the last value,
    whole numbers as int and dates as datetimes; None for a row calamine reads otherwise
    (a time or a duration). A cell past siu's limit stops the file, as openpyxl's reading does."""
    cells: list[Any] = [*lead]
    for value in values:
        kind = type(value)
        if kind is str:
            if len(value) > MAX_CELL_CHARS:
                raise cell_too_long(path, number)
            cells.append(value or None)
        elif kind is float:
            cells.append(int(value) if value.is_integer() and abs(value) < EXACT_INT else value)
        elif kind is dt.date:
            cells.append(dt.datetime(value.year, value.month, value.day))
        elif kind is dt.datetime or kind is bool:
            cells.append(value)
        else:
            return None
    while cells and cells[-1] is None:
        cells.pop()
    return cells


class SheetRows(Iterator[Row]):
    """The sheet's rows with Excel's row numbers, as openpyxl gives them; a reader may also take
    the rows not yet given as calamine gives them, in blocks (:meth:`blocks`)."""

    def __init__(self, path: Path, title: str, grid: Any, last_cell_row: int, fallback: Fallback) -> None:
        self.path, self.title = path, title
        self._fallback = fallback  # the sheet's rows read by openpyxl
        self.lead: list[None] = [None] * grid.start[1] if grid.start else []
        self._raw = grid.iter_rows()  # python-calamine makes each row's values when asked
        self._blank = [""] * grid.width
        self._last = last_cell_row
        self.next_row = 1  # the number of the next row to give
        self._back: list[list[Any]] = []  # rows a reader gave back
        self._openpyxl: Iterator[Row] | None = None

    def __next__(self) -> Row:
        if self._openpyxl is not None:
            return next(self._openpyxl)
        number = self.next_row
        values = self._take(number)
        cells = openpyxl_cells(values, self.lead, number, self.path)
        if cells is None:  # calamine cannot be trusted here: openpyxl reads from this row on
            self._openpyxl = (row for row in self._fallback(self.path, self.title) if row[0] >= number)
            return next(self._openpyxl)
        self.next_row += 1
        return number, cells

    def _take(self, number: int) -> list[Any]:
        """Row ``number``'s values as calamine gives them."""
        if self._back:
            return self._back.pop()
        values = next(self._raw, None)
        if values is None:
            if number > self._last:  # styled empty rows after the last value: openpyxl yields them
                raise StopIteration
            return self._blank
        return values

    def blocks(self, size: int) -> Iterator[tuple[int, list[list[Any]]]]:
        """The rows not yet given, as calamine gives them (an empty cell is ''), in blocks of at
        most ``size``: each block's first row number and its rows. Rows a block holds count as given."""
        while self._openpyxl is None:
            first = self.next_row
            block = [self._back.pop() for _ in range(min(size, len(self._back)))]
            block += itertools.islice(self._raw, size - len(block))
            blanks = min(size - len(block), self._last - (first + len(block)) + 1)
            block += [self._blank] * max(blanks, 0)  # styled empty rows after the last value
            if not block:
                return
            self.next_row += len(block)
            yield first, block

    def give_back(self, first: int, block: list[list[Any]]) -> None:
        """Rows taken by :meth:`blocks` and not read: they are given again, from row ``first``."""
        self._back = block[::-1] + self._back
        self.next_row = first

    def close(self) -> None:
        self._raw = iter(())
        if self._openpyxl is not None and hasattr(self._openpyxl, "close"):
            self._openpyxl.close()  # type: ignore[attr-defined]


__all__ = ["EXACT_INT", "SheetRows", "TableError", "open_calamine", "openpyxl_cells"]
