"""On a 390 px phone: the 总览 heat map names all five stars with nothing overlapping, no chart
toolbar lies over a title, and the radar's star names stay inside the chart."""

import pytest

from tests.conftest import screenshot, wait_for_charts

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# The boxes of the text nodes matched by `selector` inside one chart, as [x, y, w, h, text].
_BOXES = """(chart, selector) => [...chart.querySelectorAll(selector)].map(e => {
  const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height, e.textContent]; })"""


def _overlaps(boxes: list[list]) -> list[tuple[str, str]]:
    found = []
    for i, (x, y, w, h, text) in enumerate(boxes):
        for x2, y2, w2, h2, text2 in boxes[i + 1 :]:
            if x < x2 + w2 - 0.5 and x2 < x + w - 0.5 and y < y2 + h2 - 0.5 and y2 < y + h - 0.5:
                found.append((text, text2))
    return found


def _chart_titled(page, text: str):
    return page.locator('[data-testid="stPlotlyChart"]').filter(
        has=page.locator(".gtitle", has_text=text)
    )


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.set_default_timeout(60_000)
    yield context.new_page()
    context.close()


def test_the_overview_heat_map_fits_a_phone(app_url, phone):
    phone.goto(app_url + "/", wait_until="domcontentloaded")
    wait_for_charts(phone, 4)
    heat = _chart_titled(phone, "各村星级评分")
    heat.scroll_into_view_if_needed()
    box = heat.bounding_box()
    stars = heat.evaluate(_BOXES, ".xtick text")
    assert len(stars) == 5  # every star named
    assert not _overlaps(stars)
    for x, _, w, _, text in stars:
        assert box["x"] <= x and x + w <= box["x"] + box["width"] + 1, text
    cells = heat.evaluate(_BOXES, ".heatmap-label text")
    assert len(cells) == 5 * 13
    assert not _overlaps(cells)
    colour_bar = heat.locator(".colorbar").bounding_box()
    assert colour_bar["height"] < colour_bar["width"]  # lying under the grid, not beside it
    screenshot(phone, "phone_heatmap")


@pytest.mark.parametrize(("path", "charts"), [("", 4), ("pairs", 3)])
def test_no_chart_toolbar_covers_a_title_on_a_phone(app_url, phone, path, charts):
    phone.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
    wait_for_charts(phone, charts)
    covered = []
    for chart in phone.locator('[data-testid="stPlotlyChart"]').all():
        chart.scroll_into_view_if_needed()
        chart.hover()  # plotly shows its toolbar on hover (a tap on a phone)
        title = chart.locator(".gtitle")
        bar = chart.locator(".modebar")  # the container itself is 0 px tall
        if title.count() == 0 or bar.count() == 0 or not bar.is_visible():
            continue
        a, b = title.bounding_box(), bar.bounding_box()
        if (
            a["x"] < b["x"] + b["width"]
            and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"]
            and b["y"] < a["y"] + a["height"]
        ):
            covered.append(title.text_content())
    assert not covered, covered


@pytest.mark.parametrize(
    ("path", "charts", "title"), [("pairs", 3, "五星得分对比"), ("profile", 2, "五星得分")]
)
def test_the_radar_keeps_its_star_names_inside_on_a_phone(app_url, phone, path, charts, title):
    phone.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
    wait_for_charts(phone, charts)
    radar = _chart_titled(phone, title)
    radar.first.scroll_into_view_if_needed()
    box = radar.first.bounding_box()
    names = radar.first.evaluate(_BOXES, ".angularaxistick text")
    assert len(names) == 5
    for x, _, w, _, text in names:
        assert box["x"] <= x and x + w <= box["x"] + box["width"], text
    screenshot(phone, f"phone_radar_{path}")
