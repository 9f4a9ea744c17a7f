"""Drill-down in a real browser: a county's charts show one row or bar per township, and a click on
one narrows the whole dashboard to that township."""

import re
from urllib.parse import unquote

import pytest

from tests.conftest import screenshot, serve, wait_for_charts
from wuxing.metrics import villages
from wuxing.samples import synthetic
from wuxing.storage.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

COUNTY = synthetic.build(120, 8)
TOWNS = villages.sort_by_pinyin(COUNTY.villages["town"].unique())


@pytest.fixture(scope="module")
def county_url(tmp_path_factory):
    """The dashboard on a store holding one synthetic county of 120 villages in 7 townships."""
    tmp = tmp_path_factory.mktemp("county")
    url = f"sqlite:///{tmp / 'county.sqlite'}"
    store = open_store(url)
    store.commit(COUNTY, content=b"county", filename="合成县.xlsx", user="测试")
    store.dispose()
    env = {"WUXING_HOME": str(tmp / "home"), "WUXING_PUBLIC_VIEW": "1", "WUXING_DB": url}
    with serve(env, tmp) as base:
        yield base


def _chart(page, title_part):
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text=title_part)
    chart.locator(".gtitle").wait_for(timeout=60_000)
    chart.locator(".nsewdrag").first.scroll_into_view_if_needed()
    return chart


def _watch(page) -> list[str]:
    """Collect the page's JavaScript errors."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def _no_errors(page, errors: list[str]) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0 and not errors


def _town_shown(page, town):
    page.wait_for_url(
        lambda url: unquote(url).split("area=")[-1].split("&")[0].endswith(town), timeout=60_000
    )
    page.get_by_text(re.compile(f"{town} · ")).first.wait_for(timeout=60_000)


def test_clicking_a_township_row_of_the_county_heatmap_opens_that_township(county_url, page):
    errors = _watch(page)
    page.goto(county_url, wait_until="domcontentloaded")
    heat = _chart(page, "各乡镇星级平均分")
    ticks = heat.locator(".ytick text")
    rows = sorted((t.bounding_box()["y"], t.text_content(), t.bounding_box()) for t in ticks.all())
    assert [r[1] for r in rows] == TOWNS
    _, town, row = rows[2]
    plot = heat.locator(".nsewdrag").first.bounding_box()
    page.mouse.click(plot["x"] + plot["width"] * 0.1, row["y"] + row["height"] / 2)
    _town_shown(page, town)
    # A township is charted village by village.
    _chart(page, "各村星级评分")
    count = int((COUNTY.villages["town"] == town).sum())
    assert page.get_by_text(f"共 {count} 个村").first.is_visible()
    screenshot(page, "drill_county_to_township")
    _no_errors(page, errors)


def test_clicking_a_township_bar_on_the_progress_page_opens_that_township(county_url, page):
    errors = _watch(page)
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.goto(f"{county_url}/progress", wait_until="domcontentloaded")
    wait_for_charts(page, 4)
    bars = _chart(page, "各乡镇年度平均星级")
    screenshot(page, "progress_county")
    town = TOWNS[-1]
    bar = bars.locator(".point path").nth(len(TOWNS) - 1)
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 4)
    _town_shown(page, town)
    # The page now charts that township village by village: one line per village of it.
    count = int((COUNTY.villages["town"] == town).sum())
    assert page.get_by_text(f"共 {count} 个村").first.is_visible()
    lines = _chart(page, "各村五星平均得分变化")
    assert lines.locator(".scatterlayer .trace").count() == count
    assert not page.locator('[data-testid="stPlotlyChart"]').filter(has_text="各乡镇").count()
    screenshot(page, "progress_township")
    _no_errors(page, errors)


def test_clicking_a_township_bar_of_the_county_ranking_opens_that_township(county_url, page):
    errors = _watch(page)
    page.set_viewport_size({"width": 1400, "height": 2000})
    page.goto(f"{county_url}/ranking", wait_until="domcontentloaded")
    bars = _chart(page, "各乡镇五星总分排名")
    ticks = sorted(
        (t.bounding_box()["y"], t.text_content()) for t in bars.locator(".ytick text").all()
    )
    assert sorted(t for _, t in ticks) == sorted(TOWNS)  # one bar per township, no villages
    screenshot(page, "ranking_county")
    box = bars.locator(".point path").nth(1).bounding_box()  # the second place
    middle = box["y"] + box["height"] / 2
    town = min(ticks, key=lambda t: abs(t[0] - middle))[1]
    page.mouse.click(box["x"] + box["width"] / 2, middle)
    _town_shown(page, town)
    villages_chart = _chart(page, "第四季度五星总分排名")  # the villages', not 各乡镇…
    count = int((COUNTY.villages["town"] == town).sum())
    assert villages_chart.locator(".ytick text").count() == count
    screenshot(page, "ranking_township")
    _no_errors(page, errors)
