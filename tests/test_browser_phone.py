"""On a 390 px phone: the 总览 heat map names all five stars with nothing overlapping, no chart
toolbar lies over a title, and the radar's star names stay inside the chart."""

import pytest

from tests.conftest import PHONE_USER_AGENT, screenshot, wait_for_charts, wait_until_still

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


# Every chart's shown text that a phone cuts off: text reaching past the chart's drawing, or past
# the plot area that clips it (a bar's words, a text trace); every pair of one axis's tick
# labels, or of a heat map's cell texts, whose boxes overlap (rotated labels count by their box);
# and tick labels or a title the legend's box lies over.
_CUT_OR_OVERLAPPING = """chart => {
  const svg = chart.querySelector('.main-svg').getBoundingClientRect();
  const shown = t => {
    const r = t.getBoundingClientRect(), css = getComputedStyle(t);
    return r.width >= 1 && t.textContent.trim() && css.display !== 'none'
      && css.visibility !== 'hidden' && css.opacity !== '0';
  };
  const clip = t => {  // the screen box of the nearest clip-path over `t`, if any
    for (let a = t; a && a.tagName !== 'svg'; a = a.parentElement) {
      const id = ((a.getAttribute('clip-path') || '').match(/#([^)'"]+)/) || [])[1];
      const rect = id && document.getElementById(id)?.querySelector('rect');
      if (!rect) continue;
      const m = a.getScreenCTM(), n = k => parseFloat(rect.getAttribute(k)) || 0;
      return {left: m.a * n('x') + m.e, top: m.d * n('y') + m.f,
              right: m.a * (n('x') + n('width')) + m.e, bottom: m.d * (n('y') + n('height')) + m.f};
    }
    return null;
  };
  const outside = (r, b) => r.left < b.left - 1 || r.right > b.right + 1
    || r.top < b.top - 1 || r.bottom > b.bottom + 1;
  const cut = [];
  for (const t of chart.querySelectorAll('text')) {
    if (t.closest('.hoverlayer') || !shown(t)) continue;
    const r = t.getBoundingClientRect(), b = clip(t);
    if (outside(r, svg) || (b && outside(r, b))) cut.push(t.textContent);
  }
  const groups = new Map();  // one axis's tick labels (each subplot's own), or a heat map's cells
  for (const t of chart.querySelectorAll('[class$="tick"] > text, .heatmap-label text')) {
    if (!shown(t)) continue;
    const key = t.closest('[class*="axislayer"], .heatmaplayer > *') || chart;
    const group = t.closest('[class$="tick"]')?.getAttribute('class') || 'cell';
    const k = [key, group];
    const found = [...groups.keys()].find(([a, g]) => a === key && g === group) || k;
    groups.set(found, [...(groups.get(found) || []), t]);
  }
  const overlapping = [];
  for (const texts of groups.values()) {
    const boxes = texts.map(t => [t.getBoundingClientRect(), t.textContent]);
    boxes.forEach(([a, at], i) => boxes.slice(i + 1).forEach(([b, bt]) => {
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5
          && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlapping.push(`${at} × ${bt}`);
    }));
  }
  // A legend lies over the plot's own labels where it stands at a fixed fraction below the plot.
  const legend = chart.querySelector('.legend .bg')?.getBoundingClientRect();
  const covered = !legend ? [] : [...chart.querySelectorAll('[class$="tick"] > text, .gtitle')]
    .filter(t => shown(t)).map(t => [t.getBoundingClientRect(), t.textContent])
    .filter(([r]) => r.left < legend.right - 0.5 && legend.left < r.right - 0.5
      && r.top < legend.bottom - 0.5 && legend.top < r.bottom - 0.5)
    .map(([, text]) => text);
  // A legend taller than its room scrolls: 13 villages in one column, most of them hidden.
  const bar = chart.querySelector('.legend .scrollbar')?.getBoundingClientRect();
  const scrolling = bar && bar.height > 0 ? ['legend scrolls'] : [];
  return {cut, overlapping, covered, scrolling};
}"""

# Every page with charts, and how many charts it draws with the sample data. 填报进度 draws none
# for one township (its chart compares areas), 会议模式's charts are on its later slides.
PAGES = [
    ("", 4),
    ("progress", 4),
    ("indicators", 3),
    ("ranking", 3),
    ("pairs", 4),
    ("profile", 2),
    ("meeting?slide=2", 1),
    ("meeting?slide=3", 1),
    ("meeting?slide=8", 1),
    ("meeting?slide=9", 1),
]


@pytest.fixture
def handset(browser):
    """A phone as a leader holds it: 390×844, zh-CN, touch, at twice the pixels, saying it is
    a phone (会议模式 then shows its slides as the pages draw them)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        user_agent=PHONE_USER_AGENT,
    )
    context.set_default_timeout(60_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(("path", "charts"), PAGES, ids=[p or "overview" for p, _ in PAGES])
def test_no_chart_text_is_cut_or_overlapping_on_a_phone(app_url, handset, path, charts):
    handset.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
    # A slide's chart has no title of its own (the slide's heading names it).
    handset.locator('[data-testid="stPlotlyChart"] .main-svg').nth(charts - 1).wait_for()
    wait_until_still(handset)
    found = {}
    for i, chart in enumerate(handset.locator('[data-testid="stPlotlyChart"]').all()):
        title = chart.locator(".gtitle").all_text_contents() or [f"chart {i + 1}"]
        measured = chart.evaluate(_CUT_OR_OVERLAPPING)
        if any(measured.values()):
            found[title[0]] = measured
    screenshot(handset, f"phone_text_{path.replace('?', '_').replace('=', '') or 'overview'}")
    assert not found, found
