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
import re
import shutil
import tempfile
import tomllib
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from siu.specpack import SpecError, SpecPack

XS = "{http://www.w3.org/2001/XMLSchema}"
INTEGER_TYPES = {
    "integer",
    "int",
    "long",
    "short",
    "nonNegativeInteger",
    "positiveInteger",
    "negativeInteger",
    "nonPositiveInteger",
}

# siu's fields and how DST may name the element carrying each (ASCII-folded, lower case, no
# separators); the first rule that matches an element wins.
RECORD_NAMES: list[tuple[str, tuple[str, ...]]] = [
    ("psr_id", ("psrid", "cpr", "personnummer", "personid")),
    ("kontostreng", ("kontostreng", "kontonummer", "konto")),
    ("paragraph", ("paragraf", "paragraph", "ydelse")),
    ("area", ("omraade", "omrade", "area", "sektor")),
    ("amount", ("beloeb", "belob", "amount", "udgift", "kroner")),
    ("start", ("startdato", "start", "fradato", "periodefra", "fra")),
    ("end", ("slutdato", "slut", "tildato", "periodetil", "til")),
]
HEADER_NAMES: list[tuple[str, tuple[str, ...]]] = [
    ("kommune", ("kommune", "myndighed", "municipality")),
    ("year", ("regnskabsaar", "regnskabsar", "aar", "year", "indberetningsaar", "periode")),
    ("area", ("omraade", "omrade", "area")),
    ("spec_version", ("version", "specifikation")),
    ("full_load", ("fuld", "fullload", "full")),
    ("created", ("dannet", "oprettet", "tidspunkt", "created", "tidsstempel", "dato")),
    ("test", ("test",)),
]
TRAILER_NAMES: list[tuple[str, tuple[str, ...]]] = [
    ("records", ("antal", "count", "linjer", "poster")),
    ("expenditure", ("udgift",)),
    ("revenue", ("indtaegt", "indtagt", "indt")),
    ("net", ("netto", "sum", "total", "beloeb", "belob")),
]
COLUMN_TYPES = {"amount": "number", "start": "date", "end": "date"}


def fold(name: str) -> str:
    """A name as matched: ASCII, lower case, letters and digits only (æ→ae, ø→oe, å→aa)."""
    text = name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text)


def match(name: str, rules: list[tuple[str, tuple[str, ...]]], taken: set[str]) -> str | None:
    """The siu field an element or column named ``name`` carries, if one is free."""
    folded = fold(name)
    for key, words in rules:
        if key in taken:
            continue
        if any(folded == w for w in words):
            return key
    for key, words in rules:
        if key in taken:
            continue
        if any(w in folded for w in words if len(w) >= 4) or any(folded.startswith(w) for w in words):
            return key
    return None


@dataclass
class Element:
    name: str
    type_name: str | None  # the named simple type, if any
    base: str  # the XML Schema built-in type (local name)
    facets: dict[str, list[str]]
    fixed: str | None
    required: bool
    repeated: bool
    children: list[Element] = field(default_factory=list)


@dataclass
class Derived:
    """What ``siu specs new`` found: the manifest's data and the list of things to fill in."""

    manifest: dict[str, Any]
    todo: list[tuple[str, str]] = field(default_factory=list)  # (Danish, English)
    notes: list[tuple[str, str]] = field(default_factory=list)


