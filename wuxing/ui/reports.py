"""The upload page's reports: problems and reminders a clerk must read, the notice after a save."""

from __future__ import annotations

import streamlit as st

from wuxing import periods
from wuxing.dataset import Dataset
from wuxing.metrics import uploads
from wuxing.reading.importer import ImportResult
from wuxing.reading.problems import CODES
from wuxing.ui.filters import NEXT_PERIOD, SAVED_PERIOD
from wuxing.ui.text import plain
from wuxing.ui.widgets import excel_download, show_table

#: What each problem code means, in Chinese (the table and the groups show this, not the code).
DESCRIPTIONS = {code: meaning for code, (_, meaning) in CODES.items()}
# A kind of reminder lists this many lines on screen; all of them are in the Excel download.
LISTED = 50
_SAVED = "_upload_saved"
_ROUND = "_upload_round"

# 说明 is the column people read: wide, and each row tall enough for two lines of it.
_COLUMNS = {
    "类型": st.column_config.TextColumn(width="small"),
    "位置": st.column_config.TextColumn(width="small"),
    "说明": st.column_config.TextColumn(width="large", help="问题的详细说明与改正办法"),
}


def problem_table(result: ImportResult) -> None:
    """Every problem in one table (问题 in Chinese, 说明 wide) with its Excel download."""
    table = uploads.problem_table(result, DESCRIPTIONS)
    show_table(table, column_config=_COLUMNS)
    name = "上传问题清单" if result.errors else "上传提醒清单"
    excel_download(table, name, key="problems_xlsx")


def reminders(result: ImportResult) -> None:
    """The reminders grouped by kind, with counts; each kind's lines readable as a list."""
    groups = uploads.reminders_by_kind(result, DESCRIPTIONS, LISTED)
    st.subheader("请核对的提醒")
    st.caption(
        "以下单元格系统已按自己的理解读取（或数值可疑）。不影响保存，但请逐项核对“读取为”是否正确。"
    )
    for label, count, lines in groups:
        with st.expander(f"{label}（{count:,} 处）", expanded=count <= 20):
            for line in lines:  # each line as written in the file, never as markup
                st.markdown(f"- {plain(line)}")
            if count > len(lines):
                st.caption(f"另有 {count - len(lines):,} 处未在此列出，完整清单见下方 Excel。")
    excel_download(
        lambda: uploads.problem_table(result, DESCRIPTIONS), "上传提醒清单", key="warnings_xlsx"
    )


def blank_headlines(upload: Dataset, current: Dataset) -> None:
    """Per village, the headline indicators the quarter still lacks after this upload."""
    blanks = uploads.blank_headlines(upload, current)
    if blanks.empty:
        return
    st.subheader("未填写的主要指标")
    st.caption(
        f"{len(blanks):,} 个村的以下主要指标本季度还是空白（保存后仍为空白，可稍后补报）。"
        "如果是漏填，请补上后重新上传。"
    )
    show_table(blanks, column_config={"未填指标": st.column_config.TextColumn(width="large")})
    excel_download(blanks, "未填写的主要指标", key="blank_xlsx")


def remember_saved(revision: int, changed: str, quarter: str | None, added: bool) -> None:
    """After a save: clear the uploader (a new key) and the preview, keep the notice for the
    next run, and move the sidebar to the stored quarter when the upload added a newer one (once
    enough villages reported it: `filters.sidebar_filters`)."""
    st.session_state[_SAVED] = {"revision": revision, "changed": changed, "quarter": quarter}
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
    if added and quarter:
        st.session_state[SAVED_PERIOD] = quarter


def uploader_key() -> str:
    """The uploader's key this round: a new one after each save empties it."""
    round_ = st.session_state.get(_ROUND, 0)
    return "upload_files" if not round_ else f"upload_files_{round_}"


def forget_saved() -> None:
    """A new file was chosen: the notice of the last save has done its job."""
    st.session_state.pop(_SAVED, None)


def saved_notice() -> None:
    """The last save: its version, what it changed, and a button opening 总览 on its quarter."""
    saved = st.session_state.get(_SAVED)
    if not saved:
        return
    quarter = saved["quarter"]
    st.success(
        f"已保存为第 {saved['revision']:d} 版：{plain(saved['changed'])}。"
        "如有误，可在“版本记录”中撤销。上传框已清空，可以继续上传下一个文件。",
        icon=":material/check_circle:",
    )
    label = f"在总览中查看{periods.label(quarter)}" if quarter else "在总览中查看"
    if st.button(label, type="primary", icon=":material/dashboard:", key="open_saved"):
        forget_saved()
        if quarter:
            st.session_state[NEXT_PERIOD] = quarter
        st.switch_page("pages/overview.py", query_params={"period": quarter} if quarter else None)
