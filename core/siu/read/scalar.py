"""Today's per-row reading of a table, one row at a time (private; used by
:class:`siu.tabular.TabularSource`).

The columnar reader hands a row here when it is not a plain posting (a blank, total or title
line, a cell in an uncommon form, a row with a problem), so every accepted form, finding and
message stays the per-row reader's; and reading a whole file this way is the oracle the
columnar reader is tested against.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, Protocol

from siu.adapters import TOTAL_LINES, ReadInfo, ReadOptions
from siu.batches import BatchInfo
from siu.catalogue.read import NO_PERIOD_RULE, TABLE_ERRORS
from siu.findings import CATALOGUE
from siu.models import Finding, Location, Posting, new_location
from siu.read.options import PERIOD_RULES, TableSettings
from siu.read.rows import UNREADABLE_ROWS
from siu.read.tally import ReadTally
from siu.tables import HeaderMatch, TableError


class RowSource(Protocol):
    """What the per-row reader asks of its adapter (:class:`siu.tabular.TabularSource`)."""

    name: str
    explicit_sign: bool

    def skip_reason(self, cells: list[Any], match: HeaderMatch) -> str | None: ...
    def total_amount(self, cells: list[Any], match: HeaderMatch, decimal: str | None) -> Any: ...
    def readable_amount(self, cells: list[Any], match: HeaderMatch, decimal: str | None) -> Decimal | None: ...
    def posting(
        self,
        cells: list[Any],
        match: HeaderMatch,
        location: Location,
        columns: dict[str, str],
        decimal: str | None,
        options: ReadOptions,
    ) -> Any: ...
    def derive_period(self, posting: Posting, how: str) -> bool: ...


class Totals(Protocol):
    """The check of an export's own total lines (:class:`siu.check.ledger.TotalsCheck`)."""

    cumulative: Decimal
    postings: int
    checked: int
    agreed: int

    def posting(self, amount: Decimal) -> None: ...
    def total(self, row: int, amount: Decimal, signed: bool = True) -> Finding | None: ...
    def finish(self) -> list[Finding]: ...


def table_error(exc: TableError, location: Location) -> Finding:
    """The finding for a file that cannot be read as a table."""
    code = TABLE_ERRORS.get(exc.code) or CATALOGUE[exc.code]  # SIU040-SIU043: siu.catalogue.read
    return code.make(location=location, detail_da=exc.message_da, detail_en=exc.message_en)


class RowReader:
    """The pass over one table's rows after its header: what each row is, the export's own
    totals checked against the postings, and what siu completed itself, said after the last row."""

    def __init__(
        self,
        source: RowSource,
        match: HeaderMatch,
        options: ReadOptions,
        settings: TableSettings,
        info: ReadInfo,
        tally: ReadTally,
        totals: Totals,
        file: str,
        sheet: str | None,
        has_period: bool,
    ) -> None:
        self.source, self.match, self.options, self.info = source, match, options, info
        self.decimal = settings.decimal
        self.no_period_rule = not has_period and not settings.derive
        self.tally = tally
        self.file, self.sheet = file, sheet
        self.columns = tally.columns
        self.totals = totals

    def start(self) -> Iterator[Finding]:
        """What is said before the first row: that the file has no period and no rule for one."""
        if self.no_period_rule:
            location = Location(file=self.file, sheet=self.sheet)
            yield NO_PERIOD_RULE.make(location=location, file=self.file, source=self.source.name)

    def batch_info(self) -> BatchInfo:
        """What the batches of this table share: its file, sheet, column labels and headers."""
        return BatchInfo(
            source=self.source.name,
            file=self.file,
            sheet=self.sheet,
            columns=self.columns,
            headers=tuple(self.match.headers),
        )

    def rows(self, rows: Iterable[tuple[int, list[Any]]]) -> Iterator[Posting | Finding]:
        """The postings and findings of ``rows``, in order; a file that stops being readable
        ends with the finding that says so."""
        try:
            for number, cells in rows:
                yield from self.row(number, cells)
        except TableError as exc:
            yield table_error(exc, Location(file=self.file, sheet=self.sheet))

    def row(self, number: int, cells: list[Any]) -> Iterator[Posting | Finding]:
        """One row: nothing (a skipped row, counted), findings, and its posting when it is one."""
        source, match, info, decimal = self.source, self.match, self.info, self.decimal
        info.rows_read += 1
        reason = source.skip_reason(cells, match)
        if reason:
            if reason == TOTAL_LINES:  # an export's own total: checked, never counted as money
                read = source.total_amount(cells, match, decimal)
                if read is not None:
                    problem = self.totals.total(number, *read)
                    if problem is not None:
                        yield problem
            info.skip(reason)
            return
        location = new_location(file=self.file, sheet=self.sheet, row=number, column=None)
        item = source.posting(cells, match, location, self.columns, decimal, self.options)
        if isinstance(item, Finding):
            # A row refused with a readable amount is money skipped (SIU032 names it); the
            # export's totals include it, so it counts as read for their check.
            money = source.readable_amount(cells, match, decimal)
            info.skip(UNREADABLE_ROWS, money)
            if money is not None:
                self.totals.posting(money)
            yield item
            return
        posting, problems = item
        self.totals.posting(posting.amount)
        yield from problems
        if self.tally.active:
            self.tally.posting(posting, number, cells, source.derive_period)
        yield posting

    def postings_read(self, total: Decimal, count: int) -> None:
        """Postings the columnar reader read itself: for the totals check, their sum and number."""
        self.totals.cumulative += total
        self.totals.postings += count

    def finish(self) -> Iterator[Finding]:
        """The findings after the last row, and the notes for the report."""
        info, totals = self.info, self.totals
        yield from totals.finish()
        if totals.checked:
            info.note("total_lines", f"{totals.agreed}/{totals.checked}")  # total lines that agree / checked
        if info.skipped_rows:
            info.note("skipped", ", ".join(f"{n} {r}" for r, n in info.skipped_rows.items()))
        if self.tally.derive:
            info.note("period", PERIOD_RULES[self.tally.derive][0])
        yield from self.tally.finish()
