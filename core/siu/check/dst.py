"""Delivery rules for DST's rules that rest on the spec pack's data (issue 17).

- SIU444: lines whose paragraph follows a chart row that is provisional and that splits one
  function between paragraphs by grouping (e.g. §§ 109 and 110 on 5.38.42): the verdict may say
  ready, but this split is siu's assumption, not DST's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from siu.accounts.paying import OtherMunicipalities
from siu.check.grouped import BatchCheck, count_first, truthy
from siu.context import Context
from siu.rules import Hit, Rule, delivery_rule


class ProvisionalChartRowsCheck(BatchCheck):
    """Counts lines per provisional chart row that splits a function by grouping (per distinct
    function, dranst, account text and paragraph of a batch)."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        spec = ctx.spec
        by_function: dict[tuple[str, str], set[str]] = {}
        for e in spec.chart:
            if e.paragraph:
                by_function.setdefault((e.function, e.dranst), set()).add(e.paragraph)
        self.split = {k: v for k, v in by_function.items() if len(v) > 1}
        self.split_functions = pa.array(sorted({function for function, _ in self.split}), pa.string())
        self.spec = spec
        self.rows: dict[tuple[str, str, str, str], list] = {}

    def observe_lines(self, batch: pa.RecordBatch) -> None:
        function, text = batch.column("function"), batch.column("account_text")
        lines = self.located(
            batch,
            function=function,
            dranst=pc.fill_null(batch.column("dranst"), ""),
            text=text,
            paragraph=batch.column("record_paragraph"),
        )
        # Only lines of a split function can count: the rest need not be grouped at all.
        keep = pc.and_(pc.and_(truthy(function), truthy(text)), pc.is_in(function, self.split_functions))
        count_first(self.rows, lines.filter(keep), _COLUMNS, self._row)

    def _row(self, function: str, dranst: str, text: str, paragraph: str | None) -> tuple[str, str, str, str] | None:
        """The chart row the lines count under, when it is provisional and splits its function."""
        if (function, dranst) not in self.split:
            return None
        parts = text.split(".")
        grouping = parts[4] if len(parts) > 4 else ""
        entry = self.spec.chart_entry(function, dranst, grouping)
        if entry is None or not entry.provisional or entry.grouping == "*" or entry.paragraph != paragraph:
            return None
        return (function, dranst, grouping, paragraph or "")

    def finish(self) -> Iterator[Hit]:
        self.flush()
        for (function, dranst, grouping, paragraph), (count, pos) in sorted(self.rows.items()):
            others = " / ".join(sorted(self.split[(function, dranst)]))
            yield Hit(
                location=self.places.location_at(pos),
                count=count,
                paragraph=paragraph,
                function=function,
                grouping=grouping,
                paragraphs=others,
            )


_COLUMNS = ["function", "dranst", "text", "paragraph"]


ProvisionalChartRows = delivery_rule("SIU444")(ProvisionalChartRowsCheck)


DST_RULES: list[Rule] = [ProvisionalChartRows, OtherMunicipalities]
