"""What every check of the contract kit shares: the failure it raises and the rules for findings."""

from __future__ import annotations

import re
from collections.abc import Iterable

from siu.models import Finding

_CLEAR_CPR = re.compile(r"(?<!\d)\d{6}-?\d{4}(?!\d)")


class ContractFailure(AssertionError):
    """An adapter breaks siu's adapter contract; the message says which rule and where."""


def fail(message: str) -> None:
    raise ContractFailure(message)


def check_findings(name: str, findings: Iterable[Finding], what: str) -> None:
    """Every finding has a code, Danish and English messages, a location, and no CPR in clear text."""
    for f in findings:
        if not f.code or not f.message_da or not f.message_en:
            fail(f"{name}: a finding about {what} lacks a code or a Danish/English message: {f!r}")
        if f.location is None or not f.location.file:
            fail(f"{name}: finding {f.code} about {what} has no location (file, and row/column where known)")
        for text in (f.message_da, f.message_en, f.value or ""):
            if _CLEAR_CPR.search(text):
                fail(
                    f"{name}: finding {f.code} about {what} shows a CPR number in clear text; pass CPRs as "
                    "`value=` so they are masked"
                )
