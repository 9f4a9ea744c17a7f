"""Figures of the 村庄档案 page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from wuxing import catalog, periods
from wuxing.charts import style
from wuxing.charts.figure_cache import drawn_once


@drawn_once
def star_radar(
    card: pd.DataFrame,
    village: str,
    period_label: str,
    pass_mark: float,
    mean: str = "全部地区平均",
) -> go.Figure:
    """Radar of the five star scores (`profile.stars`) against the area mean (called `mean`,
    e.g. 马庄桥镇平均) and the pass mark; a star without a score is left out of the village's
    outline, not drawn at zero."""
    labels = [catalog.STAR_BY_ID[s].short for s in card["star"]]
    closed = [*labels, labels[0]]

    def loop(values: pd.Series) -> list[float | None]:
        out = [None if pd.isna(v) else float(v) for v in values]
        return [*out, out[0]]

    shown = style.label(village)
    fig = go.Figure()
    fig.add_trace(
        go.Scatterpolar(
            r=[pass_mark] * len(closed),
            theta=closed,
            mode="lines",
            name=f"达标线 {pass_mark:g} 分",
            line={"dash": "dash", "color": style.FAIL_COLOR},
        )
    )
    fig.add_trace(
        go.Scatterpolar(
            r=loop(card["area_mean"]),
            theta=closed,
            mode="lines",
            name=style.label(mean),
            line={"color": style.NEUTRAL_COLOR, "width": 2, "dash": "dot"},
            hovertemplate=f"{style.label(mean)} · %{{theta}}：%{{r:.1f}} 分<extra></extra>",
        )
    )
    colors = [catalog.STAR_COLORS[s] for s in card["star"]]
    fig.add_trace(
        go.Scatterpolar(
            r=loop(card["score"]),
            theta=closed,
            mode="lines+markers+text",
            name=shown,
            fill="toself",
            fillcolor="rgba(46,134,193,0.15)",
            connectgaps=False,
            line={"color": "#2E86C1", "width": 3},
            marker={"size": 14, "color": [*colors, colors[0]]},
            text=[("" if v is None else f"{v:.1f}") for v in loop(card["score"])],
            textposition="top center",
            hovertemplate=f"{shown} · %{{theta}}：%{{r:.1f}} 分<extra></extra>",
        )
    )
    scores = pd.concat([card["score"], card["area_mean"]]).dropna()
    low = min(60.0, float(scores.min()) - 5) if not scores.empty else 60.0
    high = max(100.0, float(scores.max()) + 3) if not scores.empty else 100.0
    fig.update_layout(
        # The radial unit is in the title: a radial axis title would sit on the outline.
        # The scale between two spokes (as in 结对比较), where no point's value label sits.
        polar={
            "radialaxis": {
                "range": [low, high],
                "tickfont": {"size": 12},
                "angle": 54,
                "tickangle": 54,
                "dtick": 10,
            },
            "angularaxis": {"tickfont": {"size": 17}, "rotation": 90, "direction": "clockwise"},
            "domain": {"x": [0.16, 0.84]},
        },
        height=500,
        legend=style.LEGEND_BELOW,
    )
    return style.apply(fig, f"{village}{period_label}五星得分（分）")


@drawn_once
def score_history(history: pd.DataFrame, village: str, pass_mark: float) -> go.Figure:
    """Lines in the star colours: the village's score per star over the quarters (rows: period,
    star, score, as in `Dataset.scores`); dashed pass mark."""
    fig = go.Figure()
    for star in catalog.STAR_IDS:
        rows = history[history["star"] == star].sort_values("period")
        if rows.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=[periods.short_label(p) for p in rows["period"]],
                y=rows["score"],
                name=catalog.STAR_BY_ID[star].label,
                mode="lines+markers",
                line={"color": catalog.STAR_COLORS[star], "width": 3},
                hovertemplate=catalog.STAR_BY_ID[star].short
                + " · %{x}：%{y:.1f} 分<extra></extra>",
            )
        )
    style.pass_line(fig, pass_mark)
    fig.update_xaxes(
        type="category",
        categoryorder="category ascending",
        **style.time_ticks(sorted(periods.short_label(p) for p in history["period"])),
    )
    fig.update_layout(height=500, legend=style.LEGEND_BELOW)
    return style.apply(fig, f"{village}各星得分变化", "季度", "得分（分）")
