"""Accounts and roles: password hashing, login with back-off, and the role check every write makes.

Passwords exist only as argon2id hashes (argon2-cffi); they are never logged or shown. The store
keeps the accounts and the failed-login counts; this module holds the policy. Roles are ordered
viewer < editor < admin (see `wuxing.access.roles`).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from wuxing import scopes
from wuxing.access import throttle
from wuxing.access.credentials import (  # noqa: F401 — callers know them as auth.*
    MIN_PASSWORD_LENGTH,
    PASSWORD_RULE,
    account_key,
    check_name,
    check_password,
)
from wuxing.access.roles import ROLE_LABELS, ROLES, require, role_allows, role_label  # noqa: F401
from wuxing.config import Settings
from wuxing.errors import AuthError
from wuxing.storage.sessions import token_digest

if TYPE_CHECKING:
    import pandas as pd

    from wuxing.storage.store import Account, Store

# Kept for callers of the old names; the policy itself is wuxing.access.throttle.
FREE_FAILURES = throttle.FREE_PER_NAME
LONGEST_LOCK = throttle.LONGEST_PAUSE
backoff = throttle.name_pause
wait_text = throttle.wait_text

# argon2-cffi's defaults (argon2id, 64 MiB, t=3) follow RFC 9106's low-memory profile; tests swap
# in a cheaper hasher. Verification reads the parameters from the hash itself.
password_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """A slow salted argon2id hash of `password`."""
    return password_hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches `password_hash` (False for a malformed hash, never raises)."""
    try:
        return password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    # Unknown names are verified against this, so a wrong name costs as long as a wrong password.
    return password_hasher.hash("not-a-password")


@cache
def hash_slots() -> threading.BoundedSemaphore:
    """The gate every password check passes: at most `login_hash_slots` at once per process."""
    # argon2 takes 64 MiB and a core per check: 32 parallel failed logins took the process to
    # 1.7 GB. Checks beyond the slots wait their turn (a delay, not a refusal).
    return threading.BoundedSemaphore(Settings.from_env().login_hash_slots)


def check_role(role: str) -> None:
    """AuthError unless `role` is a known role."""
    if role not in ROLES:
        raise AuthError(f"未知角色“{role}”，可选：{'、'.join(ROLES)}")


def login(
    store: Store, name: str, password: str, *, client: str = "", now: datetime | None = None
) -> Account:
    """The account if `password` is right; else AuthError in Chinese. `client` is the address the
    try comes from: failures pause that client (on this name, or on every name after many), never
    the name for everyone, so nobody can keep the owner out by failing on purpose."""
    name = check_name(name)
    now = now or datetime.now(UTC)
    attempt = store.begin_login(name, client[:64], at=now)
    if attempt.refused_until is not None:
        raise AuthError(
            f"从本机登录“{name}”失败次数过多，已暂停登录，请 "
            f"{wait_text(attempt.refused_until - now)}后再试。"
        )
    account = attempt.account
    with hash_slots():
        matches = verify_password(account.password_hash if account else _dummy_hash(), password)
    if account is not None and matches and not account.disabled:
        store.login_succeeded(attempt)
        return account
    disabled = account is not None and matches and account.disabled
    store.login_failed(attempt, "账号已停用" if disabled else "")
    if disabled:
        raise AuthError("该账号已停用，请联系管理员。")
    message = "用户名或密码错误。"
    pauses = [p for p in (attempt.paused_until, attempt.client_paused_until) if p is not None]
    if pauses:
        message += f"已连续失败 {attempt.failures} 次，请 {wait_text(max(pauses) - now)}后再试。"
    elif attempt.failures > 1:
        message += f"再失败 {FREE_FAILURES - attempt.failures} 次将暂停登录一段时间。"
    raise AuthError(message)


def logout(store: Store, name: str) -> None:
    """Record that `name` logged out."""
    store.log(name, "logout")


def open_session(
    store: Store, name: str, password: str, *, client: str = "", now: datetime | None = None
) -> tuple[Account, str]:
    """`login`, then a new session: the account and the token for the browser's cookie."""
    account = login(store, name, password, client=client, now=now)
    return account, store.open_session(account.name, client=client[:64], at=now)


