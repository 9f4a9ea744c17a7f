"""Printing 总览 (Ctrl+P): no sidebar, header or controls; the charts fit the page width."""

import pytest

from tests.conftest import screenshot, wait_for_charts

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# A4 landscape less the 8 mm margins of style.PRINT_CSS, in CSS pixels (96 per inch).
PAGE_WIDTH, PAGE_HEIGHT = round((297 - 16) / 25.4 * 96), round((210 - 16) / 25.4 * 96)

_CHARTS_FIT = """() => {
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg')];
  return charts.length > 0 && charts.every(s => {
    const box = s.getBoundingClientRect();
    return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth + 1;
  }) && document.documentElement.scrollWidth <= window.innerWidth + 1;
}"""


def test_the_overview_prints_without_sidebar_or_controls_and_its_charts_fit(app_url, page):
    page.goto(app_url + "/", wait_until="domcontentloaded")
    wait_for_charts(page, 4)
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    page.set_viewport_size({"width": PAGE_WIDTH, "height": PAGE_HEIGHT})
    page.emulate_media(media="print")

    for hidden in (
        "stSidebar",
        "stHeader",
        "stToolbar",
        "stSelectbox",
        "stDownloadButton",
        "stExpander",
    ):
        found = page.locator(f'[data-testid="{hidden}"]')
        assert all(not found.nth(i).is_visible() for i in range(found.count())), hidden
    # The content takes the whole sheet, not two thirds of it beside the sidebar.
    main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
    assert main["x"] <= 1 and main["width"] >= PAGE_WIDTH - 2
    # Every chart lies within the page width: nothing is cut off at the right edge.
    page.wait_for_function(_CHARTS_FIT, timeout=30_000)
    assert page.get_by_role("heading", name="总览").is_visible()
    screenshot(page, "overview-print")
    pdf = page.pdf(width=f"{PAGE_WIDTH}px", height=f"{PAGE_HEIGHT}px", print_background=True)
    assert pdf.startswith(b"%PDF")
