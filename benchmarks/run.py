"""Time siu against the csv floor and a pandas script, on the same generated Opus export.

For each size N the script generates (once, reused, streamed to disk) a realistic export with
:mod:`generate` and runs each variant as its own subprocess (:mod:`measure`), measuring wall
and CPU time, the peak RSS of the largest process (the XSD helper included) and of the whole
process tree, and the load average before the run:

(a) parse the file with Python's csv module (the floor) · (b) ``siu validate`` ·
(c) ``siu convert`` to XML · (d) ``siu convert --format xlsx`` · (e) pandas ``read_csv`` +
``DataFrame.to_xml`` (:mod:`pandas_to_xml`; skipped above 3M: it holds the file in memory,
~3.4 GB per million lines, ~34 GB at 10M) · (m) the same work as (e) in a plain Python loop
with no checks at all (:mod:`minimal`) · (x) ``siu validate`` of the same postings saved as
an Opus xlsx report (``opus.xlsx``) · (f) python-calamine reading every row of that xlsx
(the floor for x; skipped where python-calamine is not installed).

    python benchmarks/run.py --sizes 100k,1M,3M,10M --variants abc
    python benchmarks/run.py --sizes 200k --variants fx
    python benchmarks/run.py --sizes 3M --variants ac --siu-root /tmp/siu-snapshot
    python benchmarks/run.py --sizes 1M --profile c

Each run is appended as a JSON line to ``<work>/results.jsonl`` and printed as a Markdown
table row (for benchmarks/RESULTS.md) the moment it ends: records/second, wall and CPU time
each as a ratio to the floor of the same N and tag ((a), or (f) for (x)), and peak RSS.
``--table`` prints the table of everything in results.jsonl. ``--siu-root`` measures another
checkout of siu (e.g. a ``git archive`` of an older commit). ``--profile V`` runs variant V
once under cProfile instead (:mod:`profiling`) and writes where the time goes.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate, generate_xlsx  # noqa: E402
from measure import measure  # noqa: E402
from profiling import profile  # noqa: E402

VARIANTS = {
    "a": "csv module (floor)",
    "b": "siu validate",
    "c": "siu convert (XML)",
    "d": "siu convert --format xlsx",
    "e": "pandas read_csv + to_xml",
    "m": "minimal Python loop (no checks)",
    "x": "siu validate, xlsx input",
    "f": "python-calamine read of the xlsx",
}
FLOOR_OF = {"x": "f", "f": "f"}  # the floor each variant's ratio is taken to; (a) for the rest
XLSX_VARIANTS = "xf"
PANDAS_MAX_N = 3_000_000  # (e) holds the whole file: 3.4 GB at 1M, 10.1 GB at 3M, ~34 GB at 10M
CSV_FLOOR = """
import csv, sys
n = 0
with open(sys.argv[1], encoding="cp1252", newline="") as fh:
    for row in csv.reader(fh, delimiter=";"):
        n += 1
print(n)
"""
XLSX_FLOOR = """
import sys
from python_calamine import CalamineWorkbook
n = 0
for row in CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).iter_rows():
    n += 1
