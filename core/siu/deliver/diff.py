"""``siu diff OLD NEW``: what changed between two deliveries (XML or xlsx; the same or consecutive years).

Both files are read as a stream into a temporary SQLite database on disk (standard library), and
every figure is a query over it, so memory stays flat however large the deliveries are (a
million lines each: see ``benchmarks/diff_memory.py``). Reported:

- totals per paragraph and per function (the kontostreng's first five digits: 5.38.50), old, new, change;
- citizens added and removed (CPR masked);
- lines added, removed and changed. A line's identity is its citizen, account, paragraph, start
  and end date; *changed* means the same identity with different amounts (or a different number
  of lines with that identity);
- the largest changes in annualised expenditure per citizen and paragraph
  (:func:`siu.check.citizens.annualised`, the definition the per-citizen view and SIU420 use).
"""

from __future__ import annotations

import datetime as dt
import heapq
import sqlite3
import tempfile
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from siu.base.cpr import mask_cpr
from siu.catalogue.deliver import FAR_YEARS, UNREADABLE
from siu.check.citizens import annualised
from siu.deliver.diff_read import DiffError, Line, Side, read_xlsx, read_xml

__all__ = ["DiffError", "Line", "Side", "compare", "read_xlsx", "read_xml"]

SCHEMA = "siu-diff/1"
SAMPLE = 1000  # lines and citizens listed by name in the JSON report, per kind
TOP = 25  # largest changes in annualised expenditure


@lru_cache(maxsize=4096)
def _function(konto: str) -> str:
    """The function of a rendered kontostreng (hovedkonto, hovedfunktion, funktion): 5.38.50."""
    digits = "".join(c for c in konto if c.isdigit())
    return f"{digits[0]}.{digits[1:3]}.{digits[3:5]}" if len(digits) >= 5 else (konto or "?")


def _money(cents: int | None) -> str:
    c = cents or 0
    sign = "-" if c < 0 else ""
    return f"{sign}{abs(c) // 100}.{abs(c) % 100:02d}"


def _load(db: sqlite3.Connection, side_no: int, path: Path) -> Side:
    side = Side(path=path)
    name = mask_cpr(path.name)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DiffError(UNREADABLE.make(file=name, reason="filen findes ikke / the file does not exist"))
    reader = read_xml if suffix == ".xml" else read_xlsx if suffix in (".xlsx", ".xlsm") else None
    if reader is None:
        raise DiffError(UNREADABLE.make(file=name, reason="kun .xml og .xlsx / only .xml and .xlsx"))
    years: dict[int, int] = {}
    batch: list[tuple[Any, ...]] = []
    try:
        for line in reader(path, side):
            side.lines += 1
            try:
                y = dt.date.fromisoformat(line.end).year if line.end else None
            except ValueError:
                y = None
            if y is not None:
                years[y] = years.get(y, 0) + 1
            batch.append(
                (side_no, line.psr, line.konto, line.paragraph, _function(line.konto), line.start, line.end, line.cents)
            )
            if len(batch) >= 10_000:
                db.executemany("INSERT INTO lines VALUES (?,?,?,?,?,?,?,?)", batch)
                batch.clear()
    except DiffError:
        raise
    except (etree.XMLSyntaxError, InvalidOperation, ValueError, KeyError, OSError) as exc:
        raise DiffError(UNREADABLE.make(file=name, reason=mask_cpr(f"{exc.__class__.__name__}: {exc}")[:200])) from None
    db.executemany("INSERT INTO lines VALUES (?,?,?,?,?,?,?,?)", batch)
    if side.lines == 0:
        raise DiffError(UNREADABLE.make(file=name, reason="ingen leverancelinjer / no delivery lines"))
    side.years = years
    if side.year is None and years:  # xlsx: no header; the year most periods end in
        side.year = max(years.items(), key=lambda kv: kv[1])[0]
    return side


def _totals(db: sqlite3.Connection, column: str) -> list[dict[str, Any]]:
    rows = db.execute(
        f"SELECT {column}, side, COUNT(*), COUNT(DISTINCT psr), SUM(CASE WHEN cents >= 0 THEN cents ELSE 0 END), "
        f"SUM(CASE WHEN cents < 0 THEN cents ELSE 0 END) FROM lines GROUP BY {column}, side ORDER BY {column}, side"
    ).fetchall()
    by: dict[str, dict[str, Any]] = {}
    for key, side, n, citizens, exp, rev in rows:
        entry = by.setdefault(key or "?", {"key": key or "?", "old": None, "new": None})
        entry["old" if side == 0 else "new"] = {
            "lines": n,
            "citizens": citizens,
            "expenditure": _money(exp),
            "revenue": _money(rev),
            "net": _money(exp + rev),
        }
    out = []
    for key, e in by.items():
        old_net = Decimal(e["old"]["net"]) if e["old"] else Decimal(0)
        new_net = Decimal(e["new"]["net"]) if e["new"] else Decimal(0)
        out.append({"key": key, "old": e["old"], "new": e["new"], "change_net": f"{new_net - old_net:.2f}"})
    return out


def compare(old: Path, new: Path, sample: int = SAMPLE, top: int = TOP) -> dict[str, Any]:
    """Compare two deliveries; raises :class:`DiffError` when one cannot be read or the years are too far apart."""
    with tempfile.TemporaryDirectory(prefix="siu-diff-") as tmp:
        db = sqlite3.connect(str(Path(tmp) / "diff.sqlite"))
        try:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute("PRAGMA cache_size = -16000")  # 16 MB page cache: memory stays flat
            db.execute(
                "CREATE TABLE lines (side INT, psr TEXT, konto TEXT, paragraph TEXT, function TEXT, start TEXT, end_ "
                "TEXT, cents INT)"
            )
            a = _load(db, 0, old)
            b = _load(db, 1, new)
            if a.year is not None and b.year is not None and abs(a.year - b.year) > 1:
                raise DiffError(
                    FAR_YEARS.make(
                        old_file=mask_cpr(old.name), new_file=mask_cpr(new.name), old_year=a.year, new_year=b.year
                    )
                )
            return _report(db, a, b, sample, top)
        finally:
            db.close()