class XsdReader:
    """The parts of an XSD that matter to a delivery: global elements, named types, resolved."""

    def __init__(self, path: Path) -> None:
        try:
            self.tree = etree.parse(str(path))
        except (OSError, etree.XMLSyntaxError) as exc:
            raise SpecError(
                f"{path.name} kan ikke læses som XML: {exc}", f"{path.name} cannot be read as XML: {exc}"
            ) from None
        root = self.tree.getroot()
        if root.tag != f"{XS}schema":
            raise SpecError(
                f"{path.name} er ikke en XSD (roden er ikke xs:schema)",
                f"{path.name} is not an XSD (its root is not xs:schema)",
            )
        self.schema = root
        self.namespace = root.get("targetNamespace")
        self.qualified = root.get("elementFormDefault") == "qualified"
        self.complex = {c.get("name"): c for c in root.findall(f"{XS}complexType")}
        self.simple = {s.get("name"): s for s in root.findall(f"{XS}simpleType")}
        self.globals = {e.get("name"): e for e in root.findall(f"{XS}element")}

    @staticmethod
    def _local(qname: str | None) -> str | None:
        return qname.split(":")[-1] if qname else None

    def _simple(self, name: str | None, node: Any) -> tuple[str, dict[str, list[str]]]:
        """(built-in base, facets) of a simple type given by name or inline."""
        facets: dict[str, list[str]] = {}
        seen = 0
        while True:
            if node is None and name in self.simple:
                node = self.simple[name]
            if node is None:
                return name or "string", facets
            restriction = node.find(f"{XS}restriction")
            if restriction is None:
                return "string", facets
            for facet in restriction:
                if isinstance(facet.tag, str) and facet.get("value") is not None:
                    facets.setdefault(etree.QName(facet).localname, []).append(facet.get("value"))
            base = self._local(restriction.get("base"))
            nested = restriction.find(f"{XS}simpleType")
            name, node = base, nested
            seen += 1
            if seen > 20:
                return "string", facets

    def element(self, node: Any, depth: int = 0) -> Element:
        if node.get("ref"):
            node = self.globals.get(self._local(node.get("ref")), node)
        name = node.get("name") or "?"
        type_name = self._local(node.get("type"))
        complex_node = node.find(f"{XS}complexType")
        if complex_node is None and type_name in self.complex:
            complex_node = self.complex[type_name]
        max_occurs = node.get("maxOccurs", "1")
        repeated = max_occurs == "unbounded" or (max_occurs.isdigit() and int(max_occurs) > 1)
        required = node.get("minOccurs", "1") != "0"
        if complex_node is not None and depth < 10:
            children = [
                self.element(child, depth + 1)
                for child in complex_node.iter(f"{XS}element")
                if child.getparent() is not None and _owner(child) is complex_node
            ]
            return Element(name, type_name, "complex", {}, node.get("fixed"), required, repeated, children)
        inline = node.find(f"{XS}simpleType")
        base, facets = self._simple(None if inline is not None else type_name, inline)
        named = type_name if type_name in self.simple else None
        return Element(name, named, base, facets, node.get("fixed"), required, repeated)

    def root(self) -> Element:
        """The global element that holds the repeated record."""
        candidates = [self.element(e) for e in self.globals.values()]
        for c in candidates:
            if _find_record(c) is not None:
                return c
        raise SpecError(
            "XSD'en har intet globalt element med en gentaget linje (maxOccurs > 1)",
            "The XSD has no global element holding a repeated line (maxOccurs > 1)",
        )


def _owner(node: Any) -> Any:
    """The complexType an element declaration belongs to (its nearest complexType ancestor)."""
    parent = node.getparent()
    while parent is not None and parent.tag != f"{XS}complexType":
        parent = parent.getparent()
    return parent


def _find_record(el: Element) -> tuple[Element, Element] | None:
    """(container, record): the first repeated complex element, and its parent."""
    for child in el.children:
        if child.repeated and child.base == "complex":
            return el, child
        found = _find_record(child)
        if found is not None:
            return found
    return None


def _date_format(el: Element) -> str | None:
    if el.base == "date":
        return "%Y-%m-%d"
    pattern = "".join(el.facets.get("pattern", []))
    known = {
        r"\d{8}": "%Y%m%d",
        r"[0-9]{8}": "%Y%m%d",
        r"\d{2}-\d{2}-\d{4}": "%d-%m-%Y",
        r"\d{2}\.\d{2}\.\d{4}": "%d.%m.%Y",
        r"\d{4}-\d{2}-\d{2}": "%Y-%m-%d",
    }
    return known.get(pattern)


