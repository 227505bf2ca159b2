"""SIU401's line keys on columns (siu.check.hashing): two lines get the same key exactly when
their ``Record.key()`` is equal (12,5 and 12,50 alike; None, "" and every text apart), whatever
batch or slice of a batch they are in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from siu.batches import BatchInfo, batch_of_records
from siu.check.hashing import line_keys, text_words
from siu.models import Location, Record

TEXTS, DAYS, AMOUNTS = ("psr_id", "kontostreng", "record_paragraph"), ("start", "end"), ("amount",)
PSR = st.one_of(st.none(), st.sampled_from(["", "0101801234", "0101801243", "1", "11", "æø", "a\x00"]), st.text())
DAY = st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), st.just(dt.date(1970, 1, 1)))
AMOUNT = st.one_of(
    st.sampled_from([Decimal("12.5"), Decimal("12.50"), Decimal("-12.5"), Decimal("0"), Decimal("-0.00")]),
    st.decimals(-(10**15), 10**15, places=4, allow_nan=False, allow_infinity=False),
)


@st.composite
def lines(draw: st.DrawFn) -> list[Record]:
    """Lines drawn from few values, so that equal lines are common."""
    n = draw(st.integers(1, 40))
    pool = draw(st.lists(st.tuples(PSR, st.sampled_from(["53850", "5385", ""]), DAY, DAY, AMOUNT), min_size=1))
    out = []
    for i in range(n):
        psr, konto, start, end, amount = draw(st.sampled_from(pool))
        paragraph = draw(st.sampled_from([None, "SEL108", "SEL10"]))
        out.append(
            Record(
                psr_id=psr,
                kontostreng=konto,
                paragraph=paragraph,
                area=None,
                amount=amount,
                start=start,
                end=end,
                locations=(Location(file="a.csv", row=i + 2),),
            )
        )
    return out


def keys_of(records: list[Record], cut: int) -> list[int]:
    """The keys, the lines cut into two batches at ``cut`` (texts meet different dictionaries)."""
    out: list[int] = []
    for part in (records[:cut], records[cut:]):
        if part:
            batch = batch_of_records(part, BatchInfo(source="t", file="a.csv"))
            out.extend(line_keys(batch, TEXTS, DAYS, AMOUNTS).tolist())
    return out


@given(lines(), st.integers(0, 40))
def test_equal_keys_exactly_for_equal_lines(records: list[Record], cut: int) -> None:
    keys = keys_of(records, cut)
    for a, ra in zip(keys, records, strict=True):
        for b, rb in zip(keys, records, strict=True):
            assert (a == b) == (ra.key() == rb.key()), (ra.key(), rb.key())


@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=1, max_size=30), st.integers(0, 30))
def test_text_words_do_not_depend_on_the_slice(texts: list[str | None], start: int) -> None:
    column = pa.array(texts, pa.string())
    start = start % len(texts)
    whole = text_words(column)[start:]
    assert np.array_equal(text_words(column.slice(start)), whole)
    assert np.array_equal(text_words(column.cast(pa.large_string()).slice(start)), whole)
