"""A village secretary in Chromium (issue 17 §2): signed in, the sidebar is its village, the
template it downloads has its one row, 填报进度 is its village's."""

import io

import openpyxl
import pytest

from tests.accounts import CHEAP_HASHER, PASSWORD
from tests.conftest import screenshot, serve, wait_for_charts
from wuxing.samples import sample
from wuxing.storage.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VILLAGE = "濮阳市 › 清丰县 › 马庄桥镇 › 赵家村"


@pytest.fixture(scope="module")
def township_url(tmp_path_factory):
    """The sample township on its own store, with 赵家村's secretary (an editor of 赵家村)."""
    tmp = tmp_path_factory.mktemp("scope")
    url = f"sqlite:///{tmp / 'scope.sqlite'}"
    store = open_store(url)
    sample.seed(store)
    store.add_account(
        "赵书记",
        CHEAP_HASHER.hash(PASSWORD),
        "editor",
        by="测试",
        area="濮阳市/清丰县/马庄桥镇/赵家村",
    )
    store.dispose()
    env = {"WUXING_DB": url, "WUXING_HOME": str(tmp / "home"), "WUXING_PUBLIC_VIEW": "0"}
    with serve(env, tmp) as base:
        yield base


def _open(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNavLink"]', has_text=title).click()
    page.get_by_role("heading", name=title).wait_for(timeout=60_000)


def test_a_village_account_sees_and_gets_its_own_village(township_url, page):
    page.goto(township_url + "/", wait_until="domcontentloaded")
    page.get_by_role("heading", name="请先登录").wait_for(timeout=60_000)
    page.get_by_label("用户名").fill("赵书记")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("heading", name="总览").wait_for(timeout=60_000)
    wait_for_charts(page, 1)

    # The sidebar is the village, and only the village; 总览 counts one village.
    area = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    shown = area.locator("input").input_value() or area.inner_text()
    assert VILLAGE in shown, shown
    area.click()
    assert page.get_by_role("option").all_text_contents() == [VILLAGE]
    page.keyboard.press("Escape")
    page.get_by_text("共 1 个村").wait_for(timeout=60_000)
    screenshot(page, "scope_village_overview")

    # The template it downloads has its own row only.
    _open(page, "数据上传")
    button = page.get_by_role("button", name="1 个村")
    button.wait_for(timeout=60_000)
    assert "赵家村" in button.inner_text()
    with page.expect_download(timeout=60_000) as download:
        button.click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = list(book["指标"].iter_rows(min_row=2, max_col=3, values_only=True))
    assert rows == [("赵家村", "马庄桥镇", "2024Q1")]

    # 填报进度 is the village's: one village to report.
    _open(page, "填报进度")
    page.get_by_text("/ 1", exact=False).first.wait_for(timeout=60_000)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=60_000)
    screenshot(page, "scope_village_reporting")
