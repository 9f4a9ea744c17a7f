"""Figures of the 结对比较 page: two villages' stars side by side, their scores and gaps over time,
and the township's pairs at a glance."""

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


def _values(series: pd.Series) -> list[float | None]:
    """Plain values with missing as None, so plotly leaves a gap instead of drawing zero."""
    return [None if pd.isna(v) else float(v) for v in series]


def _translucent(color: str, alpha: float = 0.18) -> str:
    """`#RRGGBB` as an rgba fill, so both outlines stay visible where the areas overlap."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _year_tick(period: str) -> str:
    """`2023Q1` → `2023年`, other quarters unlabelled (their tick and grid line remain)."""
    return f"{periods.year_of(period)}年" if periods.quarter_of(period) == 1 else ""


@drawn_once
def star_radar(
    comparison: pd.DataFrame, m: Matchup, period_label: str, pass_mark: float
) -> go.Figure:
    """Radar of both villages' five star scores with the pass mark ring (`star_comparison`)."""
    theta = [catalog.STAR_BY_ID[s].short for s in comparison["star"]]
    closed = [*theta, theta[0]]  # repeat the first star so each outline closes
    fig = go.Figure()
    fig.add_trace(go.Scatterpolar(
        r=[pass_mark] * len(closed), theta=closed, name=f"达标线 {pass_mark:g} 分",
        mode="lines", line={"color": style.PASS_COLOR, "dash": "dash", "width": 2},
        hovertemplate=f"达标线 {pass_mark:g} 分<extra></extra>",
    ))  # fmt: skip
    for column, label, color in (("first", m.first_label, FIRST_COLOR),
                                 ("second", m.second_label, SECOND_COLOR)):  # fmt: skip
        shown = style.label(label)
        r = _values(comparison[column])
        fig.add_trace(go.Scatterpolar(
            r=[*r, r[0]], theta=closed, name=shown, mode="lines+markers",
            line={"color": color, "width": 3}, marker={"size": 9},
            fill="toself", fillcolor=_translucent(color),
            hovertemplate=f"{shown} · %{{theta}}：%{{r:.1f}} 分<extra></extra>",
        ))  # fmt: skip
    scores = pd.concat([comparison["first"], comparison["second"]]).dropna()
    low = min(60.0, float(scores.min()) - 5) if not scores.empty else 60.0
    high = max(100.0, float(scores.max()) + 2) if not scores.empty else 100.0
    fig.update_layout(
        # 支部过硬 on top, clockwise; the score axis runs between the first two stars so its
        # tick labels do not sit on a star's name.
        polar={"radialaxis": {"range": [low, high], "ticksuffix": " 分", "angle": 54,
                              "tickangle": 54, "dtick": 10, "tickfont": {"size": 12}},
               "angularaxis": {"tickfont": {"size": 18}, "rotation": 90, "direction": "clockwise"}},
        legend={"orientation": "h", "y": -0.12},
        height=520,
        # Room beside the circle for the star names: on a phone 产业兴旺 ran off the edge.
        margin={"l": 80, "r": 80},
    )  # fmt: skip
    return style.apply(fig, f"{period_label}五星得分对比：{m.first_name} 与 {m.second_name}")


