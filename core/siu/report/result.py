"""What a run found (private): the inputs read, the ledger per input, totals per paragraph, exclusions.

The conversion (:mod:`siu.convert.pipeline`) fills a :class:`RunResult`; the reports, the check file
beside a delivery and ``siu web`` read it. It lives here, below the run, so nothing that reports a
run imports the module that runs one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

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


@dataclass
class ParagraphTotals:
    citizens: set[str] = field(default_factory=set)
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
