"""Deriving a spec pack from DST's own files: ``siu specs new YEAR --from-xsd DST.xsd [--template DST.xlsx]``,
and checking a pack: ``siu specs check DIR``.

From the XSD: the namespace, the root, header, record container, record and trailer elements, the
element names and their order, which siu field each element carries (matched by name), the
amount's decimals and the date format (from the types), fixed values of header elements siu has no
value for, and the enumerated types to check paragraph and area codes against. From the template:
the sheet, the header row, the column headers, their order, cell types and widths. Everything else
(paragraphs, chart of accounts, CPR rules, channels, test marker, file name) is taken from a base
pack, and what cannot be derived is listed as ``todo`` for the user to fill in (also written into
the manifest's provisional facts).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from siu.cli.specs_toml import check_pack, to_toml, write_pack
from siu.cli.specs_xsd import (
    COLUMN_TYPES,
    HEADER_NAMES,
    RECORD_NAMES,
    TRAILER_NAMES,
    Element,
    XsdReader,
    date_format,
    decimals_of,
    find_record,
    fold,
    match,
)
from siu.specpack import SpecError, SpecPack

__all__ = ["RECORD_NAMES", "Derived", "check_pack", "derive", "fold", "match", "template_spec", "to_toml", "write_pack"]


@dataclass
class Derived:
    """What ``siu specs new`` found: the manifest's data and the list of things to fill in."""

    manifest: dict[str, Any]
    todo: list[tuple[str, str]] = field(default_factory=list)  # (Danish, English)
    notes: list[tuple[str, str]] = field(default_factory=list)


def derive(year: int, xsd: Path, base: SpecPack, template: Path | None = None) -> Derived:
    """The manifest of a new pack for ``year`` from DST's XSD (and template), on top of ``base``."""
    reader = XsdReader(xsd)
    manifest: dict[str, Any] = json.loads(base.manifest.model_dump_json(by_alias=True))
    out = Derived(manifest)
    env = _envelope(reader, out)
    header_fields = _fields(env.header, HEADER_NAMES, ("hoved", "header"), True, out)
    record_fields = _fields(env.record, RECORD_NAMES, ("linje", "line"), False, out)
    trailer_fields = _fields(env.trailer, TRAILER_NAMES, ("afslutning", "trailer"), False, out)
    test_field = header_fields.pop("test", None)
    for key in ("psr_id", "kontostreng", "amount", "start", "end"):
        if key not in record_fields:
            out.todo.append((f"linje: intet element til siu's felt {key}", f"line: no element for siu's field {key}"))
    x = manifest["xml"]
    x.update(
        schema=xsd.name,
        namespace=reader.namespace,
        root=env.root.name,
        header=env.header.name if env.header else "",
        records=env.container.name,
        record=env.record.name,
        trailer=env.trailer.name if env.trailer else None,
        header_fields=header_fields,
        record_fields=record_fields,
        trailer_fields=trailer_fields,
        area_type=None,
        delivery_area_type=None,
        paragraph_type=None,
    )
    if env.header is None:
        out.todo.append(("XSD'en har intet hoved før linjerne", "the XSD has no header before the lines"))
    by_name = {c.name: c for c in env.record.children}
    _dates_and_amounts(out, by_name, record_fields, xsd.name)
    header_by_name = {c.name: c for c in (env.header.children if env.header else [])}
    _enumerations(out, base, by_name, header_by_name, record_fields, header_fields)
    manifest["test"]["header_field"] = test_field
    if not test_field:
        out.notes.append(
            (
                "XSD'en har intet testfelt i hovedet; en testleverance mærkes kun i filnavnet",
                "the XSD has no test field in its header; a test delivery is marked in its file name only",
            )
        )
    if template is not None:
        manifest["excel"] = template_spec(template, out.todo)
    manifest.update(
        year=year,
        version=f"{year}.dst",
        valid_from=dt.date(year, 1, 1),
        valid_to=dt.date(year, 12, 31),
        versions=[],
    )
    _provenance(manifest, xsd, template, out.todo)
    return out


@dataclass
class _Envelope:
    """The elements around the lines: root, header, the container of the lines, the line, trailer."""

    root: Element
    header: Element | None
    container: Element
    record: Element
    trailer: Element | None


