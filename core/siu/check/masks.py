"""Column kernels siu's record rules build their masks from (private).

A mask selects every row a rule's record check could flag, and as few others as the columns
allow: clean data materialises no record. Work that depends on a value (is this paragraph in
scope, is this CPR's birth date real) is done once per distinct value and broadcast.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

_NOT_DIGITS_OR_TOO_SHORT = r"^[0-9]{10}$"


def truthy(column: pa.Array) -> pa.Array:
    """True where a text is neither null nor empty (Python's ``bool`` of the value), never null."""
    return pc.fill_null(pc.greater(pc.utf8_length(column), 0), False)


def per_distinct(column: pa.Array, decide: Callable[[str], bool]) -> pa.Array:
    """``decide`` of each row's text, called once per distinct text; null rows are false."""
    encoded = pc.dictionary_encode(column)
    verdicts = pa.array([decide(v) for v in encoded.dictionary.to_pylist()], pa.bool_())
    return pc.fill_null(pc.take(verdicts, encoded.indices), False)


def joined(first: pa.Array, second: pa.Array) -> pa.Array:
    """Two text columns as one key per row (``second`` null reads as empty), for :func:`per_distinct`."""
    return pc.binary_join_element_wise(first, pc.fill_null(second, ""), "\x1f")


def _birth_dates_real(cprs: pa.Array) -> pa.Array:
    """True where a text is ten digits whose DDMMYY and seventh digit make a real date
    (:func:`siu.base.cpr.birth_date`); on distinct values."""
    shaped = pc.match_substring_regex(cprs, _NOT_DIGITS_OR_TOO_SHORT)
    digits = pc.if_else(shaped, cprs, "0101000000")  # a placeholder keeps the casts below total
    yy = pc.cast(pc.utf8_slice_codeunits(digits, 4, 6), pa.int16())
    seventh = pc.cast(pc.utf8_slice_codeunits(digits, 6, 7), pa.int16())
    # the century: 0-3 → 1900; 4 and 9 → 2000 up to yy 36, else 1900; 5-8 → 2000 up to yy 57, else 1800
    late = pc.if_else(pc.less_equal(yy, 36), 2000, 1900)
    early = pc.if_else(pc.less_equal(yy, 57), 2000, 1800)
    four_or_nine = pc.or_(pc.equal(seventh, 4), pc.equal(seventh, 9))
    century = pc.if_else(pc.less_equal(seventh, 3), 1900, pc.if_else(four_or_nine, late, early))
    year = pc.cast(pc.add(century, yy), pa.string())
    month, day = pc.utf8_slice_codeunits(digits, 2, 4), pc.utf8_slice_codeunits(digits, 0, 2)
    text = pc.binary_join_element_wise(year, month, day, "-")
    # strptime rolls 31 February over into March: a date is real when its day reads back
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    same_day = pc.equal(pc.day(parsed), pc.cast(day, pa.int64()))
    return pc.fill_null(pc.and_(shaped, same_day), False)


def birth_date_real(cprs: pa.Array) -> pa.Array:
    """True where a CPR's first seven digits give a real birth date; null rows are false.
    Computed once per distinct CPR (a ledger repeats each citizen on many lines)."""
    encoded = pc.dictionary_encode(cprs)
    return pc.fill_null(pc.take(_birth_dates_real(encoded.dictionary), encoded.indices), False)
