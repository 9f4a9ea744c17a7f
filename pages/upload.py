"""数据上传: check a quarterly ledger, preview what changes, then store it as one revision."""

import streamlit as st

from wuxing import scopes, ui
from wuxing.errors import ConflictError
from wuxing.metrics import uploads
from wuxing.reading import changes, importer
from wuxing.ui import corrections, reports, web

account = ui.require_page_role("editor")
st.title("数据上传")
ds = ui.load_dataset()
mode = st.segmented_control(
    "方式",
    ["上传台账文件", "在线改正数值"],
    default="上传台账文件",
    key="upload_mode",
    label_visibility="collapsed",
)
if mode == "在线改正数值":  # one village's quarter, typed in, checked and stored like an upload
    corrections.correct_values(ds, account.name)
    st.stop()
limit = web.upload_limit_mb(ui.settings())  # the browser's check and the server's (ui/web.py)

st.markdown(
    "上传各村季度台账（.xlsx、.xlsm、.xls、.ods、.csv，可一次多个文件）。系统先检查、再列出将要改动的数据，"
    f"确认后才保存；每次保存都是一个版本，可在“版本记录”中撤销。单个文件不超过 {limit:d} MB。"
)
ui.template_download(ds)  # the template for a quarter, the sidebar area's villages
files = ui.file_chooser(
    f"选择台账文件（单个不超过 {limit:d} MB）",
    ["xlsx", "xlsm", "xls", "ods", "csv"],
    multiple=True,
    key=reports.uploader_key(),
    # The browser refuses a larger file with a red chip whose reason (on hover) is English.
    help=f"超过 {limit:d} MB 的文件会被浏览器直接拒绝，显示为红色（鼠标移上去的英文提示为 "
    f"File must be {limit:d}.0MB or smaller），不会上传。",
)
if not files:
    reports.saved_notice()  # after a save the uploader is empty again (a new key)
    ui.empty_state("请选择要上传的台账文件。不清楚格式时，先下载本季度模板照着填写。")
    st.stop()
reports.forget_saved()

payload = [(f.name, f.getvalue()) for f in files]
# The version of the data the preview on screen was checked against: the one of the last run
# (a click reruns the page, which would already check against anything stored meanwhile).
shown_base = st.session_state.get("_upload_base")
st.session_state["_upload_base"] = (
    ui.load_dataset().data_version
)  # what parse_upload reads (cached)
result = ui.parse_upload(payload)
if not result.ok:
    st.error(ui.plain(uploads.upload_verdict(result)), icon=":material/error:")
    reports.problem_table(result)
    st.stop()

(st.warning if result.warnings else st.success)(ui.plain(uploads.upload_verdict(result)))
reports.blank_headlines(result.data, ds)
if result.warnings:
    reports.reminders(result)

# An editor with a scope stores only its own villages' data: refused here, naming the others
# (the store refuses it too, whatever a page does).
if outside := uploads.villages_outside_scope(result.data, ds, account.area):
    st.error(ui.plain(scopes.refusal(account.area, outside)), icon=":material/block:")
    st.stop()

summary = changes.preview(ds, result.data)
st.subheader("将要发生的变化")
counts = uploads.change_counts(summary)
ui.show_table(counts)
ui.excel_download(counts, "将要发生的变化", key="change_counts_xlsx")
if summary.changed:
    cells = uploads.changed_cells(summary)
    st.caption(f"以下 {len(cells)} 个数值将被修改（原值 → 新值）：")
    ui.show_table(cells)
    ui.excel_download(cells, "将修改的数值", key="cells_xlsx")
if summary.is_noop:
    st.info("上传的数据与当前数据完全相同，无需保存。", icon=":material/check:")
    st.stop()

if st.button("确认保存", type="primary", icon=":material/save:", key="confirm_upload"):
    # What the preview above showed is stored as it was checked (the files are not read again),
    # against the data shown then: a newer upload of the same cells is not overwritten.
    base = shown_base if shown_base is not None else ds.data_version
    try:
        outcome = importer.store_checked(
            ui.get_store(), payload, result, user=account.name, checked_version=base
        )
    except ConflictError as conflict:
        ui.refresh_after_write()
        # The conflict names another upload's file and user: their names, shown literally.
        st.error(ui.plain(str(conflict)), icon=":material/sync_problem:")
        st.stop()
    ui.refresh_after_write()
    if outcome.duplicate:
        st.info(f"同一文件此前已保存为第 {outcome.revision:d} 版，本次未重复保存。")
    else:
        quarter = uploads.newest_quarter(result.data)
        newest = ds.periods()[-1] if ds.periods() else ""
        reports.remember_saved(
            outcome.revision,
            uploads.change_sentence(summary),
            quarter,
            added=bool(quarter) and quarter > newest,
        )
        st.rerun()  # an empty uploader, no preview: the notice says what was saved
