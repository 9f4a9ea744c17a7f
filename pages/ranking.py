"""比武排名 ("三比一争"): rankings by total score, by star or by indicator; movers; most
improved."""

import functools

import streamlit as st

from wuxing import catalog, periods, ui
from wuxing.charts import ranking as charts
from wuxing.metrics import area_ranking, areas, ranking, villages

page = ui.open_page("比武排名")
ds, view, filters = page.dataset, page.view, page.filters

period = filters.period
choices = ranking.options()
if filters.star != ui.ALL_STARS:
    # A star chosen in the sidebar narrows the list to that star's score and indicators.
    choices = [c for c in choices if ranking.star_of(c) == filters.star]
ui.drop_stale_choice("by", choices)
ui.url_choice("by", choices, choices[0], "排名依据")
by = ui.picker(
    st, "排名依据（可输入文字搜索）", choices, key="by", format_func=ranking.option_label
)
ui.sync_url(by=by)

unit, what = ranking.unit(by), ranking.label(by)
before, word = ranking.comparison(by, period)
# Above the township: one bar per county or township (46,000 village bars say nothing), and a
# click narrows the area to it; the movers and the most improved stay village by village.
grouped = areas.grouped(view, filters.area)
level = areas.level_label(filters.area)
st.caption(
    f"{ui.plain(villages.area_label(filters.area))} · {periods.label(period)} · 共 {len(view.villages):,} 个村 · "
    + ("数值越小名次越前" if ranking.lower_is_better(by) else "数值越大名次越前")
    + " · 并列者名次相同 · "
    + (
        ui.plain(f"各{level}的数值为{area_ranking.area_word(by)}，点击柱子进入该{level}")
        if grouped
        else "点击柱子打开村庄档案"
    )
)

ranked = ranking.village_ranks(view, by, period) if grouped else ranking.ranking(view, by, period)
if ranked["rank"].isna().all():
    ui.empty_state(
        f"{periods.label(period)}还没有{ui.plain(what)}数据，无法排名。请换一个季度或排名依据。"
    )
    st.stop()

if grouped:
    by_area = area_ranking.area_ranking(view, filters.area, by, period)
    how = area_ranking.area_word(by)
    title = f"{periods.label(period)}各{level}{what}排名（{how}）"
    event = ui.chart(
        charts.area_ranking(
            by_area, title, f"{what}{how}（{unit}）", unit, ranking.star_of(by), level
        ),
        functools.partial(area_ranking.area_ranking_table, by_area, by, word, level),
        key="area_ranking",
        name=title,
        on_select="rerun",
    )
    ui.drill_on_click(view, filters.area, event)
else:
    title = f"{periods.label(period)}{what}排名"
    event = ui.chart(
        charts.ranking(ranked, title, f"{what}（{unit}）", unit, ranking.star_of(by)),
        functools.partial(ranking.ranking_table, ranked, by, word),
        key="ranking",
        name=title,
        on_select="rerun",
    )
    for point in ui.selected_points(event):
        code = (point.get("customdata") or [None])[0]
        if code:
            ui.open_profile(str(code))

st.subheader(f"进退最大的村（{ui.plain(word)}：对比{periods.label(before)}）")
moved = ranking.movers_together(ranked, by, n=5)
if moved.empty:
    ui.empty_state(f"{periods.label(before)}没有可比的数据（或各村都没有变化）。")
else:
    title = f"{what}进退最大的村（{word}）"
    ui.chart(
        charts.changes(moved, title, f"{word}变化（{unit}）", unit),
        ranking.ranking_table(moved, by, word),
        key="movers",
        name=title,
    )

since = ranking.improved_since(view, by, period)
improved = ranking.most_improved(view, by, period, n=10)
if since is None or improved.empty:
    ui.empty_state("还没有更早的数据，或没有村比以前进步，暂不能列出进步最快的村。")
else:
    st.subheader(f"进步最快的村（{periods.label(since)} → {periods.label(period)}）")
    title = f"{what}进步最快的村（{periods.label(since)}起）"
    ui.chart(
        charts.changes(improved, title, f"变化（{unit}）", unit),
        ranking.improved_table(improved, by, since, period),
        key="improved",
        name=title,
    )

if filters.star != ui.ALL_STARS:
    st.caption(
        f"只列出{catalog.STAR_BY_ID[filters.star].label}的评分和指标；在侧栏“星”选“全部五星”可按总分排名。"
    )
