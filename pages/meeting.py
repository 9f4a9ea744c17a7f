"""会议模式: the quarter's slides full screen (arrow keys, auto-advance), 季度通报 and the deck."""

import functools

import streamlit as st

from wuxing import periods, ui
from wuxing.charts import meeting as meeting_charts
from wuxing.meeting import briefing, deck, letterhead, slides
from wuxing.metrics import reporting, villages
from wuxing.ui import slideshow

ds = ui.load_dataset()
filters = ui.current_filters()
pass_mark = ui.settings().pass_mark

# The controls in one bar: a row above the slide, or, while presenting, a small translucent bar
# in the corner of the projected screen (the arrow keys turn the slides either way).
bar = st.container(horizontal=True, key="meeting_bar", vertical_alignment="center")
presenting = slideshow.presenting(bar)
if presenting:
    st.html(meeting_charts.PRESENTATION_CSS)  # a fixed style string, never user text

keys = slides.outline(ds, filters.area, filters.period, pass_mark) if filters.period else []
if not keys:
    st.title("会议模式")
    ui.empty_state("当前地区还没有数据。请在“数据上传”页上传季度台账，或关闭放映模式后换一个地区。")
    st.stop()
period, count = filters.period, len(keys)
position = slideshow.page_turner(bar, count)
sample = "示例数据 · " if ds.is_sample else ""
# The quarter as the sidebar names it: "（已报 2/13 村）" while not every village has reported.
quarter = reporting.quarter_choice(
    period,
    reporting.reported_counts(ds, filters.area),
    villages.village_count(ds, filters.area),
)
st.caption(
    ui.plain(f"{sample}{villages.area_label(filters.area)} · {quarter} · 达标线 {pass_mark:g} 分")
)
# Only the slide on screen is made.
slideshow.show(
    slides.slide(ds, filters.area, period, pass_mark, keys[position.index - 1]), presenting
)
if position.pace is not None:
    slideshow.advance_every(position.pace, count)

if presenting:  # the projected screen shows the slide only; the rest is a click away
    st.stop()
st.divider()
left, right = st.columns([3, 1])
# Written when opened: for a province the text reads every slide's numbers and more.
head = letterhead.letterhead(filters.area, period, ui.settings())
with left.expander("季度通报（右上角按钮可复制全文）", key="briefing", on_change="rerun") as box:
    if box.open:
        st.code(
            briefing.text(ds, filters.area, period, pass_mark, head), language=None, wrap_lines=True
        )
right.download_button(
    "下载季度通报（Word）",
    data=functools.partial(briefing.document, ds, filters.area, period, pass_mark, head),
    file_name=f"{head.title}.docx",
    mime=briefing.DOCX_MIME,
    key="briefing_docx",
    on_click="ignore",
    icon=":material/description:",
    width="stretch",
)
right.download_button(
    "下载会议材料（PPT）",
    # Built only on click; a partial keeps just these arguments, where a lambda would keep all
    # of this page's globals alive while the session is idle.
    data=functools.partial(deck.build, ds, filters.area, period, pass_mark),
    file_name=f"{villages.area_label(filters.area)}{periods.label(period)}会议材料.pptx",
    mime=deck.MIME,
    key="deck",
    on_click="ignore",
    icon=":material/slideshow:",
    width="stretch",
)
if ds.is_sample:
    ui.sample_banner(ds)
