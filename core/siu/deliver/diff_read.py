"""Reading the two deliveries ``siu diff`` compares, as a stream of :class:`Line` (XML through the
spec pack whose namespace the file uses, xlsx through the ``excel`` source)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from siu.base.cpr import mask_cpr
from siu.catalogue.deliver import UNREADABLE
from siu.specpack import SpecError, SpecPack, builtin_pack_dirs


class DiffError(Exception):
    """A file cannot be compared; ``finding`` says why (exit code 2)."""

    def __init__(self, finding: Any) -> None:
        self.finding = finding
        super().__init__(finding.message_en)


@dataclass
class Line:
    psr: str
    konto: str
    paragraph: str
    cents: int
    start: str
    end: str


@dataclass
class Side:
    """What is known about one of the two deliveries."""

    path: Path
    kind: str = ""
    year: int | None = None
    kommune: str | None = None
    area: str | None = None
    lines: int = 0
    years: dict[int, int] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {
            "file": mask_cpr(self.path.name),
            "format": self.kind,
            "year": self.year,
            "kommune": self.kommune,
            "area": self.area,
            "lines": self.lines,
        }


def cents(text: str | None) -> int:
    """An amount as whole øre; plain ``-1234.5`` text without building a Decimal (the common case)."""
    t = (text or "0").strip()
    whole, dot, frac = t.partition(".")
    digits = whole.lstrip("-")
    if (
        digits.isdigit()
        and (not dot or (frac.isdigit() and len(frac) <= 2))
        and whole.count("-") <= 1
        and (whole[0] != "-" or len(whole) > 1)
    ):
        value = int(digits) * 100 + (int(frac.ljust(2, "0")) if dot else 0)
        return -value if whole.startswith("-") else value
    return int((Decimal(t) * 100).to_integral_value())


def _packs() -> list[SpecPack]:
    out = []
    for folder in builtin_pack_dirs():
        try:
            out.append(SpecPack.load(folder))
        except SpecError:
            continue
    return out


def _namespace(path: Path) -> str:
    """The namespace of the file's root element (read from its first bytes)."""
    for _, elem in etree.iterparse(str(path), events=("start",), resolve_entities=False, no_network=True):
        return etree.QName(elem).namespace or ""
    return ""


def read_xml(path: Path, side: Side) -> Iterator[Line]:
    """Stream the lines of an XML delivery; element names come from the spec pack whose namespace
    the file uses (the newest pack's names for a file without a known namespace). Only the
    header and line elements reach Python (lxml's ``tag`` filter); each is freed once read."""
    packs = _packs()
    ns = _namespace(path)
    pack = next((p for p in packs if (p.manifest.xml.namespace or "") == ns), None) or max(packs, key=lambda p: p.year)
    x = pack.manifest.xml
    prefix = f"{{{ns}}}" if ns else ""
    record_tag, header_tag = prefix + x.record, prefix + x.header
    slot = {
        prefix + x.record_fields[f]: i
        for i, f in enumerate(("psr_id", "kontostreng", "paragraph", "amount", "start", "end"))
    }
    header_fields = {prefix + v: k for k, v in x.header_fields.items()}
    side.kind = "xml"
    context = etree.iterparse(
        str(path),
        events=("end",),
        tag=(record_tag, header_tag),
        huge_tree=True,
        resolve_entities=False,
        no_network=True,
    )
    for _, elem in context:
        if elem.tag == record_tag:
            values = ["", "", "", "0", "", ""]
            for child in elem:
                i = slot.get(child.tag)
                if i is not None:
                    values[i] = child.text or ""
            yield Line(
                psr=values[0],
                konto=values[1],
                paragraph=values[2],
                cents=cents(values[3]),
                start=values[4],
                end=values[5],
            )
        else:
            text = {header_fields[c.tag]: (c.text or "").strip() for c in elem if c.tag in header_fields}
            side.kommune = text.get("kommune")
            side.area = text.get("area")
            if text.get("year", "").isdigit():
                side.year = int(text["year"])
        elem.clear()
        while elem.getprevious() is not None:  # free the lines already read
            del elem.getparent()[0]


def read_xlsx(path: Path, side: Side) -> Iterator[Line]:
    """Stream the lines of DST's Excel template through the ``excel`` source (the same reader
    ``siu convert --source excel`` uses)."""
    from siu.adapters import ReadInfo, ReadOptions
    from siu.host.plugins import load_plugins
    from siu.models import Posting

    source = load_plugins(no_plugins=True).sources.get("excel")
    if source is None:  # pragma: no cover - the excel adapter ships with siu
        raise DiffError(UNREADABLE.make(file=mask_cpr(path.name), reason="the excel source is not installed"))
    side.kind = "xlsx"
    for item in source.read(path, ReadOptions(), ReadInfo()):
        if not isinstance(item, Posting):
            continue
        yield Line(
            psr=item.cpr or "",
            konto=item.dims.get("kontostreng", ""),
            paragraph=item.dims.get("paragraph", ""),
            cents=int((item.amount * 100).to_integral_value()),
            start=item.start.isoformat() if item.start else "",
            end=item.end.isoformat() if item.end else "",
        )
