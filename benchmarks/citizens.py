"""Memory per distinct citizen of the delivery rules' state (issue 14: at most 500 bytes).

Feeds generated delivery lines (:data:`siu.batches.RECORD_SCHEMA` batches of 65,536 rows, a
ledger sorted by month, so every batch holds many citizens) to every built-in delivery check that
keeps state per citizen or per line (SIU401-SIU404, SIU407, SIU420, SIU430 with the per-citizen
view, SIU444), and reports what their state holds once the last batch has passed, per distinct
citizen: Python objects (tracemalloc) plus Arrow and numpy buffers (``pyarrow.total_allocated_bytes``,
and numpy's tracemalloc domain);
and what the checks' ``finish`` allocates at its peak beyond that state (the end-of-run searches,
joins and statistics), per citizen. Each size runs in its own process, which also reports its
peak RSS. ``--before`` runs today's
per-row checks instead (tests/reference_rules: siu's code before the columnar engine), fed one
record at a time as the per-row engine fed them.

    python benchmarks/citizens.py                      # 15k, 100k and 1M citizens, 2 lines each
    python benchmarks/citizens.py --citizens 1000000 --lines 1   # a new CPR on every line
    python benchmarks/citizens.py --before
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from siu.base.config import Settings
from siu.batches import BATCH_ROWS, RECORD_SCHEMA, BatchInfo, records_of, with_info
from siu.context import Context
from siu.specpack import BUILTIN_DIR, SpecPack

ROOT = Path(__file__).resolve().parents[1]
SIZES = (15_000, 100_000, 1_000_000)
TARGET = 500  # bytes per citizen


def lines(citizens: int, per_citizen: int) -> Any:
    """Record batches: line k is citizen k mod n's line in month k div n (1 in 10 under § 109)."""
    total = citizens * per_citizen
    info = BatchInfo(source="bench", file="bench.csv", columns={"cpr": "CPR", "amount": "Beløb"})
    for first in range(0, total, BATCH_ROWS):
        ks = range(first, min(first + BATCH_ROWS, total))
        who = [k % citizens for k in ks]
        month = [(k // citizens) % 12 + 1 for k in ks]
        n = len(ks)
        paragraph = ["SEL109" if c % 10 == 0 else "SEL108" for c in who]
        columns = {
            "row": pa.array([k + 2 for k in ks], pa.int64()),
            "amount": pa.array(
                [Decimal(-250) if c % 20 == 7 else Decimal(1000 + c % 500) + Decimal("0.50") for c in who],
                pa.decimal128(38, 18),
            ),
            "amount_scale": pa.array([2] * n, pa.int8()),
            "cpr": pa.nulls(n, pa.string()),
            "start": pa.array([dt.date(2025, m, 1) for m in month], pa.date32()),
            "end": pa.array([dt.date(2025, m, 28) for m in month], pa.date32()),
            "dim_kommune": pa.array(["101"] * n),
            "dim_year": pa.array(["2025"] * n),
            "sign_explicit": pa.array([False] * n),
            "psr_id": pa.array([f"{1_000_000_000 + c}" for c in who]),
            "kontostreng": pa.array(["53850100140"] * n),
            "record_paragraph": pa.array(paragraph),
            "area": pa.array(["voksen"] * n),
            "kind": pa.array(["revenue" if c % 20 == 7 else "expenditure" for c in who]),
            "function": pa.array(["5.38.42" if p == "SEL109" else "5.38.50" for p in paragraph]),
            "dranst": pa.array(["1"] * n),
            "art": pa.array(["4.0"] * n),
            "account_text": pa.array(
                ["5.38.42.1.001.4.0" if p == "SEL109" else "5.38.50.1.003.4.0" for p in paragraph]
            ),
            "anonymised": pa.array([False] * n),
        }
        arrays = [columns.get(f.name, pa.nulls(n, f.type)) for f in RECORD_SCHEMA]
        yield with_info(pa.RecordBatch.from_arrays(arrays, schema=RECORD_SCHEMA), info)


def checks(ctx: Context, before: bool) -> list[Any]:
    if before:
        sys.path.insert(0, str(ROOT / "tests"))
        from reference_rules import delivery_rules, dst, history, plausible
    else:
        from siu.check import delivery_rules, dst, history, plausible
    return [
        delivery_rules.DuplicateLinesCheck(ctx),
        delivery_rules.RevenueWithoutExpenditureCheck(ctx),
        delivery_rules.SeveralMunicipalitiesCheck(ctx),
        delivery_rules.SeveralYearsCheck(ctx),
        delivery_rules.ExtremeValuesCheck(ctx),
        plausible.SharedPlaceholderCheck(ctx),
        dst.ProvisionalChartRowsCheck(ctx),
        history.DeliveryProfileCheck(ctx),
    ]


def feed(state: list[Any], batches: Any, before: bool) -> float:
    """Every batch to every check (today's: record by record); CPU seconds spent in the checks."""
    spent = 0.0
    for batch in batches:
        records = list(records_of(batch)) if before else []  # the per-row engine had its records already
        began = time.process_time()
        if before:
            for record in records:
                for check in state:
                    check.observe(record)
        else:
            for check in state:
                check.observe_batch(batch)
        spent += time.process_time() - began
    return spent


def context() -> Context:
    return Context(
        settings=Settings(), spec=SpecPack.load(BUILTIN_DIR / "2025"), kommune="101", year=2025, area="voksen"
    )


def finish_peak(state: list[Any]) -> int:
    """The most bytes the checks' ``finish`` holds at once beyond their state: Python objects and
    numpy (tracemalloc's peak, tracing on), plus Arrow's (a pool of its own, counting from zero)."""
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    pool, pa_default = pa.proxy_memory_pool(pa.default_memory_pool()), pa.default_memory_pool()
    pa.set_memory_pool(pool)
    try:
        for check in state:
            for _ in check.finish():
                pass
    finally:
        pa.set_memory_pool(pa_default)
    return tracemalloc.get_traced_memory()[1] - base + pool.max_memory()


_NUMPY = 389047  # the tracemalloc domain of numpy's buffers (NPY_TRACE_DOMAIN)


def _numpy_bytes() -> int:
    numpy = tracemalloc.take_snapshot().filter_traces([tracemalloc.DomainFilter(True, _NUMPY)])
    return sum(trace.size for trace in numpy.traces)


def state_bytes(citizens: int, per_citizen: int, before: bool = False) -> tuple[int, int, int]:
    """Bytes the checks hold once the lines have passed: Python objects, and Arrow and numpy
    buffers (SIU401's arrays left out of both), and SIU401's arrays (8 bytes and a bit per line)."""
    return state_and_finish_bytes(citizens, per_citizen, before)[:3]


def state_and_finish_bytes(citizens: int, per_citizen: int, before: bool = False) -> tuple[int, int, int, int]:
    """:func:`state_bytes`, and the peak of the checks' ``finish`` beyond that state."""
    ctx = context()
    # imports and first calls allocate once, not per citizen: enough lines that the state merges (and imports acero)
    feed(checks(ctx, before), lines(3000, 2), before)
    state = checks(ctx, before)
    gc.collect()
    tracemalloc.start()
    traced0, numpy0, arrow0 = tracemalloc.get_traced_memory()[0], _numpy_bytes(), pa.total_allocated_bytes()
    feed(state, lines(citizens, per_citizen), before)
    gc.collect()
    numpy = _numpy_bytes() - numpy0  # Arrow wraps numpy's arrays without a copy: buffers, not objects
    py = tracemalloc.get_traced_memory()[0] - traced0 - numpy
    buffers = pa.total_allocated_bytes() - arrow0 + numpy
    duplicates = state[0]
    if before:  # array.array buckets, Python objects
        dup = sum(a.itemsize * len(a) for a in [*duplicates.hashes, *duplicates.positions])
        py -= dup
    else:
        dup = sum(a.nbytes for a in [*duplicates.hashes, *duplicates.anonymised])
        buffers -= dup
    finish = finish_peak(state)
    tracemalloc.stop()
    return py, buffers, dup, finish


def measure(citizens: int, per_citizen: int, before: bool) -> dict[str, Any]:
    """One size, in this process: bytes of state per citizen and per line, CPU time, peak RSS."""
    # First a plain run: CPU time (the machine is shared) and peak RSS without tracemalloc, whose
    # bookkeeping would count; the peak includes generating the batches (Python lists).
    seconds = feed(checks(context(), before), lines(citizens, per_citizen), before)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    py, arrow, dup_bytes, finish = state_and_finish_bytes(citizens, per_citizen, before)
    n_lines = citizens * per_citizen
    return {
        "engine": "before (per row)" if before else "after (batches)",
        "citizens": citizens,
        "lines": n_lines,
        "bytes_per_citizen": round((py + arrow) / citizens),
        "python_per_citizen": round(py / citizens),
        "arrow_per_citizen": round(arrow / citizens),
        "duplicates_bytes_per_line": round(dup_bytes / n_lines, 1),
        "finish_peak_per_citizen": round(finish / citizens),
        "us_per_line": round(seconds / n_lines * 1e6, 2),
        "peak_rss_mb": round(peak),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--citizens", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--lines", type=int, default=2, help="lines per citizen")
    parser.add_argument("--before", action="store_true", help="today's per-row checks (tests/reference_rules)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a single size, in this process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.citizens[0], args.lines, args.before)))
        return
    print(
        "| engine | citizens | lines | bytes/citizen (Python + Arrow/numpy) | SIU401 bytes/line "
        "| finish's peak bytes/citizen | µs/line | peak RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.citizens:
        cmd = [sys.executable, __file__, "--one", "--citizens", str(n), "--lines", str(args.lines)]
        out = subprocess.run(cmd + (["--before"] if args.before else []), capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        print(
            f"| {r['engine']} | {r['citizens']:,} | {r['lines']:,} | {r['bytes_per_citizen']} "
            f"({r['python_per_citizen']} + {r['arrow_per_citizen']}) | {r['duplicates_bytes_per_line']} | "
            f"{r['finish_peak_per_citizen']} | {r['us_per_line']} | {r['peak_rss_mb']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
