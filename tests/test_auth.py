from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from tests.accounts import CHEAP_HASHER, PASSWORD, add_accounts
from wuxing import account_commands, audit, auth, cli
from wuxing.dataset import Dataset
from wuxing.errors import AuthError, PermissionDenied, StoreError


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    monkeypatch.setattr(auth, "_hasher", CHEAP_HASHER)


def _data():
    return Dataset.of(
        villages=pd.DataFrame({"code": ["A"], "name": ["甲村"], "town": "某镇"}),
        values=pd.DataFrame({"code": ["A"], "period": ["2023Q1"], "indicator": ["volunteers"], "value": [3.0]}),
    )  # fmt: skip


def test_passwords_are_stored_only_as_argon2_hashes(store):
    auth.create_account(store, " 张三 ", "s3cret-pass", "editor", by="管理员")
    account = store.account("张三")
    assert account.password_hash.startswith("$argon2id$")
    assert "s3cret-pass" not in account.password_hash and "s3cret-pass" not in repr(account)
    assert auth.verify_password(account.password_hash, "s3cret-pass")
    assert not auth.verify_password(account.password_hash, "s3cret-pasS")
    assert not auth.verify_password("not a hash", "s3cret-pass")
    assert "s3cret-pass" not in store.events().to_string()


def test_the_production_hasher_is_slow_argon2id():
    assert auth.PasswordHasher().type.name == "ID"
    assert auth._hasher.time_cost >= 1  # the cheap test hasher is patched in here
    assert auth.hash_password("abcdefgh") != auth.hash_password("abcdefgh")  # salted


def test_login_accepts_the_right_password_and_records_it(store):
    add_accounts(store, 张三="viewer")
    account = auth.login(store, "张三", PASSWORD)
    assert (account.name, account.role) == ("张三", "viewer")
    assert store.events()["action"].iloc[0] == "login"


@pytest.mark.parametrize("name", ["张三", "无此人"])
def test_failures_back_off_exponentially_with_a_chinese_wait(store, name):
    add_accounts(store, 张三="viewer")
    start = datetime.now(UTC)
    for _ in range(auth.FREE_FAILURES - 1):
        with pytest.raises(AuthError, match="用户名或密码错误"):
            auth.login(store, name, "wrong", now=start)
    with pytest.raises(AuthError, match="请 30 秒后再试"):
        auth.login(store, name, "wrong", now=start)
    # Locked: even the right password is refused, without being checked.
    with pytest.raises(AuthError, match="已暂停登录，请 30 秒后再试"):
        auth.login(store, name, PASSWORD, now=start)
    later = start + timedelta(seconds=31)
    with pytest.raises(AuthError, match="请 1 分钟后再试"):
        auth.login(store, name, "wrong", now=later)
    actions = list(store.events()["action"])
    assert actions.count("login_failed") == 4 and "login_refused" in actions


def test_backoff_doubles_and_is_capped():
    waits = [auth.backoff(n) for n in range(1, 12)]
    assert waits[:2] == [timedelta(0), timedelta(0)]
    assert waits[2:5] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert max(waits) == auth.LONGEST_LOCK
    assert auth.wait_text(timedelta(seconds=90)) == "2 分钟"


def test_success_clears_the_failures(store):
    add_accounts(store, 张三="viewer")
    for _ in range(auth.FREE_FAILURES - 1):
        with pytest.raises(AuthError):
            auth.login(store, "张三", "wrong")
    auth.login(store, "张三", PASSWORD)
    with pytest.raises(AuthError) as caught:
        auth.login(store, "张三", "wrong")
    assert "暂停" not in str(caught.value)


def test_disabled_accounts_cannot_log_in_and_reset_lifts_a_pause(store):
    add_accounts(store, 张三="viewer", 管理员="admin")
    auth.disable_account(store, "张三", by="管理员")
    with pytest.raises(AuthError, match="已停用"):
        auth.login(store, "张三", PASSWORD)
    auth.enable_account(store, "张三", by="管理员")
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(AuthError):
            auth.login(store, "张三", "wrong")
    auth.reset_password(store, "张三", "brand-new-pw", by="管理员")
    assert auth.login(store, "张三", "brand-new-pw").name == "张三"


def test_account_rules(store):
    add_accounts(store, 管理员="admin")
    with pytest.raises(AuthError, match="至少需要 8 个字符"):
        auth.create_account(store, "李四", "short", "viewer", by="管理员")
    with pytest.raises(AuthError, match="未知角色"):
        auth.create_account(store, "李四", "long enough", "root", by="管理员")
    with pytest.raises(StoreError, match="已存在"):
        auth.create_account(store, "管理员", "long enough", "viewer", by="管理员")
    with pytest.raises(AuthError, match="不能停用自己"):
        auth.disable_account(store, "管理员", by="管理员")
    with pytest.raises(StoreError, match="不存在"):
        auth.reset_password(store, "无此人", "long enough", by="管理员")


@pytest.mark.parametrize(
    ("role", "needed", "allowed"),
    [(None, "viewer", False), ("viewer", "viewer", True), ("viewer", "editor", False),
     ("editor", "editor", True), ("editor", "admin", False), ("admin", "editor", True)],
)  # fmt: skip
def test_require_orders_the_roles(role, needed, allowed):
    if allowed:
        auth.require(role, needed)
    else:
        with pytest.raises(PermissionDenied, match="请先登录" if role is None else "权限不足"):
            auth.require(role, needed)


