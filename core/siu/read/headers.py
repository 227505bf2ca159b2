"""Finding an adapter's columns among a file's headers by alias (private; public as
``siu.tables.HeaderMatcher``, ``HeaderMatch``, ``MissingColumns``, ``normalise_header``)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from siu.base.cpr import mask_cpr
from siu.base.limits import shorten

Row = tuple[int, list[Any]]


def column_letter(index: int) -> str:
    """Excel's column letter for a 0-based index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_header(text: Any) -> str:
    """Header text folded for matching: case, accents, æøå, spaces and punctuation ignored."""
    folded = str(text or "").casefold().translate(_FOLD)
    folded = unicodedata.normalize("NFKD", folded)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", folded)


class MissingColumns(Exception):
    """Required columns were not found; names them all and lists the headers that were."""

    def __init__(
        self,
        missing: Sequence[str],
        found: Sequence[str],
        aliases: Mapping[str, Sequence[str]],
        fields: Mapping[str, str] | None = None,
        *,
        candidates: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
        spare: Sequence[str] | None = None,
    ) -> None:
        self.missing = list(missing)
        # masked: without a header row, the "headers" found are a data row that may hold a CPR;
        # at most 30, each cut short (a hostile file may have thousands of columns or huge cells)
        shown = [h for h in found if h not in (None, "")]
        self.found = [shorten(mask_cpr(str(h)[:200]), 40) for h in shown[:30]]
        if len(shown) > 30:
            self.found.append(f"… (+{len(shown) - 30})")
        self.aliases = aliases
        self.fields = dict(fields or {})  # missing label -> the field name(s) (for column maps)
        # missing label -> field -> its aliases, and the headers no field claimed: for :attr:`closest`
        self._candidates = candidates or {}
        self._spare = [str(h).strip() for h in (found if spare is None else spare) if h not in (None, "")]
        self._closest: dict[str, list[tuple[str, str]]] | None = None
        super().__init__(self.message_en)

    @property
    def closest(self) -> dict[str, list[tuple[str, str]]]:
        """Missing label → the headers found that come closest to one of its aliases, best first,
        each with the field it would be (``"Beløb (kr.)"``, ``"amount"``); labels with none left out."""
        if self._closest is None:
            self._closest = {}
            for label in self.missing:
                near = closest_headers(self._spare, self._candidates.get(label, {}))
                if near:
                    self._closest[label] = near
        return self._closest

    def _near(self, word: str) -> str:
        parts = [
            f"{label} → {', '.join(repr(shorten(mask_cpr(h), 40)) for h, _ in near)}"
            for label, near in self.closest.items()
        ]
        return f". {word}: {'; '.join(parts)}" if parts else ""

    def _wanted(self, eg: str) -> str:
        parts = []
        for m in self.missing:
            text = m
            field = self.fields.get(m)
            if field and field != m:
                text += f" [{field}]"
            others = [a for a in self.aliases.get(m, []) if a != m][:4]
            parts.append(f"{text} ({eg} {', '.join(others)})" if others else text)
        return "; ".join(parts)

    @property
    def message_da(self) -> str:
        found = ", ".join(self.found) or "(ingen)"
        return f"Mangler kolonne(r): {self._wanted('fx')}. Fundne overskrifter: {found}{self._near('Nærmeste')}"

    @property
    def message_en(self) -> str:
        found = ", ".join(self.found) or "(none)"
        return f"Missing column(s): {self._wanted('e.g.')}. Headers found: {found}{self._near('Closest')}"


@dataclass
class HeaderMatch:
    """Which column index holds each field, and the header text the user sees for it."""

    row: int
    index: dict[str, int]
    labels: dict[str, str]
    headers: list[str] = field(default_factory=list)

    def get(self, cells: Sequence[Any], name: str) -> Any:
        i = self.index.get(name)
        return cells[i] if i is not None and i < len(cells) else None

    def values(self, cells: Sequence[Any]) -> dict[str, Any]:
        """Field → cell value for every matched field the row has (one pass; cheaper than
        calling :meth:`get` per field when a row needs most of them)."""
        n = len(cells)
        return {name: cells[i] for name, i in self.index.items() if i < n}


