"""What an xlsx workbook says about itself, read from its small zip parts without openpyxl
(private; used by :mod:`siu.read.xlsx_calamine` and :func:`siu.tables.sheet_names`).

openpyxl's ``load_workbook`` parses far more than the sheet list (seconds for a large export);
here only ``workbook.xml``, its relations and ``styles.xml`` are read: the sheets in order with
the zip member of each, whether the workbook counts dates from 1904, and which cell styles
openpyxl reads as dates, and whether python-calamine surely reads every style the same way.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# openpyxl's own rule (openpyxl.styles.numbers): quoted text and [..] groups other than [h]/[m]/[s]
# are ignored, and only the first section counts.
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
# Built-in formats python-calamine reads as dates (ECMA-376; 27-36 and 50-58 are East Asian dates).
_CALAMINE_DATE_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])


@dataclass
class Book:
    """A workbook's sheets (name → zip member, in order) and how its styles read numbers."""

    names: list[str] = field(default_factory=list)  # every sheet, in order (as openpyxl's sheetnames)
    sheets: dict[str, str] = field(default_factory=dict)  # worksheet name → zip member
    shared_strings: str | None = None
    date1904: bool = False
    date_styles: frozenset[int] = frozenset()  # cell style indices openpyxl reads as dates
    styles_agree: bool = True  # python-calamine reads every style as openpyxl does (date or number)


def read_book(zf: zipfile.ZipFile) -> Book | None:
    """The workbook's sheets and styles; None when its parts cannot be read this way."""
    try:
        workbook = _workbook_part(zf)
        rels = _relations(zf, workbook)
        root = ET.fromstring(zf.read(workbook))
        book = Book()
        pr = root.find(f"{_MAIN}workbookPr")
        book.date1904 = pr is not None and pr.get("date1904", "").lower() in ("1", "true")
        listed = set()
        for sheet in root.iter(f"{_MAIN}sheet"):
            listed.add(sheet.get(f"{_DOC_REL}id", ""))
            target, kind = rels.get(sheet.get(f"{_DOC_REL}id", ""), ("", ""))
            book.names.append(sheet.get("name", ""))
            if kind.endswith("/worksheet"):
                book.sheets[sheet.get("name", "")] = target
        if any(kind.endswith(("/worksheet", "/chartsheet")) and rid not in listed for rid, (_, kind) in rels.items()):
            return None  # a sheet the list leaves out (a damaged workbook.xml): openpyxl finds it its own way
        styles = next((t for t, kind in rels.values() if kind.endswith("/styles")), None)
        book.shared_strings = next((t for t, kind in rels.values() if kind.endswith("/sharedStrings")), None)
        if styles is not None and styles in zf.namelist():
            book.date_styles, book.styles_agree = _styles(ET.fromstring(zf.read(styles)))
    except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    return book


def _workbook_part(zf: zipfile.ZipFile) -> str:
    root = ET.fromstring(zf.read("_rels/.rels"))
    for rel in root.iter(f"{_REL}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            return _resolve("", rel.get("Target", ""))
    raise KeyError("officeDocument")


def _relations(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """The relations of ``part``: id → (zip member, type)."""
    folder, name = posixpath.split(part)
    root = ET.fromstring(zf.read(posixpath.join(folder, "_rels", f"{name}.rels")))
    return {
        rel.get("Id", ""): (_resolve(folder, rel.get("Target", "")), rel.get("Type", ""))
        for rel in root.iter(f"{_REL}Relationship")
    }


def _resolve(folder: str, target: str) -> str:
    path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path)


def _styles(root: ET.Element) -> tuple[frozenset[int], bool]:
    """The cell styles openpyxl reads as dates, and whether python-calamine agrees on every style."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS

    custom = {int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in root.iter(f"{_MAIN}numFmt")}
    xfs = root.find(f"{_MAIN}cellXfs")
    dates: set[int] = set()
    agree = True
    for index, xf in enumerate(xfs if xfs is not None else ()):
        number = int(xf.get("numFmtId", "0"))
        code = custom.get(number, BUILTIN_FORMATS.get(number))
        openpyxl_date = is_date_format(code)
        calamine_date = _calamine_date(code) if number in custom else number in _CALAMINE_DATE_IDS
        if openpyxl_date:
            dates.add(index)
        agree = agree and openpyxl_date == calamine_date
    return frozenset(dates), agree


def is_date_format(code: str | None) -> bool:
    """Whether openpyxl reads a number in this format as a date (openpyxl.styles.numbers)."""
    if code is None:
        return False
    return _DATE_LETTER.search(_STRIP.sub("", code.split(";")[0])) is not None


def _calamine_date(code: str) -> bool:
    """Whether python-calamine reads a number in this custom format as a date or duration: a date
    letter in the first section outside quotes, escapes and [..] groups, or an [h]/[m]/[s] group."""
    escaped = quoted = False
    brackets = 0
    after_a = False
    previous = " "
    for ch in code:
        if escaped:
            escaped = False
        elif quoted:
            quoted = ch != '"'
        elif ch in "_\\":
            escaped = True
        elif ch == '"':
            quoted = True
        elif ch == ";":
            return False
        elif ch == "[":
            brackets += 1
        elif ch == "]":
            if brackets == 1 and previous in "hmsHMS":
                return True
            brackets = max(brackets - 1, 0)
        elif brackets == 0 and ch in "aA" and not after_a:
            after_a = True
        elif brackets == 0 and after_a and ch in "pmPM/":
            return True
        elif brackets == 0 and not after_a and ch in "dmhysDMHYS":
            return True
        previous = ch
    return False


__all__ = ["Book", "is_date_format", "read_book"]
