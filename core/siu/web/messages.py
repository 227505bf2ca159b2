"""The finding codes of ``siu web`` (SIU980–SIU989): refusals of uploads and requests, and runs
that did not finish. Shown in the page in the user's language and by ``siu explain``."""

from __future__ import annotations

from siu.findings import Code
from siu.catalogue.web import NOT_SPREADSHEET, TOO_LARGE, CANCELLED, NO_TOKEN, FOREIGN_ORIGIN, RUN_FAILED, NOT_TOML, UNKNOWN, INTERNAL  # noqa: F401  (re-exported)


def say(code: Code, lang: str, **params: object) -> str:
    """The message of ``code`` in ``lang``, prefixed with the code."""
    finding = code.make(**params)
    return f"{code.code}: {finding.message(lang)}"
