"""The per-record ``--split``: the oracle :func:`siu.write.split.write_per_area_batches` is tested
against (tests/test_split_batches.py). Plain and sequential: the records are dealt out per area,
then each area's file is written with the writer's per-record ``write``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from siu.catalogue.write import EMPTY_AREA, NO_AREA
from siu.findings import FindingSink
from siu.models import DeliveryHeader, Record, Totals
from siu.specpack import SpecPack
from siu.writers import Writer


def write_per_area(
    records: Iterable[Record],
    writer: Writer,
    header: DeliveryHeader,
    spec: SpecPack,
    targets: dict[str, Path],
    sink: FindingSink,
) -> dict[str, tuple[Path, DeliveryHeader]]:
    """Write ``records`` into one file per area of ``targets`` (beside each target, ``.tmp``).
    Returns area → (file, its header with its own totals). A record whose area is not among
    ``targets`` is reported (SIU620) and written nowhere; an area without lines too (SIU621)."""
    dealt: dict[str, list[Record]] = {area: [] for area in targets}
    for record in records:
        if (record.area or "") in dealt:
            dealt[record.area or ""].append(record)
        else:
            sink.add(NO_AREA.make(location=record.location, field="paragraph", value=record.paragraph))
    out = {}
    for area, lines in dealt.items():
        totals = Totals()
        for record in lines:
            totals.add(record.amount)
        own = header.model_copy(update={"area": area, "totals": totals})
        path = targets[area].with_name(targets[area].name + ".tmp")
        with path.open("wb") as fh:
            writer.write(lines, own, spec, fh)
        if not lines:
            sink.add(EMPTY_AREA.make(area=area, file=targets[area].name))
        out[area] = (path, own)
    return out
