"""BatchSpool: batches held on disk come back as they went in (columns, types, each batch's own
metadata, order), the kept columns stay in memory, and the file goes when the spool is closed."""

from __future__ import annotations

import datetime as dt
import errno
import gc
import os
import sys
from decimal import Decimal
from types import SimpleNamespace

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siu.base import batch_spool
from siu.base.batch_spool import BatchSpool
from siu.batches import BatchInfo, batch_of_records, info_of
from siu.demo import DEMO_DIR
from siu.models import Location, Record


def _batch(values: list[tuple[str | None, Decimal]], file: str) -> pa.RecordBatch:
    records = [
        Record(
            psr_id=cpr,
            kontostreng="53850000140",
            paragraph="SEL107",
            area="voksen",
            amount=amount,
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 1, 31),
            locations=(Location(file=file, row=i + 2),),
        )
        for i, (cpr, amount) in enumerate(values)
    ]
    return batch_of_records(records, BatchInfo(source="test", file=file))


lines = st.lists(
    st.tuples(
        st.sampled_from(["0101901234", "", None]),
        st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False).map(
            lambda d: d.copy_abs() if d.is_zero() else d
        ),
    ),
    max_size=20,
)


@settings(max_examples=40, deadline=None)
@given(st.lists(lines, max_size=5))
def test_batches_come_back_as_they_went_in(cuts: list[list[tuple[str | None, Decimal]]]) -> None:
    batches = [_batch(values, f"in{i}.csv") for i, values in enumerate(cuts)]
    with BatchSpool(keep=("psr_id", "amount")) as spool:
        for batch in batches:
            spool.add(batch)
        assert spool.num_rows == sum(b.num_rows for b in batches)
        if batches:
            for name in ("psr_id", "amount"):
                assert spool.column(name).equals(pa.concat_arrays([b.column(name) for b in batches]))
                with pytest.raises(ValueError, match="handed over"):
                    spool.column(name)  # the spool let go of it
        back = list(spool.batches())
    assert len(back) == len(batches)
    for got, want in zip(back, batches):
        assert got.equals(want, check_metadata=True)
        assert info_of(got) == info_of(want)  # each batch its own input, though the stream has one schema


def test_an_empty_spool_reads_nothing_and_keeps_nothing() -> None:
    with BatchSpool(keep=("amount",)) as spool:
        assert list(spool.batches()) == []
        with pytest.raises(ValueError, match="no batch"):
            spool.column("amount")


def test_a_read_spool_reads_again_and_takes_nothing_more() -> None:
    batch = _batch([("0101901234", Decimal(1))], "a.csv")
    with BatchSpool() as spool:
        spool.add(batch)
        assert [b.num_rows for b in spool.batches()] == [1]
        assert [b.equals(batch, check_metadata=True) for b in spool.batches()] == [True]  # read again
        with pytest.raises(ValueError, match="was read"):
            spool.add(batch)


def test_batches_of_other_schemas_come_back_with_their_own() -> None:
    # inputs differ, e.g. in whether a column may hold nulls (an xlsx input's ``anonymised``)
    first = _batch([("0101901234", Decimal(1))], "a.csv")
    strict = first.schema.set(
        first.schema.get_field_index("anonymised"), first.schema.field("anonymised").with_nullable(False)
    )
    second = pa.RecordBatch.from_arrays(first.columns, schema=strict)
    other = pa.record_batch({"amount": [1, 2]}).replace_schema_metadata({"k": "v"})
    batches = [first, second, second, first, other]
    with BatchSpool() as spool:
        for batch in batches:
            spool.add(batch)
        back = list(spool.batches())
    assert len(back) == len(batches)
    for got, want in zip(back, batches):
        assert got.schema.equals(want.schema, check_metadata=True)
        assert got.equals(want, check_metadata=True)


def test_close_removes_the_file_and_the_kept_columns() -> None:
    spool = BatchSpool(keep=("amount",))
    spool.add(_batch([("0101901234", Decimal(1))], "a.csv"))
    held = spool._file
    assert held is not None and not held.closed
    spool.close()
    assert held.closed  # an unnamed temporary file: closing it frees its space
    with pytest.raises(ValueError, match="handed over"):
        spool.column("amount")


def test_a_full_disk_under_the_spool_is_a_clear_error_and_no_delivery(siu, tmp_path, monkeypatch) -> None:
    # --format xlsx rounds to whole kroner, so the lines go through the spool; every write fails
    monkeypatch.setattr(batch_spool, "tempfile", SimpleNamespace(TemporaryFile=lambda: open("/dev/full", "w+b")))
    ignored: list[object] = []  # what Python would print as "Exception ignored in: ..."
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)
    out = tmp_path / "out"
    args = ["convert", "--source", "opus", DEMO_DIR / "opus-udtraek-2025.csv", "--config", DEMO_DIR / "siu.toml"]
    run = siu(*args, "--format", "xlsx", "--quiet", "--out", out)
    assert run.exit_code == 2, run.output
    assert run.exception is None, run.exception
    assert os.strerror(errno.ENOSPC) in run.stderr
    assert run.stderr.strip().splitlines()[-1] == "Ingen leverance skrevet."
    assert not out.exists() or list(out.iterdir()) == []
    gc.collect()
    assert ignored == []  # openpyxl's writer of the abandoned sheet was ended, not left to complain
