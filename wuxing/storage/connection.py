"""A database that cannot be used (down, unknown host, wrong password …) explained for people:
which database, what went wrong, what to check; never the password."""

from __future__ import annotations

import sqlalchemy as sa

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
