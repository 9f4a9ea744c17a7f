"""The signed-in account of this browser session: sign in, sign out, who may open a page."""

from __future__ import annotations

import dataclasses

import streamlit as st

from wuxing.access import auth
from wuxing.storage.store import Account
from wuxing.ui import navigation
from wuxing.ui.loading import ACCOUNT_KEY, settings, shared_store, through_entry_script
from wuxing.ui.text import plain

_USER_KEY = "_user"
#: The account's credential version at sign-in: a password change signs the session out.
_CREDENTIAL_KEY = "_credential"


def current_account() -> Account | None:
    """This session's account, re-read every run: a disabled or deleted account, or one whose
    password changed since this session signed in (on any app server: the version is in the
    store), is signed out."""
    name = st.session_state.get(_USER_KEY)
    account = shared_store().account(name) if name else None
    if (
        account is None
        or account.disabled
        or account.name != name
        or account.credential_version != st.session_state.get(_CREDENTIAL_KEY)
    ):
        st.session_state.pop(_USER_KEY, None)
        st.session_state.pop(_CREDENTIAL_KEY, None)
        account = None
    else:
        account = dataclasses.replace(account, password_hash="")  # the hash stays in the store
    st.session_state[ACCOUNT_KEY] = account
    return account


def require_page_role(needed: str) -> Account:
    """The signed-in account if it may use a page needing `needed`; otherwise the page stops.

    Pages are registered per role already; this is the page's own check, for a page started
    some other way (the legacy pages/ mode of a fresh server, a registry bug).
    """
    if ACCOUNT_KEY not in st.session_state:
        through_entry_script()  # dashboard.py never ran in this session: let its gate decide
    account = current_account()
    if account is None or not navigation.role_allows(account.role, needed):
        st.error(f"此页面需要“{auth.role_label(needed)}”及以上权限。")
        st.stop()
    return account


def sign_in(account: Account) -> None:
    """Remember `account` as this session's user (after `auth.login` accepted it)."""
    st.session_state[_USER_KEY] = account.name
    st.session_state[_CREDENTIAL_KEY] = account.credential_version
    st.session_state[ACCOUNT_KEY] = dataclasses.replace(account, password_hash="")


def sign_out() -> None:
    """Forget this session's user and record the logout."""
    account = st.session_state.get(ACCOUNT_KEY)
    if account is not None:
        auth.logout(shared_store(), account.name)
    st.session_state.pop(_USER_KEY, None)
    st.session_state.pop(_CREDENTIAL_KEY, None)
    st.session_state[ACCOUNT_KEY] = None


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
        st.button("退出登录", key="_logout", on_click=sign_out, icon=":material/logout:")
