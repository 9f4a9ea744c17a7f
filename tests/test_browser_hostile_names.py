"""Names holding Markdown, links and HTML are shown as typed on every page, in a real browser:
no link, bold text, picture or script is made from them, neither by Streamlit's Markdown nor
inside plotly's SVG (issue 15 §2). One server, the sample with most villages renamed."""

import pytest

from tests.conftest import screenshot, serve, wait_for_charts, wait_until_still
from wuxing.samples import sample
from wuxing.storage.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

HOSTILE = [
    "**粗体村**",
    ":red[红色村]",
    "[链接村](http://evil.example/a)",
    "http://evil.example/b",
    "<a href=http://evil.example/c>标签村</a>",
    "<b>加粗村</b>",
    "<img src=x onerror=alert(1)>",
    "www.evil.example",
    "a@evil.example",
]
CRAFTED = "![x](http://evil.example/a.png)[会话已过期，请点此重新登录](http://evil.example/phish)"


def _hostile_sample():
    """The sample, its first villages renamed (赵家村 → HOSTILE[0] …, so pairs hold them too)."""
    ds = sample.build()
    villages = ds.villages.copy()
    villages.loc[: len(HOSTILE) - 1, "name"] = HOSTILE
    return ds.with_frames(villages=villages), villages


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    url = f"sqlite:///{tmp / 'hostile.sqlite'}"
    data, villages = _hostile_sample()
    store = open_store(url)
    store.commit(
        data, content=b"hostile", filename="[文件](http://evil.example/f).xlsx", user="**上传人**"
    )
    store.dispose()
    env = {"WUXING_HOME": str(tmp / "home"), "WUXING_PUBLIC_VIEW": "1", "WUXING_DB": url}
    with serve(env, tmp) as base:
        yield base, dict(zip(villages["name"], villages["code"], strict=True))


# Every link, picture and bold run in the document, the plotly SVGs included (plotly turns
# <a href> into an SVG <a>, <b> into a bold <tspan>), that came from a hostile name.
MADE_FROM_NAMES = """() => {
  const attr = (e, ...names) => names.map(n => e.getAttribute(n) || '').join(' ');
  const links = [...document.querySelectorAll('a')].map(a => attr(a, 'href', 'xlink:href'))
    .filter(h => /evil|mailto|^\\s*x\\s*$/.test(h));
  const pictures = [...document.querySelectorAll('img, image')].map(i => attr(i, 'src', 'href'))
    .filter(s => /evil|(^|\\/)x\\s*$/.test(s.trim()));
  const bold = [...document.querySelectorAll('strong, b, tspan')]
    .filter(e => e.tagName.toLowerCase() !== 'tspan' || /bold/.test(attr(e, 'style')))
    .map(e => e.textContent).filter(t => /粗体村|加粗村/.test(t) && !/\\*\\*|<b>/.test(t));
  const coloured = [...document.querySelectorAll('[data-testid="stMarkdownContainer"] span')]
    .filter(e => e.textContent.trim() === '红色村').map(e => e.outerHTML);
  const shown = (document.body.innerText + [...document.querySelectorAll('svg text')]
    .map(t => t.textContent).join('\\n')).replaceAll('\\u2060', '');
  return {links, pictures, bold, coloured, shown};
}"""

PAGES = [  # path, charts to wait for
    ("", 4),
    ("progress", 4),
    ("indicators", 3),
    ("ranking", 3),
    ("profile?village={}", 2),
    ("pairs?mode=any&v1={}&v2={}", 3),
    ("meeting?slide=4", 1),  # the village × star slide: every village, its chart untitled
    (f"?period={CRAFTED}", 4),
    (f"ranking?by={CRAFTED}", 3),
]


def test_hostile_names_stay_text_on_every_page(hostile_url, page):
    base, codes = hostile_url
    errors, dialogs, found = [], [], {}
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_viewport_size({"width": 1400, "height": 3000})  # every chart drawn, none lazily
    link = codes[HOSTILE[4]]
    for path, charts in PAGES:
        page.goto(f"{base}/{path.format(link, codes[HOSTILE[5]])}", wait_until="domcontentloaded")
        if path.startswith("meeting"):  # a slide's figure has no title of its own
            page.locator('[data-testid="stPlotlyChart"] .heatmaplayer').first.wait_for()
        else:
            wait_for_charts(page, charts)
        wait_until_still(page)
        seen = page.evaluate(MADE_FROM_NAMES)
        shown = seen.pop("shown")
        found[path] = {k: v for k, v in seen.items() if v}
        if path.startswith(("ranking?", "meeting")) or path == "":  # every village is shown
            missing = [n for n in HOSTILE if n not in shown]
            assert not missing, f"{path}: not shown as typed: {missing}"
        assert "evil.example/phish" not in shown and "会话已过期" not in shown
        assert page.locator('[data-testid="stException"]').count() == 0, path
    screenshot(page, "hostile_names_ranking")
    assert not {p: f for p, f in found.items() if f}, found
    assert not dialogs and not errors
