"""A database that is down, unknown or refusing the login: a Chinese message naming the host and
what to check (never the password), on the command line and on the pages."""

from __future__ import annotations

import pytest

from tests.conftest import free_port, run_app
from wuxing.cli import main as cli
from wuxing.errors import StoreUnavailable
from wuxing.storage import connection
from wuxing.storage.store import open_store

PASSWORD = "S3cret-Pw_9"


def _down_url() -> str:
    # Nothing listens on a port just found free: the server is "down".
    return f"postgresql+psycopg://wuxing:{PASSWORD}@127.0.0.1:{free_port()}/wuxing"


@pytest.mark.parametrize("command", [["setup"], ["history"], ["history", "--json"]])
def test_the_command_line_explains_a_database_that_is_down(command, monkeypatch, capsys):
    monkeypatch.setenv("WUXING_DB", _down_url())
    code = cli.main(command)
    out, err = capsys.readouterr()
    assert code == cli.EXIT_REJECTED
    assert "无法连接数据库" in err and "127.0.0.1" in err and "是否已启动" in err
    assert PASSWORD not in err + out and "Traceback" not in err and "psycopg" not in err


def test_open_store_raises_the_explanation_not_the_driver_error():
    with pytest.raises(StoreUnavailable, match="主机 127.0.0.1") as refused:
        open_store(_down_url())
    assert PASSWORD not in str(refused.value)


@pytest.mark.parametrize(
    "driver_text, reason, check",
    [
        ('password authentication failed for user "wuxing"', "用户名或密码不对", "密码"),
        ("fe_sendauth: no password supplied", "用户名或密码不对", "密码"),
        ('database "wuxing" does not exist', "数据库 wuxing 不存在", "CREATE DATABASE"),
        ('could not translate host name "db.lan" to address', "找不到主机", "主机名"),
        ("connection timeout expired", "连接超时", "防火墙"),
        ("Connection refused", "连接被拒绝", "是否已启动"),
    ],
)
def test_each_driver_failure_reads_as_what_to_check(driver_text, reason, check):
    url = f"postgresql+psycopg://wuxing:{PASSWORD}@db.lan:5433/wuxing"
    message = str(connection.unavailable(url, Exception(driver_text)))
    assert reason in message and check in message
    assert "主机 db.lan" in message and "端口 5433" in message and "用户 wuxing" in message
    assert PASSWORD not in message


@pytest.mark.postgres
def test_a_missing_database_on_a_running_server_is_named(pg_server, capsys):
    code = cli.main(["history", "--db", f"{pg_server}/no_such_db"])
    _, err = capsys.readouterr()
    assert code == cli.EXIT_REJECTED and "数据库 no_such_db 不存在" in err


def test_a_page_explains_a_database_that_is_down(monkeypatch, tmp_path):
    monkeypatch.setenv("WUXING_DB", _down_url())
    monkeypatch.setenv("WUXING_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WUXING_PUBLIC_VIEW", "1")
    at = run_app()
    assert not at.exception
    [error] = at.error
    shown = error.value.replace("\\", "")  # as read on screen: ui.plain escapes punctuation
    assert "无法连接数据库" in shown and "主机 127.0.0.1" in shown and "WUXING_DB" in shown
    assert PASSWORD not in shown
