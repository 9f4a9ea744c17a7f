"""No English of Streamlit's or plotly's own where a user looks or hovers: the pages' text, the
top right corner, a search that finds nothing, the chart and table toolbars, the date box."""

import re

import pandas as pd
import pytest

from tests.accounts import PASSWORD, add_accounts
from tests.conftest import screenshot, serve, wait_for_charts, wait_until_still
from wuxing.dataset import Dataset
from wuxing.storage.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PUBLIC_PAGES = ["", "progress", "indicators", "ranking", "pairs", "profile", "reporting", "meeting"]

#: English that is ours on purpose: kinds of file (下载 Excel, 下载为 PNG 图片, 下载 CSV, ….png).
OURS = {"excel", "png", "csv"}

# The words a user can read: text drawn at a size above zero (our CSS draws Chinese after English
# it shrinks to nothing), not icon-font ligatures ("info" draws an icon), and native tooltips.
_READABLE_WORDS = r"""() => {
  const words = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('[aria-hidden="true"][translate="no"], script, style')) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    if (parseFloat(getComputedStyle(el).fontSize) === 0) continue;
    const box = el.getBoundingClientRect();  // 1 px and clipped: for screen readers only
    if (box.width <= 1 || box.height <= 1) continue;
    for (const w of n.textContent.match(/[A-Za-z]{3,}/g) || []) words.add(w);
  }
  for (const el of document.querySelectorAll('[title]')) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    for (const w of el.getAttribute('title').match(/[A-Za-z]{3,}/g) || []) words.add(w);
  }
  return [...words];
}"""

# What an element shows: its text, or (when our CSS shrank that to nothing) what is drawn after it.
_SHOWN = r"""el => {
  if (parseFloat(getComputedStyle(el).fontSize) > 0) return el.textContent;
  const after = getComputedStyle(el, '::after').content;
  return after.startsWith('"') ? JSON.parse(after) : '';
}"""

# A plotly toolbar button's tooltip: the text drawn after it (its data-title, unless ours).
_TOOLTIP = r"""el => {
  const after = getComputedStyle(el, '::after').content;
  return after.startsWith('"') ? JSON.parse(after) : el.getAttribute('data-title');
}"""


def _english(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w.lower() not in OURS]


# The sidebar's fixed styles (dashboard.py) arrive with Streamlit's html element, whose code loads
# on first use: a moment after the page's text. Before that a user would see what main shows.
_STYLED = """() => [...document.querySelectorAll('style')]
  .some(s => s.textContent.includes('stMetricLabel'))"""


