"""Bounded memo caches (siu.base.caching): what is kept, what is not, and that memory stays bounded."""

from __future__ import annotations

import pytest

from siu.base.caching import parsed, remember
from siu.parsing import ParseError, parse_date


def test_each_distinct_text_is_parsed_once():
    calls: list[object] = []

    def parse(value: object) -> str:
        calls.append(value)
        return str(value).strip()

    cache: dict[str, str] = {}
    assert [parsed(cache, v, parse) for v in (" a", " a", "b", " a")] == ["a", "a", "b", "a"]
    assert calls == [" a", "b"]


def test_none_answers_errors_and_values_that_are_not_text_are_not_kept():
    cache: dict[str, object] = {}
    assert parsed(cache, "  ", lambda v: None) is None
    with pytest.raises(ParseError):
        parsed(cache, "31.02.2025", parse_date)
    assert parsed(cache, 45658, parse_date).isoformat() == "2025-01-01"  # an Excel serial number
    assert cache == {}


def test_a_full_cache_is_emptied_before_it_grows():
    cache: dict[int, int] = {}
    for i in range(10):
        remember(cache, i, i, limit=4)
    assert len(cache) <= 4 and cache[9] == 9
