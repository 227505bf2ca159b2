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

import csv
import datetime as dt
import hashlib
import string
from functools import cached_property
from pathlib import Path
from typing import Any

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from siu.base.errors import BilingualError
from siu.base.tomlfile import read_toml

BUILTIN_DIR = Path(__file__).parent / "specs"
PACK_FILES = ("manifest.toml", "paragraphs.csv", "chart.csv")
_XS = "{http://www.w3.org/2001/XMLSchema}"
ROUNDING_MODES = ("none", "largest_remainder")


def plain_file_name(name: str) -> bool:
    """Whether ``name`` is one file name that stays in its folder: no path separator, no ``..``,
    no control character, not hidden."""
    return (
        bool(name.strip())
        and "/" not in name
        and "\\" not in name
        and not name.startswith(".")
        and ":" not in name
        and not any(ord(ch) < 32 or ord(ch) == 127 for ch in name)
        and len(name) <= 200
    )


class SpecError(BilingualError):
    """A spec pack is missing, incomplete or inconsistent; the message names the pack and file."""


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
    # Names of the XSD's simple types whose enumerations must equal the pack's areas and
    # paragraph codes; load() compares them so pack and XSD cannot drift apart.
    area_type: str | None = None
    delivery_area_type: str | None = None
    paragraph_type: str | None = None


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
    model_config = ConfigDict(extra="forbid")  # a misspelt key must not silently keep the default

    unit: str = "DKK"
    decimals: int = 2
    sign: str = "signed"  # revenue negative, expenditure positive
    rounding: str = "none"  # siu never rounds: more decimals than allowed is a finding (SIU132)


class ChannelSpec(BaseModel):
    """One reporting channel (IDEP.web upload, system to system): the formats it takes and how
    amounts are written in it."""

    model_config = ConfigDict(extra="forbid")

    name_da: str
    name_en: str
    formats: list[str]
    decimals: int = 2
    rounding: str = "none"  # none | largest_remainder (see siu.accounts.rounding)
    provisional: str = ""  # what is provisional about this channel; empty = from DST's material
    source: str = ""


class SourceChannels(BaseModel):
    """Which channels a source system can report through, and why (``[source_channels.NAME]``)."""

    model_config = ConfigDict(extra="forbid")

    channels: list[str]
    why_da: str = ""
    why_en: str = ""
    source: str = ""


class TestSpec(BaseModel):
    """How a test delivery (``siu convert --test``) is marked: a file name prefix and/or a header
    element (``[test]``)."""

    __test__ = False  # not a pytest class
    model_config = ConfigDict(extra="forbid")

    file_prefix: str = "TEST_"
    header_field: str | None = None
    provisional: str = ""
    source: str = ""


class VersionSpec(BaseModel):
    """One version of the format, following one executive order (bekendtgørelse) on data reporting
    in the social area. The order is revised every 1 January and 1 July and announced ("varslet")
    at least six months before it applies ("gældende")."""

    model_config = ConfigDict(extra="forbid")

    id: str = ""  # what the delivery's header carries as the spec version ("2026.2"); empty = the manifest's version
    order: str = ""  # the executive order, e.g. "BEK nr 1234 af 14/11/2024"
    date: dt.date | None = None  # the order's date
    valid_from: dt.date
    status: str = "gældende"  # varslet | gældende | historisk
    provisional: str = ""
    source: str = ""


VERSION_STATUSES = ("varslet", "gældende", "historisk")


class CprSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    female_suffix: str = "9998"
    male_suffix: str = "9999"
    no_birth_date: str = "123456"


class AreaSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_da: str
    name_en: str
    provisional: str = ""  # what is provisional about the area; empty = from DST's material
    source: str = ""


class Paragraph(BaseModel):
    code: str
    area: str
    law: str
    section: str
    name_da: str
    name_en: str
    anonymous_allowed: bool = False
    provisional: str = ""  # what is provisional about this row ("code", "scope", ...); empty = verified
    source: str = ""


class ChartEntry(BaseModel):
    function: str
    dranst: str
    grouping: str  # "*" matches any grouping
    paragraph: str | None
    name_da: str = ""
    provisional: bool = True
    source: str = ""


