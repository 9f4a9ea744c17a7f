"""会议模式's slide show: turning the pages (buttons, arrow keys, auto-advance, the number kept in
the URL) and one slide drawn as the screen shows it (its chart, or its key figures as cards)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from wuxing.meeting.slide import Slide
from wuxing.ui.filters import drop_stale_choice, picker, sync_url, url_choice
from wuxing.ui.text import plain
from wuxing.ui.widgets import chart, excel_download, show_table

#: Seconds a slide stays when auto-advance is on, and the default.
PACES = (10, 20, 30, 60)
_DRAWN = "_meeting_drawn"


@dataclass(frozen=True)
class Position:
    """The slide on screen (1-based) and auto-advance's seconds per slide (None: off)."""

    index: int
    pace: int | None


def go(step: int, total: int, wrap: bool = False) -> None:
    """Move `step` slides, stopping at the ends (or wrapping round, for auto-advance)."""
    n = int(st.session_state.get("slide", "1")) + step
    n = (n - 1) % total + 1 if wrap else min(max(n, 1), total)
    st.session_state["slide"] = str(n)


def presenting(bar: DeltaGenerator) -> bool:
    """放映模式 in `bar`: on at first, except on a phone (there it only hides the sidebar and the
    downloads: its charts stay as the pages draw them, `show`)."""
    return bar.toggle(
        "放映模式",
        value=not _on_phone(),
        key="present",
        help="放映：隐藏侧栏和下载，大字号，每页一屏。关闭后可在侧栏换地区和季度，"
        "并下载通报和会议材料。",
    )


def _on_phone() -> bool:
    # The one sign of the screen the server gets; "Mobi" is what MDN advises looking for (phones
    # say it, tablets and desks do not). A wrong guess only sets the toggle's first position.
    return "Mobi" in (st.context.headers.get("User-Agent") or "")


def page_turner(bar: DeltaGenerator, count: int) -> Position:
    """上一页 / 下一页 (also ← →), the page number and 自动翻页 in `bar`, for `count` slides."""
    numbers = [str(n) for n in range(1, count + 1)]
    drop_stale_choice("slide", numbers)  # another area or quarter may have fewer slides
    url_choice("slide", numbers, "1", "页码")
    index = int(st.session_state["slide"])
    sync_url(slide=str(index))
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
    if not bar.toggle("自动翻页", key="auto"):
        return Position(index, None)
    pace = picker(
        bar,
        "每页停留",
        PACES,
        index=PACES.index(20),
        key="pace",
        width=110,
        format_func="{} 秒".format,
        label_visibility="collapsed",
    )
    return Position(index, pace)


def show(slide: Slide, presenting: bool) -> None:
    """One slide: its title, its chart or key figures, and its note; the data behind it in a
    box (with a download) unless presenting."""
    st.header(plain(slide.title), anchor=False)  # the slide's one title: its figure has none
    # Projector type only where a projector may be: a phone's screen reads the page's figure.
    figure = slide.figure if presenting and not _on_phone() else slide.page_figure
    if figure is not None:
        with st.container(key="slide_chart"):
            chart(
                figure,
                slide.table,
                key=f"slide_{slide.key}",
                name=slide.title,
                data_box=not presenting,
                height="stretch" if presenting else "content",
            )
    else:
        for column, figure in zip(
            st.columns(min(4, len(slide.figures))), slide.figures, strict=False
        ):
            card = column.container(border=True, height="stretch")  # the notes on the card
            card.metric(
                plain(figure.label),
                plain(figure.value),
                delta=plain(figure.change) if figure.change else None,
            )
            for line in (figure.note, *figure.details):
                if line:
                    card.caption(plain(line))
        if slide.table is not None and not presenting:
            with st.expander("数据"):
                show_table(slide.table)
                excel_download(slide.table, slide.title, key=f"slide_{slide.key}_xlsx")
    if slide.note:
        st.subheader(plain(slide.note), anchor=False)


def advance_every(pace: int, count: int) -> None:
    """Turn to the next slide every `pace` seconds, wrapping round (not on the run that drew
    the page)."""

    @st.fragment(run_every=pace)
    def advance() -> None:
        if st.session_state.pop(_DRAWN, False):
            return
        go(1, count, wrap=True)
        st.rerun()

    st.session_state[_DRAWN] = True
    advance()
