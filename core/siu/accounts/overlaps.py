"""Which rules of a mapping file can match the same posting (private; public as
``siu.mapping.find_overlaps`` and ``globs_intersect``)."""

from __future__ import annotations

import bisect
import fnmatch
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from siu.accounts.mapping_rule import DIMENSIONS, MappingRule, is_pattern, literal_prefix


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
    if not is_pattern(y):
        return fnmatch.fnmatchcase(y, x)
    if x == y or x == "*":
        return True
    prefix = x[:-1]
    return x.endswith("*") and not is_pattern(prefix) and y.startswith(prefix)


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
