"""The Starlette application of ``siu web`` and the server that runs it.

Security, in the order a request meets it (:class:`Guard`): the Host header must name this
server (against DNS rebinding); a request that changes something must come from this page
(Origin, Sec-Fetch-Site); and every request must carry the one-time token, in the URL the
first time (then it is moved to a cookie and the URL loses it) or in that cookie.
"""

from __future__ import annotations

import atexit
import contextlib
import hmac
import secrets
import socket
import sys
import threading
import webbrowser
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from siu import __version__
from siu.base.config import Settings
from siu.base.cpr import mask_cpr
from siu.catalogue.web import FOREIGN_ORIGIN, NO_TOKEN, UNKNOWN
from siu.findings import CATALOGUE
from siu.web import report_view
from siu.web.jobs import RunRequest, Session, Sessions, Upload
from siu.web.messages import say
from siu.web.uploads import UploadRefused, keep, receive

HERE = Path(__file__).parent
TOKEN_COOKIE = "siu_token"
SESSION_COOKIE = "siu_session"
LANG_COOKIE = "siu_lang"
MAX_UPLOAD = 200 * 1024 * 1024  # bytes per file
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # "no-referrer" would make form posts send "Origin: null"
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


def _mask(value: Any) -> Any:
    """Jinja's finalize: every text the page shows passes the CPR mask (masking at the sink)."""
    if isinstance(value, Markup):  # a macro's HTML: masked, and still HTML
        return Markup(mask_cpr(str(value)))
    return mask_cpr(value) if isinstance(value, str) else value


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "da"
    return "en" if lang == "en" else "da"


