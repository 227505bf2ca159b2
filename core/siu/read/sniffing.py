"""How sure a table adapter is that a file is its format, and which sheet of a workbook holds its
headers (private; used by :class:`siu.tabular.TabularSource`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from siu.adapters import Sniff
from siu.tables import (
    XLSX_SUFFIXES,
    HeaderMatch,
    HeaderMatcher,
    MissingColumns,
    TableError,
    first_rows,
    normalise_header,
    open_table,
    sheet_names,
)

Clues = Callable[[list[list[Any]], int], list[tuple[str, str]]]


def sniff_table(
    path: Path, file_types: Sequence[str], matcher: HeaderMatcher, signature: Sequence[str], clues: Clues
) -> Sniff:
    """The confidence that ``path`` is the format whose headers ``matcher`` knows (see
    :meth:`siu.tabular.TabularSource.sniff_with` for the scale)."""
    suffix = path.suffix.lower()
    if suffix not in file_types:
        return Sniff(
            0.0,
            f"læser ikke {suffix or 'filer uden endelse'}",
            f"does not read {suffix or 'files without a suffix'}",
        )
    rows = first_rows(path)
    if rows and suffix in XLSX_SUFFIXES and not readable(matcher, rows):
        for name in sheet_names(path)[1:10]:
            other = first_rows(path, sheet=name)
            if readable(matcher, other):
                rows = other
                break
    if not rows:
        return Sniff(0.0, "filen kunne ikke læses som tabel", "the file could not be read as a table")
    best = max(range(len(rows)), key=lambda i: (matcher.score(rows[i]), -i))
    header = rows[best]
    found = matcher.match_row(header)
    missing = [matcher.label(f) for f in matcher.required if f not in found]
    missing += [" / ".join(matcher.label(f) for f in g) for g in matcher.one_of if not any(x in found for x in g)]
    if missing:
        return Sniff(
            min(0.2, 0.03 * len(found)),
            f"mangler kolonnerne {', '.join(missing)}",
            f"lacks the columns {', '.join(missing)}",
        )
    headers = {normalise_header(c) for c in header}
    signs = [sig for sig in signature if normalise_header(sig) in headers]
    layout = clues(rows, best)
    confidence = 0.3 + 0.02 * min(len(found), 5) + 0.15 * min(len(signs), 3) + 0.1 * len(layout)
    da = f"{len(found)} kendte kolonner"
    en = f"{len(found)} known columns"
    if signs:
        da += f"; kendetegn: {', '.join(signs[:5])}"
        en += f"; signature: {', '.join(signs[:5])}"
    for clue_da, clue_en in layout:
        da += f"; {clue_da}"
        en += f"; {clue_en}"
    return Sniff(round(min(confidence, 0.99), 2), da, en)


def readable(matcher: HeaderMatcher, rows: list[list[Any]]) -> bool:
    """Whether one of ``rows`` holds every header the matcher requires."""
    for cells in rows:
        found = matcher.match_row(cells)
        if all(f in found for f in matcher.required) and all(any(x in found for x in g) for g in matcher.one_of):
            return True
    return False


def other_sheet(path: Path, matcher: HeaderMatcher) -> tuple[Any, Any, HeaderMatch, list[Any]] | None:
    """The first later sheet of a workbook whose headers the matcher finds (when the first
    sheet is a cover or parameter sheet), opened and positioned after its header row."""
    for name in sheet_names(path)[1:10]:
        rows = None
        try:
            table, rows = open_table(path, sheet=name)
            match, pending = matcher.find(rows)
        except (MissingColumns, TableError):
            close_rows(rows)
            continue
        return table, rows, match, pending
    return None


def close_rows(rows: Any) -> None:
    """Close a table's row iterator (an open workbook) when it can be closed."""
    if hasattr(rows, "close"):
        rows.close()
