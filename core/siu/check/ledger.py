"""The ledger of rows and money: every input row ends in exactly one place.

A row of an input is a delivery line, a posting excluded on purpose by a mapping rule
(``exclude = true``), or a skipped row counted with its reason and, where it has a readable
amount, its money. An export's own total lines ("I alt", "Total", "Sum", "Saldo", ALV's ``*``
and ``**`` rows) are skipped too, but their amounts are checked against the postings read
(:class:`TotalsCheck`) instead of being counted as money skipped: they restate money already
read. The report's money line is this ledger's balance per input (see :mod:`siu.report.console`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from siu.base.cpr import mask_cpr
from siu.base.i18n import kroner
from siu.catalogue.check_ledger import TOTAL_MISMATCH, TOTALS_AGREE  # noqa: F401  (re-exported)
from siu.models import Finding, Location

# Disagreement up to this many kroner is rounding (exports print totals rounded to whole kroner).
ROUNDING = Decimal(1)


def _krone(amount: Decimal) -> int:
    return int(amount.to_integral_value(rounding=ROUND_FLOOR))


@dataclass
class TotalsCheck:
    """Checks an export's total lines against the postings read, as the rows stream past.

    A total line agrees when its amount equals, within :data:`ROUNDING`, the sum of the postings
    read since the start of the file or since some earlier total line (so per-account subtotals,
    page subtotals and the grand total all agree, nested or not). A total line before the first
    posting (a summary at the top) is checked against the whole file at the end.
    """

    file: str
    sheet: str | None = None
    column: str | None = None  # the amount column's header, for the findings' location
    cumulative: Decimal = Decimal(0)
    postings: int = 0
    checked: int = 0
    agreed: int = 0
    # the cumulative sum at the start and at every total line so far, by whole krone (floor), so
    # a lookup within ROUNDING is constant time however many (per-citizen) subtotals there are
    # (a set per bucket: zero-sum blocks repeat one value, and cents give at most 100 per krone)
    _marks: dict[int, set[Decimal]] = field(default_factory=lambda: {0: {Decimal(0)}})
    _last_mark: Decimal = Decimal(0)
    _leading: list[tuple[int, Decimal, bool]] = field(default_factory=list)

    def posting(self, amount: Decimal) -> None:
        self.cumulative += amount
        self.postings += 1

    def total(self, row: int, amount: Decimal, signed: bool = True) -> Finding | None:
        """Check one total line (``signed`` False: the sign was not stated, either sign agrees)."""
        self.checked += 1
        if self.postings == 0:
            self._leading.append((row, amount, signed))
            return None
        found = self._agrees(self.cumulative, amount, signed)
        self._marks.setdefault(_krone(self.cumulative), set()).add(self.cumulative)
        block = self.cumulative - self._last_mark
        self._last_mark = self.cumulative
        if found:
            self.agreed += 1
            return None
        return self._mismatch(row, amount, block, signed)

    def finish(self) -> list[Finding]:
        """Findings for leading total lines, then the agreement note (info) for the file."""
        out: list[Finding] = []
        for row, amount, signed in self._leading:
            if self.postings and (
                abs(self.cumulative - amount) <= ROUNDING or (not signed and abs(self.cumulative + amount) <= ROUNDING)
            ):
                self.agreed += 1
            elif self.postings:
                out.append(self._mismatch(row, amount, self.cumulative, signed))
            else:
                self.checked -= 1  # no posting at all: nothing to check it against (SIU034 says why)
        if self.agreed:
            out.append(
                TOTALS_AGREE.make(
                    location=Location(file=self.file, sheet=self.sheet), count=self.agreed, file=mask_cpr(self.file)
                )
            )
        return out

    def _agrees(self, cumulative: Decimal, amount: Decimal, signed: bool) -> bool:
        for target in (amount,) if signed else (amount, -amount):
            want = cumulative - target  # the cumulative sum where the block would have started
            base = _krone(want)
            for key in range(base - 1, base + 2):  # ROUNDING is one krone: three buckets hold every candidate
                if any(abs(mark - want) <= ROUNDING for mark in self._marks.get(key, ())):
                    return True
        return False

    def marks(self) -> list[Decimal]:
        """The distinct cumulative sums at the start and at the total lines (for tests)."""
        return sorted(m for bucket in self._marks.values() for m in bucket)

    def _mismatch(self, row: int, amount: Decimal, block: Decimal, signed: bool) -> Finding:
        shown = amount if signed or (amount >= 0) == (block >= 0) else -amount
        return TOTAL_MISMATCH.make(
            location=Location(file=self.file, sheet=self.sheet, row=row, column=self.column),
            field="amount",
            total=kroner(shown),
            read=kroner(block),
            diff=kroner(shown - block),
            row=row,
            cumulative=kroner(self.cumulative),
        )
