"""Spec packs: everything about DST's format for one reporting year, as data.

A pack is a folder holding ``manifest.toml`` (year, validity, provenance, XML element names and
envelope, file name, amount and CPR rules, date rules, Excel template), ``paragraphs.csv`` (the
paragraphs in scope and their area), ``chart.csv`` (functions/groupings in scope → paragraph)
and the XSD. Built-in packs live in ``siu/specs/<year>/``; plugins add packs through the
``register_spec_packs`` hook and users through ``--spec-dir``. Next year's change is a new pack,
not new code. :meth:`SpecPack.load` checks a pack is complete and consistent (also against its
own XSD's enumerations) and raises :class:`SpecError` in Danish and English when it is not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import string
from functools import cached_property
from pathlib import Path
from typing import Any

from lxml import etree
from pydantic import ValidationError

from siu.base.spec_checks import check_pack
from siu.base.spec_diff import diff_packs
from siu.base.spec_files import describe_problems, read_csv, read_row, xsd_enumerations
from siu.base.spec_models import (
    ROUNDING_MODES,
    VERSION_STATUSES,
    AmountSpec,
    AreaSpec,
    ChannelSpec,
    ChartEntry,
    CprSpec,
    DeliverySpec,
    ExcelColumn,
    ExcelSpec,
    Manifest,
    Paragraph,
    SourceChannels,
    SpecError,
    TestSpec,
    VersionSpec,
    XmlSpec,
    plain_file_name,
)
from siu.base.tomlfile import read_toml

__all__ = [
    "BUILTIN_DIR",
    "PACK_FILES",
    "ROUNDING_MODES",
    "VERSION_STATUSES",
    "AmountSpec",
    "AreaSpec",
    "ChannelSpec",
    "ChartEntry",
    "CprSpec",
    "DeliverySpec",
    "ExcelColumn",
    "ExcelSpec",
    "Manifest",
    "Paragraph",
    "SourceChannels",
    "SpecError",
    "SpecPack",
    "TestSpec",
    "VersionSpec",
    "XmlSpec",
    "builtin_pack_dirs",
    "diff_packs",
    "plain_file_name",
    "xsd_enumerations",
]

BUILTIN_DIR = Path(__file__).parent / "specs"
PACK_FILES = ("manifest.toml", "paragraphs.csv", "chart.csv")


class SpecPack:
    """One reporting year's specification, loaded from a folder."""

    def __init__(
        self, root: Path, manifest: Manifest, paragraphs: dict[str, Paragraph], chart: list[ChartEntry], origin: str
    ) -> None:
        self.root = root
        self.manifest = manifest
        self.paragraphs = paragraphs
        self.chart = chart
        self.origin = origin
        self._chart_index: dict[tuple[str, str, str], ChartEntry] = {
            (c.function, c.dranst, c.grouping): c for c in chart
        }
        self._functions = {(c.function, c.dranst) for c in chart}

    @classmethod
    def load(cls, root: Path, origin: str = "siu") -> SpecPack:
        """Load a pack from a folder; raises :class:`SpecError` naming what is wrong."""
        root = Path(root)
        if not root.is_dir():
            raise SpecError(
                f"Specifikationspakken {root} findes ikke (ingen mappe)",
                f"The spec pack {root} does not exist (no folder)",
            )
        raw = read_toml(
            root / "manifest.toml",
            SpecError,
            (f"Specifikationspakken {root} har ingen manifest.toml", f"The spec pack {root} has no manifest.toml"),
            (
                f"Specifikationspakken {root}: manifest.toml er ikke gyldig TOML: {{exc}}",
                f"The spec pack {root}: manifest.toml is not valid TOML: {{exc}}",
            ),
        )
        try:
            manifest = Manifest.model_validate(raw)
        except ValidationError as exc:
            problems = describe_problems(exc)
            raise SpecError(
                f"Specifikationspakken {root}: manifest.toml er ufuldstændig: {problems}",
                f"The spec pack {root}: manifest.toml is incomplete: {problems}",
            ) from None
        paragraphs: dict[str, Paragraph] = {}
        for line, row in read_csv(root / "paragraphs.csv", ("anonymous_allowed",)):
            p = read_row(Paragraph, row, root / "paragraphs.csv", line)
            if p.code in paragraphs:
                raise SpecError(
                    f"Specifikationspakken {root}: paragraphs.csv linje {line} gentager paragraffen {p.code}",
                    f"The spec pack {root}: paragraphs.csv line {line} repeats the paragraph {p.code}",
                )
            paragraphs[p.code] = p
        chart = [
            read_row(ChartEntry, {**row, "paragraph": row.get("paragraph") or None}, root / "chart.csv", line)
            for line, row in read_csv(root / "chart.csv", ("provisional",))
        ]
        pack = cls(root, manifest, paragraphs, chart, origin)
        pack._check()
        return pack

    def _check(self) -> None:
        """Cross-file consistency: areas, paragraphs, chart and the XSD agree."""
        check_pack(self)

    # --- identity ----------------------------------------------------------------------
    @property
    def year(self) -> int:
        return self.manifest.year

    @property
    def version(self) -> str:
        """The version a delivery carries: the selected ``[[versions]]`` entry's id, else the manifest's."""
        selected = getattr(self, "selected_version", None)
        return selected.id if selected is not None else self.manifest.version

    def version_on(self, day: dt.date) -> VersionSpec | None:
        """The version in force on ``day`` (the delivery date): the latest whose ``valid_from`` has
        come, else (a delivery made before the first applies, e.g. a test) the earliest; None
        when the pack lists no versions."""
        versions = sorted(self.manifest.versions, key=lambda v: v.valid_from)
        if not versions:
            return None
        current = [v for v in versions if v.valid_from <= day]
        return current[-1] if current else versions[0]

    def select_version(self, day: dt.date) -> VersionSpec | None:
        """Pick the version in force on ``day`` for this run (see :meth:`version_on`)."""
        self.selected_version = self.version_on(day)
        return self.selected_version

    @property
    def areas(self) -> list[str]:
        return self.manifest.areas

    @cached_property
    def digest(self) -> str:
        """SHA-256 over the pack's files (manifest, paragraphs, chart, XSD), to tell two copies apart."""
        h = hashlib.sha256()
        for name in (*PACK_FILES, self.manifest.xml.schema_file):
            h.update(name.encode())
            h.update((self.root / name).read_bytes())
        return h.hexdigest()

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
        """True for paragraphs whose lines may carry a fictitious CPR (paragraphs.csv)."""
        p = self.paragraphs.get(paragraph or "")
        return bool(p and p.anonymous_allowed)

    def paragraphs_for(self, area: str) -> list[str]:
        return [p.code for p in self.paragraphs.values() if p.area == area]

    # --- channels --------------------------------------------------------------------------
    def channel_of(self, fmt: str) -> tuple[str, ChannelSpec] | None:
        """The channel that takes the output format ``fmt`` (``xml``, ``xlsx``), if the pack says."""
        for name, ch in self.manifest.channels.items():
            if fmt in ch.formats:
                return name, ch
        return None

    def amount_for(self, fmt: str) -> tuple[int, str]:
        """(decimals, rounding) for amounts written in ``fmt``: its channel's, else ``[amount]``'s."""
        found = self.channel_of(fmt)
        if found is not None:
            return found[1].decimals, found[1].rounding
        return self.manifest.amount.decimals, self.manifest.amount.rounding

    # --- rendering ---------------------------------------------------------------------
    @property
    def kontostreng_pattern(self) -> str:
        return self.manifest.kontostreng.get(
            "render", "{hovedkonto}{hovedfunktion}{funktion}{dranst}{gruppering}{hovedart}{art}"
        )

    def file_name(self, kommune: str, area: str, suffix: str) -> str:
        """The delivery's file name: the manifest's ``[file] name`` filled in. Raises
        :class:`SpecError` for a name that is not one plain file name in the output folder."""
        template = self.manifest.file.get("name", "")
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
            if any(f not in ("kommune", "year", "area") for f in fields):  # no {kommune.__class__} and the like
                raise ValueError(f"fields {fields}")
            name = template.format(kommune=kommune, year=self.year, area=area) + suffix
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            raise self._bad_file_name(template, f"{exc.__class__.__name__}: {exc}") from None
        if not plain_file_name(name):
            raise self._bad_file_name(template, name)
        return name

    def _bad_file_name(self, template: str, got: str) -> SpecError:
        return SpecError(
            f"Specifikationspakken {self.root}: [file] name = {template!r} giver ikke ét filnavn i outputmappen "
            f"({got!r}); "
            "brug kun {kommune}, {year} og {area} og ingen mapper",
            f"The spec pack {self.root}: [file] name = {template!r} does not give one file name in the output folder "
            f"({got!r}); "
            "use only {kommune}, {year} and {area} and no folders",
        )

    @cached_property
    def schema(self) -> etree.XMLSchema:
        path = self.root / self.manifest.xml.schema_file
        try:
            return etree.XMLSchema(etree.parse(str(path)))
        except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
            raise SpecError(
                f"Specifikationspakken {self.root}: {path.name} er ikke en gyldig XSD: {exc}",
                f"The spec pack {self.root}: {path.name} is not a valid XSD: {exc}",
            ) from None

    # --- what the pack says about itself -----------------------------------------------
    def provisional(self) -> list[str]:
        """Every provisional fact: the manifest's list, then provisional areas and paragraphs."""
        out = list(self.manifest.provenance.get("provisional", []))
        for name, ch in self.manifest.channels.items():
            if ch.provisional:
                out.append(f"channel {name}: {ch.provisional}")
        for v in self.manifest.versions:
            if v.provisional:
                out.append(f"version {v.id}: {v.provisional}")
        if self.manifest.test.provisional:
            out.append(f"test: {self.manifest.test.provisional}")
        for name, info in self.manifest.area_info.items():
            if info.provisional:
                out.append(f"area {name}: {info.provisional}")
        for p in self.paragraphs.values():
            if p.provisional and p.provisional != "code":
                out.append(f"paragraph {p.code}: {p.provisional}")
        out += [f"delivery: {fact}" for fact in self.manifest.delivery.provisional]
        return out

    def summary(self) -> dict[str, Any]:
        """What the pack contains, for ``siu specs show`` and ``siu specs diff``."""
        m = self.manifest
        return {
            "year": m.year,
            "version": m.version,
            "title": {"da": m.title_da, "en": m.title_en},
            "origin": self.origin,
            "folder": str(self.root),
            "digest": self.digest,
            "valid_from": m.valid_from.isoformat(),
            "valid_to": m.valid_to.isoformat(),
            "areas": {a: m.area_info[a].model_dump() for a in m.areas},
            "default_area": m.default_area,
            "paragraphs": {c: p.model_dump(exclude={"code"}) for c, p in self.paragraphs.items()},
            "chart": [c.model_dump() for c in self.chart],
            "xml": m.xml.model_dump(by_alias=True),
            "file_name": m.file.get("name"),
            "amount": m.amount.model_dump(),
            "kontostreng": self.kontostreng_pattern,
            "cpr": m.cpr.model_dump(),
            "dates": dict(m.dates),
            "excel": m.excel.model_dump(),
            "delivery": m.delivery.model_dump(),
            "channels": {k: v.model_dump() for k, v in m.channels.items()},
            "source_channels": {k: v.model_dump() for k, v in m.source_channels.items()},
            "test": m.test.model_dump(),
            "versions": [v.model_dump(mode="json") for v in m.versions],
            "provenance": {k: list(v) for k, v in m.provenance.items()},
            "provisional": self.provisional(),
        }


def builtin_pack_dirs() -> list[Path]:
    """The folders of the packs shipped with siu."""
    return sorted(p for p in BUILTIN_DIR.iterdir() if (p / "manifest.toml").exists())
