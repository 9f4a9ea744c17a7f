"""版本记录: every stored upload; download its original file; roll back or restore, confirmed."""

import streamlit as st

from wuxing import ui
from wuxing.errors import WuxingError
from wuxing.metrics import uploads

account = ui.require_page_role("editor")
st.title("版本记录")
store = ui.get_store()
revisions = store.history()
if flash := st.session_state.pop("_history_flash", None):
    st.success(ui.plain(flash))
if not revisions:
    ui.empty_state("还没有任何上传记录。")
    st.stop()

table = uploads.history_table(revisions)
ui.show_table(table)
ui.excel_download(table, "版本记录", key="history_xlsx")

by_id = {r.id: r for r in revisions}
chosen = ui.picker(
    st, "选择版本", list(by_id), format_func=lambda i: uploads.revision_label(by_id[i])
)
revision = by_id[chosen]
left, right = st.columns(2)
left.download_button(
    "下载原始文件",
    data=lambda: store.content(revision.id),
    file_name=revision.filename,
    on_click="ignore",
    icon=":material/download:",
    key="original",
)

action = "撤销" if revision.is_live else "恢复"
# Each action starts a new round of keys: the box ticked for "撤销" must not stand ticked under
# "恢复" right after, one click away from undoing what was just done.
done = st.session_state.get("_history_actions", 0)
with right:
    sure = st.checkbox(
        f"我确认要{action}第 {revision.id} 版（{'其数据将不再计入' if revision.is_live else '其数据将重新计入'}）",
        key=f"sure_{revision.id}_{done}",
    )
    if st.button(
        f"{action}此版本", disabled=not sure, type="primary", key=f"act_{revision.id}_{done}"
    ):
        try:
            (store.rollback if revision.is_live else store.restore)(revision.id, user=account.name)
        except WuxingError as exc:
            st.error(ui.plain(str(exc)))
        else:
            ui.refresh_after_write()
            st.session_state["_history_actions"] = done + 1
            st.session_state["_history_flash"] = (
                f"已{action}第 {revision.id} 版，各页面已按新状态显示。"
            )
            st.rerun()
