"""Sessions and runs of ``siu web``.

A session owns a temporary folder (owner-only) holding its uploads and every run's outputs; the
folder is removed when the session ends or the server stops. A run is the CLI's run
(:func:`siu.convert.run.run_conversion`) in a background thread: its progress callable records the
lines done and raises :class:`Cancelled` once the user has pressed Cancel, which stops the
conversion where it is (the delivery's temporary file is removed as with any failed write).
"""

from __future__ import annotations

import io
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from siu.base.config import ConfigError, Settings, load_settings
from siu.base.cpr import mask_cpr
from siu.catalogue.web import CANCELLED, INTERNAL, RUN_FAILED

SESSION_IDLE = 12 * 3600  # seconds: a session untouched this long is ended (its files removed)


class Cancelled(BaseException):
    """Raised from the progress callable to stop a run. A BaseException, so that no ``except
    Exception`` in a plugin's writer or rule swallows it."""


@dataclass
class Upload:
    """One export in the session: its (safe) name, path and the source chosen or detected."""

    name: str
    path: Path
    size: int
    detected: str | None = None  # the adapter siu would pick, None when unsure
    source: str = ""  # chosen by the user; "" means detect


@dataclass
class RunRequest:
    """What the page's run form asked for (the same settings as ``siu convert``'s flags)."""

    inputs: list[tuple[str, Path]]  # (source or "", path)
    kommune: str | None = None
    year: int | None = None
    area: str | None = None
    fmt: str | None = None
    mapping: Path | None = None
    config: Path | None = None
    strict: bool = False
    aggregate: bool = False
    lang: str = "da"


@dataclass
class Job:
    """One run: its folder, state, progress and (when done) its files."""

    id: str
    folder: Path
    lang: str
    state: str = "running"  # running | done | cancelled | failed
    rows: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    ready: bool = False
    outputs: list[Path] = field(default_factory=list)
    error: tuple[str, str, str] | None = None  # (code, Danish, English)
    cancel: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    @property
    def json_path(self) -> Path:
        return self.folder / "siu-rapport.json"

    @property
    def xlsx_path(self) -> Path:
        return self.folder / "siu-rapport.xlsx"

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def progress(self, rows: int) -> None:
        """The run's progress callable: remember the count; stop when cancelled."""
        self.rows = rows
        if self.cancel.is_set():
            raise Cancelled

    def downloads(self) -> dict[str, Path]:
        """Download name → file, for the files this run left (delivery, JSON, workbook)."""
        files = {p.name: p for p in self.outputs if p.is_file()}
        for p in (self.json_path, self.xlsx_path):
            if self.state == "done" and p.is_file():
                files[p.name] = p
        return files


def settings_for(request: RunRequest, base: Settings) -> Settings:
    """The run's settings as ``siu convert`` builds them from siu.toml and its flags."""
    settings = load_settings(request.config) if request.config else base
    return settings.with_overrides(
        year=request.year,
        kommune=request.kommune.zfill(3) if request.kommune else None,
        area=request.area or None,
        format=request.fmt or None,
        mapping=request.mapping.resolve() if request.mapping else None,
        aggregate=True if request.aggregate else None,
    )


