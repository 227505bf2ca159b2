"""``--split`` from record batches (write_per_area_batches) writes the files, totals and findings
the per-record reference (tests/reference_split.py) does; totals counted from batches equal
Totals.add per line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference_split import write_per_area
from siu.batches import BatchInfo, batch_of_records
from siu.findings import FindingSink
from siu.host.plugins import load_plugins
from siu.host.specs_registry import SpecRegistry
from siu.models import DeliveryHeader, Location, Record, Totals
from siu.specpack import SpecPack
from siu.write.split import write_per_area_batches
from siu.write.xml import XmlWriter
from siu.writers import add_totals

INFO = BatchInfo(source="test", file="in.csv")


def _sink() -> FindingSink:
    """A sink that keeps every finding (``kept``), in the order added."""
    return FindingSink(keep_per_code=10**9)


@pytest.fixture(scope="module")
def spec() -> SpecPack:
    return SpecRegistry.from_host(load_plugins()).get(2025)


amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False).map(
    lambda d: d.copy_abs() if d.is_zero() else d
) | st.sampled_from([Decimal(5), Decimal("0.125"), Decimal("-3.5")])


@st.composite
def records(draw: st.DrawFn) -> list[Record]:
    n = draw(st.integers(0, 25))
    return [
        Record(
            psr_id="0101901234",
            kontostreng="53850000140",
            paragraph=draw(st.sampled_from(["SEL107", "ABL52", None])),
            area=draw(st.sampled_from(["voksen", "barn", "other", None])),
            amount=draw(amounts),
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 1, 31),
            locations=(Location(file="in.csv", row=i + 2),),
        )
        for i in range(n)
    ]


def _cut(recs: list[Record], cuts: list[int]) -> list:
    points = sorted({c % (len(recs) + 1) for c in cuts} | {0, len(recs)})
    return [batch_of_records(recs[a:b], INFO) for a, b in zip(points, points[1:])]


def _run(write, items, spec: SpecPack, folder: Path) -> tuple[dict, list]:
    folder.mkdir()
    targets = {area: folder / f"{area}.xml" for area in ("voksen", "barn")}
    header = DeliveryHeader(
        kommune="101", year=2025, area="voksen", spec_version=spec.version, created=dt.datetime(2026, 1, 5)
    )
    sink = _sink()
    files = write(items, XmlWriter(), header, spec, targets, sink)
    written = {area: (tmp.read_bytes(), head.totals.model_dump()) for area, (tmp, head) in files.items()}
    return written, [(f.code, f.location, f.message_en) for f in sink.kept]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records(), st.lists(st.integers(0, 50), max_size=3))
def test_split_from_batches_equals_split_from_records(spec, tmp_path_factory, recs, cuts):
    base = tmp_path_factory.mktemp("split")
    by_records = _run(write_per_area, iter(recs), spec, base / "records")
    by_batches = _run(write_per_area_batches, _cut(recs, cuts), spec, base / "batches")
    assert by_batches == by_records


@settings(max_examples=80, deadline=None)
@given(st.lists(amounts | st.decimals(min_value=-100, max_value=100, places=5), max_size=30))
def test_totals_from_batches_equal_totals_per_line(values):
    recs = [
        Record(psr_id=None, kontostreng=None, paragraph=None, area=None, amount=v, start=None, end=None) for v in values
    ]
    per_line, from_batch = Totals(), Totals()
    for r in recs:
        per_line.add(r.amount)
    add_totals(from_batch, batch_of_records(recs, INFO))
    assert (from_batch.records, str(from_batch.expenditure), str(from_batch.revenue)) == (
        per_line.records,
        str(per_line.expenditure),
        str(per_line.revenue),
    )
