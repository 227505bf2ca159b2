"""Helpers shared by the siu web tests (HTTP layer and browser)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from siu.demo import DEMO_DIR

TOKEN = "t0ken-for-tests-" + "Q" * 24
EPOCH = "1700000000"
DEMO_EXPORT = DEMO_DIR / "opus-udtraek-2025.csv"
DEMO_MAPPING = DEMO_DIR / "mapping.toml"
READY_FLAGS = ["--kommune", "101", "--year", "2025", "--area", "voksen"]


def login(client: TestClient) -> None:
    """Visit with the token (as the printed URL does): the token moves to a cookie."""
    response = client.get(f"/?token={TOKEN}", follow_redirects=False)
    assert response.status_code == 303 and "token" not in response.headers["location"]
    assert client.cookies.get("siu_token") == TOKEN
    assert client.get(response.headers["location"]).status_code == 200  # the session starts


def upload(client: TestClient, *files: tuple[str, bytes], origin: str = "http://testserver") -> Any:
    return client.post(
        "/upload",
        files=[("files", (name, data)) for name, data in files],
        headers={"Origin": origin},
        follow_redirects=False,
    )


def start_run(client: TestClient, fields: dict[str, str], mapping: Path | None = None) -> str:
    """Post the run form; the URL of the run page."""
    files = [("mapping", (mapping.name, mapping.read_bytes()))] if mapping else [("mapping", ("", b""))]
    response = client.post(
        "/run", data=fields, files=files, headers={"Origin": "http://testserver"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


def wait(client: TestClient, run_url: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status = client.get(f"{run_url}/status").json()
        if status["state"] != "running" or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


@contextlib.contextmanager
def running_server(**options: Any) -> Iterator[tuple[str, Any]]:
    """``siu web``'s app under uvicorn on 127.0.0.1 at a free port, in a thread: (base URL, app)."""
    import uvicorn

    from siu.web import create_app
    from siu.web.app import free_socket

    sock = free_socket()
    host = f"127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(token=TOKEN, hosts={host, host.replace("127.0.0.1", "localhost")}, **options)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://{host}", app
    finally:
        server.should_exit = True
        thread.join(15)
