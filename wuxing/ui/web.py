"""The web server around dashboard.py (`app.py` builds the `st.App` from these parts): security
headers on every HTTP answer, and the upload limit taken from the settings at start.

HTTP routes of our own (login/logout) belong in `ROUTES`; each part is listed in `app.py`.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.routing import BaseRoute
from streamlit import config as streamlit_config

from wuxing.config import Settings

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

#: Our own HTTP routes (none yet; login/logout will go here).
ROUTES: list[BaseRoute] = []


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


MIDDLEWARE: list[Middleware] = [Middleware(SecurityHeaders)]


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