class DeliverySpec(BaseModel):
    """``[delivery]``: how DST receives system-to-system files (host, port, folder, naming).

    DST has not published these; a pack marks them ``provisional`` and ``siu.toml``'s
    ``[delivery]`` overrides every one of them."""

    model_config = ConfigDict(extra="forbid")

    protocol: str = "sftp"  # sftp | ftps
    host: str | None = None
    port: int | None = None
    folder: str = "/"
    temp_suffix: str = ".part"  # uploaded under name + suffix, renamed when complete
    provisional: list[str] = Field(default_factory=list)


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
    delivery: DeliverySpec = Field(default_factory=DeliverySpec)
    channels: dict[str, ChannelSpec] = Field(default_factory=dict)
    source_channels: dict[str, SourceChannels] = Field(default_factory=dict)
    test: TestSpec = Field(default_factory=TestSpec)
    versions: list[VersionSpec] = Field(default_factory=list)


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
            problems = _problems(exc)
            raise SpecError(
                f"Specifikationspakken {root}: manifest.toml er ufuldstændig: {problems}",
                f"The spec pack {root}: manifest.toml is incomplete: {problems}",
            ) from None
        paragraphs: dict[str, Paragraph] = {}
        for line, row in _read_csv(root / "paragraphs.csv", ("anonymous_allowed",)):
            p = _row(Paragraph, row, root / "paragraphs.csv", line)
            if p.code in paragraphs:
                raise SpecError(
                    f"Specifikationspakken {root}: paragraphs.csv linje {line} gentager paragraffen {p.code}",
                    f"The spec pack {root}: paragraphs.csv line {line} repeats the paragraph {p.code}",
                )
            paragraphs[p.code] = p
        chart = [
            _row(ChartEntry, {**row, "paragraph": row.get("paragraph") or None}, root / "chart.csv", line)
            for line, row in _read_csv(root / "chart.csv", ("provisional",))
        ]
        pack = cls(root, manifest, paragraphs, chart, origin)
        pack._check()
        return pack

    def _check(self) -> None:  # noqa: C901  (too long; to be cut along its seams, issue 13)
        """Cross-file consistency: areas, paragraphs, chart and the XSD agree."""
        root, m = self.root, self.manifest

        def bad(da: str, en: str) -> SpecError:
            return SpecError(f"Specifikationspakken {root}: {da}", f"The spec pack {root}: {en}")

        if m.valid_from > m.valid_to:
            raise bad(
                f"valid_from {m.valid_from} ligger efter valid_to {m.valid_to}",
                f"valid_from {m.valid_from} is after valid_to {m.valid_to}",
            )
        if m.default_area not in m.areas:
            raise bad(
                f"default_area '{m.default_area}' er ikke blandt areas {m.areas}",
                f"default_area '{m.default_area}' is not one of areas {m.areas}",
            )
        for area in m.areas:
            if area not in m.area_info:
                raise bad(f"området '{area}' mangler [area_info.{area}]", f"the area '{area}' lacks [area_info.{area}]")
        for p in self.paragraphs.values():
            if p.area not in m.areas:
                raise bad(
                    f"paragraffen {p.code} har området {p.area}, som ikke er blandt {m.areas}",
                    f"paragraph {p.code} has area {p.area}, not one of {m.areas}",
                )
        for entry in self.chart:
            if entry.paragraph and entry.paragraph not in self.paragraphs:
                raise bad(
                    f"chart.csv nævner paragraffen {entry.paragraph}, som paragraphs.csv ikke har",
                    f"chart.csv names paragraph {entry.paragraph}, which paragraphs.csv lacks",
                )
        for area in m.areas:  # the delivery's name never leaves the output folder (no ../, no /)
            self.file_name("101", area, ".xml")
        seen_versions: set[str] = set()
        for v in m.versions:
            if not v.id:
                v.id = m.version
            if v.id in seen_versions:
                raise bad(
                    f"versionen {v.id} står to gange i [[versions]]",
                    f"the version {v.id} appears twice in [[versions]]",
                )
            seen_versions.add(v.id)
            if (v.valid_from.month, v.valid_from.day) not in ((1, 1), (7, 1)):
                raise bad(
                    f"versionen {v.id} gælder fra {v.valid_from}; bekendtgørelsen gælder fra 1. januar eller 1. juli",
                    f"the version {v.id} is valid from {v.valid_from}; the executive order applies from 1 January or "
                    "1 July",
                )
            if v.status not in VERSION_STATUSES:
                raise bad(
                    f"versionen {v.id} har status '{v.status}' (brug {', '.join(VERSION_STATUSES)})",
                    f"the version {v.id} has status '{v.status}' (use {', '.join(VERSION_STATUSES)})",
                )
        if not m.test.file_prefix and not m.test.header_field:
            raise bad(
                "[test] skal markere en testleverance: file_prefix eller header_field",
                "[test] must mark a test delivery: file_prefix or header_field",
            )
        for src, sc in m.source_channels.items():
            for name in sc.channels:
                if name not in m.channels:
                    raise bad(
                        f"[source_channels.{src}] nævner kanalen '{name}', som [channels] ikke har",
                        f"[source_channels.{src}] names the channel '{name}', which [channels] lacks",
                    )
        for name, ch in m.channels.items():
            if ch.rounding not in ROUNDING_MODES:
                raise bad(
                    f"[channels.{name}] rounding = '{ch.rounding}' er ukendt (brug {', '.join(ROUNDING_MODES)})",
                    f"[channels.{name}] rounding = '{ch.rounding}' is unknown (use {', '.join(ROUNDING_MODES)})",
                )
        xsd = root / m.xml.schema_file
        if not xsd.is_file():
            raise bad(f"XSD'en {m.xml.schema_file} mangler", f"the XSD {m.xml.schema_file} is missing")
        self.schema  # compiles now, so a broken XSD is a SpecError at load, not at write time
        x = m.xml
        checks = (
            (x.area_type, set(m.areas), True),
            (x.paragraph_type, set(self.paragraphs), True),
            (x.delivery_area_type, set(m.areas), False),
        )
        if any(name for name, _, _ in checks):
            enums = xsd_enumerations(xsd)
            for name, wanted, exact in checks:
                if not name:
                    continue
                have = enums.get(name)
                if have is None:
                    raise bad(f"{xsd.name} har ingen simpleType '{name}'", f"{xsd.name} has no simpleType '{name}'")
                if (have != wanted) if exact else not wanted <= have:
                    raise bad(
                        f"{xsd.name}: {name} tillader {sorted(have)}, men pakken har {sorted(wanted)}",
                        f"{xsd.name}: {name} allows {sorted(have)}, but the pack has {sorted(wanted)}",
                    )

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


