"""Run one benchmark command and measure it: wall and CPU seconds, peak memory, load average.

Memory is measured two ways, because ``siu convert`` to XML runs the XSD check in a helper
process beside the writer:

- ``rss_mb``: the peak RSS of the largest single process of the command's tree (main process
  or helper), from ``/usr/bin/time`` (``%M``: Linux folds the peak of every waited-for child
  into it) and from the peaks (``VmHWM``) sampled below, whichever is larger;
- ``tree_rss_mb``: the largest sum of the RSS of all its processes at one moment, sampled every
  50 ms from ``/proc`` (what the machine must hold; a peak shorter than 50 ms can be missed).

CPU seconds (user + system of the command and every process it waited for) say more than
wall seconds on a shared machine; the 1-minute load average before the run says how shared.
"""

from __future__ import annotations

import os
import resource
import subprocess
import tempfile
import threading
import time
from pathlib import Path

TIME_BIN = Path("/usr/bin/time")
SAMPLE_SECONDS = 0.05


def load_average() -> float | None:
    """The 1-minute load average (Linux), or None."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _children(pid: int) -> list[int]:
    """The direct children of ``pid`` (``/proc/PID/task/*/children``, Linux 3.5+)."""
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out.extend(int(c) for c in (task / "children").read_text().split())
    except (OSError, ValueError):
        pass
    return out


def _status_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of ``pid`` in kB; (0, 0) once it is gone."""
    rss = hwm = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return rss, hwm


class TreeSampler(threading.Thread):
    """Samples the RSS of a process and all its descendants until :meth:`stop`.

    ``skip`` is the pid left out of the figures (``/usr/bin/time`` itself, ~2 MB)."""

    def __init__(self, root: int, skip: int | None = None) -> None:
        super().__init__(daemon=True)
        self.root, self.skip = root, skip
        self.tree_kb = 0  # largest sum of RSS at one moment
        self.process_kb = 0  # largest VmHWM of one process
        self.processes = 0  # largest number of processes at one moment
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            pids, todo = [], [self.root]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo.extend(_children(pid))
            figures = [_status_kb(pid) for pid in pids if pid != self.skip]
            self.tree_kb = max(self.tree_kb, sum(rss for rss, _ in figures))
            self.process_kb = max(self.process_kb, *(hwm for _, hwm in figures), 0)
            self.processes = max(self.processes, sum(1 for rss, _ in figures if rss))
            self._done.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._done.set()
        self.join()


def measure(cmd: list[str], env: dict[str, str], timeout: float) -> dict[str, object]:
    """Run ``cmd``; wall and CPU seconds, peak RSS (largest process and whole tree), exit code.

    Linux keeps a process's peak RSS across fork+exec, so a child forked straight from this
    (larger) process would report at least our own size. ``/usr/bin/time`` is forked while
    small and forks the command itself, so its figure is the command's own.
    """
    load = load_average()
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        timed = TIME_BIN.exists()
        full = [str(TIME_BIN), "-f", "%M %U %S", "-o", rss_file.name, *cmd] if timed else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(full, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        sampler = TreeSampler(proc.pid, skip=proc.pid if timed else None)
        sampler.start()
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(sampler.root)  # the command and its helpers first: they outlive /usr/bin/time
            proc.kill()
            proc.communicate()
            sampler.stop()
            return {"seconds": None, "rss_mb": None, "exit": "timeout", "load": load}
        seconds = time.perf_counter() - start
        sampler.stop()
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
        "rss_mb": round(max(rss_kb, sampler.process_kb) / 1024, 1),
        "tree_rss_mb": round(sampler.tree_kb / 1024, 1),
        "processes": sampler.processes,
        "load": load,
        "exit": proc.returncode,
    }
    if proc.returncode != 0:
        out["stderr"] = stderr.decode("utf-8", "replace")[-500:]
    return out


def _kill_tree(root: int) -> None:
    """Stop the descendants of ``root`` (a run past its timeout), children first."""
    todo, seen = [root], []
    while todo:
        pid = todo.pop()
        seen.append(pid)
        todo.extend(_children(pid))
    for pid in reversed(seen[1:]):
        try:
            os.kill(pid, 9)
        except OSError:
            pass
