"""The sidecar: a small JSON file siu leaves beside every delivery it wrote and validated.

``SIU_101_2025_voksen.xml`` gets ``SIU_101_2025_voksen.xml.siu.json`` holding the verdict, the
spec pack's year, version and digest, the delivery's SHA-256 and size, when it was made, siu's
version, the totals per paragraph and the delivery's profile (citizens, months covered). ``siu
deliver`` sends only a file whose sidecar says KLAR, whose hash still matches and whose spec
pack version is the current one. The sidecar is written atomically, after the delivery.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siu import __version__
from siu.base.cpr import mask_cpr
from siu.writers import atomic_output, commit

if TYPE_CHECKING:
    from siu.report.result import RunResult

SCHEMA = "siu-sidecar/1"
SUFFIX = ".siu.json"
READY = "KLAR"


def sidecar_path(delivery: Path) -> Path:
    return delivery.with_name(delivery.name + SUFFIX)


def _money(amount: Any) -> str:
    return f"{amount:.2f}"


def build(
    result: RunResult, delivery: Path, area: str | None = None, reports: dict[str, str] | None = None
) -> dict[str, Any]:
    """The sidecar's content for one written delivery (one area's file with ``--split``)."""
    from siu.base.stamp import file_digest

    size, digest = file_digest(delivery)
    spec = result.spec
    area = area or result.header.area
    paragraphs = {}
    expenditure = revenue = Decimal(0)
    lines = 0
    for code, pt in sorted(result.paragraphs.items()):
        if area not in ("begge", None) and spec.area_of(code) not in (area, None):
            continue
        paragraphs[code] = {
            "lines": pt.lines,
            "citizens": len(pt.citizens),
            "expenditure": _money(pt.expenditure),
            "revenue": _money(pt.revenue),
            "net": _money(pt.net),
        }
        expenditure += pt.expenditure
        revenue += pt.revenue
        lines += pt.lines
    profile = result.profile.summary(area) if getattr(result, "profile", None) is not None else {}
    citizens = len({c for code, pt in result.paragraphs.items() if code in paragraphs for c in pt.citizens})
    return {
        "schema": SCHEMA,
        "file": mask_cpr(delivery.name),
        "size": size,
        "sha256": digest,
        "verdict": READY if result.ok else "IKKE KLAR",
        "test": bool(result.header.test),  # made with --test: siu deliver refuses it (SIU955)
        "kommune": result.header.kommune,
        "year": result.header.year,
        "area": area,
        "spec": {"year": spec.year, "version": spec.version, "digest": spec.digest},
        "siu_version": __version__,
        "created": result.header.created.isoformat(),
        "totals": {
            "lines": lines,
            "citizens": citizens,
            "expenditure": _money(expenditure),
            "revenue": _money(revenue),
            "net": _money(expenditure + revenue),
        },
        "paragraphs": paragraphs,
        "months": profile.get("months", []),
        "reports": reports or {},
    }


def write(delivery: Path, data: dict[str, Any]) -> Path:
    """Write the sidecar beside ``delivery`` (temp name, then renamed)."""
    target = sidecar_path(delivery)
    with atomic_output(target) as (fh, tmp):
        fh.write((json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    commit(tmp, target)
    return target


def read(delivery: Path) -> dict[str, Any] | None:
    """The sidecar of ``delivery``, or None when there is none (or it is not siu's JSON)."""
    path = sidecar_path(delivery)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("schema") == SCHEMA else None
