"""The verdict of a run, in the same words in the console, the JSON report and the workbook.

A delivery without errors is ready; while the spec pack still holds provisional format facts
(siu's assumptions about DST's format, listed by ``siu specs show``), ready means "ready, but the
format is provisional", and a test delivery (``--test``) is never "ready for submission".
"""

from __future__ import annotations

READY = ("KLAR TIL INDBERETNING", "READY FOR SUBMISSION")
READY_PROVISIONAL = ("KLAR — men formatet er foreløbigt", "READY — but the format is provisional")
READY_TEST = ("KLAR SOM TESTLEVERANCE — ikke til indberetning", "READY AS A TEST DELIVERY — not for submission")
READY_TEST_PROVISIONAL = (
    "KLAR SOM TESTLEVERANCE — ikke til indberetning, og formatet er foreløbigt",
    "READY AS A TEST DELIVERY — not for submission, and the format is provisional",
)
NOT_READY = ("IKKE KLAR", "NOT READY")


def verdict(ok: bool, provisional: bool, test: bool = False) -> tuple[str, str]:
    """(Danish, English) verdict text."""
    if not ok:
        return NOT_READY
    if test:
        return READY_TEST_PROVISIONAL if provisional else READY_TEST
    return READY_PROVISIONAL if provisional else READY


def spec_label(version: str, provisional: bool, lang: str) -> str:
    """The spec version as reports show it: ``2026.1 (foreløbig)`` while facts are provisional."""
    if not provisional:
        return version
    return f"{version} ({'provisional' if lang == 'en' else 'foreløbig'})"
