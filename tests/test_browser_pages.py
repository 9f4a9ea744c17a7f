import re

import pytest

from tests.conftest import screenshot, wait_for_charts, wait_until_still
from wuxing.metrics import villages
from wuxing.samples import sample

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGES = [  # url path, title, charts drawn on the sample, a chart title part
    ("progress", "星级进度", 4, "达标村数"),
    ("indicators", "指标分析", 3, "村集体经济收入"),
    ("ranking", "比武排名", 3, "五星总分排名"),
    ("profile", "村庄档案", 2, "五星得分"),
]


def _no_errors(page, errors):
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not errors


@pytest.mark.parametrize(("path", "title", "charts", "part"), PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_its_charts(app_url, page, path, title, charts, part):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Tall enough that the whole page (Streamlit scrolls inside its own container) is pictured.
    page.set_viewport_size({"width": 1400, "height": 3400})
    page.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
    wait_for_charts(page, charts)
    titles = page.locator('[data-testid="stPlotlyChart"] .gtitle').all_text_contents()
    assert any(part in t for t in titles), titles
    assert page.get_by_role("heading", name=title).is_visible()
    assert page.get_by_text("示例数据", exact=False).first.is_visible()
    wait_until_still(page)
    screenshot(page, f"page_{path}")
    _no_errors(page, errors)


def _heatmap(page):
    heat = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="各村星级评分")
    heat.locator(".gtitle").wait_for(timeout=60_000)
    return heat


def _profile_shows(page, village):
    page.wait_for_url(re.compile(r".*/profile\?.*village=.*"), timeout=60_000)
    page.get_by_role("heading", name=re.compile(f"^{village}（")).wait_for(timeout=60_000)
    wait_for_charts(page, 2)
    titles = page.locator('[data-testid="stPlotlyChart"] .gtitle').all_text_contents()
    assert any(t.startswith(village) for t in titles), titles


def test_clicking_a_heatmap_cell_opens_that_village(app_url, page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{app_url}/?period=2023Q3", wait_until="domcontentloaded")
    heat = _heatmap(page)
    wait_for_charts(page, 4)
    heat.locator(".nsewdrag").first.scroll_into_view_if_needed()
    ticks = heat.locator(".ytick text")
    rows = sorted((t.bounding_box()["y"], t.text_content(), t.bounding_box()) for t in ticks.all())
    _, village, row = rows[2]  # the third row from the top
    plot = heat.locator(".nsewdrag").first.bounding_box()
    # The first column (支部过硬) on that village's row.
    page.mouse.click(plot["x"] + plot["width"] * 0.1, row["y"] + row["height"] / 2)
    _profile_shows(page, village)
    assert "period=2023Q3" in page.url and "area=" in page.url
    screenshot(page, "overview_click_to_profile")
    _no_errors(page, errors)


def test_picking_a_table_row_opens_that_village(app_url, page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{app_url}/?star=safety", wait_until="domcontentloaded")
    _heatmap(page)
    village = villages.sort_by_pinyin(sample.VILLAGES)[4]  # the table lists villages by pinyin
    # The heat map's 数据 expander is the first after it: open it and pick the fifth row.
    expander = page.locator('[data-testid="stExpander"]').filter(has_text="数据").nth(2)
    expander.locator("summary").click()
    grid = expander.locator('[data-testid="stDataFrame"]')
    grid.wait_for(timeout=30_000)
    # Glide data grid: a 35 px header, then 35 px rows; the first column holds the row picker.
    grid.click(position={"x": 18, "y": 35 + 35 * 4 + 17})
    _profile_shows(page, village)
    assert "star=safety" in page.url
    screenshot(page, "overview_table_to_profile")
    _no_errors(page, errors)


PHONE_PAGES = [
    ("", 4),
    ("progress", 4),
    ("indicators", 3),
    ("ranking", 3),
    ("profile", 2),
    ("pairs", 4),
]


@pytest.mark.parametrize(
    ("path", "charts"), PHONE_PAGES, ids=[p[0] or "overview" for p in PHONE_PAGES]
)
def test_on_a_phone_every_chart_title_fits_its_chart(app_url, page, path, charts):
    """At 390 px the charts' type shrinks (style.PHONE_CSS): no title runs off the chart's edge."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
    wait_for_charts(page, charts)
    overflow = []
    for chart in page.locator('[data-testid="stPlotlyChart"]').all():
        chart.scroll_into_view_if_needed()
        box, title = chart.bounding_box(), chart.locator(".gtitle")
        if title.count() == 0:
            continue
        right = title.bounding_box()["x"] + title.bounding_box()["width"]
        if right > box["x"] + box["width"] + 1:
            overflow.append((title.text_content(), round(right - box["x"] - box["width"])))
    assert not overflow, overflow
    size = page.locator('[data-testid="stPlotlyChart"] .gtitle').first.evaluate(
        "t => getComputedStyle(t).fontSize"
    )
    assert size == "15px"
    screenshot(page, f"phone_{path or 'overview'}")


def test_on_a_desk_chart_titles_keep_their_size(app_url, page):
    page.goto(app_url, wait_until="domcontentloaded")
    wait_for_charts(page, 4)
    size = page.locator('[data-testid="stPlotlyChart"] .gtitle').first.evaluate(
        "t => getComputedStyle(t).fontSize"
    )
    assert size == "22px"


@pytest.mark.parametrize("path", ["", "profile"], ids=["overview", "profile"])
def test_on_a_projector_no_key_figure_is_cut_short(app_url, page, path):
    """At 1280×720 with the sidebar open the cards are narrow: 村庄档案's 人口 read "1,33…"."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-stale=true]')")
    # The page's fixed styles arrive with the sidebar, which may mount after the first cards.
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMetricValue"] *')]
                 .every(e => getComputedStyle(e).whiteSpace === 'normal')""",
        timeout=30_000,
    )
    cut = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMetric"] *')]
                 .filter(e => e.scrollWidth > e.clientWidth + 1)
                 .map(e => e.textContent)"""
    )
    assert page.locator('[data-testid="stMetricValue"]').count() >= 4
    assert cut == []
