"""The municipality's mapping file: local account dimensions → official kontostreng and paragraph.

A mapping file (TOML) holds rules; the first rule whose conditions all match a posting wins::

    [[rule]]
    name = "Botilbud § 108, Bakkehuset"        # optional, shown in reports
    psp = "XG-5385010001-*"                      # exact value or a pattern (* and ?)
    function = "5.38.50"                         # → the official function,
    dranst = "1"                                 #   operating/refund etc. (default 1)
    grouping = "001"                             #   and grouping (required)
    paragraph = "SEL108"                         # optional; else the spec pack's chart decides
    # art = "4.0"                                # optional; else the artskonto's first two digits

Conditions may use ``psp``, ``cost_centre``, ``gl_account`` and ``artskonto``; each is an
exact value, a ``*``/``?`` pattern, or a list of those, compared without regard to case. A rule
without ``function`` is skipped (a starter rule from ``siu mapping init`` not filled in yet).
A posting that already carries an official kontostreng (e.g. from DST's Excel template) needs
no rule. Rules that can match the same posting are reported when the file is loaded (SIU204,
SIU205), and so are rules whose paragraph contradicts the year's chart (SIU206). User documentation:
``docs/mapping.md``.

The built-in mapping is a ``map_account`` hook implementation that answers last, so a plugin
can replace it for a municipality with other needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from siu import kontostreng as ks
from siu.accounts.mapping_read import CSV_HEADERS, CSV_LIST_SEPARATOR, read_rules
from siu.accounts.mapping_rule import DIMENSIONS, MappingError, MappingRule, literal_prefix
from siu.accounts.overlaps import _glob_covers, find_overlaps, globs_intersect  # noqa: F401  (_glob_covers: tests)
from siu.catalogue.accounts import (
    BAD_ACCOUNT,
    CHART_CONFLICT,
    NO_ART,
    NO_MAPPING_FILE,
    OVERLAP,
    SHADOWED,
    UNMAPPED,
)
from siu.context import Context
from siu.findings import Code
from siu.hookspecs import hookimpl
from siu.models import AccountMapping, Finding, Location, Posting
from siu.rules import DeliveryRule, Hit
from siu.specpack import SpecPack

__all__ = [
    "CSV_HEADERS",
    "CSV_LIST_SEPARATOR",
    "DIMENSIONS",
    "DIM_LABELS",
    "MAPPING_NOTES",
    "UNMAPPED",
    "MappingError",
    "MappingFile",
    "MappingRule",
    "art_of",
    "describe_dims",
    "find_overlaps",
    "globs_intersect",
    "literal_prefix",
    "load_mapping",
    "map_account",
    "mapping_for",
    "register_rules",
]

DIM_LABELS = {
    "psp": ("PSP", "PSP"),
    "cost_centre": ("omk.sted", "cost centre"),
    "gl_account": ("finanskonto", "G/L account"),
    "artskonto": ("artskonto", "artskonto"),
}


@dataclass
class MappingFile:
    """A loaded mapping file. :meth:`find` is first-match; rules with exact values are indexed
    so a file with thousands of rules stays fast."""

    path: Path | None
    rules: list[MappingRule]
    overlaps: list[tuple[MappingRule, MappingRule]] = field(default_factory=list)
    shadowed: list[tuple[MappingRule, MappingRule]] = field(default_factory=list)
    skipped: int = 0  # starter rules without a function
    # dimension → prefix length → literal prefix → rule positions; rules that cannot be
    # indexed (a pattern starting with a wildcard in every dimension) are always tried.
    _index: dict[str, dict[int, dict[str, list[int]]]] = field(default_factory=dict, repr=False)
    _scan: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        for i, rule in enumerate(self.rules):
            key = rule.index_key()
            if key is None:
                self._scan.append(i)
                continue
            dim, prefixes = key
            by_length = self._index.setdefault(dim, {})
            for prefix in set(prefixes):
                by_length.setdefault(len(prefix), {}).setdefault(prefix, []).append(i)

    def _candidates(self, dims: dict[str, str]) -> list[int]:
        found = list(self._scan)
        for dim, by_length in self._index.items():
            value = dims.get(dim)
            if value is None:
                continue
            value = value.casefold()
            for length, by_prefix in by_length.items():
                hits = by_prefix.get(value[:length]) if len(value) >= length else None
                if hits:
                    found.extend(hits)
        found.sort()
        return found

    @property
    def excludes(self) -> bool:
        """Whether any rule has ``exclude = true``."""
        return any(rule.exclude for rule in self.rules)

    def find(self, dims: dict[str, str]) -> MappingRule | None:
        """The first rule that matches ``dims``, or None (an exclusion rule included)."""
        for i in self._candidates(dims):
            if self.rules[i].matches(dims):
                return self.rules[i]
        return None

    def find_all(self, dims: dict[str, str]) -> list[MappingRule]:
        """Every rule that matches ``dims``, in file order (the first one wins)."""
        return [self.rules[i] for i in dict.fromkeys(self._candidates(dims)) if self.rules[i].matches(dims)]

    @property
    def location(self) -> Location | None:
        return Location(file=self.path.name) if self.path else None

    def notes(self, spec: SpecPack | None = None) -> Iterator[tuple[Code, dict[str, str]]]:
        """The load-time warnings as (code, template parameters): never-used rules (SIU205),
        overlapping rules (SIU204) and, given the year's spec pack, rules whose paragraph
        contradicts the chart (SIU206)."""
        for code, pairs in ((SHADOWED, self.shadowed), (OVERLAP, self.overlaps)):
            for a, b in pairs:
                yield code, {"earlier": a.label, "later": b.label, "earlier_en": a.label_en, "later_en": b.label_en}
        if spec is None:
            return
        for rule in self.rules:
            if rule.exclude:
                continue
            base = rule.base()
            entry = spec.chart_entry(base.function, base.dranst, base.gruppering)
            if rule.paragraph and entry is not None and entry.paragraph and entry.paragraph != rule.paragraph:
                yield (
                    CHART_CONFLICT,
                    {
                        "rule": rule.label,
                        "rule_en": rule.label_en,
                        "paragraph": rule.paragraph,
                        "chart": entry.paragraph,
                        "account": f"{base.function}.{base.dranst}.{base.gruppering}",
                        "year": str(spec.year),
                    },
                )

    def findings(self, spec: SpecPack | None = None) -> Iterator[Finding]:
        """The load-time warnings as findings located in the mapping file."""
        for code, params in self.notes(spec):
            yield code.make(location=self.location, **params)


def load_mapping(path: Path) -> MappingFile:
    """Read and check a mapping file (TOML, or CSV when the name ends in ``.csv``); raises
    :class:`MappingError` naming the rule (or CSV line) at fault.

    Overlapping rules are listed in ``overlaps`` and ``shadowed`` (see :meth:`MappingFile.findings`).
    """
    rules, skipped = read_rules(path)
    overlaps, shadowed = find_overlaps(rules)
    return MappingFile(path=path, rules=rules, overlaps=overlaps, shadowed=shadowed, skipped=skipped)


# --- the hook ------------------------------------------------------------------------------


def art_of(posting: Posting, rule: MappingRule | None) -> str | None:
    """The art for a posting: the rule's ``art``, else the artskonto's first two digits."""
    if rule is not None and rule.art:
        return rule.art
    artskonto = (posting.dims.get("artskonto") or "").strip()
    head = artskonto[:2]
    # ASCII digits only: str.isdigit also takes "²" and full-width "４", which int() and the chart do not
    return head if len(head) == 2 and head.isascii() and head.isdigit() else None


def describe_dims(dims: dict[str, str], lang: str = "da") -> str:
    """The local account as users read it: ``PSP XG-5385010001-0001, artskonto 40110000``."""
    k = 1 if lang == "en" else 0
    none = "(no account)" if k else "(ingen konto)"
    shown = [
        d for d in DIMENSIONS if dims.get(d) and not (d == "artskonto" and dims[d] == dims.get("gl_account"))
    ]  # SAP: one account
    return ", ".join(f"{DIM_LABELS[d][k]} {dims[d]}" for d in shown) or none


def mapping_for(context: Context) -> MappingFile | None:
    """The run's mapping file, loaded once per run (kept in ``context.state``)."""
    if "siu.mapping" not in context.state:
        path = context.settings.resolve(context.settings.mapping)
        context.state["siu.mapping"] = load_mapping(path) if path else None
    return context.state["siu.mapping"]


