"""村庄档案: one village — stars, scores, every indicator with its trend, rank, pair, uploads."""

import functools

import streamlit as st

from wuxing import catalog, formatting, periods, ui
from wuxing.charts import profile as charts
from wuxing.metrics import profile, villages

st.title("村庄档案")
ds = ui.load_dataset()
ui.sample_banner(ds)
filters = ui.current_filters()
view = villages.scope(ds, filters.area)

if view.villages.empty:
    ui.empty_state("当前地区还没有村庄。请在“数据上传”页上传村庄名单和季度台账，或换一个地区。")
    st.stop()

code = ui.village_picker(view)
info = profile.facts(view, code)
# No anchor: it would be a #link made from the name.
st.subheader(
    ui.plain(info.name) + (f"（{ui.plain(info.place)}）" if info.place else ""), anchor=False
)

if filters.period is None:
    ui.empty_state(f"{ui.plain(info.name)}还没有季度数据。请在“数据上传”页上传季度台账。")
    st.stop()

period = filters.period
pass_mark = ui.settings().pass_mark
year = periods.year_of(period)
card = profile.stars(view, code, period, pass_mark)
ranks = profile.peer_ranks(view, code, period)
target = profile.target(view, code, year)
award_year = card["award_year"].dropna()

cols = st.columns([1, 1, 1, 1, 1.4])  # the rank tile: a province's ranks have five digits
cols[0].metric("户数（户）", formatting.quantity(info.households, "户"), border=True)
cols[1].metric("人口（人）", formatting.quantity(info.population, "人"), border=True)
held = int(card["held"].sum())
cols[2].metric(
    f"{int(award_year.iloc[0])}年度星级" if not award_year.empty else "年度星级",
    catalog.LEVEL_LABELS[held] if not award_year.empty else "尚未评定",
    border=True,
)
cols[3].metric(
    f"{year}年创星目标", catalog.LEVEL_LABELS[target] if target is not None else "未定", border=True
)
total = ranks.iloc[0]
# 并列 goes into the help: the tile is a fifth of the width, and a province's rank is 5 digits.
cols[4].metric(
    f"五星总分排名（共{total['of']:,}村）",
    ui.plain(profile.rank_text(total["rank"], False)),
    help=f"在{ui.plain(villages.area_label(filters.area))}各村中，按本季度五星总分"
    + ("（与他村并列）" if total["tied"] else ""),
    border=True,
)
if info.cluster:
    st.caption(f"所属片区：{ui.plain(info.cluster)}")

pairs = profile.pairs(ds, code)
if pairs.empty:
    st.caption("导师帮带：未结对。")
for pair in pairs.itertuples(index=False):
    partner_role = profile.MENTEE if pair.role == profile.MENTOR else profile.MENTOR
    since = f"，{periods.label(pair.since)}起" if periods.is_quarter(pair.since) else ""
    st.info(
        f"导师帮带：本村是{ui.plain(pair.role)}，{ui.plain(partner_role)}为 **{ui.plain(pair.partner_name)}**{since}。"
        "可在“结对比较”页并排比较两村。",
        icon=":material/handshake:",
    )

left, right = st.columns(2)
with left:
    if card["score"].notna().any():
        title = f"{info.name}{periods.label(period)}五星得分"
        mean = profile.mean_name(view, filters.area)  # 马庄桥镇平均, not 全区平均 for a township
        ui.chart(
            charts.star_radar(card, info.name, periods.label(period), pass_mark, mean),
            functools.partial(profile.star_table, card, period, pass_mark, mean),
            key="radar",
            name=title,
        )
    else:
        ui.empty_state(f"{periods.label(period)}还没有{ui.plain(info.name)}的星级评分。")
with right:
    history = profile.score_history(view, code, period)
    if history.empty:
        ui.empty_state(f"{ui.plain(info.name)}还没有星级评分记录。")
    else:
        ui.chart(
            charts.score_history(history, info.name, pass_mark),
            functools.partial(profile.score_history_table, history),
            key="history",
            name=f"{info.name}各星得分变化",
        )

st.markdown(
    f"**在{ui.plain(villages.area_label(filters.area))}的名次**（按本季度得分，并列者名次相同；悬停看分数）"
)
# Three to a row: a province's ranks (并列第12,345名) do not fit six across.
for start in range(0, len(ranks), 3):
    part = ranks.iloc[start : start + 3]
    for column, row in zip(st.columns(3), part.itertuples(index=False), strict=False):
        column.metric(
            ui.plain(row.label),
            ui.plain(profile.rank_text(row.rank, row.tied)),
            help=f"本季度 {formatting.quantity(row.value, '分')}，共 {row.of:,} 个村参与排名",
        )

st.subheader("各项指标")
trends = profile.indicator_trends(view, code, period)
if trends.empty:
    ui.empty_state(f"截至{periods.label(period)}，{ui.plain(info.name)}还没有填报指标。")
else:
    st.caption(
        f"{periods.label(period)}的数值，与上一季度比（年内累计数在第一季度与上年同期比）；"
        "趋势线为各季度数值，缺报的季度留空。"
    )
    ui.show_table(
        profile.trend_table(trends),
        column_config={"趋势": st.column_config.LineChartColumn("趋势（各季度）")},
    )
    ui.excel_download(
        functools.partial(profile.trend_table, trends, with_trend=False),
        f"{info.name}各项指标",
        key="trends_xlsx",
    )

st.subheader("数据上传记录")
uploads = ui.village_uploads(code)
if uploads.empty:
    ui.empty_state(f"还没有涉及{ui.plain(info.name)}的上传记录。")
else:
    upload_table = profile.uploads_table(uploads)
    ui.show_table(upload_table)
    ui.excel_download(upload_table, f"{info.name}上传记录", key="uploads_xlsx")
