import pytest

from tests.conftest import screenshot, wait_for_charts

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_overview_renders_in_a_real_browser(app_url, page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url + "/", wait_until="domcontentloaded")
    wait_for_charts(page, 4)
    titles = page.locator('[data-testid="stPlotlyChart"] .gtitle').all_text_contents()
    assert any("星级分布" in t for t in titles) and any("星级评分" in t for t in titles)
    assert page.get_by_text("示例数据", exact=False).first.is_visible()
    assert page.locator('[data-testid="stMetric"]').count() == 4
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("heading", name="总览").is_visible()
    screenshot(page, "overview")
    assert not errors
