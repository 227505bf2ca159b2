"""The pages and actions of ``siu web``: one :class:`Pages` over the application's :class:`WebState`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from siu import __version__
from siu.base import i18n
from siu.base.config import Settings
from siu.base.cpr import mask_cpr
from siu.catalogue.web import UNKNOWN
from siu.findings import CATALOGUE
from siu.web import report_view
from siu.web.guard import SESSION_COOKIE, lang_of
from siu.web.jobs import RunRequest, Session, Sessions, Upload
from siu.web.uploads import Received, UploadRefused, keep, receive

HERE = Path(__file__).parent
MAX_UPLOAD = 200 * 1024 * 1024  # bytes per file

Handler = Callable[[Request, Session], Awaitable[Response]]


def _mask(value: Any) -> Any:
    """Jinja's finalize: every text the page shows passes the CPR mask (masking at the sink)."""
    if isinstance(value, Markup):  # a macro's HTML: masked, and still HTML
        return Markup(mask_cpr(str(value)))
    return mask_cpr(value) if isinstance(value, str) else value


def _url(path: str, **params: Any) -> str:
    given = {k: v for k, v in params.items() if v not in (None, "", False)}
    return path + ("?" + urlencode(given) if given else "")


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
            return detect_source(path, self.host, "da", quiet=True, configured=self.base.source)
        except UsageError:
            return None


