"""Column kernels siu's record rules build their masks from (private).

A mask selects every row a rule's record check could flag, and as few others as the columns
allow: clean data materialises no record. What the spec pack decides about a value (is this
function in scope) is asked once per distinct value and broadcast; what arithmetic decides (is
this CPR's birth date real) is computed on the whole column.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from siu.base import cpr

# Constants go to the kernels as typed scalars: for an untyped Python value pyarrow tries to
# import dateutil on every call, some 70 µs each where it is not installed. They are made when
# used, not at import: the first Arrow value starts Arrow's allocator (some 5 MB), which a run
# that never checks a batch (the per-line engine) need not pay.


def false() -> pa.Scalar:
    """``False`` as a typed scalar for a kernel (``fill_null``)."""
    return pa.scalar(False, pa.bool_())


def int64(value: int) -> pa.Scalar:
    """``value`` as a typed scalar for a kernel."""
    return pa.scalar(value, pa.int64())


def text(value: str) -> pa.Scalar:
    """``value`` as a typed scalar for a kernel."""
    return pa.scalar(value, pa.string())


def truthy(column: pa.Array) -> pa.Array:
    """True where a text is neither null nor empty (Python's ``bool`` of the value), never null."""
    return pc.fill_null(pc.greater(pc.binary_length(column), int64(0)), false())


def per_distinct_pair(first: pa.Array, second: pa.Array, decide: Callable[[str, str], bool]) -> pa.Array:
    """``decide(first, second or "")`` per row, called once per distinct pair; rows whose
    ``first`` is null are false. The pair is keyed by its two dictionary indices (integers hash
    far faster than joined texts)."""
    one, two = pc.dictionary_encode(first), pc.dictionary_encode(pc.fill_null(second, text("")))
    width = max(len(two.dictionary), 1)
    keys = pc.add(pc.multiply(pc.cast(one.indices, pa.int64()), int64(width)), pc.cast(two.indices, pa.int64()))
    firsts, seconds = one.dictionary.to_pylist(), two.dictionary.to_pylist()
    distinct = pc.unique(pc.drop_null(keys)).to_pylist()
    yes = [k for k in distinct if decide(firsts[k // width], seconds[k % width])]
    return pc.fill_null(pc.is_in(keys, pa.array(yes, pa.int64())), false())


@cache
def _real_ddmm() -> pa.Array:
    """Indexed by DDMM (0-3112): whether it is a day of some year (29 February included)."""
    days = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    real = [False] * 3200
    for month, last in enumerate(days, start=1):
        for day in range(1, last + 1):
            real[day * 100 + month] = True
    return pa.array(real, pa.bool_())


_LEAP_DAY = 2902


def _leap_year(number: pa.Array) -> pa.Array:
    """Whether the birth year of ten-digit CPRs (as integers) is a leap year.

    The century (:func:`siu.base.cpr.century`): 1900 for a seventh digit 0-3; 4 and 9: 2000 up to
    yy 36, else 1900; 5-8: 2000 up to yy 57, else 1800. Of 1800, 1900 and 2000 only 2000 leaps."""
    ddmmyy, ddmmyyc = pc.divide(number, int64(10_000)), pc.divide(number, int64(1_000))
    yy = pc.subtract(ddmmyy, pc.multiply(pc.divide(ddmmyy, int64(100)), int64(100)))
    seventh = pc.subtract(ddmmyyc, pc.multiply(ddmmyy, int64(10)))
    four_or_nine = pc.or_(pc.equal(seventh, int64(4)), pc.equal(seventh, int64(9)))
    late = pc.if_else(four_or_nine, pc.less_equal(yy, int64(36)), pc.less_equal(yy, int64(57)))
    in_2000s = pc.and_(pc.greater(seventh, int64(3)), late)
    every_fourth = pc.equal(pc.subtract(yy, pc.multiply(pc.divide(yy, int64(4)), int64(4))), int64(0))
    return pc.and_(every_fourth, pc.or_(pc.not_equal(yy, int64(0)), in_2000s))


def birth_date_real(cprs: pa.Array) -> pa.Array:
    """True where a text is ten ASCII digits whose DDMMYY and seventh digit make a real date
    (what :func:`siu.base.cpr.birth_date` accepts, less its oddities); null rows are false.

    Integer arithmetic on the column, the day and month by table: cheaper than hashing each CPR
    to work once per distinct one (a run may have a new CPR on every line)."""
    shaped = pc.fill_null(pc.and_(pc.equal(pc.binary_length(cprs), int64(10)), pc.ascii_is_decimal(cprs)), false())
    if not pc.all(shaped).as_py():
        cprs = pc.if_else(shaped, cprs, text("0101000000"))  # a placeholder keeps the cast total
    number = pc.cast(cprs, pa.int64())
    ddmm = pc.divide(number, int64(1_000_000))
    real = pc.and_(shaped, pc.take(_real_ddmm(), pc.if_else(pc.less(ddmm, int64(3200)), ddmm, int64(0))))
    leap_day = pc.equal(ddmm, int64(_LEAP_DAY))
    if pc.any(leap_day).as_py():  # 29 February: only in a leap year
        real = pc.and_(real, pc.or_(pc.invert(leap_day), _leap_year(number)))
    return real


def birth_dates(cprs: pa.Array) -> pa.Array:
    """The birth date each CPR encodes (:func:`siu.base.cpr.birth_date`; null where none): ten
    ASCII digits by integer arithmetic on the column, any other text once per distinct text."""
    shaped = pc.fill_null(pc.and_(pc.equal(pc.binary_length(cprs), int64(10)), pc.ascii_is_decimal(cprs)), false())
    real = np.asarray(birth_date_real(cprs).to_numpy(zero_copy_only=False), dtype=bool)
    number = pc.cast(pc.if_else(shaped, cprs, text("0101000000")), pa.int64()).to_numpy(zero_copy_only=False)
    day, month = number // 10**8, number // 10**6 % 100
    yy, seventh = number // 10**4 % 100, number // 1000 % 10
    century = np.select(  # as siu.base.cpr.century
        [seventh <= 3, (seventh == 4) | (seventh == 9)],
        [1900, np.where(yy <= 36, 2000, 1900)],
        np.where(yy <= 57, 2000, 1800),
    )
    dates = pa.array(_days_since_epoch(century + yy, month, day).astype(np.int32), pa.date32(), mask=~real)
    others = pc.and_(pc.invert(shaped), pc.is_valid(cprs))
    if not pc.any(others).as_py():
        return dates
    texts = pc.unique(pc.filter(cprs, others))
    found = pa.array([cpr.birth_date(t) for t in texts.to_pylist()], pa.date32())
    return pc.if_else(shaped, dates, found.take(pc.index_in(cprs, value_set=texts)))


def _days_since_epoch(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days from 1970-01-01 to each proleptic Gregorian date (H. Hinnant's days_from_civil)."""
    year = year - (month <= 2)
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468
