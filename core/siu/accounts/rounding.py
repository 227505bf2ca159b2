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
paragraph total, the delivery's total is its exact total rounded, and no line moves by a whole
unit or more. Floor and ceiling never turn a line's sign. Where the remainders tie or a choice
would leave a line at zero, the line that would otherwise become zero gets the unit first; a line
that still ends at zero is a finding (SIU442), never silent.

The lines come as record batches. The delivery's, the paragraphs' and the citizens' totals are
allocated once per paragraph and citizen with :func:`allocate`; the lines on columns: each line's
floor and remainder, the lines of every citizen ordered by (priority, largest remainder, place) in
one sort, and the first ``extra`` lines of each citizen given one unit more. Findings are made only
for the lines rounded to zero.

All lines of a delivery are held while they are rounded (steps 1 and 2 need every line): on disk,
in a :class:`~siu.base.batch_spool.BatchSpool`, with only the four columns the rounding reads in
memory; the lines are read twice, for the findings and totals, then to hand them on with their new
amounts. The IDEP channel that rounds takes an Excel sheet, which holds at most 1,048,576 lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from siu.base.batch_spool import BatchSpool
from siu.base.i18n import Text, plural
from siu.batches import AMOUNT, decimal_of, info_of
from siu.catalogue.accounts import ROUNDED_TO_ZERO, ROUNDING_DONE
from siu.findings import FindingSink
from siu.models import DeliveryHeader, Totals
from siu.writers import add_totals


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


_WORK = pa.decimal128(36, 18)  # amounts with room for a difference (18 integer digits; siu allows 15)


def round_batches(
    batches: Iterable[pa.RecordBatch],
    decimals: int,
    channel: str,
    sink: FindingSink,
    header: DeliveryHeader | None = None,
) -> tuple[Iterator[pa.RecordBatch], RoundingSummary]:
    """``batches`` with amounts rounded to ``decimals`` (see the module's doc), and the summary,
    which is complete once the iterator has started. ``header``'s totals are set to the rounded
    lines' totals (for a writer's trailer); the caller keeps the exact totals elsewhere."""
    summary = RoundingSummary(channel=channel, decimals=decimals)

    def run() -> Iterator[pa.RecordBatch]:
        with BatchSpool(keep=_KEPT) as held:
            for b in batches:
                if b.num_rows:
                    held.add(b)
            if not held.num_rows:
                return
            rounded = _round(held, decimals, summary)
            at, totals, amounts = 0, Totals(), []
            for batch in held.batches():
                done = _rounded_batch(batch, rounded.slice(at, batch.num_rows), decimals, sink, summary)
                at += batch.num_rows
                add_totals(totals, _with_scale(done, pa.repeat(pa.scalar(decimals, pa.int8()), done.num_rows)))
                amounts.append((done.column("amount"), done.column("amount_scale")))
            _done(totals, summary, sink, header)
            for batch, (amount, scale) in zip(held.batches(), amounts):
                yield _with_scale(_with_amount(batch, amount), scale)  # the batch _rounded_batch made

    return run(), summary


_KEPT = ("amount", "amount_scale", "record_paragraph", "psr_id")  # what _round reads of every line


def _column(held: BatchSpool, name: str) -> pa.Array:
    return held.column(name)


