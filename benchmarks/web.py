"""siu web with a large export: is the page responsive while it runs, does cancel stop it, and
how much memory does the server take? (issue 18)

    python benchmarks/web.py 1000000 /tmp/siu-bench/1M              # a whole run
    python benchmarks/web.py 1000000 /tmp/siu-bench/1M --cancel 10  # press Cancel after 10 s

Generates the export with benchmarks/generate.py when missing, starts ``siu web --no-browser``
as a subprocess with the folder's siu.toml, uploads the export (streamed), starts the run and
polls its status every 0.25 s as the page does, timing every poll. Prints one Markdown row:
upload time, run time, lines/s, status latency (median, p95, max), time from Cancel to stopped,
and the server's peak RSS (VmHWM; the XSD helper process is not included).
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent


def cookies_of(response: http.client.HTTPResponse) -> list[str]:
    return [c.split(";")[0] for c in response.headers.get_all("set-cookie") or []]


def main() -> None:  # noqa: PLR0915  (too long; to be cut along its seams, issue 13)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--cancel", type=float, help="press Cancel after this many seconds")
    parser.add_argument("--siu", default=str(Path(sys.executable).with_name("siu")))
    args = parser.parse_args()
    folder: Path = args.folder
    if not (folder / "opus.csv").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(args.n), str(folder)], check=True)
    export = folder / "opus.csv"
    server = subprocess.Popen(
        [args.siu, "web", "--no-browser", "--config", str(folder / "siu.toml"), "--max-upload", "100000"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        match = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line)
        if not match:
            raise SystemExit(f"no address from siu web: {line!r}")
        port, token = int(match.group(1)), match.group(2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        origin = f"http://127.0.0.1:{port}"
        jar: list[str] = []

        def request(
            method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
        ) -> tuple[int, bytes, dict[str, str]]:
            conn.request(
                method, path, body=body, headers={"Cookie": "; ".join(jar), "Origin": origin, **(headers or {})}
            )
            response = conn.getresponse()
            data = response.read()
            jar.extend(cookies_of(response))
            return response.status, data, dict(response.headers)

        request("GET", f"/?token={token}")
        request("GET", "/")
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{export.name}"\r\n\r\n'
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        started = time.monotonic()
        conn.putrequest("POST", "/upload")
        for key, value in (
            ("Cookie", "; ".join(jar)),
            ("Origin", origin),
            ("Content-Type", f"multipart/form-data; boundary={boundary}"),
            ("Content-Length", str(len(head) + export.stat().st_size + len(tail))),
        ):
            conn.putheader(key, value)
        conn.endheaders()
        conn.send(head)
        with export.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                conn.send(chunk)
        conn.send(tail)
        response = conn.getresponse()
        response.read()
        upload_s = time.monotonic() - started
        assert response.status == 303, response.status
        form = (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="source:{export.name}"\r\n\r\nopus\r\n--{boundary}--\r\n'
        ).encode()
        status, _, headers = request(
            "POST", "/run", form, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        assert status == 303, status
        run_url = headers["location"].replace(origin, "")
        started = time.monotonic()
        latencies: list[float] = []
        cancel_at = None
        state: dict[str, object] = {}
        while True:
            t0 = time.monotonic()
            _, body, _ = request("GET", f"{run_url}/status")
            latencies.append(time.monotonic() - t0)
            state = json.loads(body)
            if state["state"] != "running":
                break
            if args.cancel is not None and cancel_at is None and time.monotonic() - started > args.cancel:
                cancel_at = time.monotonic()
                request("POST", f"{run_url}/cancel")
            time.sleep(0.25)
        run_s = time.monotonic() - started
        stop_s = time.monotonic() - cancel_at if cancel_at else None
        hwm = next(
            (
                int(line.split()[1])
                for line in Path(f"/proc/{server.pid}/status").read_text().splitlines()
                if line.startswith("VmHWM")
            ),
            0,
        )
        if state["state"] == "done":
            request("GET", run_url)  # the results page renders from the JSON report
        lat = sorted(latencies)
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))]
        print(
            "| N | outcome | upload s | run s | lines/s | status polls | latency median / p95 / max ms | Cancel → "
            "stopped s | server peak RSS MB |"
        )
        print("|---:|---|---:|---:|---:|---:|---|---:|---:|")
        rows = int(state.get("rows", 0)) if state["state"] != "done" else args.n  # type: ignore[arg-type]
        print(
            f"| {args.n:,} | {state['state']} | {upload_s:.1f} | {run_s:.1f} | {rows / run_s:,.0f} | {len(lat)} | "
            f"{statistics.median(lat) * 1000:.0f} / {p95 * 1000:.0f} / {lat[-1] * 1000:.0f} | "
            f"{f'{stop_s:.2f}' if stop_s is not None else '–'} | {hwm / 1024:.1f} |"
        )
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
