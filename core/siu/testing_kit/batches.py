"""The contract kit's checks of a batch source (plugin API 2): what ``read_batches`` yields.

Private to :mod:`siu.testing` (import ``check_batches`` from there). A batch source must yield
record batches in :data:`siu.batches.POSTING_SCHEMA` that carry their :class:`~siu.batches.BatchInfo`,
leave the counting of postings to siu, agree with its own ``read()`` and meet bad input with
findings, never an exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from siu.adapters import BatchSource, ReadInfo, ReadOptions
from siu.batches import POSTING_SCHEMA, info_of, postings_of
from siu.models import Finding, Posting
from siu.testing_kit import files as kit
from siu.testing_kit.common import ContractFailure, check_findings, fail


@dataclass
class BatchRead:
    """Everything one ``read_batches`` produced."""

    batches: list[pa.RecordBatch]
    findings: list[Finding]
    info: ReadInfo
    error: BaseException | None = None

    @property
    def rows(self) -> int:
        return sum(b.num_rows for b in self.batches)


def read_batches_all(source: BatchSource, path: Path, options: ReadOptions | None = None) -> BatchRead:
    """Run ``source.read_batches`` to the end, keeping what it yielded and the exception it raised."""
    result = BatchRead([], [], ReadInfo())
    try:
        for item in source.read_batches(path, options or ReadOptions(), result.info):
            if isinstance(item, pa.RecordBatch):
                result.batches.append(item)
            elif isinstance(item, Finding):
                result.findings.append(item)
            else:
                fail(
                    f"{source.name}.read_batches yielded a {type(item).__name__}; only pyarrow.RecordBatch and "
                    "Finding are allowed"
                )
    except ContractFailure:
        raise
    except Exception as exc:  # recorded: the checks decide whether that breaks the contract
        result.error = exc
    return result


def schema_difference(schema: pa.Schema) -> str | None:
    """How ``schema`` differs from :data:`~siu.batches.POSTING_SCHEMA`, in words; None when it does not."""
    if schema.equals(POSTING_SCHEMA, check_metadata=False):
        return None
    expected = {f.name: f for f in POSTING_SCHEMA}
    for f in schema:
        if f.name not in expected:
            return f"column {f.name!r} is not in the schema (extra dimensions go in 'dims_other')"
        if not f.equals(expected[f.name]):
            return f"column {f.name!r} is {_kind(f)}, expected {_kind(expected[f.name])}"
    missing = [name for name in expected if name not in schema.names]
    if missing:
        return f"columns missing: {', '.join(missing)}"
    return f"the columns are in another order than siu.batches.POSTING_SCHEMA: {', '.join(schema.names)}"


def _kind(f: pa.Field) -> str:
    return f"{f.type}" + ("" if f.nullable else " not null")


def check_batch(source: BatchSource, batch: pa.RecordBatch, file: str) -> None:
    """One batch: the schema, a BatchInfo naming the source and the file, no nulls where none may
    be, a row users can find, and a scale siu can use."""
    where = f"{source.name} on {file}"
    problem = schema_difference(batch.schema)
    if problem:
        fail(f"{where}: a batch does not have siu.batches.POSTING_SCHEMA: {problem}")
    try:
        info = info_of(batch)
    except (ValueError, KeyError, TypeError) as exc:
        raise ContractFailure(f"{where}: a batch carries no BatchInfo ({exc}); use siu.batches.with_info") from exc
    if info.source != source.name or info.file != file:
        fail(f"{where}: the batch's BatchInfo names source {info.source!r} and file {info.file!r}")
    for f in POSTING_SCHEMA:
        if not f.nullable and batch.column(f.name).null_count:
            fail(f"{where}: column {f.name!r} has {batch.column(f.name).null_count} nulls; it may have none")
    rows = batch.column("row")
    if rows.null_count or (len(rows) and pc.min(rows).as_py() < 1):
        fail(f"{where}: every row needs its number as users see it (1-based) in column 'row'")
    scale = batch.column("amount_scale")
    if len(scale) and not 0 <= pc.min(scale).as_py() <= pc.max(scale).as_py() <= 18:
        fail(f"{where}: amount_scale must be the number of decimals the source wrote (0-18)")


def _counted(source: BatchSource, file: str, result: BatchRead) -> None:
    info = result.info
    if info.postings:
        fail(
            f"{source.name} on {file} sets ReadInfo.postings to {info.postings}; siu counts the rows of the "
            "batches itself, so the report would show them twice. Count only rows_read and info.skip(...)"
        )
    if info.rows_read != result.rows + info.rows_skipped:
        fail(
            f"{source.name} on {file}: {info.rows_read} rows read, but {result.rows} rows in batches + "
            f"{info.rows_skipped} skipped; every row must be in a batch or counted in ReadInfo.rows_skipped"
        )


def _agrees_with_read(source: BatchSource, path: Path, options: ReadOptions, result: BatchRead) -> None:
    info = ReadInfo()
    try:
        items: list[Any] = list(source.read(path, options, info))
    except Exception as exc:
        raise ContractFailure(f"{source.name}.read raised on {path.name}: {exc!r}") from exc
    postings = [i for i in items if isinstance(i, Posting)]
    from_batches = [p for b in result.batches for p in postings_of(b)]
    if kit.signature(postings) != kit.signature(from_batches):
        fail(
            f"{source.name}.read and read_batches give different postings for {path.name} "
            f"({kit.first_difference(from_batches, postings)})"
        )
    codes = [(f.code, f.location) for f in items if isinstance(f, Finding)]
    if codes != [(f.code, f.location) for f in result.findings]:
        fail(f"{source.name}.read and read_batches give different findings for {path.name}")
    if (info.rows_read, info.rows_skipped) != (result.info.rows_read, result.info.rows_skipped):
        fail(f"{source.name}.read and read_batches count the rows of {path.name} differently")


def check_batches(source: BatchSource, samples: Sequence[Any], workdir: Path) -> None:
    """The samples' batches (see :func:`check_batch`), counted by siu, read() agreeing with them,
    and bad input (empty, binary, missing, cut off, a garbage row) met with findings, not exceptions."""
    for sample in samples:
        result = read_batches_all(source, sample.path, sample.options)
        if result.error is not None:
            raise ContractFailure(
                f"{source.name}.read_batches raised on its own sample {sample.path.name}: {result.error!r}"
            ) from result.error
        if not result.rows:
            fail(f"{source.name}.read_batches gives no rows for {sample.path.name}")
        for batch in result.batches:
            check_batch(source, batch, sample.path.name)
        _counted(source, sample.path.name, result)
        _agrees_with_read(source, sample.path, sample.options, result)
    _bad_input(source, samples, workdir)


def _bad_input(source: BatchSource, samples: Sequence[Any], workdir: Path) -> None:
    sample = samples[0]
    foreign = kit.foreign_files([s.path.suffix for s in samples], workdir)
    truncated = workdir / "truncated" / sample.path.name
    truncated.parent.mkdir(parents=True, exist_ok=True)
    data = sample.path.read_bytes()
    truncated.write_bytes(data[: max(len(data) // 2, 1)])
    garbage = kit.with_garbage_row(sample.path, workdir / "garbage-row" / sample.path.name)
    for path in [*foreign, truncated, garbage]:
        what = kit.describe_foreign(path) if path in foreign else path.parent.name
        result = read_batches_all(source, path, sample.options)
        if result.error is not None:
            fail(f"{source.name}.read_batches raised on {what} input ({path.name}): {result.error!r}")
        if path in foreign and (result.rows or not result.findings):
            fail(f"{source.name}.read_batches gives {result.rows} rows and no finding for {what} input")
        if path == garbage and not result.findings:
            fail(f"{source.name}.read_batches says nothing about a row of garbage (expected a finding at it)")
        for batch in result.batches:
            check_batch(source, batch, path.name)
        check_findings(source.name, result.findings, f"{what} input")
        if path not in foreign:
            _counted(source, path.name, result)
