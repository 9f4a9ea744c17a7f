import pytest
from streamlit.testing.v1 import AppTest

from tests.accounts import (
    TOKEN_KEY,
    XSS,
    add_accounts,
    run_as,
    signed_in,
)
from tests.conftest import ROOT
from wuxing import ui
from wuxing.access import auth
from wuxing.errors import AuthError
from wuxing.ui import navigation

pytestmark = pytest.mark.usefixtures("served_navigation")


@pytest.fixture
def private(named_store, monkeypatch):
    """A named store with browsing for accounts only."""
    monkeypatch.setenv("WUXING_PUBLIC_VIEW", "0")
    add_accounts(named_store, 张三="viewer", 李四="editor", 管理员="admin")
    return named_store


def _paths(role, signed_in=True):
    return [p.path for p in navigation.pages_for(role, signed_in=signed_in)]


def test_each_role_gets_its_pages_and_no_more():
    viewer = _paths("viewer")
    assert "pages/overview.py" in viewer and "pages/login.py" not in viewer
    assert all(p.role == "viewer" for p in navigation.pages_for("viewer"))
    editor = _paths("editor")
    assert set(viewer) < set(editor) or set(viewer) == set(editor)
    assert {p.path for p in navigation.PAGES if p.role == "editor"} <= set(editor)
    assert "pages/admin.py" not in editor and "pages/admin.py" in _paths("admin")
    assert _paths(None, signed_in=False) == ["pages/login.py"]
    # Every page is registered for every session; these decide which the menu lists and which
    # answer with 请先登录 / 无权查看 instead of running.
    upload = navigation.page_at("upload")
    assert not navigation.may_open(upload, None, signed_in=False)
    assert not navigation.may_open(upload, "viewer") and navigation.may_open(upload, "editor")
    assert navigation.page_at("").path == "pages/overview.py"
    assert _paths("viewer", signed_in=False) == [*viewer, "pages/login.py"]
    # Every page needs a known role (or is the login), so none can slip past the check.
    assert {p.role for p in navigation.PAGES} <= {*navigation.ROLES, navigation.GUEST}


def _html(at) -> str:
    return " ".join(e.proto.body for e in at.get("html"))


def test_without_public_view_the_start_page_asks_for_the_login_in_chinese(private):
    at = run_as(None)
    assert not at.exception
    assert at.title[0].value == ui.NOT_SIGNED_IN
    assert not at.get("plotly_chart") and not at.sidebar.selectbox  # no filters, no area names
    # The login form posts to the login route, which leads back here afterwards.
    assert 'action="/auth/login"' in _html(at) and 'name="next" value="/"' in _html(at)


def test_the_login_page_shows_no_command_line(private):
    """Issue 16 §7: every visitor sees this page; how the first admin is made is for README."""
    at = run_as(None)
    shown = [e.value for kind in ("caption", "markdown", "info", "text") for e in at.get(kind)]
    assert shown and not any("python -m" in t or "users add" in t or "`" in t for t in shown)


def test_a_page_the_visitor_may_not_open_answers_in_chinese_and_leads_back(private):
    at = run_as(None)
    at.query_params["area"] = "某镇"
    at.switch_page("pages/upload.py").run()
    assert not at.exception and at.title[0].value == ui.NOT_SIGNED_IN
    assert not at.get("file_uploader")
    assert 'name="next" value="/upload?area=%E6%9F%90%E9%95%87"' in _html(at)
    viewer = run_as("张三", "pages/upload.py")
    assert not viewer.exception and viewer.title[0].value == ui.NOT_ALLOWED
    assert not viewer.get("file_uploader") and 'action="/auth/login"' not in _html(viewer)


def test_the_login_page_posts_to_the_route_and_the_signed_in_leave_it(private):
    at = run_as(None, "pages/login.py")
    assert at.title[0].value == "登录" and 'action="/auth/login"' in _html(at)
    at = run_as("李四", "pages/login.py")
    assert at.title[0].value == "总览"
    assert any("李四（编辑）" in c.value for c in at.sidebar.caption)
    assert 'action="/auth/logout"' in _html(at)  # the logout button is a form too


