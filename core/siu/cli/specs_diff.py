"""How ``siu specs diff`` shows what changed between two spec packs (``--json`` prints the diff
itself, :func:`siu.specpack.diff_packs`).

An added or removed entry is one line (``+ BL32: area=boern, …``); a changed one is its name and
then one line per field, ``field: old → new``. Lists of tables (the executive orders, the Excel
template's columns) are compared element by element, each named by its ``id``, ``field`` or
``name``; lists of words (a channel's formats) by what was added and removed. Field names are
manifest.toml's keys, shown as the user writes them; the words around them are Danish or English.
Every value comes from a pack (``--spec-dir`` packs are the user's text), so it is escaped.
"""

from __future__ import annotations

from typing import Any

from siu.base import i18n, i18n_specs
from siu.base.masking import console_text

MARKS = {"added": "+", "removed": "-", "changed": "~"}
SECTIONS = (
    ("areas", ("Områder", "Areas")),
    ("paragraphs", ("Paragraffer", "Paragraphs")),
    ("chart", ("Kontoplan", "Chart of accounts")),
)
# What names an element of a list of tables, in the order tried; else its position (#1, #2, …).
ELEMENT_KEYS = ("id", "field", "name", "code")
# Fields left out where a whole entry is shown: long notes the pack's own files hold.
QUIET = ("source",)
INDENT = "    "  # one level deeper; the top level is two spaces in, like the rest of siu's reports
LONG = 100  # an old and a new value longer than this together go on two lines, the new under the old


def _t(lang: str, da: str, en: str) -> str:
    return en if lang == "en" else da


def value_text(value: Any, lang: str) -> str:
    """A value of a pack as words: ``ja``/``yes`` for true, ``(ingen)``/``(none)`` for a missing
    one, a list as its items, a table as ``key=value`` pairs."""
    if value is None:
        return _t(lang, "(ingen)", "(none)")
    if isinstance(value, bool):
        return _t(lang, "ja", "yes") if value else _t(lang, "nej", "no")
    if value == "":
        return _t(lang, "(tom)", "(empty)")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a column width of 12.0 is 12
    if isinstance(value, dict):
        return entry_text(value, lang)
    if isinstance(value, list):
        if not value:
            return _t(lang, "(ingen)", "(none)")
        return ("; " if any(isinstance(v, dict) for v in value) else ", ").join(value_text(v, lang) for v in value)
    return str(value)


def field_value(field: str, value: Any, lang: str) -> Any:
    """A field's value as ``lang`` says it: a pack's note siu knows in Danish (a ``provisional``
    note, a ``source``, a paragraph's ``code, scope``) in Danish, an order's status in ``lang``."""
    if not isinstance(value, str):
        return value
    last = field.rsplit(".", 1)[-1]
    if last in ("provisional", "source"):
        return i18n_specs.paragraph_flags(value, lang)  # a known sentence or flag list; else as written
    if last == "status":
        return i18n.status("order", value, lang)
    return value


def entry_text(entry: dict[str, Any], lang: str, named_by: str = "") -> str:
    """An added or removed entry: its fields as ``key=value``, without empty ones, sources and
    the field ``named_by`` (the entry's name, shown before it)."""
    left_out = (*QUIET, named_by)
    shown = (
        f"{k}={value_text(field_value(k, v, lang), lang)}"
        for k, v in entry.items()
        if k not in left_out and v not in ("", None)
    )
    return ", ".join(shown)


def _esc(text: str) -> str:
    return console_text(text)


def _pad(depth: int) -> str:
    return "  " + INDENT * depth


def _element_key(old: Any, new: Any) -> str | None:
    """The key naming each element when ``old`` and ``new`` are lists of tables ("" for their
    position); None when they are not."""
    if not (isinstance(old, list) and isinstance(new, list)) or not (old or new):
        return None
    if not all(isinstance(e, dict) for e in (*old, *new)):
        return None
    for key in ELEMENT_KEYS:
        if all(key in e for e in (*old, *new)):
            names_old, names_new = [str(e[key]) for e in old], [str(e[key]) for e in new]
            if len(set(names_old)) == len(names_old) and len(set(names_new)) == len(names_new):
                return key
    return ""


