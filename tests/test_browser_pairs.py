import pytest

from tests.conftest import screenshot, wait_for_charts

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_choose_a_pair_and_see_both_villages(app_url, page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Enter through the front page and the menu, as a user does: this also checks the page is
    # registered in the menu.
    page.goto(app_url + "/", wait_until="domcontentloaded")
    page.locator('[data-testid="stSidebarNavLink"]', has_text="结对比较").click()
    page.get_by_role("heading", name="结对比较").wait_for(timeout=60_000)
    wait_for_charts(page, 1)
    # Open the pair picker and choose 赵家村 → 乙村.
    page.locator('[data-testid="stSelectbox"]', has_text="结对（导师村 → 帮带村）").click()
    page.get_by_role("option", name="赵家村 → 乙村（2022年第三季度起）").click()
    radar = page.locator('[data-testid="stPlotlyChart"]', has_text="五星得分对比").first
    radar.locator(".gtitle", has_text="赵家村 与 乙村").wait_for(timeout=60_000)
    legend = radar.locator(".legendtext").all_text_contents()
    assert "赵家村（导师村）" in legend and "乙村（帮带村）" in legend
    assert "pair=" in page.url
    wait_for_charts(page, 4)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("示例数据", exact=False).first.is_visible()
    page.wait_for_timeout(500)  # let plotly's transition settle before the screenshot
    screenshot(page, "pairs")
    radar.screenshot(path=str(screenshot(page, "pairs").with_name("pairs_radar.png")))
    assert not errors