def _decimals(el: Element) -> int | None:
    if el.base in INTEGER_TYPES:
        return 0
    if el.base == "decimal":
        digits = el.facets.get("fractionDigits")
        return int(digits[0]) if digits else 2
    return None


def derive(year: int, xsd: Path, base: SpecPack, template: Path | None = None) -> Derived:  # noqa: C901, PLR0915  (too long; to be cut along its seams, issue 13)
    """The manifest of a new pack for ``year`` from DST's XSD (and template), on top of ``base``."""
    reader = XsdReader(xsd)
    bm = base.manifest
    manifest: dict[str, Any] = json.loads(bm.model_dump_json(by_alias=True))
    out = Derived(manifest)
    todo, notes = out.todo, out.notes
    root = reader.root()
    container, record = _find_record(root)  # type: ignore[misc]
    if container is root:
        todo.append(
            (
                "linjerne ligger direkte under roden; siu skriver dem i et samlet element",
                "the lines sit directly under the root; siu writes them inside one container element",
            )
        )
    header = next((c for c in root.children if c.base == "complex" and c is not container), None)
    after = root.children[root.children.index(container) + 1 :] if container in root.children else []
    trailer = next((c for c in after if c.base == "complex"), None)
    if reader.namespace and not reader.qualified:
        todo.append(
            (
                'XSD\'en har elementFormDefault="unqualified"; siu skriver alle elementer i navnerummet',
                'the XSD has elementFormDefault="unqualified"; siu writes every element in the namespace',
            )
        )

    def fields(
        el: Element | None, rules: list[tuple[str, tuple[str, ...]]], part_da: str, part_en: str, fixed_ok: bool
    ) -> dict[str, str]:
        mapped: dict[str, str] = {}
        if el is None:
            return mapped
        taken: set[str] = set()
        for child in el.children:
            # an element with a fixed value gets exactly that value, whatever its name suggests
            key = None if (child.fixed is not None and fixed_ok) else match(child.name, rules, taken)
            if key is not None:
                taken.add(key)
                mapped[key] = child.name
            elif child.fixed is not None and fixed_ok:
                mapped[f"fixed:{child.fixed}"] = child.name
                notes.append(
                    (
                        f"{part_da}: {child.name} får den faste værdi {child.fixed}",
                        f"{part_en}: {child.name} gets the fixed value {child.fixed}",
                    )
                )
            elif child.required:
                todo.append(
                    (
                        f"{part_da}: det krævede element {child.name} ({child.base}) svarer ikke til noget felt i siu",
                        f"{part_en}: the required element {child.name} ({child.base}) matches no field of siu",
                    )
                )
            else:
                notes.append(
                    (
                        f"{part_da}: det valgfrie element {child.name} udelades",
                        f"{part_en}: the optional element {child.name} is left out",
                    )
                )
        return mapped

    header_fields = fields(header, HEADER_NAMES, "hoved", "header", True)
    record_fields = fields(record, RECORD_NAMES, "linje", "line", False)
    trailer_fields = fields(trailer, TRAILER_NAMES, "afslutning", "trailer", False)
    test_field = header_fields.pop("test", None)
    for key in ("psr_id", "kontostreng", "amount", "start", "end"):
        if key not in record_fields:
            todo.append((f"linje: intet element til siu's felt {key}", f"line: no element for siu's field {key}"))
    by_name = {c.name: c for c in record.children}
    x = manifest["xml"]
    x.update(
        schema=xsd.name,
        namespace=reader.namespace,
        root=root.name,
        header=header.name if header else "",
        records=container.name,
        record=record.name,
        trailer=trailer.name if trailer else None,
        header_fields=header_fields,
        record_fields=record_fields,
        trailer_fields=trailer_fields,
        area_type=None,
        delivery_area_type=None,
        paragraph_type=None,
    )
    if header is None:
        todo.append(("XSD'en har intet hoved før linjerne", "the XSD has no header before the lines"))
    # dates and amounts, from the types
    formats = {_date_format(by_name[record_fields[k]]) for k in ("start", "end") if k in record_fields}
    formats.discard(None)
    if len(formats) == 1:
        x["date_format"] = formats.pop()
    elif any(k in record_fields for k in ("start", "end")):
        todo.append(
            (
                "datoformatet kan ikke aflæses af typen; sæt xml.date_format",
                "the date format cannot be read from the type; set xml.date_format",
            )
        )
    decimals = _decimals(by_name[record_fields["amount"]]) if "amount" in record_fields else None
    if decimals is None:
        todo.append(
            (
                "beløbets type siger ikke antal decimaler; sæt [amount] og [channels.system] decimals",
                "the amount's type does not give its decimals; set [amount] and [channels.system] decimals",
            )
        )
    else:
        # [amount] stays the input's rule (SIU132); the XML channel writes and rounds to DST's decimals
        for ch in manifest.get("channels", {}).values():
            if "xml" in ch["formats"]:
                ch["decimals"] = decimals
                ch["rounding"] = "largest_remainder" if decimals < 2 else "none"
                ch["provisional"] = ""
                ch["source"] = f"{xsd.name} (DST)"
    # enumerations to check the pack's codes against
    header_by_name = {c.name: c for c in (header.children if header else [])}
    for key, attr, el in (
        ("paragraph", "paragraph_type", by_name.get(record_fields.get("paragraph", ""))),
        ("area", "area_type", by_name.get(record_fields.get("area", ""))),
        ("area", "delivery_area_type", header_by_name.get(header_fields.get("area", ""))),
    ):
        if el is None or "enumeration" not in el.facets:
            continue
        values = set(el.facets["enumeration"])
        wanted = set(base.paragraphs) if key == "paragraph" else set(bm.areas)
        if el.type_name and (values == wanted if attr != "delivery_area_type" else wanted <= values):
            x[attr] = el.type_name
        else:
            todo.append(
                (
                    f"{el.name} tillader {sorted(values)}, men grundpakken har {sorted(wanted)}; ret "
                    "paragraphs.csv/areas",
                    f"{el.name} allows {sorted(values)}, but the base pack has {sorted(wanted)}; edit "
                    "paragraphs.csv/areas",
                )
            )
    manifest["test"]["header_field"] = test_field
    if not test_field:
        notes.append(
            (
                "XSD'en har intet testfelt i hovedet; en testleverance mærkes kun i filnavnet",
                "the XSD has no test field in its header; a test delivery is marked in its file name only",
            )
        )
    if template is not None:
        manifest["excel"] = template_spec(template, todo)
    manifest["year"] = year
    manifest["version"] = f"{year}.dst"
    manifest["valid_from"] = dt.date(year, 1, 1)
    manifest["valid_to"] = dt.date(year, 12, 31)
    manifest["versions"] = []
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
    return out


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


