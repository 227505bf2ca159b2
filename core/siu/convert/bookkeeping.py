"""What a run says about its own bookkeeping, so nothing is lost silently: per input (rows and money
skipped, rows an adapter lost, an input without postings) and at the end (the data's year, lines
excluded by the mapping, an empty delivery)."""

from __future__ import annotations

from siu.adapters import TOTAL_LINES, ReadInfo
from siu.base import cpr
from siu.base.i18n import SKIPPED_UNKNOWN, kroner, skip_reasons, skipped_summary
from siu.catalogue.check_ledger import EMPTY_DELIVERY, EXCLUDED_BY_RULE, NO_POSTINGS, ROWS_UNACCOUNTED, SKIPPED_MONEY
from siu.catalogue.convert import SKIPPED_ROWS, YEAR_MISMATCH
from siu.context import Context
from siu.findings import FindingSink
from siu.mapping import mapping_for
from siu.models import Location
from siu.report.result import RunResult


def report_input(sink: FindingSink, info: ReadInfo, name: str, errors_before: int) -> None:
    """The findings for one input once read; ``errors_before`` is the sink's error count before it
    (an input that failed says why already, and gets no "no postings" finding on top)."""
    if info.rows_skipped:
        reasons = skipped_summary(info.skipped_rows) if info.skipped_rows else SKIPPED_UNKNOWN
        sink.add(SKIPPED_ROWS.make(location=Location(file=name), count=info.rows_skipped, file=name, reason=reasons))
    for reason, money in info.skipped_money.items():
        if reason != TOTAL_LINES and money:
            sink.add(
                SKIPPED_MONEY.make(
                    location=Location(file=name),
                    count=info.skipped_rows.get(reason, 0),
                    file=name,
                    amount=kroner(money),
                    reason=skip_reasons(reason, info.skipped_rows.get(reason, 0)),
                )
            )
    accounted = info.postings + info.rows_skipped
    if info.rows_read > accounted:  # an adapter that lost rows (adapters that count no rows are not checked)
        sink.add(
            ROWS_UNACCOUNTED.make(
                location=Location(file=name),
                file=name,
                rows=info.rows_read,
                accounted=accounted,
                missing=info.rows_read - accounted,
            )
        )
    if info.postings == 0 and sink.errors == errors_before:  # an input that failed says why already
        sink.add(NO_POSTINGS.make(location=Location(file=name), file=name, rows=info.rows_read))


def report_closing(sink: FindingSink, result: RunResult, ctx: Context) -> None:
    """The findings once every record has passed: another year in the data, exclusions, an empty delivery."""
    if result.years:
        data_year = result.years.most_common(1)[0][0]
        if data_year != ctx.year:
            years, total = result.years, sum(result.years.values())
            sink.add(
                YEAR_MISMATCH.make(
                    year=ctx.year,
                    data_year=data_year,
                    share=years[data_year],
                    total=total,
                    in_year=years[ctx.year],
                )
            )
    mapping = mapping_for(ctx) if result.excluded else None
    for entry in result.excluded.values():
        sink.add(
            EXCLUDED_BY_RULE.make(
                location=mapping.location if mapping else None,
                count=entry.rows,
                amount=kroner(entry.amount),
                rule=entry.rule,
                rule_en=entry.rule_en,
                reason=cpr.mask_cpr(entry.reason),
            )
        )
    if result.header.totals.records == 0 and not sink.count(NO_POSTINGS.code):
        excluded = sum(r.excluded_rows for r in result.inputs)
        sink.add(EMPTY_DELIVERY.make(postings=result.postings, excluded=excluded))