def execute(job: Job, request: RunRequest, base: Settings, no_plugins: bool = False) -> None:
    """Run ``request`` as ``siu convert`` would, writing into ``job.folder``. Never raises."""
    # The CLI's own run: the same engine, findings and files (the page is no second implementation).
    from siu.adapters import ReadOptions
    from siu.convert.run import UsageError, run_conversion
    from siu.host.plugins import PluginError, load_plugins, local_plugin_files
    from siu.report.files import ReportFiles, ReportWriteError

    reports = ReportFiles(json_path=job.json_path, xlsx_path=job.xlsx_path)
    try:
        settings = settings_for(request, base)
        host = load_plugins(no_plugins=no_plugins, local_files=local_plugin_files(settings))
        inputs = [f"{source}:{path}" if source else str(path) for source, path in request.inputs]
        result = run_conversion(
            inputs,
            [],
            settings=settings,
            host=host,
            lang=request.lang,
            write=True,
            out=job.folder / "out",
            fmt=settings.format,
            strict=request.strict,
            spec_dir=None,
            read=ReadOptions(),
            quiet=True,
            console=Console(file=io.StringIO()),
            reports=reports,
            progress=job.progress,
        )
        job.ready = result.ok
        job.outputs = list(result.outputs or ([result.output] if result.output else [])) if result.written else []
        job.state = "done"
    except Cancelled:
        shutil.rmtree(job.folder / "out", ignore_errors=True)
        for p in (job.json_path, job.xlsx_path):
            p.unlink(missing_ok=True)
        found = CANCELLED.make(rows=job.rows)
        job.error = (CANCELLED.code, found.message_da, found.message_en)
        job.state = "cancelled"
    except (UsageError, ConfigError, PluginError, ReportWriteError) as exc:
        job.error = (RUN_FAILED.code, mask_cpr(exc.message_da), mask_cpr(exc.message_en))
        job.state = "failed"
    except Exception as exc:  # the last guard: a message, masked, never a traceback in the page
        found = INTERNAL.make(reason=mask_cpr(f"{exc.__class__.__name__}: {exc}"))
        job.error = (INTERNAL.code, found.message_da, found.message_en)
        job.state = "failed"
    finally:
        if reports.spool is not None:  # a run that stopped early leaves its findings spool open
            reports.spool.close()
        job.finished = time.monotonic()


class Session:
    """One browser session: an owner-only folder with the uploads and the runs."""

    def __init__(self, root: Path) -> None:
        self.id = secrets.token_urlsafe(24)
        self.folder = Path(tempfile.mkdtemp(prefix="s-", dir=root))  # mkdtemp: mode 0700
        self.uploads: dict[str, Upload] = {}
        self.jobs: dict[str, Job] = {}
        self.notices: list[tuple[str, str, str]] = []  # (code, Danish, English) shown once
        self.touched = time.monotonic()
        self.lock = threading.Lock()

    @property
    def upload_dir(self) -> Path:
        return self.folder / "uploads"

    def start(self, request: RunRequest, base: Settings, no_plugins: bool = False) -> Job:
        """Start a run in a background thread."""
        job_id = secrets.token_urlsafe(9)
        folder = self.folder / "runs" / job_id
        folder.mkdir(parents=True, mode=0o700)
        job = Job(id=job_id, folder=folder, lang=request.lang)
        job.thread = threading.Thread(
            target=execute, args=(job, request, base, no_plugins), name=f"siu-run-{job_id}", daemon=True
        )
        self.jobs[job_id] = job
        job.thread.start()
        return job

    def close(self, wait: float = 5.0) -> None:
        """Stop every run and remove the session's folder."""
        for job in self.jobs.values():
            job.cancel.set()
        deadline = time.monotonic() + wait
        for job in self.jobs.values():
            if job.thread is not None:
                job.thread.join(max(0.0, deadline - time.monotonic()))
        shutil.rmtree(self.folder, ignore_errors=True)


class Sessions:
    """Every session of one server, under one temporary root folder removed at stop."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="siu-web-"))
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, session_id: str | None) -> Session | None:
        with self._lock:
            self._expire()
            session = self._sessions.get(session_id or "")
            if session is not None:
                session.touched = time.monotonic()
            return session

    def new(self) -> Session:
        with self._lock:
            self.root.mkdir(mode=0o700, exist_ok=True)
            session = Session(self.root)
            self._sessions[session.id] = session
            return session

    def end(self, session_id: str) -> None:
        with self._lock:
            session = self._sessions.pop(session_id, None)
        if session is not None:
            session.close()

    def _expire(self) -> None:
        now = time.monotonic()
        for sid in [
            s
            for s, v in self._sessions.items()
            if now - v.touched > SESSION_IDLE and not any(j.state == "running" for j in v.jobs.values())
        ]:
            self._sessions.pop(sid).close()

    def close(self) -> None:
        """End every session and remove the root folder (server stop)."""
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            session.close()
        shutil.rmtree(self.root, ignore_errors=True)
