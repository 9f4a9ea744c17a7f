"""Figures of one pair on the 结对比较 page: two villages' stars side by side, their scores and gaps
over time (every pair of an area at once: `wuxing.charts.pair_overview`)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from wuxing import catalog, periods
from wuxing.charts import style
from wuxing.charts.figure_cache import drawn_once
from wuxing.metrics.pairs import CLOSING, STABLE, WIDENING, Matchup

# The two villages get their own colours, chosen apart from the five star colours.
FIRST_COLOR = "#34495E"
SECOND_COLOR = "#D68910"
_TREND_SYMBOL = {CLOSING: "triangle-down", WIDENING: "triangle-up", STABLE: "circle"}


def _translucent(color: str, alpha: float = 0.18) -> str:
    """`#RRGGBB` as an rgba fill, so both outlines stay visible where the areas overlap."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _year_tick(period: str) -> str:
    """`2023Q1` → `23年`, other quarters unlabelled (their tick and grid line remain). Two
    digits: at 390 px a panel is 47 px wide and a year 25 px, so `2022年` ran into `2023年`; the
    hover names the quarter in full."""
    return f"{periods.year_of(period) % 100:02d}年" if periods.quarter_of(period) == 1 else ""


def _star_panels(history: pd.DataFrame) -> tuple[go.Figure, list[str], list[str]]:
    """One panel per star present (shared y scale), with the stars and quarters in order."""
    stars = [s for s in catalog.STAR_IDS if s in set(history["star"])]
    fig = make_subplots(
        rows=1,
        cols=max(1, len(stars)),
        shared_yaxes=True,
        # Narrow gaps: each of five panels keeps 49 px of a phone's 270 px plot (44 by default).
        horizontal_spacing=0.015,
        subplot_titles=[catalog.STAR_BY_ID[s].short for s in stars],
    )
    return fig, stars, sorted(set(history["period"]))


def _across_panel(col: int, y: float, line: dict[str, object]) -> dict[str, object]:
    """A horizontal line across panel `col` at `y` (the pass mark, or zero)."""
    axis = "" if col == 1 else str(col)
    return {
        "type": "line",
        "xref": f"x{axis} domain",
        "x0": 0,
        "x1": 1,
        "yref": f"y{axis}",
        "y0": y,
        "y1": y,
        "line": line,
    }


def _quarter_ticks(fig: go.Figure, quarters: list[str]) -> None:
    """Narrow panels: a tick per quarter, the year written under each first quarter only, and
    no padding beyond the first and last quarter (the years' room on a phone)."""
    first, last = periods.quarter_index(quarters[0]), periods.quarter_index(quarters[-1])
    fig.update_xaxes(
        range=[first - 0.4, last + 0.4],
        tickvals=[periods.quarter_index(q) for q in quarters],
        ticktext=[_year_tick(q) for q in quarters],
        tickangle=0,
        tickfont={"size": 12},
    )


