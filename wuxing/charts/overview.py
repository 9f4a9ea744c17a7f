"""Figures of the overview page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from wuxing import catalog
from wuxing.charts import style
from wuxing.charts.figure_cache import drawn_once
from wuxing.metrics.targets import shortfall


@drawn_once
def level_distribution(dist: pd.DataFrame, year: int) -> go.Figure:
    """Bars: how many villages hold 0–5 stars (`metrics.stars.level_distribution`)."""
    fig = go.Figure(
        go.Bar(
            x=dist["label"],
            y=dist["villages"],
            text=dist["villages"],
            textposition="outside",
            marker_color=["#BDC3C7", "#F5CBA7", "#F0B27A", "#EB984E", "#DC7633", "#BA4A00"],
            hovertemplate="%{x}：%{y} 个村<extra></extra>",
        )
    )
    top = max(1, int(dist["villages"].max()))
    # Headroom so the count above the tallest bar is not clipped.
    fig.update_yaxes(range=[0, top * 1.18], dtick=1 if top <= 15 else None)
    return style.apply(fig, f"{year}年度星级分布", "星级", "村数（个）")


@drawn_once
def stars_held(counts: pd.DataFrame, year: int) -> go.Figure:
    """Bars in the star colours: how many villages hold each star (`stars.stars_held_count`)."""
    fig = go.Figure(
        go.Bar(
            x=counts["label"],
            y=counts["villages"],
            text=counts["villages"],
            textposition="outside",
            marker_color=[catalog.STAR_COLORS[s] for s in counts["star"]],
            hovertemplate="%{x}：%{y} 个村<extra></extra>",
        )
    )
    fig.update_yaxes(range=[0, max(1, int(counts["villages"].max())) * 1.18])
    # Upright on two lines (支部 / 过硬星): tilted, the five names ran into each other at 390 px.
    fig.update_xaxes(
        tickmode="array",
        tickvals=list(counts["label"]),
        ticktext=[f"{s[:2]}<br>{s[2:]}" for s in counts["label"]],
        tickangle=0,
        automargin=True,
    )
    return style.apply(fig, f"{year}年度各星获评村数", "星", "村数（个）")


@drawn_once
def score_heatmap(matrix: pd.DataFrame, period_label: str, pass_mark: float) -> go.Figure:
    """Village × star heat map of scores; the colour turns at the pass mark (`score_matrix`)."""
    z = matrix.to_numpy(dtype=float)
    lo, hi = 60.0, 100.0
    turn = min(max((pass_mark - lo) / (hi - lo), 0.01), 0.99)
    # Below the pass mark: reds; at and above it: greens, so 达标 reads at a glance.
    scale = [[0.0, "#C0392B"], [turn - 0.001, "#F5B7B1"], [turn, "#ABEBC6"], [1.0, "#1E8449"]]
    text = np.where(np.isnan(z), "缺报", np.char.mod("%.1f", np.nan_to_num(z)))
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[catalog.STAR_BY_ID[s].short for s in matrix.columns],
            y=[style.label(v) for v in matrix.index],
            zmin=lo,
            zmax=hi,
            colorscale=scale,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 14},
            xgap=2,
            ygap=2,
            # Lying under the grid, not beside it: standing, it took 40 % of a phone's width.
            colorbar={
                "title": {"text": "得分", "side": "top"},
                "tickvals": [60, pass_mark, 100],
                "ticktext": ["60", f"达标线 {pass_mark:g}", "100"],
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": -0.02,
                "yanchor": "top",
                "len": 1.0,
                "thickness": 14,
            },
            hoverinfo="skip",
        )
    )
    # Heat map cells cannot be selected in plotly; an invisible marker on every cell makes a
    # click select that village (the page opens its profile), and carries the hover text.
    stars_x = [catalog.STAR_BY_ID[s].short for s in matrix.columns]
    fig.add_trace(
        go.Scatter(
            x=[x for _ in matrix.index for x in stars_x],
            y=[style.label(v) for v in matrix.index for _ in stars_x],
            mode="markers",
            marker={"size": 28, "opacity": 0, "symbol": "square"},
            text=text.ravel().tolist(),
            showlegend=False,
            hovertemplate="%{y} · %{x}：%{text} 分<br>点击打开村庄档案<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    # The stars over the grid, every one named, on two lines (支部 / 过硬): on a phone a column
    # is narrower than four characters, and plotly dropped or overlapped the names.
    fig.update_xaxes(
        side="top",
        tickmode="array",
        tickvals=stars_x,
        tickangle=0,
        automargin=True,
        ticktext=[f"{s[:2]}<br>{s[2:]}" if len(s) > 3 else s for s in stars_x],
    )
    fig.update_layout(height=max(400, 34 * len(matrix) + 200), margin={"b": 90, "r": 16})
    title = f"{period_label}各村星级评分（达标线 {pass_mark:g} 分）"
    fig = style.apply(fig, title)  # the stars and villages name themselves: no axis titles
    fig.update_layout(margin_t=120)
    return fig


@drawn_once
def target_progress(status: pd.DataFrame, year: int, beside: bool = False) -> go.Figure:
    """Horizontal bars: points each village still lacks on its target stars (0 = on track), and
    in words what it lacks: under its name, or `beside` its bar (a slide: a projector is wide,
    its rows too short for words under the names)."""
    # Read from the top: the furthest behind first, ties (those on track) in the rows' own
    # pinyin order (`targets.target_status`).
    frame = status.sort_values("points_short", ascending=False, kind="stable")
    colors = [style.PASS_COLOR if ok else style.FAIL_COLOR for ok in frame["on_track"]]
    names = [style.label(v) for v in frame["village"]]
    bars = {
        "x": frame["points_short"],
        "y": names,
        "orientation": "h",
        "marker_color": colors,
        "customdata": frame[["target_level"]].to_numpy(),
        "hovertemplate": "%{y}：目标 %{customdata[0]} 星，尚差 %{x:.1f} 分<extra></extra>",
    }
    if beside:
        fig = go.Figure(
            go.Bar(
                **bars,
                # What is missing, not just that something is: 缺生态宜居星，差 9.0 分.
                text=shortfall(frame),
                # A village on track has no bar: its words (已达目标) stand beside the axis.
                textposition=["outside" if ok else "auto" for ok in frame["on_track"]],
            )
        )
        fig.update_layout(height=max(320, 30 * len(frame) + 140))
        fig.update_yaxes(autorange="reversed")  # the first row on top
        return style.apply(fig, f"{year}年创星目标进度（目标星尚差分数）", "尚差分数（分）", "村")
    # What is missing under the village's name: beside its bar the words ran off the chart at
    # 390 px; the axis makes room for them.
    words = [style.wrapped(s, 10) for s in shortfall(frame)]
    shown = [
        "" if ok else f"{x:.1f}"
        for x, ok in zip(frame["points_short"], frame["on_track"], strict=True)
    ]
    fig = go.Figure(go.Bar(**bars, text=shown, textposition="outside", cliponaxis=False))
    # Rows as tall as the tallest name and words at a desk's 16 px type (22 px a line).
    lines = max((2 + w.count("<br>") for w in words), default=1)
    fig.update_layout(height=max(320, (22 * lines + 8) * len(frame) + 140))
    fig.update_yaxes(
        autorange="reversed",  # the first row on top
        tickmode="array",
        tickvals=names,
        ticktext=style.words_under(names, words, colors),
        automargin=True,
    )
    fig.update_xaxes(range=[0, max(1.0, float(frame["points_short"].max())) * 1.2])
    return style.apply(fig, f"{year}年创星目标进度（目标星尚差分数）", "尚差分数（分）", "村")
