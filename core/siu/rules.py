"""The rule engine: record rules run as records stream past, delivery rules once at the end.

A rule is a small function registered with a stable code, a default severity, Danish and
English message templates and a paragraph of documentation::

    @record_rule("SIU101", "error", title=("CPR mangler", "CPR missing"),
                 template=("Linjen har intet CPR-nummer", "The line has no CPR number"),
                 doc=("Hver linje skal have ...", "Every line needs ..."))
    def missing_cpr(record, ctx):
        if not record.psr_id:
            yield Hit(field="cpr")

A record rule yields :class:`Hit` for each problem on one record. A delivery rule is a class
with ``observe(record)`` (called for each record) and ``finish()`` returning hits; it keeps
only the state it needs. Plugins return rules from the ``register_rules`` hook.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from siu.context import Context
from siu.findings import Code, define
from siu.models import Finding, Location, Record, Severity


class Hit:
    """One problem a rule found. ``location`` defaults to the record's first source location
    narrowed to the column of ``field``; ``value`` is masked; ``params`` fill the templates."""

    __slots__ = ("field", "value", "location", "params")

    def __init__(self, field: str | None = None, value: Any = None, location: Location | None = None, **params: Any):
        self.field = field
        self.value = value
        self.location = location
        self.params = params


RecordCheck = Callable[[Record, Context], Iterable[Hit]]


class DeliveryCheck(Protocol):
    def observe(self, record: Record) -> None: ...

    def finish(self) -> Iterable[Hit]: ...


@dataclass
class RecordRule:
    code: Code
    check: RecordCheck
    scope: str = "record"


@dataclass
class DeliveryRule:
    code: Code
    factory: Callable[[Context], DeliveryCheck]
    scope: str = "delivery"


Rule = RecordRule | DeliveryRule


def record_rule(
    code: str,
    severity: Severity | str,
    *,
    title: tuple[str, str],
    template: tuple[str, str],
    doc: tuple[str, str] = ("", ""),
) -> Callable[[RecordCheck], RecordRule]:
    """Decorator: make a record rule from a check function."""

    def wrap(fn: RecordCheck) -> RecordRule:
        return RecordRule(define(code, severity, title, template, doc, group="record"), fn)

    return wrap


def delivery_rule(
    code: str,
    severity: Severity | str,
    *,
    title: tuple[str, str],
    template: tuple[str, str],
    doc: tuple[str, str] = ("", ""),
) -> Callable[[Callable[[Context], DeliveryCheck]], DeliveryRule]:
    """Decorator: make a delivery rule from a class (or factory) taking the context."""

    def wrap(factory: Callable[[Context], DeliveryCheck]) -> DeliveryRule:
        return DeliveryRule(define(code, severity, title, template, doc, group="delivery"), factory)

    return wrap


def to_finding(code: Code, hit: Hit, record: Record | None) -> Finding:
    location = hit.location
    if location is None and record is not None and record.locations:
        column = record.columns.get(hit.field) if hit.field else None
        location = record.locations[0].at_column(column)
    return code.make(location=location, field=hit.field, value=hit.value, **hit.params)


class RuleEngine:
    """Runs a set of rules over a stream of records."""

    def __init__(self, rules: Iterable[Rule], ctx: Context) -> None:
        self.ctx = ctx
        self.record_rules = [r for r in rules if isinstance(r, RecordRule)]
        self.delivery_rules = [(r, r.factory(ctx)) for r in rules if isinstance(r, DeliveryRule)]
        self._observers = [check.observe for _, check in self.delivery_rules]

    def check_record(self, record: Record) -> Iterator[Finding]:
        ctx = self.ctx
        for rule in self.record_rules:
            for hit in rule.check(record, ctx):
                yield to_finding(rule.code, hit, record)
        for observe in self._observers:
            observe(record)

    def finish(self) -> Iterator[Finding]:
        for rule, check in self.delivery_rules:
            for hit in check.finish():
                yield to_finding(rule.code, hit, None)