def _axis_titles(fig: go.Figure, panels: int, y_title: str) -> None:
    """One 季度 title under the middle panel and one y title beside the first, not one each."""
    fig.update_xaxes(title_text="")
    fig.update_xaxes(title_text="季度", col=(panels + 1) // 2)
    fig.update_yaxes(title_text="")
    fig.update_yaxes(title_text=y_title, col=1)


@drawn_once
def star_radar(
    comparison: pd.DataFrame, m: Matchup, period_label: str, pass_mark: float
) -> go.Figure:
    """Radar of both villages' five star scores with the pass mark ring (`star_comparison`)."""
    theta = [catalog.STAR_BY_ID[s].short for s in comparison["star"]]
    closed = [*theta, theta[0]]  # repeat the first star so each outline closes
    fig = go.Figure()
    fig.add_trace(
        go.Scatterpolar(
            r=[pass_mark] * len(closed),
            theta=closed,
            name=f"达标线 {pass_mark:g} 分",
            mode="lines",
            line={"color": style.PASS_COLOR, "dash": "dash", "width": 2},
            hovertemplate=f"达标线 {pass_mark:g} 分<extra></extra>",
        )
    )
    for column, label, color in (
        ("first", m.first_label, FIRST_COLOR),
        ("second", m.second_label, SECOND_COLOR),
    ):
        shown = style.label(label)
        r = style.gapped(comparison[column])
        fig.add_trace(
            go.Scatterpolar(
                r=[*r, r[0]],
                theta=closed,
                name=shown,
                mode="lines+markers",
                line={"color": color, "width": 3},
                marker={"size": 9},
                fill="toself",
                fillcolor=_translucent(color),
                hovertemplate=f"{shown} · %{{theta}}：%{{r:.1f}} 分<extra></extra>",
            )
        )
    scores = pd.concat([comparison["first"], comparison["second"]]).dropna()
    low = min(60.0, float(scores.min()) - 5) if not scores.empty else 60.0
    high = max(100.0, float(scores.max()) + 2) if not scores.empty else 100.0
    fig.update_layout(
        # 支部过硬 on top, clockwise; the score axis runs between the first two stars so its
        # tick labels do not sit on a star's name.
        polar={
            "radialaxis": {
                "range": [low, high],
                "ticksuffix": " 分",
                "angle": 54,
                "tickangle": 54,
                "dtick": 10,
                "tickfont": {"size": 12},
            },
            "angularaxis": {"tickfont": {"size": 18}, "rotation": 90, "direction": "clockwise"},
        },
        legend=style.LEGEND_BELOW,
        height=520,
        # Room beside the circle for the star names: on a phone 产业兴旺 ran off the edge.
        margin={"l": 80, "r": 80},
    )
    return style.apply(fig, f"{period_label}五星得分对比：{m.first_name} 与 {m.second_name}")


@drawn_once
def score_lines(history: pd.DataFrame, m: Matchup, pass_mark: float) -> go.Figure:
    """One panel per star: both villages' scores over the quarters, the pass mark dashed
    (`pairs.score_history`)."""
    fig, stars, quarters = _star_panels(history)
    # Traces and pass-mark lines added in one call each: per-panel add_trace and add_hline
    # re-validated the whole figure every time (half a second for ten lines).
    traces, cols, marks = [], [], []
    for col, star in enumerate(stars, start=1):
        for code, label, color, dash in (
            (m.first, m.first_label, FIRST_COLOR, "solid"),
            (m.second, m.second_label, SECOND_COLOR, "dot"),
        ):
            rows = history[(history["star"] == star) & (history["code"] == code)]
            shown = style.label(label)
            series = rows.set_index("period")["score"].reindex(quarters)
            traces.append(
                go.Scatter(
                    x=[periods.quarter_index(q) for q in quarters],
                    y=style.gapped(series),
                    name=shown,
                    legendgroup=shown,
                    showlegend=col == 1,
                    mode="lines+markers",
                    line={"color": color, "width": 3, "dash": dash},
                    marker={"size": 7},
                    customdata=[periods.label(q) for q in quarters],
                    hovertemplate=f"{shown} · %{{customdata}}：%{{y:.1f}} 分<extra></extra>",
                )
            )
            cols.append(col)
        marks.append(
            _across_panel(col, pass_mark, {"color": style.PASS_COLOR, "dash": "dash", "width": 1.5})
        )
    fig.add_traces(traces, rows=[1] * len(traces), cols=cols)
    fig.update_layout(shapes=marks)
    _quarter_ticks(fig, quarters)
    fig.update_layout(height=440, legend=style.LEGEND_BELOW, margin_r=12)
    style.apply(fig, f"各星得分走势（达标线 {pass_mark:g} 分，虚线）", "", "得分（分）")
    _axis_titles(fig, len(stars), "得分（分）")
    return fig


@drawn_once
def gap_lines(history: pd.DataFrame, m: Matchup) -> go.Figure:
    """One panel per star (small multiples, shared scale): the gap (first − second) over the
    quarters in the star's colour, zero marked; the marker shape says whether the gap closed
    (▼), widened (▲) or held (●) on the quarter before (`pairs.gap_history`)."""
    fig, stars, quarters = _star_panels(history)
    traces, cols, zeros = [], [], []
    for col, star in enumerate(stars, start=1):
        rows = history[history["star"] == star].set_index("period").reindex(quarters)
        short = catalog.STAR_BY_ID[star].short
        traces.append(
            go.Scatter(
                x=[periods.quarter_index(q) for q in quarters],
                y=style.gapped(rows["gap"]),
                name=short,
                mode="lines+markers",
                line={"color": catalog.STAR_COLORS[star], "width": 3},
                marker={
                    "size": 11,
                    "symbol": [_TREND_SYMBOL.get(t, "circle-open") for t in rows["trend"]],
                },
                customdata=[
                    [periods.label(q), t if isinstance(t, str) else "—"]
                    for q, t in zip(quarters, rows["trend"], strict=True)
                ],
                hovertemplate=f"%{{customdata[0]}} · {short}：差距 %{{y:.1f}} 分（%{{customdata[1]}}）<extra></extra>",
            )
        )
        cols.append(col)
        zeros.append(_across_panel(col, 0, {"color": style.NEUTRAL_COLOR, "width": 1}))
    fig.add_traces(traces, rows=[1] * len(traces), cols=cols)
    for trend, symbol in _TREND_SYMBOL.items():
        # Legend-only entries that explain the marker shapes.
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=f"差距{trend}",
                marker={"symbol": symbol, "size": 11, "color": style.NEUTRAL_COLOR},
                hoverinfo="skip",
            )
        )
    fig.update_layout(shapes=zeros, height=455, legend=style.LEGEND_BELOW, margin_r=12)
    _quarter_ticks(fig, quarters)
    title = f"各星差距走势（{m.first_name} − {m.second_name}）"
    style.apply(
        fig,
        title,
        "",
        "差距（分）",
        subtitle=f"每颗星一格；正数表示{m.second_name}落后，越接近 0 越好",
    )
    # The panels' star names stand above the plot area, where a subtitled title's margin (95 px)
    # would put them on the subtitle's line.
    fig.update_layout(margin_t=130)  # and 35 px more height, so the panels keep their size
    _axis_titles(fig, len(stars), "差距（分）")
    return fig
