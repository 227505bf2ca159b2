"""The streaming conversion: read → map → anonymise → validate → write.

Postings flow through generators one at a time; only delivery rules (and optional
aggregation) keep state, and they keep per-citizen or compact per-line state, never the lines.
The writer writes to a temporary file that is renamed into place only when the writer's own
check passed and no rule found an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from siu.adapters import ReadInfo
from siu.base import cpr, safeio
from siu.base.caching import MISSING, remember
from siu.base.stamp import creation_time, file_digest
from siu.catalogue.convert import ADAPTER_FAILED, WRITER_STOPPED
from siu.context import Context
from siu.convert.aggregate import Aggregator
from siu.convert.bookkeeping import report_closing, report_input
from siu.convert.years import guess_year, line_year, period_year
from siu.findings import FindingSink
from siu.host.plugins import PluginHost
from siu.kontostreng import Kontostreng
from siu.mapping import DIMENSIONS, NO_ART, UNMAPPED, MappingRule, describe_dims, mapping_for
from siu.models import AccountMapping, DeliveryHeader, Finding, Location, Posting, Record, Totals, new_record
from siu.report.result import Exclusion, InputReport, InputSpec, ParagraphTotals, RunResult
from siu.rules import RuleEngine
from siu.write.split import commit_all, write_per_area
from siu.writers import Writer, atomic_output, commit

__all__ = ["Converter", "guess_year", "line_year", "period_year"]


class Converter:
    """One conversion run. Build it, then call :meth:`run`."""

    def __init__(
        self, host: PluginHost, ctx: Context, sink: FindingSink, progress: Callable[[int], object] | None = None
    ) -> None:
        self.host = host
        self.ctx = ctx
        self.sink = sink
        self.engine = RuleEngine(host.rules, ctx)
        self.progress = progress
        self._account_facts: dict[Kontostreng, tuple[Any, ...]] = {}
        self.result: RunResult | None = None
        self._map_account = host.first_result("map_account")
        self._anonymise = host.first_result("anonymise")
        # Per distinct value, what every line would otherwise work out again: a year's lines
        # repeat some thousand citizens, a few paragraphs and a few hundred periods.
        self._psr_ids: dict[str | None, str | None] = {}
        self._areas: dict[str | None, str | None] = {}
        self._years: dict[tuple[dt.date | None, dt.date | None], int | None] = {}
        self._exclusions: dict[tuple[str | None, ...], MappingRule | None] = {}
        self._report: InputReport | None = None  # the input being read

    # --- building records ----------------------------------------------------------------
    def _facts(self, account: Kontostreng) -> tuple[Any, ...]:
        """What a record needs from its account, computed once per account (ledgers repeat few)."""
        spec = self.ctx.spec
        entry = spec.chart_entry(account.function, account.dranst, account.gruppering)
        return (
            account.render(spec.kontostreng_pattern),
            account.kind,
            account.function,
            account.dranst,
            account.art_dotted,
            str(account),
            entry.paragraph if entry else None,
        )

    def _account(self, posting: Posting) -> tuple[Kontostreng | None, str | None]:
        """The posting's account (the ``map_account`` hook) and paragraph; a posting that cannot be
        mapped is a finding, and its record has no account."""
        mapped = self._map_account(posting, self.ctx)
        paragraph: str | None = posting.dims.get("paragraph") or None
        if isinstance(mapped, AccountMapping):
            if mapped.kontostreng.art is None:  # a plugin's answer without art
                self.sink.add(NO_ART.make(location=posting.location, field="art"))
                return None, paragraph
            return mapped.kontostreng, mapped.paragraph or paragraph
        if isinstance(mapped, Finding):
            self.sink.add(mapped)
        else:
            self.sink.add(
                UNMAPPED.make(
                    location=posting.location,
                    field="account",
                    dims=describe_dims(posting.dims),
                    dims_en=describe_dims(posting.dims, "en"),
                )
            )
        return None, paragraph

    def to_record(self, posting: Posting) -> Record:
        ctx, sink, spec = self.ctx, self.sink, self.ctx.spec
        account, paragraph = self._account(posting)
        if account is not None:
            facts = self._account_facts.get(account)
            if facts is None:
                facts = self._account_facts[account] = self._facts(account)
            rendered, kind, function, dranst, art, account_text, chart_paragraph = facts
            if paragraph is None:
                paragraph = chart_paragraph
        else:
            rendered = kind = function = dranst = art = account_text = None
        raw_cpr = posting.cpr
        psr_id = self._psr_ids.get(raw_cpr, MISSING)
        if psr_id is MISSING:
            psr_id = remember(self._psr_ids, raw_cpr, cpr.normalise(raw_cpr))
        area = self._areas.get(paragraph, MISSING)
        if area is MISSING:
            area = remember(self._areas, paragraph, spec.area_of(paragraph))
        record = new_record(
            psr_id=psr_id,
            kontostreng=rendered,
            paragraph=paragraph,
            area=area,
            amount=posting.amount,
            start=posting.start,
            end=posting.end,
            locations=(posting.location,),
            kind=kind,
            function=function,
            dranst=dranst,
            art=art,
            account_text=account_text,
            anonymised=False,
            cpr_raw=posting.cpr,
            sign_explicit=posting.sign_explicit,
            columns=posting.columns,
            invalid=posting.invalid,
            dims=posting.dims,
            sources=(posting.source,),
        )
        anon = self._anonymise(record, posting, ctx)
        if isinstance(anon, str):
            record.psr_id = anon
            record.anonymised = True
        elif isinstance(anon, Finding):
            sink.add(anon)
        return record

    # --- reading ---------------------------------------------------------------------------
    def postings(self, inputs: list[InputSpec], reports: list[InputReport]) -> Iterator[Posting]:
        for spec in inputs:
            source = self.host.sources[spec.source]
            size, digest = file_digest(spec.path)
            report = InputReport(source=spec.source, path=spec.path, size=size, sha256=digest, info=ReadInfo())
            reports.append(report)
            info = report.info
            self._report = report
            errors_before = self.sink.errors
            name = cpr.mask_cpr(spec.path.name)  # file names reach messages; never a CPR in them
            try:
                for item in source.read(spec.path, spec.options, info):
                    if isinstance(item, Finding):
                        self.sink.add(item)
                        continue
                    info.postings += 1
                    report.amount += item.amount
                    if item.amount >= 0:
                        report.expenditure += item.amount
                    else:
                        report.revenue += item.amount
                    yield item
            except Exception as exc:  # an adapter bug must not become a traceback with personal data
                self.sink.add(
                    ADAPTER_FAILED.make(
                        location=Location(file=name),
                        source=spec.source,
                        file=name,
                        rows=info.rows_read,
                        error=cpr.mask_cpr(f"{exc.__class__.__name__}: {exc}"),
                    )
                )
            report_input(self.sink, info, name, errors_before)

    def _excluded_by(self, posting: Posting) -> MappingRule | None:
        """The mapping rule with ``exclude = true`` that decides ``posting``, if any (first match wins,
        as for every mapping rule)."""
        mapping = mapping_for(self.ctx)
        if mapping is None or not mapping.excludes:
            return None
        dims = posting.dims
        key = tuple(dims.get(d) for d in DIMENSIONS)
        rule = self._exclusions.get(key, MISSING)
        if rule is MISSING:
            found = mapping.find(dims)
            rule = remember(self._exclusions, key, found if found is not None and found.exclude else None)
        return rule

    def _exclude(self, posting: Posting, rule: MappingRule, result: RunResult) -> None:
        report = self._report
        assert report is not None  # postings() sets it before yielding
        report.excluded_rows += 1
        report.excluded_amount += posting.amount
        entry = result.excluded.get(rule.label)
        if entry is None:
            entry = result.excluded[rule.label] = Exclusion(
                rule=rule.label, rule_en=rule.label_en, reason=rule.reason or ""
            )
        entry.rows += 1
        entry.amount += posting.amount

    def checked_records(self, inputs: list[InputSpec], result: RunResult) -> Iterator[Record]:
        """One record per posting, checked by the record rules and seen by the delivery rules; with
        ``aggregate`` on, the summed lines instead (after the last posting). Rules see postings, not
        summed lines, so findings point at source rows and duplicates are found before summing."""
        check = self.engine.check_record
        add = self.sink.add
        years, known_years = result.years, self._years
        summing = Aggregator() if self.ctx.settings.aggregate else None
        for posting in self.postings(inputs, result.inputs):
            rule = self._excluded_by(posting)
            if rule is not None:
                self._exclude(posting, rule, result)
                continue
            record = self.to_record(posting)
            for finding in check(record):
                add(finding)
            period = (record.start, record.end)
            year = known_years.get(period, MISSING)
            if year is MISSING:
                year = remember(known_years, period, line_year(*period))
            if year is not None:
                years[year] += 1
            if summing is None:
                yield record
            else:
                summing.add(record)
        if summing is not None:
            yield from summing.lines()
            add(summing.summary())

    def records(self, inputs: list[InputSpec], result: RunResult) -> Iterator[Record]:
        totals = result.header.totals
        paragraphs = result.paragraphs
        add = self.sink.add
        progress = self.progress
        for record in self.checked_records(inputs, result):
            totals.add(record.amount)
            if record.anonymised:
                result.anonymised += 1
            key = record.paragraph or "?"
            pt = paragraphs.get(key)
            if pt is None:
                pt = paragraphs[key] = ParagraphTotals()
            pt.lines += 1
            if record.psr_id:
                pt.citizens.add(record.psr_id)
            if record.amount >= 0:
                pt.expenditure += record.amount
            else:
                pt.revenue += record.amount
            if progress is not None and totals.records % 4096 == 0:
                progress(totals.records)
            yield record
        for finding in self.engine.finish():
            add(finding)
        result.profile = self.ctx.state.get("siu.profile")
        result.postings = sum(r.info.postings for r in result.inputs)
        result.input_amount = sum((r.amount for r in result.inputs), Decimal(0))
        report_closing(self.sink, result, self.ctx)

    def run(
        self,
        inputs: list[InputSpec],
        writer: Writer | None,
        target: Path | None,
        split: dict[str, Path] | None = None,
        before_commit: Callable[[RunResult], None] | None = None,
    ) -> RunResult:
        """Convert ``inputs``; write one file to ``target``, or with ``split`` (area → path) one per area.

        ``before_commit(result)`` runs when the delivery is complete and free of errors, just
        before it is renamed into place (``result.written`` already true): the reports are written
        there, so their files and the delivery are published together, or none of them."""
        ctx = self.ctx
        header = DeliveryHeader(
            kommune=ctx.kommune,
            year=ctx.year,
            area=ctx.area,
            spec_version=ctx.spec.version,
            created=creation_time(),
            totals=Totals(),
            test=ctx.test,
        )
        result = RunResult(header=header, sink=self.sink, inputs=[], spec=ctx.spec)
        self.result = result
        records = self.records(inputs, result)
        out_header = header
        if writer is not None:
            records, out_header = self._channel_amounts(records, writer, result)
        if writer is not None and split:
            return self._run_split(records, writer, split, result, before_commit)
        if writer is None or target is None:
            for _ in records:
                pass
            return result
        # openpyxl (the xlsx writer) spills sheets to temporary files: beside the delivery, never in /tmp
        with safeio.private_tempdir(target.parent), atomic_output(target) as (fh, tmp):
            writer.write(records, out_header, ctx.spec, fh)
        if next(records, None) is not None:  # the writer stopped early: lines are missing from the file
            self.sink.add(WRITER_STOPPED.make(location=Location(file=target.name), writer=writer.name))
            for _ in records:  # still run every rule, so the report is complete
                pass
        try:
            if self.sink.ok:
                for finding in writer.check(tmp, ctx.spec):
                    self.sink.add(finding)
            if self.sink.ok:
                self._publish(result, [target], lambda: commit(tmp, target), before_commit)
        finally:
            safeio.discard(tmp)
        return result

    @staticmethod
    def _publish(
        result: RunResult,
        outputs: list[Path],
        rename: Callable[[], object],
        before_commit: Callable[[RunResult], None] | None,
    ) -> None:
        """Run ``before_commit`` and the renames in one transaction; on failure nothing counts as written."""
        result.output, result.written, result.outputs = outputs[0], True, list(outputs)
        try:
            with safeio.transaction():
                if before_commit is not None:
                    before_commit(result)
                rename()
        except BaseException:
            result.output, result.written, result.outputs = None, False, []
            raise

    def _channel_amounts(
        self, records: Iterator[Record], writer: Writer, result: RunResult
    ) -> tuple[Iterator[Record], DeliveryHeader]:
        """Records as the writer's channel takes amounts (rounded where the pack says so), and the
        header for the writer: with the rounded totals, while ``result.header`` keeps the exact ones."""
        spec = self.ctx.spec
        decimals, mode = spec.amount_for(writer.name)
        if mode != "largest_remainder":
            return records, result.header
        from siu.accounts.rounding import round_records

        found = spec.channel_of(writer.name)
        out_header = result.header.model_copy(deep=True)
        rounded, result.rounding = round_records(
            records, decimals, found[0] if found else writer.name, self.sink, out_header
        )
        return rounded, out_header

    def _run_split(
        self,
        records: Iterator[Record],
        writer: Writer,
        targets: dict[str, Path],
        result: RunResult,
        before_commit: Callable[[RunResult], None] | None = None,
    ) -> RunResult:
        """One file per area, each checked; all renamed into place only when the delivery has no errors."""
        with safeio.private_tempdir(next(iter(targets.values())).parent):
            files = write_per_area(records, writer, result.header, self.ctx.spec, targets, self.sink)
        result.area_headers = {area: head for area, (_, head) in files.items()}
        try:
            for tmp, _ in files.values():
                if self.sink.ok:
                    for finding in writer.check(tmp, self.ctx.spec):
                        self.sink.add(finding)
            if self.sink.ok:
                self._publish(result, list(targets.values()), lambda: commit_all(files, targets), before_commit)
        finally:
            for tmp, _ in files.values():
                safeio.discard(tmp)
        return result
