"""Sessions and scopes in the store, on SQLite and PostgreSQL (the `store_url` fixture)."""

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.accounts import add_accounts
from wuxing import scopes
from wuxing.dataset import Dataset
from wuxing.errors import PermissionDenied
from wuxing.storage.schema import sessions
from wuxing.storage.store import open_store

IDLE = timedelta(hours=8)

# Two townships of 清丰县: 马庄桥镇 (赵家村, 甲村) and 阳邵镇 (乙村).
VILLAGES = pd.DataFrame(
    {
        "code": ["A", "B", "C"],
        "name": ["赵家村", "甲村", "乙村"],
        "town": ["马庄桥镇", "马庄桥镇", "阳邵镇"],
        "county": "清丰县",
        "city": "濮阳市",
    }
)


def _values(codes, value=1.0):
    return pd.DataFrame(
        {"code": codes, "period": "2024Q1", "indicator": "volunteers", "value": value}
    )


@pytest.fixture
def county(store):
    store.commit(
        Dataset.of(villages=VILLAGES, values=_values(["A", "B", "C"])),
        content=b"roster",
        filename="名册.xlsx",
        user="测试",
    )
    add_accounts(store, 镇编辑="editor", 村书记="editor", 管理员="admin")
    store.set_scope("镇编辑", area="濮阳市/清丰县/马庄桥镇", view_area="", by="测试")
    store.set_scope(
        "村书记", area="清丰县/马庄桥镇/赵家村", view_area="清丰县/马庄桥镇/赵家村", by="测试"
    )
    return store


def test_a_session_opened_by_one_app_server_is_recognised_by_another(store_url, store):
    add_accounts(store, 李四="editor")
    other = open_store(store_url)  # a second app process on the same database
    try:
        token = store.open_session("李四", client="10.0.0.7")
        assert other.session_account(token, idle=IDLE).name == "李四"
        assert other.account("李四").last_login_at is not None
        # Only the token's sha256 is stored: the database does not hold what the cookie holds.
        with other.engine.connect() as conn:
            stored = conn.execute(sa.select(sessions.c.token_hash)).scalars().all()
        assert token not in stored and stored == [_sha(token)]
        # Logout through one ends it for both.
        assert other.end_session(token) == "李四"
        assert store.session_account(token, idle=IDLE) is None
        assert store.events()["action"].iloc[0] == "logout"
    finally:
        other.dispose()


