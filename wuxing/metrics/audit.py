"""账号与审计's tables: the audit log (Chinese action names, filtering), accounts and open sessions
as the admin page lists them. Who may do what is `wuxing.access`; these only display."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from wuxing import formatting
from wuxing.access.roles import role_label
from wuxing.scopes import scope_label

if TYPE_CHECKING:  # the records these tables show: types only
    from wuxing.access.auth import NewAccount
    from wuxing.storage.accounts import Account

ACTION_LABELS = {
    "upload": "上传数据",
    "rollback": "撤销版本",
    "restore": "恢复版本",
    "login": "登录",
    "login_failed": "登录失败",
    "login_refused": "登录被暂停",
    "login_paused": "暂停登录",
    "logout": "退出登录",
    "user_add": "新建账号",
    "user_passwd": "重置密码",
    "user_disable": "停用账号",
    "user_enable": "启用账号",
    "user_role": "修改角色",
    "user_scope": "修改范围",
    "session_end": "结束会话",
}


def action_label(action: str) -> str:
    """The Chinese name of an event action (the raw id for one we do not know)."""
    return ACTION_LABELS.get(action, action)


def filter_events(
    events: pd.DataFrame,
    *,
    users: list[str] | None = None,
    actions: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    text: str = "",
) -> pd.DataFrame:
    """The events matching every given filter (dates inclusive, Beijing days)."""
    keep = pd.Series(True, index=events.index)
    if users:
        keep &= events["user"].isin(users)
    if actions:
        keep &= events["action"].isin(actions)
    days = formatting.local_days(events["at"])
    if since is not None:
        keep &= days >= since
    if until is not None:
        keep &= days <= until
    if text.strip():
        keep &= events["detail"].fillna("").str.contains(text.strip(), regex=False)
    return events[keep]


def event_table(events: pd.DataFrame) -> pd.DataFrame:
    """The events with Chinese headers and Beijing times, newest first."""
    at = formatting.local_times(events["at"], seconds=True)
    revision = events["revision_id"].astype("Int64").astype("string").fillna("")
    return pd.DataFrame(
        {
            "时间": at,
            "用户": events["user"],
            "操作": events["action"].map(action_label),
            "版本": revision,
            "详情": events["detail"].fillna(""),
        }
    ).reset_index(drop=True)


def users_in(events: pd.DataFrame) -> list[str]:
    """The distinct user names of the events, sorted."""
    return sorted(events["user"].dropna().unique().tolist())


def account_table(accounts: list[Account]) -> pd.DataFrame:
    """Accounts as the admin page lists them, with Chinese headers."""
    return pd.DataFrame(
        {
            "用户名": [a.name for a in accounts],
            "角色": [role_label(a.role) for a in accounts],
            "状态": ["已停用" if a.disabled else "正常" for a in accounts],
            "可改动范围": [scope_label(a.area) for a in accounts],
            "可查看范围": [scope_label(a.view_area) for a in accounts],
            "最近登录": [
                formatting.local_time(a.last_login_at) if a.last_login_at else "从未登录"
                for a in accounts
            ],
            "创建时间": [formatting.local_time(a.created_at) for a in accounts],
        }
    )


def session_table(sessions: pd.DataFrame) -> pd.DataFrame:
    """Open sessions as the admin page lists them (no token: the store keeps none)."""

    def when(column: str) -> pd.Series:
        return formatting.local_times(sessions[column])

    return pd.DataFrame(
        {
            "会话": sessions["id"].astype(int),
            "用户": sessions["user"],
            "来自": sessions["client"],
            "登录时间": when("created_at"),
            "最近使用": when("last_seen"),
        }
    ).reset_index(drop=True)


def new_account_table(accounts: Iterable[NewAccount]) -> pd.DataFrame:
    """The accounts a bulk table would make, as the preview lists them (row in the sheet first)."""
    accounts = list(accounts)
    return pd.DataFrame(
        {
            "行号": [a.row for a in accounts],
            "用户名": [a.name for a in accounts],
            "角色": [role_label(a.role) for a in accounts],
            "可改动范围": [scope_label(a.area) for a in accounts],
        }
    )


def password_table(made: Iterable[tuple[str, str, str, str]]) -> pd.DataFrame:
    """The accounts just made with their one-time passwords (name, role, area, password)."""
    made = list(made)
    return pd.DataFrame(
        {
            "用户名": [m[0] for m in made],
            "角色": [role_label(m[1]) for m in made],
            "可改动范围": [scope_label(m[2]) for m in made],
            "一次性密码（首次登录须修改）": [m[3] for m in made],
        }
    )