def _report(db: sqlite3.Connection, a: Side, b: Side, sample: int, top: int) -> dict[str, Any]:
    out: dict[str, Any] = {"schema": SCHEMA, "old": a.describe(), "new": b.describe()}
    for key, side in (("old", 0), ("new", 1)):
        n, citizens, exp, rev = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT psr), SUM(CASE WHEN cents >= 0 THEN cents ELSE 0 END), "
            "SUM(CASE WHEN cents < 0 THEN cents ELSE 0 END) FROM lines WHERE side = ?",
            (side,),
        ).fetchone()
        out[key].update(
            {
                "citizens": citizens,
                "expenditure": _money(exp),
                "revenue": _money(rev),
                "net": _money((exp or 0) + (rev or 0)),
            }
        )
    out["paragraphs"] = [{"paragraph": t.pop("key"), **t} for t in _totals(db, "paragraph")]
    out["functions"] = [{"function": t.pop("key"), **t} for t in _totals(db, "function")]
    db.execute("CREATE INDEX by_citizen ON lines (psr, paragraph, side)")
    out["citizens"] = _citizens(db, sample)
    out["lines"] = _lines(db, sample)
    out["annualised"] = _largest_changes(db, top)
    return out


def _citizens(db: sqlite3.Connection, sample: int) -> dict[str, Any]:
    """Citizens in only one of the two deliveries: counts, and up to ``sample`` of each (masked)."""
    added: list[str] = []
    removed: list[str] = []
    counts = {"added": 0, "removed": 0}
    for psr, lo, hi in db.execute(
        "SELECT psr, MIN(side), MAX(side) FROM lines GROUP BY psr HAVING MIN(side) = MAX(side)"
    ):
        kind, names = ("added", added) if lo == 1 else ("removed", removed)
        counts[kind] += 1
        if len(names) < sample:
            names.append(mask_cpr(psr))
    return {
        "added": counts["added"],
        "removed": counts["removed"],
        "added_sample": added,
        "removed_sample": removed,
    }


def _lines(db: sqlite3.Connection, sample: int) -> dict[str, Any]:
    """Lines added, removed, changed and unchanged (by identity), with up to ``sample`` of each."""
    lines = {"added": 0, "removed": 0, "changed": 0, "unchanged": 0}
    samples: dict[str, list[dict[str, Any]]] = {"added": [], "removed": [], "changed": []}
    query = (
        "SELECT psr, konto, paragraph, start, end_, "
        "SUM(side = 0), SUM(side = 1), "
        "SUM(CASE WHEN side = 0 THEN cents ELSE 0 END), SUM(CASE WHEN side = 1 THEN cents ELSE 0 END), "
        "SUM(CASE WHEN side = 0 THEN cents * cents ELSE 0 END), SUM(CASE WHEN side = 1 THEN cents * cents ELSE 0 END) "
        "FROM lines GROUP BY psr, konto, paragraph, start, end_"
    )
    for psr, konto, par, start, end, n0, n1, s0, s1, q0, q1 in db.execute(query):
        if n1 == 0:
            kind, count = "removed", n0
        elif n0 == 0:
            kind, count = "added", n1
        elif (n0, s0, q0) == (n1, s1, q1):
            lines["unchanged"] += n1
            continue
        else:
            kind, count = "changed", 1
        lines[kind] += count
        if len(samples[kind]) < sample:
            entry = {"citizen": mask_cpr(psr), "kontostreng": konto, "paragraph": par, "start": start, "end": end}
            if kind != "added":
                entry["old_amount"] = _money(s0)
            if kind != "removed":
                entry["new_amount"] = _money(s1)
            samples[kind].append(entry)
    return {**lines, "samples": samples}


def _largest_changes(db: sqlite3.Connection, top: int) -> list[dict[str, Any]]:
    """The ``top`` citizen-and-paragraph pairs whose annualised expenditure changed most (either way)."""
    query = (
        "SELECT psr, paragraph, side, SUM(cents), MIN(start), MAX(end_) FROM lines "
        "WHERE cents > 0 AND start != '' AND end_ != '' GROUP BY psr, paragraph, side ORDER BY psr, paragraph, side"
    )
    heap: list[tuple[float, str, str, float | None, float | None]] = []
    current: tuple[str, str] | None = None
    values: dict[int, float] = {}

    def push() -> None:
        if current is None:
            return
        old, new = values.get(0), values.get(1)
        change = (new or 0.0) - (old or 0.0)
        if abs(change) < 0.005:
            return
        item = (abs(change), current[0], current[1], old, new)
        if len(heap) < top:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)

    for psr, par, side, cents, start, end in db.execute(query):
        if (psr, par) != current:
            push()
            current, values = (psr, par), {}
        try:
            a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError:
            continue
        if a <= b:
            values[side] = annualised(Decimal(cents) / 100, a, b)
    push()
    out = []
    for size, psr, par, old, new in sorted(heap, reverse=True):
        out.append(
            {
                "citizen": mask_cpr(psr),
                "paragraph": par,
                "old": f"{old:.2f}" if old is not None else None,
                "new": f"{new:.2f}" if new is not None else None,
                "change": f"{(new or 0.0) - (old or 0.0):.2f}",
            }
        )
    return out
