"""A 64-bit key per line, on whole columns (numpy over Arrow buffers; private to SIU401).

Equal lines get equal keys: a date is its day number, an amount its decimal128 integer (the
column's scale is fixed, so 12,5 and 12,50 are one value), a text a hash of its bytes worked out
once per distinct value of the batch (a dictionary encode), a null a constant no value takes.
The words of a line are folded in one column at a time through splitmix64's finaliser, whose
every output bit depends on every input bit. Unequal lines share a key only by chance, about
n²/2⁶⁵ for n lines; the keys are the same in every process (Python's ``hash`` of a text is not).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_U64 = np.uint64
_GOLDEN = _U64(0x9E3779B97F4A7C15)  # splitmix64's increment
_M1, _M2 = _U64(0xBF58476D1CE4E5B9), _U64(0x94D049BB133111EB)
_NULL_DAY = _U64(1 << 40)  # no date32 (zero-extended 32 bits) takes this word
_NULL_TEXT = _U64(0x6A09E667F3BCC908)  # a constant for a null text (a text's word is a hash)
# A null amount: no decimal128(38, ·) reaches 2¹²⁷ - 1, whose high word this is.
_NULL_AMOUNT = (_U64(0), _U64((1 << 63) - 1))


def mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser on uint64 words (arithmetic modulo 2⁶⁴; returns a new array)."""
    with np.errstate(over="ignore"):
        x = x + _GOLDEN
        x = (x ^ (x >> _U64(30))) * _M1
        x = (x ^ (x >> _U64(27))) * _M2
    return x ^ (x >> _U64(31))


def text_words(column: pa.Array) -> np.ndarray:
    """A uint64 per row of a text column: a hash of the text's bytes (equal texts, equal words)."""
    encoded = pc.dictionary_encode(column)
    per_value = np.append(_bytes_hash(encoded.dictionary), _NULL_TEXT)  # a null points past the values
    return per_value[encoded.indices.fill_null(len(encoded.dictionary)).to_numpy(zero_copy_only=False)]


def _bytes_hash(texts: pa.Array) -> np.ndarray:
    """A hash per text (``texts`` has no nulls: a dictionary's values). The texts of one length
    at a time, as a matrix of 8-byte words, zero-padded: the length, then each word, folded in."""
    texts = texts.cast(pa.large_binary())  # one layout (64-bit offsets) for string and large_string
    _, offsets_buf, data_buf = texts.buffers()
    offsets = np.frombuffer(offsets_buf, np.int64, len(texts) + 1, texts.offset * 8)
    size = int(offsets[-1])
    data = np.frombuffer(data_buf, np.uint8, size) if size else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    counts = np.bincount(lengths)
    out = np.empty(len(texts), _U64)
    for length in np.flatnonzero(counts).tolist():
        if counts[length] == len(texts):  # all of one length (CPR numbers): the bytes are the matrix
            which: slice | np.ndarray = slice(None)
            rows = data[offsets[0] : offsets[-1]].reshape(len(texts), length)
        else:
            which = np.flatnonzero(lengths == length)
            rows = data[offsets[which][:, None] + np.arange(length)]
        block = np.zeros((len(rows), -(-length // 8) * 8), np.uint8)
        block[:, :length] = rows
        key = np.full(len(rows), _U64(length), _U64)
        for word in block.view(_U64).T:
            key = mix(key ^ word)
        out[which] = mix(key)
    return out


def day_words(column: pa.Array) -> np.ndarray:
    """A uint64 per row of a date32 column: its day number (nulls: a word no day takes)."""
    days = column.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False).astype(np.uint32).astype(_U64)
    if column.null_count:
        days[column.is_null().to_numpy(zero_copy_only=False)] = _NULL_DAY
    return days


def decimal_words(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The low and high 64 bits of a decimal128 column's integers (nulls: a value no decimal(38) takes)."""
    data = np.frombuffer(column.buffers()[1], _U64, 2 * len(column), column.offset * 16)
    low, high = data[0::2].copy(), data[1::2].copy()
    if column.null_count:
        null = column.is_null().to_numpy(zero_copy_only=False)
        low[null], high[null] = _NULL_AMOUNT
    return low, high


def line_keys(batch: pa.RecordBatch, texts: Sequence[str], days: Sequence[str], amounts: Sequence[str]) -> np.ndarray:
    """A 64-bit key per line (uint64) of the named text, date32 and decimal128 columns."""
    key = np.full(batch.num_rows, _U64(len(texts) + len(days) + len(amounts)), _U64)
    words: list[np.ndarray] = [text_words(batch.column(name)) for name in texts]
    words += [day_words(batch.column(name)) for name in days]
    for name in amounts:
        words.extend(decimal_words(batch.column(name)))
    for word in words:
        key = mix(key ^ word)
    return key
