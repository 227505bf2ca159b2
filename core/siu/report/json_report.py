"""The machine-readable report (``--report-json FILE``): every finding, plus what was read and
the totals. The schema is documented in ``docs/report-json.md``; ``schema`` names its version.

Findings are streamed from the sink's JSON Lines spool, so a run with millions of findings
writes them all without holding them in memory. CPR numbers appear only masked: findings
carry masked values and messages, and file names are masked too (a user may name a file
after a citizen).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siu import __version__
from siu.base.cpr import mask_cpr
from siu.base.masking import mask_data
from siu.base.stamp import creation_time
from siu.check.verdict import spec_label
from siu.check.verdict import verdict as verdict_text
from siu.findings import CATALOGUE
from siu.models import Severity
from siu.writers import atomic_output, commit

if TYPE_CHECKING:
    from siu.host.plugins import PluginHost
    from siu.report.result import InputReport, RunResult

SCHEMA = "siu-report/1"
# siu's own figures, not data from the input: left as they are by the masking filter
# Keys whose values are siu's own figures (money it computed, checksums), not data it quotes:
# the masking filter leaves them alone. Every key of the report that holds an amount is here
# (tests/test_sink.py checks it against a report), else a total like 505.751.234,00 would be masked.
OWN_FIGURES = frozenset(
    {
        "sha256",
        "size",
        "amount",
        "expenditure",
        "revenue",
        "net",
        "input_amount",
        "read_amount",
        "excluded_amount",
        "skipped_amount",  # the ledger's totals
        "amount_read",
        "amount_delivered",
        "amount_excluded",
        "amount_skipped",  # the ledger per input
        "annualised",  # the per-citizen view
        "exact",
        "delivered",
        "exact_net",
        "delivered_net",
        "difference",
        "max_citizen_difference",  # the rounding
    }
)

VERDICT = {True: ("KLAR TIL INDBERETNING", "READY FOR SUBMISSION"), False: ("IKKE KLAR", "NOT READY")}


def created() -> dt.datetime:
    """When the report was written, in UTC; ``SOURCE_DATE_EPOCH`` fixes it, as it fixes the delivery's."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return creation_time().replace(tzinfo=dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def money(amount: Decimal) -> str:
    """Amounts as exact decimal strings with two decimals ("-1234.50"), never floats."""
    return f"{amount:.2f}"


def finding_entry(data: dict[str, Any]) -> dict[str, Any]:
    """One finding as the report writes it (from the spool's JSON), with the file name masked."""
    loc = data.get("location")
    if loc:
        for key in ("file", "sheet"):  # names chosen by users may hold a CPR
            if loc.get(key):
                loc[key] = mask_cpr(loc[key])
    return data


def summary(result: RunResult) -> dict[str, Any]:
    """Counts by severity and by code (codes ordered by severity, then code)."""
    sink = result.sink
    codes = sorted(sink.by_code, key=lambda c: (sink.severity_of[c].rank, c))
    return {
        "errors": sink.errors,
        "warnings": sink.warnings,
        "info": sink.by_severity[Severity.INFO],
        "by_code": [
            {
                "code": code,
                "severity": sink.severity_of[code].value,
                "count": sink.by_code[code],
                "title_da": CATALOGUE[code].title_da if code in CATALOGUE else "",
                "title_en": CATALOGUE[code].title_en if code in CATALOGUE else "",
            }
            for code in codes
        ],
    }


def citizen_rows(result: RunResult) -> list[dict[str, Any]]:
    """The per-citizen view (annualised expenditure per citizen and paragraph, flags; CPR masked)."""
    profile = getattr(result, "profile", None)
    return profile.view.rows() if profile is not None else []