def _envelope(reader: XsdReader, out: Derived) -> _Envelope:
    root = reader.root()
    found = find_record(root)
    if found is None:  # reader.root() returns only an element holding a record
        raise SpecError("XSD'en har ingen gentaget linje", "The XSD has no repeated line")
    container, record = found
    if container is root:
        out.todo.append(
            (
                "linjerne ligger direkte under roden; siu skriver dem i et samlet element",
                "the lines sit directly under the root; siu writes them inside one container element",
            )
        )
    header = next((c for c in root.children if c.base == "complex" and c is not container), None)
    after = root.children[root.children.index(container) + 1 :] if container in root.children else []
    trailer = next((c for c in after if c.base == "complex"), None)
    if reader.namespace and not reader.qualified:
        out.todo.append(
            (
                'XSD\'en har elementFormDefault="unqualified"; siu skriver alle elementer i navnerummet',
                'the XSD has elementFormDefault="unqualified"; siu writes every element in the namespace',
            )
        )
    return _Envelope(root, header, container, record, trailer)


def _fields(
    el: Element | None, rules: list[tuple[str, tuple[str, ...]]], part: tuple[str, str], fixed_ok: bool, out: Derived
) -> dict[str, str]:
    """siu field → element name for the children of ``el``; what matches nothing goes to todo or notes."""
    mapped: dict[str, str] = {}
    if el is None:
        return mapped
    part_da, part_en = part
    taken: set[str] = set()
    for child in el.children:
        # A required element with a fixed value gets exactly that value, whatever its name suggests;
        # an optional one is written only when it is a field of siu's (Testleverance, fixed "true",
        # must not mark every delivery a test).
        pinned = child.fixed is not None and fixed_ok and child.required
        key = None if pinned else match(child.name, rules, taken)
        if key is not None:
            taken.add(key)
            mapped[key] = child.name
        elif pinned and (other := mapped.get(f"fixed:{child.fixed}")) is not None:
            out.todo.append(
                (
                    f"{part_da}: {child.name} og {other} har begge den faste værdi {child.fixed}; siu kan kun "
                    "skrive det ene",
                    f"{part_en}: {child.name} and {other} both have the fixed value {child.fixed}; siu can write "
                    "only one of them",
                )
            )
        elif pinned:
            mapped[f"fixed:{child.fixed}"] = child.name
            out.notes.append(
                (
                    f"{part_da}: {child.name} får den faste værdi {child.fixed}",
                    f"{part_en}: {child.name} gets the fixed value {child.fixed}",
                )
            )
        elif child.required:
            out.todo.append(
                (
                    f"{part_da}: det krævede element {child.name} ({child.base}) svarer ikke til noget felt i siu",
                    f"{part_en}: the required element {child.name} ({child.base}) matches no field of siu",
                )
            )
        else:
            out.notes.append(
                (
                    f"{part_da}: det valgfrie element {child.name} udelades",
                    f"{part_en}: the optional element {child.name} is left out",
                )
            )
    return mapped


def _dates_and_amounts(out: Derived, by_name: dict[str, Element], record_fields: dict[str, str], xsd: str) -> None:
    """The date format and the amount's decimals, read from the elements' types."""
    x = out.manifest["xml"]
    formats = {date_format(by_name[record_fields[k]]) for k in ("start", "end") if k in record_fields}
    formats.discard(None)
    if len(formats) == 1:
        x["date_format"] = formats.pop()
    elif any(k in record_fields for k in ("start", "end")):
        out.todo.append(
            (
                "datoformatet kan ikke aflæses af typen; sæt xml.date_format",
                "the date format cannot be read from the type; set xml.date_format",
            )
        )
    decimals = decimals_of(by_name[record_fields["amount"]]) if "amount" in record_fields else None
    if decimals is None:
        out.todo.append(
            (
                "beløbets type siger ikke antal decimaler; sæt [amount] og [channels.system] decimals",
                "the amount's type does not give its decimals; set [amount] and [channels.system] decimals",
            )
        )
        return
    # [amount] stays the input's rule (SIU132); the XML channel writes and rounds to DST's decimals
    for ch in out.manifest.get("channels", {}).values():
        if "xml" in ch["formats"]:
            ch["decimals"] = decimals
            ch["rounding"] = "largest_remainder" if decimals < 2 else "none"
            ch["provisional"] = ""
            ch["source"] = f"{xsd} (DST)"