def test_a_store_bound_to_a_viewer_refuses_every_write(store):
    rid = store.commit(_data(), content=b"x", filename="x.xlsx", user="命令行")
    viewer = store.acting_as("王五", "viewer")
    with pytest.raises(PermissionDenied, match="编辑"):
        viewer.commit(_data(), content=b"y", filename="y.xlsx", user="王五")
    with pytest.raises(PermissionDenied):
        viewer.rollback(rid, user="王五")
    with pytest.raises(PermissionDenied):
        viewer.restore(rid, user="王五")
    with pytest.raises(PermissionDenied, match="管理员"):
        auth.create_account(viewer, "新人", "long enough", "admin", by="王五")
    with pytest.raises(PermissionDenied, match="请先登录"):
        store.acting_as("", None).commit(_data(), content=b"z", filename="z", user="")
    assert len(store.history()) == 1 and store.accounts() == []


def test_an_editor_writes_under_its_own_name_only(store):
    editor = store.acting_as("李四", "editor")
    rid = editor.commit(_data(), content=b"x", filename="x.xlsx", user="李四")
    editor.rollback(rid, user="李四")
    with pytest.raises(PermissionDenied, match="不能以“张三”的名义"):
        editor.restore(rid, user="张三")
    with pytest.raises(PermissionDenied, match="管理员"):
        auth.reset_password(editor, "李四", "long enough", by="李四")
    admin = store.acting_as("管理员", "admin")
    auth.create_account(admin, "新人", "long enough", "viewer", by="管理员")
    assert store.account("新人").role == "viewer"


def test_every_account_change_and_login_is_in_the_audit_log(store):
    add_accounts(store, 管理员="admin")
    auth.create_account(store, "张三", "long enough", "viewer", by="管理员")
    auth.change_role(store, "张三", "editor", by="管理员")
    auth.reset_password(store, "张三", "other password", by="管理员")
    auth.disable_account(store, "张三", by="管理员")
    with pytest.raises(AuthError):
        auth.login(store, "张三", "other password")
    auth.login(store, "管理员", PASSWORD)
    auth.logout(store, "管理员")
    events = store.events()
    assert list(events["action"])[::-1] == [
        "user_add", "user_add", "user_role", "user_passwd", "user_disable",
        "login_failed", "login", "logout",
    ]  # fmt: skip
    table = audit.event_table(audit.filter_events(events, actions=["user_role"]))
    assert table.to_dict("records")[0] | {"时间（UTC）": ""} == {
        "时间（UTC）": "", "用户": "管理员", "操作": "修改角色", "版本": "", "详情": "张三（editor）",
    }  # fmt: skip
    assert len(audit.filter_events(events, users=["张三"])) == 1
    assert len(audit.filter_events(events, text="张三")) == 4  # add, role, password, disable
    today = datetime.now(UTC).date()
    assert len(audit.filter_events(events, since=today, until=today)) == len(events)
    assert audit.filter_events(events, until=today - timedelta(days=1)).empty


def test_cli_users_add_list_passwd_disable(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(auth, "_hasher", CHEAP_HASHER)
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("WUXING_USER", "运维")
    monkeypatch.setenv(account_commands.PASSWORD_VARIABLE, "admin password")
    assert cli.main(["users", "add", "管理员", "--role", "admin", "--db", db]) == 0
    monkeypatch.setenv(account_commands.PASSWORD_VARIABLE, "viewer password")
    assert cli.main(["users", "--db", db, "add", "张三"]) == 0
    assert cli.main(["users", "passwd", "张三", "--db", db]) == 0
    assert cli.main(["users", "disable", "张三", "--db", db]) == 0
    assert cli.main(["users", "list", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "管理员\tadmin" in out and "张三\tviewer\t查看\t已停用" in out
    assert "admin password" not in out
    monkeypatch.delenv(account_commands.PASSWORD_VARIABLE)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert cli.main(["users", "add", "李四", "--db", db]) == 1
    assert "WUXING_ADMIN_PASSWORD" in capsys.readouterr().err


def test_cli_asks_for_the_password_twice_on_a_terminal(store, monkeypatch):
    monkeypatch.delenv(account_commands.PASSWORD_VARIABLE, raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    typed = iter(["typed password", "typed password", "one", "two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert account_commands.read_password() == "typed password"
    with pytest.raises(AuthError, match="不一致"):
        account_commands.read_password()


def test_setup_says_how_to_create_an_admin(tmp_path, monkeypatch, capsys):
    db = f"sqlite:///{tmp_path / 'setup.sqlite'}"
    monkeypatch.delenv("WUXING_PUBLIC_VIEW", raising=False)
    assert cli.main(["setup", "--db", db]) == 0
    assert "python -m wuxing users add 名字 --role admin" in capsys.readouterr().out
    monkeypatch.setenv(account_commands.PASSWORD_VARIABLE, "admin password")
    cli.main(["users", "add", "管理员", "--role", "admin", "--db", db])
    capsys.readouterr()
    assert cli.main(["setup", "--db", db]) == 0
    assert "users add" not in capsys.readouterr().out
