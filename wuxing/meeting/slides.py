"""The slides of 会议模式 and of the meeting deck, as data: one list shared by the page and the
PowerPoint, so both always show the same figures.

Each slide carries the plotly figure for the screen, the same numbers as plain series for a
native PowerPoint chart (`ChartData`), or key figures, and the table behind it. Slides whose
data is missing (no awards yet, no pairs) are left out rather than shown empty. The 结对帮带
slide is made in `pair_slides`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from wuxing import catalog, formatting, periods
from wuxing.charts import overview as overview_charts
from wuxing.charts import progress as progress_charts
from wuxing.charts import ranking as ranking_charts
from wuxing.charts import style
from wuxing.dataset import Dataset
from wuxing.meeting import pair_slides
from wuxing.meeting.slide import ChartData, KeyFigure, ScoreGrid, Series, Slide, series_values
from wuxing.memo import remembered
from wuxing.metrics import (
    headline,
    meeting,
    pairs,
    progress,
    ranking,
    reporting,
    stars,
    targets,
    villages,
)

#: A ranking slide shows at most this many villages (a county's 500 bars are unreadable).
RANK_TOP = 15


def _place(area: str, period: str) -> str:
    return f"{villages.area_label(area)}{periods.label(period)}"


@remembered
def outline(ds: Dataset, area: str, period: str, pass_mark: float) -> list[str]:
    """The keys of the slides `build` makes, in order, without making them: the page shows one
    slide at a time, and making all of a province's took most of its first view."""
    view = villages.scope(ds, area)
    if view.villages.empty:
        return []
    keys = ["headline"]
    if stars.latest_award_year(view, period) is not None:
        keys += ["levels", "held"]
    if stars.score_grid(view, period).notna().to_numpy().any():
        keys.append("scores")
    if progress.scored_stars(view, period):
        keys.append("passing")
    ranked = ranking.ranking(view, ranking.TOTAL, period)
    if ranked["rank"].notna().any():
        keys.append("ranking")
        if not ranking.movers_together(ranked, ranking.TOTAL, n=5).empty:
            keys.append("movers")
    if not pairs.pair_options(view).empty:
        keys.append("pairs")
    if targets.has_targets(view, period):
        keys.append("targets")
    return keys


@remembered
def slide(ds: Dataset, area: str, period: str, pass_mark: float, key: str) -> Slide:
    """The slide `key` of `outline` (its numbers, table and a figure drawn on first use)."""
    view = villages.scope(ds, area)
    if key == "headline":
        return _headline_slide(view, area, period)
    if key in ("levels", "held"):
        year = stars.latest_award_year(view, period)
        if year is None:  # not in `outline`: no awards stand in `period`
            raise KeyError(key)
        return _level_slide(view, year) if key == "levels" else _held_slide(view, year)
    if key == "scores":
        return _scores_slide(view, period, pass_mark)
    if key == "passing":
        return _passing_slide(view, period, pass_mark)
    if key in ("ranking", "movers"):
        ranked = ranking.ranking(view, ranking.TOTAL, period)
        if key == "ranking":
            return _ranking_slide(ranked, period)
        return _movers_slide(ranking.movers_together(ranked, ranking.TOTAL, n=5), period)
    if key == "pairs":
        return pair_slides.pairs_slide(view, area, period)
    if key == "targets":
        return _targets_slide(targets.target_status(view, period, pass_mark), period)
    raise KeyError(key)


@remembered
def build(ds: Dataset, area: str, period: str, pass_mark: float) -> list[Slide]:
    """The meeting slides for `area` in quarter `period`, in the order they are presented."""
    return [slide(ds, area, period, pass_mark, key) for key in outline(ds, area, period, pass_mark)]


def _headline_slide(view: Dataset, area: str, period: str) -> Slide:
    figures = headline.headlines(view, period)
    keys = []
    for f in figures:
        # No change known (nothing to compare): no chip, where "↑ —" read as a rise.
        change = "" if f.change is None else formatting.change(f.change, f.unit)
        if change and f.change_pct is not None:
            change += f"（{formatting.percent_change(f.change_pct)}）"
        details = tuple(d for d in (f.added_note(), f.coverage()) if d)
        keys.append(
            KeyFigure(
                f"{f.label}（{f.unit}）",
                formatting.quantity(f.value, f.unit),
                change,
                f"{f.comparison}（对比{periods.label(f.previous_period)}）",
                details,
            )
        )
    return Slide(
        "headline",
        f"{_place(area, period)}主要指标",
        figures=tuple(keys),
        table=meeting.headline_table(figures),
        note=_villages_note(view, period),
    )


