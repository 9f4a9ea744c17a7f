"""Shared display pieces: the page frame, charts with their data and Excel, tables, empty states."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from wuxing import periods, scopes
from wuxing.access.roles import role_allows
from wuxing.charts import style
from wuxing.dataset import Dataset
from wuxing.meeting import excel
from wuxing.metrics import villages as village_metrics
from wuxing.reading import template
from wuxing.samples import sample
from wuxing.ui import web
from wuxing.ui.filters import Filters, current_filters, picker
from wuxing.ui.loading import (
    get_store,
    load_dataset,
    refresh_after_write,
    sample_versions,
    settings,
)
from wuxing.ui.session import current_account
from wuxing.ui.text import plain

NO_DATA = "当前地区还没有数据。请在“数据上传”页上传季度台账，或换一个地区。"


@dataclass(frozen=True)
class PageView:
    """What a dashboard page works on: all data, the chosen area's, the filters, the pass mark."""

    dataset: Dataset
    view: Dataset
    filters: Filters
    period: str
    pass_mark: float


def open_page(title: str) -> PageView:
    """Title, sample banner and the chosen area's data; stops with an empty state when none."""
    st.title(title)
    ds = load_dataset()
    sample_banner(ds)
    filters = current_filters()
    view = village_metrics.scope(ds, filters.area)
    if view.villages.empty or filters.period is None:
        empty_state(NO_DATA)
        st.stop()
    return PageView(ds, view, filters, filters.period, settings().pass_mark)


def sample_banner(ds: Dataset) -> None:
    """Say so whenever the shipped sample data is on screen; once real data is stored next to
    it, say the sample is mixed in, and let an editor take it out."""
    if flash := st.session_state.pop("_sample_removed", None):
        st.success(plain(flash), icon=":material/check:")
    if not ds.is_sample:
        return
    ids, mixed = sample_versions(ds)
    if not mixed:
        st.info(
            "示例数据：当前显示的是马庄桥镇示例数据（4 个村名取自公开报道，其余为占位村名，数值为模拟），"
            "仅供演示。上传本镇台账后即显示真实数据。",
            icon=":material/info:",
        )
        return
    versions = "、".join(f"第 {i} 版" for i in ids)
    st.warning(
        plain(
            f"示例数据仍混在当前数据中：{versions}是马庄桥镇示例数据（占位村名、模拟数值），与已上传的真实数据"
            "一起计入各页的汇总和排名。编辑人员可去掉示例数据（撤销该版本，可在“版本记录”中恢复）。"
        ),
        icon=":material/warning:",
    )
    account = current_account()
    if account is None or not role_allows(account.role, "editor"):
        return
    left, right = st.columns([3, 1], vertical_alignment="center")
    sure = left.checkbox(
        f"我确认要去掉示例数据（撤销{versions}；真实数据用到的村名会保留）",
        key="sample_remove_sure",
    )
    if right.button("去掉示例数据", disabled=not sure, key="sample_remove", type="primary"):
        sample.remove(get_store(), account.name)
        refresh_after_write()
        st.session_state["_sample_removed"] = (
            f"已去掉示例数据（撤销{versions}，可在“版本记录”中恢复）。"
        )
        st.rerun()


def own_area(area: str) -> str:
    """`area` narrowed to the villages the signed-in account answers for (`scopes.scope_of`):
    what its template and 填报进度 cover (a village account: its village)."""
    return scopes.narrowed(area, scopes.scope_of(current_account()))


def template_download(ds: Dataset) -> None:
    """A quarter picker and the template for it: one row per village of the sidebar's area
    that the account answers for, in pinyin order, the quarter filled in (default: the one
    after the newest stored)."""
    coming = template.next_period(ds)
    choices = list(reversed(template.quarter_choices(ds.periods(), coming)))
    area = own_area(current_filters().area)
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    period = picker(
        left,
        "模板季度",
        choices,
        index=choices.index(coming),
        key="template_period",
        format_func=periods.label,
    )
    villages = village_metrics.scope(ds, area).villages
    right.download_button(
        plain(
            f"下载{periods.label(period)}模板（{village_metrics.area_label(area)}，{len(villages)} 个村）"
        ),
        data=lambda: template.for_period(ds, period, villages),
        file_name=f"五星支部创建台账模板_{period}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        icon=":material/download:",
        key="template_xlsx",
    )


