"""Bulk accounts on 账号与审计: a table (用户名, 角色, 地区) uploaded, previewed with its problems,
confirmed, then made in one store transaction; the one-time passwords are shown once.

Reads and checks the table exactly as `python -m wuxing users import` does
(`reading.accounts.read_account_table`, `auth.check_accounts` / `create_accounts`).
"""

from __future__ import annotations

import streamlit as st

from wuxing.access import auth
from wuxing.errors import WuxingError
from wuxing.metrics import audit
from wuxing.reading.accounts import read_account_table
from wuxing.storage.store import Store
from wuxing.ui.loading import settings
from wuxing.ui.text import plain
from wuxing.ui.widgets import excel_download, file_chooser, show_table

#: The accounts just made with their passwords, until the admin has taken them down.
_MADE = "_bulk_accounts_made"
#: Bumped after a creation, so the uploader starts empty (a new key).
_ROUND = "_bulk_accounts_round"


def bulk_accounts(store: Store, by: str) -> None:
    """Upload → preview (problems naming the row and the fix) → confirm → one-time passwords."""
    if made := st.session_state.get(_MADE):
        _show_passwords(made)
        return
    st.caption(
        "表格第一行写列名：用户名、角色（查看 / 编辑 / 管理员）、地区（如 清丰县/马庄桥镇，或 "
        "马庄桥镇/赵家村；空为全部），下面每行一个账号。与命令行 `python -m wuxing users import` 相同。"
    )
    upload = file_chooser(
        "账号表格（.xlsx、.xls、.ods、.csv）",
        ["xlsx", "xls", "ods", "csv"],
        key=f"bulk_accounts_{st.session_state.get(_ROUND, 0)}",
    )
    if upload is None:
        return
    try:
        table = read_account_table(upload.getvalue(), upload.name, settings())
    except WuxingError as exc:
        st.error(plain(str(exc)), icon=":material/error:")
        return
    plan = auth.check_accounts(store, table)
    if plan.problems:
        st.error(
            plain(f"表格有 {len(plan.problems)} 处问题，未新建任何账号。请改正后重新上传："),
            icon=":material/error:",
        )
        for problem in plan.problems:
            st.markdown(f"- {plain(problem)}")
        return
    st.info(
        f"将新建以下 {len(plan.accounts)} 个账号，每个账号生成一次性密码（首次登录须修改）：",
        icon=":material/group_add:",
    )
    show_table(audit.new_account_table(plan.accounts))
    if st.button("确认新建", type="primary", icon=":material/person_add:", key="bulk_confirm"):
        try:
            # Each password is hashed with argon2 (~0.4 s here): 100 accounts take most of a minute.
            with st.spinner(f"正在新建 {len(plan.accounts):,} 个账号……"):
                made = auth.create_accounts(store, table, by=by)
        except WuxingError as exc:  # a name taken since the preview: nothing was made
            st.error(plain(str(exc)), icon=":material/error:")
            return
        st.session_state[_MADE] = made
        st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
        st.rerun()


def _show_passwords(made: list[tuple[str, str, str, str]]) -> None:
    st.success(
        f"已新建 {len(made)} 个账号。一次性密码只显示这一次，请现在下载或抄下，"
        "分别交给各人；首次登录时须改为自己的密码。",
        icon=":material/check_circle:",
    )
    table = audit.password_table(made)
    show_table(table)
    excel_download(table, "一次性密码", key="bulk_passwords_xlsx")
    if st.button("已保存，隐藏密码", icon=":material/visibility_off:", key="bulk_done"):
        del st.session_state[_MADE]
        st.rerun()
