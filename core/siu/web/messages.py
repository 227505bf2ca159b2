"""The finding codes of ``siu web`` (SIU980–SIU989): refusals of uploads and requests, and runs
that did not finish. Shown in the page in the user's language and by ``siu explain``."""

from __future__ import annotations

from typing import Any

from siu.findings import Code


def say(code: Code, lang: str, **params: Any) -> str:
    """The message of ``code`` in ``lang``, prefixed with the code."""
    finding = code.make(**params)
    return f"{code.code}: {finding.message(lang)}"
