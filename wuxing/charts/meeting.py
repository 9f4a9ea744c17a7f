"""会议模式: figures and page look for a projector (bigger type, charts that fit the screen, no
sidebar, the controls in a small bar)."""

from __future__ import annotations

import copy

import plotly.graph_objects as go

from wuxing.charts import style

# Read from the back of a meeting room: roughly 1.4× the dashboard's sizes, and nothing under
# 20 px on a 1920×1080 projector.
FONT_SIZE = 22
SMALLEST = 20
#: A chart's own height on a slide (its PNG, and the page when not presenting): a 1080 px screen
#: less the slide's heading, the line above it and its note. Presenting, the chart takes instead
#: whatever height the screen leaves it (PRESENTATION_CSS), so a 720 px projector shows it whole.
HEIGHT = 760

#: Fixed CSS for presenting (no user text ever goes in here): the sidebar, the app header and the
#: chart toolbars hidden, the page full width, type large, and the slide controls in a small
#: translucent bar in the bottom right corner (opaque under the mouse; the arrow keys work too),
#: in a strip of its own below the slide (over the note, it hid words on a 720 px projector).
#: A phone shows the bar above the slide and smaller headings.
#: The slide fills the screen's height, its chart (`.st-key-slide_chart`) taking what the title
#: and note leave; key figures shrink with the screen's width below 1920 px (`vw`; on a phone,
#: which stacks the cards, a fixed size) and wrap (`style.CARD_CSS`) rather than end in "…":
#: on a 1280×720 projector "306.7 万元" was cut to "306.7 …".
PRESENTATION_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="collapsedControl"], header[data-testid="stHeader"],
[data-testid="stPlotlyChart"] .modebar-container { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container {
  padding: 0.75rem 3rem 3.5rem !important; max-width: 100% !important; }
[data-testid="stMain"] h1 { font-size: 3rem !important; }
[data-testid="stMain"] h2 { font-size: 2.4rem !important; padding: 0.25rem 0 !important; }
[data-testid="stMain"] h3 { font-size: 1.9rem !important; padding: 0.25rem 0 !important; }
[data-testid="stMain"] [data-testid="stHeading"] [data-testid="stMarkdownContainer"] {
  margin-bottom: 0 !important; }
[data-testid="stMain"] [data-testid="stCaptionContainer"],
[data-testid="stMain"] [data-testid="stCaptionContainer"] * { font-size: 1.4rem !important; }
[data-testid="stMetricValue"] { font-size: 2.6rem !important; }
[data-testid="stMetricLabel"] p { font-size: 1.2rem !important; }
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * { font-size: 1.1rem !important; }
@media (min-width: 640px) {  /* four cards side by side (below, a phone stacks them) */
  [data-testid="stMetricValue"] { font-size: min(3.6rem, 3vw) !important; }
  [data-testid="stMetricLabel"] p { font-size: min(1.6rem, 1.35vw) !important; }
  [data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {
    font-size: min(1.5rem, 1.25vw) !important; } }
[data-testid="stMainBlockContainer"] { height: 100vh; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] { height: 100%; }
[data-testid="stLayoutWrapper"]:has(> .st-key-slide_chart) {
  flex: 1 1 0 !important; min-height: 0 !important; }
.st-key-slide_chart { height: 100% !important; min-height: 0 !important; }
.st-key-meeting_bar {
  position: fixed !important; right: 12px; bottom: 10px; z-index: 999990; width: auto !important;
  background: rgba(255, 255, 255, 0.92); border: 1px solid #D5D8DC; border-radius: 10px;
  padding: 2px 10px !important; gap: 0.5rem !important; opacity: 0.35; transition: opacity 0.2s; }
.st-key-meeting_bar:hover, .st-key-meeting_bar:focus-within { opacity: 1; }
.st-key-meeting_bar, .st-key-meeting_bar * { font-size: 20px !important; }
.st-key-meeting_bar button { min-height: 0 !important; padding: 0 0.5rem !important; }
.st-key-meeting_bar [data-testid="stElementContainer"] { width: auto !important; }
.st-key-meeting_bar [data-testid="stMarkdownContainer"] p { margin: 0 !important; }
@media (max-width: 640px) {  /* a phone: the bar above the slide, type that fits its width */
  [data-testid="stMainBlockContainer"], .block-container {
    padding: 0.5rem 1rem 1rem !important; height: auto !important; }
  [data-testid="stMain"] h2 { font-size: 1.5rem !important; }
  [data-testid="stMain"] h3 { font-size: 1.15rem !important; }
  [data-testid="stMain"] [data-testid="stCaptionContainer"],
  [data-testid="stMain"] [data-testid="stCaptionContainer"] * { font-size: 0.9rem !important; }
  [data-testid="stLayoutWrapper"]:has(> .st-key-slide_chart) { flex: none !important; }
  .st-key-slide_chart { height: 75vh !important; }
  .st-key-meeting_bar { position: static !important; opacity: 1; flex-wrap: wrap; }
  .st-key-meeting_bar, .st-key-meeting_bar * { font-size: 16px !important; } }
</style>
"""


def projector(fig: go.Figure) -> go.Figure:
    """A copy of `fig` for a slide: projector-sized type (none under SMALLEST px), HEIGHT tall,
    and no title of its own (the slide's heading is its one title)."""
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    out.update_layout(
        title={"text": ""},
        title_subtitle={"text": ""},
        font={"family": style.FONT_FAMILY, "size": FONT_SIZE},
        legend={"font": {"size": SMALLEST}},
        height=HEIGHT,
        margin={"t": 30},
    )
    out.update_xaxes(title_font={"size": FONT_SIZE}, tickfont={"size": SMALLEST})
    out.update_yaxes(title_font={"size": FONT_SIZE}, tickfont={"size": SMALLEST})
    out.update_traces(textfont={"size": SMALLEST}, selector={"type": "bar"})
    out.update_traces(textfont={"size": FONT_SIZE}, selector={"type": "heatmap"})
    # Standing beside the grid: a slide is wide, and lying under it (the page's form, for a
    # phone) the scale took the rows' height, so on a 720 px projector the names touched.
    out.update_traces(
        colorbar={
            "tickfont": {"size": SMALLEST},
            "title": {"font": {"size": SMALLEST}, "side": "top"},
            "orientation": "v",
            "x": 1.01,
            "xanchor": "left",
            "y": 0.5,
            "yanchor": "middle",
            "len": 1.0,
        },
        selector={"type": "heatmap"},
    )
    if out.layout.legend.yref == "container":
        # A slide is wide: the legend on one line above the plot (style.LEGEND_BELOW puts it at
        # the figure's foot for a phone), clear of the screen's bottom edge, where a presenter
        # clicks to put the keys on the page and would hide a series instead.
        out.update_layout(
            legend={"yref": "paper", "y": 1.02, "yanchor": "bottom", "xref": "paper", "x": 0}
        )
    if any(trace.type == "heatmap" for trace in out.data):
        # Every row named: on a 720 px projector plotly's own choice named 7 of 13 villages.
        out.update_yaxes(dtick=1)
        out.update_layout(margin={"b": 20})  # the page's room for the scale under the grid
    return out
