"""指标分析: any indicator by village, over time, per household, in bands, with the area total."""

import functools

import streamlit as st

from wuxing import catalog, formatting, periods, ui
from wuxing.charts import areas as area_charts
from wuxing.charts import indicators as charts
from wuxing.metrics import areas, indicators, villages

page = ui.open_page("指标分析")
ds, view, filters = page.dataset, page.view, page.filters

period = filters.period
choices = indicators.options(filters.star)
ui.drop_stale_choice("indicator", choices)
default = catalog.COLLECTIVE_INCOME if catalog.COLLECTIVE_INCOME in choices else choices[0]
ui.url_choice("indicator", choices, default, "指标")
left, middle, right = st.columns([3, 1, 1])
indicator = ui.picker(
    left,
    "指标（按星分组，可输入文字搜索）",
    choices,
    key="indicator",
    format_func=indicators.option_label,
)
ui.url_choice("grain", list(indicators.GRAINS), indicators.QUARTER, "时间粒度")
grain = middle.radio(
    "时间", list(indicators.GRAINS), key="grain", horizontal=True, format_func=indicators.GRAINS.get
)
allowed = indicators.bases(indicator)
ui.drop_stale_choice("basis", allowed)
ui.url_choice("basis", allowed, indicators.TOTAL, "口径")
basis_id = right.radio(
    "口径", allowed, key="basis", horizontal=True, format_func=indicators.BASIS_LABELS.get
)
ui.sync_url(indicator=indicator, grain=grain, basis=basis_id)

meta = catalog.indicator(indicator)
shown = indicators.basis(indicator, basis_id)
unit, name = shown.unit, shown.name(indicator)
word = indicators.total_word(indicator, basis_id)
area = villages.area_label(filters.area)
axis = "季度" if grain == indicators.QUARTER else "年度"
kind_note = {
    "flow": "按季发生量，年度为各季之和",
    "ytd": "年内累计数，年度取最后一季",
    "stock": "季末存量，年度取最后一季",
}[meta.kind]
st.caption(
    f"{ui.plain(area)} · {periods.label(period)} · {meta.display}：{kind_note} · 未填报显示为“缺报”，不按 0 计"
)

change = indicators.total_change(view, indicator, period, grain, basis_id)
first, second = st.columns(2)
first.metric(
    ui.plain(f"{area}{change.label}{word}（{unit}）"),
    formatting.quantity(change.value, unit),
    delta=None
    if change.change is None
    else ui.plain(
        f"{formatting.change(change.change, unit)}（对比{change.previous_label}"
        + (
            f"，{formatting.percent_change(change.change_pct)}）"
            if change.change_pct is not None
            else "）"
        )
    ),
    delta_color="inverse" if meta.direction == "down" else "normal",
    border=True,
)
second.metric("已填报村数（个）", f"{change.reporting:,} / {change.villages:,}", border=True)
if coverage := change.coverage("两季度" if grain == indicators.QUARTER else "两年"):
    first.caption(ui.plain(coverage))

level = areas.level_label(filters.area)
grouped = areas.grouped(view, filters.area)
if grouped:  # above the township: one bar per county or township, not hundreds of villages
    frame = areas.indicator_by_area(view, filters.area, indicator, period, grain, basis_id)
    title = f"{change.label}各{level}{name}（{unit}）"
    event = ui.chart(
        area_charts.indicator_bars(frame, indicator, title, unit, level),
        functools.partial(areas.indicator_table, frame, level, name, unit),
        key="by_area",
        name=title,
        on_select="rerun",
    )
    st.caption(ui.plain(f"点击柱子进入该{level}。"))
    if picked := areas.picked_area(view, filters.area, ui.selected_points(event)):
        ui.drill_into(picked)
else:
    frame = indicators.by_village(view, indicator, period, grain, basis_id)
    if frame["value"].isna().all():
        ui.empty_state(ui.plain(f"{change.label}还没有村填报“{meta.label}”。请换一个季度或指标。"))
    else:
        title = f"{change.label}各村{name}（{unit}）"
        bands = indicators.band_labels(indicator) if basis_id == indicators.TOTAL else []
        event = ui.chart(
            charts.by_village(frame, indicator, name, unit, title, bands),
            functools.partial(indicators.village_table, frame, name, unit),
            key="by_village",
            name=title,
            on_select="rerun",
        )
        for point in ui.selected_points(event):
            code = (point.get("customdata") or [None])[0]
            if code:
                ui.open_profile(str(code))
        st.caption(
            "点击柱子打开该村档案。"
            + (ui.plain("颜色按分档：" + "、".join(bands) + f" {unit}。") if bands else "")
        )

totals = indicators.totals(view, indicator, period, grain, basis_id)
if totals["value"].notna().any():
    title = f"{area}{name}{word}变化（{unit}）"
    ui.chart(
        charts.totals(totals, indicator, name, title, unit, axis, word),
        functools.partial(indicators.totals_table, totals, unit, word),
        key="totals",
        name=title,
    )

# Above the township one line per village would be hundreds of lines; the totals show the trend.
series = None if grouped else indicators.over_time(view, indicator, period, grain, basis_id)
if series is not None and not series.empty:
    title = f"各村{name}变化（{unit}）"
    ui.chart(
        charts.over_time(series, title, unit, axis),
        functools.partial(indicators.time_table, series, unit),
        key="over_time",
        name=title,
    )
