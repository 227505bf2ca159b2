"""§ 109 anonymisation on columns: which rows may be anonymous is decided on whole columns; the
``anonymise`` hook is called only for those, once per distinct input it can see.

With siu's own hook alone, a row is a candidate when the source flags it anonymous, when its CPR
cell is one of the configured placeholders, or when ``anonymise_all_109`` is on; every other row
keeps its CPR without a call. A plugin's ``anonymise`` may look at anything in the posting, so
then every row is a candidate, and rows that show the hook the same values share one call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from siu.anonymise.hook import is_placeholder, placeholders
from siu.batches import info_of, postings_of, records_of
from siu.context import Context
from siu.models import Finding, relocated

Anonymise = Callable[..., "str | Finding | None"]


def candidates(batch: pa.RecordBatch, cpr_placeholder: np.ndarray, ctx: Context, only_own_hook: bool) -> np.ndarray:
    """The rows the hook must see (a boolean mask)."""
    n = batch.num_rows
    if not only_own_hook or ctx.settings.anonymisation.anonymise_all_109:
        return np.ones(n, dtype=bool)
    flagged = pc.fill_null(batch.column("anonymous"), False).to_numpy(zero_copy_only=False)
    return np.asarray(flagged, dtype=bool) | cpr_placeholder


def placeholder_mask(cells: pa.Array, numbers: pa.Array, ctx: Context) -> np.ndarray:
    """Per row, whether its CPR cell is a configured placeholder (:func:`~siu.anonymise.hook.is_placeholder`):
    on the columns where the cell or its ten digits (``numbers``) are one; a cell that is no CPR
    is asked once per distinct text."""
    configured = placeholders(ctx)
    if not configured:
        return np.zeros(len(cells), dtype=bool)
    known = pa.array(sorted(configured), pa.string())
    found = pc.or_(pc.is_in(cells, value_set=known), pc.is_in(numbers, value_set=known))
    other = pc.and_(pc.is_null(numbers), pc.is_valid(cells))
    texts = pc.unique(pc.filter(cells, other))
    if len(texts):
        named = pa.array([is_placeholder(v, ctx) for v in texts.to_pylist()], pa.bool_())
        found = pc.or_(found, pc.fill_null(named.take(pc.index_in(cells, value_set=texts)), False))
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)


OWN_HOOK_READS = ("cpr", "record_paragraph", "anonymous", "birth_date", "sex")
"""The columns siu's own hook decides by: rows alike in these get one call."""


class AnonymiseStage:
    """The ``anonymise`` hook over a run's batches: for the candidate rows of a record batch, the
    new PsrID per row the hook anonymised and the findings it gave (each at its row). The hook is
    called once per distinct combination of the columns it ``reads`` (every column but ``row``
    when None). With ``reads`` given (siu's own hook) an answer holds for the whole run, so a
    citizen is asked once, not once per batch; a plugin's hook, which sees every column, is asked
    per batch (its keys are nearly as many as the lines, and a run must not keep them)."""

    def __init__(self, hook: Anonymise, ctx: Context, reads: tuple[str, ...] | None) -> None:
        self._hook = hook
        self._ctx = ctx
        self._reads = reads
        self._answers: dict[tuple[Any, ...], str | Finding | None] = {}

    def __call__(self, batch: pa.RecordBatch, rows: np.ndarray) -> tuple[dict[int, str], list[tuple[int, Finding]]]:
        if not len(rows):
            return {}, []
        picked = batch.take(pa.array(rows))
        names = self._reads or tuple(n for n in picked.schema.names if n != "row")
        keys = list(zip(*(picked.column(n).to_pylist() for n in names), strict=True))
        answers = self._answers if self._reads is not None else {}
        first: dict[tuple[Any, ...], int] = {}
        for j, key in enumerate(keys):
            if key not in answers:
                first.setdefault(key, j)
        asked = picked.take(pa.array(list(first.values()), pa.int64()))
        for key, record, posting in zip(first, records_of(asked), postings_of(asked), strict=True):
            answers[key] = self._hook(record=record, posting=posting, context=self._ctx)
        info = info_of(batch)
        numbers = picked.column("row").to_pylist()
        new_ids: dict[int, str] = {}
        findings: list[tuple[int, Finding]] = []
        for j, (i, key) in enumerate(zip(rows.tolist(), keys, strict=True)):
            answer = answers[key]
            if isinstance(answer, str):
                new_ids[i] = answer
            elif isinstance(answer, Finding):
                findings.append((i, answer if first.get(key) == j else relocated(answer, info.location(numbers[j]))))
        return new_ids, findings
