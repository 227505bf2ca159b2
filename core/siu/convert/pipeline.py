"""The conversion on columns: read → map → anonymise → validate → write, a batch at a time.

Postings move as Arrow record batches (:mod:`siu.batches`) of up to 65,536 rows. Accounts are
mapped once per distinct combination of dimensions and anonymisation decided on columns; the
rules see whole batches; Python touches single rows only where something is wrong. Only delivery
rules (and optional aggregation) keep state across batches, and they keep per-citizen or compact
per-line state, never the lines. The writer writes to a temporary file that is renamed into
place only when the writer's own check passed and no rule found an error.

Findings go to the sink in the order a reader expects: per row, what reading found, then the
account, the anonymisation and the record rules; the delivery rules' findings at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from siu.accounts.columns import AccountStage, Answer, account_findings
from siu.adapters import ReadInfo
from siu.anonymise import hook as own_anonymise
from siu.anonymise.columns import OWN_HOOK_READS, AnonymiseStage, candidates, placeholder_mask
from siu.base import cpr, safeio
from siu.base.stamp import creation_time, file_digest
from siu.batches import RECORD_SCHEMA, money
from siu.catalogue.convert import ADAPTER_FAILED, WRITER_STOPPED
from siu.context import Context
from siu.convert.aggregate import Aggregator
from siu.convert.bookkeeping import report_closing, report_input
from siu.convert.counting import count_lines, count_years, spending
from siu.convert.stream import Chunk, chunks
from siu.convert.years import guess_year, line_year, period_year
from siu.findings import FindingSink
from siu.host.plugins import PluginHost
from siu.models import DeliveryHeader, Finding, Location, Totals
from siu.report.result import Exclusion, InputReport, InputSpec, RunResult
from siu.rules import RuleEngine
from siu.write.split import commit_all, write_per_area_batches
from siu.writers import Writer, atomic_output, commit, write_all

__all__ = ["Converter", "guess_year", "line_year", "period_year"]

# Where a finding stands among the findings of its row (reading first, record rules last).
READING, ACCOUNT, ANONYMISATION, RULES = range(4)


def per_value(column: pa.Array, fn: Callable[[str | None], str | None]) -> pa.Array:
    """``fn`` of every value of a text column, worked out once per distinct value of the batch
    (a year's lines repeat a few paragraphs)."""
    encoded = pc.dictionary_encode(column)
    values: list[str | None] = encoded.dictionary.to_pylist()
    indices = pc.fill_null(encoded.indices, len(values))
    return pa.array([fn(v) for v in values] + [fn(None)], pa.string()).take(indices)


_PLAIN_CPR = r"^[0-9]{6}-?[0-9]{4}$"  # DDMMYYNNNN or DDMMYY-NNNN: nearly every cell


def cpr_numbers(cells: pa.Array) -> pa.Array:
    """The CPR cells as ten digits (:func:`siu.base.cpr.normalise`): the plain forms on the whole
    column, any other cell once per distinct text."""
    plain = pc.fill_null(pc.match_substring_regex(cells, _PLAIN_CPR), False)
    digits = pc.replace_substring(cells, "-", "")
    others = pc.unique(pc.filter(cells, pc.and_(pc.invert(plain), pc.is_valid(cells))))
    if not len(others):
        return pc.if_else(plain, digits, pa.nulls(len(cells), pa.string()))
    normalised = pa.array([cpr.normalise(v) for v in others.to_pylist()], pa.string())
    return pc.if_else(plain, digits, normalised.take(pc.index_in(cells, value_set=others)))


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
        self.result: RunResult | None = None
        hooks = host.pm.hook
        self._accounts = AccountStage(hooks.map_account, ctx)
        self._own_anonymise_only = all(
            impl.function is own_anonymise.anonymise for impl in hooks.anonymise.get_hookimpls()
        )
        reads = OWN_HOOK_READS if self._own_anonymise_only else None
        self._anonymised = AnonymiseStage(hooks.anonymise, ctx, reads)

    # --- reading ---------------------------------------------------------------------------
    def chunks(self, inputs: list[InputSpec], reports: list[InputReport]) -> Iterator[tuple[Chunk, InputReport]]:
        """Every input's batches and reading findings, each input's money counted as read."""
        for index, spec in enumerate(inputs):
            source = self.host.sources[spec.source]
            size, digest = file_digest(spec.path)
            report = InputReport(source=spec.source, path=spec.path, size=size, sha256=digest, info=ReadInfo())
            reports.append(report)
            info = report.info
            errors_before = self.sink.errors
            name = cpr.mask_cpr(spec.path.name)  # file names reach messages; never a CPR in them
            try:
                for chunk in chunks(source, spec.path, spec.options, info, index):
                    batch = chunk.batch
                    if batch is not None:
                        info.postings += batch.num_rows
                        spent = spending(batch)
                        report.expenditure += money(batch, spent)
                        report.revenue += money(batch, pc.invert(spent))
                        report.amount = report.expenditure + report.revenue
                    yield chunk, report
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

    # --- postings → delivery lines -----------------------------------------------------------
    def _exclude(
        self,
        batch: pa.RecordBatch,
        excluded: np.ndarray,
        indices: np.ndarray,
        answers: list[Answer],
        report: InputReport,
        result: RunResult,
    ) -> None:
        """Count the rows mapping rules with ``exclude = true`` leave out, per rule and per input."""
        for k in np.unique(indices[excluded]).tolist():
            rule = answers[k].excluded
            assert rule is not None
            rows = indices == k
            amount = money(batch, pa.array(rows))
            report.excluded_rows += int(rows.sum())
            report.excluded_amount += amount
            entry = result.excluded.get(rule.label)
            if entry is None:
                entry = result.excluded[rule.label] = Exclusion(
                    rule=rule.label, rule_en=rule.label_en, reason=rule.reason or ""
                )
            entry.rows += int(rows.sum())
            entry.amount += amount

    def to_records(
        self, batch: pa.RecordBatch, report: InputReport, result: RunResult, found: list[tuple[int, int, Finding]]
    ) -> pa.RecordBatch | None:
        """The delivery lines of a posting batch (None when mapping rules exclude every row); the
        account and anonymisation findings go into ``found`` as (row, stage, finding)."""
        accounts = self._accounts
        indices = accounts.rows(batch)
        excluded = accounts.excluded(indices)
        kept = np.arange(batch.num_rows)
        if excluded.any():
            self._exclude(batch, excluded, indices, accounts.answers, report, result)
            kept = np.flatnonzero(~excluded)
            batch, indices = batch.filter(pa.array(~excluded)), indices[~excluded]
            if not batch.num_rows:
                return None
        failing = accounts.failing(indices)
        found.extend((int(kept[i]), ACCOUNT, f) for i, f in account_findings(batch, indices, failing, accounts.answers))
        columns = accounts.columns(indices)
        psr_ids = cpr_numbers(batch.column("cpr"))
        areas = per_value(columns["record_paragraph"], self.ctx.spec.area_of)
        columns |= {"psr_id": psr_ids, "area": areas, "anonymised": pa.array(np.zeros(batch.num_rows, dtype=bool))}
        arrays = [batch.column(f.name) if f.name in batch.schema.names else columns[f.name] for f in RECORD_SCHEMA]
        records = pa.RecordBatch.from_arrays(arrays, schema=RECORD_SCHEMA.with_metadata(batch.schema.metadata))
        placeholders = placeholder_mask(batch.column("cpr"), psr_ids, self.ctx)
        rows = np.flatnonzero(candidates(records, placeholders, self.ctx, self._own_anonymise_only))
        new_ids, problems = self._anonymised(records, rows)
        found.extend((int(kept[i]), ANONYMISATION, f) for i, f in problems)
        if new_ids:
            flags = np.zeros(records.num_rows, dtype=bool)
            flags[list(new_ids)] = True
            mask = pa.array(flags)
            new = pa.array([new_ids[i] for i in sorted(new_ids)], pa.string())  # in row order, as the mask takes them
            ids = pc.replace_with_mask(records.column("psr_id"), mask, new)
            records = records.set_column(RECORD_SCHEMA.get_field_index("psr_id"), "psr_id", ids)
            records = records.set_column(RECORD_SCHEMA.get_field_index("anonymised"), "anonymised", mask)
        found.extend((int(kept[i]), RULES, f) for i, f in self.engine.check_batch(records))
        return records

    def checked_batches(self, inputs: list[InputSpec], result: RunResult) -> Iterator[pa.RecordBatch]:
        """The delivery lines, checked by the record rules and seen by the delivery rules; with
        ``aggregate`` on, the summed lines instead (after the last posting). Rules see postings,
        not summed lines, so findings point at source rows and duplicates are found before summing."""
        add = self.sink.add
        summing = Aggregator() if self.ctx.settings.aggregate else None
        for chunk, report in self.chunks(inputs, result.inputs):
            found = [(i, READING, f) for i, f in chunk.findings]
            records = None
            if chunk.batch is not None:
                records = self.to_records(chunk.batch, report, result, found)
            found.sort(key=lambda t: (t[0], t[1]))  # stable: a row's findings keep their order
            for _, _, finding in found:
                add(finding)
            if records is None:
                continue
            count_years(records, result)
            if summing is None:
                yield records
            else:
                summing.add_batch(records)
        if summing is not None:
            yield from summing.batches()
            add(summing.summary())

    def batches(self, inputs: list[InputSpec], result: RunResult) -> Iterator[pa.RecordBatch]:
        """:meth:`checked_batches` with the delivery's totals, per paragraph and in all, counted."""
        totals = result.header.totals
        for records in self.checked_batches(inputs, result):
            count_lines(records, totals, result)
            if self.progress is not None:
                self.progress(totals.records)
            yield records
        for finding in self.engine.finish():
            self.sink.add(finding)
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
        batches = self.batches(inputs, result)
        out_header = header
        if writer is not None:
            batches, out_header = self._channel_amounts(batches, writer, result)
        if writer is not None and split:
            return self._run_split(batches, writer, split, result, before_commit)
        if writer is None or target is None:
            for _ in batches:
                pass
            return result
        # openpyxl (the xlsx writer) spills sheets to temporary files: beside the delivery, never in /tmp
        with safeio.private_tempdir(target.parent), atomic_output(target) as (fh, tmp):
            complete = write_all(writer, batches, out_header, ctx.spec, fh)
        if not complete:  # the writer stopped early: lines are missing from the file
            self.sink.add(WRITER_STOPPED.make(location=Location(file=target.name), writer=writer.name))
            for _ in batches:  # still run every rule, so the report is complete
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
        self, batches: Iterator[pa.RecordBatch], writer: Writer, result: RunResult
    ) -> tuple[Iterator[pa.RecordBatch], DeliveryHeader]:
        """Records as the writer's channel takes amounts (rounded where the pack says so), and the
        header for the writer: with the rounded totals, while ``result.header`` keeps the exact ones."""
        spec = self.ctx.spec
        decimals, mode = spec.amount_for(writer.name)
        if mode != "largest_remainder":
            return batches, result.header
        from siu.accounts.rounding import round_batches

        found = spec.channel_of(writer.name)
        out_header = result.header.model_copy(deep=True)
        rounded, result.rounding = round_batches(
            batches, decimals, found[0] if found else writer.name, self.sink, out_header
        )
        return rounded, out_header

    def _run_split(
        self,
        batches: Iterator[pa.RecordBatch],
        writer: Writer,
        targets: dict[str, Path],
        result: RunResult,
        before_commit: Callable[[RunResult], None] | None = None,
    ) -> RunResult:
        """One file per area, each checked; all renamed into place only when the delivery has no errors."""
        with safeio.private_tempdir(next(iter(targets.values())).parent):
            files = write_per_area_batches(batches, writer, result.header, self.ctx.spec, targets, self.sink)
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
