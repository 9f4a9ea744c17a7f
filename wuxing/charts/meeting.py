"""会议模式: figures and page look for a projector (bigger type, taller charts, no sidebar)."""

from __future__ import annotations

import copy

import plotly.graph_objects as go

from wuxing.charts import style

# Read from the back of a meeting room: roughly 1.4× the dashboard's sizes.
FONT_SIZE = 22
TITLE_SIZE = 32
HEIGHT = 640

#: Fixed CSS for presenting (no user text ever goes in here): the sidebar and the app header
#: hidden, the page full width, and headings and key figures large.
PRESENTATION_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="collapsedControl"], header[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container {
  padding-top: 1rem !important; max-width: 100% !important; }
[data-testid="stMain"] h1 { font-size: 3rem !important; }
[data-testid="stMain"] h2 { font-size: 2.4rem !important; }
[data-testid="stMetricValue"] { font-size: 3.6rem !important; }
[data-testid="stMetricLabel"] p { font-size: 1.6rem !important; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetricDelta"] { font-size: 1.5rem !important; }
</style>
"""


def projector(fig: go.Figure, title: str | None = None) -> go.Figure:
    """A copy of `fig` with projector-sized type and height (and `title` when given)."""
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    text = style.label(title) if title is not None else out.layout.title.text  # already a label
    out.update_layout(
        title={"text": text, "font": {"size": TITLE_SIZE}},
        font={"family": style.FONT_FAMILY, "size": FONT_SIZE},
        legend={"font": {"size": FONT_SIZE - 2}},
        height=max(HEIGHT, int(out.layout.height or 0)),
        margin={"t": 90},
    )
    out.update_xaxes(title_font={"size": FONT_SIZE}, tickfont={"size": FONT_SIZE - 2})
    out.update_yaxes(title_font={"size": FONT_SIZE}, tickfont={"size": FONT_SIZE - 2})
    out.update_traces(textfont={"size": FONT_SIZE - 2}, selector={"type": "bar"})
    return out
