"""User-supplied text (village, town, file and user names; link parameters) is shown as typed:
`ui.plain` for Streamlit's Markdown, `style.label` for plotly's pseudo-HTML. The browser test
tests/test_browser_hostile_names.py checks what a real Chromium renders."""

import re

import pandas as pd
import pytest

from tests.conftest import figures, run_app
from wuxing.charts import indicators as indicator_charts
from wuxing.charts import overview as overview_charts
from wuxing.charts import progress as progress_charts
from wuxing.charts import style
from wuxing.dataset import Dataset
from wuxing.ui.text import plain

HOSTILE = [
    "**x**",
    ":red[x]",
    "[a](http://x)",
    "http://x",
    "www.x.com",
    "mailto:a@b",
    "a@b.com",
    "<b>b</b>",
    "<img src=x onerror=alert(1)>",
    "![x](http://evil/a.png)",
    ":material/home:",
    "$x^2$",
    "# 标题",
    "赵家村 & 1,430 户",
]
WORD_JOINER = "\u2060"


def _unescaped(shown: str) -> str:
    return re.sub(r"\\(.)", r"\1", shown).replace(WORD_JOINER, "")


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_escapes_every_markdown_sign_and_gives_back_the_text(text):
    shown = plain(text)
    assert _unescaped(shown) == text
    # Every ASCII punctuation sign but the comma (no meaning in Markdown) is backslash-escaped.
    assert not re.search(r"[!-+\-./:-@\[-`{-~]", re.sub(r"\\.", "", shown))


@pytest.mark.parametrize(
    "text",
    [
        "http://x",
        "HTTPS://x.com/a",
        "www.x.com",
        "WWW.X.COM",
        "mailto:a@b",
        "a@b.com",
        "xmpp:a@b.com",
    ],
)
def test_plain_breaks_what_gfm_would_autolink(text):
    # GFM links http://…, www.… and a@b.c after parsing, backslashes or not: an invisible word
    # joiner right after ':', '@' and 'www' leaves nothing it recognises.
    bare = plain(text).replace("\\", "")
    assert not re.search(r"(?i)https?://|www\.|[\w.+-]@[\w-]", bare)
    assert not re.search(r"(?i)(mailto|xmpp):\w", bare)


def test_plain_keeps_a_leading_minus_so_a_metric_delta_still_reads_as_negative():
    assert plain("-1.5 万元（对比2023年Q1）").startswith("-1")
    assert plain("- x").startswith("\\-") and plain("--5").startswith("\\-\\-")


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("<a href=x>赵家村</a>", "&lt;a href=x&gt;赵家村&lt;/a&gt;"),
        ("<b>b</b>", "&lt;b&gt;b&lt;/b&gt;"),
        ("<br>", "&lt;br&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("A&B &lt;", "A&amp;B &amp;lt;"),
        ("%{x} 50%", "&#37;{x} 50&#37;"),
        ("赵家村", "赵家村"),
    ],
)
def test_chart_labels_escape_plotly_markup(text, label):
    assert style.label(text) == label
    assert style.unlabel(style.label(text)) == text


NAMES = ["<a href=http://evil>甲</a>", "<b>乙</b>", "丙%{x}"]


def _every_text(fig) -> str:
    return str(fig.to_plotly_json())


def test_figures_escape_names_in_axes_legends_hover_text_and_titles():
    frame = pd.DataFrame({"village": NAMES, "code": ["A", "B", "C"], "value": [3.0, 2.0, None]})
    bars = indicator_charts.by_village(
        frame, "collective_income", "收入", "万元", f"{NAMES[0]}收入", []
    )
    history = pd.DataFrame(
        {
            "village": NAMES,
            "code": ["A", "B", "C"],
            "period": ["2023Q1"] * 3,
            "score": [80.0, 90.0, 70.0],
        }
    )
    lines = progress_charts.score_trend(history, "得分", 85)
    heat = overview_charts.score_heatmap(
        pd.DataFrame({"branch": [80.0, 90.0, 70.0]}, index=NAMES), "2023年Q1", 85
    )
    for fig in (bars, lines, heat):
        text = _every_text(fig)
        assert not [name for name in NAMES if name in text]
        assert "&lt;b&gt;乙&lt;/b&gt;" in text
    assert bars.layout.title.text == "&lt;a href=http://evil&gt;甲&lt;/a&gt;收入"
    assert [t.name for t in lines.data] == [style.label(n) for n in NAMES]
    assert lines.data[0].hovertemplate.startswith("&lt;a href")


# -- a crafted link: its invalid value is named as invalid, never shown --------------------------

CRAFTED = "![x](http://evil/a.png)[会话已过期，请点此重新登录](http://evil/phish)"


def _shown(at) -> list[str]:
    blocks = [*at.warning, *at.sidebar.warning, *at.toast, *at.error, *at.info, *at.caption]
    return [b.value for b in blocks]


def test_an_invalid_quarter_in_the_link_is_not_echoed(default_home):
    at = run_app(query={"period": CRAFTED})
    assert not at.exception
    shown = _shown(at)
    assert "链接中的季度无效，已改为默认值。" in [w.value for w in at.sidebar.warning]
    assert "链接中的季度无效，已改为默认值。" in [t.value for t in at.toast]
    assert not [s for s in shown if "evil" in s or "会话已过期" in s]
    assert at.query_params["period"] == "2023Q4"


def test_an_invalid_page_choice_in_the_link_is_not_echoed(default_home):
    at = run_app("pages/profile.py", query={"village": CRAFTED})
    assert not at.exception
    assert "链接中的村庄无效，已改为默认值。" in [w.value for w in at.warning]
    assert not [s for s in _shown(at) if "evil" in s or "会话已过期" in s]


def test_a_village_named_in_markdown_is_escaped_on_the_page(named_store):
    villages = pd.DataFrame(
        {"code": ["A", "B"], "name": ["**粗体村**", "[点我](http://evil)"], "town": "某镇"}
    )
    named_store.commit(
        Dataset.of(
            villages=villages,
            scores=pd.DataFrame(
                {
                    "code": ["A", "B"],
                    "period": ["2024Q2"] * 2,
                    "star": ["safety"] * 2,
                    "score": [90.0, 80.0],
                }
            ),
        ),
        content=b"x",
        filename="x.xlsx",
        user="测试",
    )
    at = run_app("pages/profile.py", query={"village": "B"})
    assert not at.exception
    assert at.subheader[0].value.startswith(plain("[点我](http://evil)"))
    radar = [f for f in figures(at) if "五星得分" in f["layout"]["title"]["text"]][0]
    assert radar["layout"]["title"]["text"].startswith("[点我](http://evil)")  # no markup in it
