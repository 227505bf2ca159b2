"""Test deliveries (``siu convert --test``): DST welcomes a test with the previous year's data.

A test delivery is marked as the spec pack's ``[test]`` says (a file name prefix and/or a header
element), so it can never pass for a real one; its verdict says "not for submission". Periods
outside the reporting year are expected in a test with last year's data, so instead of one
SIU113 per line and SIU011, the run gets one summary finding (SIU445).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from lxml import etree

from siu.catalogue.write import TEST_SUMMARY
from siu.findings import FindingSink
from siu.models import Finding
from siu.specpack import SpecPack

# Findings that a test with another year's data is expected to raise, once per line or per run.
EXPECTED_IN_TEST = frozenset({"SIU113", "SIU011", "SIU405"})


class TestDeliverySink(FindingSink):
    """A finding sink that counts, instead of keeping, the findings a test with last year's data
    is expected to raise (:data:`EXPECTED_IN_TEST`)."""

    __test__ = False  # not a pytest class

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected: Counter[str] = Counter()

    def add(self, finding: Finding) -> None:
        if finding.code in EXPECTED_IN_TEST:
            self.expected[finding.code] += 1
            return
        super().add(finding)

    def summarise(self, spec: SpecPack, year: int, years: Counter[int]) -> None:
        """Add the one summary finding (SIU445), from the lines' years as the run counted them."""
        outside = sum(n for y, n in years.items() if y != year)
        listing = ", ".join(f"{y}: {n}" for y, n in sorted(years.items())) or "-"
        super().add(TEST_SUMMARY.make(year=year, outside=outside, years=listing, marker=marker(spec)))


def marker(spec: SpecPack) -> str:
    """How the pack marks a test delivery, for messages."""
    t = spec.manifest.test
    parts = []
    if t.file_prefix:
        parts.append(f"{t.file_prefix}…")
    if t.header_field:
        parts.append(f"<{t.header_field}>true</{t.header_field}>")
    return ", ".join(parts)


def test_path(path: Path, spec: SpecPack) -> Path:
    """``path`` with the pack's test prefix on its name (once)."""
    prefix = spec.manifest.test.file_prefix
    if not prefix or path.name.startswith(prefix):
        return path
    return path.with_name(prefix + path.name)


def is_test_delivery(path: Path, spec: SpecPack) -> bool:
    """True when a delivery file carries the pack's test marker: the file name prefix, or the
    header element in an XML delivery. For ``siu deliver`` and the like, to refuse a test file."""
    t = spec.manifest.test
    if t.file_prefix and path.name.startswith(t.file_prefix):
        return True
    if t.header_field and path.suffix.lower() == ".xml":
        try:
            for _, elem in etree.iterparse(str(path), events=("end",)):
                if etree.QName(elem).localname == t.header_field:
                    return (elem.text or "").strip() == "true"
                if etree.QName(elem).localname == spec.manifest.xml.header:
                    return False  # the header ended without the marker
        except (OSError, etree.XMLSyntaxError):
            return False
    return False
