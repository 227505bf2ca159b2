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

from siu.anonymise.hook import is_placeholder
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


def placeholder_mask(cpr_indices: np.ndarray, cpr_values: list[str | None], ctx: Context) -> np.ndarray:
    """Per row, whether its CPR cell is a configured placeholder (decided once per distinct cell;
    ``cpr_indices`` index ``cpr_values``, a missing cell the index after the last)."""
    if not ctx.settings.anonymisation.placeholders:
        return np.zeros(len(cpr_indices), dtype=bool)
    per_value = np.array([is_placeholder(v, ctx) for v in cpr_values] + [False], dtype=bool)
    return per_value[cpr_indices]


OWN_HOOK_READS = ("cpr", "record_paragraph", "anonymous", "birth_date", "sex")
"""The columns siu's own hook decides by: rows alike in these get one call."""


def anonymised(
    batch: pa.RecordBatch, rows: np.ndarray, hook: Anonymise, ctx: Context, reads: tuple[str, ...] | None
) -> tuple[dict[int, str], list[tuple[int, Finding]]]:
    """For the candidate ``rows`` of a record batch: the new PsrID per row the hook anonymised,
    and the findings it gave (each at its row). The hook is called once per distinct combination
    of the columns it ``reads`` (every column but ``row`` when None)."""
    if not len(rows):
        return {}, []
    picked = batch.take(pa.array(rows))
    names = reads or tuple(n for n in picked.schema.names if n != "row")
    keys = list(zip(*(picked.column(n).to_pylist() for n in names), strict=True))
    first: dict[tuple[Any, ...], int] = {}
    for j, key in enumerate(keys):
        first.setdefault(key, j)
    asked = picked.take(pa.array(list(first.values())))
    answers = {
        key: hook(record=record, posting=posting, context=ctx)
        for key, record, posting in zip(first, records_of(asked), postings_of(asked), strict=True)
    }
    info = info_of(batch)
    numbers = picked.column("row").to_pylist()
    new_ids: dict[int, str] = {}
    findings: list[tuple[int, Finding]] = []
    for j, (i, key) in enumerate(zip(rows.tolist(), keys, strict=True)):
        answer = answers[key]
        if isinstance(answer, str):
            new_ids[i] = answer
        elif isinstance(answer, Finding):
            findings.append((i, answer if first[key] == j else relocated(answer, info.location(numbers[j]))))
    return new_ids, findings