def _named(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {(str(e[key]) if key else f"#{n}"): e for n, e in enumerate(items, start=1)}


def _fields(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[tuple[str, Any, Any]]:
    """The fields of two tables that differ, nested tables as ``a.b``."""
    out: list[tuple[str, Any, Any]] = []
    for k in [*old, *(k for k in new if k not in old)]:
        x, y, name = old.get(k), new.get(k), f"{prefix}{k}"
        if isinstance(x, dict) and isinstance(y, dict):
            out += _fields(x, y, f"{name}.")
        elif x != y:
            out.append((name, x, y))
    return out


def change_lines(name: str, old: Any, new: Any, lang: str, depth: int = 0, mark: str = "~ ") -> list[str]:
    """``name`` changed from ``old`` to ``new``: one line, or (lists of tables) a line per element."""
    pad = _pad(depth)
    key = _element_key(old, new)
    if key is None:
        if isinstance(old, list) and isinstance(new, list) and old and new:
            gone, came = [v for v in old if v not in new], [v for v in new if v not in old]
            if gone or came:  # words added and removed, not the whole list twice
                parts = [f"+ {value_text(v, lang)}" for v in came] + [f"- {value_text(v, lang)}" for v in gone]
                return [f"{pad}{mark}{_esc(name)}: {_esc(', '.join(parts))}"]
        was, now = (_esc(value_text(field_value(name, v, lang), lang)) for v in (old, new))
        if len(was) + len(now) > LONG:
            return [f"{pad}{mark}{_esc(name)}: {was}", f"{pad}{' ' * len(mark)}  → {now}"]
        return [f"{pad}{mark}{_esc(name)}: {was} → {now}"]
    a, b = _named(old, key), _named(new, key)
    lines = [f"{pad}{mark}{_esc(name)}"]
    for element, entry in b.items():
        if element not in a:
            lines.append(f"{_pad(depth + 1)}+ {_esc(element)}: {_esc(entry_text(entry, lang, key))}")
    for element, entry in a.items():
        if element not in b:
            lines.append(f"{_pad(depth + 1)}- {_esc(element)}: {_esc(entry_text(entry, lang, key))}")
    for element, entry in b.items():
        if element in a and a[element] != entry:
            lines += entry_lines(element, _fields(a[element], entry), lang, depth + 1)
    return lines


def entry_lines(name: str, fields: list[tuple[str, Any, Any]], lang: str, depth: int = 0) -> list[str]:
    """A changed entry: its name, then each field that changed on a line of its own."""
    lines = [f"{_pad(depth)}~ {_esc(name)}"]
    for field, old, new in fields:
        lines += change_lines(field, old, new, lang, depth + 1, mark="")
    return lines


def diff_lines(d: dict[str, Any], lang: str) -> list[str]:
    """The diff of :func:`siu.specpack.diff_packs` as rich markup lines, after the title rule."""
    lines: list[str] = []
    for key, title in SECTIONS:
        part = d[key]
        if not any(part.values()):
            continue
        lines.append(f"[bold]{_t(lang, *title)}[/]")
        for kind in ("added", "removed"):
            for name, value in part[kind].items():
                lines.append(f"{_pad(0)}{MARKS[kind]} {_esc(name)}: {_esc(entry_text(value, lang))}")
        for name, fields in part["changed"].items():
            triples = [(f, v["from"], v["to"]) for f, v in fields.items()]
            lines += entry_lines(name, triples, lang)
    if d["settings"]:
        lines.append(f"[bold]{_t(lang, 'Indstillinger', 'Settings')}[/]")
        for path, change in d["settings"].items():
            lines += change_lines(path, change["from"], change["to"], lang)
    changed = _t(lang, "ændret", "changed") if d["xsd_changed"] else _t(lang, "uændret", "unchanged")
    lines.append(f"XSD: {changed}")
    for kind in ("added", "removed"):
        for fact in d["provisional"][kind]:
            label = _t(lang, "foreløbigt", "provisional")
            lines.append(f"{_pad(0)}{MARKS[kind]} {label}: {_esc(i18n_specs.fact(fact, lang))}")
    if len(lines) == 1 and not d["xsd_changed"]:
        lines.insert(0, _t(lang, "Ingen ændringer.", "No changes."))
    return lines
