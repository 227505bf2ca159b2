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

import bisect
import csv
import fnmatch
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from siu import kontostreng as ks
from siu.base.errors import BilingualError
from siu.base.tomlfile import read_toml
from siu.catalogue.accounts import (
    BAD_ACCOUNT,
    CHART_CONFLICT,
    NO_ART,
    NO_MAPPING_FILE,
    OVERLAP,
    SHADOWED,
    UNMAPPED,  # noqa: F401  (re-exported)
)
from siu.context import Context
from siu.findings import Code
from siu.hookspecs import hookimpl
from siu.models import AccountMapping, Finding, Location, Posting
from siu.rules import DeliveryRule, Hit
from siu.specpack import SpecPack

DIMENSIONS = ("psp", "cost_centre", "gl_account", "artskonto")
DIM_LABELS = {
    "psp": ("PSP", "PSP"),
    "cost_centre": ("omk.sted", "cost centre"),
    "gl_account": ("finanskonto", "G/L account"),
    "artskonto": ("artskonto", "artskonto"),
}
_RULE_FIELDS = {
    *DIMENSIONS,
    "name",
    "function",
    "dranst",
    "grouping",
    "paragraph",
    "art",
    "postings",
    "total",
    "exclude",
    "reason",
}
_YES = {"true", "ja", "j", "yes", "y", "x", "1"}
_NO = {"false", "nej", "n", "no", "0", ""}


class MappingError(BilingualError):
    """The mapping file cannot be used; Danish and English message."""


# --- rules ---------------------------------------------------------------------------------


def _is_pattern(p: str) -> bool:
    return any(c in p for c in "*?[")


@dataclass
class MappingRule:
    """One rule of the mapping file. ``number`` counts every ``[[rule]]`` from 1, filled or not."""

    number: int
    name: str
    conditions: dict[str, tuple[str, ...]]
    function: str
    dranst: str = "1"
    grouping: str = "000"
    paragraph: str | None = None
    art: str | None = None
    on_line: bool = False  # from a CSV file: ``number`` is the line number
    exclude: bool = False  # ``exclude = true``: postings it matches are left out on purpose
    reason: str | None = None  # why they are left out (required with ``exclude``)
    _compiled: dict[str, list[re.Pattern[str]]] = field(default_factory=dict, repr=False)
    _base: ks.Kontostreng | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for dim, patterns in self.conditions.items():
            self._compiled[dim] = [re.compile(fnmatch.translate(p), re.IGNORECASE) for p in patterns]

    @property
    def label(self) -> str:
        return f"{'linje' if self.on_line else 'regel'} {self.number}" + (f" ({self.name})" if self.name else "")

    @property
    def label_en(self) -> str:
        return f"{'line' if self.on_line else 'rule'} {self.number}" + (f" ({self.name})" if self.name else "")

    def matches(self, dims: dict[str, str]) -> bool:
        for dim, patterns in self._compiled.items():
            value = dims.get(dim)
            if value is None or not any(p.match(value) for p in patterns):
                return False
        return True

    def base(self) -> ks.Kontostreng:
        """The rule's account without art (raises :class:`siu.kontostreng.KontostrengError`;
        an exclusion rule has none)."""
        if self._base is None:
            self._base = ks.parse(f"{self.function}.{self.dranst}.{self.grouping}")
        return self._base

    def index_key(self) -> tuple[str, tuple[str, ...]] | None:
        """The dimension to index this rule under and the literal prefixes of its patterns there
        (a whole value for an exact one), or None when every dimension has a pattern that starts
        with a wildcard."""
        for dim in DIMENSIONS:
            patterns = self.conditions.get(dim)
            if patterns:
                prefixes = tuple(literal_prefix(p) for p in patterns)
                if all(prefixes):
                    return dim, prefixes
        return None


def literal_prefix(pattern: str) -> str:
    """The part of a pattern before its first wildcard, casefolded (all of an exact value)."""
    return re.split(r"[*?\[]", pattern, maxsplit=1)[0].casefold()


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


def _matcher(value: Any, path: Path, number: int, dim: str) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, str | int):
            raise MappingError(
                f"{path}: regel {number}: {dim} skal være tekst eller en liste af tekster",
                f"{path}: rule {number}: {dim} must be text or a list of texts",
            )
        text = str(v).strip()
        if text:
            out.append(text)
    return tuple(out)