def document(result: RunResult, host: PluginHost | None, kommune_name: str | None = None) -> dict[str, Any]:
    """Everything in the report except the findings, as plain JSON data."""
    h = result.header
    return {
        "schema": SCHEMA,
        "siu_version": __version__,
        "created": created().isoformat(),
        "delivery": _delivery(result, kommune_name),
        "inputs": [_input(r) for r in result.inputs],
        "plugins": [
            {
                "name": p.name,
                "package": p.package,
                "version": p.version,
                "status": p.status,
                "error": mask_cpr(p.error) if p.error else None,
            }
            for p in (host.plugins if host else [])
        ],
        "verdict": _verdict(result),
        "summary": summary(result),
        "totals": {
            "records": h.totals.records,
            "expenditure": money(h.totals.expenditure),
            "revenue": money(h.totals.revenue),
            "net": money(h.totals.net),
            "input_amount": money(result.input_amount),
            "anonymised": result.anonymised,
            "read_amount": money(result.read_amount),
            "excluded_amount": money(result.excluded_amount),
            "skipped_amount": money(result.skipped_amount),
            "balanced": result.balanced,
        },
        "excluded": [
            {
                "rule": e.rule,
                "rule_en": e.rule_en,
                "reason": mask_cpr(e.reason),
                "rows": e.rows,
                "amount": money(e.amount),
            }
            for e in result.excluded.values()
        ],
        "paragraphs": [
            {
                "paragraph": code,
                "citizens": len(pt.citizens),
                "lines": pt.lines,
                "expenditure": money(pt.expenditure),
                "revenue": money(pt.revenue),
                "net": money(pt.net),
            }
            for code, pt in sorted(result.paragraphs.items())
        ],
        "citizens": citizen_rows(result),
        "rounding": result.rounding.as_dict() if getattr(result, "rounding", None) is not None else None,
        "findings_complete": True,
    }


def _delivery(result: RunResult, kommune_name: str | None) -> dict[str, Any]:
    """The delivery in the report: municipality, year, area, spec pack, output."""
    h, spec = result.header, result.spec
    return {
        "kommune": h.kommune,
        "kommune_name": kommune_name,
        "year": h.year,
        "area": h.area,
        "spec_version": spec.version,
        "spec_origin": spec.origin,
        "spec_provisional": bool(spec.provisional()),
        "spec_label": spec_label(spec.version, bool(spec.provisional()), "da"),
        "test": bool(getattr(h, "test", False)),
        "output": mask_cpr(result.output.name) if result.output else None,
        "written": result.written,
    }


def _verdict(result: RunResult) -> dict[str, Any]:
    """Ready or not, in both languages, and what decided it."""
    ready, provisional, test = (
        result.sink.ok,
        bool(result.spec.provisional()),
        bool(getattr(result.header, "test", False)),
    )
    return {
        "ready": ready,
        "strict": result.sink.strict,
        "provisional_format": provisional,
        "test": test,
        "text_da": verdict_text(ready, provisional, test)[0],
        "text_en": verdict_text(ready, provisional, test)[1],
    }


def _input(r: InputReport) -> dict[str, Any]:
    """One input in the report: the file, how it was read, and its ledger of rows and money."""
    return {
        "file": mask_cpr(r.path.name),
        "source": r.source,
        "size": r.size,
        "sha256": r.sha256,
        "read_as": {k: mask_cpr(v) for k, v in r.info.details.items()},
        "rows_read": r.info.rows_read,
        "rows_skipped": r.info.rows_skipped,
        "postings": r.info.postings,
        "amount": money(r.amount),
        "ledger": {
            "rows_read": r.info.rows_read,
            "rows_delivered": r.delivered_postings,
            "rows_excluded": r.excluded_rows,
            "rows_skipped": r.info.rows_skipped,
            "skipped": [
                {
                    "reason": reason,
                    "rows": rows,
                    "amount": money(r.info.skipped_money[reason]) if reason in r.info.skipped_money else None,
                }
                for reason, rows in r.info.skipped_rows.items()
            ],
            "amount_read": money(r.read_amount),
            "amount_delivered": money(r.delivered_amount),
            "amount_excluded": money(r.excluded_amount),
            "amount_skipped": money(r.skipped_amount),
        },
    }


def write_json_report(
    target: Path,
    result: RunResult,
    host: PluginHost | None,
    findings: Iterable[dict[str, Any]] | None,
    kommune_name: str | None = None,
) -> None:
    """Write the report to ``target`` (atomically). ``findings`` are every finding as dicts (the
    spool); without them the sink's capped in-memory sample is written and
    ``findings_complete`` is false."""
    doc = mask_data(document(result, host, kommune_name), keep=OWN_FIGURES)  # the sink's filter
    if findings is None:
        doc["findings_complete"] = sum(result.sink.by_code.values()) == len(result.sink.kept)
        findings = (f.model_dump(mode="json", exclude_none=True) for f in result.sink.kept)
    head = json.dumps(doc, ensure_ascii=False, indent=2)
    with atomic_output(target) as (raw, tmp):
        fh = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        fh.write(head[: head.rindex("}")].rstrip() + ',\n  "findings": [')
        first = True
        for data in findings:
            fh.write(
                ("\n    " if first else ",\n    ") + json.dumps(mask_data(finding_entry(data)), ensure_ascii=False)
            )
            first = False
        fh.write("\n  ]\n}\n" if not first else "]\n}\n")
        fh.flush()
        fh.detach()
    commit(tmp, target)