def _enumerations(
    out: Derived,
    base: SpecPack,
    by_name: dict[str, Element],
    header_by_name: dict[str, Element],
    record_fields: dict[str, str],
    header_fields: dict[str, str],
) -> None:
    """The enumerated types to check the pack's paragraph and area codes against."""
    x = out.manifest["xml"]
    for key, attr, el in (
        ("paragraph", "paragraph_type", by_name.get(record_fields.get("paragraph", ""))),
        ("area", "area_type", by_name.get(record_fields.get("area", ""))),
        ("area", "delivery_area_type", header_by_name.get(header_fields.get("area", ""))),
    ):
        if el is None or "enumeration" not in el.facets:
            continue
        values = set(el.facets["enumeration"])
        wanted = set(base.paragraphs) if key == "paragraph" else set(base.manifest.areas)
        if el.type_name and (values == wanted if attr != "delivery_area_type" else wanted <= values):
            x[attr] = el.type_name
        else:
            out.todo.append(
                (
                    f"{el.name} tillader {sorted(values)}, men grundpakken har {sorted(wanted)}; ret "
                    "paragraphs.csv/areas",
                    f"{el.name} allows {sorted(values)}, but the base pack has {sorted(wanted)}; edit "
                    "paragraphs.csv/areas",
                )
            )


def _provenance(manifest: dict[str, Any], xsd: Path, template: Path | None, todo: list[tuple[str, str]]) -> None:
    """What was derived from DST's files (verified) and what is still to fill in (provisional)."""
    digest = hashlib.sha256(xsd.read_bytes()).hexdigest()[:16]
    provenance = manifest.setdefault("provenance", {})
    derived_from = (
        "XML envelope, element names and order, namespace, amount decimals and date format derived "
        f"from DST's XSD {xsd.name} (sha256 {digest}…) by siu specs new."
    )
    provenance["verified"] = [*provenance.get("verified", []), derived_from]
    if template is not None:
        provenance["verified"].append(
            f"Excel template (sheet, headers, order, types) derived from DST's template {template.name} by siu specs "
            "new."
        )
    dropped = ("XML envelope", "Amount representation") + (("Excel template",) if template is not None else ())
    kept = [p for p in provenance.get("provisional", []) if not p.startswith(dropped)]
    provenance["provisional"] = kept + [f"To fill in: {en}" for _, en in todo]


def template_spec(path: Path, todo: list[tuple[str, str]]) -> dict[str, Any]:
    """The ``[excel]`` section from DST's Excel template: the first sheet with a header row (the
    first of its first 10 rows with three or more texts), its headers, order, types and widths."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise SpecError(
            f"{path.name} kan ikke læses som xlsx: {exc}", f"{path.name} cannot be read as xlsx: {exc}"
        ) from None
    for ws in wb.worksheets:
        for r, row in enumerate(ws.iter_rows(min_row=1, max_row=10, values_only=True), start=1):
            texts = [c for c in row if isinstance(c, str) and c.strip()]
            if len(texts) < 3:
                continue
            columns = []
            taken: set[str] = set()
            for i, cell in enumerate(row):
                if not isinstance(cell, str) or not cell.strip():
                    continue
                key = match(cell, RECORD_NAMES, taken)
                if key is None:
                    todo.append(
                        (
                            f"skabelonens kolonne '{cell}' svarer ikke til noget felt i siu",
                            f"the template's column '{cell}' matches no field of siu",
                        )
                    )
                    continue
                taken.add(key)
                letter = ws.cell(row=r, column=i + 1).column_letter
                width = ws.column_dimensions[letter].width if letter in ws.column_dimensions else None
                columns.append(
                    {
                        "field": key,
                        "header": cell.strip(),
                        "type": COLUMN_TYPES.get(key, "text"),
                        "width": width or None,
                    }
                )
            return {"sheet": ws.title, "header_row": r, "columns": columns}
    todo.append(
        (
            "skabelonen har ingen overskriftsrække (tre eller flere tekster i en af de første 10 rækker)",
            "the template has no header row (three or more texts in one of the first 10 rows)",
        )
    )
    return {"sheet": "Indberetning", "header_row": 1, "columns": []}
