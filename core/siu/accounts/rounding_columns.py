"""Largest-remainder rounding (:mod:`siu.accounts.rounding`) on record batches.

The steps are those of the per-record rounding. The delivery's, the paragraphs' and the citizens'
totals are allocated once per paragraph and citizen, with :func:`~siu.accounts.rounding.allocate`;
the lines are allocated on columns: each line's floor and remainder, the lines of every citizen
ordered by (priority, largest remainder, place) in one sort, and the first ``extra`` lines of each
citizen given one unit more. Findings are made only for the lines rounded to zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from siu.accounts.rounding import RoundingSummary, _done, _nearest, _unit_da, _unit_en, allocate
from siu.base.batch_spool import BatchSpool
from siu.base.i18n import Text
from siu.batches import AMOUNT, decimal_of, info_of
from siu.catalogue.accounts import ROUNDED_TO_ZERO
from siu.findings import FindingSink
from siu.models import DeliveryHeader, Totals
from siu.writers import add_totals

_WORK = pa.decimal128(36, 18)  # amounts with room for a difference (18 integer digits; siu allows 15)


def round_batches(
    batches: Iterable[pa.RecordBatch],
    decimals: int,
    channel: str,
    sink: FindingSink,
    header: DeliveryHeader | None = None,
) -> tuple[Iterator[pa.RecordBatch], RoundingSummary]:
    """:func:`~siu.accounts.rounding.round_records` for record batches: the same amounts,
    findings and summary. Every line is held while rounding, as there: on disk (a
    :class:`~siu.base.batch_spool.BatchSpool`), with only the columns the rounding reads in memory,
    and read twice: for the findings and totals, then to hand the lines on with their new amounts."""
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
    each group's paragraph, numbered likewise (the per-record rounding's dict order); the
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
    """Every line's rounded amount; fills in the summary as the per-record rounding does."""
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
    (priority, largest remainder, place) get the ceiling (see :func:`~siu.accounts.rounding.allocate`)."""
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
    starts, at = [], 0
    for n in per_group:
        starts.append(at)
        at += n
    rank = pc.subtract(pa.array(range(len(order)), pa.int64()), pc.take(pa.array(starts, pa.int64()), group))
    raised = pc.filter(
        pc.take(candidates.column("i"), order), pc.less(rank, pc.take(pa.array(extra, pa.int64()), group))
    )
    up = pc.is_in(pa.array(range(len(amount)), pa.uint64()), value_set=raised.cast(pa.uint64()))
    return pc.if_else(up, pc.add(floors, pa.scalar(unit, _WORK)).cast(AMOUNT), floors.cast(AMOUNT))


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