def session_account(store: Store, token: str | None, settings: Settings) -> Account | None:
    """The account the session `token` signs in (None: none, ended, idle too long …), its
    password hash left in the store."""
    account = store.session_account(token or "", idle=settings.session_idle)
    return None if account is None else replace(account, password_hash="")


def resolve_area(store: Store, area: str, villages: pd.DataFrame | None = None) -> str:
    """`area` as the full path of the one area it names in the stored villages (AuthError in
    Chinese when it names none or several); "" or 全部 is everything. `villages`: the stored
    ones, when the caller has read them already (a bulk table reads them once)."""
    if area.strip() in {"", "全部", "全部地区"}:
        return scopes.EVERYTHING
    if villages is None:
        villages = store.load_for_import().villages
    try:
        return scopes.resolve(area.strip(), villages)
    except ValueError as exc:
        raise AuthError(str(exc)) from None


#: What an admin reads beside the password of an account made for someone else.
INITIAL_PASSWORD_RULE = f"{PASSWORD_RULE}。首次登录后须改为本人的密码。"


def invite(store: Store, name: str, password: str, role: str, *, by: str, area: str = "") -> str:
    """An account an admin makes for someone: the admin knows its password, so it is a one-time
    one, changed at the first login (as bulk-made accounts' are); returns the trimmed name."""
    return create_account(store, name, password, role, by=by, area=area, one_time=True)


def create_account(
    store: Store,
    name: str,
    password: str,
    role: str,
    *,
    by: str,
    area: str = "",
    view_area: str | None = None,
    one_time: bool = False,
) -> str:
    """Add an account with a hashed password and its scope (`area` resolved against the stored
    villages; it may browse `view_area`, by default the same); returns the trimmed name.
    `one_time`: the password is a one-time one, changed at the first login."""
    name = check_name(name)
    check_role(role)
    check_password(password, name)
    area = resolve_area(store, area)
    view = area if view_area is None else resolve_area(store, view_area)
    if not scopes.within(area, view):
        raise AuthError("可查看范围须包含可改动范围")
    store.add_account(
        name, hash_password(password), role, by=by, area=area, view_area=view, must_change=one_time
    )
    return name


#: The headers a bulk account table may use for each column.
BULK_COLUMNS = {
    "name": ("用户名", "账号", "name"),
    "role": ("角色", "role"),
    "area": ("地区", "范围", "可改动范围", "area"),
}
_ROLE_NAMES = {**{r: r for r in ROLES}, **{label: r for r, label in ROLE_LABELS.items()}}


@dataclass(frozen=True)
class NewAccount:
    """One account a bulk table asks for, checked: its row in the sheet, name, role, full area."""

    row: int
    name: str
    role: str
    area: str


