"""Writing a derived spec pack (a small TOML writer for its manifest) and checking a pack by writing
a sample delivery with it (private; ``siu specs new`` and ``siu specs check``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siu.specpack import SpecError, SpecPack

if TYPE_CHECKING:
    from siu.models import DeliveryHeader, Record

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


def write_pack(folder: Path, manifest: dict[str, Any], xsd: Path, base: SpecPack) -> None:
    """Write the pack (``manifest`` as derived by ``siu specs new``): manifest.toml, DST's XSD, and the
    base pack's paragraphs.csv and chart.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    head = (
        f"# Spec pack made by `siu specs new {manifest['year']} --from-xsd {xsd.name}` from DST's own files,\n"
        f"# on top of the pack {base.year} ({base.version}). Check the provenance below; every 'To fill in' is\n"
        "# something siu could not derive. `siu specs check` validates the pack.\n\n"
    )
    tmp = folder / "manifest.toml.tmp"
    tmp.write_text(head + to_toml(manifest), encoding="utf-8")
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
    from siu.write.xml import XmlWriter, validate_xml

    try:
        pack = SpecPack.load(folder, origin=f"--spec-dir {folder}")
    except SpecError as exc:
        return None, [(exc.message_da, exc.message_en)]
    problems: list[tuple[str, str]] = []
    from siu_excel.writer import template_problems

    for column, reason in template_problems(pack.manifest.excel):
        problems.append((f"[excel] kolonnen {column}: {reason.da}", f"[excel] column {column}: {reason.en}"))
    for fact in pack.provisional():
        if fact.startswith("To fill in: "):
            problems.append((f"mangler stadig: {fact[12:]}", f"still to fill in: {fact[12:]}"))
    records, header = _sample_delivery(pack)
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


def _sample_delivery(pack: SpecPack) -> tuple[list[Record], DeliveryHeader]:
    """An invented delivery with one line per paragraph of ``pack`` (what ``check_pack`` writes)."""
    from siu.models import DeliveryHeader, Record, Totals

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
    return records, header
