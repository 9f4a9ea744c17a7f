"""会议模式 in a real browser: the sidebar is hidden, the arrow keys turn the slides."""

import pytest

from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _heading(page, text: str) -> None:
    page.get_by_role("heading", name=text).wait_for(timeout=60_000)


def test_arrow_keys_turn_the_slides(app_url, page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url + "/meeting?period=2023Q1", wait_until="domcontentloaded")
    _heading(page, "马庄桥镇2023年第一季度主要指标")
    page.locator('[data-testid="stMetric"]').nth(3).wait_for(timeout=60_000)
    assert page.get_by_text("1 / 12", exact=True).is_visible()
    assert not page.locator('[data-testid="stSidebar"]').is_visible()  # presenting: no sidebar
    assert page.locator('[data-testid="stMetric"]').count() == 4
    screenshot(page, "meeting_slide1")

    page.mouse.click(700, 5)  # focus the page itself (a shortcut never fires inside a widget)
    page.keyboard.press("ArrowRight")
    _heading(page, "2022年度星级分布")
    page.locator('[data-testid="stPlotlyChart"] .gtitle').first.wait_for(timeout=60_000)
    assert page.get_by_text("2 / 12", exact=True).is_visible()
    page.keyboard.press("ArrowRight")
    _heading(page, "2022年度各星获评村数")
    page.keyboard.press("ArrowLeft")
    _heading(page, "2022年度星级分布")
    page.locator('[data-testid="stPlotlyChart"] .gtitle').first.wait_for(timeout=60_000)
    page.wait_for_function("() => document.location.search.includes('slide=2')", timeout=30_000)
    screenshot(page, "meeting_slide2")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not errors
