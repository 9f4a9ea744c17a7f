"""总览: where the area stands this quarter."""

import streamlit as st

from wuxing import formatting, periods, ui
from wuxing.charts import areas as area_charts
from wuxing.charts import overview as charts
from wuxing.metrics import areas, headline, profile, stars, targets, villages

page = ui.open_page("总览")
ds, view, filters, pass_mark = page.dataset, page.view, page.filters, page.pass_mark

period = filters.period
st.caption(
    f"{ui.plain(villages.area_label(filters.area))} · {periods.label(period)} · 共 {len(view.villages)} 个村"
)

columns = st.columns(4)
for column, figure in zip(columns, headline.headlines(view, period), strict=True):
    delta = formatting.change(figure.change, figure.unit)
    card = column.container(border=True, height="stretch")
    card.metric(
        ui.plain(f"{figure.label}（{figure.unit}）"),
        formatting.quantity(figure.value, figure.unit),
        delta=None if figure.change is None else ui.plain(f"{delta}（{figure.comparison}）"),
        help=f"对比 {periods.label(figure.previous_period)}",
    )
    # Below the number, on the card: the quarter's own amount of a running total, and who reported.
    for line in (figure.added_note(), figure.coverage()):
        if line:
            card.caption(ui.plain(line))

year = stars.latest_award_year(view, period)
left, right = st.columns(2)
if year is None:
    left.info("还没有年度星级评定结果。")
else:
    with left:
        dist = stars.level_distribution(view, year)
        ui.chart(
            charts.level_distribution(dist, year),
            dist.rename(columns={"label": "星级", "villages": "村数（个）"})[
                ["星级", "村数（个）"]
            ],
            key="levels",
            name=f"{year}年度星级分布",
        )
    with right:
        held = stars.stars_held_count(view, year)
        ui.chart(
            charts.stars_held(held, year),
            held.rename(columns={"label": "星", "villages": "获评村数（个）"})[
                ["星", "获评村数（个）"]
            ],
            key="held",
            name=f"{year}年度各星获评村数",
        )

level = areas.level_label(filters.area)
if areas.grouped(view, filters.area):
    # Above the township: one row per county or township; a click narrows the area to it.
    matrix = areas.score_matrix(view, filters.area, period)
    table = areas.score_table(matrix, areas.village_counts(view, filters.area))
    event = ui.chart(
        area_charts.score_heatmap(matrix, periods.label(period), pass_mark, level),
        table,
        key="area_heatmap",
        name=f"{periods.label(period)}各{level}星级平均分",
        on_select="rerun",
        select_rows=True,
    )
    st.caption(ui.plain(f"每格为该{level}各村平均分。点击一行进入该{level}。"))
    if picked := areas.picked_area(
        view, filters.area, ui.selected_points(event), ui.selected_rows("area_heatmap"), table
    ):
        ui.drill_into(picked)
    counts = areas.target_counts(view, filters.area, period, pass_mark)
    if not counts.empty:
        event = ui.chart(
            area_charts.target_counts(counts, periods.year_of(period), level),
            areas.target_table(counts, level),
            key="area_targets",
            on_select="rerun",
            name=f"{periods.year_of(period)}年各{level}创星目标进度",
        )
        if picked := areas.picked_area(view, filters.area, ui.selected_points(event)):
            ui.drill_into(picked)
    st.stop()

matrix = stars.score_matrix(view, period)
if matrix.notna().any().any():
    scores = stars.score_table(matrix)
    event = ui.chart(
        charts.score_heatmap(matrix, periods.label(period), pass_mark),
        scores,
        key="heatmap",
        name=f"{periods.label(period)}各村星级评分",
        on_select="rerun",
        select_rows=True,
    )
    st.caption("点击格子或“数据”表中的一行，打开该村档案。")
    picked = profile.picked_village(
        view, ui.selected_points(event), ui.selected_rows("heatmap"), scores
    )
    if picked:
        ui.open_profile(picked)
else:
    ui.empty_state(f"{periods.label(period)}还没有星级评分。")

status = targets.target_status(view, period, pass_mark)
if status.empty:
    ui.empty_state(f"{periods.year_of(period)}年还没有创星目标。")
else:
    counts = targets.on_track_counts(status)
    st.subheader(
        f"{periods.year_of(period)}年创星目标：{counts[targets.STATUS_ON_TRACK]:,} 个村按目标推进，"
        f"{counts[targets.STATUS_OFF_TRACK]:,} 个村未达目标进度"
    )
    table = targets.target_table(status)
    event = ui.chart(
        charts.target_progress(status, periods.year_of(period)),
        table,
        key="targets",
        name=f"{periods.year_of(period)}年创星目标进度",
        on_select="rerun",
        select_rows=True,
    )
    picked = profile.picked_village(
        view, ui.selected_points(event), ui.selected_rows("targets"), table
    )
    if picked:
        ui.open_profile(picked)
