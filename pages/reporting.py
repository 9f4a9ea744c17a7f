"""填报进度: which villages have reported the chosen quarter, what they still miss, and a 催报
list."""

import functools

import streamlit as st

from wuxing import periods, ui
from wuxing.charts import reporting as charts
from wuxing.metrics import areas, reporting, villages

page = ui.open_page("填报进度")
filters, period = page.filters, page.period
# The villages the account answers for (a village account: its own), within the sidebar's area.
chosen = ui.own_area(filters.area)
view = villages.scope(page.dataset, chosen)
area = villages.area_label(chosen)
quarter = periods.label(period)
st.caption(
    ui.plain(f"{area} · {quarter}")
    + " · 某类数据只要有一个村报了，就要求每个村都报；“部分”表示只报了其中一些项。"
)
if chosen != filters.area:
    st.caption(ui.plain(f"按您账号负责的范围（{villages.area_label(chosen)}）显示。"))
if view.villages.empty:
    ui.empty_state(ui.NO_DATA)
    st.stop()
# Pages open on the last quarter most villages reported; the one being collected is a click away.
counts = reporting.reported_counts(page.dataset, chosen)
if newer := reporting.newer_quarter(counts, period, len(view.villages)):
    collecting = reporting.quarter_choice(newer, counts, len(view.villages))
    st.info(ui.plain(f"{collecting}正在上报，这里显示的是{quarter}。"))
    st.button(f"查看{periods.label(newer)}的填报进度", on_click=ui.show_quarter, args=(newer,))

# What is expected of a village: what its township's villages report (see peer_area).
peers = villages.scope(page.dataset, reporting.peer_area(chosen))
status = reporting.village_status(view, period, tuple(reporting.expected_kinds(peers, period)))
tally = reporting.tally(status)
first, second, third = st.columns(3)
first.metric("已报村数（个）", f"{tally.reported:,} / {tally.villages:,}", border=True)
second.metric("未报村数（个）", f"{tally.missing:,}", border=True)
third.metric("有缺项的村（个）", f"{tally.with_gaps:,}", border=True)
(st.success if not tally.missing and not tally.with_gaps else st.warning)(
    ui.plain(tally.sentence())
)
if nobody := reporting.unreported_kinds(peers, period):
    st.caption(ui.plain(f"{quarter}还没有任何村上报：{'、'.join(nobody)}（不计入上面的缺项）。"))

if areas.grouped(view, chosen):  # a county or province: one bar per township
    level = areas.level_label(chosen)
    frame = reporting.by_area(view, chosen, period)
    event = ui.chart(
        charts.by_area(frame, quarter, level),
        functools.partial(reporting.area_table, frame, level),
        key="reporting_by_area",
        name=f"{quarter}各{level}填报进度",
        on_select="rerun",
    )
    # A city is usually past the village list's limit (lists_villages): promise no list there.
    villages_below = areas.next_level(chosen) != "city"
    st.caption(
        ui.plain(f"点击柱子进入该{level}" + ("，查看各村的填报情况。" if villages_below else "。"))
    )
    ui.drill_on_click(view, chosen, event)

revisions, touched = ui.upload_touches()


def village_grid():
    """Each village's progress and latest upload (the table, and the Excel of every village)."""
    codes = status["code"].tolist()
    return reporting.grid_table(status, reporting.latest_uploads(revisions, touched, codes))


st.subheader("各村填报情况")
if not reporting.lists_villages(chosen, len(status)):
    # A province's 46,000 rows would help nobody and cost seconds per rerun: lead with the bars.
    st.info(
        ui.plain(f"{area}共 {len(status):,} 个村，逐村名单太长，这里不一一列出。")
        + "请在左侧选择到县（区）或乡镇，查看各村的填报情况和催报名单；"
        + "下载的 Excel 列出全部村。"
    )
    ui.excel_download(village_grid, f"{quarter}填报进度", key="reporting_xlsx")
    st.stop()
grid = village_grid()
ui.show_table(grid, column_config={"缺项": st.column_config.TextColumn(width="large")})
ui.excel_download(grid, f"{quarter}填报进度", key="reporting_xlsx")

st.subheader("催报名单")
st.caption("右上角的按钮可一键复制，粘贴到工作群即可。")
st.code(reporting.reminder_text(status, period, area), language=None, wrap_lines=True)
