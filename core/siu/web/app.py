"""The Starlette application of ``siu web`` and the server that runs it.

The guard every request passes is :mod:`siu.web.guard`; the pages and actions are
:mod:`siu.web.pages`.
"""

from __future__ import annotations

import atexit
import contextlib
import secrets
import socket
import sys
import threading
import webbrowser
from collections.abc import AsyncIterator, Callable

from starlette.applications import Starlette

from siu.base.config import Settings
from siu.web.guard import Guard
from siu.web.pages import MAX_UPLOAD, Pages, WebState

__all__ = ["MAX_UPLOAD", "WebState", "create_app", "free_socket", "serve"]


def create_app(
    *,
    token: str,
    hosts: set[str],
    base: Settings | None = None,
    no_plugins: bool = False,
    max_upload: int = MAX_UPLOAD,
) -> Starlette:
    """The application. ``hosts`` are the Host header values accepted (``127.0.0.1:PORT`` and
    ``localhost:PORT``); ``base`` the settings a run starts from (``siu.toml`` where siu web started)."""
    state = WebState(base or Settings(), no_plugins, max_upload)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        state.sessions.close()  # server stop: every session's files go

    app = Starlette(routes=Pages(state).routes(), lifespan=lifespan)
    app.state.web = state
    app.add_middleware(Guard, token=token, hosts=hosts)
    return app


def free_socket(port: int = 0) -> socket.socket:
    """A listening TCP socket on 127.0.0.1 (never another interface); port 0 picks a free one."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(64)
    return sock


def serve(
    *,
    base: Settings | None = None,
    port: int = 0,
    open_browser: bool = True,
    no_plugins: bool = False,
    max_upload: int = MAX_UPLOAD,
    lang: str = "da",
    announce: Callable[[str], None] = print,
) -> None:
    """Run ``siu web`` until stopped (Ctrl+C, SIGTERM); every session's files are removed at stop."""
    import uvicorn

    sock = free_socket(port)
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(32)
    app = create_app(
        token=token,
        hosts={f"127.0.0.1:{port}", f"localhost:{port}"},
        base=base,
        no_plugins=no_plugins,
        max_upload=max_upload,
    )
    state: WebState = app.state.web
    atexit.register(state.sessions.close)  # also when the server ends some other way
    url = f"http://127.0.0.1:{port}/?token={token}" + ("&lang=en" if lang == "en" else "")
    announce(url)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    # no access log: request lines would print file names; uvicorn handles SIGINT/SIGTERM gracefully
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=5)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        state.sessions.close()
        sock.close()
        sys.stdout.flush()