def _groups(held: BatchSpool) -> tuple[pa.Array, list[int], list[str]]:
    """Each line's citizen group (paragraph and PsrID), numbered in the order groups first occur;
    each group's paragraph, numbered likewise (the order the allocation goes in); the
    paragraphs' names."""
    paragraph = _column(held, "record_paragraph")
    paragraph = pc.if_else(pc.fill_null(pc.equal(paragraph, ""), True), "?", paragraph)  # `paragraph or "?"`
    paragraphs = pc.dictionary_encode(paragraph)
    citizens = pc.dictionary_encode(pc.fill_null(_column(held, "psr_id"), ""))
    width = len(citizens.dictionary)
    pair = pc.add(pc.multiply(paragraphs.indices.cast(pa.int64()), width), citizens.indices.cast(pa.int64()))
    groups = pc.dictionary_encode(pair)
    paragraph_of = [p // width for p in groups.dictionary.to_pylist()]
    return groups.indices, paragraph_of, paragraphs.dictionary.to_pylist()


def _sums(groups: pa.Array, values: pa.Array, scales: pa.Array, count: int) -> list[Decimal]:
    """Per group, the exact sum of its values with the most decimals its lines have."""
    table = pa.table({"g": groups, "v": values, "s": scales})
    got = table.group_by("g", use_threads=False).aggregate([("v", "sum"), ("s", "max")]).sort_by("g")
    sums = [Decimal(0)] * count
    for g, v, s in zip(*got.select(["g", "v_sum", "s_max"]).to_pydict().values()):
        sums[g] = decimal_of(v, s)
    return sums


def _round(held: BatchSpool, decimals: int, summary: RoundingSummary) -> pa.Array:
    """Every line's rounded amount; fills in the summary's paragraphs, citizen groups and largest citizen difference."""
    amount = _column(held, "amount").cast(_WORK)
    scale = _column(held, "amount_scale")
    groups, paragraph_of, paragraph_names = _groups(held)
    exact = [e.scaleb(decimals) for e in _sums(groups, amount, scale, len(paragraph_of))]
    members: dict[int, list[int]] = {}
    for g, p in enumerate(paragraph_of):
        members.setdefault(p, []).append(g)
    paragraph_exacts = [sum((exact[g] for g in gs), Decimal(0)) for gs in members.values()]
    per_paragraph = allocate(paragraph_exacts, _nearest(sum(paragraph_exacts, Decimal(0))))
    targets = [0] * len(exact)
    for (p, gs), paragraph_exact, paragraph_total in zip(members.items(), paragraph_exacts, per_paragraph):
        per_citizen = allocate([exact[g] for g in gs], paragraph_total)
        for g, total in zip(gs, per_citizen):
            targets[g] = total
            summary.max_citizen_difference = max(summary.max_citizen_difference, abs(total - exact[g]))
        summary.citizen_groups += len(gs)
        summary.paragraphs[paragraph_names[p]] = (
            paragraph_exact.scaleb(-decimals),
            Decimal(sum(per_citizen)).scaleb(-decimals),
        )
    summary.max_citizen_difference = summary.max_citizen_difference.scaleb(-decimals)
    return _lines(amount, groups, targets, decimals)


def _lines(amount: pa.Array, groups: pa.Array, targets: list[int], decimals: int) -> pa.Array:
    """Each line the floor or the ceiling of its amount (in units of ``decimals``), the lines of
    every citizen group adding up to its target: the group's first ``extra`` candidates by
    (priority, largest remainder, place) get the ceiling (see :func:`allocate`)."""
    unit = Decimal(1).scaleb(-decimals)
    floors = pc.round(amount, ndigits=decimals, round_mode="down")
    remainder = pc.subtract(amount, floors)
    # 0: keeps a positive amount from zero; 2: would turn a negative amount into zero; 1: others
    keeps = pc.and_(pc.equal(floors, 0), pc.greater(amount, 0))
    zeroes = pc.and_(pc.equal(floors, pa.scalar(-unit, _WORK)), pc.greater(amount, pa.scalar(-unit, _WORK)))
    priority = pc.if_else(keeps, 0, pc.if_else(zeroes, 2, 1)).cast(pa.int8())
    count = len(targets)
    floor_sums = _sums(groups, floors, pa.repeat(pa.scalar(decimals, pa.int8()), len(amount)), count)
    extra = [t - int(f.scaleb(decimals)) for t, f in zip(targets, floor_sums)]
    places = pc.indices_nonzero(pc.not_equal(remainder, 0))
    candidates = pa.table(
        {
            "g": pc.take(groups, places),
            "p": pc.take(priority, places),
            "r": pc.negate(pc.take(remainder, places)),
            "i": places,
        }
    )
    order = pc.sort_indices(
        candidates, sort_keys=[("g", "ascending"), ("p", "ascending"), ("r", "ascending"), ("i", "ascending")]
    )
    group = pc.take(candidates.column("g"), order)
    per_group = [0] * count
    for g, n in zip(*candidates.group_by("g", use_threads=False).aggregate([("g", "count")]).to_pydict().values()):
        per_group[g] = n
    if any(e < 0 or e > n for e, n in zip(extra, per_group)):
        raise ValueError("a citizen's target lies outside the floors and ceilings of its lines")
    starts = np.concatenate([[0], np.cumsum(per_group[:-1])]).astype(np.int64)  # each group's first candidate
    group_of = group.to_numpy(zero_copy_only=False)
    rank = np.arange(len(order), dtype=np.int64) - starts[group_of]
    chosen = rank < np.asarray(extra, dtype=np.int64)[group_of]
    up = np.zeros(len(amount), dtype=bool)
    up[pc.take(candidates.column("i"), order).to_numpy(zero_copy_only=False)[chosen]] = True
    return pc.if_else(pa.array(up), pc.add(floors, pa.scalar(unit, _WORK)).cast(AMOUNT), floors.cast(AMOUNT))


def _rounded_batch(
    batch: pa.RecordBatch, rounded: pa.Array, decimals: int, sink: FindingSink, summary: RoundingSummary
) -> pa.RecordBatch:
    """The batch with its rounded amounts; SIU442 for each line rounded to zero, in line order."""
    amount = batch.column("amount")
    changed = pc.not_equal(rounded, amount)
    zeroed = pc.and_(changed, pc.equal(rounded, 0))
    summary.lines += batch.num_rows
    summary.changed += pc.sum(changed).as_py() or 0
    zero_count = pc.sum(zeroed).as_py() or 0
    summary.zeroed += zero_count
    if zero_count:
        info = info_of(batch)
        lost = batch.filter(zeroed).select(["row", "amount", "amount_scale", "record_paragraph"]).to_pydict()
        for row, exact, scale, paragraph in zip(*lost.values()):
            sink.add(
                ROUNDED_TO_ZERO.make(
                    location=info.location(row),
                    field="amount",
                    exact=f"{decimal_of(exact, scale)}",
                    delivered=f"{decimal_of(Decimal(0), decimals)}",
                    unit=_unit_words(decimals),
                    paragraph=paragraph or "?",
                )
            )
    # a line the rounding leaves alone keeps its amount as written (12.50 stays 12.50 at 1 decimal)
    scale = pc.if_else(changed, pa.scalar(decimals, pa.int8()), batch.column("amount_scale"))
    out = batch.set_column(batch.schema.get_field_index("amount"), batch.schema.field("amount"), rounded)
    return _with_scale(out, scale)


def _with_amount(batch: pa.RecordBatch, amount: pa.Array) -> pa.RecordBatch:
    return batch.set_column(batch.schema.get_field_index("amount"), batch.schema.field("amount"), amount)


def _with_scale(batch: pa.RecordBatch, scale: pa.Array) -> pa.RecordBatch:
    """The batch with ``scale`` as its amounts' decimals (its totals are counted with those)."""
    return batch.set_column(batch.schema.get_field_index("amount_scale"), batch.schema.field("amount_scale"), scale)


def _unit_words(decimals: int) -> Text:
    return Text(_unit_da(decimals), _unit_en(decimals))


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


def _unit_da(decimals: int) -> str:
    return "hele kroner" if decimals == 0 else f"{decimals} {plural(decimals, 'decimal', 'decimaler')}"


def _unit_en(decimals: int) -> str:
    return "whole kroner" if decimals == 0 else f"{decimals} {plural(decimals, 'decimal', 'decimals')}"
