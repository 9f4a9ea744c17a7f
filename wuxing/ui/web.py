"""The web server around dashboard.py (`app.py` builds the `st.App` from these parts): security
headers on every HTTP answer, the upload limit taken from the settings at start, and login and
logout as ordinary HTTP routes.

Sessions: `POST /auth/login` checks the name and password (with the login pauses of
`wuxing.access.throttle`), opens a session in the store and answers with a cookie holding its
random token: HttpOnly (no page script can read it), SameSite=Strict (no other site's page sends
it), Secure when the browser spoke HTTPS (directly or through nginx's X-Forwarded-Proto). Every
page load's WebSocket carries the cookie, and the script reads it through `st.context.cookies`
(wuxing/ui/session.py), so a reload, a new tab, another app server or a restarted one finds the
same session. `POST /auth/logout` ends it in the store: every tab's next rerun finds it gone.
Both POSTs are refused unless the Origin (or, without one, the Referer) is this very site.
"""

from __future__ import annotations

import html
import math
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from functools import cache
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from streamlit import config as streamlit_config

from wuxing.access import auth
from wuxing.config import Settings
from wuxing.errors import AuthError
from wuxing.storage.store import Store, open_store
from wuxing.ui import navigation

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Sent with every HTTP answer: no page of ours may be framed by another site (clickjacking: a
#: hidden frame over a button of theirs), no answer is sniffed into another type, and no address
#: of ours (area, village in the query string) leaves in a Referer header.
SECURITY_HEADERS: dict[str, str] = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

#: The cookie holding a session's token (only its sha256 is in the store).
SESSION_COOKIE = "wuxing_session"
LOGIN_PATH = "/auth/login"
LOGOUT_PATH = "/auth/logout"


@cache
def route_store(url: str) -> Store:
    """The routes' own store object (one engine per process, like the pages' cached one)."""
    return open_store(url)


def safe_next(target: str | None) -> str:
    """Where to go after login: a path of this site only (never `//other.site` or a URL)."""
    target = (target or "").strip()
    if (
        not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(ord(c) < 32 for c in target)
    ):
        return "/"
    return target if not target.startswith("/auth/") else "/"


def same_origin(request: Request) -> bool:
    """True when the request's Origin (else its Referer) names this site, as the browser saw it
    (behind nginx: `proxy_set_header Host $http_host`, see deploy/nginx.conf)."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return urlsplit(origin).netloc == host
    referer = request.headers.get("referer")
    return bool(referer) and urlsplit(referer).netloc == host


def login_form_html(next_path: str = "/", *, message: str = "") -> str:
    """The login form (plain HTML: it posts to `LOGIN_PATH` itself), with `message` above it."""
    note = f'<p role="alert" style="color:#b42318;margin:0 0 12px">{html.escape(message)}</p>'
    field = (
        "display:block;width:100%;box-sizing:border-box;margin:4px 0 12px;padding:8px;"
        "font-size:16px;border:1px solid #bbb;border-radius:6px"
    )
    return (
        f'<form method="post" action="{LOGIN_PATH}" style="max-width:360px">'
        f"{note if message else ''}"
        f'<input type="hidden" name="next" value="{html.escape(safe_next(next_path))}">'
        f'<label style="display:block">用户名<input name="username" autocomplete="username" '
        f'maxlength="50" required style="{field}"></label>'
        f'<label style="display:block">密码<input name="password" type="password" '
        f'autocomplete="current-password" required style="{field}"></label>'
        '<button type="submit" style="padding:8px 24px;font-size:16px;border:0;border-radius:6px;'
        'background:#d62728;color:#fff;cursor:pointer">登录</button></form>'
    )


def logout_form_html() -> str:
    """The logout button: a form posting to `LOGOUT_PATH` (it ends the session in every tab)."""
    return (
        f'<form method="post" action="{LOGOUT_PATH}"><button type="submit" '
        'style="padding:4px 12px;border:1px solid #ccc;border-radius:6px;background:#fff;'
        'cursor:pointer">退出登录</button></form>'
    )


def _page(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        "<title>登录 · 五星支部创建数据看板</title></head>"
        '<body style="font-family:sans-serif;margin:40px auto;max-width:400px;padding:0 16px">'
        f"<h1>登录</h1>{body}</body></html>",
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


async def login_page(request: Request) -> Response:
    """GET: the login form on its own page. POST: check, open a session, set the cookie and go
    to the page asked for (`next`); a refusal shows the form again with the reason."""
    if request.method == "GET":
        return _page(login_form_html(request.query_params.get("next", "/")))
    form = await request.form()
    target = safe_next(str(form.get("next", "/")))
    if not same_origin(request):
        return _page(
            login_form_html(target, message="请求来源不符，请在本站的登录页重新登录。"), 403
        )
    settings = Settings.from_env()
    client = request.client.host if request.client else ""
    try:
        _, token = await run_in_threadpool(
            auth.open_session,
            route_store(settings.store_url),
            str(form.get("username", "")),
            str(form.get("password", "")),
            client=client,
        )
    except AuthError as exc:
        return _page(login_form_html(target, message=str(exc)), 401)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        path="/",
        secure=request.url.scheme == "https",
    )
    return response


async def logout(request: Request) -> Response:
    """POST: end this browser's session in the store (every tab) and drop the cookie."""
    if not same_origin(request):
        return _page(login_form_html("/", message="请求来源不符，未退出。"), 403)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await run_in_threadpool(route_store(Settings.from_env().store_url).end_session, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


def login_url(next_path: str) -> str:
    """The login page's address that leads back to `next_path` afterwards."""
    return f"{LOGIN_PATH}?next={quote(safe_next(next_path), safe='')}"


#: Our own HTTP routes.
ROUTES: list[BaseRoute] = [
    Route(LOGIN_PATH, login_page, methods=["GET", "POST"]),
    Route(LOGOUT_PATH, logout, methods=["POST"]),
]


class SecurityHeaders:
    """ASGI middleware: adds `SECURITY_HEADERS` to every HTTP answer, and marks cookies Secure
    when the request came over HTTPS (directly, or from nginx's X-Forwarded-Proto on loopback)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to its answer."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if secure:
                    _secure_cookies(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _secure_cookies(headers: MutableHeaders) -> None:
    # Streamlit marks its XSRF cookie Secure only when it terminates TLS itself; behind nginx it
    # does not know the browser spoke HTTPS, and the cookie would also travel over plain HTTP.
    cookies = headers.getlist("set-cookie")
    if not cookies:
        return
    del headers["set-cookie"]
    for cookie in cookies:
        has_secure = "secure" in (a.strip().lower() for a in cookie.split(";"))
        headers.append("set-cookie", cookie if has_secure else f"{cookie}; Secure")


class UnknownPages:
    """ASGI middleware: a browser opening a page path the dashboard does not have (an old or
    mistyped link, `/nonexistent`) goes to the first page with its filters kept, where
    Streamlit would open a dialog saying "Page not found" in English."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Redirect a page load of an unknown page path to "/"; pass on everything else."""
        if scope["type"] == "http" and scope["method"] == "GET" and is_unknown_page(scope):
            query = scope.get("query_string", b"").decode("latin-1")
            await RedirectResponse("/" + (f"?{query}" if query else ""), 302)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def is_unknown_page(scope: Scope) -> bool:
    """A browser's page load (it accepts HTML) of one path segment that is neither one of the
    dashboard's pages nor a file or a server path of Streamlit's (those have a dot, an
    underscore first or more segments, and are fetched without asking for HTML)."""
    segment = scope["path"].strip("/")
    if not segment or "/" in segment or "." in segment or segment.startswith("_"):
        return False
    if segment in {page.url_path for page in navigation.PAGES} | {navigation.START}:
        return False
    accept = dict(scope.get("headers", [])).get(b"accept", b"")
    return b"text/html" in accept


MIDDLEWARE: list[Middleware] = [Middleware(SecurityHeaders), Middleware(UnknownPages)]


def upload_limit_mb(settings: Settings) -> int:
    """WUXING_MAX_UPLOAD_MB as the whole megabytes streamlit takes (at least 1)."""
    return max(1, math.ceil(settings.max_upload_mb))


def apply_settings(settings: Settings) -> None:
    """Make streamlit's own upload limit (browser check and upload route) the one of `settings`,
    whatever .streamlit/config.toml or the command line said."""
    streamlit_config.set_option("server.maxUploadSize", upload_limit_mb(settings))


@asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    """At server start: the settings of this process take effect."""
    apply_settings(Settings.from_env())
    yield None
