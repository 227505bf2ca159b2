"""The per-record largest-remainder rounding: the oracle :func:`siu.accounts.rounding.round_batches`
is tested against (tests/test_rounding_batches.py). Plain Decimal arithmetic, one line at a time,
in the steps of :mod:`siu.accounts.rounding`'s doc; it uses the product's :func:`allocate` and
summary, so only the work on lines is written twice."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from siu.accounts.rounding import RoundingSummary, _done, _nearest, _unit_words, allocate
from siu.catalogue.accounts import ROUNDED_TO_ZERO
from siu.findings import FindingSink
from siu.models import DeliveryHeader, Record, Totals


def round_records(
    records: Iterator[Record],
    decimals: int,
    channel: str,
    sink: FindingSink,
    header: DeliveryHeader | None = None,
) -> tuple[Iterator[Record], RoundingSummary]:
    """``records`` with amounts rounded to ``decimals``, and the summary (complete once the
    iterator has started); ``header``'s totals become the rounded lines' totals."""
    summary = RoundingSummary(channel=channel, decimals=decimals)

    def run() -> Iterator[Record]:
        lines = list(records)
        if not lines:
            return
        rounded = _allocate_lines(lines, decimals, summary)
        out, totals = _apply(lines, rounded, decimals, sink, summary)
        _done(totals, summary, sink, header)
        yield from out

    return run(), summary


def _allocate_lines(lines: list[Record], decimals: int, summary: RoundingSummary) -> list[int]:
    """Each line's amount in units of ``decimals``: paragraph totals first, then each citizen's
    total within the paragraph, then the lines of a citizen."""
    scaled = [r.amount.scaleb(decimals) for r in lines]
    groups: dict[str, dict[str, list[int]]] = {}
    for i, r in enumerate(lines):
        groups.setdefault(r.paragraph or "?", {}).setdefault(r.psr_id or "", []).append(i)
    citizen_exact = {
        paragraph: [sum((scaled[i] for i in idx), Decimal(0)) for idx in citizens.values()]
        for paragraph, citizens in groups.items()
    }
    paragraph_exacts = [sum(exact, Decimal(0)) for exact in citizen_exact.values()]
    per_paragraph = allocate(paragraph_exacts, _nearest(sum(paragraph_exacts, Decimal(0))))
    rounded = [0] * len(lines)
    largest = Decimal(0)
    for (paragraph, citizens), paragraph_exact, paragraph_total in zip(groups.items(), paragraph_exacts, per_paragraph):
        exact = citizen_exact[paragraph]
        per_citizen = allocate(exact, paragraph_total)
        for idx, total, ex in zip(citizens.values(), per_citizen, exact):
            for i, value in zip(idx, allocate([scaled[i] for i in idx], total)):
                rounded[i] = value
            largest = max(largest, abs(total - ex))
        summary.citizen_groups += len(citizens)
        summary.paragraphs[paragraph] = (
            paragraph_exact.scaleb(-decimals),
            Decimal(sum(per_citizen)).scaleb(-decimals),
        )
    summary.max_citizen_difference = largest.scaleb(-decimals)
    return rounded


def _apply(
    lines: list[Record], rounded: list[int], decimals: int, sink: FindingSink, summary: RoundingSummary
) -> tuple[list[Record], Totals]:
    """The lines with their rounded amounts, SIU442 for each line rounded to zero, and the rounded
    lines' totals."""
    unit = Decimal(1).scaleb(-decimals)
    totals = Totals()
    out = []
    summary.lines = len(lines)
    for r, whole in zip(lines, rounded):
        new = Decimal(whole).scaleb(-decimals).quantize(unit)
        if new != r.amount:
            summary.changed += 1
            if new == 0:
                summary.zeroed += 1
                sink.add(
                    ROUNDED_TO_ZERO.make(
                        location=r.location,
                        field="amount",
                        exact=f"{r.amount}",
                        delivered=f"{new}",
                        unit=_unit_words(decimals),
                        paragraph=r.paragraph or "?",
                    )
                )
            r = r.model_copy(update={"amount": new})
        totals.add(new)  # a line left alone keeps its amount as written (12.50), the totals count 12.5
        out.append(r)
    return out, totals
