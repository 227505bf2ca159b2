"""siu web's HTTP layer (Starlette's TestClient): the token, Host and Origin guard, uploads
(not a spreadsheet, path parts, size limit), runs with errors and ready ones whose downloads are
byte-identical to what `siu convert` writes, filtering, explain, cancel, session clean-up."""

from __future__ import annotations

import http.client
import json
import os
import re
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from siu.base.config import Settings
from siu.web import create_app
from siu.web.app import free_socket
from siu.web.jobs import Job, RunRequest, execute
from test_reports import BROKEN_ROWS, CPRS, write_csv
from web_helpers import DEMO_EXPORT, DEMO_MAPPING, EPOCH, READY_FLAGS, TOKEN, login, start_run, upload, wait


@pytest.fixture
def client():
    app = create_app(token=TOKEN, hosts={"testserver"})
    with TestClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def logged_in(client):
    login(client)
    return client


def findings_table(html: str) -> str:
    return html.split('id="findings-table"')[1].split("</table>")[0]


def session_folder(client: TestClient) -> Path:
    state = client.app.state.web  # type: ignore[attr-defined]
    session = state.sessions.get(client.cookies.get("siu_session"))
    assert session is not None
    return session.folder


# --- the guard ------------------------------------------------------------------------------------


def test_a_request_without_the_token_is_refused(client):
    response = client.get("/")
    assert response.status_code == 403
    assert "SIU983" in response.text and "Adgang nægtet" in response.text
    assert "siu_session" not in response.cookies  # no session is made for a stranger


def test_a_wrong_token_is_refused_in_the_url_and_in_the_cookie(client):
    assert client.get("/?token=wrong", follow_redirects=False).status_code == 403
    client.cookies.set("siu_token", "wrong")
    assert client.get("/").status_code == 403
    assert client.get("/static/siu.js").status_code == 403  # static files too


