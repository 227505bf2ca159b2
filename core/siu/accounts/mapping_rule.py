"""One rule of a mapping file: its conditions and the account it gives (private; public as
``siu.mapping.MappingRule``)."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

from siu import kontostreng as ks
from siu.base.errors import BilingualError

DIMENSIONS = ("psp", "cost_centre", "gl_account", "artskonto")


class MappingError(BilingualError):
    """The mapping file cannot be used; Danish and English message."""


def is_pattern(p: str) -> bool:
    """Whether a condition is a pattern (``*``, ``?``, ``[``) rather than an exact value."""
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
