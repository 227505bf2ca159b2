"""Checks of the delivery as a whole full load: does it cover the year, and does it keep what the
last delivery had? Also collects the delivery's profile and the per-citizen view.

A delivery replaces everything DST holds for the year and area, so a January–June extract sent
as the year's delivery silently deletes half a year (SIU430), and a new full load that holds much
less money, fewer citizens or fewer months than the last archived one is worth a second look
before it is sent (SIU431).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from reference_rules.citizens import CitizenView
from siu.base.i18n import kroner, kroner_with_unit
from siu.catalogue.check_delivery import DROP
from siu.context import Context
from siu.hookspecs import hookimpl
from siu.models import Record
from siu.rules import Hit, Rule, delivery_rule

MONTHS_DA = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
LONG_PERIOD_DAYS = 93  # periods longer than a quarter (yearly insurance, ...) say little about an extract's months
PROFILE_KEY = "siu.profile"


def _month_list(months: list[int], names: tuple[str, ...]) -> str:
    """Month numbers as ranges of names: ``juli–december`` or ``marts, maj``."""
    out: list[str] = []
    i = 0
    while i < len(months):
        j = i
        while j + 1 < len(months) and months[j + 1] == months[j] + 1:
            j += 1
        first, last = names[months[i] - 1], names[months[j] - 1]
        out.append(first if i == j else f"{first}–{last}")
        i = j + 1
    return ", ".join(out)


class DeliveryProfileCheck:
    """Months covered (two 12-bit masks), totals and the per-citizen view (one entry per citizen and paragraph)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.year = ctx.year
        self.short = 0  # months covered by periods up to LONG_PERIOD_DAYS
        self.long = 0  # months covered by any period
        self.masks: dict[tuple[dt.date, dt.date], tuple[int, bool]] = {}
        self.lines = 0
        self.expenditure = Decimal(0)
        # per area (for --split and "begge"): [lines, expenditure, short mask, long mask]
        self.areas: dict[str | None, list[Any]] = {}
        self.view = CitizenView(ctx)
        ctx.state[PROFILE_KEY] = self

    def _mask(self, start: dt.date, end: dt.date) -> tuple[int, bool]:
        mask = 0
        first, last = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        a, b = max(start, first), min(end, last)
        if a <= b:
            for m in range(a.month, b.month + 1):
                mask |= 1 << (m - 1)
        return mask, (end - start).days + 1 <= LONG_PERIOD_DAYS

    def observe(self, record: Record) -> None:
        self.lines += 1
        per = self.areas.get(record.area)
        if per is None:
            per = self.areas[record.area] = [0, Decimal(0), 0, 0]
        per[0] += 1
        amount = record.amount
        if amount > 0:
            self.expenditure += amount
            per[1] += amount
        self.view.observe(record)
        start, end = record.start, record.end
        if start is None or end is None or start > end:
            return
        key = (start, end)
        known = self.masks.get(key)
        if known is None:
            known = self._mask(start, end)
            if len(self.masks) < 100_000:  # a year's lines repeat few periods; bounded all the same
                self.masks[key] = known
        mask, short = known
        self.long |= mask
        per[3] |= mask
        if short:
            self.short |= mask
            per[2] |= mask

    @property
    def months(self) -> list[int]:
        """Months (1–12) of the reporting year the delivery covers."""
        return _months(self.short, self.long)

    def area_figures(self, area: str | None) -> tuple[int, Decimal, int, list[int]]:
        """Lines, expenditure, citizens and months of one area (None or "begge": the whole delivery)."""
        if area in (None, "begge") or area == self.ctx.area:
            return self.lines, self.expenditure, self.view.citizens, self.months
        if area not in self.areas:  # an area this delivery has no lines for
            return 0, Decimal(0), 0, []
        lines, expenditure, short, long = self.areas[area]
        spec = self.ctx.spec
        citizens = len({psr for psr, paragraph in self.view.per if spec.area_of(paragraph) == area})
        return lines, expenditure, citizens, _months(short, long)

    def summary(self, area: str | None = None) -> dict[str, Any]:
        lines, expenditure, citizens, months = self.area_figures(area)
        return {"months": months, "citizens": citizens, "lines": lines, "expenditure": f"{expenditure:.2f}"}

    def finish(self) -> Iterator[Hit]:
        months = self.months
        if self.lines and len(months) < 12:
            missing = [m for m in range(1, 13) if m not in months]
            yield Hit(
                covered=len(months),
                year=self.year,
                missing_da=_month_list(missing, MONTHS_DA),
                missing_en=_month_list(missing, MONTHS_EN),
                lines=self.lines,
                expenditure=kroner(self.expenditure),
            )
        yield from self._against_last()

    def _against_last(self) -> Iterator[Hit]:
        """SIU431 against the last archived delivery of the same area; for "begge" (one file or
        --split) also against each area's own last delivery."""
        from siu.base.archive import archive_dir, last_delivery

        settings = self.ctx.settings
        if not settings.delivery.compare or not self.lines:
            return
        folder = archive_dir(settings)
        areas = [self.ctx.area] + (list(self.ctx.spec.areas) if self.ctx.area == "begge" else [])
        for area in areas:
            last = last_delivery(folder, self.ctx.kommune, self.year, area)
            if last is not None:
                yield from self._drops(last[1], area)

    def _drops(self, receipt: dict[str, Any], area: str) -> Iterator[Hit]:
        settings = self.ctx.settings
        _, expenditure, citizens, months = self.area_figures(area)
        share = settings.delivery.drop_share
        when = str(receipt.get("delivered", ""))[:10]
        file = str(receipt.get("file", ""))
        try:
            old_money = Decimal(str(receipt.get("totals", {}).get("expenditure", "0")))
        except ArithmeticError:
            old_money = Decimal(0)
        checks = (
            ("Udgifterne", "Expenditure", old_money, expenditure, True),
            ("Antallet af borgere", "Citizens", receipt.get("totals", {}).get("citizens", 0), citizens, False),
            ("Antallet af dækkede måneder", "Months covered", len(receipt.get("months", [])), len(months), False),
        )
        for da, en, old, new, is_money in checks:
            try:
                old_f, new_f = float(old), float(new)
            except (TypeError, ValueError):
                continue
            if old_f > 0 and new_f < old_f * (1 - share):
                shown = (
                    (kroner_with_unit(Decimal(str(old))), kroner_with_unit(Decimal(str(new))))
                    if is_money
                    else (str(old), str(new))
                )
                yield Hit(
                    code=DROP,
                    what_da=da,
                    what_en=en,
                    old=shown[0],
                    new=shown[1],
                    share=f"{(old_f - new_f) / old_f:.0%}",
                    when=when,
                    file=file,
                )


DeliveryProfile = delivery_rule("SIU430")(DeliveryProfileCheck)


def _months(short: int, long: int) -> list[int]:
    """Months covered: by periods up to a quarter, or by any period when there are none of those."""
    mask = short or long
    return [m for m in range(1, 13) if mask & (1 << (m - 1))]


@hookimpl
def register_rules() -> list[Rule]:
    return [DeliveryProfile]