def _villages_note(view: Dataset, period: str) -> str:
    """`共 13 个村`, and when not all have reported the quarter, how many have: the figures
    above are theirs."""
    count, reported = len(view.villages), reporting.reported_in(view, period)
    if reported >= count:
        return f"共 {count:,} 个村"
    return f"共 {count:,} 个村，{periods.label(period)}已报 {reported:,} 个：以上只含已报的村"


def _level_slide(view: Dataset, year: int) -> Slide:
    dist = stars.level_distribution(view, year)
    fig = overview_charts.level_distribution(dist, year)
    colors = tuple(fig.data[0].marker.color)  # the deck's bars match the screen's
    chart = ChartData(
        "column",
        tuple(dist["label"]),
        (Series("村数（个）", series_values(dist["villages"]), point_colors=colors),),
        "星级",
        "村数（个）",
    )
    table = dist.rename(columns={"label": "星级", "villages": "村数（个）"})[["星级", "村数（个）"]]
    return Slide("levels", f"{year}年度星级分布", lambda: fig, chart, table=table)


def _held_slide(view: Dataset, year: int) -> Slide:
    held = stars.stars_held_count(view, year)
    colors = tuple(catalog.STAR_COLORS[s] for s in held["star"])
    chart = ChartData(
        "column",
        tuple(held["label"]),
        (Series("获评村数（个）", series_values(held["villages"]), point_colors=colors),),
        "星",
        "村数（个）",
    )
    table = held.rename(columns={"label": "星", "villages": "获评村数（个）"})[
        ["星", "获评村数（个）"]
    ]

    def draw() -> go.Figure:
        return overview_charts.stars_held(held, year)

    return Slide("held", f"{year}年度各星获评村数", draw, chart, table=table)


def _scores_slide(view: Dataset, period: str, pass_mark: float) -> Slide:
    matrix = meeting.unmet_matrix(view, period, pass_mark, RANK_TOP)
    scored = int(stars.score_grid(view, period).notna().any(axis=1).sum())
    title = f"{periods.label(period)}各村各星得分：哪些村哪颗星未达标"
    if scored > len(matrix):  # a county's 500 rows are unreadable: those furthest from passing
        title = f"{periods.label(period)}未达标星最多的 {len(matrix)} 个村"
    grid = ScoreGrid(
        tuple(str(v) for v in matrix.index),
        tuple(catalog.STAR_BY_ID[s].label for s in matrix.columns),
        tuple(series_values(row) for _, row in matrix.iterrows()),
        pass_mark,
    )
    below = int(matrix.lt(pass_mark).to_numpy().sum())
    missing = int(matrix.isna().to_numpy().sum())
    note = f"达标线 {pass_mark:g} 分：绿色达标，红色未达标，共 {below} 颗星未达标" + (
        f"，{missing} 颗缺报" if missing else ""
    )

    def draw() -> go.Figure:
        return overview_charts.score_heatmap(matrix, periods.label(period), pass_mark)

    return Slide("scores", title, draw, grid=grid, table=stars.score_table(matrix), note=note)


#: The pass-count slide shows at most this many quarters (grouped by five stars each).
PASSING_QUARTERS = 8


