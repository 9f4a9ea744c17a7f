"""星级进度: scores over the quarters against the pass mark, awards by year, targets."""

import functools

import streamlit as st

from wuxing import catalog, periods, ui
from wuxing.charts import areas as area_charts
from wuxing.charts import progress as charts
from wuxing.metrics import areas, progress, stars, villages

page = ui.open_page("星级进度")
ds, view, filters, pass_mark = page.dataset, page.view, page.filters, page.pass_mark

period = filters.period
star_name = "五星平均" if filters.star == ui.ALL_STARS else catalog.STAR_BY_ID[filters.star].label
st.caption(
    f"{ui.plain(villages.area_label(filters.area))} · 截至{periods.label(period)} · {star_name} · "
    f"共 {len(view.villages)} 个村 · 在侧栏“星”中可只看一颗星"
)
# Above the township: one line or bar per county or township, and a click narrows the area to it.
grouped = areas.grouped(view, filters.area)
level = areas.level_label(filters.area)


st.subheader(ui.plain(f"各{level}季度平均得分") if grouped else "各村季度得分")
if grouped:
    history = areas.score_history(view, filters.area, filters.star, period)
else:
    history = progress.score_history(view, filters.star, last=period)
if history.empty:
    ui.empty_state(f"截至{periods.label(period)}还没有{star_name}得分。")
elif grouped:
    what = "五星" if filters.star == ui.ALL_STARS else star_name
    title = f"各{level}{what}平均得分变化（达标线 {pass_mark:g} 分）"
    event = ui.chart(
        area_charts.score_trend(history, title, pass_mark, level),
        functools.partial(areas.score_history_table, history, level),
        key="area_trend",
        name=f"各{level}{what}平均得分变化",
        on_select="rerun",
    )
    ui.drill_on_click(view, filters.area, event)
else:
    if filters.star == ui.ALL_STARS:
        st.caption("五星平均分：五颗星得分的平均，只计五颗星都已评分的季度。")
    title = f"各村{star_name}得分变化（达标线 {pass_mark:g} 分）"
    ui.chart(
        charts.score_trend(history, title, pass_mark),
        functools.partial(progress.score_table, history),
        key="score_trend",
        name=f"各村{star_name}得分变化",
    )

counts = progress.passing_counts(view, filters.star, pass_mark, last=period)
if counts.empty:
    ui.empty_state("还没有星级评分，无法统计达标村数。")
else:
    table = progress.passing_table(counts)
    ui.chart(
        charts.passing_counts(counts, len(view.villages), pass_mark),
        table,
        key="passing",
        name="各季度达标村数",
    )

st.subheader("年度评定")
no_awards = "还没有年度星级评定结果。评定结果在“星级评定”表中上传。"
if grouped:
    awards = areas.award_levels(view, filters.area, filters.star)
    if awards.empty:
        ui.empty_state(no_awards)
    else:
        event = ui.chart(
            area_charts.award_levels(awards, f"各{level}年度平均星级", level),
            functools.partial(areas.award_table, awards, level),
            key="area_awards",
            name=f"各{level}年度平均星级",
            on_select="rerun",
        )
        ui.drill_on_click(view, filters.area, event)
else:
    changes = progress.award_changes(view, filters.star)
    if changes.empty:
        ui.empty_state(no_awards)
    else:
        most = len(progress.stars_of(filters.star))
        what = "星级" if most == 5 else star_name
        st.caption("格中写明当年所获星级；↑ 为比上一年新获评的星，↓ 为被摘的星。")
        ui.chart(
            charts.award_grid(changes, f"各村年度{what}评定（↑新获评 ↓摘星）", most),
            functools.partial(progress.award_grid_table, changes),
            key="awards",
            name=f"各村年度{what}评定",
        )

year = periods.year_of(period)
st.subheader(f"{year}年创星目标")
no_targets = f"{year}年还没有创星目标。目标在“创星目标”表中上传。"
if grouped:
    on_track = areas.target_counts(view, filters.area, period, pass_mark)
    if on_track.empty:
        ui.empty_state(no_targets)
    else:
        event = ui.chart(
            area_charts.target_counts(on_track, year, level),
            functools.partial(areas.target_table, on_track, level),
            key="area_targets",
            name=f"{year}年各{level}创星目标进度",
            on_select="rerun",
        )
        ui.drill_on_click(view, filters.area, event)
else:
    gaps = progress.target_gaps(view, period, pass_mark, filters.star)
    if gaps.empty:
        ui.empty_state(no_targets)
    else:
        st.caption(f"按{periods.label(period)}得分计算；未评分的星按差满 {pass_mark:g} 分计。")
        ui.chart(
            charts.target_gaps(gaps, year, pass_mark),
            functools.partial(progress.target_gap_table, gaps),
            key="gaps",
            name=f"{year}年创星目标差距",
        )

latest = stars.latest_award_year(view, period)
if latest is not None:
    st.caption(f"最近一次年度评定：{latest:d}年。")
