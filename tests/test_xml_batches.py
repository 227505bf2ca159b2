"""The XML delivery written from batches (XmlWriter.write_batches) is byte for byte what the
per-record writer it replaced wrote; that writer's renderer is kept here as the oracle."""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siu.batches import BatchInfo, batch_of_records
from siu.host.plugins import load_plugins
from siu.host.specs_registry import SpecRegistry
from siu.models import DeliveryHeader, Kind, Location, Record
from siu.specpack import SpecPack
from siu.write.xml import XmlWriter, _head, _tail

INFO = BatchInfo(source="test", file="in.csv")


@pytest.fixture(scope="module")
def spec() -> SpecPack:
    return SpecRegistry.from_host(load_plugins()).get(2025)


def _variant(spec: SpecPack, **xml: object) -> SpecPack:
    """The pack with other [xml] settings (date form, fields)."""
    other = copy.copy(spec)
    other.manifest = spec.manifest.model_copy(update={"xml": spec.manifest.xml.model_copy(update=xml)})
    return other


def _oracle(records: Iterable[Record], header: DeliveryHeader, spec: SpecPack, decimals: int) -> bytes:
    """The per-record writer as it was before batches: one template filled per record."""
    x = spec.manifest.xml

    def render(value: object) -> str:
        if value is None:
            return ""
        if type(value) is str:
            return escape(value)
        if isinstance(value, Decimal):
            return f"{value:.{decimals}f}"
        if isinstance(value, dt.date):
            return value.strftime(x.date_format)
        return escape(str(value))

    template = f"    <{x.record}>" + "".join(f"<{tag}>{{}}</{tag}>" for tag in x.record_fields.values())
    template += f"</{x.record}>\n"
    body = "".join(template.format(*(render(getattr(r, k)) for k in x.record_fields)) for r in records)
    return (_head(header, spec) + body + _tail(header, spec, decimals)).encode("utf-8")


def _header(spec: SpecPack, records: list[Record]) -> DeliveryHeader:
    header = DeliveryHeader(
        kommune="101", year=2025, area="voksen", spec_version=spec.version, created=dt.datetime(2026, 1, 5, 12)
    )
    for r in records:
        header.totals.add(r.amount)
    return header


texts = st.none() | st.text(alphabet=st.sampled_from("0123456789ab&<>\"' æøå§-"), max_size=12)
dates = st.none() | st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31))


@st.composite
def records(draw: st.DrawFn) -> Record:
    amount = draw(
        st.sampled_from([Decimal("-0.001"), Decimal("0.005"), Decimal("0.015"), Decimal("-2.5"), Decimal(0)])
        | st.decimals(min_value=-(10**13), max_value=10**13, places=draw(st.integers(0, 6)), allow_nan=False)
    )
    return Record(
        psr_id=draw(texts),
        kontostreng=draw(texts),
        paragraph=draw(texts),
        area=draw(texts),
        amount=amount,
        start=draw(dates),
        end=draw(dates),
        locations=(Location(file="in.csv", row=1),),
        kind=draw(st.none() | st.sampled_from(list(Kind))),
        function=draw(texts),
        anonymised=draw(st.booleans()),
    )


def _cut(records: list[Record], cuts: list[int]) -> list:
    points = sorted({c % (len(records) + 1) for c in cuts} | {0, len(records)})
    return [batch_of_records(records[a:b], INFO) for a, b in zip(points, points[1:])]


def _written(spec: SpecPack, batches: list, header: DeliveryHeader) -> bytes:
    out = io.BytesIO()  # not a file on disk: no XSD check beside the writer
    XmlWriter().write_batches(batches, header, spec, out)
    return out.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(records(), max_size=40), st.lists(st.integers(0, 100), max_size=4), st.sampled_from([0, 2, 3]))
def test_batches_give_the_bytes_of_the_per_record_writer(spec, recs, cuts, decimals):
    spec = _variant(spec) if decimals == 2 else _amount_variant(spec, decimals)
    header = _header(spec, recs)
    assert _written(spec, _cut(recs, cuts), header) == _oracle(recs, header, spec, decimals)


def _amount_variant(spec: SpecPack, decimals: int) -> SpecPack:
    other = copy.copy(spec)
    other.manifest = spec.manifest.model_copy(
        update={"amount": spec.manifest.amount.model_copy(update={"decimals": decimals}), "channels": {}}
    )
    return other


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(records(), min_size=1, max_size=20), st.lists(st.integers(0, 30), max_size=3))
def test_other_date_forms_and_fields_without_a_column(spec, recs, cuts):
    fields = {"psr_id": "P", "start": "S", "kind": "K", "anonymised": "A", "function": "F", "amount": "B"}
    other = _variant(spec, date_format="%d.%m.%Y", record_fields=fields)
    header = _header(other, recs)
    assert _written(other, _cut(recs, cuts), header) == _oracle(recs, header, other, 2)


def test_per_record_write_goes_through_batches(spec):
    recs = [
        Record(
            psr_id="0101901234",
            kontostreng="53850000140",
            paragraph="SEL107",
            area="voksen",
            amount=Decimal("-12.345"),
            start=dt.date(2025, 1, 1),
            end=None,
        )
    ] * 3
    header = _header(spec, recs)
    out = io.BytesIO()
    XmlWriter().write(iter(recs), header, spec, out)
    assert out.getvalue() == _oracle(recs, header, spec, 2)
    assert b"<Beloeb>-12.34</Beloeb>" in out.getvalue()  # half to even, as a Decimal formats


def test_text_is_escaped_only_where_needed(spec):
    rec = Record(
        psr_id="a&b<c>d\"e'f", kontostreng=None, paragraph="x", area="y", amount=Decimal(1), start=None, end=None
    )
    written = _written(spec, [batch_of_records([rec], INFO)], _header(spec, [rec]))
    assert b"<PsrID>a&amp;b&lt;c&gt;d\"e'f</PsrID><KONTOSTRENG></KONTOSTRENG><Paragraf>x</Paragraf>" in written
