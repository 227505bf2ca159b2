"""Output on disk under faults: temporary files, signals, and what a killed run left behind.

- Every temporary file siu writes (a delivery, a report, openpyxl's own sheet files) lives
  beside its output, owner-only (0o600; folders 0o700), under a name siu recognises:
  ``.siu-tmp-<pid>-<random>.tmp`` (a folder ``….d`` for openpyxl). No personal data in names.
- While a file is in use siu holds a ``flock`` on it, so a later run can tell a leftover of a
  killed run (SIGKILL, power cut) from a file another siu is still writing, and removes only the
  former (:func:`remove_stale`; the run reports it as SIU903).
- SIGINT and SIGTERM raise :class:`Interrupted` (inside :func:`signal_handlers`, as the ``siu``
  command runs), so every ``finally`` runs and :func:`cleanup` removes what is left.
- The renames that publish a run's files happen in one :func:`transaction`, with signals held:
  a signal either stops the run before any file is published, or comes after all of them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

TEMP_PREFIX = ".siu-tmp-"


try:  # flock is POSIX; elsewhere a leftover is judged by its process id alone
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived (a BaseException, so no ``except Exception`` swallows it)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


_live: dict[Path, int | None] = {}  # temporary path → descriptor holding its lock
_local = threading.local()  # .queue: renames waiting for the end of this thread's transaction
_tempdir_lock = threading.Lock()
_tempdir: list[object] = []  # [path, users, tempdir before] while a private temp folder is in use
_installed = False
_holding = False
_pending: int | None = None
committed: list[Path] = []  # files published by this process (the exit line names them)


def _handler(signum: int, frame: FrameType | None) -> None:
    global _pending, _holding
    if _holding:
        _pending = signum
        return
    _holding = True  # the run is stopping: a second Ctrl-C must not interrupt the clean-up
    raise Interrupted(signum)


@contextlib.contextmanager
def signal_handlers(until_exit: bool = False) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM raise :class:`Interrupted` (main thread only); the
    previous handlers come back afterwards, or with ``until_exit`` (the ``siu`` command, whose
    process ends next) signals are ignored from then on, so a signal after the last line
    cannot turn a finished run into a killed one. Starts a fresh run: nothing committed, nothing held."""
    global _installed, _holding, _pending
    committed.clear()
    _holding, _pending = False, None
    old = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in old:
        signal.signal(sig, _handler)
    _installed = True
    try:
        yield
    finally:
        if until_exit:
            # ignored, not handled: Python resets its own handlers to the default (die) while it
            # shuts down, and the run is over
            _holding = True
            for sig in old:
                signal.signal(sig, signal.SIG_IGN)
        else:
            _installed = False
            for sig, handler in old.items():
                signal.signal(sig, handler)


def hold_signals() -> None:
    """From now on a signal is only noted: the files are being published; the run ends soon."""
    global _holding
    _holding = True


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """No signal between creating a temporary file and registering it."""
    global _holding, _pending
    was = _holding
    _holding = True
    try:
        yield
    finally:
        _holding = was
    if not was and _pending is not None and _installed:
        signum, _pending = _pending, None
        raise Interrupted(signum)


def _lock(path: Path) -> int | None:
    """A descriptor holding an exclusive lock on ``path`` (None where locks are not supported)."""
    if fcntl is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def temp_file(folder: Path) -> tuple[int, Path]:
    """A new temporary file in ``folder`` (made when missing): an open descriptor and its path."""
    folder.mkdir(parents=True, exist_ok=True)
    with _quiet():
        fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=folder)
        path = Path(name)
        _live[path] = _lock(path)
    return fd, path


def forget(path: Path) -> None:
    """``path`` is no longer a temporary file of this run (renamed or removed)."""
    fd = _live.pop(path, None)
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def discard(path: Path) -> None:
    """Remove a temporary file or folder of this run."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass
    forget(path)


def cleanup() -> None:
    """Remove every temporary file this run still has (after an interruption or an error)."""
    for path in list(_live):
        discard(path)


@contextlib.contextmanager
def private_tempdir(folder: Path) -> Iterator[Path]:
    """A siu temporary folder (0o700) in ``folder`` that ``tempfile`` uses meanwhile, so
    libraries that spill to temporary files (openpyxl's write-only sheets) do it beside the
    output, where siu removes them, and never in the system's temp folder."""
    # ``tempfile.tempdir`` is one setting for the whole process: conversions running side by side
    # (threads) share the first one's folder, which goes when the last of them is done.
    with _tempdir_lock:
        if _tempdir:
            _tempdir[1] = int(_tempdir[1]) + 1  # type: ignore[call-overload]
            path = Path(str(_tempdir[0]))
        else:
            folder.mkdir(parents=True, exist_ok=True)
            with _quiet():
                path = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".d", dir=folder))
                _live[path] = _lock(path)
            _tempdir[:] = [path, 1, tempfile.tempdir]
            tempfile.tempdir = str(path)
    try:
        yield path
    finally:
        with _tempdir_lock:
            _tempdir[1] = int(_tempdir[1]) - 1  # type: ignore[call-overload]
            if _tempdir[1] == 0:
                tempfile.tempdir = _tempdir[2]  # type: ignore[assignment]
                _tempdir.clear()
                discard(path)


def _pid(name: str) -> int | None:
    head = name[len(TEMP_PREFIX) :].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _in_use(path: Path) -> bool:
    """Whether another process still works on a siu temporary file."""
    if fcntl is not None:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return True  # cannot tell: leave it
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return False
        except BlockingIOError:
            return True
        except OSError:
            pass  # no locks on this file system: judge by the process id
        finally:
            os.close(fd)
    # Without locks (some network shares) a process id can belong to another machine: only an
    # hour-old file of a process that is gone here counts as a leftover.
    pid = _pid(path.name)
    try:
        if pid is None or time.time() - path.stat().st_mtime < 3600:
            return True
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale(folder: Path) -> list[str]:
    """Remove what killed siu runs left in ``folder``; returns the names removed."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        path = Path(entry.path)
        if not entry.name.startswith(TEMP_PREFIX) or path in _live or _in_use(path):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        removed.append(entry.name)
    return removed


def queue_commit(tmp: Path, target: Path) -> bool:
    """Inside a :func:`transaction`: note the rename for its end and return True."""
    queue = getattr(_local, "queue", None)
    if queue is None:
        return False
    queue.append((tmp, target))
    return True


def publish(tmp: Path, target: Path) -> None:
    """Rename a finished temporary file into place."""
    os.replace(tmp, target)
    forget(tmp)
    committed.append(target)


@contextlib.contextmanager
def transaction() -> Iterator[None]:
    """Collect the renames of every file written inside; do them together at the end, with
    signals held, in the order they were asked for. On an exception nothing is renamed and the
    files are removed."""
    if getattr(_local, "queue", None) is not None:  # nested: the outer transaction publishes
        yield
        return
    queue: list[tuple[Path, Path]] = []
    _local.queue = queue
    try:
        yield
    except BaseException:
        for tmp, _ in queue:
            discard(tmp)
        raise
    finally:
        _local.queue = None
    hold_signals()
    try:
        for tmp, target in queue:
            publish(tmp, target)
    finally:
        for tmp, _ in queue:
            if tmp in _live:  # not published: a rename before it failed
                discard(tmp)


def is_out_of_space(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EDQUOT)