def diff_packs(old: SpecPack, new: SpecPack) -> dict[str, Any]:
    """What changed from ``old`` to ``new``: added/removed/changed areas, paragraphs, chart rows
    (keyed by function, dranst, grouping), changed settings, XSD and provisional facts."""
    a, b = old.summary(), new.summary()
    out: dict[str, Any] = {
        "from": {"year": old.year, "version": old.version},
        "to": {"year": new.year, "version": new.version},
    }
    out["areas"] = _keyed_diff(a["areas"], b["areas"])
    out["paragraphs"] = _keyed_diff(a["paragraphs"], b["paragraphs"])

    def chart_key(c: dict[str, Any]) -> str:
        return f"{c['function']}.{c['dranst']}.{c['grouping']}"

    out["chart"] = _keyed_diff({chart_key(c): c for c in a["chart"]}, {chart_key(c): c for c in b["chart"]})
    settings = {}
    for key in (
        "valid_from",
        "valid_to",
        "default_area",
        "xml",
        "file_name",
        "amount",
        "kontostreng",
        "cpr",
        "dates",
        "excel",
        "channels",
        "source_channels",
        "test",
        "versions",
    ):
        for path, (x, y) in _flat_diff(a[key], b[key], key).items():
            settings[path] = {"from": x, "to": y}
    out["settings"] = settings
    out["xsd_changed"] = (old.root / old.manifest.xml.schema_file).read_bytes() != (
        new.root / new.manifest.xml.schema_file
    ).read_bytes()
    out["provisional"] = {
        "added": [p for p in b["provisional"] if p not in a["provisional"]],
        "removed": [p for p in a["provisional"] if p not in b["provisional"]],
    }
    return out


def _keyed_diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {
        "added": {k: b[k] for k in b if k not in a},
        "removed": {k: a[k] for k in a if k not in b},
        "changed": {
            k: {f: {"from": x, "to": y} for f, (x, y) in _flat_diff(a[k], b[k], "").items()}
            for k in a
            if k in b and a[k] != b[k]
        },
    }


def _flat_diff(x: Any, y: Any, prefix: str) -> dict[str, tuple[Any, Any]]:
    if isinstance(x, dict) and isinstance(y, dict):
        out: dict[str, tuple[Any, Any]] = {}
        for k in list(x) + [k for k in y if k not in x]:
            out.update(_flat_diff(x.get(k), y.get(k), f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {} if x == y else {prefix: (x, y)}


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


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())


def _row(model: type[Any], row: dict[str, Any], path: Path, line: int) -> Any:
    try:
        return model.model_validate(row)
    except ValidationError as exc:
        problems = _problems(exc)
        raise SpecError(f"{path} linje {line}: {problems}", f"{path} line {line}: {problems}") from None


def _read_csv(path: Path, bool_fields: tuple[str, ...] = ()) -> list[tuple[int, dict[str, Any]]]:
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


def builtin_pack_dirs() -> list[Path]:
    """The folders of the packs shipped with siu."""
    return sorted(p for p in BUILTIN_DIR.iterdir() if (p / "manifest.toml").exists())
