"""Bounded memo dictionaries for values a year's lines repeat (dates, CPR numbers, accounts).

A million lines hold a few hundred dates, some thousand citizens and a few accounts, so hot
paths keep what each distinct value parses or renders to in a plain dict, read with
``cache.get(key, MISSING)`` and filled with :func:`remember`, which empties a full dict so
memory stays bounded whatever the input.
"""

from __future__ import annotations

from collections.abc import Callable
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


def parsed(cache: dict[str, V], value: Any, parse: Callable[[Any], V | None]) -> V | None:
    """``parse(value)``, kept in ``cache`` per distinct text: each text is parsed once. Values that
    are not text are parsed every time; None answers and exceptions are never kept."""
    if type(value) is not str:
        return parse(value)
    out = cache.get(value)
    if out is None:
        out = parse(value)
        if out is not None:
            remember(cache, value, out)
    return out
