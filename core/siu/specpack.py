"""Spec packs: everything about DST's format for one reporting year, as data.

A pack is a folder holding ``manifest.toml`` (year, validity, provenance, XML element names,
file name, amount and CPR rules, Excel template), ``paragraphs.csv`` (the paragraphs in scope
and their area), ``chart.csv`` (functions/groupings in scope → paragraph) and the XSD.
Built-in packs live in ``siu/specs/<year>/``; plugins add packs through the
``siu_spec_packs`` hook. Next year's change is a new pack, not new code.
"""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field

BUILTIN_DIR = Path(__file__).parent / "specs"


class SpecError(Exception):
    """A spec pack is missing, incomplete or inconsistent."""


class XmlSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_file: str = Field(alias="schema")
    namespace: str | None = None
    root: str
    header: str
    records: str
    record: str
    trailer: str | None = None
    date_format: str = "%Y-%m-%d"
    header_fields: dict[str, str]
    record_fields: dict[str, str]
    trailer_fields: dict[str, str] = Field(default_factory=dict)


class ExcelColumn(BaseModel):
    field: str
    header: str
    type: str = "text"  # text | date | number
    width: float | None = None


class ExcelSpec(BaseModel):
    sheet: str = "Indberetning"
    header_row: int = 1
    columns: list[ExcelColumn] = Field(default_factory=list)


class AmountSpec(BaseModel):
    decimals: int = 2
    sign: str = "signed"


class CprSpec(BaseModel):
    female_suffix: str = "9998"
    male_suffix: str = "9999"
    no_birth_date: str = "123456"
    anonymous_paragraphs: list[str] = Field(default_factory=lambda: ["SEL109"])


class AreaSpec(BaseModel):
    name_da: str
    name_en: str
    provisional: bool = False


class Paragraph(BaseModel):
    code: str
    area: str
    law: str
    section: str
    name_da: str
    name_en: str
    anonymous_allowed: bool = False
    provisional: str = ""
    source: str = ""


class ChartEntry(BaseModel):
    function: str
    dranst: str
    grouping: str  # "*" matches any grouping
    paragraph: str | None
    name_da: str = ""
    provisional: bool = True
    source: str = ""


class Manifest(BaseModel):
    model_config = ConfigDict(extra="allow")

    year: int
    version: str
    title_da: str
    title_en: str
    valid_from: dt.date
    valid_to: dt.date
    areas: list[str]
    default_area: str
    provenance: dict[str, list[str]] = Field(default_factory=dict)
    xml: XmlSpec
    file: dict[str, str] = Field(default_factory=lambda: {"name": "SIU_{kommune}_{year}_{area}"})
    amount: AmountSpec = Field(default_factory=AmountSpec)
    kontostreng: dict[str, str] = Field(default_factory=dict)
    cpr: CprSpec = Field(default_factory=CprSpec)
    dates: dict[str, int] = Field(default_factory=dict)
    excel: ExcelSpec = Field(default_factory=ExcelSpec)
    area_info: dict[str, AreaSpec] = Field(default_factory=dict)


