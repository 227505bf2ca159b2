"""Where the time goes: run one siu command under cProfile and write its top functions.

    python benchmarks/run.py --sizes 1M --profile c

runs variant (c) once under :mod:`cProfile` (in its own process, numpy hidden as in the timed
runs) and writes ``profile-<N>-<variant>.prof`` (for ``python -m pstats`` or snakeviz) and
``profile-<N>-<variant>.md`` (the top functions by cumulative and by own time, for
benchmarks/RESULTS.md) into the work folder. Profiling slows Python code down (each call is
counted) but not time spent inside C (pyarrow kernels, lxml, the csv module), so shares shift
towards Python code; use it for where, not for how long. Only the main process is profiled:
the XSD helper (a separate process) shows as the writer's waits for it, if any.

(No dependency is added for this; cProfile is in the standard library.)
"""

from __future__ import annotations

import io
import pstats
import subprocess
import sys
from pathlib import Path

# Runs `siu ARGS...` under cProfile in this process and saves the profile to argv[1].
# SystemExit is the CLI's normal way to end.
PROFILED_SIU = """
import cProfile, runpy, sys
out, sys.argv = sys.argv[1], ['siu', *sys.argv[2:]]
profiler = cProfile.Profile()
profiler.enable()
try:
    runpy.run_module('siu', run_name='__main__', alter_sys=True)
except SystemExit:
    pass
finally:
    profiler.disable()
    profiler.dump_stats(out)
"""
TOP = 30


def profile(siu_args: list[str], env: dict[str, str], prof_path: Path) -> Path:
    """Run ``siu *siu_args`` under cProfile; write the ``.prof`` and a Markdown summary beside it."""
    subprocess.run(
        [sys.executable, "-c", PROFILED_SIU, str(prof_path), *siu_args],
        env=env,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    summary = prof_path.with_suffix(".md")
    summary.write_text(summarise(prof_path, " ".join(["siu", *siu_args])), encoding="utf-8")
    return summary


def summarise(prof_path: Path, title: str, top: int = TOP) -> str:
    """The top ``top`` functions by cumulative and by own (total) time, as Markdown tables."""
    stats = pstats.Stats(str(prof_path), stream=io.StringIO())
    entries = _sorted(stats, "cumulative")
    total = entries[0][1][3] if entries else 0.0  # the outermost call: the whole run
    parts = [
        f"# Profile: `{title}`",
        "",
        f"Total time under the profiler: {total:.1f} s (main process only). The CLI's wrappers (runpy,",
        "typer, click) are left out of the first table: each would show the whole run.",
        "",
    ]
    for key, heading in (("cumulative", "cumulative time (the function and all it calls)"), ("tottime", "own time")):
        parts += [f"## Top {top} by {heading}", "", "| function | calls | own s | cumulative s | % of total |"]
        parts.append("|---|---:|---:|---:|---:|")
        rows = [e for e in _sorted(stats, key) if key != "cumulative" or not _wrapper(e[0])]
        for func, (_, calls, own, cum, _) in rows[:top]:
            share = (cum if key == "cumulative" else own) / total * 100 if total else 0.0
            parts.append(f"| `{_name(func)}` | {calls:,} | {own:.2f} | {cum:.2f} | {share:.1f} |")
        parts.append("")
    return "\n".join(parts)


def _sorted(stats: pstats.Stats, key: str) -> list[tuple[tuple[str, int, str], tuple[int, int, float, float, dict]]]:
    index = 3 if key == "cumulative" else 2
    entries = stats.stats.items()  # type: ignore[attr-defined]  # as above
    return sorted(entries, key=lambda item: item[1][index], reverse=True)


def _wrapper(func: tuple[str, int, str]) -> bool:
    """Frames that only pass the run on (the module runner, the CLI framework, ``exec``)."""
    filename, _, name = func
    return (
        filename.startswith("<frozen runpy>")
        or name == "<built-in method builtins.exec>"
        or any(f"/{package}/" in filename for package in ("typer", "click"))
    )


def _name(func: tuple[str, int, str]) -> str:
    """``siu/check/rules.py:120(check)``, shortened to the package path; built-ins as they are."""
    filename, line, name = func
    if filename == "~":
        return name
    parts = Path(filename).parts
    for anchor in ("site-packages", "core", "plugins", "lib"):
        if anchor in parts:
            parts = parts[len(parts) - parts[::-1].index(anchor) :]
            break
    return f"{'/'.join(parts[-3:])}:{line}({name})"


if __name__ == "__main__":  # summarise an existing profile: python benchmarks/profiling.py FILE.prof
    print(summarise(Path(sys.argv[1]), sys.argv[1]))
