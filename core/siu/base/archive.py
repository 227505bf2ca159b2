"""The local archive of deliveries: what was sent, when, where, and the receipt that proves it.

One folder per delivery, ``siu-arkiv/<time>_<file stem>/``, holding the delivered file, its
sidecar, its reports (when the conversion wrote them) and the receipt as ``kvittering.json`` and
``kvittering.txt`` (a short text a finance officer can file). The archive folder is
``[delivery] archive`` in ``siu.toml``, by default ``siu-arkiv`` beside ``siu.toml`` (or in the
working folder without one). ``siu history`` lists it; ``siu convert`` compares a new delivery
with the last archived one of the same municipality, year and area.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from siu.base.config import Settings
from siu.writers import atomic_output, commit

RECEIPT_SCHEMA = "siu-receipt/1"
RECEIPT_JSON = "kvittering.json"
RECEIPT_TEXT = "kvittering.txt"
DEFAULT_FOLDER = "siu-arkiv"


def archive_dir(settings: Settings) -> Path:
    """The archive folder for these settings."""
    return settings.resolve(settings.delivery.archive) or (settings.base_dir / DEFAULT_FOLDER)


def _write_text(target: Path, text: str) -> None:
    with atomic_output(target) as (fh, tmp):
        fh.write(text.encode("utf-8"))
    commit(tmp, target)


def receipt_text(receipt: dict[str, Any], lang: str = "da") -> str:
    """The receipt as a short text, in the user's language."""
    en = lang == "en"
    r = receipt
    lines = [
        "SIU delivery receipt" if en else "Kvittering for SIU-indberetning",
        "=" * 40,
        f"{'File' if en else 'Fil'}: {r['file']}",
        f"SHA-256: {r['sha256']}",
        f"{'Size' if en else 'Størrelse'}: {r['size']} bytes",
        f"{'Delivered' if en else 'Leveret'}: {r['delivered']}",
        f"{'Channel' if en else 'Kanal'}: {r['channel']}",
        f"{'Server' if en else 'Server'}: {r['server']}",
        f"{'Remote path' if en else 'Sti på serveren'}: {r['remote_path']}",
        f"{'Municipality' if en else 'Kommune'}: {r['kommune']}   {'Year' if en else 'År'}: {r['year']}   "
        f"{'Area' if en else 'Område'}: {r['area']}",
        f"{'Spec pack' if en else 'Specifikation'}: {r['spec_version']}   {'Verdict' if en else 'Status'}: "
        f"{r['verdict']}",
        "",
        f"{'Paragraph':<14}{'Lines':>8}{'Citizens':>10}{'Expenditure':>16}{'Revenue':>16}{'Net':>16}"
        if en
        else f"{'Paragraf':<14}{'Linjer':>8}{'Borgere':>10}{'Udgifter':>16}{'Indtægter':>16}{'Netto':>16}",
    ]
    for code, p in r.get("paragraphs", {}).items():
        lines.append(
            f"{code:<14}{p['lines']:>8}{p['citizens']:>10}{p['expenditure']:>16}{p['revenue']:>16}{p['net']:>16}"
        )
    t = r.get("totals", {})
    if t:
        lines.append(
            f"{'Total' if en else 'I alt':<14}{t['lines']:>8}{t['citizens']:>10}"
            f"{t['expenditure']:>16}{t['revenue']:>16}{t['net']:>16}"
        )
    lines.append("")
    lines.append(
        "A full load: this file replaces everything delivered earlier for the year and area."
        if en
        else "Fuld leverance: filen erstatter alt, der tidligere er leveret for året og området."
    )
    return "\n".join(lines) + "\n"


def store(
    folder: Path, delivery: Path, sidecar_file: Path, receipt: dict[str, Any], reports: list[Path], lang: str = "da"
) -> Path:
    """Archive one delivery: copy the file, its sidecar and reports, write the receipt. Returns the entry's folder."""
    stamp = receipt["delivered"].replace(":", "").replace("-", "")[:15]
    entry = folder / f"{stamp}_{delivery.stem}"
    n = 1
    while entry.exists():
        n += 1
        entry = folder / f"{stamp}_{delivery.stem}_{n}"
    entry.mkdir(parents=True)
    for path in (delivery, sidecar_file, *reports):
        if path.is_file():
            shutil.copy2(path, entry / path.name)
    _write_text(entry / RECEIPT_JSON, json.dumps(receipt, ensure_ascii=False, indent=2) + "\n")
    _write_text(entry / RECEIPT_TEXT, receipt_text(receipt, lang))
    return entry


def entries(folder: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every archived delivery (folder, receipt), oldest first; unreadable receipts are skipped."""
    if not folder.is_dir():
        return
    found = []
    for sub in folder.iterdir():
        path = sub / RECEIPT_JSON
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("schema") == RECEIPT_SCHEMA:
            found.append((str(data.get("delivered", "")), sub.name, sub, data))
    for _, _, sub, data in sorted(found, key=lambda x: (x[0], x[1])):
        yield sub, data


def last_delivery(folder: Path, kommune: str, year: int, area: str) -> tuple[Path, dict[str, Any]] | None:
    """The newest archived delivery of the same municipality, year and area (None when there is none)."""
    last = None
    for sub, data in entries(folder):
        if str(data.get("kommune")) == kommune and data.get("year") == year and data.get("area") == area:
            last = (sub, data)
    return last


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
