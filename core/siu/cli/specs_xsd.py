"""Reading DST's XSD for ``siu specs new`` (private): the elements of a delivery, their types and
facets, and which siu field each carries (matched by name).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from siu.specpack import SpecError

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
            if find_record(c) is not None:
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


def find_record(el: Element) -> tuple[Element, Element] | None:
    """(container, record): the first repeated complex element, and its parent."""
    for child in el.children:
        if child.repeated and child.base == "complex":
            return el, child
        found = find_record(child)
        if found is not None:
            return found
    return None


def date_format(el: Element) -> str | None:
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


def decimals_of(el: Element) -> int | None:
    if el.base in INTEGER_TYPES:
        return 0
    if el.base == "decimal":
        digits = el.facets.get("fractionDigits")
        return int(digits[0]) if digits else 2
    return None