@dataclass(frozen=True)
class AccountPlan:
    """What a bulk table would make: the accounts, and the problems (each naming its row and the
    fix) that keep all of them from being made."""

    accounts: tuple[NewAccount, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the table has accounts and no problem."""
        return bool(self.accounts) and not self.problems


def check_accounts(store: Store, table: pd.DataFrame) -> AccountPlan:
    """Check a bulk account table (用户名, 角色, 地区; rows numbered from
    `table.attrs["first_row"]`, default 2: a header in row 1) against the store, every row,
    without making anything."""
    columns = {
        key: next((c for c in table.columns if str(c).strip() in names), None)
        for key, names in BULK_COLUMNS.items()
    }
    if columns["name"] is None or columns["role"] is None:
        return AccountPlan(
            (), ("表格须有“用户名”和“角色”两列（可选“地区”列）：请在第一行写上这些列名",)
        )
    first = int(table.attrs.get("first_row", 2))
    villages = store.load_for_import().villages  # once, not per row (a province's 46,000)
    accounts: list[NewAccount] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(table.fillna("").to_dict("records"), start=first):
        name, role = str(row[columns["name"]]).strip(), str(row[columns["role"]]).strip()
        area = str(row[columns["area"]]).strip() if columns["area"] else ""
        if not (name or role or area):
            continue  # a blank row
        wrong = []  # every problem of the row at once, not the first only
        try:
            name = check_name(name)
        except AuthError as exc:
            wrong.append(str(exc))
        else:
            if (twin := seen.get(account_key(name))) is not None:
                wrong.append(f"用户名“{name}”与第 {twin} 行重复：请删去其中一行，或换一个名字")
            elif (taken := store.account(name)) is not None:
                wrong.append(f"账号“{taken.name}”已存在：请换一个名字，或删去这一行")
            seen.setdefault(account_key(name), number)
        if role not in _ROLE_NAMES:
            wrong.append(f"角色“{role}”未知：请改为{'、'.join(ROLE_LABELS.values())}之一")
        try:
            area = resolve_area(store, area, villages)
        except AuthError as exc:
            wrong.append(str(exc))
        if wrong:
            problems.append(f"第 {number} 行：" + "；".join(wrong))
        else:
            accounts.append(NewAccount(number, name, _ROLE_NAMES[role], area))
    if not accounts and not problems:
        problems.append("表格里没有账号：请在列名下面每行写一个账号（用户名、角色、地区）")
    return AccountPlan(tuple(accounts), tuple(problems))


def create_accounts(
    store: Store, table: pd.DataFrame, *, by: str
) -> list[tuple[str, str, str, str]]:
    """Accounts from a table (用户名, 角色, 地区), each with a one-time password, made in one store
    transaction after every row is checked (`check_accounts`; AuthError naming the rows, nothing
    made). Returns (name, role, area, password) per account: the passwords are shown once and
    kept nowhere."""
    plan = check_accounts(store, table)
    if not plan.ok:
        raise AuthError("未新建任何账号：" + "；".join(plan.problems))
    made = [(a.name, a.role, a.area, one_time_password()) for a in plan.accounts]
    store.add_accounts(
        [(name, hash_password(password), role, area) for name, role, area, password in made],
        by=by,
    )
    return made


def change_scope(store: Store, name: str, area: str, view_area: str, *, by: str) -> None:
    """Set what an account may write (`area`) and browse (`view_area`, which must hold `area`)."""
    area, view = resolve_area(store, area), resolve_area(store, view_area)
    if not scopes.within(area, view):
        raise AuthError("可查看范围须包含可改动范围")
    store.set_scope(name, area=area, view_area=view, by=by)


def reset_password(
    store: Store, name: str, password: str, *, by: str, one_time: bool = False
) -> None:
    """Give an account a new password: its open sessions end and any login pause lifts.
    `one_time`: it must choose its own at its next login."""
    check_password(password, name)
    store.set_password(name, hash_password(password), by=by, one_time=one_time)


def change_own_password(store: Store, account: Account, old: str, new: str, *, token: str) -> None:
    """The signed-in `account` replaces its password (the old one proves it is the owner); its
    other sessions end, the one of `token` goes on."""
    stored = store.account(account.name)
    if stored is None or not verify_password(stored.password_hash, old):
        raise AuthError("原密码不正确。")
    if old == new:
        raise AuthError("新密码不能与原密码相同。")
    check_password(new, account.name)
    store.change_own_password(account.name, hash_password(new), keep=token_digest(token))


def one_time_password() -> str:
    """A random password for an account made in bulk: 12 letters and digits easy to read aloud
    (no 0/O, 1/l/I), changed at the first login."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def disable_account(store: Store, name: str, *, by: str) -> None:
    """Stop an account from logging in (its history stays)."""
    if name == by:
        raise AuthError("不能停用自己正在使用的账号")
    store.set_disabled(name, True, by=by)


def enable_account(store: Store, name: str, *, by: str) -> None:
    """Let a disabled account log in again."""
    store.set_disabled(name, False, by=by)


def change_role(store: Store, name: str, role: str, *, by: str) -> None:
    """Give an account another role."""
    check_role(role)
    if name == by and role != "admin":
        raise AuthError("不能降低自己的权限；请让另一位管理员操作")
    store.set_role(name, role, by=by)


def admin_hint(store: Store, public_view: bool) -> str | None:
    """What to tell the operator at start-up when no admin exists (None when one does)."""
    if store.has_admin():
        return None
    command = "python -m wuxing users add 名字 --role admin"
    if public_view:
        return f"提示：还没有管理员账号。任何人可浏览；上传和管理需要账号，请运行：{command}"
    return (
        f"还没有管理员账号，而当前不允许匿名浏览（未设置 WUXING_PUBLIC_VIEW=1）。请先运行：{command}"
        "（密码在终端输入，或预先放在环境变量 WUXING_ADMIN_PASSWORD 中）"
    )
