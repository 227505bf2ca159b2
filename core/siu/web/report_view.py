"""Reading the run's JSON report (schema ``siu-report/1``, docs/report-json.md) for the page.

The report ends with the findings, one per line, so the head (verdict, summary, totals and any
section added later) is parsed on its own and the findings are streamed: filtering and sorting
hold at most one page of them, however many a run has.
"""

from __future__ import annotations

import heapq
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from siu.base.i18n import money
from siu.parsing import group_digits

FINDINGS_MARK = '  "findings": ['
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
SORT_KEYS = ("code", "severity", "paragraph", "file", "sheet", "row", "column", "message")
PAGE = 200
# Sections the page shows in a form of its own; any other top-level section is shown generically.
KNOWN = {
    "schema",
    "siu_version",
    "created",
    "delivery",
    "inputs",
    "plugins",
    "verdict",
    "summary",
    "totals",
    "paragraphs",
    "findings_complete",
    "findings",
}


def read_head(path: Path) -> dict[str, Any]:
    """The report without its findings."""
    lines: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(FINDINGS_MARK):
                break
            lines.append(line)
    text = "".join(lines).rstrip().rstrip(",")
    return json.loads(text + "\n}")


def iter_findings(path: Path) -> Iterator[dict[str, Any]]:
    """Every finding of the report, in the order found, one at a time."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(FINDINGS_MARK):
                break
        for line in fh:
            text = line.strip().rstrip(",")
            if text.startswith("{"):
                yield json.loads(text)


@dataclass
class Query:
    """The findings table's filters, sort and page (from the page's query string)."""

    code: str = ""
    severity: str = ""
    file: str = ""
    paragraph: str = ""
    sort: str = ""
    desc: bool = False
    page: int = 1

    @classmethod
    def from_params(cls, params: Any) -> Query:
        sort = params.get("sort", "")
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        return cls(
            code=params.get("code", "").strip().upper(),
            severity=params.get("severity", "") if params.get("severity", "") in SEVERITY_RANK else "",
            file=params.get("file", ""),
            paragraph=params.get("paragraph", ""),
            sort=sort if sort in SORT_KEYS else "",
            desc=params.get("desc", "") == "1",
            page=page,
        )

    def matches(self, f: dict[str, Any]) -> bool:
        loc = f.get("location") or {}
        return (
            (not self.code or f.get("code") == self.code)
            and (not self.severity or f.get("severity") == self.severity)
            and (not self.file or loc.get("file") == self.file)
            and (not self.paragraph or f.get("paragraph") == self.paragraph)
        )


@dataclass
class Page:
    """One page of matching findings, how many match, and what the filters can offer."""

    rows: list[dict[str, Any]]
    matching: int
    total: int
    files: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.matching // PAGE))


def _key(name: str, lang: str) -> Any:
    def key(item: tuple[int, dict[str, Any]]) -> tuple[Any, ...]:
        n, f = item
        loc = f.get("location") or {}
        if name == "severity":
            value: Any = SEVERITY_RANK.get(f.get("severity", ""), 9)
        elif name == "code":
            value = f.get("code", "")
        elif name == "message":
            value = f.get("message_en" if lang == "en" else "message_da", "")
        elif name == "paragraph":
            value = f.get("paragraph") or ""
        elif name == "row":
            value = loc.get("row") if loc.get("row") is not None else -1
        else:
            value = loc.get(name) or ""
        return (value, n)

    return key


def select(path: Path, query: Query, lang: str = "da", limit_choices: int = 200) -> Page:
    """The page of findings ``query`` asks for, streamed from the report at ``path``."""
    files: set[str] = set()
    paragraphs: set[str] = set()
    counter = itertools.count()
    total = 0

    def matching() -> Iterator[tuple[int, dict[str, Any]]]:
        nonlocal total
        for n, f in enumerate(iter_findings(path)):
            total += 1
            loc = f.get("location") or {}
            if loc.get("file") and len(files) < limit_choices:
                files.add(loc["file"])
            if f.get("paragraph") and len(paragraphs) < limit_choices:
                paragraphs.add(f["paragraph"])
            if query.matches(f):
                next(counter)
                yield n, f

    end = query.page * PAGE
    found = matching()
    if query.sort:
        pick = heapq.nlargest if query.desc else heapq.nsmallest
        chosen = pick(end, found, key=_key(query.sort, lang))
    else:
        chosen = list(itertools.islice(found, end))
        for _ in found:  # count the rest (and collect the filter choices)
            pass
    rows = [f for _, f in chosen[end - PAGE : end]]
    return Page(rows=rows, matching=next(counter), total=total, files=sorted(files), paragraphs=sorted(paragraphs))


def amount(text: Any, lang: str) -> str:
    """An amount from the report ("-1234.50") as the page shows it: -1.234,50 in Danish,
    -1,234.50 in English; anything else as given."""
    try:
        value = Decimal(str(text))
    except (InvalidOperation, ValueError):
        return str(text)
    return money(value, lang) if value.is_finite() else str(text)


def number(n: Any, lang: str) -> str:
    try:
        return group_digits(int(n), 0, lang)
    except (TypeError, ValueError):
        return str(n)
