"""One look for every figure: fonts large enough for a projector, the star colours, white ground."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from functools import cache

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from wuxing.catalog import STAR_COLORS

# System CJK fonts only: the app must render offline, so no web fonts are referenced.
FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
FONT_SIZE = 16
TITLE_SIZE = 22
PASS_COLOR = "#1E8449"
FAIL_COLOR = "#C0392B"
NEUTRAL_COLOR = "#5D6D7E"
MISSING_COLOR = "#D5D8DC"
SEQUENCE = ["#2E86C1", "#E67E22", "#27AE60", "#8E44AD", "#C0392B", "#16A085", "#7F8C8D"]

__all__ = [
    "CARD_CSS",
    "CHROME_CSS",
    "INPUT_CSS",
    "PHONE_CSS",
    "PLOTLY_WORDS",
    "PRINT_CSS",
    "STAR_COLORS",
    "LEGEND_BELOW",
    "apply",
    "label",
    "pass_line",
    "png_config",
    "text_width",
    "time_ticks",
    "unlabel",
    "wrapped",
    "words_under",
]

#: A horizontal legend at the foot of the figure, under the axis title: plotly reserves its room
#: (the margin grows by the legend's height), so on a phone, where a legend of 13 villages takes
#: four rows, it neither covers the tick labels nor squeezes the plot to half the width as a
#: legend beside it did. It spans the figure's width, not the plot's: on a phone a plot narrowed
#: by a wider margin (`pass_line`) left it one name a row, and a scroll bar.
LEGEND_BELOW = {
    "orientation": "h",
    "yref": "container",
    "y": 0,
    "yanchor": "bottom",
    "xref": "container",
    "x": 0,
}

# `periods.short_label`'s form, "2023年Q1".
_QUARTER_LABEL = re.compile(r"^(\d{4})年Q([1-4])$")
# A time axis names every quarter up to this many; past it, only the years.
_NAMED_QUARTERS = 8

#: Fixed CSS (no user text ever goes in here): on a phone-width screen the charts' type shrinks,
#: so long titles, cell numbers and tick labels fit instead of running off the edge or into
#: each other, and the chart toolbar is hidden (it sat on the titles). The sizes above are for a
#: projector and a desk; a figure's own sizes stay there (plotly measures the text as shown, so
#: it lays the chart out with these smaller sizes).
PHONE_CSS = """
<style>
@media (max-width: 640px) {
  [data-testid="stPlotlyChart"] .gtitle { font-size: 15px !important; }
  [data-testid="stPlotlyChart"] .gtitle-subtitle,
  [data-testid="stPlotlyChart"] .infolayer [class^="g-x"] text,
  [data-testid="stPlotlyChart"] .infolayer [class^="g-y"] text { font-size: 12px !important; }
  [data-testid="stPlotlyChart"] [class$="tick"] text,
  [data-testid="stPlotlyChart"] .legendtext, [data-testid="stPlotlyChart"] .bartext,
  [data-testid="stPlotlyChart"] .textpoint text, [data-testid="stPlotlyChart"] .annotation-text,
  [data-testid="stPlotlyChart"] .colorbar text {
    font-size: 11px !important; }
  [data-testid="stPlotlyChart"] .heatmap-label text { font-size: 9px !important; }
  /* The chart toolbar covered the titles on a phone: the PNG stays a desk feature. */
  [data-testid="stPlotlyChart"] .modebar-container { display: none !important; }
}
</style>
"""

#: Fixed CSS (no user text in it): a key figure card never ends in "…". Its label, number and
#: change wrap instead: at 1280 px with the sidebar open, 村庄档案 showed 人口 as "1,33…".
CARD_CSS = """
<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *,
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
</style>
"""

#: Fixed CSS: Streamlit's hint under a text box ("Press Enter to submit form", "Press Enter to
#: apply") is English and has no setting; the forms say what to do in their own buttons.
INPUT_CSS = """
<style>
[data-testid="InputInstructions"] { display: none !important; }
</style>
"""

#: Streamlit's tooltips in English, by the button that shows them: (the button, our words).
_TOOLTIPS = (
    ('[data-testid="stBaseButton-elementToolbar"][aria-label="Show/hide columns"]', "显示或隐藏列"),
    ('[data-testid="stBaseButton-elementToolbar"][aria-label="Download as CSV"]', "下载 CSV"),
    ('[data-testid="stBaseButton-elementToolbar"][aria-label="Search"]', "在表中查找"),
    ('[data-testid="stBaseButton-elementToolbar"][aria-label="Fullscreen"]', "全屏"),
    ('[data-testid="stBaseButton-elementToolbar"][aria-label="Close fullscreen"]', "退出全屏"),
    ('[data-testid="stCode"] button[aria-label="Copy to clipboard"]', "复制"),
    # A red file chip's reason ("File must be 20.0MB or smaller.", or a kind not allowed).
    (
        '[data-testid="stFileChip"][aria-invalid="true"]',
        "这个文件不会上传：超过大小上限，或不是所列格式",
    ),
)


def _tooltip_rule(button: str, words: str) -> str:
    # A tooltip is drawn apart from its button, so it is found through the page: the one shown
    # while this button is under the pointer or has the keyboard's focus.
    tip = '[data-testid="stTooltipContent"] p, [data-testid="stTooltipErrorContent"]'
    shown = f"body:has({button}:is(:hover, :focus-visible)) :is({tip})"
    return (
        f"{shown} {{ font-size: 0 }}\n"
        f'{shown}::after {{ content: "{words}"; font-size: 0.875rem }}\n'
    )


#: Fixed CSS (no user text in it): Chinese for words Streamlit draws itself in English with no
#: setting or argument for them (its ⋮ menu and running indicator are off: toolbarMode =
#: "minimal" in config.toml; plotly's own words come from `png_config`). Each rule hides the
#: English (font-size 0) and writes ours after it. Left alone: the dataframe column menu (Sort
#: ascending …; its items differ only by their icon) and the "Connection error" dialog; the date
#: range's quick picks ("Past Week" …) are hidden instead.
CHROME_CSS = (
    """
