"""Reading the rules of a mapping file, TOML or CSV, each checked (private; used by
:func:`siu.mapping.load_mapping`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from siu import kontostreng as ks
from siu.accounts.mapping_rule import DIMENSIONS, MappingError, MappingRule
from siu.base.tomlfile import read_toml

_RULE_FIELDS = {
    *DIMENSIONS,
    "name",
    "function",
    "dranst",
    "grouping",
    "paragraph",
    "art",
    "postings",
    "total",
    "exclude",
    "reason",
}
_YES = {"true", "ja", "j", "yes", "y", "x", "1"}
_NO = {"false", "nej", "n", "no", "0", ""}


def _matcher(value: Any, path: Path, number: int, dim: str) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, str | int):
            raise MappingError(
                f"{path}: regel {number}: {dim} skal være tekst eller en liste af tekster",
                f"{path}: rule {number}: {dim} must be text or a list of texts",
            )
        text = str(v).strip()
        if text:
            out.append(text)
    return tuple(out)


def _text(raw: dict[str, Any], key: str, default: str | None = None) -> str | None:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return str(value).strip()


def read_rules(path: Path) -> tuple[list[MappingRule], int]:
    """The filled-in rules of a mapping file (TOML, or CSV when the name ends in ``.csv``) and how
    many starter rules were skipped; raises :class:`MappingError` naming the rule or line at fault."""
    csv_file = path.suffix.lower() == ".csv"
    entries = _csv_entries(path) if csv_file else _toml_entries(path)
    rules = []
    skipped = 0
    for number, raw in entries:
        rule = _rule(raw, number, path, on_line=csv_file)
        if rule is None:
            skipped += 1
        else:
            rules.append(rule)
    return rules, skipped


def _not_found(path: Path) -> MappingError:
    return MappingError(f"Tilknytningsfilen findes ikke: {path}", f"Mapping file not found: {path}")


def _toml_entries(path: Path) -> list[tuple[int, dict[str, Any]]]:
    data = read_toml(path, MappingError, ("Tilknytningsfilen findes ikke: {path}", "Mapping file not found: {path}"))
    extra = set(data) - {"rule"}
    if extra:
        raise MappingError(
            f"{path}: ukendte felter øverst i filen: {', '.join(sorted(extra))} (regler skrives [[rule]])",
            f"{path}: unknown top-level keys: {', '.join(sorted(extra))} (rules are written [[rule]])",
        )
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not all(isinstance(r, dict) for r in raw_rules):
        raise MappingError(f"{path}: regler skrives som [[rule]]-tabeller", f"{path}: rules must be [[rule]] tables")
    return list(enumerate(raw_rules, start=1))


# CSV column headers: the field names, or their Danish names as a spreadsheet would have them.
CSV_HEADERS = {
    "name": ("name", "navn"),
    "psp": ("psp", "psp-element", "pspelement"),
    "cost_centre": ("cost_centre", "omkostningssted", "omk.sted"),
    "gl_account": ("gl_account", "finanskonto"),
    "artskonto": ("artskonto", "omkostningsart"),
    "function": ("function", "funktion"),
    "dranst": ("dranst",),
    "grouping": ("grouping", "gruppering"),
    "paragraph": ("paragraph", "paragraf"),
    "art": ("art",),
    "postings": ("postings", "posteringer"),
    "total": ("total", "i alt", "beløb"),
    "exclude": ("exclude", "udelad"),
    "reason": ("reason", "begrundelse", "årsag"),
}
_CSV_HEADER_NAMES = {alias: name for name, aliases in CSV_HEADERS.items() for alias in aliases}
CSV_LIST_SEPARATOR = "|"  # several values in one condition cell: "XG-1-*|XG-2-*"


def _csv_entries(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a CSV mapping file with their line numbers (``;``, ``,`` or tab separated,
    UTF-8 with or without BOM, or cp1252 as Excel writes it)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _not_found(path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header_at = next((i for i, row in enumerate(rows) if any(c.strip() for c in row)), None)
    if header_at is None:
        return []
    header = []
    for cell in rows[header_at]:
        name = _CSV_HEADER_NAMES.get(cell.strip().casefold())
        if name is None and cell.strip():
            known = ", ".join(CSV_HEADERS)
            raise MappingError(
                f"{path}: ukendt kolonne '{cell.strip()}' (kendte kolonner: {known})",
                f"{path}: unknown column '{cell.strip()}' (known columns: {known})",
            )
        header.append(name)
    entries = []
    for i, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        values: dict[str, Any] = {}
        for name, cell in zip(header, row):
            cell = cell.strip()
            if name is None or not cell:
                continue
            values[name] = (
                [v.strip() for v in cell.split(CSV_LIST_SEPARATOR)]
                if name in DIMENSIONS and CSV_LIST_SEPARATOR in cell
                else cell
            )
        if values:
            entries.append((i, values))
    return entries


def _flag(value: Any) -> bool | None:
    """``exclude`` as written in TOML (a boolean) or CSV (ja/nej, true/false, x); None when unreadable."""
    if value is None or isinstance(value, bool):
        return bool(value)
    key = str(value).strip().casefold()
    return True if key in _YES else False if key in _NO else None


def _rule(raw: dict[str, Any], i: int, path: Path, on_line: bool = False) -> MappingRule | None:
    def error(da: str, en: str) -> MappingError:
        where_da, where_en = ("linje", "line") if on_line else ("regel", "rule")
        return MappingError(f"{path}: {where_da} {i}: {da}", f"{path}: {where_en} {i}: {en}")

    unknown = set(raw) - _RULE_FIELDS
    if unknown:
        names = ", ".join(sorted(unknown))
        raise error(f"ukendte felter: {names}", f"unknown fields: {names}")
    exclude = _flag(raw.get("exclude"))
    if exclude is None:
        raise error("exclude skal være true eller false", "exclude must be true or false")
    function = _text(raw, "function")
    if function is None and not exclude:
        return None  # a starter rule not filled in yet
    conditions = {d: m for d in DIMENSIONS if d in raw and (m := _matcher(raw[d], path, i, d))}
    if not conditions:
        raise error(
            "har ingen betingelse (psp, cost_centre, gl_account eller artskonto)",
            "has no condition (psp, cost_centre, gl_account or artskonto)",
        )
    if exclude:
        return _exclusion(raw, i, conditions, on_line, error)
    assert function is not None
    grouping = _text(raw, "grouping")
    if grouping is None:
        raise error('grouping mangler (fx "001")', 'grouping is missing (e.g. "001")')
    rule = MappingRule(
        number=i,
        name=_text(raw, "name", "") or "",
        conditions=conditions,
        function=function,
        dranst=_text(raw, "dranst", "1") or "1",
        grouping=grouping.zfill(3),
        paragraph=_text(raw, "paragraph"),
        art=None,
        on_line=on_line,
    )
    try:
        base = rule.base()
        art = _text(raw, "art")
        if art is not None:
            rule.art = base.with_art(art).art
    except ks.KontostrengError as exc:
        raise error(f"ugyldig konto: {exc.reason_da}", f"invalid account: {exc.reason}")
    return rule


def _exclusion(
    raw: dict[str, Any],
    i: int,
    conditions: dict[str, tuple[str, ...]],
    on_line: bool,
    error: Callable[[str, str], MappingError],
) -> MappingRule:
    """A rule with ``exclude = true``: it needs a reason and gives no account."""
    reason = _text(raw, "reason")
    if reason is None:
        raise error(
            'exclude = true kræver en begrundelse: reason = "..." (den vises i rapporten)',
            'exclude = true needs a reason: reason = "..." (it is shown in the report)',
        )
    given = sorted(k for k in ("function", "grouping", "paragraph", "art") if _text(raw, k) is not None)
    if given:
        names = ", ".join(given)
        raise error(
            f"en regel med exclude = true udelader posteringerne og kan ikke også angive {names}",
            f"a rule with exclude = true leaves the postings out and cannot also give {names}",
        )
    return MappingRule(
        number=i,
        name=_text(raw, "name", "") or "",
        conditions=conditions,
        function="",
        on_line=on_line,
        exclude=True,
        reason=reason,
    )