@drawn_once
def score_lines(history: pd.DataFrame, m: Matchup, pass_mark: float) -> go.Figure:
    """One panel per star: both villages' scores over the quarters, the pass mark dashed
    (`pairs.score_history`)."""
    stars = [s for s in catalog.STAR_IDS if s in set(history["star"])]
    fig = make_subplots(rows=1, cols=max(1, len(stars)), shared_yaxes=True,
                        subplot_titles=[catalog.STAR_BY_ID[s].short for s in stars])  # fmt: skip
    quarters = sorted(set(history["period"]))
    # Traces and pass-mark lines added in one call each: per-panel add_trace and add_hline
    # re-validated the whole figure every time (half a second for ten lines).
    traces, cols, marks = [], [], []
    for col, star in enumerate(stars, start=1):
        for code, label, color, dash in ((m.first, m.first_label, FIRST_COLOR, "solid"),
                                         (m.second, m.second_label, SECOND_COLOR, "dot")):  # fmt: skip
            rows = history[(history["star"] == star) & (history["code"] == code)]
            shown = style.label(label)
            series = rows.set_index("period")["score"].reindex(quarters)
            traces.append(go.Scatter(
                x=[periods.quarter_index(q) for q in quarters], y=_values(series), name=shown,
                legendgroup=shown, showlegend=col == 1, mode="lines+markers",
                line={"color": color, "width": 3, "dash": dash}, marker={"size": 7},
                customdata=[periods.label(q) for q in quarters],
                hovertemplate=f"{shown} · %{{customdata}}：%{{y:.1f}} 分<extra></extra>",
            ))  # fmt: skip
            cols.append(col)
        axis = "" if col == 1 else str(col)
        marks.append({"type": "line", "xref": f"x{axis} domain", "x0": 0, "x1": 1,
                      "yref": f"y{axis}", "y0": pass_mark, "y1": pass_mark,
                      "line": {"color": style.PASS_COLOR, "dash": "dash", "width": 1.5}})  # fmt: skip
    fig.add_traces(traces, rows=[1] * len(traces), cols=cols)
    fig.update_layout(shapes=marks)
    # Narrow panels: a tick per quarter, the year written under each first quarter only.
    fig.update_xaxes(tickvals=[periods.quarter_index(q) for q in quarters],
                     ticktext=[_year_tick(q) for q in quarters], tickangle=0,
                     tickfont={"size": 12})  # fmt: skip
    fig.update_layout(height=440, legend={"orientation": "h", "y": -0.25}, margin={"b": 110})
    style.apply(fig, f"各星得分走势（达标线 {pass_mark:g} 分，虚线）", "", "得分（分）")
    fig.update_xaxes(title_text="")
    fig.update_xaxes(title_text="季度", col=(len(stars) + 1) // 2)
    fig.update_yaxes(title_text="")
    fig.update_yaxes(title_text="得分（分）", col=1)
    return fig


@drawn_once
def gap_lines(history: pd.DataFrame, m: Matchup) -> go.Figure:
    """One panel per star (small multiples, shared scale): the gap (first − second) over the
    quarters in the star's colour, zero marked; the marker shape says whether the gap closed
    (▼), widened (▲) or held (●) on the quarter before (`pairs.gap_history`)."""
    stars = [s for s in catalog.STAR_IDS if s in set(history["star"])]
    fig = make_subplots(rows=1, cols=max(1, len(stars)), shared_yaxes=True,
                        subplot_titles=[catalog.STAR_BY_ID[s].short for s in stars])  # fmt: skip
    quarters = sorted(set(history["period"]))
    traces, cols, zeros = [], [], []
    for col, star in enumerate(stars, start=1):
        rows = history[history["star"] == star].set_index("period").reindex(quarters)
        short = catalog.STAR_BY_ID[star].short
        traces.append(go.Scatter(
            x=[periods.quarter_index(q) for q in quarters], y=_values(rows["gap"]), name=short,
            mode="lines+markers", line={"color": catalog.STAR_COLORS[star], "width": 3},
            marker={"size": 11, "symbol": [_TREND_SYMBOL.get(t, "circle-open") for t in rows["trend"]]},
            customdata=[[periods.label(q), t if isinstance(t, str) else "—"]
                        for q, t in zip(quarters, rows["trend"], strict=True)],
            hovertemplate=f"%{{customdata[0]}} · {short}：差距 %{{y:.1f}} 分（%{{customdata[1]}}）<extra></extra>",
        ))  # fmt: skip
        cols.append(col)
        axis = "" if col == 1 else str(col)
        zeros.append({"type": "line", "xref": f"x{axis} domain", "x0": 0, "x1": 1,
                      "yref": f"y{axis}", "y0": 0, "y1": 0,
                      "line": {"color": style.NEUTRAL_COLOR, "width": 1}})  # fmt: skip
    fig.add_traces(traces, rows=[1] * len(traces), cols=cols)
    for trend, symbol in _TREND_SYMBOL.items():
        # Legend-only entries that explain the marker shapes.
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=f"差距{trend}",
                                 marker={"symbol": symbol, "size": 11, "color": style.NEUTRAL_COLOR},
                                 hoverinfo="skip"))  # fmt: skip
    fig.update_layout(shapes=zeros, height=420, legend={"orientation": "h", "y": -0.25},
                      margin={"b": 110})  # fmt: skip
    fig.update_xaxes(tickvals=[periods.quarter_index(q) for q in quarters],
                     ticktext=[_year_tick(q) for q in quarters], tickangle=0,
                     tickfont={"size": 12})  # fmt: skip
    title = f"各星差距走势（{m.first_name} − {m.second_name}）"
    style.apply(
        fig,
        title,
        "",
        "差距（分）",
        subtitle=f"每颗星一格；正数表示{m.second_name}落后，越接近 0 越好",
    )
    fig.update_xaxes(title_text="")
    fig.update_xaxes(title_text="季度", col=(len(stars) + 1) // 2)
    fig.update_yaxes(title_text="")
    fig.update_yaxes(title_text="差距（分）", col=1)
    return fig


@drawn_once
def pairs_at_a_glance(overview: pd.DataFrame, period_label: str) -> go.Figure:
    """Horizontal bars: each pair's average star gap now; pairs whose gap widened in red
    (`pairs.pairs_overview`)."""
    frame = overview.sort_values("gap", na_position="first")
    labels = [
        style.label(f"{a} → {b}")
        for a, b in zip(frame["mentor_name"], frame["mentee_name"], strict=True)
    ]
    colors = [TREND_COLORS.get(t, style.NEUTRAL_COLOR) for t in frame["trend"]]
    fig = go.Figure(go.Bar(
        x=_values(frame["gap"]), y=labels, orientation="h", marker_color=colors,
        text=[f"{g:.1f} 分（{t}）" if not pd.isna(g) else "缺分" for g, t in
              zip(frame["gap"], frame["trend"], strict=True)],
        textposition="auto",
        hovertemplate="%{y}：平均差距 %{x:.1f} 分<extra></extra>",
    ))  # fmt: skip
    fig.update_layout(height=max(300, 48 * len(frame) + 150))
    title = f"{period_label}各结对平均差距"
    return style.apply(fig, title, "五星平均差距（分）", "结对",
                       subtitle=f"较上季度：绿色差距{CLOSING}，红色差距{WIDENING}")  # fmt: skip


@drawn_once
def pairs_by_area(frame: pd.DataFrame, period_label: str, level: str) -> go.Figure:
    """Stacked bars per sub-area: its pairs whose gap closed, held or widened on the previous
    quarter (`pairs.pairs_by_area`); click a bar to drill into that sub-area."""
    fig = go.Figure()
    for column, name, color in (
        ("closing", f"差距{CLOSING}", style.PASS_COLOR),
        ("stable", f"差距{STABLE}", style.NEUTRAL_COLOR),
        ("widening", f"差距{WIDENING}", style.FAIL_COLOR),
        ("unknown", "暂无比较", style.MISSING_COLOR),
    ):
        fig.add_trace(go.Bar(
            x=frame[column].tolist(), y=[style.label(v) for v in frame["label"]], name=name, orientation="h",
            marker_color=color, customdata=frame[["area", "gap"]].to_numpy(),
            hovertemplate=(f"%{{y}}：{name} %{{x:,}} 对<br>平均差距 %{{customdata[1]:.1f}} 分"
                           f"<br>点击进入该{level}<extra></extra>"),
        ))  # fmt: skip
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(barmode="stack", height=max(320, 30 * len(frame) + 160),
                      legend={"orientation": "h", "y": -0.15})  # fmt: skip
    title = f"{period_label}各{level}结对差距变化（较上季度）"
    return style.apply(fig, title, "结对数（对）", level)


#: The board's colours: the trend of a pair's gap since pairing.
TREND_COLORS = {CLOSING: style.PASS_COLOR, WIDENING: style.FAIL_COLOR, STABLE: style.NEUTRAL_COLOR}
_LINE_HEIGHT = 19  # px per text line of the board's right-hand column


def _signed(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:+.1f} 分"


@drawn_once
def pair_board(board: pd.DataFrame, period_label: str) -> go.Figure:
    """Every pair of an area on one screen (`pairs.pair_board`): left, its average star gap at
    pairing (hollow) and now (filled: green closing, red widening, grey stable since pairing);
    right, the trend in words with the change since pairing and on last quarter, and the
    mentee's outlook per missing target star. A click on a pair's point picks it (customdata:
    the pair key)."""
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.36, 0.64],
                        horizontal_spacing=0.02)  # fmt: skip
    labels = [style.label(f"{a} → {b}")
              for a, b in zip(board["mentor_name"], board["mentee_name"], strict=True)]  # fmt: skip
    colors = [TREND_COLORS.get(t, style.MISSING_COLOR) for t in board["trend_since"]]
    segments_x, segments_y = [], []
    for label, before, now in zip(labels, board["gap_at_pairing"], board["gap"], strict=True):
        segments_x += [
            None if pd.isna(before) else float(before),
            None if pd.isna(now) else float(now),
            None,
        ]
        segments_y += [label, label, None]
    fig.add_trace(go.Scatter(x=segments_x, y=segments_y, mode="lines", showlegend=False,
                             line={"color": style.MISSING_COLOR, "width": 4}, hoverinfo="skip"),
                  row=1, col=1)  # fmt: skip
    fig.add_trace(go.Scatter(
        x=_values(board["gap_at_pairing"]), y=labels, mode="markers", name="结对时差距",
        marker={"size": 13, "symbol": "circle-open", "color": style.NEUTRAL_COLOR, "line": {"width": 2}},
        customdata=list(board["key"]),
        hovertemplate="%{y}：结对时差距 %{x:.1f} 分<extra></extra>",
    ), row=1, col=1)  # fmt: skip
    fig.add_trace(go.Scatter(
        x=_values(board["gap"]), y=labels, mode="markers+text", name="当前差距",
        marker={"size": 17, "color": colors, "line": {"width": 0}},
        text=["" if pd.isna(g) else f"{g:.1f}" for g in board["gap"]], textposition="top center",
        customdata=list(board["key"]),
        hovertemplate="%{y}：当前差距 %{x:.1f} 分（点击查看详情）<extra></extra>",
    ), row=1, col=1)  # fmt: skip
    notes, lines = [], 1
    for trend, since, quarter, outlook in zip(board["trend_since"], board["change_since"],
                                              board["change_quarter"], board["outlook"], strict=True):  # fmt: skip
        color = TREND_COLORS.get(trend, style.NEUTRAL_COLOR)
        word = f"差距{trend}" if trend in TREND_COLORS else "暂无比较"
        # One line per star, and a trend's later quarter on a line of its own: the column is
        # a third of a laptop screen wide.
        text = (
            style.label(outlook)
            .replace("，按近期趋势", "；　按近期趋势")
            .replace("（按近期趋势", "；　（按近期趋势")
        )
        parts = text.split("；")
        notes.append(f'<span style="color:{color}"><b>{word}</b></span>　较结对时 {_signed(since)}'
                     f"　较上季度 {_signed(quarter)}<br>" + "<br>".join(parts))  # fmt: skip
        lines = max(lines, 1 + len(parts))
    fig.add_trace(go.Scatter(x=[0] * len(labels), y=labels, mode="text", text=notes,
                             textposition="middle right", showlegend=False, hoverinfo="skip",
                             textfont={"size": 14, "color": "#2C3E50"}),
                  row=1, col=2)  # fmt: skip
    for trend, color in TREND_COLORS.items():
        # Legend-only entries that explain the colours.
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=f"结对以来差距{trend}",
                                 marker={"size": 13, "color": color}, hoverinfo="skip"))  # fmt: skip
    # First pair on top, with room above it for its gap's label.
    fig.update_yaxes(type="category", range=[len(labels) - 0.5, -0.8])
    fig.update_xaxes(visible=False, range=[0, 1], fixedrange=True, row=1, col=2)
    row_height = _LINE_HEIGHT * lines + 16
    fig.update_layout(height=max(260, row_height * len(labels) + 150), margin={"t": 80, "b": 40},
                      legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
                      clickmode="event+select", dragmode=False)  # fmt: skip
    style.apply(fig, f"{period_label}各结对差距与帮带村达标预计", "五星平均差距（分）")
    fig.update_layout(title={"y": 0.98, "yanchor": "top"})
    return fig
