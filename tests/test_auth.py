import threading
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from argon2 import Type

from tests.accounts import PASSWORD, add_accounts
from wuxing.access import auth, throttle
from wuxing.cli import accounts as account_commands
from wuxing.cli import main as cli
from wuxing.config import Settings
from wuxing.dataset import Dataset
from wuxing.errors import AuthError, PermissionDenied, StoreError
from wuxing.storage import schema as tables


def _data():
    return Dataset.of(
        villages=pd.DataFrame({"code": ["A"], "name": ["甲村"], "town": "某镇"}),
        values=pd.DataFrame(
            {"code": ["A"], "period": ["2023Q1"], "indicator": ["volunteers"], "value": [3.0]}
        ),
    )


def test_passwords_are_stored_only_as_argon2_hashes(store):
    auth.create_account(store, " 张三 ", "s3cret-pass", "editor", by="管理员")
    account = store.account("张三")
    assert account.password_hash.startswith("$argon2id$")
    assert "s3cret-pass" not in account.password_hash and "s3cret-pass" not in repr(account)
    assert auth.verify_password(account.password_hash, "s3cret-pass")
    assert not auth.verify_password(account.password_hash, "s3cret-pasS")
    assert not auth.verify_password("not a hash", "s3cret-pass")
    assert "s3cret-pass" not in store.events().to_string()


def test_the_production_hasher_is_slow_argon2id(monkeypatch):
    assert auth.hash_password("abcdefgh") != auth.hash_password("abcdefgh")  # salted
    monkeypatch.undo()  # the real hasher, not the cheap one conftest gives every other test
    real = auth.password_hasher
    # RFC 9106's low-memory profile: argon2id, 64 MiB, three passes.
    assert (real.type, real.memory_cost, real.time_cost) == (Type.ID, 64 * 1024, 3)


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
    # Checked failures on a real account are in the audit log; tries refused during a pause,
    # and failures on a name that does not exist, are only counted.
    actions = list(store.events()["action"])
    assert actions.count("login_failed") == (4 if name == "张三" else 0)
    assert "login_refused" not in actions


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
    with pytest.raises(AuthError, match="至少需要 10 个字符"):
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
    [
        (None, "viewer", False),
        ("viewer", "viewer", True),
        ("viewer", "editor", False),
        ("editor", "editor", True),
        ("editor", "admin", False),
        ("admin", "editor", True),
    ],
)
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
        "user_add",
        "user_add",
        "user_role",
        "user_passwd",
        "user_disable",
        "login_failed",
        "login",
        "logout",
    ]
    role_change = events[events["action"] == "user_role"].iloc[0]
    assert (role_change["user"], role_change["detail"]) == ("管理员", "张三（编辑）")


def test_cli_users_add_list_passwd_disable(tmp_path, monkeypatch, capsys):
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


# -- issue 15 §4: login abuse and account hygiene ----------------------------------------------

OWNER, ATTACKER = "198.51.100.7", "203.0.113.9"


def _fail(store, name, password="wrong guess", *, client=ATTACKER, now=None):
    with pytest.raises(AuthError) as caught:
        auth.login(store, name, password, client=client, now=now)
    return str(caught.value)


def test_another_clients_failures_never_lock_the_owner_out(store):
    add_accounts(store, 管理员="admin")
    start = datetime.now(UTC)
    # One wrong try every 15 minutes used to keep the name locked for everyone.
    for step in range(6):
        at = start + step * timedelta(minutes=15)
        _fail(store, "管理员", now=at)
        assert auth.login(store, "管理员", PASSWORD, client=OWNER, now=at).name == "管理员"
    # A burst: the attacker is paused, even with the right password; the owner is not.
    for _ in range(20):
        _fail(store, "管理员", now=start)
    assert "已暂停登录" in _fail(store, "管理员", PASSWORD, now=start)
    assert auth.login(store, "管理员", PASSWORD, client=OWNER, now=start).name == "管理员"


