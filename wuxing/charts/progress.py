"""Figures of the 星级进度 page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from wuxing import catalog, periods
from wuxing.charts import style
from wuxing.charts.figure_cache import drawn_once

# Level colours shared with the overview's level distribution (无星 → 五星).
LEVEL_COLORS = ["#EAECEE", "#F5CBA7", "#F0B27A", "#EB984E", "#DC7633", "#BA4A00"]


# One colour per village line: 24 distinct colours, so a township's villages never share one.
VILLAGE_COLORS = qualitative.Dark24


@drawn_once
def score_trend(history: pd.DataFrame, title: str, pass_mark: float) -> go.Figure:
    """Lines: each village's quarterly score (`progress.score_history`), dashed pass mark."""
    fig = go.Figure()
    for i, (village, rows) in enumerate(history.groupby("village", sort=False)):
        shown = style.label(village)
        fig.add_trace(
            go.Scatter(
                x=[periods.short_label(p) for p in rows["period"]],
                y=rows["score"],
                name=shown,
                mode="lines+markers",
                line={"color": VILLAGE_COLORS[i % len(VILLAGE_COLORS)], "width": 2},
                customdata=rows[["code"]].to_numpy(),
                hovertemplate=f"{shown} · %{{x}}：%{{y:.1f}} 分<extra></extra>",
            )
        )
    style.pass_line(fig, pass_mark)
    fig.update_xaxes(
        type="category",
        categoryorder="category ascending",
        **style.time_ticks(sorted(periods.short_label(p) for p in history["period"])),
    )
    fig.update_layout(height=560, legend=style.LEGEND_BELOW)
    return style.apply(fig, title, "季度", "得分（分）")


@drawn_once
def passing_counts(counts: pd.DataFrame, villages: int, pass_mark: float) -> go.Figure:
    """Grouped bars in the star colours: villages 达标 per quarter (`progress.passing_counts`)."""
    fig = go.Figure()
    for star in catalog.STAR_IDS:
        rows = counts[counts["star"] == star]
        if rows.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=[periods.short_label(p) for p in rows["period"]],
                y=rows["passing"],
                name=catalog.STAR_BY_ID[star].label,
                marker_color=catalog.STAR_COLORS[star],
                text=rows["passing"],
                textposition="outside",
                customdata=rows[["scored"]].to_numpy(),
                hovertemplate="%{x}：%{y} 个村达标（共 %{customdata[0]} 个村有评分）<extra></extra>",
            )
        )
    # A tick per village only while few: 15 ticks ran into each other on a phone's short axis.
    fig.update_yaxes(range=[0, max(1, villages) * 1.15], dtick=1 if villages <= 6 else None)
    fig.update_xaxes(
        type="category",
        categoryorder="category ascending",
        **style.time_ticks(sorted(periods.short_label(p) for p in counts["period"])),
    )
    fig.update_layout(barmode="group", legend=style.LEGEND_BELOW)
    title = f"各季度达标村数（达标线 {pass_mark:g} 分）"
    return style.apply(fig, title, "季度", "达标村数（个）")


@drawn_once
def award_grid(changes: pd.DataFrame, title: str, most: int) -> go.Figure:
    """Village × year grid: stars held (colour by count), gains ↑ and losses ↓ written in the cell.

    `most` is how many stars could be held (5, or 1 for a single star).
    """
    years = sorted(changes["year"].unique())
    villages = list(dict.fromkeys(changes["village"]))
    z = np.full((len(villages), len(years)), np.nan)
    text = np.full(z.shape, "无评定", dtype=object)
    for row in changes.itertuples(index=False):
        r, c = villages.index(row.village), years.index(row.year)
        z[r, c] = row.level
        text[r, c] = _cell_text(row.level, row.gained, row.lost, most)
    steps = LEVEL_COLORS if most == 5 else [LEVEL_COLORS[0], LEVEL_COLORS[-1]]
    top = max(1, most)
    scale = []
    for i, color in enumerate(steps):
        scale += [[i / len(steps), color], [(i + 1) / len(steps), color]]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"{y}年" for y in years],
            y=[style.label(v) for v in villages],
            zmin=-0.5,
            zmax=top + 0.5,
            colorscale=scale,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 14},
            xgap=2,
            ygap=2,
            showscale=False,
            hovertemplate="%{y} · %{x}：%{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    lines = max((t.count("<br>") + 1 for t in text.flat), default=1)
    fig.update_layout(height=max(360, (38 + 17 * (lines - 1)) * len(villages) + 140))
    return style.apply(fig, title, "年度", "村")


def _cell_text(level: int, gained: list[str], lost: list[str], most: int) -> str:
    """The stars held, and under them two changes a line: on one line, 五星（↑支部过硬 ↑平安法治
    ↑文明幸福） was twice as wide as its cell at 390 px."""
    head = catalog.LEVEL_LABELS[level] if most == 5 else ("已获评" if level else "未获评")
    marks = [f"↑{catalog.STAR_BY_ID[s].short}" for s in gained]
    marks += [f"↓{catalog.STAR_BY_ID[s].short}" for s in lost]
    pairs = [" ".join(marks[i : i + 2]) for i in range(0, len(marks), 2)]
    return "<br>".join([head, *pairs])


@drawn_once
def target_gaps(gaps: pd.DataFrame, year: int, pass_mark: float) -> go.Figure:
    """Stacked horizontal bars: per village, points each target star lacks, in the star colours."""
    totals = gaps.groupby("village", sort=False)["gap"].sum()
    # Read from the top: the furthest behind first, ties (those on target) in the rows' own
    # pinyin order (`progress.target_gaps`).
    order = list(totals.sort_values(ascending=False, kind="stable").index)
    fig = go.Figure()
    for star in catalog.STAR_IDS:
        rows = gaps[gaps["star"] == star]
        if rows.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=rows["gap"],
                y=[style.label(v) for v in rows["village"]],
                orientation="h",
                name=catalog.STAR_BY_ID[star].label,
                marker_color=catalog.STAR_COLORS[star],
                customdata=rows[["score"]].to_numpy(),
                hovertemplate="%{y} · "
                + catalog.STAR_BY_ID[star].short
                + "：尚差 %{x:.1f} 分（现 %{customdata[0]:.1f} 分）<extra></extra>",
            )
        )
    done = gaps.groupby("village", sort=False)["needed"].max()
    names = [style.label(v) for v in order]
    # How many stars are still wanted, under the village's name: beside its bar the words ran
    # off the chart at 390 px; the axis makes room for them.
    words = [
        f'<span style="color:{style.PASS_COLOR}">已达目标</span>'
        if done[v] == 0
        else f'<span style="color:{style.FAIL_COLOR}">还需 {int(done[v])} 颗星达标</span>'
        for v in order
    ]
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=names,
        autorange="reversed",
        tickmode="array",
        tickvals=names,
        ticktext=[f"{n}<br>{w}" for n, w in zip(names, words, strict=True)],
        automargin=True,
    )
    fig.update_xaxes(range=[0, max(10.0, float(totals.max()) * 1.1)])
    fig.update_layout(
        barmode="stack",
        height=max(360, 46 * len(order) + 160),
        legend=style.LEGEND_BELOW,
    )
    title = f"{year}年创星目标：目标星尚差分数（达标线 {pass_mark:g} 分）"
    return style.apply(fig, title, "尚差分数（分）", "村")
