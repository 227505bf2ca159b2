"""The parts of a spec pack's manifest, as validated models (private; public through :mod:`siu.specpack`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from siu.base.errors import BilingualError

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


class PackView(Protocol):
    """What the checks and the diff read of a :class:`siu.specpack.SpecPack` (a protocol, so that
    the modules behind siu.specpack do not import it back)."""

    root: Path
    manifest: Manifest
    paragraphs: dict[str, Paragraph]
    chart: list[ChartEntry]

    @property
    def year(self) -> int: ...

    @property
    def version(self) -> str: ...

    @property
    def schema(self) -> Any: ...

    def file_name(self, kommune: str, area: str, suffix: str) -> str: ...

    def summary(self) -> dict[str, Any]: ...
