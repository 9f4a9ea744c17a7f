"""Figures by sub-area (above the township): one row or bar per county or township, clickable to
drill down. Built from `wuxing.metrics.areas`."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from wuxing import catalog, formatting
from wuxing.charts import overview, progress, style
from wuxing.charts.figure_cache import drawn_once


@drawn_once
def score_heatmap(
    matrix: pd.DataFrame, period_label: str, pass_mark: float, level: str
) -> go.Figure:
    """Sub-area × star heat map of mean scores (`areas.score_matrix`); click a row to drill in."""
    fig = overview.score_heatmap(matrix, period_label, pass_mark)
    fig.update_traces(
        hovertemplate="%{y} · %{x}：平均 %{text} 分<br>点击进入该地区<extra></extra>",
        selector={"type": "scatter"},
    )
    title = f"{period_label}各{level}星级平均分（达标线 {pass_mark:g} 分）"
    return style.apply(fig, title, "星", level)


@drawn_once
def target_counts(counts: pd.DataFrame, year: int, level: str) -> go.Figure:
    """Stacked bars per sub-area: villages on and off track for their target (`target_counts`)."""
    fig = go.Figure()
    for column, name, color in (
        ("on_track", "按目标推进", style.PASS_COLOR),
        ("off_track", "未达目标进度", style.FAIL_COLOR),
    ):
        fig.add_trace(
            go.Bar(
                x=counts[column].tolist(),
                y=[style.label(v) for v in counts["label"]],
                name=name,
                orientation="h",
                marker_color=color,
                text=[f"{int(n):,}" for n in counts[column]],
                textposition="inside",
                hovertemplate=f"%{{y}}：{name} %{{x:,}} 个村<br>点击进入该地区<extra></extra>",
            )
        )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(
        barmode="stack",
        height=max(320, 30 * len(counts) + 160),
        legend=style.LEGEND_BELOW,
    )
    return style.apply(fig, f"{year}年各{level}创星目标进度", "村数（个）", level)


@drawn_once
def indicator_bars(
    frame: pd.DataFrame, indicator: str, title: str, unit: str, level: str
) -> go.Figure:
    """Bars per sub-area in value order (`areas.indicator_by_area`); 缺报 where none reported."""
    meta = catalog.indicator(indicator)
    down = meta.direction == "down"
    frame = frame.sort_values("value", ascending=down, na_position="last", kind="stable")
    reported = frame[frame["value"].notna()]
    fig = go.Figure(
        go.Bar(
            x=[style.label(v) for v in reported["label"]],
            y=reported["value"].tolist(),
            marker_color=catalog.STAR_COLORS[meta.star],
            text=[formatting.number(v, unit) for v in reported["value"]],
            textposition="outside",
            customdata=reported[["reporting", "villages"]].to_numpy(),
            hovertemplate=(
                f"%{{x}}：%{{y:,.{formatting.decimals(unit)}f}} {unit}"
                "<br>%{customdata[0]:,}/%{customdata[1]:,} 个村已报<br>点击进入该地区<extra></extra>"
            ),
            name=style.label(title),
        )
    )
    missing = frame[frame["value"].isna()]
    if not missing.empty:
        fig.add_trace(
            go.Scatter(
                x=[style.label(v) for v in missing["label"]],
                y=[0] * len(missing),
                mode="markers+text",
                text=["缺报"] * len(missing),
                textposition="top center",
                marker={"color": style.MISSING_COLOR, "size": 10, "symbol": "x"},
                name="缺报（无村填报）",
                hovertemplate="%{x}：无村填报<extra></extra>",
            )
        )
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=[style.label(v) for v in frame["label"]],
    )
    top = float(reported["value"].max()) if not reported.empty else 1.0
    bottom = min(0.0, float(reported["value"].min())) if not reported.empty else 0.0
    fig.update_yaxes(range=[bottom, max(top, 1e-9) * 1.18])
    fig.update_layout(showlegend=not missing.empty)
    return style.apply(fig, title, level, f"{title.split('（')[0]}（{unit}）")


@drawn_once
def score_trend(history: pd.DataFrame, title: str, pass_mark: float, level: str) -> go.Figure:
    """Lines: each sub-area's mean score per quarter (`areas.score_history`), dashed pass mark;
    click a line to drill into that sub-area."""
    lines = history.rename(columns={"label": "village", "area": "code"})
    fig = progress.score_trend(lines, title, pass_mark)
    for trace in fig.data:  # trace.name: a name already made a label by progress.score_trend
        trace.hovertemplate = (
            f"{trace.name} · %{{x}}：各村平均 %{{y:.1f}} 分<br>点击进入该{level}<extra></extra>"
        )
    return style.apply(fig, title, "季度", "平均得分（分）")


@drawn_once
def award_levels(frame: pd.DataFrame, title: str, level: str) -> go.Figure:
    """Grouped bars per sub-area, one per awarded year: the villages' mean number of stars held
    (`areas.award_levels`); click a bar to drill into that sub-area."""
    fig = go.Figure()
    years = sorted(frame["year"].unique())
    for i, year in enumerate(years):
        rows = frame[frame["year"] == year]
        fig.add_trace(
            go.Bar(
                x=[style.label(v) for v in rows["label"]],
                y=rows["mean_level"].tolist(),
                name=f"{year}年",
                marker_color=progress.LEVEL_COLORS[min(5, 2 + i)],
                text=[f"{v:.2f}" for v in rows["mean_level"]],
                textposition="outside",
                customdata=rows[["villages", "gained", "lost"]].to_numpy(),
                hovertemplate=(
                    f"%{{x}} · {year}年：平均 %{{y:.2f}} 颗星（%{{customdata[0]:,}} 个村）"
                    "<br>新获评星 %{customdata[1]:,} 个村，被摘星 %{customdata[2]:,} 个村"
                    f"<br>点击进入该{level}<extra></extra>"
                ),
            )
        )
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=[style.label(v) for v in dict.fromkeys(frame["label"])],
    )
    fig.update_layout(barmode="group", legend=style.LEGEND_BELOW)
    return style.apply(fig, title, level, "平均星级（颗）")