def _open(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.locator(
        '[data-testid="stMain"] h1, [data-testid="stMain"] [data-testid="stMarkdown"]'
    ).first.wait_for()
    wait_until_still(page)
    page.wait_for_function(_STYLED)


@pytest.mark.parametrize("path", PUBLIC_PAGES, ids=[p or "overview" for p in PUBLIC_PAGES])
def test_a_page_shows_no_english_of_streamlits_own(app_url, page, path):
    _open(page, f"{app_url}/{path}")
    english = [w for w in page.evaluate(_READABLE_WORDS) if w.lower() not in OURS]
    assert english == [], f"English on /{path}: {english}"


def test_the_top_right_corner_has_no_menu_of_english_items(app_url, page):
    # "Print", "Record screen" (and for a developer "Rerun", "Clear cache", "Deploy"): none can be
    # translated, so the menu is off (config.toml: toolbarMode = "minimal"); Ctrl+P still prints.
    _open(page, f"{app_url}/progress")
    wait_for_charts(page, 4)
    assert page.locator('[data-testid="stMainMenu"]').count() == 0
    assert page.locator('[data-testid="stToolbar"]').count() == 0
    screenshot(page, "chinese_no_menu")


def test_the_first_tab_key_offers_to_skip_to_the_page_in_chinese(app_url, page):
    _open(page, f"{app_url}/ranking")
    page.keyboard.press("Tab")
    skip = page.locator('[data-testid="stSkipToContent"]')
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.evaluate(_SHOWN) == "跳到正文"


def test_a_search_that_finds_no_village_says_so_in_chinese(app_url, page):
    _open(page, f"{app_url}/profile")
    picker = page.get_by_role("combobox", name="村庄（可输入村名搜索）")
    picker.click()
    picker.press("Control+A")
    picker.press("Backspace")
    assert picker.get_attribute("placeholder") == "输入文字搜索"
    picker.press_sequentially("没有这个村")
    nothing = page.locator('[role="listbox"][data-empty="true"] [role="option"] > span')
    assert nothing.evaluate(_SHOWN) == "没有符合的选项"
    screenshot(page, "chinese_no_results")
    picker.press("Escape")

    area = page.get_by_role("combobox", name="地区")
    area.click()
    area.press_sequentially("火星")
    assert nothing.evaluate(_SHOWN) == "没有符合的选项"


def test_the_chart_toolbar_speaks_chinese(app_url, page):
    _open(page, f"{app_url}/progress")
    wait_for_charts(page, 4)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.hover()
    buttons = chart.locator(".modebar-btn")
    tips = [b.evaluate(_TOOLTIP) for b in buttons.all()]
    assert "下载为 PNG 图片" in tips and "全屏" in tips  # the picture for slides stays
    assert [t for t in tips if _english(t)] == []
    buttons.first.hover()
    screenshot(page, "chinese_chart_toolbar")
    with page.expect_download() as saved:
        buttons.first.click()  # the camera: plotly notes what it does while it makes the PNG
    assert saved.value.suggested_filename.endswith(".png")
    notes = page.locator(".notifier-note")
    notes.first.wait_for()
    assert [n for n in notes.all_inner_texts() if _english(n)] == []


def test_the_table_toolbar_tooltips_speak_chinese(app_url, page):
    _open(page, f"{app_url}/reporting")
    table = page.locator('[data-testid="stDataFrame"]').first
    table.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    shown = []
    for button in toolbar.locator("button").all():
        table.hover()  # the toolbar shows while the pointer is over its table
        button.hover()
        tip = page.locator('[data-testid="stTooltipContent"] p').first
        tip.wait_for()
        shown.append(tip.evaluate(_SHOWN))
    assert shown == ["显示或隐藏列", "下载 CSV", "在表中查找", "全屏"]


@pytest.fixture(scope="module")
def admin_url(tmp_path_factory):
    """The dashboard on its own store, with an admin (for 账号与审计's audit log)."""
    tmp = tmp_path_factory.mktemp("chinese")
    url = f"sqlite:///{tmp / 'chinese.sqlite'}"
    store = open_store(url)
    store.commit(
        Dataset.of(
            villages=pd.DataFrame({"code": ["A"], "name": ["甲村"], "town": "某镇"}),
            values=pd.DataFrame(
                {"code": ["A"], "period": "2024Q2", "indicator": "volunteers", "value": [7.0]}
            ),
        ),
        content=b"chinese",
        filename="甲村.xlsx",
        user="测试",
    )
    add_accounts(store, 管理员="admin")
    store.dispose()
    env = {"WUXING_DB": url, "WUXING_HOME": str(tmp / "home"), "WUXING_PUBLIC_VIEW": "0"}
    with serve(env, tmp) as base:
        yield base


def test_the_audit_logs_date_box_and_calendar_speak_chinese(admin_url, page):
    page.goto(f"{admin_url}/admin", wait_until="domcontentloaded")
    page.get_by_label("用户名").fill("管理员")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("tab", name="审计日志").click()
    box = page.locator('[data-testid="stDateInput"]')
    box.wait_for()
    wait_until_still(page)
    page.wait_for_function(_STYLED)
    empty = box.locator('[data-placeholder="true"]')
    assert [s.evaluate(_SHOWN) for s in empty.all()] == ["年", "月", "日"] * 2
    page.locator('[data-testid="stDateInputCalendarButton"]').click()
    page.get_by_role("grid").first.wait_for()
    # The quick picks ("Past Week" …) are English with no way to reword them: hidden.
    assert not page.locator('[data-testid="stDateInputQuickSelect"]').is_visible()
    english = [w for w in page.evaluate(_READABLE_WORDS) if w.lower() not in OURS]
    # The command line the page names is ours, and English on purpose.
    assert set(english) <= {
        "python",
        "wuxing",
        "users",
        "add",
        "role",
        "admin",
        "list",
        "passwd",
        "disable",
        "enable",
    }, english
    screenshot(page, "chinese_calendar")
