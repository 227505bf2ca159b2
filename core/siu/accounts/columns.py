"""Accounts on columns: exclusions and the ``map_account`` hook, once per distinct account.

A year's ledger repeats a few hundred combinations of account dimensions over a million lines.
The batch's dimension columns are joined into one key column and dictionary-encoded; the hook is
called once per key the run has not seen (with the first posting that has it), and its answer is
broadcast to the rows with ``take``. Findings are built only for rows whose account fails, each
at its own row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from siu.batches import DIM_COLUMNS, info_of, postings_of
from siu.catalogue.accounts import NO_ART, UNMAPPED
from siu.context import Context
from siu.mapping import MappingRule, describe_dims, mapping_for
from siu.models import AccountMapping, Finding, Posting, relocated

T = TypeVar("T")

_KEY_COLUMNS = tuple(f"dim_{name}" for name in DIM_COLUMNS)
_NULL = "\x00"  # stands for a missing dimension in the key (never in a cell siu keeps)
_SEP = "\x1f"

ACCOUNT_COLUMNS = ("kontostreng", "kind", "function", "dranst", "art", "account_text", "record_paragraph")
"""The columns the account stage adds (see :data:`siu.batches.RECORD_FIELDS`)."""


@dataclass(frozen=True)
class Answer:
    """What one distinct account comes to: excluded by a rule, mapped (the column values), or a
    finding for each of its rows (``finding`` is the first row's; the others get their own location)."""

    excluded: MappingRule | None = None
    values: tuple[str | None, ...] = (None,) * 7  # in ACCOUNT_COLUMNS order
    finding: Finding | None = None


def account_keys(batch: pa.RecordBatch) -> pa.DictionaryArray:
    """One key per row naming its combination of account dimensions (dictionary-encoded)."""
    parts = [pc.fill_null(batch.column(name), _NULL) for name in _KEY_COLUMNS]
    other = batch.column("dims_other")
    if other.null_count < len(other):  # a plugin's own dimensions: part of the key too (rare)
        parts.append(pa.array([repr(sorted(v)) if v else _NULL for v in other.to_pylist()], pa.string()))
    joined = pc.binary_join_element_wise(*parts, _SEP)
    return pc.dictionary_encode(joined)


def first_rows(indices: np.ndarray, count: int) -> np.ndarray:
    """For each of ``count`` dictionary entries, the first row that has it."""
    first = np.full(count, -1, dtype=np.int64)
    seen, where = np.unique(indices, return_index=True)
    first[seen] = where
    return first


def answers_per_key(
    batch: pa.RecordBatch, known: dict[str, T], answer: Callable[[Posting], T]
) -> tuple[np.ndarray, list[T]]:
    """Per row, the index of its answer in the returned list (one per distinct account key of the
    batch). ``answer`` is called with the first posting of each key not in ``known`` yet, and its
    answer kept there for the batches after."""
    keys = account_keys(batch)
    indices = keys.indices.to_numpy(zero_copy_only=False)
    names: list[str] = keys.dictionary.to_pylist()
    missing = [i for i, name in enumerate(names) if name not in known]
    if missing:
        first = first_rows(indices, len(names))
        sample = batch.take(pa.array(first[missing]))
        for i, posting in zip(missing, postings_of(sample), strict=True):
            known[names[i]] = answer(posting)
    return indices, [known[name] for name in names]


class AccountStage:
    """Exclusions and mapping for a run: one :class:`Answer` per distinct account, kept for the
    run in the order the accounts were first seen, with the columns they come to (one value per
    account) built again only when a batch brings accounts the run has not seen."""

    def __init__(self, map_account: Any, ctx: Context) -> None:
        self._map_account = map_account  # the hook: called with posting= and context=
        self._ctx = ctx
        self._ids: dict[str, int] = {}  # account key → its place in self.answers
        self.answers: list[Answer] = []
        self._columns: dict[str, pa.Array] = {}
        self._excluded = self._failing = np.zeros(0, dtype=bool)

    def rows(self, batch: pa.RecordBatch) -> np.ndarray:
        """Per row of the batch, the place of its account's answer in :attr:`answers`."""
        indices, ids = answers_per_key(batch, self._ids, self._new_account)
        if len(self._excluded) != len(self.answers):
            self._tabulate()
        return np.asarray(ids, dtype=np.int64)[indices]

    def excluded(self, rows: np.ndarray) -> np.ndarray:
        """Which of the rows (as :meth:`rows` gives them) a mapping rule excludes."""
        return self._excluded[rows]

    def failing(self, rows: np.ndarray) -> np.ndarray:
        """Which of the rows have an account that gives a finding."""
        return self._failing[rows]

    def columns(self, rows: np.ndarray) -> dict[str, pa.Array]:
        """The account columns (:data:`ACCOUNT_COLUMNS`) of the rows, each account's values broadcast to its rows."""
        take = pa.array(rows)
        return {name: values.take(take) for name, values in self._columns.items()}

    def _new_account(self, posting: Posting) -> int:
        self.answers.append(self._answer(posting))
        return len(self.answers) - 1

    def _tabulate(self) -> None:
        """Add the accounts seen since the last call to the per-account arrays."""
        new = self.answers[len(self._excluded) :]
        self._excluded = np.concatenate([self._excluded, [a.excluded is not None for a in new]]).astype(bool)
        self._failing = np.concatenate([self._failing, [a.finding is not None for a in new]]).astype(bool)
        for k, name in enumerate(ACCOUNT_COLUMNS):
            part = pa.array([a.values[k] for a in new], pa.string())
            self._columns[name] = pa.concat_arrays([self._columns[name], part]) if name in self._columns else part

    def _answer(self, posting: Posting) -> Answer:
        rule = _excluded_by(posting, self._ctx)
        if rule is not None:
            return Answer(excluded=rule)
        mapped = self._map_account(posting=posting, context=self._ctx)
        paragraph: str | None = posting.dims.get("paragraph") or None
        if isinstance(mapped, AccountMapping):
            account = mapped.kontostreng
            if account.art is None:  # a plugin's answer without art
                return Answer(values=_unmapped(paragraph), finding=NO_ART.make(location=posting.location, field="art"))
            spec = self._ctx.spec
            entry = spec.chart_entry(account.function, account.dranst, account.gruppering)
            paragraph = mapped.paragraph or paragraph
            if paragraph is None and entry is not None:
                paragraph = entry.paragraph
            kind = account.kind.value if account.kind is not None else None
            rendered = account.render(spec.kontostreng_pattern)
            values = (rendered, kind, account.function, account.dranst, account.art_dotted, str(account), paragraph)
            return Answer(values=values)
        if isinstance(mapped, Finding):
            return Answer(values=_unmapped(paragraph), finding=mapped)
        unmapped = UNMAPPED.make(
            location=posting.location,
            field="account",
            dims=describe_dims(posting.dims),
            dims_en=describe_dims(posting.dims, "en"),
        )
        return Answer(values=_unmapped(paragraph), finding=unmapped)


def _unmapped(paragraph: str | None) -> tuple[str | None, ...]:
    return (None, None, None, None, None, None, paragraph)


def _excluded_by(posting: Posting, ctx: Context) -> MappingRule | None:
    """The mapping rule with ``exclude = true`` that decides ``posting``, if any (first match wins,
    as for every mapping rule)."""
    mapping = mapping_for(ctx)
    if mapping is None or not mapping.excludes:
        return None
    found = mapping.find(posting.dims)
    return found if found is not None and found.exclude else None


def account_findings(
    batch: pa.RecordBatch, rows: np.ndarray, failing: np.ndarray, answers: list[Answer]
) -> list[tuple[int, Finding]]:
    """The findings of the batch's rows whose account failed (``failing``), in row order;
    ``rows`` gives each row's place in ``answers``."""
    if not failing.any():
        return []
    info = info_of(batch)
    numbers = batch.column("row").to_pylist()
    out = []
    for i in np.flatnonzero(failing).tolist():
        finding = answers[rows[i]].finding
        assert finding is not None
        out.append((i, relocated(finding, info.location(numbers[i]))))
    return out
