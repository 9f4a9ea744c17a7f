"""Figures of the 指标分析 page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from wuxing import catalog, formatting
from wuxing.charts import style
from wuxing.charts.figure_cache import drawn_once

# Light to dark: a higher band reads as "further along" (<5, 5–10, 10–20, ≥20 万元).
BAND_COLORS = ["#F5B7B1", "#FAD7A0", "#A9DFBF", "#1E8449", "#145A32", "#0B3D20"]


# One colour per village line: 24 distinct colours, so a township's villages never share one.
VILLAGE_COLORS = qualitative.Dark24


def _texts(values: pd.Series, unit: str) -> list[str]:
    return [formatting.number(v, unit) for v in values]


@drawn_once
def by_village(
    frame: pd.DataFrame, indicator: str, name: str, unit: str, title: str, bands: list[str]
) -> go.Figure:
    """Bars per village in value order (`indicators.by_village`), coloured by band where the
    catalog has bands; villages that did not report are named at the axis with 缺报, no bar."""
    meta = catalog.indicator(indicator)
    fig = go.Figure()
    reported = frame[frame["value"].notna()]
    if bands:
        for band, color in zip(bands, BAND_COLORS, strict=False):
            rows = reported[reported["band"] == band]
            fig.add_trace(_bars(rows, f"{band} {unit}", color, unit, show_empty=True))
    else:
        fig.add_trace(_bars(reported, name, catalog.STAR_COLORS[meta.star], unit))
    missing = frame[frame["value"].isna()]
    if not missing.empty:
        fig.add_trace(
            go.Scatter(
                x=[style.label(v) for v in missing["village"]],
                y=[0] * len(missing),
                mode="markers+text",
                text=["缺报"] * len(missing),
                textposition="top center",
                marker={"color": style.MISSING_COLOR, "size": 10, "symbol": "x"},
                name="缺报（未填报）",
                customdata=missing[["code"]].to_numpy(),
                hovertemplate="%{x}：未填报<extra></extra>",
            )
        )
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=[style.label(v) for v in frame["village"]],
    )
    top = float(reported["value"].max()) if not reported.empty else 1.0
    fig.update_yaxes(
        range=[
            min(0.0, float(reported["value"].min()) if not reported.empty else 0.0),
            max(top, 1e-9) * 1.18,
        ]
    )
    fig.update_layout(showlegend=bool(bands) or not missing.empty, legend=style.LEGEND_BELOW)
    return style.apply(fig, title, "村", f"{name}（{unit}）")


def _bars(rows: pd.DataFrame, name: str, color: str, unit: str, show_empty: bool = False) -> go.Bar:
    return go.Bar(
        x=[style.label(v) for v in rows["village"]],
        y=rows["value"].tolist(),
        name=style.label(name),
        marker_color=color,
        text=_texts(rows["value"], unit),
        textposition="outside",
        customdata=rows[["code"]].to_numpy(),
        hovertemplate=f"%{{x}}：%{{y:,.{formatting.decimals(unit)}f}} {unit}<extra></extra>",
        showlegend=True if show_empty else None,
    )


@drawn_once
def over_time(frame: pd.DataFrame, title: str, unit: str, axis: str) -> go.Figure:
    """Lines: each village's value per period (`indicators.over_time`); gaps stay gaps."""
    fig = go.Figure()
    labels = list(dict.fromkeys(frame.sort_values("key")["label"]))
    for i, (village, rows) in enumerate(frame.groupby("village", sort=False)):
        series = rows.set_index("label")["value"].reindex(labels)
        shown = style.label(village)
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=series.to_numpy(),
                name=shown,
                mode="lines+markers",
                line={"color": VILLAGE_COLORS[i % len(VILLAGE_COLORS)], "width": 2},
                connectgaps=False,
                hovertemplate=f"{shown} · %{{x}}：%{{y:,.{formatting.decimals(unit)}f}} {unit}"
                "<extra></extra>",
            )
        )
    fig.update_xaxes(type="category", **style.time_ticks(labels))
    fig.update_layout(height=560, legend=style.LEGEND_BELOW)
    return style.apply(fig, title, axis, f"{unit}")


@drawn_once
def totals(
    frame: pd.DataFrame, indicator: str, name: str, title: str, unit: str, axis: str, word: str
) -> go.Figure:
    """Bars in the indicator's star colour: the area figure per period (`indicators.totals`),
    with how many villages reported."""
    meta = catalog.indicator(indicator)
    fig = go.Figure(
        go.Bar(
            x=frame["label"],
            y=frame["value"],
            marker_color=catalog.STAR_COLORS[meta.star],
            text=_texts(frame["value"], unit),
            textposition="outside",
            customdata=frame[["reporting", "villages"]].to_numpy(),
            hovertemplate=f"%{{x}}：%{{y:,.{formatting.decimals(unit)}f}} {unit}"
            "（%{customdata[0]}/%{customdata[1]} 个村已报）<extra></extra>",
        )
    )
    values = frame["value"].dropna()
    fig.update_yaxes(range=[0, max(1e-9, float(values.max()) if not values.empty else 1.0) * 1.18])
    fig.update_xaxes(type="category", **style.time_ticks(list(frame["label"])))
    return style.apply(fig, title, axis, f"{name}{word}（{unit}）")