def empty_state(message: str) -> None:
    """A friendly note instead of an empty chart."""
    st.info(message, icon=":material/inbox:")


def chart(
    fig: go.Figure,
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    *,
    key: str,
    name: str,
    on_select: Callable[[], None] | str = "ignore",
    select_rows: bool = False,
    data_box: bool = True,
    height: Literal["content", "stretch"] | int = "content",
) -> object:
    """A figure with its PNG button named after it, and the table behind it one click away
    (with `select_rows`, a row can be picked: read it with `selected_rows(key)`). `table` may
    be a function making it, called only when the box is open. Without `data_box` (a projected
    slide) the chart stands alone; `height="stretch"` fills the height its container is given."""
    event = st.plotly_chart(
        fig,
        key=key,
        width="stretch",
        height=height,
        theme=None,  # our own template, so what is exported looks like what is shown
        config=style.png_config(name),
        on_select=on_select,  # type: ignore[call-overload]  # streamlit overloads each kind apart
        selection_mode="points",
    )
    if not data_box:
        return event
    # Lazy: the table (and its Excel) is built and sent only while the box is open, so a rerun
    # of a page with many charts does not ship every table behind them to the browser.
    with st.expander("数据", key=f"{key}_data", on_change="rerun") as box:
        if not box.open:
            return event
        if callable(table):
            table = table()
        if select_rows:
            show_table(table, key=f"{key}_rows", on_select="rerun", selection_mode="single-row")
        else:
            show_table(table)
        excel_download(table, name, key=f"{key}_xlsx")
    return event


def show_table(frame: pd.DataFrame, **options: Any) -> object:
    """A table as every page shows it: no index, full width, a missing value as "—" (Streamlit
    writes "None"); `options` go to `st.dataframe`."""
    return st.dataframe(frame, hide_index=True, width="stretch", placeholder="—", **options)


def excel_download(
    table: pd.DataFrame | Callable[[], pd.DataFrame], name: str, *, key: str
) -> None:
    """An Excel download of `table`, or of what the function `table` makes (built on click, not
    on every rerun)."""
    st.download_button(
        "下载 Excel",
        data=lambda: excel.to_xlsx(table() if callable(table) else table, sheet=name[:31]),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


def file_chooser(
    label: str, types: list[str], *, key: str, multiple: bool = False, help: str | None = None
) -> Any:
    """`st.file_uploader` with its own words in Chinese: the button and the line under it."""
    limit = web.upload_limit_mb(settings())
    st.html(_chooser_words(limit, types))  # a fixed style of ours: no user text in it
    return st.file_uploader(
        label,
        type=types,
        accept_multiple_files=multiple,
        key=key,
        max_upload_size=limit,
        help=help,
    )


def _chooser_words(limit_mb: int, types: list[str]) -> str:
    """CSS writing our words over the uploader's English ("Upload", "20MB per file • XLSX…"):
    Streamlit has no setting for them. A file over the limit shows as a red chip only (its
    reason on hover, in Chinese through style.CHROME_CSS), so the line says what red means."""
    kinds = "、".join(types)
    button = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
    line = '[data-testid="stFileUploaderDropzoneInstructions"] span'
    words = f"单个文件不超过 {limit_mb} MB（超过的显示为红色，不会上传）；格式：{kinds}"
    return (
        "<style>"
        f"{button}, {line} {{font-size: 0}}"
        # On a phone the line wraps: cut to one, it ended before the formats.
        f"{line} {{white-space: normal; overflow: visible; text-overflow: clip}}"
        f'{button}::after {{content: "选择文件"; font-size: 14px}}'
        f'{line}::after {{content: "{words}"; font-size: 14px}}'
        "</style>"
    )
