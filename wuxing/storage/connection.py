"""Connecting to the database: the engine (SQLite set up for one writer beside many readers),
read and write transactions, and a database that cannot be used (down, unknown host, wrong
password …) explained for people: which database, what went wrong, what to check; never the
password."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from wuxing.errors import StoreUnavailable

#: What SQLAlchemy raises when the database server is down, unreachable or refuses the login.
CONNECTION_ERRORS: tuple[type[Exception], ...] = (sa.exc.OperationalError, sa.exc.InterfaceError)

# (text in the driver's message, what went wrong, what to check); first match wins.
_REASONS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("password authentication failed", "no password supplied", "authentication failed"),
        "用户名或密码不对",
        "WUXING_DB 中的用户名和密码（这里不显示密码），以及服务器 pg_hba.conf 是否允许本机登录",
    ),
    (
        ("does not exist",),
        "数据库 {database} 不存在",
        "WUXING_DB 中的库名，或先在服务器上建库（CREATE DATABASE {database}）",
    ),
    (
        ("could not translate host name", "name or service not known", "name resolution"),
        "找不到主机",
        "WUXING_DB 中的主机名是否写对、本机能否解析该主机名",
    ),
    (
        ("timeout", "timed out"),
        "连接超时",
        "网络是否连通、防火墙是否放行数据库端口",
    ),
    (
        ("connection refused",),
        "连接被拒绝",
        "数据库服务器是否已启动、WUXING_DB 中的端口是否正确、服务器是否监听本机可达的地址",
    ),
    (
        ("unable to open database file", "readonly database", "read-only"),
        "无法打开或写入数据库文件",
        "文件所在目录是否存在、运行本程序的用户能否读写它（WUXING_HOME / WUXING_DB）",
    ),
)
_DEFAULT_CHECK = (
    "数据库服务器是否已启动、WUXING_DB 中的主机、端口、库名、用户名和密码是否正确、网络是否连通"
)


def describe(url: str) -> str:
    """The database of `url` in words, without its password."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite 数据库文件 {parsed.database}"
    parts = [f"主机 {parsed.host or 'localhost'}"]
    if parsed.port:
        parts.append(f"端口 {parsed.port}")
    if parsed.database:
        parts.append(f"库 {parsed.database}")
    if parsed.username:
        parts.append(f"用户 {parsed.username}")
    kind = "PostgreSQL" if parsed.get_backend_name() == "postgresql" else parsed.get_backend_name()
    return f"{kind} 数据库（{'，'.join(parts)}）"


def unavailable(url: str, cause: BaseException) -> StoreUnavailable:
    """The error to show when the database of `url` failed with `cause` (a driver error)."""
    text = str(cause).lower()
    database = sa.engine.make_url(url).database or ""
    reason, check = "连接失败", _DEFAULT_CHECK
    for needles, found_reason, found_check in _REASONS:
        if any(needle in text for needle in needles):
            reason, check = found_reason, found_check
            break
    reason, check = reason.format(database=database), check.format(database=database)
    return StoreUnavailable(f"无法连接数据库：{describe(url)}，{reason}。请检查：{check}。")


def make_engine(url: str) -> Engine:
    """The engine of the database at `url` (a SQLite file's folder is created if missing)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    # Driver SQL: pragmas and BEGIN IMMEDIATE have no SQLAlchemy Core form.
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # pysqlite's own transaction handling would defer BEGIN; we issue it ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
        # Under WAL, NORMAL never corrupts the database; a power cut (not a crash of the app) may
        # lose the last commits before a checkpoint. It spares an fsync of the log per commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")  # a second writer waits instead of failing
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the lock at BEGIN (IMMEDIATE), so two importers queue instead of
        # deadlocking on lock upgrade; readers begin deferred and never wait under WAL.
        if conn.get_execution_options().get("wuxing_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """One consistent view of the database for several statements."""
    # PostgreSQL's default would let a commit land between two statements; SQLite's WAL read
    # transaction already is one view.
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


#: The PostgreSQL advisory lock every write transaction holds (any number no one else uses).
_WRITER_LOCK = 580051


@contextmanager
def writing(engine: Engine, *, key_checks: bool = True) -> Iterator[Connection]:
    """One write transaction, serialised against other writers (also across processes).

    `key_checks=False` skips SQLite's per-row foreign-key lookups, for a writer whose every
    reference is to a row it inserted itself in this same transaction (the data tables of stores
    made before 2026-12 declare a key to revisions, which SQLite cannot drop in place).
    """
    with engine.connect() as conn:
        unchecked = not key_checks and engine.dialect.name == "sqlite"
        if unchecked:
            _foreign_keys(conn, on=False)  # before BEGIN: inside a transaction it is a no-op
        try:
            with conn.execution_options(wuxing_write=True).begin():
                if engine.dialect.name == "postgresql":
                    # One writer at a time: two uploads touching the same cells must not
                    # interleave.
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_WRITER_LOCK)))
                yield conn
        finally:
            if unchecked:
                _foreign_keys(conn, on=True)


def _foreign_keys(conn: Connection, *, on: bool) -> None:
    """Turn SQLite's foreign-key enforcement on or off for this connection (outside a
    transaction)."""
    # On the driver connection: SQLAlchemy would begin a transaction first, where the pragma is
    # ignored. A connection that cannot be switched back is dropped, never pooled unchecked.
    driver = conn.connection.driver_connection
    assert driver is not None  # a checked-out connection always has its driver's
    try:
        driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    except Exception:
        conn.invalidate()
        raise
