"""BatchSpool: batches held on disk come back as they went in (columns, types, each batch's own
metadata, order), the kept columns stay in memory, and the file goes when the spool is closed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siu.base.batch_spool import BatchSpool
from siu.batches import BatchInfo, batch_of_records, info_of
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


def test_a_batch_of_another_schema_is_refused() -> None:
    with BatchSpool() as spool:
        spool.add(_batch([("0101901234", Decimal(1))], "a.csv"))
        with pytest.raises(pa.ArrowInvalid):
            spool.add(pa.record_batch({"amount": [1]}))


def test_close_removes_the_file_and_the_kept_columns() -> None:
    spool = BatchSpool(keep=("amount",))
    spool.add(_batch([("0101901234", Decimal(1))], "a.csv"))
    held = spool._file
    assert held is not None and not held.closed
    spool.close()
    assert held.closed  # an unnamed temporary file: closing it frees its space
    with pytest.raises(ValueError, match="handed over"):
        spool.column("amount")
