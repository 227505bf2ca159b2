"""Rounding amounts for a channel that takes whole kroner (or fewer decimals than the input has).

The spec pack's channel says ``decimals`` and ``rounding = "largest_remainder"``. Rounding each
line on its own would let a citizen's total drift by up to half a krone per line; instead siu
allocates in four steps, each by the largest-remainder method:

1. the delivery's total is its exact total rounded to the nearest unit, so the money delivered is
   the money read, to the unit;
2. each paragraph gets the floor or the ceiling of its exact total, adding up to that;
3. within a paragraph, each citizen gets the floor or the ceiling of their exact total, so the
   citizens add up to the paragraph's rounded total;
4. within a citizen and paragraph, each line gets the floor or the ceiling of its amount, so the
   lines add up to the citizen's rounded total.

So every total per citizen and paragraph is its exact total to within one unit, so is every
paragraph total, the delivery's total is its exact total rounded, and no line moves by a whole unit or more. Floor and
ceiling
never turn a line's sign. Where the remainders tie or a choice would leave a line at zero, the
line that would otherwise become zero gets the unit first; a line that still ends at zero is a
finding (SIU442), never silent.

All lines of a delivery are held while they are rounded (steps 1 and 2 need every line). The IDEP channel that rounds
takes an Excel sheet, which holds at most 1,048,576
lines, which bounds that memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from siu.base.i18n import Text, plural
from siu.catalogue.accounts import ROUNDED_TO_ZERO, ROUNDING_DONE
from siu.findings import FindingSink
from siu.models import DeliveryHeader, Record, Totals


@dataclass
class RoundingSummary:
    """What rounding did, for the reports."""

    channel: str
    decimals: int
    lines: int = 0
    changed: int = 0
    zeroed: int = 0
    exact: Decimal = Decimal(0)
    delivered: Decimal = Decimal(0)
    paragraphs: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)  # paragraph → (exact, delivered)
    citizen_groups: int = 0
    max_citizen_difference: Decimal = Decimal(0)

    @property
    def difference(self) -> Decimal:
        return self.delivered - self.exact

    def as_dict(self) -> dict[str, object]:
        q = Decimal(1).scaleb(-2)
        return {
            "channel": self.channel,
            "decimals": self.decimals,
            "lines": self.lines,
            "changed": self.changed,
            "zeroed": self.zeroed,
            "exact_net": f"{self.exact.quantize(q)}",
            "delivered_net": f"{self.delivered.quantize(q)}",
            "difference": f"{self.difference.quantize(q)}",
            "citizen_groups": self.citizen_groups,
            "max_citizen_difference": f"{self.max_citizen_difference.quantize(q)}",
            "paragraphs": [
                {"paragraph": p, "exact": f"{e.quantize(q)}", "delivered": f"{d.quantize(q)}"}
                for p, (e, d) in sorted(self.paragraphs.items())
            ],
        }


def _priority(scaled: Decimal, floor: int) -> int:
    """Who gets an extra unit first: 0 when it keeps a positive amount from zero, 2 when it would
    turn a negative amount into zero, 1 otherwise."""
    if floor == 0 and scaled > 0:
        return 0
    if floor == -1 and scaled > -1:
        return 2
    return 1


def allocate(scaled: list[Decimal], target: int) -> list[int]:
    """Whole numbers, each the floor or ceiling of its value, adding up to ``target``, by largest
    remainder (see the module's doc for ties and zeros). ``target`` must lie between the sum of
    the floors and the sum of the ceilings."""
    floors = [int(v.to_integral_value(rounding=ROUND_FLOOR)) for v in scaled]
    out = list(floors)
    extra = target - sum(floors)
    candidates = sorted(
        (i for i, v in enumerate(scaled) if v != floors[i]),
        key=lambda i: (_priority(scaled[i], floors[i]), -(scaled[i] - floors[i]), i),
    )
    if extra < 0 or extra > len(candidates):
        raise ValueError(
            f"target {target} outside the floors' {sum(floors)} .. ceilings' {sum(floors) + len(candidates)}"
        )
    for i in candidates[:extra]:
        out[i] += 1
    return out


def _nearest(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def round_records(
    records: Iterator[Record],
    decimals: int,
    channel: str,
    sink: FindingSink,
    header: DeliveryHeader | None = None,
) -> tuple[Iterator[Record], RoundingSummary]:
    """``records`` with amounts rounded to ``decimals`` (see the module's doc), and the summary,
    which is complete once the iterator has started. ``header``'s totals are set to the rounded
    lines' totals (for a writer's trailer); the caller keeps the exact totals elsewhere."""
    summary = RoundingSummary(channel=channel, decimals=decimals)

    def run() -> Iterator[Record]:
        lines = list(records)
        if not lines:
            return
        rounded = _allocate_lines(lines, decimals, summary)
        _done(_apply(lines, rounded, decimals, sink, summary), summary, sink, header)
        yield from lines

    return run(), summary


def _done(totals: Totals, summary: RoundingSummary, sink: FindingSink, header: DeliveryHeader | None) -> None:
    """The summary's totals, the header's (the rounded lines'), and the note saying what was done."""
    summary.exact = sum((e for e, _ in summary.paragraphs.values()), Decimal(0))
    summary.delivered = totals.net
    if header is not None:
        header.totals = totals
    params: dict[str, Any] = {
        "changed": summary.changed,
        "lines": summary.lines,
        "unit": Text(_unit_da(summary.decimals), _unit_en(summary.decimals)),
        "channel": summary.channel,
        "exact": f"{summary.exact}",
        "delivered": f"{summary.delivered}",
        "difference": f"{summary.difference}",
    }
    sink.add(ROUNDING_DONE.make(**params))


def _allocate_lines(lines: list[Record], decimals: int, summary: RoundingSummary) -> list[int]:
    """Each line's amount in units of ``decimals``: paragraph totals first, then each citizen's
    total within the paragraph, then the lines of a citizen (the module's doc). Fills in the
    summary's paragraphs, citizen groups and largest citizen difference."""
    scaled = [r.amount.scaleb(decimals) for r in lines]
    groups: dict[str, dict[str, list[int]]] = {}
    for i, r in enumerate(lines):
        groups.setdefault(r.paragraph or "?", {}).setdefault(r.psr_id or "", []).append(i)
    rounded = [0] * len(lines)
    citizen_exact = {
        paragraph: [sum((scaled[i] for i in idx), Decimal(0)) for idx in citizens.values()]
        for paragraph, citizens in groups.items()
    }
    paragraph_exacts = [sum(exact, Decimal(0)) for exact in citizen_exact.values()]
    per_paragraph = allocate(paragraph_exacts, _nearest(sum(paragraph_exacts, Decimal(0))))
    for (paragraph, citizens), paragraph_exact, paragraph_total in zip(groups.items(), paragraph_exacts, per_paragraph):
        keys = list(citizens)
        exact = citizen_exact[paragraph]
        per_citizen = allocate(exact, paragraph_total)
        for k, total, ex in zip(keys, per_citizen, exact):
            idx = citizens[k]
            if len(idx) == 1:
                rounded[idx[0]] = total
            else:
                for i, value in zip(idx, allocate([scaled[i] for i in idx], total)):
                    rounded[i] = value
            diff = abs(total - ex)
            if diff > summary.max_citizen_difference:
                summary.max_citizen_difference = diff
        summary.citizen_groups += len(keys)
        summary.paragraphs[paragraph] = (
            paragraph_exact.scaleb(-decimals),
            Decimal(sum(per_citizen)).scaleb(-decimals),
        )
    summary.max_citizen_difference = summary.max_citizen_difference.scaleb(-decimals)
    return rounded


def _apply(
    lines: list[Record], rounded: list[int], decimals: int, sink: FindingSink, summary: RoundingSummary
) -> Totals:
    """Set each line's rounded amount, say each line rounded to zero (SIU442), count the changes,
    and return the rounded lines' totals."""
    unit = Decimal(1).scaleb(-decimals)
    totals = Totals()
    add = totals.add
    unit_words = Text(_unit_da(decimals), _unit_en(decimals))
    summary.lines = len(lines)
    for r, whole in zip(lines, rounded):
        exact_amount = r.amount
        new = Decimal(whole).scaleb(-decimals).quantize(unit)
        if new != exact_amount:
            summary.changed += 1
            if new == 0:
                summary.zeroed += 1
                finding = ROUNDED_TO_ZERO.make(
                    location=r.location,
                    field="amount",
                    exact=f"{exact_amount}",
                    delivered=f"{new}",
                    unit=unit_words,
                    paragraph=r.paragraph or "?",
                )
                sink.add(finding)
            r.__dict__["amount"] = new  # as pydantic's setattr would (no validation on assignment), without its cost
        add(new)
    return totals


def _unit_da(decimals: int) -> str:
    return "hele kroner" if decimals == 0 else f"{decimals} {plural(decimals, 'decimal', 'decimaler')}"


def _unit_en(decimals: int) -> str:
    return "whole kroner" if decimals == 0 else f"{decimals} {plural(decimals, 'decimal', 'decimals')}"