def _passing_slide(view: Dataset, period: str, pass_mark: float) -> Slide:
    counts = progress.passing_counts(view, progress.ALL_STARS, pass_mark, last=period)
    quarters = sorted(set(counts["period"]))[-PASSING_QUARTERS:]
    counts = counts[counts["period"].isin(quarters)].reset_index(drop=True)
    title = f"五星各季度达标村数（达标线 {pass_mark:g} 分）"
    series = []
    for star in catalog.STARS:
        rows = counts[counts["star"] == star.id].set_index("period")["passing"]
        if not rows.empty:
            series.append(Series(star.label, series_values(rows.reindex(quarters)), star.color))
    chart = ChartData(
        "column",
        tuple(periods.short_label(p) for p in quarters),
        tuple(series),
        "季度",
        "达标村数（个）",
    )
    table = progress.passing_table(counts)
    villages_in_view = len(view.villages)

    def draw() -> go.Figure:
        return progress_charts.passing_counts(counts, villages_in_view, pass_mark)

    now = counts[counts["period"] == period]
    note = "；".join(
        f"{catalog.STAR_BY_ID[s].short} {int(n)}"
        for s, n in zip(now["star"], now["passing"], strict=True)
    )
    if note:
        note = f"{periods.label(period)}达标村数：{note}（共 {villages_in_view} 个村）"
    return Slide("passing", title, draw, chart, table=table, note=note)


def _ranking_slide(ranked: pd.DataFrame, period: str) -> Slide:
    reported = ranked.dropna(subset=["rank"])
    top = reported.head(RANK_TOP)
    title = f"{periods.label(period)}五星总分排名" + (
        f"（前 {RANK_TOP} 名）" if len(reported) > RANK_TOP else ""
    )
    chart = ChartData(
        "bar",
        tuple(top["village"]),
        (Series("五星总分（分）", series_values(top["value"]), style.NEUTRAL_COLOR),),
        "村",
        "五星总分（分）",
        "0.0",
    )

    def draw() -> go.Figure:
        return ranking_charts.ranking(top, title, "五星总分（分）", "分", None)

    _, word = ranking.comparison(ranking.TOTAL, period)
    return Slide(
        "ranking", title, draw, chart, table=ranking.ranking_table(ranked, ranking.TOTAL, word)
    )


def _movers_slide(moved: pd.DataFrame, period: str) -> Slide:
    before, word = ranking.comparison(ranking.TOTAL, period)
    title = f"五星总分进退最大的村（{word}：对比{periods.label(before)}）"
    colors = tuple(
        style.PASS_COLOR if i > 0 else style.FAIL_COLOR
        for i in ranking.improvement(moved, ranking.TOTAL)
    )
    chart = ChartData(
        "bar",
        tuple(moved["village"]),
        (Series(f"{word}变化（分）", series_values(moved["change"]), point_colors=colors),),
        "村",
        f"{word}变化（分）",
        "+0.0;-0.0;0",
    )

    def draw() -> go.Figure:
        return ranking_charts.changes(moved, title, f"{word}变化（分）", "分")

    return Slide(
        "movers", title, draw, chart, table=ranking.ranking_table(moved, ranking.TOTAL, word)
    )


def _targets_slide(status: pd.DataFrame, period: str) -> Slide:
    year = periods.year_of(period)
    counts = targets.on_track_counts(status)
    off = meeting.off_track(status)
    title = f"{year}年创星目标：未达目标进度的村"
    note = (
        f"{counts[targets.STATUS_ON_TRACK]} 个村按目标推进，"
        f"{counts[targets.STATUS_OFF_TRACK]} 个村未达目标进度"
    )
    if off.empty:
        figure = KeyFigure(
            "未达目标进度的村", "0 个", note=f"{len(status)} 个定有目标的村全部按目标推进"
        )
        return Slide(
            "targets", title, figures=(figure,), table=targets.target_table(status), note=note
        )
    if len(off) > RANK_TOP:  # a province has thousands: the slide names those furthest behind
        title = f"{year}年创星目标：差距最大的 {RANK_TOP} 个村"
    top = off.head(RANK_TOP)
    chart = ChartData(
        "bar",
        tuple(top["village"]),
        (
            Series(
                "目标星尚差（分）",
                series_values(top["points_short"]),
                style.FAIL_COLOR,
                labels=tuple(targets.shortfall(top)),
            ),
        ),
        "村",
        "目标星尚差分数（分）",
        "0.0",
    )

    return Slide(
        "targets",
        title,
        lambda: overview_charts.target_progress(top, year),
        chart,
        table=targets.target_table(off),
        note=note,
        draw_wide=lambda: overview_charts.target_progress(top, year, beside=True),
    )
