"""The township intranet has no internet: no page may make the browser ask anything of another
host (fonts, icons, scripts, telemetry), for a guest or for an administrator."""

from urllib.parse import urlparse

import pytest

from tests.accounts import PASSWORD, add_accounts
from tests.conftest import serve, wait_until_idle
from wuxing.samples import sample
from wuxing.storage.store import open_store
from wuxing.ui import navigation

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("offline")
    url = f"sqlite:///{tmp / 'offline.sqlite'}"
    store = open_store(url)
    sample.seed(store)
    add_accounts(store, 管理员="admin")
    store.dispose()
    env = {"WUXING_DB": url, "WUXING_HOME": str(tmp / "home"), "WUXING_PUBLIC_VIEW": "1"}
    with serve(env, tmp) as base:
        yield base


def _outside(page) -> list[str]:
    found: list[str] = []
    page.on("request", lambda r: found.append(r.url))
    page.on("websocket", lambda ws: found.append(ws.url))
    return found


def _visit_every_page(page, specs: list[navigation.PageSpec]) -> None:
    for spec in specs:
        link = page.locator('[data-testid="stSidebarNavLink"]', has_text=spec.title).first
        link.evaluate("a => a.click()")  # also when the long menu has folded it away
        wanted = "/" if spec.default else f"/{spec.url_path}"
        page.wait_for_url(lambda url, wanted=wanted: urlparse(url).path == wanted)
        # Drawn: the script has finished and nothing is still loading.
        page.locator('[data-testid="stMain"] [data-testid="stElementContainer"]').first.wait_for()
        wait_until_idle(page)
        page.wait_for_load_state("networkidle")


def _leaving(urls: list[str]) -> list[str]:
    return sorted({u for u in urls if urlparse(u).hostname not in LOCAL_HOSTS})


def test_a_guest_browsing_every_page_asks_nothing_of_another_host(served, page):
    seen = _outside(page)
    page.goto(served + "/")
    page.get_by_role("heading", name="总览").wait_for()
    _visit_every_page(page, navigation.pages_for("viewer"))
    page.goto(served + "/login")  # folded away at the menu's end; a new session is still a guest
    page.get_by_role("heading", name="登录").wait_for()
    page.wait_for_load_state("networkidle")
    assert seen and _leaving(seen) == []


def test_an_administrator_on_every_page_asks_nothing_of_another_host(served, page):
    seen = _outside(page)
    page.goto(served + "/login")
    page.get_by_role("heading", name="登录").wait_for()
    page.get_by_label("用户名").fill("管理员")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="总览").wait_for()
    _visit_every_page(page, navigation.pages_for("admin"))
    assert seen and _leaving(seen) == []
