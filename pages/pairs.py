"""结对比较: all pairs of the area first (gap now and at pairing, closing or widening, when each
mentee reaches its target); below, one pair (or any two villages) side by side, over time."""

import functools

import streamlit as st

from wuxing import catalog, periods, ui
from wuxing.charts import pair_overview
from wuxing.charts import pairs as charts
from wuxing.metrics import areas, pairs, villages

page = ui.open_page("结对比较")
ds, view, filters, pass_mark = page.dataset, page.view, page.filters, page.pass_mark
period = filters.period
star = None if filters.star == ui.ALL_STARS else filters.star
options = pairs.pair_options(view)


# -- every pair of the area: the answer the page opens on -----------------------------------------
if options.empty:
    pass  # said below, with what to do about it
elif areas.grouped(view, filters.area):  # above the township: one bar per county or township
    level = areas.level_label(filters.area)
    by_area = pairs.pairs_by_area(ds, filters.area, period)
    event = ui.chart(
        pair_overview.pairs_by_area(by_area, periods.label(period), level),
        functools.partial(pairs.by_area_table, by_area, level),
        key="pair_areas",
        on_select="rerun",
        name=f"{periods.label(period)}各{level}结对差距变化",
    )
    st.caption(
        ui.plain(
            f"按帮带村所在{level}统计；平均差距 = 各结对五星差距的平均值。点击一行进入该{level}。"
        )
    )
    ui.drill_on_click(view, filters.area, event)
else:
    board = pairs.pair_board(ds, filters.area, period, pass_mark)
    board_table = pairs.board_table(board)
    event = ui.chart(
        pair_overview.pair_board(board, periods.label(period)),
        board_table,
        key="pair_board",
        on_select="rerun",
        name=f"{periods.label(period)}各结对差距与达标预计",
    )
    st.caption(pairs.TREND_COLOURS_RULE)
    picked_row = ui.show_table(
        board_table, key="pair_board_rows", on_select="rerun", selection_mode="single-row"
    )
    ui.open_picked_pair("chart", pairs.picked_pair(board, ui.selected_points(event)))
    ui.open_picked_pair("table", pairs.picked_pair(board, [], list(picked_row.selection.rows)))

# -- one pair (or any two villages) in detail ----------------------------------------------------
st.subheader("结对详情")
modes = {"pair": "已结对的村", "any": "任选两个村"}
mode = ui.url_choice("mode", list(modes), "pair", "比较方式")
st.radio("比较方式", list(modes), key="mode", format_func=modes.get, horizontal=True)
label = villages.names(ds)
matchup = None
if mode == "pair":
    if options.empty:
        ui.empty_state(
            "当前地区还没有结对帮带记录。可在“数据上传”页上传“结对帮带”表"
            "（导师村、帮带村、结对时间），或选择“任选两个村”比较任意两个村。"
        )
        ui.sync_url(mode=mode, pair="", v1="", v2="")
        st.stop()
    keys = list(options["key"])
    ui.url_choice("pair", keys, keys[0], "结对")
    pair_label = dict(zip(options["key"], options["label"], strict=True))
    chosen = ui.picker(st, "结对（导师村 → 帮带村）", keys, key="pair", format_func=pair_label.get)
    matchup = pairs.pair_matchup(view, chosen)
    ui.sync_url(mode=mode, pair=chosen, v1="", v2="")
else:
    codes = pairs.village_options(view)
    left, right = st.columns(2)
    ui.url_choice("v1", codes, codes[0], "参照村")
    ui.url_choice("v2", codes, codes[min(1, len(codes) - 1)], "比较村")
    first = ui.picker(left, "参照村", codes, key="v1", format_func=label.get)
    second = ui.picker(
        right, "比较村（看它与参照村的差距）", codes, key="v2", format_func=label.get
    )
    ui.sync_url(mode=mode, pair="", v1=first, v2=second)
    for column, code in ((left, first), (right, second)):
        column.caption(ui.plain(pairs.pair_notes_line(ds, code)))
    if first == second:
        ui.empty_state("请选择两个不同的村进行比较。")
        st.stop()
    matchup = pairs.free_matchup(ds, first, second)

m = matchup
st.caption(ui.plain(pairs.matchup_caption(m, period, pass_mark)))

st.subheader("五星对比")
standing = pairs.standing_table(ds, m, period)
ui.show_table(standing)
ui.excel_download(standing, f"{m.first_name}与{m.second_name}星级概况", key="pair_standing_xlsx")
comparison = pairs.star_comparison(ds, m, period, pass_mark)
if not pairs.any_scored(comparison):
    ui.empty_state(f"{periods.label(period)}两村都还没有星级评分。")
else:
    table = pairs.star_table(comparison, m, pass_mark)
    ui.chart(
        charts.star_radar(comparison, m, periods.label(period), pass_mark),
        table,
        key="pair_radar",
        name=f"{m.first_name}与{m.second_name}五星得分对比",
    )
    ui.show_table(table)

star_text = catalog.star_label(star)
st.subheader(f"指标对比（{star_text}）")
gaps = pairs.indicator_gaps(ds, m, period, star)
if gaps.empty:
    ui.empty_state(f"{periods.label(period)}两村都还没有{star_text}的指标数据。")
else:
    st.caption(ui.plain(pairs.indicator_rule(m)))
    indicator_table = pairs.indicator_table(gaps, m)
    ui.show_table(indicator_table)
    ui.excel_download(indicator_table, f"{m.first_name}与{m.second_name}指标对比", key="pair_ind")

st.subheader("走势：差距在缩小还是扩大")
history = pairs.score_history(ds, m, period, star)
if history.empty:
    ui.empty_state("两村还没有星级评分记录。")
else:
    gap_history = pairs.gap_history(ds, m, period, star)
    ui.chart(
        charts.score_lines(history, m, pass_mark),
        functools.partial(pairs.gap_table, gap_history, m),
        key="pair_lines",
        name=f"{m.first_name}与{m.second_name}各星得分走势",
    )
    st.info(pairs.TREND_RULE, icon=":material/rule:")
    ui.chart(
        charts.gap_lines(gap_history, m),
        functools.partial(pairs.gap_table, gap_history, m),
        key="pair_gaps",
        name=f"{m.first_name}与{m.second_name}各星差距走势",
    )

st.subheader(ui.plain(f"{m.second_name}预计何时达标"), anchor=False)  # no #link from a name
st.markdown(ui.plain(pairs.target_outlook(ds, m.second, period, pass_mark)))
st.caption(pairs.PROJECTION_RULE)
projection = pairs.projection_table(pairs.projections(ds, m.second, period, pass_mark))
ui.show_table(projection)
ui.excel_download(projection, f"{m.second_name}预计达标", key="pair_projection_xlsx")
