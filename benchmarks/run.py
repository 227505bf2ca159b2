"""Time siu against the csv floor and a pandas script, on the same generated Opus export.

For each size N the script generates (once, reused) a realistic export with
:mod:`generate` and runs each variant as its own subprocess under ``/usr/bin/time``,
measuring wall time, CPU time (user + system) and the command's peak RSS:

(a) parse the file with Python's csv module (the floor) · (b) ``siu validate`` ·
(c) ``siu convert`` to XML · (d) ``siu convert --format xlsx`` · (e) pandas ``read_csv`` +
``DataFrame.to_xml`` (:mod:`pandas_to_xml`) · (m) the same work as (e) in a plain Python
loop with no checks at all (:mod:`minimal`): what CPython costs before any validation.

    python benchmarks/run.py --sizes 100k,1M,3M --variants abcde
    python benchmarks/run.py --sizes 3M --variants ac --siu-root /tmp/siu-snapshot

Each run is appended as a JSON line to ``<work>/results.jsonl``; the table printed at the end
(Markdown, for benchmarks/RESULTS.md) shows records/second, wall and CPU time each as a
ratio to (a), and peak RSS.
``--siu-root`` measures another checkout of siu (e.g. a ``git archive`` of an older commit).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

VARIANTS = {
    "a": "csv module (floor)",
    "b": "siu validate",
    "c": "siu convert (XML)",
    "d": "siu convert --format xlsx",
    "e": "pandas read_csv + to_xml",
    "m": "minimal Python loop (no checks)",
}
CSV_FLOOR = """
import csv, sys
n = 0
with open(sys.argv[1], encoding="cp1252", newline="") as fh:
    for row in csv.reader(fh, delimiter=";"):
        n += 1
