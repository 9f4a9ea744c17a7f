"""Figures of the 比武排名 page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from wuxing import catalog, formatting
from wuxing.charts import style
from wuxing.charts.figure_cache import drawn_once


def _rank_text(rank: float, tied: bool) -> str:
    if pd.isna(rank):
        return "缺报"
    return f"并列第{int(rank)}名" if tied else f"第{int(rank)}名"


def _rank_bars(
    ranked: pd.DataFrame,
    labels: pd.Series,
    unit: str,
    star: str | None,
    customdata: object,
    hover: str,
) -> go.Figure:
    """Horizontal bars in rank order, first at the top, each saying its rank and value."""
    color = catalog.STAR_COLORS[star] if star else style.NEUTRAL_COLOR
    ranks = [_rank_text(r, t) for r, t in zip(ranked["rank"], ranked["tied"], strict=True)]
    values = [formatting.number(v, unit) for v in ranked["value"]]
    text = [
        f"{lab} · {v} {unit}" if v != formatting.MISSING else lab
        for lab, v in zip(ranks, values, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=ranked["value"].tolist(),
            y=[style.label(v) for v in labels],
            orientation="h",
            marker_color=color,
            # Inside the bar where it fits, at its end: outside, a label of "第12名 · 413.2 分"
            # ran past a phone's narrow plot and was cut.
            text=text,
            textposition="auto",
            insidetextanchor="end",
            cliponaxis=False,
            customdata=customdata,
            hovertemplate=hover,
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    reported = ranked["value"].dropna()
    top = float(reported.max()) if not reported.empty else 1.0
    low = min(0.0, float(reported.min())) if not reported.empty else 0.0
    fig.update_xaxes(range=[low, max(top, 1e-9) * 1.35])
    fig.update_layout(height=max(360, 34 * len(ranked) + 140))
    return fig


@drawn_once
def ranking(
    ranked: pd.DataFrame, title: str, value_title: str, unit: str, star: str | None
) -> go.Figure:
    """Horizontal bars in rank order, first at the top (`ranking.ranking`); ties say 并列, and
    villages that did not report are listed last with 缺报 and no bar."""
    hover = "%{y}：%{x:,." + str(formatting.decimals(unit)) + "f} " + unit + "<extra></extra>"
    fig = _rank_bars(ranked, ranked["village"], unit, star, ranked[["code"]].to_numpy(), hover)
    return style.apply(fig, title, value_title, "村")


@drawn_once
def area_ranking(
    ranked: pd.DataFrame, title: str, value_title: str, unit: str, star: str | None, level: str
) -> go.Figure:
    """One bar per sub-area in rank order (`area_ranking.area_ranking`), the first at the top; the
    hover says how many villages the figure covers, and a click drills into the sub-area (its
    path is the first customdata)."""
    hover = (
        "%{y}：%{x:,."
        + str(formatting.decimals(unit))
        + "f} "
        + unit
        + "（%{customdata[1]:,} / %{customdata[2]:,} 个村有数据）"
        + f"<br>点击进入该{level}<extra></extra>"
    )
    custom = ranked[["area", "reporting", "villages"]].to_numpy(dtype=object)
    fig = _rank_bars(ranked, ranked["label"], unit, star, custom, hover)
    return style.apply(fig, title, value_title, level)


@drawn_once
def changes(frame: pd.DataFrame, title: str, change_title: str, unit: str) -> go.Figure:
    """Diverging horizontal bars of each village's change: green where it got better, red where
    worse (`improvement` column decides, so fewer accidents are green)."""
    frame = frame.sort_values("improvement", ascending=False, kind="stable")
    colors = [style.PASS_COLOR if i > 0 else style.FAIL_COLOR for i in frame["improvement"]]
    text = [formatting.change(v, unit) for v in frame["change"]]
    fig = go.Figure(
        go.Bar(
            x=frame["change"],
            y=[style.label(v) for v in frame["village"]],
            orientation="h",
            marker_color=colors,
            text=text,
            textposition="outside",
            cliponaxis=False,
            customdata=frame[["code"]].to_numpy(),
            hovertemplate="%{y}：%{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    span = float(frame["change"].abs().max()) if not frame.empty else 1.0
    low = -span * 1.4 if (frame["change"] < 0).any() else 0.0
    high = span * 1.4 if (frame["change"] > 0).any() else 0.0
    fig.update_xaxes(range=[low, high or span * 0.2], zeroline=True, zerolinecolor="#566573")
    fig.update_layout(height=max(300, 40 * len(frame) + 140))
    return style.apply(fig, title, change_title, "村")