<style>
[role="listbox"][data-empty="true"] [role="option"] > span,
[data-testid="stDateInput"] [data-placeholder="true"],
[data-testid="stSkipToContent"] { font-size: 0 !important; }
[role="listbox"][data-empty="true"] [role="option"] > span::after {
  content: "没有符合的选项"; font-size: 0.875rem; }
[data-testid="stDateInput"] [data-placeholder="true"]::after { font-size: 0.875rem; }
[data-testid="stDateInput"] [data-placeholder="true"][data-type="year"]::after { content: "年"; }
[data-testid="stDateInput"] [data-placeholder="true"][data-type="month"]::after { content: "月"; }
[data-testid="stDateInput"] [data-placeholder="true"][data-type="day"]::after { content: "日"; }
[data-testid="stDateInputQuickSelect"] { display: none !important; }
[data-testid="stSkipToContent"]::after { content: "跳到正文"; font-size: 1rem; }
[data-testid="stPlotlyChart"] .js-plotly-plot .plotly .modebar-btn[data-title="Fullscreen"]::after {
  content: "全屏"; }
[data-testid="stPlotlyChart"] .js-plotly-plot .plotly
  .modebar-btn[data-title="Close fullscreen"]::after { content: "退出全屏"; }
"""
    + "".join(_tooltip_rule(button, words) for button, words in _TOOLTIPS)
    + "</style>\n"
)

#: Fixed CSS for printing a page (Ctrl+P): no sidebar, header, toolbar or controls (pickers,
#: buttons, downloads, the 数据 boxes), the content across the whole sheet, and A4 landscape, so
#: charts laid out for a screen fit the page width instead of being cut off at its edge. Plotly
#: draws at a fixed pixel width, so the page is made wide enough rather than the charts squeezed.
PRINT_CSS = """
<style>
@media print {
  @page { size: A4 landscape; margin: 8mm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stElementToolbar"],
  [data-testid="stSelectbox"], [data-testid="stMultiSelect"], [data-testid="stRadio"],
  [data-testid="stCheckbox"], [data-testid="stButton"], [data-testid="stDownloadButton"],
  [data-testid="stBaseButton-secondary"], [data-testid="stButtonGroup"],
  [data-testid="stSegmentedControl"], [data-testid="stSlider"], [data-testid="stTextInput"],
  [data-testid="stDateInput"], [data-testid="stExpander"], [data-testid="stPageLink"],
  [data-testid="stPlotlyChart"] .modebar-container { display: none !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"] { margin: 0 !important; }
  [data-testid="stMainBlockContainer"] {
    max-width: 100% !important; width: 100% !important; padding: 0 !important; }
  [data-testid="stPlotlyChart"], [data-testid="stMetric"] { break-inside: avoid; }
  [data-testid="stPlotlyChart"] { max-width: 100% !important; overflow: hidden; }
}
</style>
"""


#: What we take from plotly_white: white ground, light grid and axes, its colours and fonts.
_WHITE_PARTS = (
    "autotypenumbers",
    "colorway",
    "font",
    "hoverlabel",
    "hovermode",
    "paper_bgcolor",
    "plot_bgcolor",
    "polar",
    "xaxis",
    "yaxis",
)


@cache
def _template() -> go.layout.Template:
    # The house look as a template, built once: each figure gets a validated copy of its
    # template, and the whole of plotly_white (per-trace defaults, colour scales, 3-D and map
    # settings) plus a second update for fonts and margins was most of a chart's build time, paid
    # by every chart on every rerun. A figure's own margin or legend still wins over these.
    white = pio.templates["plotly_white"].layout.to_plotly_json()
    layout = {k: v for k, v in white.items() if k in _WHITE_PARTS}
    layout.update(
        title={"font": {"size": TITLE_SIZE}, "x": 0.01, "xanchor": "left"},
        font={**layout.get("font", {}), "family": FONT_FAMILY, "size": FONT_SIZE},
        margin={"l": 70, "r": 30, "t": 70, "b": 60},
        legend={"font": {"size": FONT_SIZE - 2}},
        hoverlabel={**layout.get("hoverlabel", {}), "font": {"size": FONT_SIZE}},
        separators=".,",
    )
    return go.layout.Template(layout=layout)


def label(text: object) -> str:
    """`text` (a village or area name, or a title, legend entry or hover line holding one) as
    plotly shows it literally: every figure puts data text through this.

    Plotly reads its text as pseudo-HTML: `<a href>` becomes a link, `<b>`, `<i>`, `<br>` and
    `<span style>` take effect, `&lt;` is a `<`; and `%{…}` in a hover template is filled in.
    Escaped, a name like `<a href=…>` or `%{x}` shows as typed.
    """
    return html.escape(str(text), quote=False).replace("%", "&#37;")


def wrapped(text: str, width: float) -> str:
    """Plain `text` broken with `<br>` into lines at most about `width` Chinese characters wide
    (a digit or Latin letter counts half), after a full-width space or Chinese punctuation:
    plotly never wraps a label, so at phone width a long one ran off the chart. `text` must
    already be a `label` (or fixed text)."""
    pieces: list[str] = []
    for piece in re.findall(r"[^　，；：、·]*[　，；：、· ]*", text):
        pieces += _balanced(piece, width) if text_width(piece) > width else [piece]
    lines, line = [], ""
    for piece in pieces:
        if line and text_width(line + piece.rstrip()) > width:
            lines.append(line.rstrip())
            line = ""
        line += piece
    lines.append(line.rstrip())
    return "<br>".join(part for part in lines if part)


def _balanced(piece: str, width: float) -> list[str]:
    """A piece too long for one line in as few lines of even width (not a full line and a
    single character): broken between characters, a number or Latin word kept whole."""
    tokens = re.findall(r"[!-~]+年? ?|.", piece)  # 2024年 whole too
    even = text_width(piece) / math.ceil(text_width(piece) / width)
    out, chunk = [], ""
    for token in tokens:
        if chunk and text_width(chunk) + text_width(token) / 2 > even:
            out.append(chunk)
            chunk = ""
        chunk += token
    return [*out, chunk]


def words_under(names: Sequence[str], words: Sequence[str], colors: Sequence[str]) -> list[str]:
    """Tick labels of a bar chart: each name with its words under it, in its bar's colour (the
    words' lines already broken with `<br>`). Beside a bar, words ran off a phone's chart.
    `names` and `words` must already be `label`s (or fixed text); `colors` are ours."""
    return [
        name
        + "".join(f'<br><span style="color:{color}">{line}</span>' for line in said.split("<br>"))
        for name, said, color in zip(names, words, colors, strict=True)
    ]


def text_width(text: str) -> float:
    """How wide `text` runs, in Chinese characters (a digit, Latin letter or sign counts half)."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def pass_line(fig: go.Figure, pass_mark: float) -> go.Figure:
    """The pass mark as a dashed red line across the plot, named in the margin at its right
    end: inside the plot, its name lay over the villages' lines and hid their points."""
    fig.add_hline(y=pass_mark, line={"dash": "dash", "color": FAIL_COLOR, "width": 2})
    fig.add_annotation(
        text=f"达标线<br>{pass_mark:g} 分",
        x=1,
        xref="paper",
        xanchor="left",
        xshift=4,
        y=pass_mark,
        yref="y",
        showarrow=False,
        align="left",
        font={"color": FAIL_COLOR},
    )
    fig.update_layout(margin_r=56)
    return fig


def time_ticks(labels: Sequence[str]) -> dict[str, object]:
    """Settings for a category axis of periods (`periods.short_label` "2023年Q1", or years) that
    read at 390 px as at a desk: upright, each quarter as "Q2" with its year under the first
    quarter shown and each Q1, and past eight quarters only the years. Plotly tilted the full
    labels on end at phone width, where they ran into the legend or each other."""
    shown = list(dict.fromkeys(labels))
    quarters = [m for m in (_QUARTER_LABEL.match(text) for text in shown) if m is not None]
    if not shown or len(quarters) < len(shown):
        return {"tickangle": 0, "automargin": True}
    texts = []
    for i, match in enumerate(quarters):
        year, quarter = match.group(1), match.group(2)
        starts_year = i == 0 or quarter == "1"
        if len(shown) <= _NAMED_QUARTERS:
            texts.append(f"Q{quarter}<br>{year}年" if starts_year else f"Q{quarter}")
        else:
            texts.append(f"{year}年" if starts_year else "")
    return {
        "tickmode": "array",
        "tickvals": shown,
        "ticktext": texts,
        "tickangle": 0,
        "automargin": True,
    }


def unlabel(text: str) -> str:
    """The data text behind a `label` (a clicked point's category comes back escaped)."""
    return html.unescape(text)


def apply(
    fig: go.Figure, title: str, x_title: str = "", y_title: str = "", subtitle: str = ""
) -> go.Figure:
    """Give `fig` the house style, its Chinese title and axis titles (with units), and a line
    under the title that explains how to read it (`subtitle`, smaller: a title short enough
    for a phone). The texts may hold names: they are shown literally (`label`)."""
    fig.update_layout(template=_template(), title_text=label(title))
    if subtitle:
        fig.update_layout(
            title_subtitle={
                "text": label(subtitle),
                "font": {"size": FONT_SIZE - 2, "color": NEUTRAL_COLOR},
            },
            margin_t=95,
        )
    fig.update_xaxes(title_text=label(x_title))
    fig.update_yaxes(title_text=label(y_title))
    return fig


#: Plotly's own words (toolbar tooltips, the notes it shows while saving a picture or after a
#: zoom) in Chinese, through its `locales` setting: the bundled plotly has only English.
PLOTLY_WORDS = {
    "Download plot as a PNG": "下载为 PNG 图片",
    "Download plot": "下载图片",
    "Preparing image - this may take a few seconds": "正在生成图片，请稍候……",
    "Image download succeeded": "图片已下载",
    "Sorry, there was a problem downloading your image!": "抱歉，图片下载失败，请再试一次。",
    "Zoom": "拖动框选放大",
    "Pan": "拖动平移",
    "Zoom in": "放大",
    "Zoom out": "缩小",
    "Autoscale": "自动缩放",
    "Reset axes": "还原坐标轴",
    "Reset view": "还原视图",
    "Reset views": "还原视图",
    "Reset": "还原",
    "Box Select": "框选",
    "Lasso Select": "套索选择",
    "Toggle Spike Lines": "显示或隐藏辅助线",
    "Show closest data on hover": "悬停显示最近的数据",
    "Compare data on hover": "悬停比较数据",
    "Toggle show closest data on hover": "切换悬停显示方式",
    "Double-click to zoom back out": "双击图表可还原",
    "Double-click on legend to isolate one trace": "双击图例可只看这一项",
}


def png_config(filename: str) -> dict[str, object]:
    """Plotly config: the toolbar's camera button saves a 2× PNG named after the chart, and the
    toolbar speaks Chinese (`PLOTLY_WORDS`)."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        "locale": "zh-CN",
        "locales": {"zh-CN": {"dictionary": PLOTLY_WORDS}},
    }


def gapped(series: pd.Series) -> list[float | None]:
    """Plain values with missing as None, so plotly leaves a gap instead of drawing zero."""
    return [None if pd.isna(v) else float(v) for v in series]