class Guard:
    """ASGI middleware: Host, Origin and token checks, security headers, the language cookie."""

    def __init__(self, app: ASGIApp, token: str, hosts: set[str]) -> None:
        self.app = app
        self.token = token
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        lang = _lang(request)
        host = request.headers.get("host", "")
        if host not in self.hosts:
            await self._refuse(scope, receive, send, say(FOREIGN_ORIGIN, lang, origin=host[:80] or "?"), 403)
            return
        if request.method not in SAFE_METHODS:
            origin = request.headers.get("origin")
            site = request.headers.get("sec-fetch-site", "same-origin")
            allowed = {f"{scheme}://{h}" for h in self.hosts for scheme in ("http", "https")}
            if (origin is not None and origin not in allowed) or site not in ("same-origin", "none"):
                await self._refuse(scope, receive, send, say(FOREIGN_ORIGIN, lang, origin=(origin or site)[:80]), 403)
                return
        given = request.query_params.get("token")
        cookie = request.cookies.get(TOKEN_COOKIE, "")
        if (
            given is not None
            and request.method in SAFE_METHODS
            and hmac.compare_digest(given.encode(), self.token.encode())
        ):
            # the token moves from the URL to a cookie; the address bar (and history) lose it
            rest = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
            response = RedirectResponse(request.url.path + (f"?{rest}" if rest else ""), status_code=303)
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict", path="/")
            await self._send(response, scope, receive, send)
            return
        if not hmac.compare_digest(cookie.encode(), self.token.encode()):
            await self._refuse(scope, receive, send, say(NO_TOKEN, lang), 403)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += SECURITY_HEADERS
                if request.query_params.get("lang") in ("da", "en"):
                    headers.append((b"set-cookie", f"{LANG_COOKIE}={lang}; Path=/; SameSite=Strict".encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, text: str, status: int) -> None:
        await self._send(PlainTextResponse(text, status_code=status), scope, receive, send)

    async def _send(self, response: Response, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await response(scope, receive, with_headers)


class WebState:
    """What the application holds: sessions, base settings, plugin host (for sources and formats)."""

    def __init__(self, base: Settings, no_plugins: bool, max_upload: int) -> None:
        from siu.host.plugins import load_plugins, local_plugin_files

        self.base = base
        self.no_plugins = no_plugins
        self.max_upload = max_upload
        self.sessions = Sessions()
        self.host = load_plugins(no_plugins=no_plugins, local_files=local_plugin_files(base), raise_conflicts=False)

    def detect(self, path: Path) -> str | None:
        from siu.convert.run import UsageError, detect_source

        try:
            return detect_source(path, self.host, "da", quiet=True)
        except UsageError:
            return None


def create_app(  # noqa: C901, PLR0915  (too long; to be cut along its seams, issue 13)
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
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        finalize=_mask,
    )
    env.filters["amount"] = report_view.amount
    env.filters["number"] = report_view.number

    def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = _lang(request)

        def t(da: str, en: str) -> str:
            return en if lang == "en" else da

        def url(path: str, **params: Any) -> str:
            given = {k: v for k, v in params.items() if v not in (None, "", False)}
            return path + ("?" + urlencode(given) if given else "")

        html = env.get_template(name).render(
            t=t, lang=lang, url=url, version=__version__, request=request, catalogue=CATALOGUE, **context
        )
        return HTMLResponse(html, status_code=status)

    def session_of(request: Request) -> Session | None:
        return state.sessions.get(request.cookies.get(SESSION_COOKIE))

    def with_session(handler: Callable[..., Any]) -> Callable[[Request], Any]:
        async def wrapped(request: Request) -> Response:
            session = session_of(request)
            fresh = session is None
            if session is None:
                session = state.sessions.new()
            response = await handler(request, session)
            if fresh:
                response.set_cookie(SESSION_COOKIE, session.id, httponly=True, samesite="strict", path="/")
            return response

        return wrapped

    def not_found(request: Request) -> Response:
        return render(request, "message.html", 404, code=UNKNOWN.code, message=UNKNOWN.make().message(_lang(request)))

    # --- pages -----------------------------------------------------------------------------

    async def index(request: Request, session: Session) -> Response:
        return index_page(request, session)

    def index_page(request: Request, session: Session, status: int = 200) -> Response:
        from siu.accounts.paying import kommuner

        notices, session.notices = session.notices, []
        base = state.base
        return render(
            request,
            "index.html",
            status,
            session=session,
            notices=notices,
            uploads=list(session.uploads.values()),
            sources=sorted(state.host.sources),
            formats=sorted(state.host.writers),
            kommuner=sorted(kommuner().items()),
            base=base,
            jobs=list(reversed(session.jobs.values())),
            max_mb=state.max_upload // (1024 * 1024),
        )

    async def upload(request: Request, session: Session) -> Response:
        """Exports dropped or picked in the page: stream them in, keep the spreadsheets."""
        try:
            got = await receive(
                request.headers.get("content-type", ""), request.stream(), session.folder, state.max_upload
            )
        except UploadRefused as exc:
            session.notices.append((exc.code, exc.message_da, exc.message_en))
            return index_page(request, session, exc.status)
        refused = False
        for _, name, tmp in got.files:
            path, problem = keep(tmp, session.upload_dir, name, "export")
            if problem is not None:
                session.notices.append(problem)
                refused = True
                continue
            assert path is not None
            session.uploads[path.name] = Upload(
                name=path.name, path=path, size=path.stat().st_size, detected=state.detect(path)
            )
        if refused:
            return index_page(request, session, 415)
        return RedirectResponse("/", status_code=303)

    async def remove(request: Request, session: Session) -> Response:
        item = session.uploads.pop(request.path_params["name"], None)
        if item is not None:
            item.path.unlink(missing_ok=True)
        return RedirectResponse("/", status_code=303)

    async def run(request: Request, session: Session) -> Response:
        """Start a run with the form's settings (mapping file and siu.toml may come with it)."""
        try:
            got = await receive(
                request.headers.get("content-type", ""), request.stream(), session.folder, state.max_upload
            )
        except UploadRefused as exc:
            session.notices.append((exc.code, exc.message_da, exc.message_en))
            return index_page(request, session, exc.status)
        kept: dict[str, Path] = {}
        for field_name, name, tmp in got.files:
            kind = {"mapping": "mapping", "config": "config"}.get(field_name)
            if kind is None:
                tmp.unlink(missing_ok=True)
                continue
            path, problem = keep(tmp, session.folder / "settings", name, kind)
            if problem is not None:
                session.notices.append(problem)
                return index_page(request, session, 415)
            assert path is not None
            kept[kind] = path
        form = got.fields
        for item in session.uploads.values():
            chosen = form.get(f"source:{item.name}", "")
            item.source = chosen if chosen in state.host.sources else ""
        if not session.uploads:
            session.notices.append(("SIU985", "Vælg mindst én fil at indberette", "Choose at least one file to report"))
            return index_page(request, session, 400)
        year_text = form.get("year", "").strip()
        req = RunRequest(
            inputs=[(u.source, u.path) for u in session.uploads.values()],
            kommune=form.get("kommune") or None,
            year=int(year_text) if year_text.isdigit() else None,
            area=form.get("area") or None,
            fmt=form.get("format") or None,
            mapping=kept.get("mapping"),
            config=kept.get("config"),
            strict=form.get("strict") == "1",
            aggregate=form.get("aggregate") == "1",
            lang=_lang(request),
        )
        job = session.start(req, state.base, state.no_plugins)
        return RedirectResponse(f"/runs/{job.id}", status_code=303)

    async def run_page(request: Request, session: Session) -> Response:
        job = session.jobs.get(request.path_params["job"])
        if job is None:
            return not_found(request)
        if job.state != "done":
            return render(request, "run.html", job=job)
        lang = _lang(request)
        head = report_view.read_head(job.json_path)
        query = report_view.Query.from_params(request.query_params)
        page = report_view.select(job.json_path, query, lang)
        extra = {k: v for k, v in head.items() if k not in report_view.KNOWN}
        skipped = sum(int(i.get("rows_skipped") or 0) for i in head.get("inputs", []))
        return render(
            request,
            "results.html",
            job=job,
            head=head,
            query=query,
            page=page,
            extra=extra,
            skipped=skipped,
            downloads=sorted(job.downloads()),
            delivery=[p.name for p in job.outputs],
        )

    async def status(request: Request, session: Session) -> Response:
        job = session.jobs.get(request.path_params["job"])
        if job is None:
            return JSONResponse({"state": "unknown"}, status_code=404)
        return JSONResponse({"state": job.state, "rows": job.rows, "seconds": round(job.seconds, 1)})

    async def cancel(request: Request, session: Session) -> Response:
        job = session.jobs.get(request.path_params["job"])
        if job is None:
            return not_found(request)
        job.cancel.set()
        return RedirectResponse(f"/runs/{job.id}", status_code=303)

    async def download(request: Request, session: Session) -> Response:
        job = session.jobs.get(request.path_params["job"])
        files = job.downloads() if job else {}
        path = files.get(request.path_params["name"])
        if path is None:
            return not_found(request)
        return FileResponse(path, filename=path.name, content_disposition_type="attachment")

    async def explain(request: Request, session: Session) -> Response:
        entry = CATALOGUE.get(request.path_params["code"].upper())
        if entry is None:
            return not_found(request)
        return render(request, "explain.html", entry=entry)

    async def end(request: Request, session: Session) -> Response:
        """End the session: stop its runs and delete its folder (uploads and results)."""
        state.sessions.end(session.id)
        response = render(request, "ended.html")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    routes = [
        Route("/", with_session(index)),
        Route("/upload", with_session(upload), methods=["POST"]),
        Route("/files/{name}/remove", with_session(remove), methods=["POST"]),
        Route("/run", with_session(run), methods=["POST"]),
        Route("/runs/{job}", with_session(run_page)),
        Route("/runs/{job}/status", with_session(status)),
        Route("/runs/{job}/cancel", with_session(cancel), methods=["POST"]),
        Route("/runs/{job}/files/{name}", with_session(download)),
        Route("/explain/{code}", with_session(explain)),
        Route("/end", with_session(end), methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        state.sessions.close()  # server stop: every session's files go

    app = Starlette(routes=routes, lifespan=lifespan)
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
