"""Reading a spec pack's CSV files and XSD, each problem a :class:`SpecError` naming file and line
(private; used by :class:`siu.specpack.SpecPack`)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from lxml import etree
from pydantic import ValidationError

from siu.base.spec_models import SpecError

_XS = "{http://www.w3.org/2001/XMLSchema}"


def xsd_enumerations(path: Path) -> dict[str, set[str]]:
    """Named simple types of an XSD that are enumerations → their allowed values."""
    try:
        tree = etree.parse(str(path))
    except etree.XMLSyntaxError as exc:
        raise SpecError(f"{path} er ikke gyldig XML: {exc}", f"{path} is not valid XML: {exc}") from None
    out: dict[str, set[str]] = {}
    for st in tree.iter(f"{_XS}simpleType"):
        name = st.get("name")
        values = {e.get("value") for e in st.iter(f"{_XS}enumeration")}
        if name and values:
            out[name] = values
    return out


def describe_problems(exc: ValidationError) -> str:
    """A validation error as one line: each field's path and message."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())


def read_row(model: type[Any], row: dict[str, Any], path: Path, line: int) -> Any:
    """One CSV row as ``model``; a SpecError naming the line when it does not fit."""
    try:
        return model.model_validate(row)
    except ValidationError as exc:
        problems = describe_problems(exc)
        raise SpecError(f"{path} linje {line}: {problems}", f"{path} line {line}: {problems}") from None


def read_csv(path: Path, bool_fields: tuple[str, ...] = ()) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a pack's CSV file with their line numbers; yes/ja/true/1 become True."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = [(i + 2, row) for i, row in enumerate(csv.DictReader(fh))]
    except FileNotFoundError:
        raise SpecError(f"Specifikationspakkens fil {path} mangler", f"The spec pack file {path} is missing") from None
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path} er ikke UTF-8: {exc}", f"{path} is not UTF-8: {exc}") from None
    for line, row in rows:
        if None in row or None in row.values():
            raise SpecError(
                f"{path} linje {line}: antallet af felter passer ikke til overskriften (komma uden anførselstegn?)",
                f"{path} line {line}: the number of fields does not match the header (a comma without quotes?)",
            )
        for name in bool_fields:
            if name in row:
                row[name] = (row[name] or "").strip().lower() in ("yes", "true", "1", "ja")
    return rows