def _sha(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


def test_an_idle_expired_revoked_or_unknown_session_is_refused(store):
    add_accounts(store, 李四="editor", 张三="viewer", 管理员="admin")
    start = datetime(2024, 1, 1, 8, tzinfo=UTC)
    token = store.open_session("李四", at=start)
    # Used within the idle time: still signed in, and the use moves the idle time on.
    assert store.session_account(token, idle=IDLE, at=start + timedelta(hours=7)) is not None
    assert store.session_account(token, idle=IDLE, at=start + timedelta(hours=14)) is not None
    # Idle longer than that: refused, and it stays ended.
    assert (
        store.session_account(token, idle=IDLE, at=start + timedelta(hours=22, minutes=1)) is None
    )
    assert store.session_account(token, idle=IDLE, at=start + timedelta(hours=14)) is None
    assert store.session_account("not-a-token", idle=IDLE) is None
    assert store.session_account("", idle=IDLE) is None

    # A password reset, disabling the account, or an admin ends sessions at once.
    reset, disabled, ended = (store.open_session(n) for n in ("李四", "张三", "管理员"))
    store.set_password("李四", "new-hash", by="测试")
    store.set_disabled("张三", True, by="测试")
    listed = store.open_sessions(idle=IDLE)
    assert listed["user"].tolist() == ["管理员"] and "token_hash" not in listed
    store.end_session_by_id(int(listed["id"].iloc[0]), by="测试")
    for token in (reset, disabled, ended):
        assert store.session_account(token, idle=IDLE) is None
    store.set_disabled("张三", False, by="测试")  # enabling again does not revive the session
    assert store.session_account(disabled, idle=IDLE) is None


def test_a_scoped_editors_upload_touching_another_township_is_refused_naming_it(county):
    before = (county.data_version(), len(county.history()), county.load().values["value"].sum())
    bound = county.acting_as("镇编辑", "editor", county.account("镇编辑").area)
    upload = Dataset.of(values=_values(["A", "C"], 5.0))
    with pytest.raises(PermissionDenied, match="阳邵镇/乙村") as refused:
        bound.commit(upload, content=b"two towns", filename="x.xlsx", user="镇编辑")
    assert "马庄桥镇/赵家村" not in str(refused.value) and "清丰县 › 马庄桥镇" in str(refused.value)
    assert (
        county.data_version(),
        len(county.history()),
        county.load().values["value"].sum(),
    ) == before
    # Its own township goes in; a rollback of a revision touching the other one is refused.
    bound.commit(
        Dataset.of(values=_values(["A", "B"], 5.0)),
        content=b"own",
        filename="y.xlsx",
        user="镇编辑",
    )
    roster = county.history()[-1].id
    with pytest.raises(PermissionDenied, match="乙村"):
        bound.rollback(roster, "镇编辑")
    assert county.revision(roster).is_live


def test_the_village_account_stores_its_own_village_only(county):
    account = county.account("村书记")
    assert (
        account.area == "濮阳市/清丰县/马庄桥镇/赵家村" or account.area == "清丰县/马庄桥镇/赵家村"
    )
    assert scopes.scope_of(account) == account.area
    bound = county.acting_as("村书记", "editor", account.area)
    with pytest.raises(PermissionDenied, match="马庄桥镇/甲村"):
        bound.commit(
            Dataset.of(values=_values(["A", "B"], 9.0)),
            content=b"ab",
            filename="a.xlsx",
            user="村书记",
        )
    revision = bound.commit(
        Dataset.of(values=_values(["A"], 9.0)), content=b"a", filename="赵家村.xlsx", user="村书记"
    )
    values = county.load().values.set_index("code")["value"]
    assert values["A"] == 9.0 and values["B"] == 1.0
    assert county.history()[0].id == revision


def test_scope_changes_are_in_the_audit_log_and_old_accounts_have_everything(county):
    log = county.events()
    scoped = log[log["action"] == "user_scope"]
    assert len(scoped) == 2 and "镇编辑：可改动 濮阳市/清丰县/马庄桥镇" in scoped["detail"].iloc[-1]
    assert county.account("管理员").area == "" and county.account("管理员").view_area == ""


def test_an_older_store_gets_the_scope_columns_with_everything_in_scope(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE users (name VARCHAR(100) PRIMARY KEY,"
            " password_hash VARCHAR(300) NOT NULL,"
            " role VARCHAR(20) NOT NULL, disabled BOOLEAN NOT NULL, created_at DATETIME NOT NULL)"
        )
        conn.exec_driver_sql(
            "INSERT INTO users VALUES ('老王', 'x', 'editor', 0, '2023-01-01 00:00:00')"
        )
    engine.dispose()
    store = open_store(url)
    try:
        old = store.account("老王")
        assert (old.area, old.view_area, old.must_change, old.last_login_at) == (
            "",
            "",
            False,
            None,
        )
        assert store.session_account(store.open_session("老王"), idle=IDLE).name == "老王"
    finally:
        store.dispose()


def test_scope_paths_resolve_and_contain():
    assert scopes.resolve("清丰县/马庄桥镇", VILLAGES) == "濮阳市/清丰县/马庄桥镇"
    assert scopes.resolve("赵家村", VILLAGES) == "濮阳市/清丰县/马庄桥镇/赵家村"
    with pytest.raises(ValueError, match="没有找到"):
        scopes.resolve("南乐县", VILLAGES)
    twins = pd.concat([VILLAGES, VILLAGES.assign(code="D", town="阳邵镇", name="赵家村")])
    with pytest.raises(ValueError, match="不止一处"):
        scopes.resolve("赵家村", twins)
    assert scopes.within("濮阳市/清丰县/马庄桥镇", "清丰县") and not scopes.within("", "清丰县")
    # The template and 填报进度 cover the chosen area within the account's own, else its own.
    assert scopes.narrowed("濮阳市/清丰县/马庄桥镇", "") == "濮阳市/清丰县/马庄桥镇"
    assert scopes.narrowed("濮阳市/清丰县", "濮阳市/清丰县/马庄桥镇") == "濮阳市/清丰县/马庄桥镇"
    assert (
        scopes.narrowed("濮阳市/清丰县/阳邵镇", "濮阳市/清丰县/马庄桥镇")
        == "濮阳市/清丰县/马庄桥镇"
    )
    assert scopes.narrowed("濮阳市/清丰县/马庄桥镇/赵家村", "濮阳市/清丰县/马庄桥镇") == (
        "濮阳市/清丰县/马庄桥镇/赵家村"
    )
    # A "/" inside a name is escaped in the path and is no separator.
    odd = VILLAGES.assign(town="东/西镇")
    assert scopes.resolve("东%2F西镇", odd) == "濮阳市/清丰县/东%2F西镇"
