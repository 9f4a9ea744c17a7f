"""`python -m wuxing users add|list|passwd|disable`: accounts from the terminal.

The command line is trusted (whoever runs it can open the database file anyway), so it writes
through an unbound store; the audit log names the operating-system user (or WUXING_USER).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING

from wuxing.access.roles import ROLES
from wuxing.cli.outcome import Register, open_cli_store
from wuxing.config import Settings
from wuxing.errors import AuthError

if TYPE_CHECKING:
    from wuxing.storage.store import Store

EXIT_OK = 0
PASSWORD_VARIABLE = "WUXING_ADMIN_PASSWORD"


def register(command: Register) -> None:
    """Add `users` with its actions to the parser `command` builds subparsers for."""
    parser = command("users", cmd_users, "账号管理：新建、列出、重置密码、停用")
    actions = parser.add_subparsers(dest="action", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=help_text)
        # Also accepted after the action (`users add 张三 --db …`); SUPPRESS keeps an earlier one.
        p.add_argument("--db", default=argparse.SUPPRESS, help="SQLAlchemy 数据库地址")
        return p

    p = action("add", f"新建账号（密码在终端输入，或取自 {PASSWORD_VARIABLE}）")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--role", choices=ROLES, default="viewer")
    p.add_argument("--area", default="", help="可改动范围，如 清丰县/马庄桥镇（默认全部）")
    p.add_argument("--view-area", default=None, help="可查看范围（默认同 --area）")
    p = action("scope", "设置账号的可改动范围和可查看范围")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--area", default="", help="可改动范围（空为全部）")
    p.add_argument("--view-area", default=None, help="可查看范围（默认同 --area）")
    p = action("import", "按表格批量新建账号（列：用户名、角色、地区），打印一次性密码")
    p.add_argument("file", metavar="FILE", help=".xlsx 或 .csv")
    action("list", "列出账号")
    p = action("passwd", f"重置密码（密码在终端输入，或取自 {PASSWORD_VARIABLE}）")
    p.add_argument("name", metavar="NAME")
    p = action("disable", "停用账号")
    p.add_argument("name", metavar="NAME")
    p = action("enable", "重新启用账号")
    p.add_argument("name", metavar="NAME")


def operator() -> str:
    """The name the audit log records for command-line changes."""
    return os.environ.get("WUXING_USER") or os.environ.get("USER") or "命令行"


def read_password(prompt: str = "密码") -> str:
    """The new password: from WUXING_ADMIN_PASSWORD, else typed twice on the terminal."""
    given = os.environ.get(PASSWORD_VARIABLE)
    if given:
        return given
    if not sys.stdin.isatty():
        raise AuthError(
            f"无法在终端输入密码：请在交互终端中运行，或设置环境变量 {PASSWORD_VARIABLE}"
        )
    first = getpass.getpass(f"{prompt}：")
    if getpass.getpass("再输入一次：") != first:
        raise AuthError("两次输入的密码不一致，账号未改动")
    return first


def cmd_users(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `users` action."""
    store = open_cli_store(args, settings)
    return _ACTIONS[args.action](store, args)


def _add(store: Store, args: argparse.Namespace) -> int:
    from wuxing import scopes  # pandas: only when the command runs
    from wuxing.access import auth  # the store and pandas: only when it runs

    name = auth.create_account(
        store,
        args.name,
        read_password(),
        args.role,
        by=operator(),
        area=args.area,
        view_area=args.view_area,
    )
    account = store.account(name)
    assert account is not None  # created just now, by this command
    print(
        f"已新建账号“{name}”，角色：{auth.role_label(args.role)}，"
        f"可改动范围：{scopes.scope_label(account.area)}。"
    )
    return EXIT_OK


def _scope(store: Store, args: argparse.Namespace) -> int:
    from wuxing import scopes  # pandas: only when the command runs
    from wuxing.access import auth  # the store and pandas: only when it runs

    view = args.area if args.view_area is None else args.view_area
    auth.change_scope(store, args.name, args.area, view, by=operator())
    account = store.account(args.name)
    assert account is not None  # changed just now: change_scope refuses an unknown name
    print(
        f"“{account.name}”可改动：{scopes.scope_label(account.area)}；"
        f"可查看：{scopes.scope_label(account.view_area)}。"
    )
    return EXIT_OK


def _import(store: Store, args: argparse.Namespace) -> int:
    from pathlib import Path

    from wuxing import scopes  # pandas: only when the command runs
    from wuxing.access import auth  # the store and pandas: only when it runs
    from wuxing.reading.accounts import read_account_table  # the page reads it the same way

    path = Path(args.file)
    table = read_account_table(path.read_bytes(), path.name, Settings.from_env())
    made = auth.create_accounts(store, table, by=operator())
    print("用户名\t角色\t可改动范围\t一次性密码（只显示这一次，首次登录须修改）")
    for name, role, area, password in made:
        print(f"{name}\t{auth.role_label(role)}\t{scopes.scope_label(area)}\t{password}")
    return EXIT_OK


def _list(store: Store, args: argparse.Namespace) -> int:
    from wuxing.access import auth  # the store and pandas: only when it runs

    accounts = store.accounts()
    if not accounts:
        print("还没有账号。新建管理员：python -m wuxing users add 名字 --role admin")
    for a in accounts:
        state = "已停用" if a.disabled else "正常"
        print(
            f"{a.name}\t{a.role}\t{auth.role_label(a.role)}\t{state}\t{a.created_at:%Y-%m-%d %H:%M}"
        )
    return EXIT_OK


def _passwd(store: Store, args: argparse.Namespace) -> int:
    from wuxing.access import auth  # the store and pandas: only when it runs

    account = store.account(args.name)  # compared as logins compare: `ADMIN` finds `admin`
    if account is None:
        raise AuthError(f"账号“{args.name}”不存在，请用 `python -m wuxing users list` 查看")
    auth.reset_password(store, account.name, read_password("新密码"), by=operator())
    print(f"已重置“{account.name}”的密码（其已登录的会话随之退出）。")
    return EXIT_OK


def _disable(store: Store, args: argparse.Namespace) -> int:
    from wuxing.access import auth  # the store and pandas: only when it runs

    auth.disable_account(store, args.name, by=operator())
    print(f"已停用账号“{args.name}”。")
    return EXIT_OK


def _enable(store: Store, args: argparse.Namespace) -> int:
    from wuxing.access import auth  # the store and pandas: only when it runs

    auth.enable_account(store, args.name, by=operator())
    print(f"已启用账号“{args.name}”。")
    return EXIT_OK


_ACTIONS = {
    "add": _add,
    "scope": _scope,
    "import": _import,
    "list": _list,
    "passwd": _passwd,
    "disable": _disable,
    "enable": _enable,
}
