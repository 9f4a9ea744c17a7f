"""The 结对帮带 slide of 会议模式 and the deck. Within a township, each pair's average gap as a
bar coloured by its trend, the trend in words on the bar too (a printout may be grey); above a
township, how many pairs closed, held or widened their gap in each sub-area."""

from __future__ import annotations

import pandas as pd

from wuxing import periods
from wuxing.charts import pair_overview, style
from wuxing.dataset import Dataset
from wuxing.meeting.slide import ChartData, Series, Slide, series_values
from wuxing.metrics import areas, pairs, villages


def pairs_slide(view: Dataset, area: str, period: str) -> Slide:
    """The 结对帮带 slide of `area` (`view`: its villages) in `period`: per sub-area when the area
    is grouped into sub-areas, else per pair."""
    if areas.grouped(view, area):
        return _by_area(view, area, period)
    return _by_pair(view, period)


def _by_area(view: Dataset, area: str, period: str) -> Slide:
    level = areas.level_label(area)
    frame = pairs.pairs_by_area(view, area, period)
    fig = pair_overview.pairs_by_area(frame, periods.label(period), level)
    chart = ChartData(
        "bar",
        tuple(frame["label"]),
        tuple(
            Series(trace.name, series_values(frame[column]), trace.marker.color)
            for column, trace in zip(
                ("closing", "stable", "widening", "unknown"), fig.data, strict=True
            )
        ),
        level,
        "结对数（对）",
    )
    widening = int(frame["widening"].sum())
    return Slide(
        "pairs",
        f"{periods.label(period)}结对帮带：各{level}差距变化",
        lambda: fig,
        chart,
        table=pairs.by_area_table(frame, level),
        note=f"共 {int(frame['pairs'].sum())} 对结对，本季度差距扩大 {widening} 对",
    )


def _by_pair(view: Dataset, period: str) -> Slide:
    overview = pairs.pairs_overview(view, villages.ALL_AREAS, period)
    names = tuple(
        f"{a} → {b}" for a, b in zip(overview["mentor_name"], overview["mentee_name"], strict=True)
    )
    # Closing green, widening red, and the word on the bar too (a printout may be grey).
    colors = tuple(
        pair_overview.TREND_COLORS.get(t, style.NEUTRAL_COLOR) for t in overview["trend"]
    )
    labels = tuple(
        "缺分" if pd.isna(g) else f"{g:.1f} 分（较上季度{t}）"
        for g, t in zip(overview["gap"], overview["trend"], strict=True)
    )
    chart = ChartData(
        "bar",
        names,
        (
            Series(
                "五星平均差距（分）",
                series_values(overview["gap"]),
                point_colors=colors,
                labels=labels,
            ),
        ),
        "结对",
        "五星平均差距（分）",
        "0.0",
    )

    closing = int((overview["trend"] == pairs.CLOSING).sum())
    widening = int(overview["widening"].sum())
    return Slide(
        "pairs",
        f"{periods.label(period)}结对帮带：各结对平均差距",
        lambda: pair_overview.pairs_at_a_glance(overview, periods.label(period)),
        chart,
        table=pairs.overview_table(overview),
        note=_note(len(overview), closing, widening),
        draw_wide=lambda: pair_overview.pairs_at_a_glance(
            overview, periods.label(period), beside=True
        ),
    )


def _note(count: int, closing: int, widening: int) -> str:
    """`共 4 对结对，较上季度差距缩小 1 对（绿色）`: a zero count is left unsaid."""
    parts = [
        f"差距{word} {n} 对（{colour}）"
        for word, n, colour in (
            (pairs.CLOSING, closing, "绿色"),
            (pairs.WIDENING, widening, "红色"),
        )
        if n
    ]
    return f"共 {count} 对结对" + (f"，较上季度{'，'.join(parts)}" if parts else "")