# --- writing the pack ------------------------------------------------------------------------


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k, ensure_ascii=False)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float, Decimal)):
        return str(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        items = [_value(i) for i in v]
        if sum(len(i) for i in items) > 80:
            return "[\n" + "".join(f"  {i},\n" for i in items) + "]"
        return "[" + ", ".join(items) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(i)}" for k, i in v.items() if i is not None) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def to_toml(data: dict[str, Any], prefix: str = "") -> str:
    """A small TOML writer for a manifest: scalars first, then tables, then lists of tables as
    ``[[...]]``; the Excel columns as an array of inline tables."""
    lines: list[str] = []
    tables: list[tuple[str, dict[str, Any]]] = []
    arrays: list[tuple[str, list[dict[str, Any]]]] = []
    for k, v in data.items():
        if v is None:
            continue
        if isinstance(v, dict):
            tables.append((k, v))
        elif k == "columns" and isinstance(v, list):
            lines.append(f"{_key(k)} = [\n" + "".join(f"  {_value(c)},\n" for c in v) + "]")
        elif isinstance(v, list) and v and all(isinstance(i, dict) for i in v):
            arrays.append((k, v))
        else:
            lines.append(f"{_key(k)} = {_value(v)}")
    out = "\n".join(lines)
    for k, v in tables:
        name = f"{prefix}.{_key(k)}" if prefix else _key(k)
        out += f"\n\n[{name}]\n" + to_toml(v, name)
    for k, items in arrays:
        name = f"{prefix}.{_key(k)}" if prefix else _key(k)
        for item in items:
            out += f"\n\n[[{name}]]\n" + to_toml(item, name)
    return out.strip("\n") + "\n"