def _text(raw: dict[str, Any], key: str, default: str | None = None) -> str | None:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return str(value).strip()


def load_mapping(path: Path) -> MappingFile:
    """Read and check a mapping file (TOML, or CSV when the name ends in ``.csv``); raises
    :class:`MappingError` naming the rule (or CSV line) at fault.

    Overlapping rules are listed in ``overlaps`` and ``shadowed`` (see :meth:`MappingFile.findings`).
    """
    csv_file = path.suffix.lower() == ".csv"
    entries = _csv_entries(path) if csv_file else _toml_entries(path)
    rules = []
    skipped = 0
    for number, raw in entries:
        rule = _rule(raw, number, path, on_line=csv_file)
        if rule is None:
            skipped += 1
        else:
            rules.append(rule)
    overlaps, shadowed = find_overlaps(rules)
    return MappingFile(path=path, rules=rules, overlaps=overlaps, shadowed=shadowed, skipped=skipped)


def _not_found(path: Path) -> MappingError:
    return MappingError(f"Tilknytningsfilen findes ikke: {path}", f"Mapping file not found: {path}")


def _toml_entries(path: Path) -> list[tuple[int, dict[str, Any]]]:
    data = read_toml(path, MappingError, ("Tilknytningsfilen findes ikke: {path}", "Mapping file not found: {path}"))
    extra = set(data) - {"rule"}
    if extra:
        raise MappingError(
            f"{path}: ukendte felter øverst i filen: {', '.join(sorted(extra))} (regler skrives [[rule]])",
            f"{path}: unknown top-level keys: {', '.join(sorted(extra))} (rules are written [[rule]])",
        )
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not all(isinstance(r, dict) for r in raw_rules):
        raise MappingError(f"{path}: regler skrives som [[rule]]-tabeller", f"{path}: rules must be [[rule]] tables")
    return list(enumerate(raw_rules, start=1))


# CSV column headers: the field names, or their Danish names as a spreadsheet would have them.
CSV_HEADERS = {
    "name": ("name", "navn"),
    "psp": ("psp", "psp-element", "pspelement"),
    "cost_centre": ("cost_centre", "omkostningssted", "omk.sted"),
    "gl_account": ("gl_account", "finanskonto"),
    "artskonto": ("artskonto", "omkostningsart"),
    "function": ("function", "funktion"),
    "dranst": ("dranst",),
    "grouping": ("grouping", "gruppering"),
    "paragraph": ("paragraph", "paragraf"),
    "art": ("art",),
    "postings": ("postings", "posteringer"),
    "total": ("total", "i alt", "beløb"),
    "exclude": ("exclude", "udelad"),
    "reason": ("reason", "begrundelse", "årsag"),
}
_CSV_HEADER_NAMES = {alias: name for name, aliases in CSV_HEADERS.items() for alias in aliases}
CSV_LIST_SEPARATOR = "|"  # several values in one condition cell: "XG-1-*|XG-2-*"


