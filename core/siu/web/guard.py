"""The guard in front of every request of ``siu web``.

Security, in the order a request meets it (:class:`Guard`): the Host header must name this
server (against DNS rebinding); a request that changes something must come from this page
(Origin, Sec-Fetch-Site); and every request must carry the one-time token, in the URL the
first time (then it is moved to a cookie and the URL loses it) or in that cookie.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from siu.catalogue.web import FOREIGN_ORIGIN, NO_TOKEN
from siu.web.messages import say

TOKEN_COOKIE = "siu_token"
SESSION_COOKIE = "siu_session"
LANG_COOKIE = "siu_lang"
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


def lang_of(request: Request) -> str:
    """The page language: `?lang=` or the language cookie; Danish unless English was chosen."""
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
        lang = lang_of(request)
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
