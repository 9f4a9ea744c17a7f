"""会议模式: the quarter's slides full screen (arrow keys, auto-advance), 季度通报 and the deck."""

import functools

import streamlit as st

from wuxing import periods, ui
from wuxing.charts import meeting as meeting_charts
from wuxing.meeting import briefing, deck, slides
from wuxing.metrics import villages

ds = ui.load_dataset()
filters = ui.current_filters()
pass_mark = ui.settings().pass_mark

# The controls in one bar: a row above the slide, or, while presenting, a small translucent bar
# in the corner of the projected screen (the arrow keys turn the slides either way).
bar = st.container(horizontal=True, key="meeting_bar", vertical_alignment="center")
presenting = bar.toggle(
    "放映模式",
    value=True,
    key="present",
    help="放映：隐藏侧栏和下载，大字号，每页一屏。关闭后可在侧栏换地区和季度，并下载通报和会议材料。",
)
if presenting:
    st.html(meeting_charts.PRESENTATION_CSS)  # a fixed style string, never user text

keys = slides.outline(ds, filters.area, filters.period, pass_mark) if filters.period else []
if not keys:
    st.title("会议模式")
    ui.empty_state("当前地区还没有数据。请在“数据上传”页上传季度台账，或关闭放映模式后换一个地区。")
    st.stop()
period, count = filters.period, len(keys)
numbers = [str(n) for n in range(1, count + 1)]
ui.drop_stale_choice("slide", numbers)  # another area or quarter may have fewer slides
ui.url_choice("slide", numbers, "1", "页码")


def go(step: int, total: int, wrap: bool = False) -> None:
    """Move `step` slides, stopping at the ends (or wrapping round, for auto-advance)."""
    n = int(st.session_state.get("slide", "1")) + step
    n = (n - 1) % total + 1 if wrap else min(max(n, 1), total)
    st.session_state["slide"] = str(n)


index = int(st.session_state["slide"])
ui.sync_url(slide=str(index))
bar.button(
    "上一页",
    key="prev",
    on_click=go,
    args=(-1, count),
    shortcut="left",
    icon=":material/arrow_back:",
    disabled=index == 1,
)
bar.markdown(f"**{index:d} / {count:d}**")
bar.button(
    "下一页",
    key="next",
    on_click=go,
    args=(1, count),
    shortcut="right",
    icon=":material/arrow_forward:",
    disabled=index == count,
)
auto = bar.toggle("自动翻页", key="auto")
pace = 20
if auto:
    pace = bar.selectbox(
        "每页停留",
        [10, 20, 30, 60],
        index=1,
        key="pace",
        width=110,
        format_func="{} 秒".format,
        label_visibility="collapsed",
    )
sample = "示例数据 · " if ds.is_sample else ""
st.caption(
    ui.plain(
        f"{sample}{villages.area_label(filters.area)} · {periods.label(period)}"
        f" · 达标线 {pass_mark:g} 分"
    )
)

slide = slides.slide(ds, filters.area, period, pass_mark, keys[index - 1])  # only this one is made
st.header(ui.plain(slide.title), anchor=False)  # the slide's one title: its figure has none
if slide.figure is not None:
    ui.chart(
        slide.figure,
        slide.table,
        key=f"slide_{slide.key}",
        name=slide.title,
        data_box=not presenting,
    )
else:
    for column, figure in zip(st.columns(min(4, len(slide.figures))), slide.figures, strict=False):
        card = column.container(border=True, height="stretch")  # the notes on the card itself
        card.metric(
            ui.plain(figure.label),
            ui.plain(figure.value),
            delta=ui.plain(figure.change) if figure.change else None,
        )
        for line in (figure.note, *figure.details):
            if line:
                card.caption(ui.plain(line))
    if slide.table is not None and not presenting:
        with st.expander("数据"):
            ui.show_table(slide.table)
            ui.excel_download(slide.table, slide.title, key=f"slide_{slide.key}_xlsx")
if slide.note:
    st.subheader(ui.plain(slide.note), anchor=False)

if auto:

    @st.fragment(run_every=pace)
    def advance() -> None:
        """Turn the page every `pace` seconds (not on the run that drew the page)."""
        if st.session_state.pop("_meeting_drawn", False):
            return
        go(1, count, wrap=True)
        st.rerun()

    st.session_state["_meeting_drawn"] = True
    advance()

if presenting:  # the projected screen shows the slide only; the rest is a click away
    st.stop()
st.divider()
left, right = st.columns([3, 1])
# Written when opened: for a province the text reads every slide's numbers and more.
head = briefing.letterhead(filters.area, period, ui.settings())
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