print(n)
"""


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * factor)


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


# numpy is in the environment only for the pandas variant; openpyxl imports it when present
# (~13 MB RSS more for every siu run), so siu runs as a plain installation would have it.
SIU_WITHOUT_NUMPY = (
    "import runpy, sys; sys.modules['numpy'] = None; runpy.run_module('siu', run_name='__main__', alter_sys=True)"
)


def command(variant: str, csv_path: Path, folder: Path, with_numpy: bool = False) -> list[str]:
    py = sys.executable
    siu = [py, "-m", "siu"] if with_numpy else [py, "-c", SIU_WITHOUT_NUMPY]
    common = [str(csv_path), "--source", "opus", "--config", str(folder / "siu.toml"), "--quiet"]
    if variant == "a":
        return [py, "-c", CSV_FLOOR, str(csv_path)]
    if variant == "b":
        return [*siu, "validate", *common]
    if variant == "c":
        return [*siu, "convert", *common, "--out", str(folder / "out.xml")]
    if variant == "d":
        return [*siu, "convert", *common, "--format", "xlsx", "--out", str(folder / "out.xlsx")]
    if variant == "e":
        return [py, str(HERE / "pandas_to_xml.py"), str(csv_path), str(folder / "pandas.xml")]
    if variant == "m":
        return [py, str(HERE / "minimal.py"), str(csv_path), str(folder / "minimal.xml")]
    raise ValueError(variant)


def measure(cmd: list[str], env: dict[str, str], timeout: float) -> dict[str, object]:
    """Run ``cmd``; wall seconds, the child's peak RSS in MB and its exit code.

    Linux keeps a process's peak RSS across fork+exec, so a child forked straight from this
    (larger) process would report at least our own size. ``/usr/bin/time`` is forked while
    small and forks the command itself, so its figure is the command's own.
    """
    time_bin = Path("/usr/bin/time")
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        full = [str(time_bin), "-f", "%M %U %S", "-o", rss_file.name, *cmd] if time_bin.exists() else cmd
        start = time.perf_counter()
        try:
            proc = subprocess.run(full, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"seconds": None, "rss_mb": None, "exit": "timeout"}
        seconds = time.perf_counter() - start
        text = rss_file.read().strip().splitlines()
    figures = text[-1].split() if text else []
    if len(figures) == 3:
        rss_kb, cpu = int(figures[0]), float(figures[1]) + float(figures[2])
    else:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        rss_kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime  # cumulative: approximate
    out: dict[str, object] = {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 2),
        "rss_mb": round(rss_kb / 1024, 1),
        "exit": proc.returncode,
    }
    if proc.returncode != 0:
        out["stderr"] = proc.stderr.decode("utf-8", "replace")[-500:]
    return out


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


def table(rows: list[dict[str, object]]) -> str:
    """A Markdown table: one line per run; ratios to the floor (a) of the same N and tag.

    Wall time depends on what else the machine runs; CPU time (user + system) much less, so
    both are shown, each with its ratio to the floor's.
    """
    floors = {(r["n"], r.get("tag")): r for r in rows if r["variant"] == "a" and r["seconds"]}
    out = [
        "| N | variant | tag | wall s | records/s (wall) | × floor (wall) | CPU s | × floor (CPU) | peak RSS MB | "
        "exit |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        sec, cpu = r["seconds"], r.get("cpu_seconds")
        floor = floors.get((r["n"], r.get("tag")), {})
        rate = f"{r['n'] / sec:,.0f}" if sec else "-"
        ratio = f"{sec / floor['seconds']:.1f}" if sec and floor else "-"
        cpu_ratio = f"{cpu / floor['cpu_seconds']:.1f}" if cpu and floor.get("cpu_seconds") else "-"
        out.append(
            f"| {label(int(r['n']))} | ({r['variant']}) {VARIANTS[str(r['variant'])]} | {r.get('tag', '')} | "
            f"{sec if sec is not None else '-'} | {rate} | {ratio} | {cpu if cpu is not None else '-'} | {cpu_ratio} | "
            f"{r['rss_mb']} | {r['exit']} |"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M,3M", help="comma-separated N (100k, 1M, 3M)")
    parser.add_argument("--variants", default="abcde", help="letters of the variants to run")
    parser.add_argument("--work", type=Path, default=Path("/tmp/siu-bench"), help="where inputs and outputs go")
    parser.add_argument("--siu-root", type=Path, help="run siu from this checkout (core/ and plugins/*/)")
    parser.add_argument("--tag", default="", help="label for this run in the results (e.g. before/after)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a run is stopped")
    parser.add_argument("--table", action="store_true", help="only print the table of results.jsonl")
    parser.add_argument(
        "--with-numpy", action="store_true", help="let siu import numpy if installed (see SIU_WITHOUT_NUMPY)"
    )
    args = parser.parse_args()
    results = args.work / "results.jsonl"
    if args.table:
        rows = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
        print(table(rows))
        return
    env = dict(os.environ)
    if args.siu_root:
        root = args.siu_root.resolve()
        paths = [root / "core", *sorted(p for p in (root / "plugins").iterdir() if p.is_dir())]
        env["PYTHONPATH"] = os.pathsep.join([*map(str, paths), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    if "e" in args.variants:
        try:
            import pandas  # noqa: F401
        except ImportError:
            print("pandas is missing: variant (e) is skipped (pip install pandas; benchmark only)", file=sys.stderr)
            args.variants = args.variants.replace("e", "")
    print(f"# {machine()}", file=sys.stderr)
    args.work.mkdir(parents=True, exist_ok=True)
    done = []
    for size in args.sizes.split(","):
        n = parse_size(size)
        folder = args.work / label(n)
        t0 = time.perf_counter()
        csv_path = generate(n, folder)
        print(
            f"# {label(n)}: input ready in {time.perf_counter() - t0:.1f} s ({csv_path.stat().st_size / 1e6:.0f} MB)",
            file=sys.stderr,
        )
        for variant in args.variants:
            res = measure(command(variant, csv_path, folder, args.with_numpy), env, args.timeout)
            row = {"n": n, "variant": variant, "tag": args.tag, **res, "when": time.strftime("%Y-%m-%d %H:%M:%S")}
            done.append(row)
            with results.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
            print(
                f"{label(n):>5} ({variant}) {VARIANTS[variant]:<28} {res['seconds']} s  {res['rss_mb']} MB  exit "
                f"{res['exit']}",
                file=sys.stderr,
            )
            if res.get("stderr"):
                print(res["stderr"], file=sys.stderr)
        for name in ("out.xml", "out.xlsx", "pandas.xml"):  # large; each run writes them anew
            (folder / name).unlink(missing_ok=True)
    print(table(done))


if __name__ == "__main__":
    main()
