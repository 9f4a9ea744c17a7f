"""The login and logout routes (wuxing/ui/web.py), called as the ASGI app the server runs."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from starlette.applications import Starlette

from tests.accounts import PASSWORD, add_accounts
from wuxing.ui import web

IDLE = timedelta(hours=8)
SITE = "127.0.0.1:8501"


@pytest.fixture
def served(named_store, monkeypatch):
    web.route_store.cache_clear()
    add_accounts(named_store, 李四="editor")
    yield named_store
    web.route_store.cache_clear()


def call(path, form=None, *, origin=f"http://{SITE}", cookie="", scheme="http", method="POST"):
    """One request through the routes; (status, headers as (name, value) pairs, body text)."""
    body = urlencode(form or {}).encode()
    headers = [(b"host", SITE.encode()), (b"content-type", b"application/x-www-form-urlencoded")]
    if origin:
        headers.append((b"origin", origin.encode()))
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": headers,
        "scheme": scheme,
        "client": ("10.0.0.7", 5000),
        "server": ("127.0.0.1", 8501),
        "http_version": "1.1",
        "root_path": "",
    }
    sent, answer = [{"type": "http.request", "body": body, "more_body": False}], {}

    async def receive():
        return sent.pop(0) if sent else {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = [(k.decode(), v.decode()) for k, v in message["headers"]]
        elif message["type"] == "http.response.body":
            answer["body"] = answer.get("body", b"") + message.get("body", b"")

    app = Starlette(routes=web.ROUTES, middleware=web.MIDDLEWARE)
    # In a thread of its own: a browser test in the same worker may have left an event loop here.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, app(scope, receive, send)).result()
    return answer["status"], answer["headers"], answer["body"].decode()


def _cookie(headers):
    found = [v for k, v in headers if k == "set-cookie"]
    return found[0] if found else ""


def test_login_sets_an_httponly_strict_cookie_and_leads_to_the_page_asked_for(served):
    status, headers, _ = call(
        "/auth/login", {"username": "李四", "password": PASSWORD, "next": "/upload?area=x"}
    )
    assert status == 303 and dict(headers)["location"] == "/upload?area=x"
    cookie = _cookie(headers)
    attributes = {a.strip().lower() for a in cookie.split(";")}
    assert {"httponly", "samesite=strict", "path=/"} <= attributes and "secure" not in attributes
    token = cookie.split(";")[0].removeprefix(f"{web.SESSION_COOKIE}=")
    assert served.session_account(token, idle=IDLE).name == "李四"
    # Behind TLS (nginx's X-Forwarded-Proto makes the scheme https) the cookie is Secure.
    _, headers, _ = call(
        "/auth/login",
        {"username": "李四", "password": PASSWORD},
        origin=f"https://{SITE}",
        scheme="https",
    )
    assert "secure" in {a.strip().lower() for a in _cookie(headers).split(";")}


def test_a_wrong_password_shows_the_form_again_in_chinese_and_sets_nothing(served):
    status, headers, body = call("/auth/login", {"username": "李四", "password": "wrong one!"})
    assert status == 401 and not _cookie(headers)
    assert "用户名或密码错误" in body and 'action="/auth/login"' in body
    assert served.open_sessions(idle=IDLE).empty


@pytest.mark.parametrize("origin", ["http://evil.example", "null", ""])
def test_a_login_or_logout_posted_from_another_site_is_refused(served, origin):
    status, headers, body = call(
        "/auth/login", {"username": "李四", "password": PASSWORD}, origin=origin
    )
    assert status == 403 and not _cookie(headers) and "请求来源不符" in body
    token = served.open_session("李四")
    status, _, _ = call("/auth/logout", origin=origin, cookie=f"{web.SESSION_COOKIE}={token}")
    assert status == 403 and served.session_account(token, idle=IDLE) is not None


def test_logout_ends_the_session_in_the_store_and_drops_the_cookie(served):
    token = served.open_session("李四")
    status, headers, _ = call("/auth/logout", cookie=f"{web.SESSION_COOKIE}={token}")
    assert status == 303 and dict(headers)["location"] == "/"
    assert f'{web.SESSION_COOKIE}=""' in _cookie(headers) or "max-age=0" in _cookie(headers).lower()
    assert served.session_account(token, idle=IDLE) is None


def test_the_login_page_itself_and_where_a_login_may_lead():
    status, _, body = call("/auth/login?next=/history", method="GET")
    assert status == 200 and 'name="next" value="/history"' in body
    for unsafe in [
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
        "/auth/logout",
        "upload",
        "/x\r\nSet-Cookie: a=b",
    ]:
        assert web.safe_next(unsafe) == "/"
    assert web.safe_next("/upload?area=%E6%9F%90") == "/upload?area=%E6%9F%90"
    # What is put into the page is escaped.
    assert "&quot;" in web.login_form_html('/x"><script>')