_Result = AccountMapping | Finding | None


@hookimpl(trylast=True)
def map_account(posting: Posting, context: Context) -> _Result:
    result = _map(posting, mapping_for(context))
    if isinstance(result, Finding):
        field_name = result.field or ""
        return result.model_copy(update={"location": posting.location.at_column(posting.column(field_name))})
    return result


def _map(posting: Posting, mapping: MappingFile | None) -> _Result:
    dims = posting.dims
    given = dims.get("kontostreng")
    if given:
        try:
            account = ks.parse(given)
        except ks.KontostrengError as exc:
            return BAD_ACCOUNT.make(field="kontostreng", value=given, reason=exc.reason, reason_da=exc.reason_da)
        if account.art is None:
            art = art_of(posting, None)
            if art is None:
                return NO_ART.make(field="artskonto" if posting.column("artskonto") else "kontostreng")
            account = account.with_art(art)
        return AccountMapping(kontostreng=account, paragraph=dims.get("paragraph") or None, rule="kontostreng")
    if mapping is None:
        return None
    rule = mapping.find(dims)
    if rule is None or rule.exclude:  # the pipeline leaves excluded postings out before mapping
        return None
    art = art_of(posting, rule)
    if art is None:
        return NO_ART.make(field="artskonto")
    return AccountMapping(kontostreng=rule.base().with_art(art), paragraph=rule.paragraph, rule=rule.label)


# --- load-time findings as a rule ----------------------------------------------------------


class _MappingNotes:
    """Reports the mapping file's load-time warnings once per run (after the records), and says
    so when postings went unmapped because no mapping file was given at all."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.without_account = 0

    def observe(self, record: Any) -> None:
        if record.kontostreng is None:
            self.without_account += 1

    def observe_batch(self, batch: Any) -> None:
        self.without_account += batch.column("kontostreng").null_count

    def finish(self) -> Iterator[Hit]:
        try:
            mapping = mapping_for(self.ctx)
        except MappingError:
            return  # the run itself reports a broken mapping file as a usage error
        if mapping is None:
            if self.without_account:
                yield Hit(code=NO_MAPPING_FILE, count=self.without_account)
            return
        for code, params in mapping.notes(self.ctx.spec):
            yield Hit(location=mapping.location, code=code, **params)


MAPPING_NOTES = DeliveryRule(OVERLAP, _MappingNotes)


@hookimpl
def register_rules() -> list[DeliveryRule]:
    return [MAPPING_NOTES]