def test_logout_elsewhere_signs_this_session_out_on_its_next_run(private):
    at = run_as("李四")
    assert at.title[0].value == "总览"
    private.end_session(at.session_state[TOKEN_KEY])  # what POST /auth/logout does
    at.run()
    assert at.title[0].value == ui.NOT_SIGNED_IN and not at.sidebar.selectbox
    assert private.events()["action"].iloc[0] == "logout"


def test_public_view_offers_the_charts_and_the_login(named_store, monkeypatch):
    add_accounts(named_store, **{XSS: "viewer"})
    at = run_as(None)
    assert not at.exception and at.title[0].value == "总览"
    assert any("未登录" in c.value for c in at.sidebar.caption)
    at = run_as(XSS)
    assert any(r"\<img src\=x" in c.value for c in at.sidebar.caption)


def test_a_disabled_account_is_signed_out_on_the_next_run(private):
    at = run_as("张三")
    assert at.title[0].value == "总览"
    private.set_disabled("张三", True, by="测试")
    at.run()
    assert at.title[0].value == ui.NOT_SIGNED_IN and not at.sidebar.selectbox


def test_a_password_reset_signs_the_open_session_out(private):
    at = run_as("李四")
    at.run()  # still signed in on the next run
    assert at.title[0].value == "总览"
    auth.reset_password(private, "李四", "a new password", by="管理员")
    at.run()
    assert at.title[0].value == ui.NOT_SIGNED_IN and not at.sidebar.selectbox
    assert private.account("李四").credential_version == 1


def test_a_one_time_password_is_replaced_before_anything_else(private):
    auth.reset_password(private, "李四", "one time pass", by="管理员", one_time=True)
    at = run_as("李四")
    assert at.title[0].value == "请设置新密码" and not at.get("plotly_chart")
    at.text_input[0].input("one time pass")
    at.text_input[1].input("my own password")
    at.text_input[2].input("my own password")
    at.button[0].click().run()
    assert not at.exception and at.title[0].value == "总览"  # this session goes on
    assert not private.account("李四").must_change
    with pytest.raises(AuthError):
        auth.login(private, "李四", "one time pass")


def test_a_viewer_switching_to_the_admin_page_by_path_gets_nothing_of_it(private):
    at = run_as("张三")
    for _ in range(2):  # also after a rerun (the AppTest `pages/` quirk is patched away here)
        at.switch_page("pages/admin.py").run()
        assert at.title[0].value == ui.NOT_ALLOWED
        assert not at.dataframe and not at.text_input
    # Were it ever run without dashboard.py's gate, the page's own guard shows nothing of it.
    page = AppTest.from_file(str(ROOT / "pages" / "admin.py"), default_timeout=60)
    signed_in(page, "张三")
    page.session_state["_account"] = None  # as if dashboard.py had run (else it reroutes there)
    page.run()
    assert not page.exception and not page.dataframe and not page.text_input
    assert "需要“管理员”及以上权限" in page.error[0].value


def _write_through_the_session_store():
    import pandas as pd
    import streamlit as st

    from wuxing import ui
    from wuxing.dataset import Dataset
    from wuxing.errors import PermissionDenied

    account = ui.current_account()
    data = Dataset.of(villages=pd.DataFrame({"code": ["A"], "name": ["甲村"], "town": "某镇"}))
    try:
        ui.get_store().commit(
            data, content=b"x", filename="x.xlsx", user=account.name if account else ""
        )
    except PermissionDenied as exc:
        st.error(str(exc))
    else:
        st.success("已写入")


@pytest.mark.parametrize(("name", "written"), [(None, False), ("张三", False), ("李四", True)])
def test_the_session_store_writes_only_for_an_editor(private, name, written):
    at = AppTest.from_function(_write_through_the_session_store, default_timeout=60)
    if name:
        signed_in(at, name)
    at.run()
    assert not at.exception
    assert bool(at.success) == written and len(private.history()) == int(written)
    if not written:
        assert ("请先登录" if name is None else "权限不足") in at.error[0].value
    else:
        assert private.history()[0].user == "李四"
