"""Bounded memo dictionaries for values a year's lines repeat (dates, CPR numbers, accounts).

A million lines hold a few hundred dates, some thousand citizens and a few accounts, so hot
paths keep what each distinct value parses or renders to in a plain dict, read with
``cache.get(key, MISSING)`` and filled with :func:`remember`, which empties a full dict so
memory stays bounded whatever the input.
"""

from __future__ import annotations

from typing import Any, TypeVar

V = TypeVar("V")

MISSING: Any = object()  # the default for ``cache.get`` when None is a value worth keeping
LIMIT = 100_000


def remember(cache: dict[Any, Any], key: Any, value: V, limit: int = LIMIT) -> V:
    """Keep ``value`` under ``key`` and return it; a cache holding ``limit`` entries is emptied first."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value
