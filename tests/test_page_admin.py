import pytest

from tests.accounts import CHEAP_HASHER, PASSWORD, add_accounts, navigation_as_served, run_as
from wuxing.access import auth


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    monkeypatch.setattr(auth, "_hasher", CHEAP_HASHER)
    navigation_as_served(monkeypatch)


@pytest.fixture
def accounts(named_store, monkeypatch):
    monkeypatch.setenv("WUXING_PUBLIC_VIEW", "0")
    add_accounts(named_store, 张三="viewer", 管理员="admin")
    return named_store


def _admin_page():
    at = run_as("管理员")
    at.switch_page("pages/admin.py").run()
    assert not at.exception and at.title[0].value == "账号与审计"
    return at


def test_an_admin_adds_a_user_through_the_page(accounts):
    at = _admin_page()
    at.text_input[0].input("新同事")
    role_box = next(s for s in at.selectbox if s.label == "角色")
    role_box.select("editor")
    next(t for t in at.text_input if t.label == "初始密码").input("long enough")
    next(b for b in at.button if b.label == "新建账号").click().run()
    assert not at.exception
    assert "已新建账号“新同事”（编辑）" in at.success[0].value
    created = accounts.account("新同事")
    assert created.role == "editor" and created.password_hash.startswith("$argon2")
    assert auth.login(accounts, "新同事", "long enough").name == "新同事"
    event = accounts.events().iloc[1]  # the newest is the login just made
    assert (event["user"], event["action"], event["detail"]) == (
        "管理员",
        "user_add",
        "新同事（editor）",
    )
    accounts_table = at.dataframe[0].value
    assert list(accounts_table["用户名"]) == sorted(["张三", "管理员", "新同事"])


def test_a_weak_password_is_refused_in_chinese_and_nothing_is_added(accounts):
    at = _admin_page()
    at.text_input[0].input("新同事")
    next(t for t in at.text_input if t.label == "初始密码").input("short")
    next(b for b in at.button if b.label == "新建账号").click().run()
    assert "至少需要 10 个字符" in at.error[0].value
    assert accounts.account("新同事") is None


def test_an_admin_disables_and_resets_an_account(accounts):
    at = _admin_page()
    next(s for s in at.selectbox if s.label == "账号").select("张三")
    at.radio[0].set_value("停用").run()
    next(b for b in at.button if b.label == "停用账号").click().run()
    assert "已停用“张三”" in at.success[0].value
    assert accounts.account("张三").disabled
    at.radio[0].set_value("重置密码").run()
    next(t for t in at.text_input if t.label == "新密码").input("another password")
    next(b for b in at.button if b.label == "重置密码").click().run()
    assert auth.verify_password(accounts.account("张三").password_hash, "another password")
    assert not auth.verify_password(accounts.account("张三").password_hash, PASSWORD)


def test_the_audit_log_shows_and_filters(accounts):
    auth.login(accounts, "张三", PASSWORD)
    at = _admin_page()
    log = at.dataframe[-1].value
    assert {"时间（UTC）", "用户", "操作", "详情"} <= set(log.columns)
    assert "登录" in set(log["操作"]) and "新建账号" in set(log["操作"])
    next(m for m in at.multiselect if m.label == "操作").select("login").run()
    log = at.dataframe[-1].value
    assert set(log["操作"]) == {"登录"} and set(log["用户"]) == {"张三"}
    assert any("共 1 条" in c.value for c in at.caption)


def test_the_admin_page_says_how_accounts_are_managed_from_the_command_line(accounts):
    """The command the login page no longer shows every visitor (issue 16 §7) lives here."""
    at = _admin_page()
    assert any("python -m wuxing users add 名字 --role admin" in c.value for c in at.caption)


def test_an_admin_sets_a_scope_and_ends_a_session_on_the_page(accounts):
    token = accounts.open_session("张三", client="10.0.0.9")
    at = _admin_page()
    next(r for r in at.radio if r.label == "操作").set_value("设置范围").run()
    next(s for s in at.selectbox if s.label == "账号").set_value("张三").run()
    next(t for t in at.text_input if t.label == "可改动范围").input("某镇")
    next(t for t in at.text_input if t.label == "可查看范围").input("")
    next(b for b in at.button if b.label == "保存范围").click().run()
    assert not at.exception and not at.error
    assert (accounts.account("张三").area, accounts.account("张三").view_area) == ("某镇", "")
    assert accounts.events()["action"].iloc[0] == "user_scope"
    # 在线会话 lists 张三's session (and the admin's own); ending it signs 张三 out.
    sessions = accounts.open_sessions(idle=auth.Settings().session_idle)
    mine = int(sessions.loc[sessions["user"] == "张三", "id"].iloc[0])
    next(s for s in at.selectbox if s.label == "会话").set_value(mine).run()
    next(b for b in at.button if b.label == "结束此会话").click().run()
    assert accounts.session_account(token, idle=auth.Settings().session_idle) is None
