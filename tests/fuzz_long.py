"""Long fuzzing runs: many mutated inputs per adapter, in parallel worker processes.

    python tests/fuzz_long.py --per-adapter 10000 --seed 1 --jobs 2 [--adapters opus,sap] [--keep DIR]

Cases are seeded (``seed``, adapter and case number make each one), so a failure reruns alone:
``--case ADAPTER:N``. Failing cases are kept in ``--keep`` (input, reports, ``argv.json``) and
reproduce with ``tests.fuzzing.replay(folder)``. The figures (inputs per adapter, exit codes,
problems, CPR leaks, the slowest run, wall time) are printed and written as JSON to ``--json``.
The checks are those of :mod:`fuzzing` (see there); the CI share is ``tests/test_fuzz.py``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzzing  # noqa: E402

_BASES: dict | None = None
_WORK: Path | None = None
_KEEP: Path | None = None
_BOUND = fuzzing.TIME_BOUND


def _init(work: str, keep: str, bound: float) -> None:
    global _BASES, _WORK, _KEEP, _BOUND
    _WORK = Path(tempfile.mkdtemp(dir=work))
    _KEEP = Path(keep)
    _BOUND = bound
    _BASES = fuzzing.make_bases(_WORK / "bases")


def _one(job: tuple[str, int, int]) -> dict:
    adapter, case, seed = job
    assert _BASES is not None and _WORK is not None
    try:
        o = fuzzing.run_case(_BASES, adapter, case, seed, _WORK / "cases", bound=_BOUND, keep_failures=_KEEP)
    except BaseException as exc:  # noqa: BLE001 - the harness itself failed on this case; count it, go on
        return {
            "adapter": adapter,
            "case": case,
            "mutations": [],
            "exit_code": -2,
            "seconds": 0.0,
            "problems": [f"harness: {exc.__class__.__name__}: {str(exc)[:300]}"],
            "leaks": [],
            "subprocess": False,
        }
    return {
        "adapter": o.adapter,
        "case": o.case,
        "mutations": o.mutations,
        "exit_code": o.exit_code,
        "seconds": o.seconds,
        "problems": o.problems,
        "leaks": o.leaks,
        "subprocess": o.subprocess,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-adapter", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--adapters", default=",".join(fuzzing.ADAPTERS))
    parser.add_argument("--start", type=int, default=0, help="first case number (to continue a run)")
    parser.add_argument("--case", help="run one case, ADAPTER:N, and print what it found")
    parser.add_argument("--bound", type=float, default=fuzzing.TIME_BOUND, help="seconds a run may take")
    parser.add_argument("--keep", default="fuzz-failures", help="folder for failing cases")
    parser.add_argument("--json", default=None, help="write the figures as JSON here")
    parser.add_argument("--max-minutes", type=float, default=None, help="stop after this long and report what was run")
    args = parser.parse_args(argv)
    work = tempfile.mkdtemp(prefix="siu-fuzz-")
    Path(args.keep).mkdir(parents=True, exist_ok=True)
    if args.case:
        adapter, number = args.case.split(":")
        _init(work, args.keep, args.bound)
        print(json.dumps(_one((adapter, int(number), args.seed)), indent=1, ensure_ascii=False))
        return 0
    adapters = [a for a in args.adapters.split(",") if a]
    jobs = [(a, n, args.seed) for n in range(args.start, args.start + args.per_adapter) for a in adapters]
    began = time.perf_counter()
    runs: Counter = Counter()
    codes: dict[str, Counter] = {a: Counter() for a in adapters}
    problems: list[dict] = []
    leaky: list[dict] = []
    slowest: dict | None = None
    subprocess_runs = 0
    # maxtasksperchild: a fresh worker now and then, so that state left by a run that was
    # stopped at its time bound cannot affect many later runs.
    with mp.get_context("fork").Pool(
        args.jobs, initializer=_init, initargs=(work, args.keep, args.bound), maxtasksperchild=500
    ) as pool:
        for i, r in enumerate(pool.imap_unordered(_one, jobs, chunksize=4), start=1):
            runs[r["adapter"]] += 1
            codes[r["adapter"]][r["exit_code"]] += 1
            subprocess_runs += r["subprocess"]
            if r["problems"]:
                problems.append(r)
                print(
                    f"PROBLEM {r['adapter']}:{r['case']} {r['mutations']} exit {r['exit_code']}: {r['problems'][:2]}",
                    flush=True,
                )
            if r["leaks"]:
                leaky.append(r)
            if slowest is None or r["seconds"] > slowest["seconds"]:
                slowest = r
            if i % 500 == 0:
                print(
                    f"{i}/{len(jobs)} runs, {time.perf_counter() - began:.0f} s, problems {len(problems)}, leaks "
                    f"{len(leaky)}",
                    flush=True,
                )
            if args.max_minutes is not None and time.perf_counter() - began > args.max_minutes * 60:
                print(f"stopped after {args.max_minutes} minutes: {i} of {len(jobs)} runs", flush=True)
                pool.terminate()
                break
    wall = time.perf_counter() - began
    leak_paths = Counter(leak.split(":")[0] for r in leaky for leak in r["leaks"])
    figures = {
        "seed": args.seed,
        "per_adapter": dict(runs),
        "exit_codes": {a: {str(k): v for k, v in sorted(c.items())} for a, c in codes.items()},
        "outside_0_1_2": sum(v for c in codes.values() for k, v in c.items() if k not in (0, 1, 2)),
        "problems": len(problems),
        "tracebacks": sum(
            1 for r in problems if any("traceback" in p or p.startswith("exit code 70") for p in r["problems"])
        ),
        "over_time_bound": sum(1 for r in problems if any("time bound" in p for p in r["problems"])),
        "money_not_balanced": sum(1 for r in problems if any(p.startswith("money") for p in r["problems"])),
        "runs_with_cpr_leaks": len(leaky),
        "leaks_by_output": dict(leak_paths),
        "subprocess_runs": subprocess_runs,
        "slowest": {k: slowest[k] for k in ("adapter", "case", "mutations", "seconds", "exit_code")}
        if slowest
        else None,
        "wall_seconds": round(wall, 1),
        "jobs": args.jobs,
        "complete": sum(runs.values()) == len(jobs),
    }
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"figures": figures, "problems": problems, "leaks": leaky}, indent=1, ensure_ascii=False),
            encoding="utf-8",
        )
    return 1 if problems or leaky else 0


if __name__ == "__main__":
    sys.exit(main())
