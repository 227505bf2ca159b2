"""The XML delivery for DST's system-to-system channel, checked against the spec pack's XSD.

Element names, namespace and envelope come from the spec pack (``[xml]`` in manifest.toml).
Records are written as text from a per-pack template, every value XML-escaped, because building
an element tree per line costs more than the rest of the pipeline; the finished file is then
validated against the XSD in one streaming pass, so nothing unchecked is ever kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from lxml import etree

from siu.cpr import mask_cpr
from siu.findings import define
from siu.hookspecs import hookimpl
from siu.models import DeliveryHeader, Finding, Location, Record
from siu.specpack import SpecPack
from siu.writers import Writer

XSD_INVALID = define(
    "SIU901",
    "error",
    ("Leverancen overholder ikke XSD'en", "Delivery does not match the XSD"),
    (
        "Den skrevne XML overholder ikke specifikationens XSD: {detail}",
        "The XML written does not match the specification's XSD: {detail}",
    ),
    (
        "siu validerer hver XML-leverance mod XSD'en i årets specifikationspakke, før filen gemmes. "
        "Fejlen betyder normalt, at en værdi (fx et beløb med for mange decimaler) ikke er tilladt; "
        "ret kildelinjen eller kontakt udviklerne, hvis fejlen skyldes siu.",
        "siu validates every XML delivery against the XSD of the year's spec pack before the file is "
        "kept. The error usually means a value (e.g. an amount with too many decimals) is not allowed; "
        "fix the source line, or report it when siu is at fault.",
    ),
    group="output",
)


def format_amount(amount: Decimal, decimals: int) -> str:
    """An amount with exactly ``decimals`` decimals and a point (XML decimal)."""
    return f"{amount:.{decimals}f}"


class XmlWriter(Writer):
    name = "xml"
    suffix = ".xml"
    description = "XML til system-til-system-levering (XSD-valideret) / XML for system-to-system delivery (XSD-checked)"

    def write(self, records: Iterable[Record], header: DeliveryHeader, spec: SpecPack, out: BinaryIO) -> None:
        x = spec.manifest.xml
        decimals = spec.manifest.amount.decimals
        date_fmt = x.date_format
        ns = f' xmlns="{escape(x.namespace)}"' if x.namespace else ""
        hf, rf, tf = x.header_fields, x.record_fields, x.trailer_fields

        head = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{x.root}{ns}>\n  <{x.header}>\n']
        values = {
            "kommune": header.kommune,
            "year": str(header.year),
            "area": header.area,
            "spec_version": header.spec_version,
            "full_load": "true" if header.full_load else "false",
            "created": header.created.replace(microsecond=0).isoformat(),
        }
        for key, tag in hf.items():
            head.append(f"    <{tag}>{escape(values[key])}</{tag}>\n")
        head.append(f"  </{x.header}>\n  <{x.records}>\n")
        write = out.write
        write("".join(head).encode("utf-8"))

        order = list(rf.items())

        dates: dict[dt.date, str] = {}  # a few hundred distinct dates on millions of lines

        def render(value: object) -> str:
            if value is None:
                return ""
            if type(value) is str:
                return escape(value)
            if isinstance(value, Decimal):
                return format_amount(value, decimals)
            if isinstance(value, dt.date):
                text = dates.get(value)
                if text is None:
                    text = dates[value] = value.strftime(date_fmt)
                return text
            return escape(str(value))

        # One format call per record: "    <Udgiftslinje><PsrID>{}</PsrID>...</Udgiftslinje>\n".
        template = f"    <{x.record}>" + "".join(f"<{tag}>{{}}</{tag}>" for _, tag in order) + f"</{x.record}>\n"
        fill = template.format
        getter = attrgetter(*[key for key, _ in order]) if order else None
        single = len(order) == 1
        buf: list[str] = []
        for rec in records:
            values = getter(rec) if getter else ()
            buf.append(fill(*map(render, (values,) if single else values)))
            if len(buf) >= 2048:
                write("".join(buf).encode("utf-8"))
                buf.clear()
        if buf:
            write("".join(buf).encode("utf-8"))
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
            for key, tag in tf.items():
                tail.append(f"    <{tag}>{tvalues[key]}</{tag}>\n")
            tail.append(f"  </{x.trailer}>\n")
        tail.append(f"</{x.root}>\n")
        write("".join(tail).encode("utf-8"))

    def check(self, path: Path, spec: SpecPack) -> Iterator[Finding]:
        yield from validate_xml(path, spec)


def validate_xml(path: Path, spec: SpecPack, max_errors: int = 20) -> Iterator[Finding]:
    """Validate an XML file against the pack's XSD in one streaming pass (memory stays flat)."""
    x = spec.manifest.xml
    record_tag = f"{{{x.namespace}}}{x.record}" if x.namespace else x.record
    try:
        # Only records are handed to Python (the parser still checks every element against the
        # schema), and each is removed from the tree once read: clearing alone leaves an empty
        # element per line behind, ~120 MB for a million lines.
        for _, elem in etree.iterparse(str(path), events=("end",), tag=record_tag, schema=spec.schema, huge_tree=True):
            elem.clear(keep_tail=False)
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    except etree.XMLSyntaxError as exc:
        entries = list(exc.error_log) if getattr(exc, "error_log", None) else []
        if not entries:
            yield XSD_INVALID.make(location=Location(file=path.name), detail=mask_cpr(str(exc)))
            return
        for entry in entries[:max_errors]:
            yield XSD_INVALID.make(location=Location(file=path.name, row=entry.line), detail=mask_cpr(entry.message))


@hookimpl
def register_writers() -> list[Writer]:
    return [XmlWriter()]
