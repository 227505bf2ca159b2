"""The municipality's mapping file: local account dimensions → official kontostreng and paragraph.

A mapping file (TOML) holds rules; the first rule whose conditions all match a posting wins::

    [[rule]]
    name = "Botilbud § 108, Bakkehuset"        # optional, shown in reports
    psp = "XG-5385010001-*"                      # exact value or a pattern (* and ?)
    function = "5.38.50"                         # → the official function,
    dranst = "1"                                 #   operating/refund etc. (default 1)
    grouping = "001"                             #   and grouping
    paragraph = "SEL108"                         # optional; else the spec pack's chart decides
    # art = "4.0"                                # optional; else the artskonto's first two digits

Conditions may use ``psp``, ``cost_centre``, ``gl_account`` and ``artskonto``; each is an
exact value, a ``*``/``?`` pattern, or a list of those. A posting that already carries an
official kontostreng (e.g. from DST's Excel template) needs no rule.

The built-in mapping is a ``map_account`` hook implementation that answers last, so a plugin
can replace it for a municipality with other needs.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from siu import kontostreng as ks
from siu.context import Context
from siu.findings import define
from siu.hookspecs import hookimpl
from siu.models import AccountMapping, Finding, Posting
from siu.parsing import ParseError

DIMENSIONS = ("psp", "cost_centre", "gl_account", "artskonto")

UNMAPPED = define(
    "SIU201",
    "error",
    ("Konto uden tilknytning", "Unmapped account"),
    (
        "Ingen regel i tilknytningsfilen dækker kontoen {dims}",
        "No rule in the mapping file covers the account {dims}",
    ),
    (
        "Posteringens lokale konto (PSP-element, omkostningssted, finanskonto, artskonto) kunne ikke "
        "oversættes til en autoriseret kontostreng. Tilføj en regel i tilknytningsfilen; "
        "`siu mapping init` laver et udkast med alle konti, der mangler.",
        "The posting's local account (PSP element, cost centre, G/L account, artskonto) could not be "
        "translated to an official account. Add a rule to the mapping file; `siu mapping init` "
        "drafts one listing every account that is missing.",
    ),
    group="mapping",
)
BAD_ACCOUNT = define(
    "SIU202",
    "error",
    ("Ugyldig kontostreng", "Invalid account string"),
    ("Kontostrengen '{value}' kan ikke læses: {reason}", "The account string '{value}' cannot be read: {reason}"),
    (
        "En kontostreng skrives fx 5.38.50.1.003.4.7 eller 53850100347. Ret værdien i kilden eller i "
        "tilknytningsfilen.",
        "An account string is written e.g. 5.38.50.1.003.4.7 or 53850100347. Fix the value in the source "
        "or the mapping file.",
    ),
    group="mapping",
)
NO_ART = define(
    "SIU203",
    "error",
    ("Art mangler", "Art missing"),
    (
        "Kontoen har ingen art: artskontoen mangler eller har ikke to cifre",
        "The account has no art: the artskonto is missing or lacks two digits",
    ),
    (
        "Arten (fx 4.0 eller 7.6) tages fra artskontoens to første cifre, medmindre tilknytningsreglen "
        "angiver `art`.",
        "The art (e.g. 4.0 or 7.6) is taken from the artskonto's first two digits unless the mapping "
        "rule gives `art`.",
    ),
    group="mapping",
)


class MappingError(Exception):
    """The mapping file cannot be used; Danish and English message."""

    def __init__(self, message_da: str, message_en: str) -> None:
        self.message_da = message_da
        self.message_en = message_en
        super().__init__(message_en)


def _matcher(value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    return tuple(str(v).strip() for v in values)


@dataclass
class MappingRule:
    """One rule of the mapping file."""

    number: int
    name: str
    conditions: dict[str, tuple[str, ...]]
    function: str
    dranst: str = "1"
    grouping: str = "000"
    paragraph: str | None = None
    art: str | None = None
    _compiled: dict[str, list[re.Pattern[str]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for dim, patterns in self.conditions.items():
            self._compiled[dim] = [re.compile(fnmatch.translate(p), re.IGNORECASE) for p in patterns]

    @property
    def label(self) -> str:
        return f"regel {self.number}" + (f" ({self.name})" if self.name else "")

    def matches(self, dims: dict[str, str]) -> bool:
        for dim, patterns in self._compiled.items():
            value = dims.get(dim)
            if value is None or not any(p.match(value) for p in patterns):
                return False
        return True

    def base(self) -> ks.Kontostreng:
        return ks.parse(f"{self.function}.{self.dranst}.{self.grouping}")


@dataclass
class MappingFile:
    path: Path | None
    rules: list[MappingRule]
    overlaps: list[tuple[MappingRule, MappingRule]] = field(default_factory=list)

    def find(self, dims: dict[str, str]) -> MappingRule | None:
        for rule in self.rules:
            if rule.matches(dims):
                return rule
        return None

    def find_all(self, dims: dict[str, str]) -> list[MappingRule]:
        return [r for r in self.rules if r.matches(dims)]


def load_mapping(path: Path) -> MappingFile:
    """Read and check a mapping file; overlapping rules are listed in ``overlaps``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"Tilknytningsfilen findes ikke: {path}", f"Mapping file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{path} er ikke gyldig TOML: {exc}", f"{path} is not valid TOML: {exc}") from None
    rules = []
    for i, raw in enumerate(data.get("rule", []), start=1):
        unknown = set(raw) - {*DIMENSIONS, "name", "function", "dranst", "grouping", "paragraph", "art", "postings", "total"}
        if unknown:
            raise MappingError(
                f"{path}: regel {i} har ukendte felter: {', '.join(sorted(unknown))}",
                f"{path}: rule {i} has unknown fields: {', '.join(sorted(unknown))}",
            )
        if not raw.get("function"):
            continue  # a starter rule not filled in yet
        conditions = {d: _matcher(raw[d]) for d in DIMENSIONS if d in raw and raw[d] not in ("", [])}
        if not conditions:
            raise MappingError(
                f"{path}: regel {i} har ingen betingelse (psp, cost_centre, gl_account eller artskonto)",
                f"{path}: rule {i} has no condition (psp, cost_centre, gl_account or artskonto)",
            )
        rule = MappingRule(
            number=i,
            name=str(raw.get("name", "")),
            conditions=conditions,
            function=str(raw["function"]),
            dranst=str(raw.get("dranst", "1")),
            grouping=str(raw.get("grouping", "000")).zfill(3),
            paragraph=raw.get("paragraph") or None,
            art=str(raw["art"]).replace(".", "") if raw.get("art") else None,
        )
        try:
            rule.base()
        except ParseError as exc:
            raise MappingError(
                f"{path}: regel {i} har en ugyldig konto: {exc.reason}",
                f"{path}: rule {i} has an invalid account: {exc.reason}",
            ) from None
        rules.append(rule)
    return MappingFile(path=path, rules=rules, overlaps=find_overlaps(rules))