class Pages:
    """Every route of the application; each handler gets the request and the user's session."""

    def __init__(self, state: WebState) -> None:
        self.state = state
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            finalize=_mask,
        )
        self.env.filters["amount"] = report_view.amount
        self.env.filters["number"] = report_view.number

    def routes(self) -> list[BaseRoute]:
        s = self._with_session
        return [
            Route("/", s(self.index)),
            Route("/upload", s(self.upload), methods=["POST"]),
            Route("/files/{name}/remove", s(self.remove), methods=["POST"]),
            Route("/run", s(self.run), methods=["POST"]),
            Route("/runs/{job}", s(self.run_page)),
            Route("/runs/{job}/status", s(self.status)),
            Route("/runs/{job}/cancel", s(self.cancel), methods=["POST"]),
            Route("/runs/{job}/files/{name}", s(self.download)),
            Route("/explain/{code}", s(self.explain)),
            Route("/end", s(self.end), methods=["POST"]),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ]

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = lang_of(request)

        def t(da: str, en: str) -> str:
            return en if lang == "en" else da

        def tx(key: str, **params: Any) -> str:  # a text of siu's bilingual table, counts agreeing
            return i18n.text(key, lang, **params)

        def noun(n: int, key: str) -> str:  # the noun agreeing with a count the page writes itself
            return i18n.noun(n, key, lang)

        html = self.env.get_template(name).render(
            t=t,
            tx=tx,
            noun=noun,
            lang=lang,
            url=_url,
            version=__version__,
            request=request,
            catalogue=CATALOGUE,
            **context,
        )
        return HTMLResponse(html, status_code=status)

    def _with_session(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def wrapped(request: Request) -> Response:
            session = self.state.sessions.get(request.cookies.get(SESSION_COOKIE))
            fresh = session is None
            if session is None:
                session = self.state.sessions.new()
            response = await handler(request, session)
            if fresh:
                response.set_cookie(SESSION_COOKIE, session.id, httponly=True, samesite="strict", path="/")
            return response

        return wrapped

    def not_found(self, request: Request) -> Response:
        message = UNKNOWN.make().message(lang_of(request))
        return self.render(request, "message.html", 404, code=UNKNOWN.code, message=message)

    # --- the start page, uploads ---------------------------------------------------------------

    async def index(self, request: Request, session: Session) -> Response:
        return self.index_page(request, session)

    def index_page(self, request: Request, session: Session, status: int = 200) -> Response:
        from siu.accounts.paying import kommuner

        notices, session.notices = session.notices, []
        state = self.state
        return self.render(
            request,
            "index.html",
            status,
            session=session,
            notices=notices,
            uploads=list(session.uploads.values()),
            sources=sorted(state.host.sources),
            formats=sorted(state.host.writers),
            kommuner=sorted(kommuner().items()),
            base=state.base,
            jobs=list(reversed(session.jobs.values())),
            max_mb=state.max_upload // (1024 * 1024),
        )

    async def _receive(self, request: Request, session: Session) -> Received:
        """The form and its files, streamed into the session's folder. Raises UploadRefused."""
        content_type = request.headers.get("content-type", "")
        return await receive(content_type, request.stream(), session.folder, self.state.max_upload)

    async def upload(self, request: Request, session: Session) -> Response:
        """Exports dropped or picked in the page: stream them in, keep the spreadsheets."""
        try:
            got = await self._receive(request, session)
        except UploadRefused as exc:
            session.notices.append((exc.code, exc.message_da, exc.message_en))
            return self.index_page(request, session, exc.status)
        refused = False
        for _, name, tmp in got.files:
            path, problem = keep(tmp, session.upload_dir, name, "export")
            if problem is not None:
                session.notices.append(problem)
                refused = True
                continue
            assert path is not None
            session.uploads[path.name] = Upload(
                name=path.name, path=path, size=path.stat().st_size, detected=self.state.detect(path)
            )
        if refused:
            return self.index_page(request, session, 415)
        return RedirectResponse("/", status_code=303)

    async def remove(self, request: Request, session: Session) -> Response:
        item = session.uploads.pop(request.path_params["name"], None)
        if item is not None:
            item.path.unlink(missing_ok=True)
        return RedirectResponse("/", status_code=303)

    # --- a run -------------------------------------------------------------------------------

    async def run(self, request: Request, session: Session) -> Response:
        """Start a run with the form's settings (mapping file and siu.toml may come with it)."""
        try:
            got = await self._receive(request, session)
        except UploadRefused as exc:
            session.notices.append((exc.code, exc.message_da, exc.message_en))
            return self.index_page(request, session, exc.status)
        kept = _settings_files(got, session)
        if kept is None:
            return self.index_page(request, session, 415)
        form = got.fields
        for item in session.uploads.values():
            chosen = form.get(f"source:{item.name}", "")
            item.source = chosen if chosen in self.state.host.sources else ""
        if not session.uploads:
            session.notices.append(("SIU985", "Vælg mindst én fil at indberette", "Choose at least one file to report"))
            return self.index_page(request, session, 400)
        job = session.start(_run_request(form, kept, session, lang_of(request)), self.state.base, self.state.no_plugins)
        return RedirectResponse(f"/runs/{job.id}", status_code=303)

    async def run_page(self, request: Request, session: Session) -> Response:
        job = session.jobs.get(request.path_params["job"])
        if job is None:
            return self.not_found(request)
        if job.state != "done":
            return self.render(request, "run.html", job=job)
        head = report_view.read_head(job.json_path)
        query = report_view.Query.from_params(request.query_params)
        return self.render(
            request,
            "results.html",
            job=job,
            head=head,
            query=query,
            page=report_view.select(job.json_path, query, lang_of(request)),
            extra={k: v for k, v in head.items() if k not in report_view.KNOWN},
            skipped=sum(int(i.get("rows_skipped") or 0) for i in head.get("inputs", [])),
            downloads=sorted(job.downloads()),
            delivery=[p.name for p in job.outputs],
        )

    async def status(self, request: Request, session: Session) -> Response:
        job = session.jobs.get(request.path_params["job"])
        if job is None:
            return JSONResponse({"state": "unknown"}, status_code=404)
        # the noun agreeing with the count comes from siu's table, so the page's script need not know plurals
        noun = i18n.noun(job.rows, "line", lang_of(request))
        return JSONResponse({"state": job.state, "rows": job.rows, "noun": noun, "seconds": round(job.seconds, 1)})

    async def cancel(self, request: Request, session: Session) -> Response:
        job = session.jobs.get(request.path_params["job"])
        if job is None:
            return self.not_found(request)
        job.cancel.set()
        return RedirectResponse(f"/runs/{job.id}", status_code=303)

    async def download(self, request: Request, session: Session) -> Response:
        job = session.jobs.get(request.path_params["job"])
        files = job.downloads() if job else {}
        path = files.get(request.path_params["name"])
        if path is None:
            return self.not_found(request)
        return FileResponse(path, filename=path.name, content_disposition_type="attachment")

    # --- the rest ----------------------------------------------------------------------------

    async def explain(self, request: Request, session: Session) -> Response:
        entry = CATALOGUE.get(request.path_params["code"].upper())
        if entry is None:
            return self.not_found(request)
        return self.render(request, "explain.html", entry=entry)

    async def end(self, request: Request, session: Session) -> Response:
        """End the session: stop its runs and delete its folder (uploads and results)."""
        self.state.sessions.end(session.id)
        response = self.render(request, "ended.html")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response


def _settings_files(got: Received, session: Session) -> dict[str, Path] | None:
    """The mapping file and siu.toml sent with a run, kept in the session's folder; None (and a
    notice) when one is refused. Other files are removed."""
    kept: dict[str, Path] = {}
    for field_name, name, tmp in got.files:
        kind = {"mapping": "mapping", "config": "config"}.get(field_name)
        if kind is None:
            tmp.unlink(missing_ok=True)
            continue
        path, problem = keep(tmp, session.folder / "settings", name, kind)
        if problem is not None:
            session.notices.append(problem)
            return None
        assert path is not None
        kept[kind] = path
    return kept


def _run_request(form: dict[str, str], kept: dict[str, Path], session: Session, lang: str) -> RunRequest:
    year_text = form.get("year", "").strip()
    return RunRequest(
        inputs=[(u.source, u.path) for u in session.uploads.values()],
        kommune=form.get("kommune") or None,
        year=int(year_text) if year_text.isdigit() else None,
        area=form.get("area") or None,
        fmt=form.get("format") or None,
        mapping=kept.get("mapping"),
        config=kept.get("config"),
        strict=form.get("strict") == "1",
        aggregate=form.get("aggregate") == "1",
        lang=lang,
    )
