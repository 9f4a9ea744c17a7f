"""The served app (app.py: dashboard.py inside wuxing/ui/web.py's parts): security headers on every
answer, no framing by other sites, Secure cookies behind HTTPS, the upload limit from the
settings."""

import asyncio
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from streamlit import config as streamlit_config

from wuxing.ui import web

HEADERS = {
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def _get(url: str, **headers: str):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as reply:
        return reply.headers


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.parametrize("path", ["/", "/progress", "/_stcore/health", "/_stcore/host-config"])
def test_every_answer_carries_the_security_headers(app_url, path):
    headers = _get(app_url + path)
    assert {name: headers.get(name) for name in HEADERS} == HEADERS


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_cookies_are_secure_when_the_browser_spoke_https_to_the_proxy(app_url):
    plain = _get(app_url + "/_stcore/health").get_all("set-cookie")
    assert plain and all("Secure" not in c for c in plain)  # plain HTTP: Secure would lose them
    proxied = _get(app_url + "/_stcore/health", **{"X-Forwarded-Proto": "https"})
    cookies = proxied.get_all("set-cookie")
    assert cookies and all(c.endswith("; Secure") for c in cookies)


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_another_site_cannot_frame_the_dashboard(app_url, page):
    page.set_content(f'<iframe id="f" src="{app_url}/" width="800" height="600"></iframe>')
    page.wait_for_load_state("load")
    [framed] = page.main_frame.child_frames
    # Chromium replaces a refused frame's document with its error page.
    assert framed.url.startswith("chrome-error://"), framed.url


def test_the_upload_limit_setting_becomes_streamlits_at_start(monkeypatch):
    before = streamlit_config.get_option("server.maxUploadSize")
    monkeypatch.setenv("WUXING_MAX_UPLOAD_MB", "50")

    async def start() -> None:
        async with web.lifespan(None):
            assert streamlit_config.get_option("server.maxUploadSize") == 50

    try:
        # In a thread of its own: Playwright's tests keep an event loop running in this one.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, start()).result()
    finally:
        streamlit_config.set_option("server.maxUploadSize", before)


@pytest.mark.parametrize("setting, limit", [(20.0, 20), (0.2, 1), (20.5, 21)])
def test_the_limit_in_whole_megabytes(setting, limit):
    from wuxing.config import Settings

    assert web.upload_limit_mb(Settings(max_upload_mb=setting)) == limit


def _scope(path: str, accept: bytes = b"text/html,application/xhtml+xml,*/*;q=0.8") -> dict:
    return {"type": "http", "method": "GET", "path": path, "headers": [(b"accept", accept)]}


@pytest.mark.parametrize(
    ("path", "accept", "unknown"),
    [
        ("/nonexistent-page", b"text/html", True),  # an old or mistyped link
        ("/nonexistent-page/", b"text/html", True),
        ("/progress", b"text/html", False),  # one of the pages
        ("/start", b"text/html", False),  # Streamlit's name for the first page
        ("/", b"text/html", False),
        ("/favicon.png", b"text/html", False),  # a file
        ("/_stcore/health", b"text/html", False),  # the server's own paths
        ("/static/js/main.js", b"text/html", False),
        ("/health", b"*/*", False),  # fetched by the page's script, not opened as a page
    ],
)
def test_only_a_page_load_of_an_unknown_page_path_is_redirected(path, accept, unknown):
    assert web.is_unknown_page(_scope(path, accept)) is unknown


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_an_unknown_page_opens_the_first_page_in_chinese_with_its_filters(app_url, page):
    page.goto(app_url + "/old-page?period=2023Q1", wait_until="domcontentloaded")
    page.get_by_role("heading", name="总览").wait_for(timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-stale=true]')")
    assert "period=2023Q1" in page.url and "/old-page" not in page.url
    assert not page.get_by_text("Page not found", exact=False).is_visible()
