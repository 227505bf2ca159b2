"""The rule engine: record rules run as records stream past, delivery rules once at the end.

A rule is a small function registered with a stable code, a default severity, Danish and
English message templates and a paragraph of documentation::

    @record_rule("SIU101", "error", title=("CPR mangler", "CPR missing"),
                 template=("Linjen har intet CPR-nummer", "The line has no CPR number"),
                 doc=("Hver linje skal have ...", "Every line needs ..."))
    def missing_cpr(record, ctx):
        if not record.psr_id:
            return Hit(field="cpr")

A record check returns ``None`` (nothing wrong), one :class:`Hit`, or an iterable of hits (so a
generator that ``yield``s hits works too). A delivery rule is a class with ``observe(record)``
(called for each record) and ``finish()`` returning hits; it keeps only the state it needs; its
factory may return ``None`` to stay out of a run (a check that needs a setting not given).
Type checkers do not see a class decorator change a name's type, so siu's own code writes
``DuplicateLines = delivery_rule("SIU401")(DuplicateLinesCheck)``; ``@delivery_rule`` on the class
does the same at run time.
Plugins return rules from the ``register_rules`` hook; severities are overridden per code in
``siu.toml`` (``[severity]``) by :class:`siu.findings.FindingSink`.

Rules on columns (plugin API 2): :func:`batch_rule` makes a record rule from a function that
takes a whole record batch (:data:`siu.batches.RECORD_SCHEMA`) and returns a boolean mask of
the rows that fail; a finding is built only for those rows, from the rule's ``check`` (a record
check as above, which decides each masked row and words the hit) or, without one, as a hit on
the rule's ``field``. siu's own record rules are batch rules: a mask that selects every row the
record check could flag, and the record check itself. A delivery rule's check object may
implement ``observe_batch(batch)`` instead of ``observe(record)``.

:meth:`RuleEngine.check_batch` runs them on a batch: a record rule (API 1) on every row, as a
record; a batch rule's mask on the columns, then its check on the masked rows only.

A rule that raises is switched off for the rest of the run and reported (SIU190/SIU490), so a
broken plugin rule never ends the run in a traceback, and never passes silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pyarrow as pa

from siu.base.cpr import mask_cpr
from siu.catalogue.check_engine import DELIVERY_RULE_FAILED, LOCKED_OVERRIDE, RECORD_RULE_FAILED, UNKNOWN_OVERRIDE
from siu.context import Context
from siu.findings import CATALOGUE, Code, define
from siu.models import Finding, Location, Record, Severity
from siu.rule_rows import OneRow, Rows, masked_rows


class Hit:
    """One problem a rule found. ``location`` defaults to the record's first source location
    narrowed to the column of ``field``; ``value`` is masked; ``params`` fill the templates.
    ``code`` lets a rule that owns several codes say which one this hit is (default: the rule's)."""

    __slots__ = ("field", "value", "location", "params", "code")

    def __init__(
        self,
        field: str | None = None,
        value: Any = None,
        location: Location | None = None,
        code: Code | None = None,
        **params: Any,
    ):
        self.field = field
        self.value = value
        self.location = location
        self.code = code
        self.params = params


RecordCheck = Callable[[Record, Context], "Hit | Iterable[Hit] | None"]


class DeliveryCheck(Protocol):
    """What a delivery rule's factory returns: ``observe(record)`` per line (API 1) or
    ``observe_batch(batch)`` per record batch (API 2; preferred when both exist), then ``finish()``."""

    def observe(self, record: Record) -> None: ...

    def finish(self) -> Iterable[Hit]: ...


BatchMask = Callable[["pa.RecordBatch", Context], Any]
"""A batch rule's test: the batch and the context in, a boolean mask (Arrow or NumPy) of the rows
that fail (or may fail, when the rule has a ``check``) out; ``None`` when no row does."""


@dataclass
class RecordRule:
    code: Code
    check: RecordCheck
    scope: str = "record"

    @property
    def name(self) -> str:
        return getattr(self.check, "__name__", self.code.code)


@dataclass
class DeliveryRule:
    code: Code
    factory: Callable[[Context], DeliveryCheck | None]
    scope: str = "delivery"

    @property
    def name(self) -> str:
        return getattr(self.factory, "__name__", self.code.code)


@dataclass
class BatchRule:
    """A record rule on columns: ``mask`` finds the rows; ``check`` (optional) decides each of them
    and words its hit; without ``check`` a failing row is a hit on ``field``."""

    code: Code
    mask: BatchMask
    check: RecordCheck | None = None
    field: str | None = None
    scope: str = "record"

    @property
    def name(self) -> str:
        return getattr(self.mask, "__name__", self.code.code)


Rule = RecordRule | DeliveryRule | BatchRule


def _code_of(
    code: str,
    severity: Severity | str | None,
    title: tuple[str, str] | None,
    template: tuple[str, str] | None,
    doc: tuple[str, str],
    group: str,
) -> Code:
    """The rule's code: defined here (plugins), or already in the catalogue (siu's own rules)."""
    if title is None or template is None or severity is None:
        if code not in CATALOGUE:
            raise ValueError(f"finding code {code} is not in the catalogue; give severity, title and template")
        return CATALOGUE[code]
    return define(code, severity, title, template, doc, group=group)


def record_rule(
    code: str,
    severity: Severity | str | None = None,
    *,
    title: tuple[str, str] | None = None,
    template: tuple[str, str] | None = None,
    doc: tuple[str, str] = ("", ""),
) -> Callable[[RecordCheck], RecordRule]:
    """Decorator: make a record rule from a check function.

    Plugins give the code's severity, title and template here; siu's own rules name a code
    already in the catalogue (:mod:`siu.catalogue`)."""

    def wrap(fn: RecordCheck) -> RecordRule:
        return RecordRule(_code_of(code, severity, title, template, doc, "record"), fn)

    return wrap


def batch_rule(
    code: str,
    severity: Severity | str | None = None,
    *,
    title: tuple[str, str] | None = None,
    template: tuple[str, str] | None = None,
    doc: tuple[str, str] = ("", ""),
    field: str | None = None,
    check: RecordCheck | None = None,
) -> Callable[[BatchMask], BatchRule]:
    """Decorator: make a record rule on columns from a mask function (plugin API 2; see the module
    docstring). ``field`` names the column a finding points at; ``check``, when given, decides each
    masked row as a record rule would (and gives the hit's field, value and parameters)."""

    def wrap(mask: BatchMask) -> BatchRule:
        return BatchRule(_code_of(code, severity, title, template, doc, "record"), mask, check, field)

    return wrap


def delivery_rule(
    code: str,
    severity: Severity | str | None = None,
    *,
    title: tuple[str, str] | None = None,
    template: tuple[str, str] | None = None,
    doc: tuple[str, str] = ("", ""),
) -> Callable[[Callable[[Context], DeliveryCheck | None]], DeliveryRule]:
    """Decorator: make a delivery rule from a class (or factory) taking the context (see
    :func:`record_rule` for the code)."""

    def wrap(factory: Callable[[Context], DeliveryCheck | None]) -> DeliveryRule:
        return DeliveryRule(_code_of(code, severity, title, template, doc, "delivery"), factory)

    return wrap


def to_finding(code: Code, hit: Hit, record: Record | None) -> Finding:
    """The finding for a hit: the hit's own code if it names one, located on the record."""
    location = hit.location
    if location is None and record is not None and record.locations:
        column = record.columns.get(hit.field) if hit.field else None
        location = record.locations[0].at_column(column)
    finding = (hit.code or code).make(location=location, field=hit.field, value=hit.value, **hit.params)
    if record is not None and record.paragraph:
        finding.paragraph = record.paragraph
    return finding


def _error_text(exc: BaseException) -> str:
    return mask_cpr(f"{exc.__class__.__name__}: {exc}")[:200]


class RuleEngine:
    """Runs a set of rules over a stream of record batches (or of records, one at a time)."""

    def __init__(self, rules: Iterable[Rule], ctx: Context) -> None:
        self.ctx = ctx
        rules = list(rules)
        self.record_rules: list[RecordRule | BatchRule] = [r for r in rules if isinstance(r, RecordRule | BatchRule)]
        self._off: set[int] = set()  # record rules switched off (by their place in record_rules)
        self.delivery_rules: list[tuple[DeliveryRule, DeliveryCheck | None]] = []
        self._pending: list[Finding] = []
        for r in rules:
            if isinstance(r, DeliveryRule):
                try:
                    self.delivery_rules.append((r, r.factory(ctx)))
                except Exception as exc:
                    self._pending.append(self._delivery_failed(r, exc))
        for code in sorted(ctx.settings.severity):
            if code not in CATALOGUE:
                self._pending.append(UNKNOWN_OVERRIDE.make(value=code))
            elif not CATALOGUE[code].allows(ctx.settings.severity[code]):
                self._pending.append(LOCKED_OVERRIDE.make(value=code, severity=ctx.settings.severity[code].value))

    def check_batch(self, batch: pa.RecordBatch, records: Sequence[Record] | None = None) -> list[tuple[int, Finding]]:
        """The findings of every record rule on a :data:`~siu.batches.RECORD_SCHEMA` batch, each
        with its row in the batch; also feeds the delivery rules. Ordered by row and, within a
        row, by rule, then the engine's own findings (with the run's first row), then delivery
        rules that failed. ``records``: the batch's rows as records, where the caller has them."""
        if batch.num_rows == 0:
            return []
        rows = Rows(batch, records)
        found: list[tuple[int, int, Finding]] = []  # (row, slot, finding): sorted stably below
        for slot, rule in enumerate(self.record_rules):
            if slot not in self._off:
                self._run_rule(slot, rule, batch, rows, found)
        engine_slot = len(self.record_rules)
        found.extend((0, engine_slot, f) for f in self._pending)
        self._pending.clear()
        self._observe(batch, rows, engine_slot + 1, found)
        found.sort(key=lambda t: (t[0], t[1]))
        return [(row, finding) for row, _, finding in found]

    def check_record(self, record: Record) -> list[Finding]:
        """The findings of every record rule on ``record``, as :meth:`check_batch` gives them for
        a batch of this one row; also feeds the delivery rules. A rule's record check runs on the
        record directly (a mask only preselects rows for its check, so the findings are the
        same); a batch of one row is built only for a rule that needs one."""
        ctx, one_row = self.ctx, OneRow(record)
        out: list[Finding] = []
        for slot, rule in enumerate(self.record_rules):
            check = rule.check
            if slot in self._off:
                continue
            if check is None:
                if (batch := one_row.batch()) is not None:
                    found: list[tuple[int, int, Finding]] = []
                    self._run_rule(slot, rule, batch, Rows(batch, [record]), found)
                    out.extend(finding for _, _, finding in found)
                continue
            try:  # the loop of _run_check, inline: this runs once per rule per line
                res = check(record, ctx)
                if res is not None:
                    hits = (res,) if isinstance(res, Hit) else res
                    out.extend(to_finding(rule.code, hit, record) for hit in hits)
            except Exception as exc:
                out.append(self._record_failed(slot, rule, record, exc))
        out.extend(self._pending)
        self._pending.clear()
        for i, (delivery, observer) in enumerate(self.delivery_rules):
            if observer is None:
                continue
            try:
                if hasattr(observer, "observe"):
                    observer.observe(record)
                elif (batch := one_row.batch()) is not None:
                    observer.observe_batch(batch)  # type: ignore[attr-defined]
            except Exception as exc:
                out.append(self._delivery_failed(delivery, exc))
                self.delivery_rules[i] = (delivery, None)
        return out

    def _run_rule(
        self, slot: int, rule: RecordRule | BatchRule, batch: pa.RecordBatch, rows: Rows, found: list[Any]
    ) -> None:
        if isinstance(rule, RecordRule):
            self._run_check(slot, rule, rule.check, range(batch.num_rows), rows.all(), found)
            return
        try:
            masked = masked_rows(rule.mask(batch, self.ctx), batch.num_rows)
        except Exception as exc:
            found.append((0, slot, self._record_failed(slot, rule, rows.at([0])[0], exc)))
            return
        if not masked:
            return
        records = rows.at(masked)
        if rule.check is not None:
            self._run_check(slot, rule, rule.check, masked, records, found)
            return
        hit = Hit(field=rule.field)
        found.extend(
            (row, slot, to_finding(rule.code, hit, record)) for row, record in zip(masked, records, strict=True)
        )

    def _run_check(
        self,
        slot: int,
        rule: RecordRule | BatchRule,
        check: RecordCheck,
        row_numbers: Iterable[int],
        records: list[Record],
        found: list[Any],
    ) -> None:
        ctx, code = self.ctx, rule.code
        for row, record in zip(row_numbers, records, strict=True):
            try:
                res = check(record, ctx)
                if res is None:
                    continue
                hits = (res,) if isinstance(res, Hit) else res
                found.extend((row, slot, to_finding(code, hit, record)) for hit in hits)
            except Exception as exc:
                found.append((row, slot, self._record_failed(slot, rule, record, exc)))
                return

    def _observe(self, batch: pa.RecordBatch, rows: Rows, slot: int, found: list[Any]) -> None:
        """Feeds the batch to the delivery rules: ``observe_batch`` where a rule has it, else
        ``observe`` per record (API 1). A rule that raises is reported and switched off."""
        for i, (rule, check) in enumerate(self.delivery_rules):
            if check is None:
                continue
            observe_batch = getattr(check, "observe_batch", None)
            row = 0
            try:
                if observe_batch is not None:
                    observe_batch(batch)
                else:
                    for row, record in enumerate(rows.all()):
                        check.observe(record)
            except Exception as exc:
                found.append((row, slot, self._delivery_failed(rule, exc)))
                self.delivery_rules[i] = (rule, None)

    def _record_failed(self, slot: int, rule: RecordRule | BatchRule, record: Record, exc: Exception) -> Finding:
        self._off.add(slot)
        return RECORD_RULE_FAILED.make(
            location=record.locations[0] if record.locations else None,
            rule=rule.name,
            code=rule.code.code,
            error=_error_text(exc),
        )

    @staticmethod
    def _delivery_failed(rule: DeliveryRule, exc: Exception) -> Finding:
        return DELIVERY_RULE_FAILED.make(rule=rule.name, code=rule.code.code, error=_error_text(exc))

    def finish(self) -> Iterator[Finding]:
        """The findings of every delivery rule, once all records have passed."""
        yield from self._pending
        self._pending.clear()
        for rule, check in self.delivery_rules:
            if check is None:
                continue
            try:
                hits = list(check.finish())
            except Exception as exc:
                yield self._delivery_failed(rule, exc)
                continue
            for hit in hits:
                yield to_finding(rule.code, hit, None)