def _csv_entries(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a CSV mapping file with their line numbers (``;``, ``,`` or tab separated,
    UTF-8 with or without BOM, or cp1252 as Excel writes it)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _not_found(path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header_at = next((i for i, row in enumerate(rows) if any(c.strip() for c in row)), None)
    if header_at is None:
        return []
    header = []
    for cell in rows[header_at]:
        name = _CSV_HEADER_NAMES.get(cell.strip().casefold())
        if name is None and cell.strip():
            known = ", ".join(CSV_HEADERS)
            raise MappingError(
                f"{path}: ukendt kolonne '{cell.strip()}' (kendte kolonner: {known})",
                f"{path}: unknown column '{cell.strip()}' (known columns: {known})",
            )
        header.append(name)
    entries = []
    for i, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        values: dict[str, Any] = {}
        for name, cell in zip(header, row):
            cell = cell.strip()
            if name is None or not cell:
                continue
            values[name] = (
                [v.strip() for v in cell.split(CSV_LIST_SEPARATOR)]
                if name in DIMENSIONS and CSV_LIST_SEPARATOR in cell
                else cell
            )
        if values:
            entries.append((i, values))
    return entries


def _flag(value: Any) -> bool | None:
    """``exclude`` as written in TOML (a boolean) or CSV (ja/nej, true/false, x); None when unreadable."""
    if value is None or isinstance(value, bool):
        return bool(value)
    key = str(value).strip().casefold()
    return True if key in _YES else False if key in _NO else None


def _rule(raw: dict[str, Any], i: int, path: Path, on_line: bool = False) -> MappingRule | None:
    def error(da: str, en: str) -> MappingError:
        where_da, where_en = ("linje", "line") if on_line else ("regel", "rule")
        return MappingError(f"{path}: {where_da} {i}: {da}", f"{path}: {where_en} {i}: {en}")

    unknown = set(raw) - _RULE_FIELDS
    if unknown:
        names = ", ".join(sorted(unknown))
        raise error(f"ukendte felter: {names}", f"unknown fields: {names}")
    exclude = _flag(raw.get("exclude"))
    if exclude is None:
        raise error("exclude skal være true eller false", "exclude must be true or false")
    function = _text(raw, "function")
    if function is None and not exclude:
        return None  # a starter rule not filled in yet
    conditions = {d: m for d in DIMENSIONS if d in raw and (m := _matcher(raw[d], path, i, d))}
    if not conditions:
        raise error(
            "har ingen betingelse (psp, cost_centre, gl_account eller artskonto)",
            "has no condition (psp, cost_centre, gl_account or artskonto)",
        )
    if exclude:
        reason = _text(raw, "reason")
        if reason is None:
            raise error(
                'exclude = true kræver en begrundelse: reason = "..." (den vises i rapporten)',
                'exclude = true needs a reason: reason = "..." (it is shown in the report)',
            )
        given = sorted(k for k in ("function", "grouping", "paragraph", "art") if _text(raw, k) is not None)
        if given:
            names = ", ".join(given)
            raise error(
                f"en regel med exclude = true udelader posteringerne og kan ikke også angive {names}",
                f"a rule with exclude = true leaves the postings out and cannot also give {names}",
            )
        return MappingRule(
            number=i,
            name=_text(raw, "name", "") or "",
            conditions=conditions,
            function="",
            on_line=on_line,
            exclude=True,
            reason=reason,
        )
    assert function is not None
    grouping = _text(raw, "grouping")
    if grouping is None:
        raise error('grouping mangler (fx "001")', 'grouping is missing (e.g. "001")')
    rule = MappingRule(
        number=i,
        name=_text(raw, "name", "") or "",
        conditions=conditions,
        function=function,
        dranst=_text(raw, "dranst", "1") or "1",
        grouping=grouping.zfill(3),
        paragraph=_text(raw, "paragraph"),
        art=None,
        on_line=on_line,
    )
    try:
        base = rule.base()
        art = _text(raw, "art")
        if art is not None:
            rule.art = base.with_art(art).art
    except ks.KontostrengError as exc:
        raise error(f"ugyldig konto: {exc.reason_da}", f"invalid account: {exc.reason}")
    return rule


# --- overlap detection ---------------------------------------------------------------------


def find_overlaps(
    rules: list[MappingRule],
) -> tuple[list[tuple[MappingRule, MappingRule]], list[tuple[MappingRule, MappingRule]]]:
    """Pairs of rules that can match the same posting: ``(overlaps, shadowed)``.

    Two rules overlap when they constrain at least one dimension in common and, for every
    dimension both constrain, some pattern of one and some pattern of the other can match a
    common value; a dimension only one rule constrains does not separate them. Rules on disjoint
    dimensions (one on ``psp``, one on ``cost_centre``) are not reported: they meet only on
    postings that carry both, which ``siu mapping check`` shows as ambiguous. A later rule is
    *shadowed* when an earlier one covers it completely (it can never win); shadowed pairs are
    not repeated in ``overlaps``.
    """
    overlaps, shadowed = [], []
    for i, j in sorted(_candidate_pairs(rules)):
        a, b = rules[i], rules[j]
        shared = set(a.conditions) & set(b.conditions)
        if not all(_patterns_overlap(a.conditions[d], b.conditions[d]) for d in shared):
            continue
        if _covers(a, b):
            shadowed.append((a, b))
        else:
            overlaps.append((a, b))
    return overlaps, shadowed


def _candidate_pairs(rules: list[MappingRule]) -> set[tuple[int, int]]:
    """Pairs of rule positions that may overlap: two patterns can only match a common value
    when one's literal prefix starts the other's. Sorting the prefixes finds those pairs without
    comparing every rule with every other (a file may have thousands of exact rules)."""
    pairs: set[tuple[int, int]] = set()
    for dim in DIMENSIONS:
        entries = sorted((literal_prefix(p), i) for i, r in enumerate(rules) for p in r.conditions.get(dim, ()))
        keys = [prefix for prefix, _ in entries]
        for prefix, i in entries:
            start = bisect.bisect_left(keys, prefix)
            end = bisect.bisect_left(keys, prefix + "\U0010ffff", lo=start)
            for _, j in entries[start:end]:
                if i != j:
                    pairs.add((min(i, j), max(i, j)))
    return pairs


def _covers(a: MappingRule, b: MappingRule) -> bool:
    """True when every posting ``b`` matches is also matched by ``a`` (conservatively)."""
    for dim, xs in a.conditions.items():
        ys = b.conditions.get(dim)
        if ys is None:
            return False
        if not all(any(_glob_covers(x, y) for x in xs) for y in ys):
            return False
    return True


def _glob_covers(x: str, y: str) -> bool:
    """True when every value ``y`` matches also matches ``x`` (exact for values and for
    ``prefix*`` patterns; other pattern pairs only when equal)."""
    x, y = x.casefold(), y.casefold()
    if not _is_pattern(y):
        return fnmatch.fnmatchcase(y, x)
    if x == y or x == "*":
        return True
    prefix = x[:-1]
    return x.endswith("*") and not _is_pattern(prefix) and y.startswith(prefix)


def _patterns_overlap(xs: Iterable[str], ys: Iterable[str]) -> bool:
    return any(globs_intersect(x, y) for x in xs for y in ys)


_Token = tuple[str, Any]


def _tokens(pattern: str) -> tuple[_Token, ...]:
    """A glob as tokens: ("*",), ("?",), ("lit", c) or ("set", (chars, negated))."""
    out: list[_Token] = []
    p = pattern.casefold()
    i = 0
    while i < len(p):
        c = p[i]
        if c == "*":
            if not out or out[-1][0] != "*":
                out.append(("*", None))
        elif c == "?":
            out.append(("?", None))
        elif c == "[" and (end := p.find("]", i + 2)) != -1:
            body = p[i + 1 : end]
            negated = body.startswith(("!", "^"))
            out.append(("set", (body[1:] if negated else body, negated)))
            i = end
        else:
            out.append(("lit", c))
        i += 1
    return tuple(out)


def _compatible(s: _Token, t: _Token) -> bool:
    if s[0] == "?" or t[0] == "?":
        return True
    if s[0] == "lit" and t[0] == "lit":
        return bool(s[1] == t[1])
    if s[0] == "set" and t[0] == "set":
        return True  # conservative: two character sets are taken to share a character
    lit, chars = (s[1], t[1]) if s[0] == "lit" else (t[1], s[1])
    body, negated = chars
    inside = lit in body or any(a <= lit <= b for a, _, b in re.findall(r"(.)(-)(.)", body))
    return inside != negated


@lru_cache(maxsize=4096)
def globs_intersect(x: str, y: str) -> bool:
    """True when some text matches both glob patterns ``x`` and ``y`` (case-insensitive)."""
    a, b = _tokens(x), _tokens(y)

    @lru_cache(maxsize=None)
    def can(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i][0] == "*" and (can(i + 1, j) or (j < len(b) and can(i, j + 1))):
            return True
        if j < len(b) and b[j][0] == "*" and (can(i, j + 1) or (i < len(a) and can(i + 1, j))):
            return True
        if i < len(a) and j < len(b) and a[i][0] != "*" and b[j][0] != "*" and _compatible(a[i], b[j]):
            return can(i + 1, j + 1)
        return False

    return can(0, 0)


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
        context.state["siu.mapping.cache"] = {}
    return context.state["siu.mapping"]


_Result = AccountMapping | Finding | None


@hookimpl(trylast=True)
def map_account(posting: Posting, context: Context) -> _Result:
    dims = posting.dims
    state = context.state
    cache: dict[tuple[str | None, ...], _Result] | None = state.get("siu.mapping.cache")
    if cache is None:
        mapping_for(context)
        cache = state["siu.mapping.cache"]
    # One answer per combination of dimensions: ledgers repeat few accounts many times.
    key = (
        dims.get("kontostreng"),
        dims.get("paragraph"),
        dims.get("psp"),
        dims.get("cost_centre"),
        dims.get("gl_account"),
        dims.get("artskonto"),
    )
    try:
        result = cache[key]
    except KeyError:
        result = cache[key] = _map(posting, state["siu.mapping"])
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
