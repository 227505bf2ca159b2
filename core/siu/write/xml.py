"""The XML delivery for DST's system-to-system channel, checked against the spec pack's XSD.

Element names, namespace and envelope come from the spec pack (``[xml]`` in manifest.toml).
Records are written as text a whole batch at a time (:mod:`siu.write.xml_lines`), because building
an element tree per line costs more than the rest of the pipeline. The file is validated against
the XSD in one streaming pass before it is kept: for a large delivery, while it is being written,
in a child process on the other core (:mod:`siu.write.xsd_stream`); so nothing unchecked is ever kept.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

import pyarrow as pa

from siu.base.cpr import mask_cpr
from siu.catalogue.write import XSD_INVALID
from siu.hookspecs import hookimpl
from siu.models import DeliveryHeader, Finding, Location
from siu.specpack import SpecPack
from siu.write.xml_lines import format_amount, line_chunks
from siu.write.xsd_stream import StreamCheck, xsd_errors
from siu.writers import Writer


class XmlWriter(Writer):
    name = "xml"
    suffix = ".xml"
    description = "XML til system-til-system-levering (XSD-valideret) / XML for system-to-system delivery (XSD-checked)"

    def __init__(self) -> None:
        # Checks running beside the files they are checking, by the file's identity on disk
        # (device, inode, size, mtime): check() gets a path, write() an open file.
        self._checks: dict[tuple[int, ...], StreamCheck] = {}
        self._lock = threading.Lock()  # --split writes its areas' files from threads of their own

    def write_batches(
        self, batches: Iterable[pa.RecordBatch], header: DeliveryHeader, spec: SpecPack, out: BinaryIO
    ) -> None:
        decimals = spec.amount_for(self.name)[0]  # the system-to-system channel's amount form
        stream = _stream_check(out, spec)
        write: Callable[[bytes], object]
        if stream is None:
            write = out.write
        else:
            out_write, feed = out.write, stream.feed
            batches = _abandon_on_error(batches, stream)

            def write(data: bytes) -> None:
                out_write(data)
                feed(data)

        write(_head(header, spec).encode("utf-8"))
        for batch in batches:
            for chunk in line_chunks(batch, spec, decimals):
                write(chunk)
        write(_tail(header, spec, decimals).encode("utf-8"))
        if stream is not None:
            stream.close()
            if stream.started:
                out.flush()
                self._keep(_identity(os.fstat(out.fileno())), stream)

    def _keep(self, key: tuple[int, ...], stream: StreamCheck) -> None:
        stale = []
        with self._lock:
            while len(self._checks) >= 4:  # checks of files nobody asked about (the run had errors)
                stale.append(self._checks.pop(next(iter(self._checks))))
            self._checks[key] = stream
        for old in stale:
            old.abandon()

    def check(self, path: Path, spec: SpecPack) -> Iterator[Finding]:
        with self._lock:
            stream = self._checks.pop(_identity(os.stat(path)), None)
        errors = stream.result() if stream is not None else None
        if errors is None:  # not checked while written (small, or the child failed): check it now
            yield from validate_xml(path, spec)
            return
        yield from _findings(errors, path)


def _head(header: DeliveryHeader, spec: SpecPack) -> str:
    """The XML declaration, the root and the header, up to the opening of the records."""
    x = spec.manifest.xml
    ns = f' xmlns="{escape(x.namespace)}"' if x.namespace else ""
    head = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{x.root}{ns}>\n  <{x.header}>\n']
    values = {
        "kommune": header.kommune,
        "year": str(header.year),
        "area": header.area,
        "spec_version": header.spec_version,
        "full_load": "true" if header.full_load else "false",
        "created": header.created.replace(microsecond=0).isoformat(),
    }
    for key, tag in x.header_fields.items():
        # "fixed:VALUE" = an element of DST's header with a fixed value siu has no field for
        value = key[6:] if key.startswith("fixed:") else values[key]
        head.append(f"    <{tag}>{escape(value)}</{tag}>\n")
    if header.test and spec.manifest.test.header_field:  # a test delivery says so in its header
        head.append(f"    <{spec.manifest.test.header_field}>true</{spec.manifest.test.header_field}>\n")
    head.append(f"  </{x.header}>\n  <{x.records}>\n")
    return "".join(head)


def _tail(header: DeliveryHeader, spec: SpecPack, decimals: int) -> str:
    """The end of the records, the trailer with the totals (when the pack has one), the root's end."""
    x = spec.manifest.xml
    tail = [f"  </{x.records}>\n"]
    if x.trailer:
        totals = header.totals
        tvalues = {
            "records": str(totals.records),
            "expenditure": format_amount(totals.expenditure, decimals),
            "revenue": format_amount(totals.revenue, decimals),
            "net": format_amount(totals.net, decimals),
        }
        tail.append(f"  <{x.trailer}>\n")
        for key, tag in x.trailer_fields.items():
            tail.append(f"    <{tag}>{tvalues[key]}</{tag}>\n")
        tail.append(f"  </{x.trailer}>\n")
    tail.append(f"</{x.root}>\n")
    return "".join(tail)


def validate_xml(path: Path, spec: SpecPack, max_errors: int = 20) -> Iterator[Finding]:
    """Validate an XML file against the pack's XSD in one streaming pass (memory stays flat)."""
    yield from _findings(xsd_errors(str(path), spec.schema, _record_tag(spec), max_errors), path)


def _findings(errors: list[tuple[int | None, str]], path: Path) -> Iterator[Finding]:
    for line, message in errors:
        yield XSD_INVALID.make(location=Location(file=path.name, row=line or None), detail=mask_cpr(message))


def _record_tag(spec: SpecPack) -> str:
    x = spec.manifest.xml
    return f"{{{x.namespace}}}{x.record}" if x.namespace else x.record


def _stream_check(out: BinaryIO, spec: SpecPack) -> StreamCheck | None:
    """A check to run while writing to ``out``; None when ``out`` is not a file on disk."""
    try:
        os.fstat(out.fileno())
    except (AttributeError, OSError, ValueError):
        return None
    return StreamCheck(spec.root / spec.manifest.xml.schema_file, _record_tag(spec))


def _identity(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


@hookimpl
def register_writers() -> list[Writer]:
    return [XmlWriter()]


def _abandon_on_error(batches: Iterable[pa.RecordBatch], stream: StreamCheck) -> Iterator[pa.RecordBatch]:
    """``batches``; when they stop with an exception (a run cancelled in ``siu web``, an error),
    the XSD helper process is stopped too instead of waiting for bytes that never come."""
    try:
        yield from batches
    except BaseException:
        stream.abandon()
        raise