class SpecPack:
    """One reporting year's specification, loaded from a folder."""

    def __init__(self, root: Path, manifest: Manifest, paragraphs: dict[str, Paragraph], chart: list[ChartEntry], origin: str) -> None:
        self.root = root
        self.manifest = manifest
        self.paragraphs = paragraphs
        self.chart = chart
        self.origin = origin
        self._chart_index: dict[tuple[str, str, str], ChartEntry] = {(c.function, c.dranst, c.grouping): c for c in chart}
        self._functions = {(c.function, c.dranst) for c in chart}

    @classmethod
    def load(cls, root: Path, origin: str = "siu") -> SpecPack:
        """Load a pack from a folder; raises :class:`SpecError` naming what is wrong."""
        root = Path(root)
        try:
            raw = tomllib.loads((root / "manifest.toml").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SpecError(f"spec pack {root} has no manifest.toml") from None
        except tomllib.TOMLDecodeError as exc:
            raise SpecError(f"spec pack {root}: manifest.toml is not valid TOML: {exc}") from None
        try:
            manifest = Manifest.model_validate(raw)
        except Exception as exc:  # pydantic.ValidationError, reported with the pack's path
            raise SpecError(f"spec pack {root}: manifest.toml is incomplete: {exc}") from None
        paragraphs = {p.code: p for p in (Paragraph.model_validate(r) for r in _read_csv(root / "paragraphs.csv", _bool_fields=("anonymous_allowed",)))}
        chart = [ChartEntry.model_validate({**r, "paragraph": r.get("paragraph") or None}) for r in _read_csv(root / "chart.csv", _bool_fields=("provisional",))]
        for entry in chart:
            if entry.paragraph and entry.paragraph not in paragraphs:
                raise SpecError(f"spec pack {root}: chart.csv names paragraph {entry.paragraph}, which paragraphs.csv lacks")
        for p in paragraphs.values():
            if p.area not in manifest.areas:
                raise SpecError(f"spec pack {root}: paragraph {p.code} has area {p.area}, not one of {manifest.areas}")
        if not (root / manifest.xml.schema_file).exists():
            raise SpecError(f"spec pack {root}: the XSD {manifest.xml.schema_file} is missing")
        return cls(root, manifest, paragraphs, chart, origin)

    # --- identity ----------------------------------------------------------------------
    @property
    def year(self) -> int:
        return self.manifest.year

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def areas(self) -> list[str]:
        return self.manifest.areas

    # --- chart of accounts -------------------------------------------------------------
    def chart_entry(self, function: str, dranst: str, grouping: str) -> ChartEntry | None:
        """The chart entry for an account: an exact grouping wins over ``*``."""
        return self._chart_index.get((function, dranst, grouping)) or self._chart_index.get((function, dranst, "*"))

    def in_scope(self, function: str, dranst: str) -> bool:
        return (function, dranst) in self._functions

    def area_of(self, paragraph: str | None) -> str | None:
        p = self.paragraphs.get(paragraph or "")
        return p.area if p else None

    def anonymous_allowed(self, paragraph: str | None) -> bool:
        return (paragraph or "") in self.manifest.cpr.anonymous_paragraphs

    def paragraphs_for(self, area: str) -> list[str]:
        return [p.code for p in self.paragraphs.values() if p.area == area]

    # --- rendering ---------------------------------------------------------------------
    @property
    def kontostreng_pattern(self) -> str:
        return self.manifest.kontostreng.get(
            "render", "{hovedkonto}{hovedfunktion}{funktion}{dranst}{gruppering}{hovedart}{art}"
        )

    def file_name(self, kommune: str, area: str, suffix: str) -> str:
        return self.manifest.file["name"].format(kommune=kommune, year=self.year, area=area) + suffix

    @cached_property
    def schema(self) -> etree.XMLSchema:
        path = self.root / self.manifest.xml.schema_file
        try:
            return etree.XMLSchema(etree.parse(str(path)))
        except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
            raise SpecError(f"spec pack {self.root}: {path.name} is not a valid XSD: {exc}") from None

    def provisional(self) -> list[str]:
        return list(self.manifest.provenance.get("provisional", []))

    def summary(self) -> dict[str, Any]:
        """What the pack contains, for ``siu specs show`` and the report header."""
        m = self.manifest
        return {
            "year": m.year,
            "version": m.version,
            "origin": self.origin,
            "folder": str(self.root),
            "valid_from": m.valid_from.isoformat(),
            "valid_to": m.valid_to.isoformat(),
            "areas": m.areas,
            "paragraphs": {c: {"area": p.area, "name": p.name_da, "provisional": p.provisional} for c, p in self.paragraphs.items()},
            "chart": [c.model_dump() for c in self.chart],
            "xml": m.xml.model_dump(by_alias=True),
            "file_name": m.file.get("name"),
            "amount": m.amount.model_dump(),
            "kontostreng": self.kontostreng_pattern,
            "cpr": m.cpr.model_dump(),
            "provenance": m.provenance,
        }


def _read_csv(path: Path, _bool_fields: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        raise SpecError(f"spec pack file {path} is missing") from None
    for row in rows:
        for name in _bool_fields:
            if name in row:
                row[name] = (row[name] or "").strip().lower() in ("yes", "true", "1", "ja")
    return rows


def builtin_pack_dirs() -> list[Path]:
    """The folders of the packs shipped with siu."""
    return sorted(p for p in BUILTIN_DIR.iterdir() if (p / "manifest.toml").exists())
