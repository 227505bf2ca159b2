"""What a run found (private): the inputs read, the ledger per input, totals per paragraph, exclusions.

The conversion (:mod:`siu.convert.pipeline`) fills a :class:`RunResult`; the reports, the check file
beside a delivery and ``siu web`` read it. It lives here, below the run, so nothing that reports a
run imports the module that runs one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from siu.adapters import TOTAL_LINES, ReadInfo, ReadOptions
from siu.findings import FindingSink
from siu.models import DeliveryHeader
from siu.specpack import SpecPack


@dataclass
class InputSpec:
    """One input of a run: which adapter reads which file, with which options."""

    source: str
    path: Path
    options: ReadOptions = field(default_factory=ReadOptions)


@dataclass
class InputReport:
    """What the report says about one input."""

    source: str
    path: Path
    size: int
    sha256: str
    info: ReadInfo
    amount: Decimal = Decimal(0)  # of every posting read, excluded ones included
    expenditure: Decimal = Decimal(0)
    revenue: Decimal = Decimal(0)
    excluded_rows: int = 0  # postings left out on purpose by a mapping rule (exclude = true)
    excluded_amount: Decimal = Decimal(0)

    # The ledger: rows_read = delivered postings + excluded + skipped, and
    # read_amount = delivered_amount + excluded_amount + skipped_amount.
    @property
    def delivered_postings(self) -> int:
        return self.info.postings - self.excluded_rows

    @property
    def delivered_amount(self) -> Decimal:
        return self.amount - self.excluded_amount

    @property
    def skipped_amount(self) -> Decimal:
        """Money on skipped rows other than total lines (total lines restate money already read)."""
        return sum((v for r, v in self.info.skipped_money.items() if r != TOTAL_LINES), Decimal(0))

    @property
    def read_amount(self) -> Decimal:
        return self.amount + self.skipped_amount


@dataclass
class Exclusion:
    """Postings one mapping rule with ``exclude = true`` left out of the delivery."""

    rule: str
    rule_en: str
    reason: str
    rows: int = 0
    amount: Decimal = Decimal(0)


class Citizens:
    """The distinct CPR numbers of a paragraph's lines, kept as Arrow text (some 15 bytes each,
    where a Python set of strings takes about a hundred): added a batch at a time, merged when
    the parts outgrow what was merged last."""

    def __init__(self) -> None:
        self._parts: list[pa.Array] = []
        self._rows = self._merged = 0

    def update(self, values: pa.Array) -> None:
        """Add the non-empty values of a text column."""
        found = pc.unique(pc.filter(values, pc.fill_null(pc.not_equal(values, _EMPTY), False)))
        if len(found):
            self._parts.append(found)
            self._rows += len(found)
            if self._rows > max(2 * self._merged, 65_536):
                self._merge()

    def _merge(self) -> pa.Array:
        if len(self._parts) != 1:
            self._parts = [pc.unique(pa.concat_arrays(self._parts)) if self._parts else pa.array([], pa.string())]
            self._rows = self._merged = len(self._parts[0])
        return self._parts[0]

    def __len__(self) -> int:
        return len(self._merge())

    def __iter__(self) -> Iterator[str]:
        return iter(self._merge().to_pylist())


_EMPTY = pa.scalar("", pa.string())


@dataclass
class ParagraphTotals:
    citizens: Citizens = field(default_factory=Citizens)
    lines: int = 0
    expenditure: Decimal = Decimal(0)
    revenue: Decimal = Decimal(0)

    @property
    def net(self) -> Decimal:
        return self.expenditure + self.revenue


@dataclass
class RunResult:
    header: DeliveryHeader
    sink: FindingSink
    inputs: list[InputReport]
    spec: SpecPack
    output: Path | None = None
    written: bool = False
    outputs: list[Path] = field(default_factory=list)  # every file written (one per area with --split)
    area_headers: dict[str, DeliveryHeader] = field(default_factory=dict)  # per-area files' headers
    paragraphs: dict[str, ParagraphTotals] = field(default_factory=dict)
    anonymised: int = 0
    postings: int = 0
    input_amount: Decimal = Decimal(0)  # every posting read (see InputReport for the whole ledger)
    years: Counter[int] = field(default_factory=Counter)
    excluded: dict[str, Exclusion] = field(default_factory=dict)  # per mapping rule, in order of first use
    profile: Any = None  # siu.check.history.DeliveryProfile: months, citizens, the per-citizen view
    rounding: Any = None  # siu.accounts.rounding.RoundingSummary when the channel rounds amounts

    @property
    def ok(self) -> bool:
        return self.sink.ok

    @property
    def excluded_amount(self) -> Decimal:
        return sum((r.excluded_amount for r in self.inputs), Decimal(0))

    @property
    def skipped_amount(self) -> Decimal:
        return sum((r.skipped_amount for r in self.inputs), Decimal(0))

    @property
    def read_amount(self) -> Decimal:
        return sum((r.read_amount for r in self.inputs), Decimal(0))

    @property
    def balanced(self) -> bool:
        """The ledger balances: the postings delivered hold exactly the delivery's money."""
        return sum((r.delivered_amount for r in self.inputs), Decimal(0)) == self.header.totals.net
