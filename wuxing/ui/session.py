"""The signed-in account of this browser: read from the session cookie on every run.

Signing in and out are HTTP routes (wuxing/ui/web.py): the login form posts to /auth/login, which
sets an HttpOnly cookie with a random token; the script sees the cookie through
`st.context.cookies` (sent with the page's WebSocket) and asks the store which account the
session belongs to. A session ended anywhere (logout in another tab, an admin, a password change,
the idle time) is found ended on this session's next run.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from wuxing.access import auth
from wuxing.errors import AuthError
from wuxing.storage.store import Account
from wuxing.ui import navigation, web
from wuxing.ui.loading import ACCOUNT_KEY, settings, shared_store, through_entry_script
from wuxing.ui.text import plain

NOT_SIGNED_IN = "请先登录"
NOT_ALLOWED = "您的账号无权查看此页"


def presented_token() -> str | None:
    """The session token this browser sent (its cookie; None without one)."""
    token = st.context.cookies.get(web.SESSION_COOKIE)
    return token if isinstance(token, str) else None  # AppTest hands back a mock


def current_account() -> Account | None:
    """This browser's account, asked of the store every run (on any app server: sessions are in
    the store), or None: no session, or one ended, idle too long, from before a password change,
    or of a disabled account."""
    account = auth.session_account(shared_store(), presented_token(), settings())
    st.session_state[ACCOUNT_KEY] = account
    return account


def requested_path(url_path: str) -> str:
    """This page's address with its filters (where the login leads back to)."""
    query = urlencode(st.query_params.to_dict())
    return f"/{url_path}" + (f"?{query}" if query else "")


def refuse_page(account: Account | None, url_path: str) -> None:
    """The answer for a page this visitor may not open, in Chinese, and stop: the login form
    (which leads back here) when nobody is signed in, else that this account may not see it."""
    if account is None:
        st.title(NOT_SIGNED_IN)
        st.caption("此页面需要登录后查看。登录后将回到本页。")
        st.html(web.login_form_html(requested_path(url_path)))  # a fixed form, our own text
    else:
        st.title(NOT_ALLOWED)
        st.warning("如需使用此页面，请联系管理员调整账号角色。", icon=":material/block:")
    st.stop()


def require_page_role(needed: str) -> Account:
    """The signed-in account if it may use a page needing `needed`; otherwise the page stops.

    dashboard.py answers a page the visitor may not open before running it; this is the page's
    own check, for a page started some other way (the legacy pages/ mode of a fresh server).
    """
    if ACCOUNT_KEY not in st.session_state:
        through_entry_script()  # dashboard.py never ran in this session: let its gate decide
    account = current_account()
    if account is None or not navigation.role_allows(account.role, needed):
        st.error(f"此页面需要“{auth.role_label(needed)}”及以上权限。")
        st.stop()
    return account


def require_new_password(account: Account) -> None:
    """An account signed in with a one-time password chooses its own before anything else."""
    st.title("请设置新密码")
    st.caption("您正在使用管理员发放的一次性密码。请设置只有您知道的新密码后继续。")
    with st.form("own_password"):
        old = st.text_input("一次性密码", type="password", autocomplete="current-password")
        new = st.text_input(
            "新密码", type="password", autocomplete="new-password", help=auth.PASSWORD_RULE
        )
        again = st.text_input("再输入一次新密码", type="password", autocomplete="new-password")
        submitted = st.form_submit_button("保存新密码", type="primary")
    if submitted:
        try:
            if new != again:
                raise AuthError("两次输入的新密码不一致。")
            auth.change_own_password(
                shared_store(), account, old, new, token=presented_token() or ""
            )
        except AuthError as exc:
            st.error(plain(str(exc)), icon=":material/error:")
        else:
            st.rerun()
    st.stop()


def client_address() -> str:
    """The address this session's browser connects from ("" when unknown), for login pauses."""
    address = st.context.ip_address
    return address if isinstance(address, str) else ""  # AppTest hands back a mock


def account_sidebar(account: Account | None) -> None:
    """The user's name and role in the sidebar, with a logout button (or a note when anonymous)."""
    with st.sidebar:
        if account is None:
            if settings().public_view:
                st.caption("未登录：仅可浏览。上传和管理请先登录。")
            return
        st.caption(f"当前用户：{plain(account.name)}（{auth.role_label(account.role)}）")
        st.html(web.logout_form_html())  # a fixed form posting to /auth/logout
