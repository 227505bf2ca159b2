"""The catalogue of finding codes and the sink that collects findings during a run.

Every message siu shows about the input or the delivery has a stable code (``SIU101``), a
default severity, a Danish and an English template and a paragraph of documentation. Rules
(see :mod:`siu.rules`) are codes with a check attached; adapters and the pipeline use codes
directly. ``docs/rules.md`` and ``siu explain`` are generated from this catalogue.

A template prints a count with the word agreeing with it (``{count} {count|linje|linjer}``); a
parameter worded per language is passed as ``Text(da, en)``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

# The catalogue lives in siu.catalogue, one module per stage; importing it here makes it complete
# on `import siu.findings`, without loading any plugin (plugins add their own codes with define).
import siu.catalogue  # noqa: E402,F401
from siu.base.i18n import Text
from siu.catalogue._code import CATALOGUE, Code, define, get  # noqa: E402
from siu.models import Finding, Severity

__all__ = ["CATALOGUE", "Code", "FindingSink", "Text", "define", "get", "read_spool"]


class FindingSink:
    """Collects findings: applies severity overrides, counts everything, keeps a bounded sample
    per code in memory and (optionally) streams every finding to a JSON Lines spool."""

    def __init__(
        self,
        overrides: Mapping[str, Severity] | None = None,
        keep_per_code: int = 1000,
        spool: IO[str] | None = None,
        strict: bool = False,
    ) -> None:
        self.overrides = dict(overrides or {})
        self.keep_per_code = keep_per_code
        self.spool = spool
        self.strict = strict
        self.kept: list[Finding] = []
        self.by_code: Counter[str] = Counter()
        self.by_severity: Counter[Severity] = Counter()
        self.severity_of: dict[str, Severity] = {}

    def add(self, finding: Finding) -> None:
        sev = self.overrides.get(finding.code)
        if sev is not None and sev != finding.severity:
            entry = CATALOGUE.get(finding.code)
            if entry is None or entry.allows(sev):
                finding = finding.model_copy(update={"severity": sev})
        self.by_code[finding.code] += 1
        self.by_severity[finding.severity] += 1
        self.severity_of[finding.code] = finding.severity
        if self.by_code[finding.code] <= self.keep_per_code:
            self.kept.append(finding)
        if self.spool is not None:
            self.spool.write(finding.model_dump_json(exclude_none=True) + "\n")

    def extend(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            self.add(f)

    @property
    def errors(self) -> int:
        return self.by_severity[Severity.ERROR]

    @property
    def warnings(self) -> int:
        return self.by_severity[Severity.WARNING]

    @property
    def ok(self) -> bool:
        """True when the delivery may be written: no errors (and no warnings under ``--strict``)."""
        return self.errors == 0 and not (self.strict and self.warnings)

    def count(self, code: str) -> int:
        return self.by_code[code]


def read_spool(spool: Path | IO[str]) -> Iterator[dict[str, Any]]:
    """Every finding a sink streamed into ``spool`` (a path or an open text file, read from its
    start), as JSON data, in the order found."""
    if isinstance(spool, Path):
        with spool.open(encoding="utf-8") as fh:
            yield from read_spool(fh)
        return
    spool.flush()
    spool.seek(0)
    for line in spool:
        yield json.loads(line)
