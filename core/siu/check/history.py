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

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from siu.base.i18n import kroner, kroner_with_unit
from siu.catalogue.check_delivery import DROP
from siu.check.citizens import CitizenView
from siu.check.grouped import ZERO, BatchCheck, valid_period
from siu.context import Context
from siu.hookspecs import hookimpl
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


class DeliveryProfileCheck(BatchCheck):
    """Months covered (two 12-bit masks), totals and the per-citizen view (Arrow tables per citizen and paragraph)."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.year = ctx.year
        self.short = 0  # months covered by periods up to LONG_PERIOD_DAYS
        self.long = 0  # months covered by any period
        self.lines = 0
        self.expenditure = Decimal(0)
        # per area (for --split and "begge"): [lines, expenditure, short mask, long mask]
        self.areas: dict[str | None, list[Any]] = {}
        self.view = CitizenView(ctx)
        ctx.state[PROFILE_KEY] = self

    def observe_lines(self, batch: pa.RecordBatch) -> None:
        self.lines += batch.num_rows
        amount = batch.column("amount")
        expenditure = pc.if_else(pc.greater(amount, ZERO), amount, ZERO)
        short, long = _month_masks(batch, self.year)
        areas = pc.dictionary_encode(batch.column("area"), null_encoding="encode")
        indices = areas.indices.to_numpy(zero_copy_only=False)
        for k, area in enumerate(areas.dictionary.to_pylist()):
            rows = indices == k
            money = pc.sum(expenditure.filter(pa.array(rows))).as_py()
            per = self.areas.get(area)
            if per is None:
                per = self.areas[area] = [0, Decimal(0), 0, 0]
            per[0] += int(rows.sum())
            per[1] += money
            per[2] |= int(np.bitwise_or.reduce(short[rows]))
            per[3] |= int(np.bitwise_or.reduce(long[rows]))
            self.expenditure += money
        self.short |= int(np.bitwise_or.reduce(short))
        self.long |= int(np.bitwise_or.reduce(long))
        self.view.observe_lines(batch)

    def flush(self) -> None:
        super().flush()
        self.view.flush()

    @property
    def months(self) -> list[int]:
        """Months (1–12) of the reporting year the delivery covers."""
        self.flush()
        return _months(self.short, self.long)

    def area_figures(self, area: str | None) -> tuple[int, Decimal, int, list[int]]:
        """Lines, expenditure, citizens and months of one area (None or "begge": the whole delivery)."""
        self.flush()
        if area in (None, "begge") or area == self.ctx.area:
            return self.lines, self.expenditure, self.view.citizens, self.months
        if area not in self.areas:  # an area this delivery has no lines for
            return 0, Decimal(0), 0, []
        lines, expenditure, short, long = self.areas[area]
        spec = self.ctx.spec
        citizens = self.view.citizens_in(lambda paragraph: spec.area_of(paragraph) == area)
        return lines, expenditure, citizens, _months(short, long)

    def summary(self, area: str | None = None) -> dict[str, Any]:
        lines, expenditure, citizens, months = self.area_figures(area)
        return {"months": months, "citizens": citizens, "lines": lines, "expenditure": f"{expenditure:.2f}"}

    def finish(self) -> Iterator[Hit]:
        self.flush()
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
                shown = tuple(kroner_with_unit(Decimal(str(v))) if is_money else str(v) for v in (old, new))
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


def _month_masks(batch: pa.RecordBatch, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Per line, the months of ``year`` its period covers as a 12-bit mask (0 without a valid
    period): for periods up to LONG_PERIOD_DAYS (``short``), and for every period (``long``)."""
    start, end = batch.column("start"), batch.column("end")
    first = pc.max_element_wise(start, pa.scalar(dt.date(year, 1, 1)))
    last = pc.min_element_wise(end, pa.scalar(dt.date(year, 12, 31)))
    covers = pc.and_(valid_period(batch), pc.fill_null(pc.less_equal(first, last), False))
    a = pc.month(first).fill_null(1).to_numpy(zero_copy_only=False)
    b = pc.month(last).fill_null(1).to_numpy(zero_copy_only=False)
    long = np.where(covers.to_numpy(zero_copy_only=False), (1 << b) - (1 << (a - 1)), 0)
    days = pc.add(pc.subtract(pc.cast(end, pa.int32()), pc.cast(start, pa.int32())), 1)
    short = np.where(pc.fill_null(pc.less_equal(days, LONG_PERIOD_DAYS), False).to_numpy(zero_copy_only=False), long, 0)
    return short, long


def _months(short: int, long: int) -> list[int]:
    """Months covered: by periods up to a quarter, or by any period when there are none of those."""
    mask = short or long
    return [m for m in range(1, 13) if mask & (1 << (m - 1))]


@hookimpl
def register_rules() -> list[Rule]:
    return [DeliveryProfile]
