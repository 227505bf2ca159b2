"""Summing invoices (``--aggregate``): postings of one citizen, paragraph and kontostreng whose
periods touch or overlap become one delivery line from the first start to the last end.

Rules of summing (DST allows several invoices on one line as long as the dates still describe
the real expenditure period):

- lines are summed only within one (PsrID, paragraph, kontostreng, sign) group: revenue and
  expenditure are never netted into one line (an amount of 0 counts as expenditure);
- two periods are summed when they overlap or touch (one ends the day before the other
  starts); a gap of one day or more keeps them apart. Postings may arrive in any order: a
  posting that fills a gap joins the lines on both sides;
- the summed line runs from the earliest start to the latest end, and is where the first of
  its postings is (in file order, then row order);
- lines that cannot be summed safely pass through unchanged: no PsrID or kontostreng, a start
  or end date missing, start after end, an anonymised § 109 line (a fictitious CPR such as
  ``1234569998`` is shared by different people, so summing would glue strangers' stays), and a
  posting whose own period crosses New Year. Such a posting is usually a prepayment (an
  insurance 2025-07-01..2026-06-30) whose period is set by its contract, not by the stay; glued
  to the stay's monthly invoices it would stretch the period DST annualises over, so it keeps
  exactly its own dates. Postings inside one year may still sum into a line crossing New Year.

Memory: :meth:`Aggregator.add_batch` holds the delivery lines as Arrow batches until the last
posting (a few hundred bytes per line).
Output order is deterministic: lines in the order of their earliest posting.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from siu.batches import AMOUNT, BATCH_ROWS, info_of, with_info
from siu.catalogue.convert import SUMMED
from siu.models import Finding


class Aggregator:
    """Takes record batches with :meth:`add_batch`, then yields the summed lines as batches with
    :meth:`batches`."""

    def __init__(self) -> None:
        self._held: list[pa.RecordBatch] = []  # the batches of add_batch, summed by batches()
        self.postings = 0
        self.single = 0  # postings that could not be summed
        self.output_lines = 0

    def add_batch(self, batch: pa.RecordBatch) -> None:
        """Take a batch of delivery lines (:data:`siu.batches.RECORD_SCHEMA`). The batches are held
        until :meth:`batches`, as the lines to sum may be anywhere in the delivery."""
        self.postings += batch.num_rows
        if batch.num_rows:
            self._held.append(batch)

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The output lines as batches, in the order of their earliest posting; each batch the
        lines of one input (its BatchInfo). Call once, after the last :meth:`add_batch`."""
        held, self._held = self._held, []
        if not held:
            return
        table = pa.Table.from_batches([b.replace_schema_metadata(None) for b in held])
        lines, files = _plain(held, table)
        order = _order(lines)
        self.single = pc.sum(pc.invert(lines.column("summable"))).as_py() or 0
        self.output_lines = order.num_rows
        yield from _out(held, files, table, order)

    def summary(self) -> Finding:
        """The SIU701 note saying how many postings became how many lines."""
        return SUMMED.make(postings=self.postings, lines=self.output_lines, single=self.single)


# --- summing on columns (add_batch / batches) ------------------------------------------------

_DAY_OFFSET = 719_162  # 0001-01-01 as date32 is -719162: every date is ≥ 0 after adding this
_STRIDE = 1 << 22  # more days than 0001-01-01 .. 9999-12-31: one group's dates never reach the next's
_KEYS = ("psr", "paragraph", "konto", "revenue")
_ORDER = ("seq", "amount", "scale", "start", "end", "place", "count")


def _plain(held: list[pa.RecordBatch], table: pa.Table) -> tuple[pa.Table, list[int]]:
    """What summing reads of every line of ``table`` (the held batches in delivery order, ``seq``):
    the group key, period as day numbers, amount, place and whether it may be summed; and per
    file number of the places, the first batch of that file."""
    psr, konto = table.column("psr_id"), table.column("kontostreng")
    start, end = table.column("start"), table.column("end")
    summable = pc.and_kleene(
        pc.and_kleene(pc.not_equal(psr, ""), pc.not_equal(konto, "")),
        pc.and_kleene(pc.less_equal(start, end), pc.equal(pc.year(start), pc.year(end))),
    )
    summable = pc.fill_null(pc.and_kleene(summable, pc.invert(table.column("anonymised"))), False)
    places = [(info.file, info.sheet) for info in map(info_of, held)]
    first = {key: i for i, key in reversed(list(enumerate(places)))}  # a file: its first batch
    batch_of_file = pa.concat_arrays(
        [pa.repeat(pa.scalar(first[key], pa.int64()), b.num_rows) for key, b in zip(places, held)]
    )
    # files numbered in the order summable lines first name them (a summed line's place is its
    # first file's smallest row)
    files = pc.unique(pc.filter(batch_of_file, summable)).to_pylist()
    number = [0] * len(held)
    for n, batch in enumerate(files):
        number[batch] = n
    file_of = pc.take(pa.array(number, pa.int64()), batch_of_file)
    paragraph = pc.dictionary_encode(table.column("record_paragraph").combine_chunks(), null_encoding="encode")
    lines = pa.table(
        {
            "seq": pa.array(range(table.num_rows), pa.int64()),
            "summable": summable,
            "psr": psr,
            "paragraph": paragraph.indices,  # None is a paragraph of its own
            "konto": konto,
            "revenue": pc.less(table.column("amount"), pa.scalar(0, table.schema.field("amount").type)),
            "start": pc.add(start.cast(pa.int32()).cast(pa.int64()), _DAY_OFFSET),
            "end": pc.add(end.cast(pa.int32()).cast(pa.int64()), _DAY_OFFSET),
            "amount": table.column("amount"),
            "scale": table.column("amount_scale"),
            # where the line is, packed as (file << 32) | row: the smallest is the first in file, then row order
            "place": pc.add(pc.shift_left(file_of, 32), pc.fill_null(table.column("row"), 0)),
        }
    )
    return lines, files


