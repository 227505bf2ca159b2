"""A spec pack's files checked against each other: areas, paragraphs, chart, versions, channels and
the XSD agree (private; run by :meth:`siu.specpack.SpecPack.load`)."""

from __future__ import annotations

from collections.abc import Callable

from siu.base.spec_files import xsd_enumerations
from siu.base.spec_models import ROUNDING_MODES, VERSION_STATUSES, Manifest, PackView, SpecError

Bad = Callable[[str, str], SpecError]


def check_pack(pack: PackView) -> None:
    """Raise a :class:`SpecError` naming the pack for the first inconsistency found."""
    root = pack.root

    def bad(da: str, en: str) -> SpecError:
        return SpecError(f"Specifikationspakken {root}: {da}", f"The spec pack {root}: {en}")

    m = pack.manifest
    _check_areas(pack, bad)
    for area in m.areas:  # the delivery's name never leaves the output folder (no ../, no /)
        pack.file_name("101", area, ".xml")
    _check_versions(m, bad)
    if not m.test.file_prefix and not m.test.header_field:
        raise bad(
            "[test] skal markere en testleverance: file_prefix eller header_field",
            "[test] must mark a test delivery: file_prefix or header_field",
        )
    _check_channels(m, bad)
    _check_xsd(pack, bad)


def _check_areas(pack: PackView, bad: Bad) -> None:
    """Validity, the default area, each area's info, and the paragraphs and chart rows that name them."""
    m = pack.manifest
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
    for p in pack.paragraphs.values():
        if p.area not in m.areas:
            raise bad(
                f"paragraffen {p.code} har området {p.area}, som ikke er blandt {m.areas}",
                f"paragraph {p.code} has area {p.area}, not one of {m.areas}",
            )
    for entry in pack.chart:
        if entry.paragraph and entry.paragraph not in pack.paragraphs:
            raise bad(
                f"chart.csv nævner paragraffen {entry.paragraph}, som paragraphs.csv ikke har",
                f"chart.csv names paragraph {entry.paragraph}, which paragraphs.csv lacks",
            )


def _check_versions(m: Manifest, bad: Bad) -> None:
    """Each ``[[versions]]`` entry: a unique id (the manifest's version when left out), a start on
    1 January or 1 July, a known status."""
    seen: set[str] = set()
    for v in m.versions:
        if not v.id:
            v.id = m.version
        if v.id in seen:
            raise bad(
                f"versionen {v.id} står to gange i [[versions]]",
                f"the version {v.id} appears twice in [[versions]]",
            )
        seen.add(v.id)
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


def _check_channels(m: Manifest, bad: Bad) -> None:
    """Every channel a source names exists, and every channel rounds in a known way."""
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


def _check_xsd(pack: PackView, bad: Bad) -> None:
    """The XSD is there and compiles, and its enumerations of areas and paragraphs match the pack."""
    m = pack.manifest
    xsd = pack.root / m.xml.schema_file
    if not xsd.is_file():
        raise bad(f"XSD'en {m.xml.schema_file} mangler", f"the XSD {m.xml.schema_file} is missing")
    pack.schema  # compiles now, so a broken XSD is a SpecError at load, not at write time
    x = m.xml
    checks: tuple[tuple[str | None, set[str], bool], ...] = (
        (x.area_type, set(m.areas), True),
        (x.paragraph_type, set(pack.paragraphs), True),
        (x.delivery_area_type, set(m.areas), False),
    )
    if not any(name for name, _, _ in checks):
        return
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
