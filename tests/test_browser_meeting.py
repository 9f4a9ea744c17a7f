"""会议模式 in a real browser: the sidebar is hidden, the arrow keys turn the slides."""

from contextlib import contextmanager

import pytest

from tests.conftest import PHONE_USER_AGENT, screenshot
from wuxing.meeting import slides

AREA = "濮阳市/清丰县/马庄桥镇"

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@contextmanager
def _screen(browser, width: int, height: int, **options):
    """A page at `width`×`height` (zh-CN, waits of up to 60 s) and the page errors it collects."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", **options
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page, errors
    finally:
        context.close()


def _heading(page, text: str) -> None:
    page.get_by_role("heading", name=text).wait_for(timeout=60_000)


def test_arrow_keys_turn_the_slides(app_url, page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url + "/meeting?period=2023Q1", wait_until="domcontentloaded")
    _heading(page, "马庄桥镇2023年第一季度主要指标")
    page.locator('[data-testid="stMetric"]').nth(3).wait_for(timeout=60_000)
    assert page.get_by_text("1 / 9", exact=True).is_visible()
    assert not page.locator('[data-testid="stSidebar"]').is_visible()  # presenting: no sidebar
    assert page.locator('[data-testid="stMetric"]').count() == 4
    screenshot(page, "meeting_slide1")

    page.mouse.click(700, 5)  # focus the page itself (a shortcut never fires inside a widget)
    _settled(page)
    page.keyboard.press("ArrowRight")
    _heading(page, "2022年度星级分布")
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=60_000)
    assert page.get_by_text("2 / 9", exact=True).is_visible()
    _settled(page)
    page.keyboard.press("ArrowRight")
    _heading(page, "2022年度各星获评村数")
    _settled(page)
    page.keyboard.press("ArrowLeft")
    _heading(page, "2022年度星级分布")
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=60_000)
    page.wait_for_function("() => document.location.search.includes('slide=2')", timeout=30_000)
    screenshot(page, "meeting_slide2")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not errors


# Every visible text node's font size (HTML and the plotly SVG alike), and how tall the page and
# its scrolling main area are. Text hidden by a 1-px clip (the skip link) is not visible text.
_MEASURE = """smallest => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    if (box.bottom <= 0 || box.right <= 0 || box.top >= innerHeight || box.left >= innerWidth)
      continue;
    const css = getComputedStyle(el);
    if (css.visibility === "hidden" || css.display === "none" || css.opacity === "0") continue;
    const size = parseFloat(css.fontSize);
    if (size < smallest) small.push(`${text.slice(0, 30)} (${size}px)`);
  }
  // A key figure cut short ("306.7 …") says nothing: every card's text shows whole.
  const cut = [...document.querySelectorAll('[data-testid="stMetric"] *')]
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => e.textContent);
  const main = document.querySelector('[data-testid="stMain"]');
  return {height: Math.max(document.documentElement.scrollHeight, document.body.scrollHeight,
                           main ? main.scrollHeight : 0),
          small, cut};
}"""


def _settled(page) -> None:
    """The rerun is over (no stale elements left), the presenting style is in, any chart has
    drawn and the page has bound its keyboard shortcuts."""
    page.locator('[data-testid="stSidebar"]').wait_for(state="hidden")
    page.wait_for_function("() => !document.querySelector('[data-stale=true]')")
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every(c => c.querySelector(
                     '.main-svg .cartesianlayer, .main-svg .heatmaplayer'))"""
    )
    # The fixed styles (style.CARD_CSS comes with the sidebar, which may mount after the cards).
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMetricValue"] *')]
                 .every(e => getComputedStyle(e).whiteSpace === 'normal')"""
    )
    # Two frames and a task: the page's own work after drawing (where the buttons' keyboard
    # shortcuts are bound) is done. Without it a loaded machine lost 2 of 15 first arrow keys.
    page.evaluate(
        """() => new Promise(done =>
               requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done))))"""
    )


@pytest.mark.parametrize("width, height", [(1920, 1080), (1280, 720)])
def test_presenting_every_slide_fits_the_screen_in_big_type(
    app_url, browser, sample_dataset, width, height
):
    """On a 1080p projector and on an older 720p one alike: each slide whole on one screen, its
    chart included, no key figure cut short, and type as big as 20 px is on 1080p."""
    smallest = 20 * width / 1920 - 0.01
    shown = slides.build(sample_dataset, AREA, "2023Q4", 85)
    with _screen(browser, width, height) as (page, errors):
        page.goto(app_url + "/meeting?period=2023Q4", wait_until="domcontentloaded")
        problems = []
        for n, slide in enumerate(shown, start=1):
            _heading(page, slide.title)
            charts = page.locator('[data-testid="stPlotlyChart"]')
            if slide.figure is not None:
                charts.locator(".main-svg").first.wait_for()
            _settled(page)
            assert page.get_by_text(f"{n} / {len(shown)}", exact=True).is_visible()
            if slide.figure is not None:
                assert charts.count() == 1
                assert charts.locator(".gtitle").count() == 0  # one title: the heading
            assert page.locator('[data-testid="stExpander"]').count() == 0  # no 数据 boxes
            measured = page.evaluate(_MEASURE, smallest)
            if measured["height"] > height or measured["small"] or measured["cut"]:
                problems.append(
                    (slide.title, measured["height"], measured["small"][:5], measured["cut"])
                )
            if slide.note:  # the bar in the corner never covers a word of the note
                note = page.get_by_role("heading", name=slide.note).bounding_box()
                bar = page.locator(".st-key-meeting_bar").bounding_box()
                assert note["y"] + note["height"] <= bar["y"] + 1, slide.title
            if slide.figure is not None:  # the chart itself ends on the screen
                assert charts.locator(".main-svg").first.bounding_box()["height"] >= height / 2
                box = charts.first.bounding_box()
                assert box["y"] + box["height"] <= height, slide.title
            screenshot(page, f"present_{width}_{n}_{slide.key}")
            if n == len(shown):
                break
            if n % 2:  # the arrow key, on the page itself (never inside a widget)
                page.mouse.click(400, height - 80)
                page.keyboard.press("ArrowRight")
            else:
                page.locator(".st-key-meeting_bar").get_by_role("button", name="下一页").click()
        assert not problems, problems
        bar = page.locator(".st-key-meeting_bar").bounding_box()
        assert bar["height"] <= 60 and bar["width"] <= width / 2  # a small bar in the corner
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not errors


def test_on_a_phone_the_key_figures_stack_in_big_type(app_url, browser):
    """A phone stacks the four cards: each figure keeps big type (the projector's sizing by
    screen width would make it 12 px there) and shows whole."""
    with _screen(browser, 390, 844) as (page, _):
        page.goto(app_url + "/meeting?period=2023Q4", wait_until="domcontentloaded")
        _heading(page, "马庄桥镇2023年第四季度主要指标")
        value = page.locator('[data-testid="stMetricValue"]').first
        value.wait_for()
        _settled(page)
        size = value.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 32, size
        assert page.evaluate(_MEASURE, 12)["cut"] == []
        screenshot(page, "present_phone_1")


def test_a_phone_opens_the_slides_as_pages_draw_them(app_url, browser):
    """A phone is not a projector: 会议模式 opens with 放映模式 off, and the score slide's heat map
    is the page's, its scale under the grid and its numbers in the page's type, every village
    named; switching 放映模式 on hides the sidebar and keeps that figure (projector type would
    squeeze the grid into 390 px)."""
    with _screen(browser, 390, 844, user_agent=PHONE_USER_AGENT) as (page, errors):
        page.goto(app_url + "/meeting?period=2023Q4&slide=4", wait_until="domcontentloaded")
        _heading(page, "2023年第四季度各村各星得分：哪些村哪颗星未达标")
        switch = page.get_by_role("switch", name="放映模式")
        assert not switch.is_checked()
        chart = page.locator('[data-testid="stPlotlyChart"]')
        chart.locator(".main-svg .heatmaplayer").wait_for()
        assert chart.locator(".gtitle").count() == 1  # the page's figure, with its own title
        names = chart.locator(".yaxislayer-above text").all_text_contents()
        assert len(names) == 13 and "金魏旧寨村" in names
        sizes = chart.locator(".colorbar text").evaluate_all(
            "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
        )
        assert sizes and max(sizes) < 20, sizes
        scale, grid = (
            chart.locator(sel).first.bounding_box() for sel in (".colorbar", ".heatmaplayer")
        )
        assert scale["y"] >= grid["y"] + grid["height"] - 1  # lying under the grid
        screenshot(page, "meeting_phone_page_figure")

        page.locator(".st-key-present label").first.click()
        page.locator('[data-testid="stSidebar"]').wait_for(state="hidden")
        page.wait_for_function("() => !document.querySelector('[data-stale=true]')")
        chart.locator(".main-svg .heatmaplayer").wait_for()
        assert chart.locator(".gtitle").count() == 1  # still the page's figure
        assert len(chart.locator(".yaxislayer-above text").all_text_contents()) == 13
        assert not errors
