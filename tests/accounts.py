"""Helpers for tests with accounts: a cheap hasher, accounts in a store, the app run as a user."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from tests.conftest import APP
from wuxing.config import Settings
from wuxing.storage.store import Store, open_store

# The production parameters cost ~0.5 s a hash on this machine; verifying reads the parameters
# from the hash, so accounts made with these log in the same way.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse"
XSS = "<img src=x onerror=alert(1)>"


def add_accounts(store: Store, **roles: str) -> None:
    """Create accounts `name=role` with PASSWORD (cheaply hashed), as a trusted caller."""
    for name, role in roles.items():
        store.add_account(name, CHEAP_HASHER.hash(PASSWORD), role, by="测试")


#: Where a test keeps the session token AppTest cannot send as a cookie (see conftest's
#: `session_cookie_in_apptest`, which makes `ui.session.presented_token` read it).
TOKEN_KEY = "_test_session_token"


def signed_in(at: AppTest, name: str) -> AppTest:
    """Open a session for `name` in the store the app uses (WUXING_DB / WUXING_HOME) and present
    its token on every run of `at`, as the browser's cookie would."""
    store = open_store(Settings.from_env().store_url)
    try:
        at.session_state[TOKEN_KEY] = store.open_session(name, client="apptest")
    finally:
        store.dispose()
    return at


def run_as(name: str | None, page: str | None = None) -> AppTest:
    """Run the dashboard signed in as `name` (None: anonymous), optionally switching to `page`."""
    at = AppTest.from_file(APP, default_timeout=60)
    if name is not None:
        signed_in(at, name)
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def navigation_as_served(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make AppTest rerun dashboard.py like the server does, not a `pages/` file on its own.

    AppTest resets `PagesManager.uses_pages_directory` before every run, so from the second run
    on it runs the page file directly (the old `pages/` mechanism; see machine-notes) and never
    the entry script with its login gate. The real server clears the flag on the first
    `st.navigation` call; this does the same for every run.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
