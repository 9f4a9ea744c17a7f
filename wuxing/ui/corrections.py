"""Correcting one village's values of one quarter in the browser (数据上传, editors only).

The edits become the file an upload would be (`reading.corrections`) and go through the same
checks, the same old → new preview and the same store call as an uploaded ledger.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from wuxing import periods
from wuxing.dataset import Dataset
from wuxing.errors import ConflictError
from wuxing.metrics import corrections, uploads
from wuxing.metrics import villages as village_metrics
from wuxing.reading import changes, importer
from wuxing.reading import corrections as correction_files
from wuxing.ui.filters import current_filters, picker
from wuxing.ui.loading import get_store, parse_upload, refresh_after_write
from wuxing.ui.reports import problem_table, reminders
from wuxing.ui.text import plain
from wuxing.ui.widgets import show_table

_ROUND = "_correction_round"
_SAVED = "_correction_saved"


def editor_key(code: str, period: str) -> str:
    """The table's key: one per village and quarter (edits never carry over to another village),
    and a new one after each save empties it."""
    return f"correction_{st.session_state.get(_ROUND, 0)}_{code}_{period}"


def correct_values(ds: Dataset, user: str) -> None:
    """Pick a village and quarter, type new values, check them like an upload, then save."""
    if saved := st.session_state.get(_SAVED):
        st.success(plain(saved), icon=":material/check_circle:")
    filters = current_filters()
    view = village_metrics.scope(ds, filters.area)
    codes = village_metrics.ordered_codes(view)
    quarters = list(reversed(ds.periods()))
    if not codes or not quarters:
        st.info("当前地区还没有村庄或季度数据，无法在线改正。", icon=":material/inbox:")
        return
    label = village_metrics.names(view)
    left, right = st.columns(2)
    code = picker(left, "要改正的村", codes, key="correction_village", format_func=label.get)
    start = quarters.index(filters.period) if filters.period in quarters else 0
    period = picker(
        right, "季度", quarters, index=start, key="correction_period", format_func=periods.label
    )
    table = corrections.editable_values(ds, code, period)
    st.caption(
        plain(f"{label[code]} · {periods.label(period)}：")
        + "在“新值”一列填写要改正的数值（单位见“单位”列），留空表示不改。填好后下方会列出原值 → 新值，确认后保存为一个新版本。"
    )
    edited = st.data_editor(
        # Every indicator in view at once (rows of 35 px): nothing to scroll past inside the table.
        table,
        key=editor_key(code, period),
        hide_index=True,
        width="stretch",
        height=35 * (len(table) + 1) + 3,
        placeholder="",  # an empty cell reads as empty (留空), where Streamlit wrote "None"
        disabled=["星", "指标", "单位", corrections.CURRENT],
        column_config={
            corrections.NEW: st.column_config.NumberColumn(corrections.NEW, format="%g")
        },
    )
    changed = corrections.edits(edited)
    if not changed:
        return
    st.session_state.pop(_SAVED, None)
    name = str(label[code])
    # Who and when, in the file the version keeps (picked once per set of edits: the same edits
    # on a rerun give the same file, so the check above it is not run again).
    remark = _remark(user, code, period, changed)
    payload = [correction_files.correction_file(code, name, period, changed, remark)]
    result = parse_upload(payload)  # the checks of an upload (negative counts, rates, jumps …)
    if not result.ok:
        st.error(plain(uploads.upload_verdict(result)), icon=":material/error:")
        problem_table(result)
        return
    if result.warnings:
        reminders(result)
    summary = changes.preview(ds, result.data)
    st.subheader("将要改正的数值")
    show_table(
        uploads.changed_cells(summary) if summary.changed else uploads.change_counts(summary)
    )
    if st.button("保存改正", type="primary", icon=":material/save:", key="save_correction"):
        note = corrections.note(name, period, changed, table)
        try:
            outcome = importer.store_checked(
                get_store(),
                payload,
                result,
                user=user,
                checked_version=ds.data_version,
                correction=note,
            )
        except ConflictError as conflict:
            refresh_after_write()
            st.error(plain(str(conflict)), icon=":material/sync_problem:")
            return
        refresh_after_write()
        if outcome.duplicate:
            st.info(f"同样的改正此前已保存为第 {outcome.revision:d} 版，本次未重复保存。")
            return
        st.session_state[_SAVED] = (
            f"已保存为第 {outcome.revision:d} 版：{note}。可在“版本记录”中查看或撤销。"
        )
        st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
        st.session_state.pop("_correction_remarks", None)
        st.rerun()


def _remark(user: str, code: str, period: str, changed: dict[str, float]) -> str:
    key = ("_correction_remark", code, period, tuple(sorted(changed.items())))
    remarks = st.session_state.setdefault("_correction_remarks", {})
    if key not in remarks:
        remarks.clear()
        remarks[key] = (
            f"{user} 于 {datetime.now().astimezone():%Y-%m-%d %H:%M:%S} 在浏览器中在线改正"
        )
    return remarks[key]
