"""The XSD check that runs in a child process while a large delivery is written (siu.write.xsd_stream).

``StreamCheck.THRESHOLD`` is set to 0 so that small files take the child-process path; every
verdict is compared with the in-process check of the finished file, which is the reference.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from siu.host.plugins import load_plugins
from siu.host.specs_registry import SpecRegistry
from siu.models import DeliveryHeader, Record, Totals
from siu.write.xml import XmlWriter, validate_xml
from siu.write.xsd_stream import StreamCheck


@pytest.fixture(scope="module")
def spec():
    return SpecRegistry.from_host(load_plugins()).get(2025)


@pytest.fixture
def in_child(monkeypatch):
    monkeypatch.setattr(StreamCheck, "THRESHOLD", 0)


def _records(n: int, bad_at: int | None = None) -> list[Record]:
    out = []
    for i in range(n):
        out.append(
            Record(
                psr_id="0101901234" if i != bad_at else "010190-1234",  # the XSD wants ten digits
                kontostreng="53850000140",
                paragraph="SEL107",
                area="voksen",
                amount=Decimal(1000 + i) / 100,
                start=dt.date(2025, 1, 1),
                end=dt.date(2025, 1, 31),
            )
        )
    return out


def _write(spec, path: Path, records: list[Record], writer: XmlWriter | None = None) -> XmlWriter:
    writer = writer or XmlWriter()
    header = DeliveryHeader(
        kommune="101",
        year=2025,
        area="voksen",
        spec_version=spec.version,
        created=dt.datetime(2026, 1, 5, 12),
        totals=Totals(),
    )
    for r in records:
        header.totals.add(r.amount)
    with path.open("wb") as out:
        writer.write(records, header, spec, out)
    return writer


def _verdict(findings) -> list[tuple[str, int | None, str]]:
    return [(f.code, f.location.row if f.location else None, f.message_da) for f in findings]


def test_a_valid_delivery_is_checked_in_the_child(spec, in_child, tmp_path):
    path = tmp_path / "d.xml"
    writer = _write(spec, path, _records(500))
    assert len(writer._checks) == 1, "the check ran beside the writer"
    assert list(writer.check(path, spec)) == []
    assert writer._checks == {}


def test_the_child_finds_what_the_in_process_check_finds(spec, in_child, tmp_path):
    path = tmp_path / "d.xml"
    writer = _write(spec, path, _records(300, bad_at=200))
    assert writer._checks
    found = list(writer.check(path, spec))
    assert [f.code for f in found] == ["SIU901"]
    assert _verdict(found) == _verdict(validate_xml(path, spec))
    assert "010190-1234" not in found[0].message_da and "010190-xxxx" in found[0].message_da


def test_a_small_delivery_is_checked_in_process(spec, tmp_path):
    path = tmp_path / "d.xml"
    writer = _write(spec, path, _records(50, bad_at=3))
    assert writer._checks == {}
    assert [f.code for f in writer.check(path, spec)] == ["SIU901"]


def test_when_no_child_can_start_the_file_is_checked_in_process(spec, in_child, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python-here"))
    path = tmp_path / "d.xml"
    writer = _write(spec, path, _records(300, bad_at=10))
    assert writer._checks == {}
    assert [f.code for f in writer.check(path, spec)] == ["SIU901"]


@pytest.mark.parametrize("bad_at", [None, 250])
def test_when_the_child_dies_the_file_is_checked_in_process(spec, in_child, monkeypatch, tmp_path, bad_at):
    monkeypatch.setattr(StreamCheck, "command", lambda self: [sys.executable, "-c", "import sys; sys.exit(3)"])
    path = tmp_path / "d.xml"
    writer = _write(spec, path, _records(300, bad_at=bad_at))
    assert writer._checks
    assert [f.code for f in writer.check(path, spec)] == ([] if bad_at is None else ["SIU901"])


def test_a_file_changed_after_writing_is_checked_as_it_now_is(spec, in_child, tmp_path):
    path = tmp_path / "d.xml"
    writer = _write(spec, path, _records(300))
    with path.open("ab") as fh:
        fh.write(b"<oops/>")
    assert {f.code for f in writer.check(path, spec)} == {"SIU901"}


def test_checks_nobody_collects_are_stopped(spec, in_child, tmp_path):
    writer = XmlWriter()
    for i in range(6):
        _write(spec, tmp_path / f"d{i}.xml", _records(20), writer)
    assert len(writer._checks) == 4
    assert list(writer.check(tmp_path / "d5.xml", spec)) == []


def test_a_conversion_checked_in_the_child_keeps_the_golden_delivery(siu, in_child, monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    verdicts: list[object] = []
    result = StreamCheck.result
    monkeypatch.setattr(StreamCheck, "result", lambda self: verdicts.append(result(self)) or verdicts[-1])
    run = siu("demo", "--out", str(tmp_path / "demo"))
    assert run.exit_code == 0, run.output
    assert verdicts == [[]], "the child checked the delivery and found it valid"
    golden = (Path(__file__).parent / "golden" / "demo-2025.xml").read_text(encoding="utf-8")
    written = (tmp_path / "demo" / "SIU_101_2025_voksen.xml").read_text(encoding="utf-8")
    assert written == golden


def test_errors_left_over_from_earlier_lxml_work_are_not_reported(spec, tmp_path):
    broken = (
        b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" type="NoSuchType"/></xs:schema>'
    )
    from lxml import etree

    with pytest.raises(etree.XMLSchemaParseError):
        etree.XMLSchema(etree.fromstring(broken))
    path = tmp_path / "d.xml"
    _write(spec, path, _records(20, bad_at=5))
    found = list(validate_xml(path, spec))
    assert found and all("PsrID" in f.message_da for f in found)