def write_pack(folder: Path, derived: Derived, xsd: Path, base: SpecPack) -> None:
    """Write the pack: manifest.toml, DST's XSD, and the base pack's paragraphs.csv and chart.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    head = (
        f"# Spec pack made by `siu specs new {derived.manifest['year']} --from-xsd {xsd.name}` from DST's own files,\n"
        f"# on top of the pack {base.year} ({base.version}). Check the provenance below; every 'To fill in' is\n"
        "# something siu could not derive. `siu specs check` validates the pack.\n\n"
    )
    tmp = folder / "manifest.toml.tmp"
    tmp.write_text(head + to_toml(derived.manifest), encoding="utf-8")
    tomllib.loads(tmp.read_text(encoding="utf-8"))  # what siu writes must read back
    tmp.replace(folder / "manifest.toml")
    if xsd.resolve() != (folder / xsd.name).resolve():
        shutil.copyfile(xsd, folder / xsd.name)
    for name in ("paragraphs.csv", "chart.csv"):
        shutil.copyfile(base.root / name, folder / name)


# --- checking a pack -------------------------------------------------------------------------


def check_pack(folder: Path) -> tuple[SpecPack | None, list[tuple[str, str]]]:
    """Load the pack and write a small invented delivery with it, as XML (validated against its
    XSD) and as the Excel template; (pack, problems in Danish and English)."""
    from siu.models import DeliveryHeader, Record, Totals
    from siu.write.xml import XmlWriter, validate_xml

    try:
        pack = SpecPack.load(folder, origin=f"--spec-dir {folder}")
    except SpecError as exc:
        return None, [(exc.message_da, exc.message_en)]
    problems: list[tuple[str, str]] = []
    from siu_excel.writer import template_problems

    for header, reason in template_problems(pack.manifest.excel):
        problems.append((f"[excel] kolonnen {header}: {reason.da}", f"[excel] column {header}: {reason.en}"))
    for fact in pack.provisional():
        if fact.startswith("To fill in: "):
            problems.append((f"mangler stadig: {fact[12:]}", f"still to fill in: {fact[12:]}"))
    day = dt.date(pack.year, 3, 1)
    records = []
    for i, code in enumerate(sorted(pack.paragraphs)):
        p = pack.paragraphs[code]
        records.append(
            Record(
                psr_id="0101601234",
                kontostreng="53850100140",
                paragraph=code,
                area=p.area,
                amount=Decimal("1000") if i % 2 == 0 else Decimal("-250"),
                start=day,
                end=day + dt.timedelta(days=27),
            )
        )
    totals = Totals()
    for r in records:
        totals.add(r.amount)
    areas = pack.areas
    header = DeliveryHeader(
        kommune="101",
        year=pack.year,
        area=areas[0] if len(areas) == 1 else ("begge" if pack.manifest.xml.delivery_area_type else areas[0]),
        spec_version=pack.version,
        created=dt.datetime(pack.year + 1, 3, 1, 12, 0),
        totals=totals,
    )
    if len(areas) > 1 and header.area != "begge":
        records = [r for r in records if r.area == header.area]
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "check.xml"
        with target.open("wb") as fh:
            XmlWriter().write(iter(records), header, pack, fh)
        for finding in validate_xml(target, pack):
            problems.append(
                (
                    f"en prøveleverance overholder ikke {pack.manifest.xml.schema_file}: {finding.message_da}",
                    f"a sample delivery does not match {pack.manifest.xml.schema_file}: {finding.message_en}",
                )
            )
    return pack, problems