def test_the_token_moves_from_the_url_to_a_cookie(client):
    response = client.get(f"/?token={TOKEN}&lang=en", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/?lang=en"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and "Exports" in page.text  # English, as asked
    assert "Exports" in client.get("/").text  # and remembered in a cookie
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_another_host_header_is_refused_against_dns_rebinding(logged_in):
    response = logged_in.get("/", headers={"Host": "evil.example:8000"})
    assert response.status_code == 403 and "SIU984" in response.text and "evil.example" in response.text


def test_a_post_from_another_origin_is_refused(logged_in):
    response = upload(logged_in, ("a.csv", b"x;y\n1;2\n"), origin="http://evil.example")
    assert response.status_code == 403
    assert "evil.example" in response.text and "afvist" in response.text
    assert not (session_folder(logged_in) / "uploads").exists()
    cross = logged_in.post("/end", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403


# --- uploads ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data",
    [
        ("rapport.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
        ("udtraek.csv", b"CPR;Bel\xf8b\n\x00\x01\x02binary"),  # a CSV name on binary content
        ("udtraek.xlsx", b"CPR;Belob\n0101601235;100\n"),  # an Excel name on text
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_in_danish(logged_in, name, data):
    response = upload(logged_in, (name, data))
    assert response.status_code == 415
    assert "SIU980" in response.text and "hverken et regneark" in response.text
    assert list((session_folder(logged_in)).rglob("*.*")) == []  # nothing kept


def test_path_parts_in_a_file_name_are_dropped(logged_in):
    names = ["../../../../tmp/evil.csv", "C:\\Users\\sb\\Desktop\\udtræk.csv", ".hidden.csv"]
    for name in names:
        assert upload(logged_in, (name, b"CPR;Belob\n")).status_code == 303
    kept = sorted(p.name for p in (session_folder(logged_in) / "uploads").iterdir())
    assert kept == ["evil.csv", "hidden.csv", "udtræk.csv"]
    assert not Path("/tmp/evil.csv").exists() or Path("/tmp/evil.csv").stat().st_mtime < time.time() - 60
    page = logged_in.get("/").text
    assert "evil.csv" in page and ".." not in re.sub(r"<[^>]+>", "", page).replace("…", "")


def test_the_size_limit_is_exact(tmp_path):
    app = create_app(token=TOKEN, hosts={"testserver"}, max_upload=1000)
    with TestClient(app, base_url="http://testserver") as c:
        login(c)
        assert upload(c, ("ok.csv", b"a" * 1000)).status_code == 303
        response = upload(c, ("big.csv", b"a" * 1001))
        assert response.status_code == 413 and "SIU981" in response.text
        assert sorted(p.name for p in session_folder(c).rglob("*") if p.is_file()) == ["ok.csv"]


def test_a_200_mb_upload_is_refused_while_streaming_with_bounded_memory():
    """Against the real server (the test client would buffer the body): 200 MB + 1 byte are sent
    in chunks; the server refuses with SIU981, keeps nothing, and never holds the file."""
    import uvicorn

    sock = free_socket()
    port = sock.getsockname()[1]
    host = f"127.0.0.1:{port}"
    app = create_app(token=TOKEN, hosts={host})
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.02)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", f"/?token={TOKEN}")
        first = conn.getresponse()
        first.read()
        cookies = "; ".join(c.split(";")[0] for c in first.headers.get_all("set-cookie"))
        conn.request("GET", "/", headers={"Cookie": cookies})
        page = conn.getresponse()
        page.read()
        cookies += "; " + "; ".join(c.split(";")[0] for c in page.headers.get_all("set-cookie"))
        size = 200 * 1024 * 1024 + 1
        boundary = "siu-test-boundary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="stor.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        conn.putrequest("POST", "/upload", skip_host=True)
        conn.putheader("Host", host)
        conn.putheader("Origin", f"http://{host}")
        conn.putheader("Cookie", cookies)
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(len(head) + size + len(tail)))
        conn.endheaders()
        chunk = b"1;2;3\n" * 10_923  # 64 KB
        tracemalloc.start()
        conn.send(head)
        sent = 0
        while sent < size:
            part = chunk[: size - sent]
            conn.send(part)
            sent += len(part)
        conn.send(tail)
        response = conn.getresponse()
        body = response.read().decode()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert response.status == 413
        assert "SIU981" in body and "200 MB" in body
        assert peak < 32 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while receiving 200 MB"
        root = app.state.web.sessions.root
        assert [p for p in root.rglob("*") if p.is_file()] == []  # the partial file is gone
    finally:
        server.should_exit = True
        thread.join(10)
    assert not app.state.web.sessions.root.exists()  # the server's stop removed every session


# --- runs ----------------------------------------------------------------------------------------------


def cli_convert(siu, export: Path, out: Path, *flags: str) -> None:
    run = siu(
        "convert",
        *flags,
        "-o",
        out,
        "--report-json",
        out / "siu-rapport.json",
        "--report-xlsx",
        out / "siu-rapport.xlsx",
        "-q",
        export,
    )
    assert run.exit_code in (0, 1), run.output


def test_a_ready_run_downloads_byte_identical_files_to_siu_convert(siu, logged_in, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert upload(logged_in, (DEMO_EXPORT.name, DEMO_EXPORT.read_bytes())).status_code == 303
    run_url = start_run(logged_in, {"kommune": "101", "year": "2025", "area": "voksen", "format": "xml"}, DEMO_MAPPING)
    assert wait(logged_in, run_url)["state"] == "done"
    page = logged_in.get(run_url)
    assert "KLAR — men formatet er foreløbigt" in page.text and "Pengene stemmer" in page.text
    assert "SEL108" in page.text and "207.251,00" in page.text  # the totals per paragraph, Danish amounts
    cli_convert(siu, DEMO_EXPORT, tmp_path / "cli", "-s", "opus", *READY_FLAGS, "--mapping", str(DEMO_MAPPING))
    for name in ("SIU_101_2025_voksen.xml", "siu-rapport.json", "siu-rapport.xlsx"):
        assert f'{run_url}/files/{name}"' in page.text
        got = logged_in.get(f"{run_url}/files/{name}")
        assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
        assert got.content == (tmp_path / "cli" / name).read_bytes(), name


def test_an_excel_template_delivery_is_byte_identical_too(siu, logged_in, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    upload(logged_in, (DEMO_EXPORT.name, DEMO_EXPORT.read_bytes()))
    run_url = start_run(
        logged_in,
        {"kommune": "101", "year": "2025", "area": "voksen", "format": "xlsx", f"source:{DEMO_EXPORT.name}": "opus"},
        DEMO_MAPPING,
    )
    assert wait(logged_in, run_url)["state"] == "done"
    cli_convert(
        siu,
        DEMO_EXPORT,
        tmp_path / "cli",
        "-s",
        "opus",
        *READY_FLAGS,
        "--mapping",
        str(DEMO_MAPPING),
        "--format",
        "xlsx",
    )
    got = logged_in.get(f"{run_url}/files/SIU_101_2025_voksen.xlsx")
    assert got.status_code == 200 and got.content == (tmp_path / "cli" / "SIU_101_2025_voksen.xlsx").read_bytes()


def test_a_run_with_errors_shows_every_finding_masked_and_filters(siu, logged_in, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    src = write_csv(tmp_path / "udtraek.csv", BROKEN_ROWS)
    upload(logged_in, (src.name, src.read_bytes()))
    run_url = start_run(logged_in, {"kommune": "101", "year": "2025", f"source:{src.name}": "csv"})
    assert wait(logged_in, run_url)["state"] == "done"
    page = logged_in.get(run_url).text
    assert "IKKE KLAR" in page and 'id="no-delivery"' in page
    assert "310260-xxxx" in page  # the impossible CPR, masked
    for cpr in CPRS:
        assert cpr not in page and f"{cpr[:6]}-{cpr[6:]}" not in page
    report = json.loads(logged_in.get(f"{run_url}/files/siu-rapport.json").content)
    assert page.count('<tr class="sev-') - len(report["summary"]["by_code"]) == len(report["findings"])
    # the same findings as the CLI, byte for byte
    cli_convert(siu, src, tmp_path / "cli", "-s", "csv", "-k", "101", "-y", "2025")
    assert (
        logged_in.get(f"{run_url}/files/siu-rapport.json").content
        == (tmp_path / "cli" / "siu-rapport.json").read_bytes()
    )
    assert logged_in.get(f"{run_url}/files/SIU_101_2025_voksen.xml").status_code == 404  # nothing written
    # filter by code, then by severity, and sort by row (descending)
    only = logged_in.get(run_url, params={"code": "SIU103"}).text
    table = findings_table(only)
    assert table.count('<tr class="sev-') == 1 and "SIU103" in table
    warnings = findings_table(logged_in.get(run_url, params={"severity": "warning"}).text)
    expected = sum(1 for f in report["findings"] if f["severity"] == "warning")
    assert warnings.count('<tr class="sev-warning"') == expected and '<tr class="sev-error"' not in warnings
    by_paragraph = findings_table(logged_in.get(run_url, params={"paragraph": "SEL108"}).text)
    expected = sum(1 for f in report["findings"] if f.get("paragraph") == "SEL108")
    assert 0 < expected < len(report["findings"]) and by_paragraph.count('<tr class="sev-') == expected
    assert 'id="filter-paragraph"' in page and "<option selected>SEL108</option>" not in page
    rows = findings_table(logged_in.get(run_url, params={"sort": "row", "desc": "1"}).text)
    numbers = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', rows)]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) > 3


def test_a_run_that_cannot_start_says_why(logged_in):
    upload(logged_in, (DEMO_EXPORT.name, DEMO_EXPORT.read_bytes()))
    run_url = start_run(logged_in, {"year": "2025"})  # no municipality
    assert wait(logged_in, run_url)["state"] == "failed"
    page = logged_in.get(run_url).text
    assert "SIU985" in page and "Kommunekoden mangler" in page


def test_a_mapping_file_that_is_not_toml_is_refused(logged_in, tmp_path):
    upload(logged_in, (DEMO_EXPORT.name, DEMO_EXPORT.read_bytes()))
    bad = tmp_path / "mapping.toml"
    bad.write_text("[[rule]\nnot = toml", encoding="utf-8")
    response = logged_in.post(
        "/run",
        data={"kommune": "101"},
        files=[("mapping", (bad.name, bad.read_bytes()))],
        headers={"Origin": "http://testserver"},
    )
    assert response.status_code == 415 and "SIU986" in response.text and "tilknytningsfil" in response.text


def test_cancel_stops_a_run_and_leaves_nothing(tmp_path):
    from exports import make_lines, opus_danish

    export = opus_danish(tmp_path / "stor.csv", make_lines(30_000, seed=3))
    job = Job(id="j", folder=tmp_path / "run", lang="da")
    job.folder.mkdir()
    job.cancel.set()  # pressed before the first progress report (after each batch of lines)
    request = RunRequest(inputs=[("opus", export.path)], kommune="101", year=2025, area="voksen", mapping=DEMO_MAPPING)
    execute(job, request, Settings())
    assert job.state == "cancelled" and job.error is not None and job.error[0] == "SIU982"
    assert 0 < job.rows < 30_000, "stopped at the first progress report, not at the end"
    assert [p for p in job.folder.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(
    ("lang", "rows", "shown"),
    [
        ("da", 0, "0 linjer"),
        ("da", 1, "1 linje"),
        ("da", 1234, "1.234 linjer"),
        ("en", 1, "1 line"),
        ("en", 2, "2 lines"),
    ],
)
def test_the_live_count_agrees_with_its_noun(logged_in, tmp_path, lang, rows, shown):
    """The running page and its status (which the page's script polls) say "1 linje", "2 linjer"."""
    state = logged_in.app.state.web  # type: ignore[attr-defined]
    session = state.sessions.get(logged_in.cookies.get("siu_session"))
    session.jobs["live"] = Job(id="live", folder=tmp_path, lang=lang, rows=rows)
    page = logged_in.get("/runs/live", params={"lang": lang}).text
    number, noun = shown.split(" ")
    assert f'<span id="rows">{number}</span> <span id="rows-noun">{noun}</span>' in page
    status = logged_in.get("/runs/live/status", params={"lang": lang}).json()
    assert (status["state"], status["rows"], status["noun"]) == ("running", rows, noun)


def test_cancel_button_via_http(logged_in, tmp_path):
    from exports import make_lines, opus_danish

    export = opus_danish(tmp_path / "stor.csv", make_lines(30_000, seed=4))
    upload(logged_in, (export.path.name, export.path.read_bytes()))
    run_url = start_run(logged_in, {"kommune": "101", "year": "2025", "area": "voksen"}, DEMO_MAPPING)
    logged_in.post(f"{run_url}/cancel", headers={"Origin": "http://testserver"})
    status = wait(logged_in, run_url)
    assert status["state"] in ("cancelled", "done")  # a very fast machine may finish first
    if status["state"] == "cancelled":
        assert "SIU982" in logged_in.get(run_url).text


def test_explain_is_one_click_from_a_code_in_both_languages(logged_in):
    page = logged_in.get("/explain/SIU103")
    assert page.status_code == 200 and "CPR-nummer med umulig dato" in page.text
    english = logged_in.get("/explain/siu103?lang=en")
    assert "CPR number with an impossible date" in english.text
    assert logged_in.get("/explain/SIU999").status_code == 404


def test_a_file_named_after_a_citizen_is_masked_in_the_page(logged_in):
    upload(logged_in, ("0101601235 udtræk.csv", b"CPR;Belob\n"))
    page = logged_in.get("/").text
    assert "010160-xxxx" in page and "0101601235" not in page


def test_ending_the_session_deletes_its_files(logged_in):
    upload(logged_in, (DEMO_EXPORT.name, DEMO_EXPORT.read_bytes()))
    folder = session_folder(logged_in)
    assert any(folder.rglob("*.csv"))
    response = logged_in.post("/end", headers={"Origin": "http://testserver"})
    assert response.status_code == 200 and "slettet" in response.text
    assert not folder.exists()


def test_server_stop_removes_every_session(tmp_path):
    app = create_app(token=TOKEN, hosts={"testserver"})
    with TestClient(app, base_url="http://testserver") as c:
        login(c)
        upload(c, (DEMO_EXPORT.name, DEMO_EXPORT.read_bytes()))
        root = app.state.web.sessions.root
        assert any(root.rglob("*.csv"))
        assert oct(root.stat().st_mode & 0o777) == "0o700" and oct(session_folder(c).stat().st_mode & 0o777) == "0o700"
    assert not root.exists()


def _xsd_helpers() -> list[int]:
    """This process's children running the XSD helper (``python -m siu.write.xsd_stream``)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (proc / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"siu.write.xsd_stream" in cmdline:
            found.append(int(proc.name))
    return found


@pytest.mark.slow
def test_cancel_while_a_large_delivery_is_written_stops_the_xsd_helper(tmp_path):
    from exports import make_lines, opus_danish

    class LateCancel(Job):
        def progress(self, rows: int) -> None:
            if rows >= 36_864:  # past ~4 MB of XML, so the helper process is validating by now
                self.helpers = _xsd_helpers()
                self.cancel.set()
            super().progress(rows)

    export = opus_danish(tmp_path / "stor.csv", make_lines(40_000, seed=5))
    job = LateCancel(id="j", folder=tmp_path / "run", lang="da")
    job.folder.mkdir()
    execute(
        job,
        RunRequest(inputs=[("opus", export.path)], kommune="101", year=2025, area="voksen", mapping=DEMO_MAPPING),
        Settings(),
    )
    assert job.state == "cancelled"
    assert job.helpers, "the XSD helper should have been running when Cancel was pressed"
    deadline = time.monotonic() + 10
    while _xsd_helpers() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _xsd_helpers() == []
    assert [p for p in job.folder.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_siu_web_listens_on_localhost_only_and_cleans_up_when_stopped(tmp_path, signal_name):
    import signal
    import subprocess
    import sys
    import urllib.request

    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "siu", "web", "--no-browser"], stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line)
        assert match, line
        port, token = match.groups()
        assert len(token) >= 40  # secrets.token_urlsafe(32)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
        assert refused.value.code == 403
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        assert opener.open(f"http://127.0.0.1:{port}/?token={token}", timeout=10).status == 200
        roots = list(tmp_path.glob("siu-web-*"))
        assert len(roots) == 1 and any(roots[0].iterdir())  # the session's folder
        listening = Path("/proc/net/tcp").read_text().splitlines()[1:]
        local = {entry.split()[1] for entry in listening if entry.split()[3] == "0A"}  # LISTEN
        assert f"0100007F:{int(port):04X}" in local and f"00000000:{int(port):04X}" not in local
    finally:
        proc.send_signal(getattr(signal, signal_name))
        proc.wait(20)
    assert list(tmp_path.glob("siu-web-*")) == []


def test_a_section_added_to_the_report_later_is_shown_and_masked(logged_in, siu, tmp_path, monkeypatch):
    """A per-citizen view (or any section a later report adds) shows up without new page code;
    even a raw CPR in it is masked when the page is made."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    cli_convert(siu, DEMO_EXPORT, tmp_path / "cli", "-s", "opus", *READY_FLAGS, "--mapping", str(DEMO_MAPPING))
    text = (tmp_path / "cli" / "siu-rapport.json").read_text(encoding="utf-8")
    citizens = '  "citizens": [{"cpr": "0101601235", "paragraph": "SEL108", "lines": 3, "net": "127500.00"}],\n'
    text = text.replace('  "findings_complete"', citizens + '  "findings_complete"', 1)
    session = logged_in.app.state.web.sessions.get(logged_in.cookies.get("siu_session"))
    job = Job(id="later", folder=session.folder / "runs" / "later", lang="da", state="done")
    job.folder.mkdir(parents=True)
    job.json_path.write_text(text, encoding="utf-8")
    session.jobs[job.id] = job
    page = logged_in.get("/runs/later").text
    section = page.split('id="section-citizens"')[1].split("</section>")[0]
    assert "Pr. borger" in section and "SEL108" in section and "127500.00" in section
    assert "010160-xxxx" in section and "0101601235" not in page


def test_the_page_writes_amounts_and_counts_in_its_language():
    from siu.web.report_view import amount, number

    assert (amount("-1234.5", "da"), amount("-1234.5", "en")) == ("-1.234,50", "-1,234.50")
    assert (amount("abc", "en"), amount("NaN", "en"), amount(None, "da")) == ("abc", "NaN", "None")
    assert (number(1234, "da"), number("1234", "en"), number(None, "en")) == ("1.234", "1,234", "None")
