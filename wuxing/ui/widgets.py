"""Shared display pieces: the page frame, charts with their data and Excel, tables, empty states."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from wuxing.charts import style
from wuxing.dataset import Dataset
from wuxing.meeting import excel
from wuxing.memo import fingerprint
from wuxing.metrics import villages as village_metrics
from wuxing.ui.filters import Filters, current_filters
from wuxing.ui.loading import load_dataset, settings

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
    """Say so whenever the shipped sample data is on screen."""
    if ds.is_sample:
        st.info(
            "示例数据：当前显示的是马庄桥镇示例数据（4 个村名取自公开报道，其余为占位村名，数值为模拟），"
            "仅供演示。上传本镇台账后即显示真实数据。",
            icon=":material/info:",
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
) -> object:
    """A figure with its PNG button named after it, and the table behind it one click away
    (with `select_rows`, a row can be picked: read it with `selected_rows(key)`). `table` may
    be a function making it, called only when the box is open. Without `data_box` (a projected
    slide) the chart stands alone."""
    event = st.plotly_chart(
        fig,
        key=key,
        width="stretch",
        theme=None,  # our own template, so what is exported looks like what is shown
        config=style.png_config(name),
        on_select=on_select,
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


def show_table(frame: pd.DataFrame, **options: object) -> object:
    """A table as every page shows it (no index, full width); the same content is converted for
    the browser once, not on every rerun (`options` go to `st.dataframe`)."""
    return st.dataframe(_arrow(frame), hide_index=True, width="stretch", **options)


def _arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    try:
        key = fingerprint(frame)
    except TypeError:
        return frame
    return _arrow_table(key, frame)


# Converting a frame to Arrow is about half of what showing a small table costs: a page with
# five tables spent 5 ms a rerun on it. Keyed by content; the frame itself is not hashed again.
# Bounded in number and age: an upload's problem report can be a large table seen once.
@st.cache_resource(show_spinner=False, max_entries=128, ttl="1h")
def _arrow_table(key: object, _frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    try:
        return pa.Table.from_pandas(_frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):  # mixed types: Streamlit's own conversion
        return _frame


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