def find_overlaps(rules: list[MappingRule]) -> list[tuple[MappingRule, MappingRule]]:
    """Pairs of rules that can match the same posting (an earlier rule shadows a later one).

    Two rules overlap when, for every dimension both constrain, some pattern of one can match
    some value of the other; a dimension only one rule constrains does not separate them.
    """
    out = []
    for i, a in enumerate(rules):
        for b in rules[i + 1 :]:
            shared = set(a.conditions) & set(b.conditions)
            if all(_patterns_overlap(a.conditions[d], b.conditions[d]) for d in shared):
                out.append((a, b))
    return out


def _patterns_overlap(xs: tuple[str, ...], ys: tuple[str, ...]) -> bool:
    for x in xs:
        for y in ys:
            if fnmatch.fnmatchcase(x.lower(), y.lower()) or fnmatch.fnmatchcase(y.lower(), x.lower()):
                return True
            if _is_pattern(x) and _is_pattern(y) and _prefix(x)[: len(_prefix(y))] == _prefix(y)[: len(_prefix(x))]:
                return True
    return False


def _is_pattern(p: str) -> bool:
    return any(c in p for c in "*?[")


def _prefix(p: str) -> str:
    return re.split(r"[*?\[]", p.lower(), maxsplit=1)[0]


def art_of(posting: Posting, rule: MappingRule | None) -> str | None:
    if rule is not None and rule.art:
        return rule.art
    artskonto = (posting.dims.get("artskonto") or "").strip()
    return artskonto[:2] if len(artskonto) >= 2 and artskonto[:2].isdigit() else None


def describe_dims(dims: dict[str, str]) -> str:
    labels = {"psp": "PSP", "cost_centre": "omk.sted", "gl_account": "finanskonto", "artskonto": "artskonto"}
    return ", ".join(f"{labels[d]} {dims[d]}" for d in DIMENSIONS if dims.get(d)) or "(ingen konto)"


def mapping_for(context: Context) -> MappingFile | None:
    """The run's mapping file, loaded once per run (kept in ``context.state``)."""
    if "siu.mapping" not in context.state:
        path = context.settings.resolve(context.settings.mapping)
        context.state["siu.mapping"] = load_mapping(path) if path else None
        context.state["siu.mapping.cache"] = {}
    return context.state["siu.mapping"]


@hookimpl(trylast=True)
def map_account(posting: Posting, context: Context) -> AccountMapping | Finding | None:
    dims = posting.dims
    given = dims.get("kontostreng")
    if given:
        try:
            account = ks.parse(given)
        except ParseError as exc:
            return BAD_ACCOUNT.make(
                location=posting.location.at_column(posting.column("kontostreng")),
                field="kontostreng",
                value=given,
                reason=exc.reason,
            )
        if account.art is None:
            art = art_of(posting, None)
            if art is None:
                return NO_ART.make(location=posting.location.at_column(posting.column("kontostreng")), field="art")
            account = account.with_art(art)
        return AccountMapping(kontostreng=account, paragraph=dims.get("paragraph") or None, rule="kontostreng")

    mapping = mapping_for(context)
    if mapping is None:
        return None
    cache: dict[tuple[str | None, ...], AccountMapping | Finding | None] = context.state["siu.mapping.cache"]
    key = tuple(dims.get(d) for d in DIMENSIONS)
    if key in cache:
        return _relocate(cache[key], posting)
    rule = mapping.find(dims)
    result: AccountMapping | Finding | None
    if rule is None:
        result = None
    else:
        art = art_of(posting, rule)
        if art is None:
            result = NO_ART.make(location=posting.location.at_column(posting.column("artskonto")), field="artskonto")
        else:
            result = AccountMapping(kontostreng=rule.base().with_art(art), paragraph=rule.paragraph, rule=rule.label)
    cache[key] = result
    return result


def _relocate(result: AccountMapping | Finding | None, posting: Posting) -> AccountMapping | Finding | None:
    if isinstance(result, Finding):
        return result.model_copy(update={"location": posting.location.at_column(posting.column(result.field or ""))})
    return result