def test_parallel_wrong_passwords_from_one_client_are_checked_only_as_often_as_allowed(
    store, monkeypatch
):
    add_accounts(store, 张三="viewer")
    tries = 16
    state = {"checked": 0, "refused": 0, "released": False}
    changed = threading.Condition()

    def held_check(password_hash, password):
        # Every check waits until each try has been checked or refused: the old check-then-count
        # let all of them through before the first failure was counted.
        with changed:
            state["checked"] += 1
            changed.notify_all()
            changed.wait_for(
                lambda: state["released"] or state["checked"] + state["refused"] == tries,
                timeout=60,
            )
            state["released"] = True
            changed.notify_all()
        return False

    monkeypatch.setattr(auth, "verify_password", held_check)
    monkeypatch.setattr(auth, "hash_slots", lambda: threading.BoundedSemaphore(tries))
    start = threading.Barrier(tries)

    def attempt():
        start.wait()
        try:
            auth.login(store, "张三", "wrong guess", client=ATTACKER)
        except AuthError as exc:
            if "已暂停登录" in str(exc):
                with changed:
                    state["refused"] += 1
                    changed.notify_all()

    threads = [threading.Thread(target=attempt) for _ in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert state["checked"] == throttle.FREE_PER_NAME
    assert state["refused"] == tries - throttle.FREE_PER_NAME


def test_password_checks_run_in_a_bounded_number_of_slots(store, monkeypatch):
    add_accounts(store, 张三="viewer")
    assert Settings.from_env({}).login_hash_slots == 2
    assert Settings.from_env({"WUXING_LOGIN_HASH_SLOTS": "3"}).login_hash_slots == 3
    tries, slots = 6, 2
    state = {"arrived": 0, "active": 0, "most": 0, "checking": 0, "released": False}
    changed = threading.Condition()

    class WatchedSlots(threading.BoundedSemaphore):
        def __enter__(self):
            with changed:
                state["arrived"] += 1
                changed.notify_all()
            super().__enter__()
            with changed:
                state["active"] += 1
                state["most"] = max(state["most"], state["active"])
                changed.notify_all()

        def __exit__(self, *exc):
            with changed:
                state["active"] -= 1
                changed.notify_all()
            return super().__exit__(*exc)

    def held_check(password_hash, password):
        # The first checks are held until every try has reached the slots and the slots are
        # full, so that without the bound all six would be hashing at once; then all go on.
        # More checks at once than slots means the bound is broken: let go so the assert fails.
        with changed:
            state["checking"] += 1
            changed.notify_all()
            changed.wait_for(
                lambda: (
                    state["released"]
                    or state["checking"] > slots
                    or (state["arrived"] == tries and state["active"] == slots)
                ),
                timeout=60,  # only a broken login that never reaches the slots waits this out
            )
            state["released"] = True
            state["checking"] -= 1
            changed.notify_all()
        return False

    shared = WatchedSlots(slots)
    monkeypatch.setattr(auth, "hash_slots", lambda: shared)
    monkeypatch.setattr(auth, "verify_password", held_check)
    threads = [
        threading.Thread(target=_fail, args=(store, "张三"), kwargs={"client": f"10.0.0.{n}"})
        for n in range(tries)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert state["arrived"] == tries
    assert state["most"] == slots  # full, and never more


def test_unknown_names_are_counted_per_client_without_the_typed_text(store):
    add_accounts(store, 张三="viewer")
    now = datetime.now(UTC)
    for n in range(40):  # a password typed into the name field, and a name spray
        _fail(store, f"my-secret-pw-{n}", now=now)
    events = store.events()
    assert list(events["action"]) == ["login_paused", "user_add"]  # one event, not 40
    assert ATTACKER in events["detail"].iloc[0]
    with store.engine.connect() as conn:
        stored = [conn.execute(sa.select(t)).all() for t in tables.metadata.sorted_tables]
        count = conn.execute(
            sa.select(tables.login_throttle).where(
                tables.login_throttle.c.name == throttle.ANY_NAME
            )
        ).one()
    assert "my-secret-pw" not in repr(stored)
    assert (count.client, count.failures, count.refused) == (
        ATTACKER,
        throttle.FREE_PER_CLIENT,
        40 - throttle.FREE_PER_CLIENT,
    )
    # The paused client is paused on real names too; another client is not.
    assert "已暂停登录" in _fail(store, "张三", PASSWORD, now=now)
    assert auth.login(store, "张三", PASSWORD, client=OWNER, now=now).name == "张三"


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("张三", "12345678", "至少需要 10 个字符"),
        ("张三", " " * 8, "至少需要 10 个字符"),
        ("张三", " " * 12, "不能全是空格"),
        ("zhangsan01", "ZhangSan01", "不能与用户名相同"),
        ("zhangsan01", "ＺＨＡＮＧＳＡＮ０１", "不能与用户名相同"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(store, name, password, message):
    add_accounts(store, 管理员="admin", **{name: "viewer"})
    with pytest.raises(AuthError, match=message):
        auth.create_account(store, name, password, "viewer", by="管理员")
    with pytest.raises(AuthError, match=message):
        auth.reset_password(store, name, password, by="管理员")
    assert auth.verify_password(store.account(name).password_hash, PASSWORD)


def test_cli_refuses_a_weak_password(tmp_path, monkeypatch, capsys):
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv(account_commands.PASSWORD_VARIABLE, "12345678")
    assert cli.main(["users", "add", "管理员", "--role", "admin", "--db", db]) == 1
    assert "密码至少需要 10 个字符" in capsys.readouterr().err
    monkeypatch.setenv(account_commands.PASSWORD_VARIABLE, "long enough pw")
    assert cli.main(["users", "add", "管理员", "--role", "admin", "--db", db]) == 0
    monkeypatch.setenv(account_commands.PASSWORD_VARIABLE, " " * 10)
    assert cli.main(["users", "passwd", "管理员", "--db", db]) == 1
    assert "不能全是空格" in capsys.readouterr().err


def test_look_alike_names_are_refused_and_logins_compare_names_loosely(store):
    auth.create_account(store, "admin", "long enough pw", "admin", by="运维")
    for look_alike in ["Admin", "ａｄｍｉｎ", " ADMIN "]:
        with pytest.raises(StoreError, match="已存在|只差大小写或全角半角"):
            auth.create_account(store, look_alike, "long enough pw", "viewer", by="运维")
    with pytest.raises(StoreError, match="与已有账号“admin”只差大小写或全角半角"):
        auth.create_account(store, "Admin", "long enough pw", "viewer", by="运维")
    assert [a.name for a in store.accounts()] == ["admin"]
    for typed in ["ADMIN", "ａｄｍｉｎ", "Admin"]:
        assert auth.login(store, typed, "long enough pw").name == "admin"