print(n)
"""


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * factor)


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def siu_args(variant: str, folder: Path) -> list[str]:
    """The arguments after ``siu`` for a siu variant (b, c, d, x)."""
    src = folder / ("opus.xlsx" if variant == "x" else "opus.csv")
    common = [str(src), "--source", "opus", "--config", str(folder / "siu.toml"), "--quiet"]
    if variant in "bx":
        return ["validate", *common]
    if variant == "c":
        return ["convert", *common, "--out", str(folder / "out.xml")]
    if variant == "d":
        return ["convert", *common, "--format", "xlsx", "--out", str(folder / "out.xlsx")]
    raise ValueError(f"({variant}) does not run siu")


def command(variant: str, csv_path: Path, folder: Path) -> list[str]:
    py = sys.executable
    siu = [py, "-m", "siu"]
    if variant in "bcdx":
        return [*siu, *siu_args(variant, folder)]
    if variant == "a":
        return [py, "-c", CSV_FLOOR, str(csv_path)]
    if variant == "f":
        return [py, "-c", XLSX_FLOOR, str(folder / "opus.xlsx")]
    if variant == "e":
        return [py, str(HERE / "pandas_to_xml.py"), str(csv_path), str(folder / "pandas.xml")]
    if variant == "m":
        return [py, str(HERE / "minimal.py"), str(csv_path), str(folder / "minimal.xml")]
    raise ValueError(variant)


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{os.cpu_count()} cores, {cpu}, {mem} RAM, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}"
    )


def table_header() -> str:
    return (
        "| N | variant | tag | load before | wall s | records/s (wall) | × floor (wall) | CPU s | × floor (CPU) | "
        "peak RSS MB (largest process) | peak RSS MB (all processes) | exit |\n"
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    )


def floors_of(rows: list[dict[str, Any]]) -> dict[tuple[Any, Any, str], dict[str, Any]]:
    """The floor runs ((a) and (f)) among ``rows``, by N, tag and variant."""
    return {(r["n"], r.get("tag"), r["variant"]): r for r in rows if r["variant"] in "af" and r["seconds"]}


def table_row(r: dict[str, Any], floors: dict[tuple[Any, Any, str], dict[str, Any]]) -> str:
    """One Markdown row; ratios to the floor of the same N and tag ((a), or (f) for the xlsx variants)."""
    sec, cpu, variant = r.get("seconds"), r.get("cpu_seconds"), r["variant"]
    floor = floors.get((r["n"], r.get("tag"), FLOOR_OF.get(variant, "a")), {})
    rate = f"{r['n'] / sec:,.0f}" if sec else "-"
    ratio = f"{sec / floor['seconds']:.1f}" if sec and floor.get("seconds") else "-"
    cpu_ratio = f"{cpu / floor['cpu_seconds']:.1f}" if cpu and floor.get("cpu_seconds") else "-"
    tree = "-" if r.get("tree_rss_mb") is None else r["tree_rss_mb"]
    if r.get("processes", 1) > 1:
        tree = f"{tree} ({r['processes']} processes)"
    return (
        f"| {label(r['n'])} | ({variant}) {VARIANTS.get(variant, variant)} | {r.get('tag', '')} | "
        f"{_dash(r.get('load'))} | {_dash(sec)} | {rate} | {ratio} | {_dash(cpu)} | {cpu_ratio} | "
        f"{_dash(r.get('rss_mb'))} | {tree} | {r['exit']} |"
    )


def _dash(value: object) -> str:
    return "-" if value is None else str(value)


def table(rows: list[dict[str, Any]]) -> str:
    """A Markdown table: one line per run.

    Wall time depends on what else the machine runs; CPU time (user + system) much less, so
    both are shown, each with its ratio to the floor's, beside the load average before the run.
    """
    floors = floors_of(rows)
    return "\n".join([table_header(), *(table_row(r, floors) for r in rows)])


def runnable(variants: str, n: int) -> str:
    """The variants that can run here at size ``n``; says on stderr why any is left out."""
    out = variants
    if "e" in out and n > PANDAS_MAX_N:
        print(f"# {label(n)}: (e) skipped: pandas holds the whole file in memory (~34 GB at 10M)", file=sys.stderr)
        out = out.replace("e", "")
    for variant, module, why in (("e", "pandas", "pip install pandas"), ("f", "python_calamine", "its floor")):
        if variant in out and importlib.util.find_spec(module) is None:
            print(f"# ({variant}) skipped: {module} is not installed here ({why})", file=sys.stderr)
            out = out.replace(variant, "")
    return out


def inputs(n: int, folder: Path, variants: str) -> Path:
    """Generate (or reuse) the inputs the variants read; the CSV path."""
    t0 = time.perf_counter()
    csv_path = generate(n, folder)
    done = f"{csv_path.stat().st_size / 1e6:.0f} MB CSV"
    if any(v in XLSX_VARIANTS for v in variants):
        done += f", {generate_xlsx(n, folder).stat().st_size / 1e6:.0f} MB xlsx"
    print(f"# {label(n)}: input ready in {time.perf_counter() - t0:.1f} s ({done})", file=sys.stderr)
    return csv_path


def siu_env(siu_root: Path | None) -> dict[str, str]:
    """The environment the commands run in; with ``siu_root``, siu comes from that checkout."""
    env = dict(os.environ)
    if siu_root:
        root = siu_root.resolve()
        paths = [root / "core", *sorted(p for p in (root / "plugins").iterdir() if p.is_dir())]
        env["PYTHONPATH"] = os.pathsep.join([*map(str, paths), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M,3M", help="comma-separated N (100k, 1M, 3M, 10M)")
    parser.add_argument("--variants", default="abcde", help="letters of the variants to run (abcdemxf)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/siu-bench"), help="where inputs and outputs go")
    parser.add_argument("--siu-root", type=Path, help="run siu from this checkout (core/ and plugins/*/)")
    parser.add_argument("--tag", default="", help="label for this run in the results (e.g. before/after)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a run is stopped")
    parser.add_argument("--table", action="store_true", help="only print the table of results.jsonl")
    parser.add_argument("--profile", metavar="V", help="run siu variant V (b, c, d or x) once under cProfile")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    results = args.work / "results.jsonl"
    if args.table:
        print(table([json.loads(line) for line in results.read_text().splitlines() if line.strip()]))
        return
    env = siu_env(args.siu_root)
    print(f"# {machine()}", file=sys.stderr)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.profile:
        if args.profile not in ("b", "c", "d", "x"):
            sys.exit(f"--profile takes a siu variant (b, c, d or x), not {args.profile!r}")
        for size in args.sizes.split(","):
            n = parse_size(size)
            folder = args.work / label(n)
            inputs(n, folder, args.profile)
            prof = args.work / f"profile-{label(n)}-{args.profile}.prof"
            print(f"# profile written: {profile(siu_args(args.profile, folder), env, prof)}", file=sys.stderr)
        return
    print(table_header(), flush=True)
    done: list[dict[str, Any]] = []
    for size in args.sizes.split(","):
        n = parse_size(size)
        folder = args.work / label(n)
        # the floors first, so every row printed has its ratio
        variants = "".join(sorted(runnable(args.variants, n), key=lambda v: v not in "af"))
        csv_path = inputs(n, folder, variants)
        for variant in variants:
            res = measure(command(variant, csv_path, folder), env, args.timeout)
            row = {"n": n, "variant": variant, "tag": args.tag, **res, "when": time.strftime("%Y-%m-%d %H:%M:%S")}
            done.append(row)
            with results.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
            floors = {
                (r["n"], r.get("tag"), str(r["variant"])): r for r in done if r["variant"] in "af" and r["seconds"]
            }
            print(table_row(row, floors), flush=True)
            if res.get("stderr"):
                print(res["stderr"], file=sys.stderr)
        for name in ("out.xml", "out.xlsx", "pandas.xml", "minimal.xml"):  # large; each run writes them anew
            (folder / name).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
