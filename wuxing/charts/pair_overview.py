"""Figures of every pair of an area at once (结对比较's first screen, the meeting's pair slides):
gaps at a glance, pairs per sub-area, and the board of gaps then and now."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from wuxing.charts import style
from wuxing.charts.figure_cache import drawn_once
from wuxing.metrics.pairs import CLOSING, STABLE, WIDENING


@drawn_once
def pairs_at_a_glance(overview: pd.DataFrame, period_label: str, beside: bool = False) -> go.Figure:
    """Horizontal bars: each pair's average star gap now, coloured by its trend on the previous
    quarter (`pairs.pairs_overview`), said in words under the pair's names, or `beside` its bar
    (a slide on a projector: wide, its rows short)."""
    frame = overview.sort_values("gap", na_position="first")
    labels = [
        style.label(f"{a} → {b}")
        for a, b in zip(frame["mentor_name"], frame["mentee_name"], strict=True)
    ]
    colors = [TREND_COLORS.get(t, style.NEUTRAL_COLOR) for t in frame["trend"]]
    # The basis said with each bar: 结对比较's board colours by the trend since pairing.
    words = [
        f"{g:.1f} 分（较上季度{t}）" if not pd.isna(g) else "缺分"
        for g, t in zip(frame["gap"], frame["trend"], strict=True)
    ]
    bars = {
        "x": style.gapped(frame["gap"]),
        "y": labels,
        "orientation": "h",
        "marker_color": colors,
        "hovertemplate": "%{y}：平均差距 %{x:.1f} 分<extra></extra>",
    }
    if beside:
        fig = go.Figure(go.Bar(**bars, text=words, textposition="auto"))
        fig.update_layout(height=max(300, 48 * len(frame) + 150))
    else:
        fig = go.Figure(go.Bar(**bars))
        fig.update_layout(height=max(300, 52 * len(frame) + 150))
        fig.update_yaxes(
            tickmode="array",
            tickvals=labels,
            ticktext=style.words_under(labels, words, colors),
            automargin=True,
        )
    title = f"{period_label}各结对平均差距"
    return style.apply(
        fig,
        title,
        "五星平均差距（分）",
        "结对",
        subtitle=f"较上季度：绿色差距{CLOSING}，红色差距{WIDENING}",
    )


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
        fig.add_trace(
            go.Bar(
                x=frame[column].tolist(),
                y=[style.label(v) for v in frame["label"]],
                name=name,
                orientation="h",
                marker_color=color,
                customdata=frame[["area", "gap"]].to_numpy(),
                hovertemplate=(
                    f"%{{y}}：{name} %{{x:,}} 对<br>平均差距 %{{customdata[1]:.1f}} 分"
                    f"<br>点击进入该{level}<extra></extra>"
                ),
            )
        )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(
        barmode="stack",
        height=max(320, 30 * len(frame) + 160),
        legend=style.LEGEND_BELOW,
    )
    title = f"{period_label}各{level}结对差距变化（较上季度）"
    return style.apply(fig, title, "结对数（对）", level)


#: The board's colours: the trend of a pair's gap since pairing.
TREND_COLORS = {CLOSING: style.PASS_COLOR, WIDENING: style.FAIL_COLOR, STABLE: style.NEUTRAL_COLOR}
_LINE_HEIGHT = 19  # px per text line of the board's right-hand column
_NOTE_WIDTH = 16  # characters a line of that column: 176 of its 190 px on a phone (11 px type)


def _signed(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:+.1f} 分"


@drawn_once
def pair_board(board: pd.DataFrame, period_label: str) -> go.Figure:
    """Every pair of an area on one screen (`pairs.pair_board`): left, its average star gap at
    pairing (hollow) and now (filled: green closing, red widening, grey stable since pairing);
    right, the trend in words with the change since pairing and on last quarter, and the
    mentee's outlook per missing target star. A click on a pair's point picks it (customdata:
    the pair key)."""
    fig = make_subplots(
        rows=1, cols=2, shared_yaxes=True, column_widths=[0.22, 0.78], horizontal_spacing=0.02
    )
    labels = [
        style.label(f"{a} → {b}")
        for a, b in zip(board["mentor_name"], board["mentee_name"], strict=True)
    ]
    colors = [TREND_COLORS.get(t, style.MISSING_COLOR) for t in board["trend_since"]]
    segments_x, segments_y = [], []
    for label, before, now in zip(labels, board["gap_at_pairing"], board["gap"], strict=True):
        segments_x += [
            None if pd.isna(before) else float(before),
            None if pd.isna(now) else float(now),
            None,
        ]
        segments_y += [label, label, None]
    fig.add_trace(
        go.Scatter(
            x=segments_x,
            y=segments_y,
            mode="lines",
            showlegend=False,
            line={"color": style.MISSING_COLOR, "width": 4},
            hoverinfo="skip",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=style.gapped(board["gap_at_pairing"]),
            y=labels,
            mode="markers",
            name="结对时差距",
            marker={
                "size": 13,
                "symbol": "circle-open",
                "color": style.NEUTRAL_COLOR,
                "line": {"width": 2},
            },
            customdata=list(board["key"]),
            hovertemplate="%{y}：结对时差距 %{x:.1f} 分<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=style.gapped(board["gap"]),
            y=labels,
            mode="markers+text",
            name="当前差距",
            marker={"size": 17, "color": colors, "line": {"width": 0}},
            text=["" if pd.isna(g) else f"{g:.1f}" for g in board["gap"]],
            textposition="top center",
            customdata=list(board["key"]),
            hovertemplate="%{y}：当前差距 %{x:.1f} 分（点击查看详情）<extra></extra>",
        ),
        row=1,
        col=1,
    )
    notes, lines = [], 1
    for trend, since, quarter, outlook in zip(
        board["trend_since"],
        board["change_since"],
        board["change_quarter"],
        board["outlook"],
        strict=True,
    ):
        color = TREND_COLORS.get(trend, style.NEUTRAL_COLOR)
        # The basis said in the word: slides and the 通报 speak of the change on last quarter.
        word = f"结对以来差距{trend}" if trend in TREND_COLORS else "暂无比较"
        # One line per star, and a trend's later quarter on a line of its own, each broken to
        # _NOTE_WIDTH characters: the column is a third of a laptop screen wide and 190 px of a
        # phone's, where the lines ran off the chart. Wider lines keep every pair of a township
        # on a desk's first screen.
        text = (
            style.label(outlook)
            .replace("，按近期趋势", "；　按近期趋势")
            .replace("（按近期趋势", "；　（按近期趋势")
        )
        changes = f"较结对时 {_signed(since)}　较上季度 {_signed(quarter)}"
        parts = [style.wrapped(part, _NOTE_WIDTH) for part in [changes, *text.split("；")]]
        notes.append(f'<span style="color:{color}"><b>{word}</b></span><br>' + "<br>".join(parts))
        lines = max(lines, 1 + sum(1 + part.count("<br>") for part in parts))
    fig.add_trace(
        go.Scatter(
            x=[0] * len(labels),
            y=labels,
            mode="text",
            text=notes,
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            textfont={"size": 14, "color": "#2C3E50"},
            cliponaxis=False,
        ),
        row=1,
        col=2,
    )
    for trend, color in TREND_COLORS.items():
        # Legend-only entries that explain the colours.
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=f"结对以来差距{trend}",
                marker={"size": 13, "color": color},
                hoverinfo="skip",
            )
        )
    # First pair on top, with room above it for its gap's label; the pair's names on two lines
    # (mentor →, mentee), which leaves a phone's notes column 40 px more. Their room is set here
    # for the desk's type: plotly measures labels at the figure's size, not a phone's smaller
    # one (style.PHONE_CSS), so its automargin gave them 137 px of a 358 px chart.
    names = [text.replace(" → ", " →<br>") for text in labels]
    widest = max(
        (style.text_width(html.unescape(line)) for n in names for line in n.split("<br>")),
        default=2,
    )
    fig.update_yaxes(
        type="category",
        range=[len(labels) - 0.5, -0.8],
        tickmode="array",
        tickvals=labels,
        ticktext=names,
        automargin=False,
    )
    fig.update_xaxes(visible=False, range=[0, 1], fixedrange=True, row=1, col=2)
    # A third of 220 px on a phone: plotly's every 2 points stood on end and ran together.
    fig.update_xaxes(nticks=3, tickangle=0, row=1, col=1)
    row_height = _LINE_HEIGHT * lines + 16
    fig.update_layout(
        height=max(260, row_height * len(labels) + 150),
        margin={"t": 80, "b": 40, "r": 8, "l": round(style.FONT_SIZE * widest) + 12},
        # Under the board: above it, a phone's five legend rows ran into the title.
        legend=style.LEGEND_BELOW,
        clickmode="event+select",
        dragmode=False,
    )
    style.apply(fig, f"{period_label}各结对差距与帮带村达标预计", "五星平均差距（分）")
    fig.update_layout(title={"y": 0.98, "yanchor": "top"})
    # On two lines: wider than its column on a phone, under which it stands.
    fig.update_xaxes(title_text="五星平均<br>差距（分）", row=1, col=1)
    return fig
