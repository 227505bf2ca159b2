"""What one pass over a table counts for the findings after its last row: periods derived, arts
copied from the G/L account, CPRs taken out of a text (private; used by
:class:`siu.tabular.TabularSource`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from siu.base.i18n import kroner
from siu.catalogue.read import (
    ART_FROM_GL,
    CPR_FROM_TEXT,
    PERIOD_DERIVED,
    PERIOD_FROM_POSTING_DATE,
    PERIOD_NOT_DERIVED,
)
from siu.models import Finding, Location, Posting
from siu.read.options import PERIOD_RULES


class ReadTally:
    """Counts, per file, the postings siu completed itself, for one finding each after the rows."""

    def __init__(
        self,
        file: str,
        sheet: str | None,
        columns: dict[str, str],
        derive: str | None,
        art_from_gl: bool,
        cpr_at: int | None,
        cpr_in_text: bool,
    ) -> None:
        self.file, self.sheet, self.columns = file, sheet, columns
        self.derive = derive  # a period rule, only when the file has no period columns
        self.art_from_gl = art_from_gl
        self.cpr_at = cpr_at if cpr_in_text else None
        # Whether any posting needs looking at: most files need nothing, so the loop skips the call.
        self.active = bool(derive or art_from_gl or self.cpr_at is not None)
        self.derived = 0
        self.underived: list[int] = []
        self.derived_money = [Decimal(0), Decimal(0)]  # expenditure, revenue of lines given the posting month
        self.art_lines = 0
        self.from_text = 0
        self.from_text_row = 0

    def posting(self, posting: Posting, number: int, cells: list[Any], derive_period: Callable[..., bool]) -> None:
        """Complete one posting (period, art) and count what was done to it."""
        if self.derive and posting.start is None and posting.end is None:
            if derive_period(posting, self.derive):
                self.derived += 1
                self.derived_money[posting.amount < 0] += posting.amount
            else:
                self.underived.append(number)
        if self.art_from_gl:
            gl = posting.dims.get("gl_account")
            if gl is not None:
                posting.dims["artskonto"] = gl
                self.art_lines += 1
        at = self.cpr_at
        if at is not None and posting.cpr is not None:
            raw = cells[at] if at < len(cells) else None
            if isinstance(raw, str) and posting.cpr != raw.strip():
                self.from_text += 1
                self.from_text_row = self.from_text_row or number

    def finish(self) -> Iterator[Finding]:
        """The findings for what was counted (SIU034-SIU039 and the like)."""
        file, sheet, columns = self.file, self.sheet, self.columns
        if self.art_lines:
            yield ART_FROM_GL.make(
                location=Location(file=file, sheet=sheet), file=file, column=columns["gl_account"], count=self.art_lines
            )
        if self.from_text:
            yield CPR_FROM_TEXT.make(
                location=Location(file=file, sheet=sheet, row=self.from_text_row, column=columns.get("cpr")),
                file=file,
                column=columns.get("cpr"),
                count=self.from_text,
                row=self.from_text_row,
            )
        if self.derive:
            yield from self._periods(self.derive)

    def _periods(self, derive: str) -> Iterator[Finding]:
        file, sheet = self.file, self.sheet
        da, en = PERIOD_RULES[derive]
        if self.derived and derive == "posting_month":  # a guess: said as a warning with its money
            yield PERIOD_FROM_POSTING_DATE.make(
                location=Location(file=file, sheet=sheet),
                file=file,
                count=self.derived,
                expenditure=kroner(self.derived_money[0]),
                revenue=kroner(self.derived_money[1]),
            )
        elif self.derived:
            yield PERIOD_DERIVED.make(
                location=Location(file=file, sheet=sheet), file=file, how=da, how_en=en, count=self.derived
            )
        if self.underived:
            yield PERIOD_NOT_DERIVED.make(
                location=Location(file=file, sheet=sheet, row=self.underived[0]),
                file=file,
                how=da,
                how_en=en,
                count=len(self.underived),
                row=self.underived[0],
            )