class HeaderMatcher:
    """Finds an adapter's fields among a file's headers by alias.

    ``aliases`` maps each field to the header texts that mean it (first is the canonical label);
    ``required`` lists the fields without which the file cannot be read; ``alternatives`` lists
    groups where any one field satisfies the requirement (e.g. a signed amount *or* an unsigned
    amount with a debit/credit indicator is handled by the adapter, so list them as optional).
    """

    def __init__(
        self,
        aliases: Mapping[str, Sequence[str]],
        required: Sequence[str] = (),
        one_of: Sequence[Sequence[str]] = (),
    ) -> None:
        self.aliases = {k: list(v) for k, v in aliases.items()}
        self.required = list(required)
        self.one_of = [list(g) for g in one_of]
        # normalised header → (field, rank); a lower rank is a better alias for the field.
        self._lookup: dict[str, tuple[str, int]] = {}
        for name, names in self.aliases.items():
            for rank, alias in enumerate([*names, name]):
                key = normalise_header(alias)
                if key:
                    self._lookup.setdefault(key, (name, rank))

    def match_row(self, cells: Sequence[Any]) -> dict[str, int]:
        """Field → column index for the fields this row's headers name.

        When several columns name the same field, the one with the earlier alias wins (so a
        ``CPR-nr`` column beats an assignment column ``Tildeling``, and ``Beløb`` beats
        ``Beløb i transaktionsvaluta``); between equal aliases the leftmost column wins.
        """
        best: dict[str, tuple[int, int]] = {}
        for i, cell in enumerate(cells):
            hit = self._lookup.get(normalise_header(cell))
            if hit is not None:
                name, rank = hit
                if name not in best or rank < best[name][0]:
                    best[name] = (rank, i)
        return {name: i for name, (_, i) in best.items()}

    def label(self, name: str) -> str:
        """How users know a field: its first alias (``CPR``, ``Beløb``) or, failing that, its name."""
        names = self.aliases.get(name) or [name]
        return names[0]

    def score(self, cells: Sequence[Any]) -> int:
        return len(self.match_row(cells))

    def find(self, rows: Iterator[Row], max_scan: int = 30) -> tuple[HeaderMatch, list[Row]]:
        """Scan up to ``max_scan`` leading rows for the header row (the one naming most fields).

        Returns the match and the rows read past the header row that must still be processed.
        Raises :class:`MissingColumns` when required fields are missing.
        """
        scanned: list[Row] = []
        for number, cells in rows:
            scanned.append((number, cells))
            if len(scanned) >= max_scan:
                break
        if not scanned:
            wanted = [*self.required, *(g[0] for g in self.one_of)]
            raise MissingColumns(
                [self.label(f) for f in wanted],
                [],
                {self.label(f): self.aliases.get(f, [f]) for f in wanted},
                {self.label(f): f for f in wanted},
            )
        best = max(range(len(scanned)), key=lambda i: (self.score(scanned[i][1]), -i))
        number, cells = scanned[best]
        index = self.match_row(cells)
        missing: list[str] = []
        aliases: dict[str, list[str]] = {}
        fields: dict[str, str] = {}
        candidates: dict[str, dict[str, list[str]]] = {}
        for f in self.required:
            if f not in index:
                missing.append(self.label(f))
                aliases[self.label(f)] = self.aliases.get(f, [f])
                fields[self.label(f)] = f
                candidates[self.label(f)] = {f: self.aliases.get(f, [])}
        for g in self.one_of:
            if not any(f in index for f in g):
                label = " / ".join(self.label(f) for f in g)
                missing.append(label)
                aliases[label] = []
                fields[label] = " / ".join(g)
                candidates[label] = {f: self.aliases.get(f, []) for f in g}
        if missing:
            found = [str(c).strip() for c in cells if not (c is None or str(c).strip() == "")]
            claimed = set(index.values())
            spare = [str(c) for i, c in enumerate(cells) if i not in claimed and c is not None]
            raise MissingColumns(missing, found, aliases, fields, candidates=candidates, spare=spare)
        headers = ["" if c is None else str(c).strip() for c in cells]
        labels = {name: headers[i] or column_letter(i) for name, i in index.items()}
        return HeaderMatch(row=number, index=index, labels=labels, headers=headers), scanned[best + 1 :]


_MAX_SPARE = 200  # headers compared with the aliases: a hostile file may have thousands of columns
_MAX_HEADER = 80  # longer "headers" are data or notes, never a column's name


def closest_headers(
    headers: Sequence[str], aliases: Mapping[str, Sequence[str]], count: int = 3, cutoff: float = 0.6
) -> list[tuple[str, str]]:
    """The (at most ``count``) headers most like an alias of one of the fields, best first, each
    with that field: compared as :func:`normalise_header` leaves them (``Beløb (kr.)`` is close to
    ``Beløb``), by difflib's ratio of at least ``cutoff``."""
    keys: dict[str, str] = {}
    for header in headers[:_MAX_SPARE]:
        text = str(header).strip()
        key = normalise_header(text)
        if key and len(text) <= _MAX_HEADER:
            keys.setdefault(key, text)
    best: dict[str, tuple[float, str]] = {}
    for field_name, names in aliases.items():
        for alias in [*names, field_name]:
            wanted = normalise_header(alias)
            if not wanted:
                continue
            for key in difflib.get_close_matches(wanted, keys, n=count, cutoff=cutoff):
                ratio = difflib.SequenceMatcher(None, wanted, key).ratio()
                if ratio > best.get(key, (0.0, ""))[0]:
                    best[key] = (ratio, field_name)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])[:count]
    return [(keys[key], field_name) for key, (_, field_name) in ranked]
