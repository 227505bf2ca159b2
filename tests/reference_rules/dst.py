"""Delivery rules for DST's rules that rest on the spec pack's data (issue 17).

- SIU444: lines whose paragraph follows a chart row that is provisional and that splits one
  function between paragraphs by grouping (e.g. §§ 109 and 110 on 5.38.42): the verdict may say
  ready, but this split is siu's assumption, not DST's.
"""

from __future__ import annotations

from collections.abc import Iterator

from siu.accounts.paying import OtherMunicipalities
from siu.context import Context
from siu.models import Record
from siu.rules import Hit, Rule, delivery_rule


class ProvisionalChartRowsCheck:
    """Counts lines per provisional chart row that splits a function by grouping."""

    def __init__(self, ctx: Context) -> None:
        spec = ctx.spec
        by_function: dict[tuple[str, str], set[str]] = {}
        for e in spec.chart:
            if e.paragraph:
                by_function.setdefault((e.function, e.dranst), set()).add(e.paragraph)
        self.split = {k: v for k, v in by_function.items() if len(v) > 1}
        self.spec = spec
        self.rows: dict[tuple[str, str, str, str], list] = {}

    def observe(self, record: Record) -> None:
        if not record.function or (record.function, record.dranst or "") not in self.split or not record.account_text:
            return
        parts = record.account_text.split(".")
        grouping = parts[4] if len(parts) > 4 else ""
        entry = self.spec.chart_entry(record.function, record.dranst or "", grouping)
        if entry is None or not entry.provisional or entry.grouping == "*" or entry.paragraph != record.paragraph:
            return
        key = (record.function, record.dranst or "", grouping, record.paragraph or "")
        found = self.rows.get(key)
        if found is None:
            self.rows[key] = [1, record.location]
        else:
            found[0] += 1

    def finish(self) -> Iterator[Hit]:
        for (function, dranst, grouping, paragraph), (count, loc) in sorted(self.rows.items()):
            others = " / ".join(sorted(self.split[(function, dranst)]))
            yield Hit(
                location=loc, count=count, paragraph=paragraph, function=function, grouping=grouping, paragraphs=others
            )


ProvisionalChartRows = delivery_rule("SIU444")(ProvisionalChartRowsCheck)


DST_RULES: list[Rule] = [ProvisionalChartRows, OtherMunicipalities]
