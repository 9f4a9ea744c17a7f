"""Figures of 填报进度: villages reported, with gaps and missing per sub-area
(`metrics.reporting`)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from wuxing.charts import style
from wuxing.charts.figure_cache import drawn_once


@drawn_once
def by_area(frame: pd.DataFrame, period_label: str, level: str) -> go.Figure:
    """Stacked bars per sub-area: villages reported in full, with gaps, not at all; click drills."""
    fig = go.Figure()
    complete = frame["reported"] - frame["with_gaps"]
    for counts, name, color in (
        (complete, "已报齐", style.PASS_COLOR),
        (frame["with_gaps"], "有缺项", style.NEUTRAL_COLOR),
        (frame["missing"], "未报", style.FAIL_COLOR),
    ):
        fig.add_trace(
            go.Bar(
                x=[int(n) for n in counts],
                y=[style.label(v) for v in frame["label"]],
                customdata=[[a] for a in frame["area"]],
                name=name,
                orientation="h",
                marker_color=color,
                text=[f"{int(n):,}" for n in counts],
                textposition="inside",
                hovertemplate=f"%{{y}}：{name} %{{x:,}} 个村<br>点击进入该地区<extra></extra>",
            )
        )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(
        barmode="stack",
        height=max(320, 30 * len(frame) + 160),
        legend=style.LEGEND_BELOW,
    )
    return style.apply(fig, f"{period_label}各{level}填报进度", "村数（个）", level)
