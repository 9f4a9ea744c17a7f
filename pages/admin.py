"""账号与审计 (admins): add, disable and reset accounts, set their scopes, end sessions; read and
filter the audit log."""

import streamlit as st

from wuxing import ui
from wuxing.access import auth
from wuxing.errors import WuxingError
from wuxing.metrics import audit
from wuxing.ui import account_import, navigation

st.title("账号与审计")
me = ui.require_page_role("admin")  # registered for admins only; this is the page's own check
store = ui.get_store()


def attempt(action, done: str) -> None:
    """Run one account change; say what happened, in Chinese, either way."""
    try:
        action()
    except WuxingError as exc:
        st.error(ui.plain(str(exc)), icon=":material/error:")
    else:
        st.success(ui.plain(done), icon=":material/check_circle:")


accounts_tab, bulk_tab, sessions_tab, log_tab = st.tabs(
    ["账号", "批量新建", "在线会话", "审计日志"]
)

with accounts_tab:
    with st.form("add_account", clear_on_submit=True):
        st.subheader("新建账号")
        left, middle, right = st.columns(3)
        name = left.text_input("用户名", max_chars=50)
        role = ui.picker(middle, "角色", navigation.ROLES, format_func=auth.role_label)
        password = right.text_input("初始密码", type="password", help=auth.INITIAL_PASSWORD_RULE)
        new_area = st.text_input(
            "地区（可改动、可查看的范围）", placeholder="留空为全部；或 清丰县/马庄桥镇、…/赵家村"
        )
        if st.form_submit_button("新建账号", type="primary", icon=":material/person_add:"):
            attempt(
                lambda: auth.invite(store, name, password, role, by=me.name, area=new_area),
                f"已新建账号“{name.strip()}”（{auth.role_label(role)}）",
            )

    accounts = store.accounts()
    if accounts:
        st.subheader("管理账号")
        left, right = st.columns(2)
        target = ui.picker(left, "账号", [a.name for a in accounts], key="target")
        change = right.radio(
            "操作", ["重置密码", "修改角色", "设置范围", "停用", "启用"], horizontal=True
        )
        if change == "重置密码":
            new_password = st.text_input(
                "新密码", type="password", key="new_password", help=auth.PASSWORD_RULE
            )
            if st.button("重置密码", icon=":material/key:"):
                attempt(
                    lambda: auth.reset_password(store, target, new_password, by=me.name),
                    f"已重置“{target}”的密码",
                )
        elif change == "修改角色":
            new_role = ui.picker(st, "新角色", navigation.ROLES, format_func=auth.role_label)
            if st.button("修改角色", icon=":material/badge:"):
                attempt(
                    lambda: auth.change_role(store, target, new_role, by=me.name),
                    f"“{target}”的角色已改为{auth.role_label(new_role)}",
                )
        elif change == "设置范围":
            now = store.account(target)
            left, right = st.columns(2)
            area = left.text_input(
                "可改动范围",
                value=now.area if now else "",
                placeholder="全部；或 清丰县/马庄桥镇、…/赵家村",
            )
            view = right.text_input(
                "可查看范围",
                value=now.view_area if now else "",
                placeholder="全部；须包含可改动范围",
            )
            if st.button("保存范围", icon=":material/map:"):
                attempt(
                    lambda: auth.change_scope(store, target, area, view, by=me.name),
                    f"已设置“{target}”的范围",
                )
        elif change == "停用":
            if st.button("停用账号", icon=":material/block:"):
                attempt(
                    lambda: auth.disable_account(store, target, by=me.name), f"已停用“{target}”"
                )
        elif st.button("启用账号", icon=":material/check:"):
            attempt(lambda: auth.enable_account(store, target, by=me.name), f"已启用“{target}”")

    st.caption(
        "账号也可在服务器上用命令行管理（例如服务器迁移后重建管理员）："
        "`python -m wuxing users add 名字 --role admin`，以及 `users list / passwd / disable / enable`。"
    )
    accounts = store.accounts()  # again: the list shows the change just made
    st.subheader(f"已有账号（{len(accounts)} 个）")
    account_table = audit.account_table(accounts)
    ui.show_table(account_table)
    ui.excel_download(account_table, "账号列表", key="accounts_xlsx")

with bulk_tab:
    account_import.bulk_accounts(store, me.name)

with sessions_tab:
    idle = ui.settings().session_idle
    st.caption(
        f"未退出、且 {ui.settings().session_idle_hours:g} 小时内用过的登录。结束后，对方下次操作即需重新登录。"
    )
    if ended := st.session_state.pop("_session_ended", None):
        st.success(ui.plain(ended), icon=":material/check_circle:")
    open_sessions = store.open_sessions(idle=idle)
    ui.show_table(audit.session_table(open_sessions))
    if not open_sessions.empty:
        ids = open_sessions["id"].astype(int).tolist()
        users_of = dict(zip(ids, open_sessions["user"], strict=True))
        chosen = ui.picker(st, "会话", ids, format_func=lambda i: f"{i}（{users_of[i]}）")
        if st.button("结束此会话", icon=":material/logout:"):
            try:
                store.end_session_by_id(chosen, by=me.name)
            except WuxingError as exc:
                st.error(ui.plain(str(exc)), icon=":material/error:")
            else:  # again from the top: the list above and the picker no longer hold it
                st.session_state["_session_ended"] = f"已结束会话 {chosen}（{users_of[chosen]}）"
                st.rerun()

with log_tab:
    st.caption("每次上传、撤销、账号变动和登录都记录在此；日志只能追加，网页上不能修改或删除。")
    events = store.events(limit=5000)
    left, middle, right = st.columns(3)
    users = left.multiselect("用户", audit.users_in(events), placeholder="全部用户")
    actions = middle.multiselect(
        "操作", list(audit.ACTION_LABELS), format_func=audit.action_label, placeholder="全部操作"
    )
    days = right.date_input("日期范围", value=(), format="YYYY-MM-DD")
    text = st.text_input("详情包含", placeholder="文件名、账号名……")
    since, until = (tuple(days) + (None, None))[:2]
    shown = audit.event_table(
        audit.filter_events(
            events, users=users, actions=actions, since=since, until=until or since, text=text
        )
    )
    st.caption(f"共 {len(shown)} 条（最近 5,000 条内）")
    ui.show_table(shown)
    ui.excel_download(shown, "审计日志", key="audit_xlsx")
