"""The catalogue of finding codes and the sink that collects findings during a run.

Every message siu shows about the input or the delivery has a stable code (``SIU101``), a
default severity, a Danish and an English template and a paragraph of documentation. Rules
(see :mod:`siu.rules`) are codes with a check attached; adapters and the pipeline use codes
directly. ``docs/rules.md`` and ``siu explain`` are generated from this catalogue.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from siu.caching import parsed
from siu.masking import escape_controls, safe_text
from siu.models import Finding, Location, Severity, safe_value


_SAFE_PARAMS: dict[str, str] = {}  # parameter text → masked: the same account or file recurs on many findings


class _SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Code:
    """One kind of finding: stable code, default severity, messages and documentation."""

    code: str
    severity: Severity
    title_da: str
    title_en: str
    template_da: str
    template_en: str
    doc_da: str = ""
    doc_en: str = ""
    group: str = "input"  # input | record | delivery | mapping | output

    @property
    def locked(self) -> bool:
        """Errors about reading the input or writing the output cannot be made milder in
        ``[severity]``: rows would be lost or an invalid file kept."""
        return self.severity is Severity.ERROR and self.group in ("input", "output")

    def allows(self, severity: Severity) -> bool:
        """Whether ``[severity]`` may set this code to ``severity``."""
        return not self.locked or severity.rank <= self.severity.rank

    def make(
        self,
        location: Location | None = None,
        field: str | None = None,
        value: Any = None,
        **params: Any,
    ) -> Finding:
        """A finding of this code. ``value`` is masked; ``params`` fill the templates and must
        not hold personal data (pass CPRs only as ``value``)."""
        masked = safe_value(value)
        if masked is not None:  # the sink's filter too: near-CPRs (9 or 11 digits) that mask_cpr leaves
            masked = parsed(_SAFE_PARAMS, masked, safe_text)
        # parameters quote data too (a local account, a paragraph code, a file name): masked and
        # with control characters escaped, so no message can carry a CPR or a terminal escape
        safe = {k: parsed(_SAFE_PARAMS, v, safe_text) if isinstance(v, str) else v for k, v in params.items()}
        fill = _SafeDict(safe, value=escape_controls(masked) if masked is not None else "")
        return Finding.model_construct(
            code=self.code,
            severity=self.severity,
            message_da=self.template_da.format_map(fill),
            message_en=self.template_en.format_map(fill),
            location=location,
            field=field,
            value=escape_controls(masked) if masked is not None else None,
        )


CATALOGUE: dict[str, Code] = {}


def define(
    code: str,
    severity: Severity | str,
    title: tuple[str, str],
    template: tuple[str, str],
    doc: tuple[str, str] = ("", ""),
    group: str = "input",
) -> Code:
    """Add a code to the catalogue (plugins use this for their own codes, e.g. ``PRISME001``)."""
    if code in CATALOGUE:
        existing = CATALOGUE[code]
        if (existing.title_da, existing.template_da) != (title[0], template[0]):
            raise ValueError(f"finding code {code} is already defined differently")
        return existing
    entry = Code(code, Severity(severity), title[0], title[1], template[0], template[1], doc[0], doc[1], group)
    CATALOGUE[code] = entry
    return entry


def get(code: str) -> Code:
    return CATALOGUE[code]


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
