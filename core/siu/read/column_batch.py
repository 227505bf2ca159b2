"""A batch of table rows read as columns, and the posting batch made of it (private; used by
:mod:`siu.read.columnar`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from siu.batches import (
    AMOUNT,
    DIM_COLUMNS,
    POSTING_FIELDS,
    POSTING_SCHEMA,
    BatchInfo,
    batch_of_postings,
    decimal_of,
    with_info,
)
from siu.read.cells import parse_flag, parse_sex
from siu.read.column_cells import amounts, blank_to_none, clean_texts, dates, per_distinct, posting_rows
from siu.read.rows import AMOUNT_LIMIT, DATE_FIELDS, DIM_FIELDS

if TYPE_CHECKING:
    from siu.models import Posting
    from siu.read.scalar import RowReader

_LIMIT = pa.scalar(AMOUNT_LIMIT, AMOUNT)
_SIGNS = {True: pa.scalar(True), False: pa.scalar(False)}
_TEXT_FIELDS = ("cpr", "document", "text", *DIM_FIELDS)


@dataclass
class Columns:
    """The values read from a batch's columns (field → array), and which rows are plain."""

    values: dict[str, pa.Array]
    scale: pa.Array
    plain: pa.Array = field(default_factory=lambda: pa.array([], pa.bool_()))

    def take(self, at: pa.Array) -> Columns:
        return Columns({k: v.take(at) for k, v in self.values.items()}, self.scale.take(at))

    def total(self, start: int, stop: int) -> Decimal:
        """The sum of amounts ``start:stop`` with the decimals they were written with (as the
        per-row reader adds them up)."""
        total = pc.sum(self.values["amount"].slice(start, stop - start)).as_py()
        return decimal_of(total, pc.max(self.scale.slice(start, stop - start)).as_py())


def read_columns(columns: Sequence[pa.Array], reader: RowReader) -> Columns:
    """Every field the row reader would read, read whole columns at a time; ``plain`` marks the
    rows that are postings and whose cells all read."""
    index = reader.match.index
    amount, scale, plain = amounts(columns[index["amount"]], _LIMIT)
    plain = pc.and_(plain, posting_rows(columns, index, reader.match.headers))
    values: dict[str, pa.Array] = {"amount": amount}
    for name in DATE_FIELDS:
        if name in index:
            read = dates(columns[index[name]])
            values[name], plain = read.values, pc.and_(plain, read.ok)
    for name in _TEXT_FIELDS:  # the CPR column holds the number alone (columnar_plan): cpr_alone is clean_text
        if name in index:
            values[name] = clean_texts(columns[index[name]])
    readers: dict[str, tuple[Any, pa.DataType]] = {}
    readers["anonymous"] = (parse_flag, pa.bool_())
    readers["sex"] = (blank_to_none(parse_sex), pa.string())
    for name, (fn, type_) in readers.items():
        if name in index:
            read = per_distinct(columns[index[name]], fn, type_)
            values[name], plain = read.values, pc.and_(plain, read.ok)
    return Columns(values, scale, plain)


def posting_batch(
    read: Columns, numbers: pa.Array, reader: RowReader, postings: list[Posting], info: BatchInfo
) -> pa.RecordBatch:
    """The plain rows as postings, and ``postings`` (the per-row reader's) among them in row order."""
    n = len(numbers)
    arrays: dict[str, pa.Array] = {f.name: pa.nulls(n, f.type) for f in POSTING_FIELDS}
    arrays["row"] = numbers
    arrays["amount_scale"] = read.scale
    arrays["sign_explicit"] = pa.repeat(_SIGNS[bool(reader.source.explicit_sign)], n)
    for name, values in read.values.items():
        key = f"dim_{name}" if name in DIM_FIELDS else name
        if key in arrays:
            arrays[key] = values
    if "counterpart" in read.values:  # a dimension beyond DIM_COLUMNS
        other = [None if v is None else [("counterpart", v)] for v in read.values["counterpart"].to_pylist()]
        arrays["dims_other"] = pa.array(other, POSTING_SCHEMA.field("dims_other").type)
    batch = pa.RecordBatch.from_arrays([arrays[f.name] for f in POSTING_FIELDS], schema=POSTING_SCHEMA)
    if postings:
        table = pa.Table.from_batches([batch, batch_of_postings(postings, info).replace_schema_metadata(None)])
        batch = table.sort_by("row").combine_chunks().to_batches()[0]
    return with_info(batch, info)


__all__ = ["DIM_COLUMNS", "Columns", "posting_batch", "read_columns"]
