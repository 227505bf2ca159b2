"""What a writer is, and the safe way every writer's output reaches disk.

A writer streams delivery lines into a file in one of DST's formats: as Arrow record batches
(:meth:`Writer.write_batches`, plugin API 2; siu's own writers) or as one
:class:`~siu.models.Record` at a time (:meth:`Writer.write`, API 1). The pipeline hands it a
temporary file next to the target; the file is renamed into place only when the writer has
finished, the writer's own check (e.g. the XSD) passed and no rule found an error.
"""

from __future__ import annotations

import os
from abc import ABC
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from siu.base import safeio
from siu.batches import batches_of_records, decimal_of, records_of
from siu.models import DeliveryHeader, Finding, Record, Totals
from siu.specpack import SpecPack


class Writer(ABC):
    """A delivery format. Subclass it, set ``name``, ``suffix`` and ``description``, and return an
    instance from the ``register_writers`` hook."""

    name: str = ""
    suffix: str = ""
    description: str = ""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if (
            cls.write is Writer.write
            and cls.write_batches is Writer.write_batches
            and not getattr(cls, "__abstractmethods__", None)
        ):
            raise TypeError(f"writer {cls.__name__} must implement write_batches (API 2) or write (API 1)")

    def write(self, records: Iterable[Record], header: DeliveryHeader, spec: SpecPack, out: BinaryIO) -> None:
        """Write the delivery from records (API 1). ``header.totals`` is final only after ``records``
        is exhausted, so totals belong at the end of the file (a trailer), or the writer must buffer.
        By default the records are gathered into batches for :meth:`write_batches`."""
        self.write_batches(batches_of_records(records), header, spec, out)

    def write_batches(
        self, batches: Iterable[pa.RecordBatch], header: DeliveryHeader, spec: SpecPack, out: BinaryIO
    ) -> None:
        """Write the delivery from record batches (:data:`siu.batches.RECORD_SCHEMA`); what the
        engine calls. By default each row becomes a :class:`~siu.models.Record` for :meth:`write`;
        a writer that works on columns overrides this. ``header.totals`` is final only after
        ``batches`` is exhausted, as for :meth:`write`."""
        self.write(chain.from_iterable(records_of(b) for b in batches), header, spec, out)

    def check(self, path: Path, spec: SpecPack) -> Iterator[Finding]:
        """Check a finished file (e.g. against the spec pack's XSD); yield findings for problems."""
        return iter(())


def write_all(
    writer: Writer, batches: Iterator[pa.RecordBatch], header: DeliveryHeader, spec: SpecPack, out: BinaryIO
) -> bool:
    """Let ``writer`` write the delivery; True when it took every line (a writer may stop early,
    and then the delivery is incomplete). An API 1 writer is watched line by line."""
    if type(writer).write_batches is Writer.write_batches:  # API 1: the writer takes records
        records = chain.from_iterable(records_of(b) for b in batches)
        writer.write(records, header, spec, out)
        return next(records, None) is None
    writer.write_batches(batches, header, spec, out)
    return next(batches, None) is None


def add_totals(totals: Totals, batch: pa.RecordBatch) -> None:
    """Add the batch's lines to ``totals``: what :meth:`Totals.add` per line gives, to the digit.

    A sum of Decimals keeps the most decimals of its terms, so each sum is stated with the
    largest ``amount_scale`` of its lines (``12.5 + 0.25`` is ``12.75``, ``12.50 + 1`` is ``12.50``).
    """
    if batch.num_rows == 0:
        return
    amount, scale = batch.column("amount"), batch.column("amount_scale")
    revenue = pc.less(amount, pa.scalar(0, amount.type))
    totals.records += batch.num_rows
    for mask, name in ((pc.invert(revenue), "expenditure"), (revenue, "revenue")):
        if not pc.any(mask).as_py():
            continue
        total = pc.sum(pc.filter(amount, mask)).as_py()
        decimals = pc.max(pc.filter(scale, mask)).as_py()
        setattr(totals, name, getattr(totals, name) + decimal_of(total, decimals))


@contextmanager
def atomic_output(target: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """A temporary file beside ``target``; the caller renames it with :func:`commit` or it is removed.

    The temporary file is owner-only and named by :mod:`siu.base.safeio` (``.siu-tmp-<pid>-….tmp``,
    no personal data), so a later run recognises it if this one is killed.
    """
    fd, tmp_path = safeio.temp_file(target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh, tmp_path
            fh.flush()
            os.fsync(fh.fileno())  # on disk before the rename, so a crash never leaves a short delivery
    except BaseException:
        safeio.discard(tmp_path)
        raise


def commit(tmp_path: Path, target: Path) -> None:
    """Move a finished temporary file into place in one step (inside a
    :func:`siu.base.safeio.transaction`, at its end together with the run's other files)."""
    if not safeio.queue_commit(tmp_path, target):
        safeio.publish(tmp_path, target)
