"""How a table was read, and the errors for a table too big to read (private; public through
``siu.tables``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from siu.base.errors import TableError
from siu.base.limits import MAX_CELL_CHARS, MAX_COLUMNS


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


def too_many_columns(path: Path, row: int, count: int) -> TableError:
    return TableError(
        "SIU041",
        f"{path.name}, række {row}, har {count} kolonner (højst {MAX_COLUMNS}); filen er ikke læst videre",
        f"{path.name}, row {row}, has {count} columns (at most {MAX_COLUMNS}); the file was not read further",
    )


def cell_too_long(path: Path, row: int) -> TableError:
    return TableError(
        "SIU040",
        f"{path.name}, række {row}, har en celle på over {MAX_CELL_CHARS} tegn; filen er ikke læst videre",
        f"{path.name}, row {row}, has a cell of more than {MAX_CELL_CHARS} characters; the file was not read further",
    )
