"""Postings and delivery lines as Apache Arrow record batches: the canonical batch schema.

The engine moves postings in bounded Arrow record batches, not one object per row. A batch
an adapter reads holds the :data:`POSTING_FIELDS` columns; mapping and anonymisation append
the :data:`RECORD_FIELDS` columns, and the same batch, now one delivery line per row, goes to
the rules and the writer. Which file, sheet and column labels a batch came from is stated once
per batch, in its :class:`BatchInfo` (the schema metadata), not per row.

Amounts are exact: ``decimal128(38, 18)`` plus ``amount_scale``, the number of decimals the
source wrote (``12,50`` has scale 2), so the ``Decimal`` a rule or message sees is the one the
source gave. Dates are ``date32``; text is ``string``; a missing value is null.

Per-row models (:class:`~siu.models.Posting`, :class:`~siu.models.Record`) remain for plugins
written against API 1 and for findings: :func:`batch_of_postings` and :func:`postings_of`
convert one way and the other, as do :func:`batch_of_records` and :func:`records_of`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from siu.models import Kind, Location, Posting, Record

__all__ = [
    "AMOUNT",
    "BATCH_ROWS",
    "DIM_COLUMNS",
    "GATHERED_ROWS",
    "POSTING_FIELDS",
    "POSTING_SCHEMA",
    "RECORD_FIELDS",
    "RECORD_SCHEMA",
    "TEXT_COLUMNS",
    "BatchInfo",
    "amounts_of",
    "batch_of_postings",
    "batch_of_records",
    "batches_of_records",
    "decimal_of",
    "info_of",
    "money",
    "postings_of",
    "records_of",
    "with_info",
]

BATCH_ROWS = 65_536
"""Rows per batch the built-in adapters read: large enough that per-batch work is negligible,
small enough that a batch of text columns stays a few MB."""

GATHERED_ROWS = 4096
"""Rows per batch where postings arrive one at a time (an API 1 source, or a file siu reads per
row): they are objects of a few KB each until gathered, so fewer per batch."""

AMOUNT = pa.decimal128(38, 18)
"""Amounts: 20 integer digits (a batch of 65,536 amounts at siu's 15-digit limit still sums
without overflow) and 18 decimals (every amount a source can state, Excel's floats included)."""

DIM_COLUMNS = ("psp", "cost_centre", "gl_account", "artskonto", "kontostreng", "paragraph", "kommune", "year")
"""The account dimensions the mapping works on, and what the delivery rules read: one column
each, named ``dim_<name>`` (see :class:`siu.models.Posting` for what each holds)."""

POSTING_FIELDS: tuple[pa.Field, ...] = (
    pa.field("row", pa.int64()),  # the row as the user sees it (Excel's or an editor's number); null if none
    pa.field("amount", AMOUNT, nullable=False),
    pa.field("amount_scale", pa.int8(), nullable=False),  # decimals the source wrote
    pa.field("cpr", pa.string()),  # the CPR cell as read (normalised by the record stage)
    pa.field("start", pa.date32()),
    pa.field("end", pa.date32()),
    pa.field("posting_date", pa.date32()),
    pa.field("document", pa.string()),
    pa.field("text", pa.string()),
    *(pa.field(f"dim_{name}", pa.string()) for name in DIM_COLUMNS),
    pa.field("dims_other", pa.map_(pa.string(), pa.string())),  # dims a plugin adds beyond DIM_COLUMNS
    pa.field("anonymous", pa.bool_()),  # the source flags the line anonymous (§ 109); null: not stated
    pa.field("birth_date", pa.date32()),
    pa.field("sex", pa.string()),  # "F" or "M" when the source states it
    pa.field("sign_explicit", pa.bool_(), nullable=False),  # the source stated debit/credit or a sign
    pa.field("invalid", pa.list_(pa.string())),  # fields whose cells held text that could not be read
)
"""What a source adapter reads: one posting per row."""

RECORD_FIELDS: tuple[pa.Field, ...] = (
    pa.field("psr_id", pa.string()),  # the CPR as delivered (normalised, or DST's fictitious one)
    pa.field("kontostreng", pa.string()),  # the official account in the spec pack's form
    pa.field("record_paragraph", pa.string()),
    pa.field("area", pa.string()),
    pa.field("kind", pa.string()),  # expenditure / revenue / internal (siu.models.Kind)
    pa.field("function", pa.string()),
    pa.field("dranst", pa.string()),
    pa.field("art", pa.string()),
    pa.field("account_text", pa.string()),
    pa.field("anonymised", pa.bool_(), nullable=False),
)
"""What mapping and anonymisation add: with these, a row is a delivery line."""

TEXT_COLUMNS = {
    "psr_id": "psr_id",
    "kontostreng": "kontostreng",
    "paragraph": "record_paragraph",
    "area": "area",
    "function": "function",
    "dranst": "dranst",
    "art": "art",
    "account_text": "account_text",
}
"""A delivery line's text field (:class:`siu.models.Record`'s attribute, as spec packs name the
fields to write) → its batch column. ``amount``, ``start`` and ``end`` have columns of those names."""

POSTING_SCHEMA = pa.schema(POSTING_FIELDS)
RECORD_SCHEMA = pa.schema((*POSTING_FIELDS, *RECORD_FIELDS))

_INFO_KEY = b"siu.batch"


@dataclass(frozen=True)
class BatchInfo:
    """What every row of a batch shares: its input and where in it, and the column labels."""

    source: str  # the adapter's name
    file: str  # the file name as messages show it
    sheet: str | None = None
    input: int = 0  # the input's place among the run's inputs
    columns: dict[str, str] = field(default_factory=dict)  # field name → column label the user sees
    headers: tuple[str, ...] | None = None  # the file's headers, where it has some

    def location(self, row: int | None) -> Location:
        return Location(file=self.file, sheet=self.sheet, row=row)

    def encode(self) -> bytes:
        return json.dumps(
            {
                "source": self.source,
                "file": self.file,
                "sheet": self.sheet,
                "input": self.input,
                "columns": self.columns,
                "headers": list(self.headers) if self.headers is not None else None,
            }
        ).encode("utf-8")

    @classmethod
    def decode(cls, data: bytes) -> BatchInfo:
        d = json.loads(data)
        headers = d.get("headers")
        return cls(
            source=d["source"],
            file=d["file"],
            sheet=d.get("sheet"),
            input=d.get("input", 0),
            columns=d.get("columns") or {},
            headers=tuple(headers) if headers is not None else None,
        )


def with_info(batch: pa.RecordBatch, info: BatchInfo) -> pa.RecordBatch:
    """``batch`` carrying ``info`` in its schema metadata."""
    meta = dict(batch.schema.metadata or {})
    meta[_INFO_KEY] = info.encode()
    return batch.replace_schema_metadata(meta)


def info_of(batch: pa.RecordBatch) -> BatchInfo:
    """The :class:`BatchInfo` a batch carries."""
    meta = batch.schema.metadata or {}
    data = meta.get(_INFO_KEY)
    if data is None:
        raise ValueError("the batch carries no siu.batch metadata (use siu.batches.with_info)")
    return BatchInfo.decode(data)


# --- amounts ---------------------------------------------------------------------------------


def _scale(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    return min(-exponent, 18) if isinstance(exponent, int) and exponent < 0 else 0


def decimal_of(value: Decimal, scale: int) -> Decimal:
    """An amount read back from a batch, with the decimals the source wrote (``Decimal('12.50')``)."""
    return value.quantize(Decimal(1).scaleb(-scale)) if scale else value.quantize(Decimal(1))


def money(batch: pa.RecordBatch, mask: pa.Array | None = None) -> Decimal:
    """The sum of the batch's amounts (of the rows in ``mask``), with as many decimals as the most
    precise of them, as summing their Decimals one by one gives."""
    amounts, scales = batch.column("amount"), batch.column("amount_scale")
    if mask is not None:
        amounts, scales = pc.filter(amounts, mask), pc.filter(scales, mask)
    if not len(amounts):
        return Decimal(0)
    return decimal_of(pc.sum(amounts).as_py(), pc.max(scales).as_py())


def amounts_of(batch: pa.RecordBatch) -> list[Decimal]:
    """The batch's amounts as the source wrote them."""
    return [
        decimal_of(a, s)
        for a, s in zip(batch.column("amount").to_pylist(), batch.column("amount_scale").to_pylist(), strict=True)
    ]


# --- from and to per-row models (API 1) ------------------------------------------------------


def _append_dims(cols: dict[str, list[Any]], dims: dict[str, str]) -> None:
    """A row's dims into the ``dim_*`` columns and, for the others, ``dims_other`` (see :func:`_dims`)."""
    for name in DIM_COLUMNS:
        cols[f"dim_{name}"].append(dims.get(name))
    other = [(k, v) for k, v in dims.items() if k not in DIM_COLUMNS]
    cols["dims_other"].append(other or None)


def _posting_columns(postings: Sequence[Posting]) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {f.name: [] for f in POSTING_FIELDS}
    for p in postings:
        cols["row"].append(p.location.row)
        cols["amount"].append(p.amount)
        cols["amount_scale"].append(_scale(p.amount))
        cols["cpr"].append(p.cpr)
        cols["start"].append(p.start)
        cols["end"].append(p.end)
        cols["posting_date"].append(p.posting_date)
        cols["document"].append(p.document)
        cols["text"].append(p.text)
        _append_dims(cols, p.dims)
        cols["anonymous"].append(p.anonymous)
        cols["birth_date"].append(p.birth_date)
        cols["sex"].append(p.sex)
        cols["sign_explicit"].append(p.sign_explicit)
        cols["invalid"].append(list(p.invalid) if p.invalid else None)
    return cols


def batch_of_postings(postings: Sequence[Posting], info: BatchInfo) -> pa.RecordBatch:
    """Per-row postings (an API 1 adapter's) as one batch; they must share ``info``'s file, sheet
    and column labels."""
    cols = _posting_columns(postings)
    batch = pa.RecordBatch.from_arrays([pa.array(cols[f.name], f.type) for f in POSTING_FIELDS], schema=POSTING_SCHEMA)
    return with_info(batch, info)


def _dims(row: dict[str, Any]) -> dict[str, str]:
    dims = {name: row[f"dim_{name}"] for name in DIM_COLUMNS if row[f"dim_{name}"] is not None}
    for k, v in row["dims_other"] or ():
        dims[k] = v
    return dims


def postings_of(batch: pa.RecordBatch) -> Iterator[Posting]:
    """The batch's rows as per-row postings (for API 1 hooks and for findings)."""
    info = info_of(batch)
    amounts = amounts_of(batch)
    # The values come typed from the batch: no validation needed (model_construct).
    for row, amount in zip(batch.to_pylist(), amounts, strict=True):
        yield Posting.model_construct(
            source=info.source,
            location=info.location(row["row"]),
            amount=amount,
            cpr=row["cpr"],
            start=row["start"],
            end=row["end"],
            posting_date=row["posting_date"],
            document=row["document"],
            text=row["text"],
            dims=_dims(row),
            anonymous=row["anonymous"],
            birth_date=row["birth_date"],
            sex=row["sex"],
            sign_explicit=row["sign_explicit"],
            columns=info.columns,
            invalid=tuple(row["invalid"] or ()),
            headers=list(info.headers) if info.headers is not None else None,
        )


def batch_of_records(records: Iterable[Record], info: BatchInfo) -> pa.RecordBatch:
    """Per-row records as one batch (their postings' fields where a record keeps them)."""
    records = list(records)
    cols: dict[str, list[Any]] = {f.name: [] for f in (*POSTING_FIELDS, *RECORD_FIELDS)}
    for r in records:
        cols["row"].append(r.locations[0].row if r.locations else None)
        cols["amount"].append(r.amount)
        cols["amount_scale"].append(_scale(r.amount))
        cols["cpr"].append(r.cpr_raw)
        cols["start"].append(r.start)
        cols["end"].append(r.end)
        for name in ("posting_date", "document", "text", "anonymous", "birth_date", "sex"):
            cols[name].append(None)
        _append_dims(cols, r.dims)
        cols["sign_explicit"].append(r.sign_explicit)
        cols["invalid"].append(list(r.invalid) if r.invalid else None)
        cols["psr_id"].append(r.psr_id)
        cols["kontostreng"].append(r.kontostreng)
        cols["record_paragraph"].append(r.paragraph)
        cols["area"].append(r.area)
        cols["kind"].append(r.kind.value if r.kind is not None else None)
        for name in ("function", "dranst", "art", "account_text"):
            cols[name].append(getattr(r, name))
        cols["anonymised"].append(r.anonymised)
    arrays = [pa.array(cols[f.name], f.type) for f in RECORD_SCHEMA]
    return with_info(pa.RecordBatch.from_arrays(arrays, schema=RECORD_SCHEMA), info)


def batches_of_records(records: Iterable[Record], info: BatchInfo | None = None) -> Iterator[pa.RecordBatch]:
    """Per-row records gathered into batches of :data:`BATCH_ROWS` (what ``Writer.write`` gives
    ``write_batches`` when a caller has records, not batches)."""
    info = info or BatchInfo(source="", file="")
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= BATCH_ROWS:
            yield batch_of_records(chunk, info)
            chunk = []
    if chunk:
        yield batch_of_records(chunk, info)


def records_of(batch: pa.RecordBatch) -> Iterator[Record]:
    """The batch's rows as per-row delivery lines (for API 1 rules and writers, and findings)."""
    info = info_of(batch)
    amounts = amounts_of(batch)
    for row, amount in zip(batch.to_pylist(), amounts, strict=True):
        yield Record.model_construct(
            psr_id=row["psr_id"],
            kontostreng=row["kontostreng"],
            paragraph=row["record_paragraph"],
            area=row["area"],
            amount=amount,
            start=row["start"],
            end=row["end"],
            locations=(info.location(row["row"]),),
            kind=Kind(row["kind"]) if row["kind"] is not None else None,
            function=row["function"],
            dranst=row["dranst"],
            art=row["art"],
            account_text=row["account_text"],
            anonymised=row["anonymised"],
            cpr_raw=row["cpr"],
            sign_explicit=row["sign_explicit"],
            columns=info.columns,
            invalid=tuple(row["invalid"] or ()),
            dims=_dims(row),
            sources=(info.source,),
        )
