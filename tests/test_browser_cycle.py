"""A township clerk's quarter in Chromium: upload the 2024Q1 ledger, check the reminders, save,
open 总览 on the new quarter, see who reported, correct one value in the browser."""

import pytest

from tests import cycle
from tests.accounts import PASSWORD, add_accounts
from tests.conftest import screenshot, serve
from wuxing import catalog
from wuxing.samples import sample
from wuxing.storage.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def township(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cycle")
    url = f"sqlite:///{tmp / 'cycle.sqlite'}"
    store = open_store(url)
    sample.seed(store)
    add_accounts(store, 小王="editor")
    ds = store.load()
    (tmp / "2024一季度台账.xlsx").write_bytes(cycle.ledger(ds))
    # 甲村's income as the ledger gives it: what its row of the correction table shows.
    jia = next(r for r in cycle.ledger_rows(ds) if r[0] == "甲村")
    (tmp / "jia_income.txt").write_text(f"{jia[2]:g}")
    store.dispose()
    env = {"WUXING_DB": url, "WUXING_HOME": str(tmp / "home"), "WUXING_PUBLIC_VIEW": "0"}
    with serve(env, tmp) as base:
        yield base, tmp, url


def _nav(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNavLink"]', has_text=title).click()
    page.get_by_role("heading", name=title).wait_for()


def test_a_clerks_quarter_end_to_end(township, page):
    base, files, url = township
    page.goto(base + "/", wait_until="domcontentloaded")
    page.get_by_role("heading", name="登录").wait_for()
    page.get_by_label("用户名").fill("小王")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="总览").wait_for()
    _nav(page, "数据上传")

    # The preview lists the blank headline indicator and every cell read as something else.
    chooser = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    chooser.set_input_files(str(files / "2024一季度台账.xlsx"))
    page.get_by_text("请核对的提醒").wait_for()
    page.get_by_text("未填写的主要指标").wait_for()
    page.get_by_text("村名“赵家”已对应到“赵家村”", exact=False).wait_for()
    page.get_by_text("填的是“12万元”，按 12 万元 保存", exact=False).wait_for()
    screenshot(page, "cycle_preview")

    # Saving clears the page and offers 总览 on the stored quarter.
    page.get_by_role("button", name="确认保存").click()
    page.get_by_text("已保存为第 2 版", exact=False).wait_for()
    # The run before the save leaves its elements on screen until the new run has finished.
    page.get_by_text("将要发生的变化").wait_for(state="detached")
    page.get_by_role("button", name="确认保存").wait_for(state="detached")
    assert page.get_by_role("button", name="Remove 2024一季度台账.xlsx").count() == 0
    page.get_by_text("请选择要上传的台账文件", exact=False).wait_for()
    screenshot(page, "cycle_saved")
    page.get_by_role("button", name="在总览中查看2024年第一季度").click()
    page.get_by_role("heading", name="总览").wait_for()
    page.locator('[data-testid="stCaptionContainer"]', has_text="2024年第一季度").first.wait_for()
    screenshot(page, "cycle_overview")
    assert "period=2024Q1" in page.url

    # 填报进度: everyone reported, 甲村's blank is flagged in the 催报 list.
    _nav(page, "填报进度")
    page.get_by_text("已报 13/13 个村", exact=False).wait_for()
    page.locator('[data-testid="stCode"]', has_text="甲村：缺 卫生厕所改造").wait_for()
    screenshot(page, "cycle_reporting")

    # Correct 甲村's toilets in the browser: a new version.
    _nav(page, "数据上传")
    page.set_viewport_size({"width": 1400, "height": 1800})  # the whole table in view
    page.locator('[data-testid="stButtonGroup"]').get_by_text("在线改正数值").click()
    page.get_by_text("在“新值”一列填写", exact=False).wait_for()
    village = page.locator('[data-testid="stSelectbox"]', has_text="要改正的村")
    village.click()
    page.get_by_role("option", name="甲村", exact=True).click()
    page.get_by_role("option").first.wait_for(state="detached")
    page.get_by_text("甲村 · 2024年第一季度：", exact=False).wait_for()
    # The table of 甲村 has replaced the first village's (its cells' accessible copy).
    income = (files / "jia_income.txt").read_text()
    page.locator('[role="gridcell"]', has_text=income).first.wait_for(state="attached")
    grid = page.locator('[data-testid="stDataFrame"]').last
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    row = [i.id for i in catalog.INDICATORS].index(catalog.TOILET_UPGRADES)
    # The 新值 cell of 卫生厕所改造 (the last column; one header row, then rows of 35 px).
    page.mouse.dblclick(box["x"] + box["width"] - 40, box["y"] + 35 * (row + 1) + 17)
    editor = page.locator("#portal input, #portal textarea").first  # the cell's editor overlay
    editor.wait_for()
    editor.fill("610")
    editor.press("Enter")
    screenshot(page, "cycle_typed")
    page.get_by_text("将要改正的数值").wait_for()
    screenshot(page, "cycle_correction")
    page.get_by_role("button", name="保存改正").click()
    page.get_by_text("已保存为第 3 版", exact=False).wait_for()

    store = open_store(url)
    try:
        latest = store.history()[0]
        assert latest.id == 3 and latest.user == "小王"
        assert (
            latest.summary["correction"] == "在线改正 甲村 2024年第一季度：卫生厕所改造 空 → 610 户"
        )
    finally:
        store.dispose()