def _periods(lines: pa.Table) -> pa.Table:
    """The summable lines sorted by group and start, each with the number of its output line.
    Within a group a line starts a new output line when it begins more than a day after every
    earlier line's end: periods that touch or overlap are summed, whatever the order the postings
    came in."""
    table = lines.filter(lines.column("summable")).sort_by([(k, "ascending") for k in (*_KEYS, "start")])
    n = table.num_rows
    if n == 0:
        return table.append_column("line", pa.array([], pa.int64()))
    column = {k: table.column(k).combine_chunks() for k in (*_KEYS, "start", "end")}
    differs = pa.array([False] * (n - 1), pa.bool_())
    for key in _KEYS:
        differs = pc.or_(differs, pc.not_equal(column[key].slice(1), column[key].slice(0, n - 1)))
    new_group = pa.concat_arrays([pa.array([True]), differs])
    base = pc.multiply(pc.cumulative_sum(new_group.cast(pa.int64())), _STRIDE)
    reach = pc.cumulative_max(pc.add(base, column["end"]))  # never back into an earlier group
    before = pa.concat_arrays([pa.array([-_STRIDE], pa.int64()), reach.slice(0, n - 1)])
    begins = pc.greater(pc.subtract(pc.add(base, column["start"]), before), 1)
    return table.append_column("line", pc.cumulative_sum(begins.cast(pa.int64())))


def _order(lines: pa.Table) -> pa.Table:
    """One row per output line in the order of its earliest posting: that posting (``seq``), the
    summed amount and its decimals, the merged period, the first place and the number of postings."""
    sums = [("seq", "min"), ("amount", "sum"), ("scale", "max"), ("start", "min"), ("end", "max"), ("place", "min")]
    summed = _periods(lines).group_by("line", use_threads=False).aggregate([*sums, ("seq", "count")])
    summed = summed.select([f"{c}_{f}" for c, f in sums] + ["seq_count"]).rename_columns(list(_ORDER))
    single = lines.filter(pc.invert(lines.column("summable"))).select(list(_ORDER[:-1]))
    single = single.append_column("count", pa.repeat(pa.scalar(1, pa.int64()), single.num_rows))
    return pa.concat_tables([summed.cast(single.schema), single]).sort_by("seq")


def _out(held: list[pa.RecordBatch], files: list[int], table: pa.Table, order: pa.Table) -> Iterator[pa.RecordBatch]:
    """The output lines: each its earliest posting's line, with the sums where it sums several;
    in batches of one input each (the BatchInfo of that posting's batch)."""
    out = table.take(order.column("seq"))
    several = pc.greater(order.column("count"), 1)
    days = {k: pc.subtract(order.column(k), _DAY_OFFSET).cast(pa.int32()).cast(pa.date32()) for k in ("start", "end")}
    row = pc.bit_wise_and(order.column("place"), 0xFFFFFFFF)
    new = {
        "amount": order.column("amount").cast(AMOUNT),
        "amount_scale": order.column("scale"),
        **days,
        "row": pc.if_else(pc.equal(row, 0), pa.scalar(None, pa.int64()), row),
    }
    for name, values in new.items():
        i = out.schema.get_field_index(name)
        out = out.set_column(i, out.schema.field(name), pc.if_else(several, values, out.column(name)))
    infos = [info_of(b) for b in held]
    codes = [info.encode() for info in infos]
    kinds = {code: i for i, code in reversed(list(enumerate(codes)))}  # batches of one input share one
    kind_of_batch = pa.array([kinds[code] for code in codes], pa.int64())
    batch_of_line = pa.concat_arrays([pa.repeat(pa.scalar(i, pa.int64()), b.num_rows) for i, b in enumerate(held)])
    # a summed line is where its first posting in file order is (its smallest place): in the
    # first batch of that file; any other line stays with its batch
    first_place = pc.take(pa.array(files or [0], pa.int64()), pc.shift_right(order.column("place"), 32))
    owner = pc.take(kind_of_batch, pc.if_else(several, first_place, pc.take(batch_of_line, order.column("seq"))))
    n = len(owner)
    cuts = pc.add(pc.indices_nonzero(pc.not_equal(owner.slice(1), owner.slice(0, n - 1))), 1).to_pylist()
    for start, end in zip([0, *cuts], [*cuts, n]):
        for chunk in out.slice(start, end - start).to_batches(max_chunksize=BATCH_ROWS):
            yield with_info(chunk, infos[owner[start].as_py()])
