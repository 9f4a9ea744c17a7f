"""One look for every figure: fonts large enough for a projector, the star colours, white ground."""

from __future__ import annotations

from functools import cache

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

__all__ = ["STAR_COLORS", "apply", "png_config"]


@cache
def _template() -> go.layout.Template:
    # plotly_white's layout (white ground, light grid) without its per-trace defaults: copying
    # the whole template into each figure was most of a chart's build time (0.1 s a chart, which
    # a page with five charts pays on every rerun); our traces set their own colours anyway.
    return go.layout.Template(layout=pio.templates["plotly_white"].layout)


def apply(fig: go.Figure, title: str, x_title: str = "", y_title: str = "") -> go.Figure:
    """Give `fig` the house style, its Chinese title and axis titles (with units)."""
    fig.update_layout(
        template=_template(),
        title={"text": title, "font": {"size": TITLE_SIZE}, "x": 0.01, "xanchor": "left"},
        font={"family": FONT_FAMILY, "size": FONT_SIZE},
        margin={"l": 70, "r": 30, "t": 70, "b": 60},
        legend={"font": {"size": FONT_SIZE - 2}},
        hoverlabel={"font": {"size": FONT_SIZE}},
        separators=".,",
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def png_config(filename: str) -> dict[str, object]:
    """Plotly config: the toolbar's camera button saves a 2× PNG named after the chart."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }
