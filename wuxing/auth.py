"""Accounts and roles: password hashing, login with back-off, and the role check every write makes.

Passwords exist only as argon2id hashes (argon2-cffi); they are never logged or shown. The store
keeps the accounts and the failed-login counts; this module holds the policy. Roles are ordered
viewer < editor < admin (see `wuxing.navigation.ROLES`).
"""

from __future__ import annotations

import math
import unicodedata
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from wuxing.errors import AuthError, PermissionDenied
from wuxing.navigation import ROLES, role_allows

if TYPE_CHECKING:  # the store imports `require` from here: no runtime import back
    from wuxing.store import Account, Store

ROLE_LABELS = {"viewer": "查看", "editor": "编辑", "admin": "管理员"}
MIN_PASSWORD_LENGTH = 8
#: Failed logins in a row that cost nothing (typos); from then on each one doubles the wait.
FREE_FAILURES = 3
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(minutes=15)

# argon2-cffi's defaults (argon2id, 64 MiB, t=3) follow RFC 9106's low-memory profile; tests swap
# in a cheaper hasher. Verification reads the parameters from the hash itself.
_hasher = PasswordHasher()


def role_label(role: str | None) -> str:
    """The Chinese name of a role (未登录 for none)."""
    return ROLE_LABELS.get(role or "", "未登录")


def require(role: str | None, needed: str) -> None:
    """Raise PermissionDenied unless `role` is at least `needed`."""
    if role_allows(role, needed):
        return
    if role not in ROLES:
        raise PermissionDenied(f"请先登录：此操作需要“{role_label(needed)}”及以上权限")
    raise PermissionDenied(
        f"权限不足：此操作需要“{role_label(needed)}”及以上权限，当前账号是“{role_label(role)}”"
    )


def hash_password(password: str) -> str:
    """A slow salted argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches `password_hash` (False for a malformed hash, never raises)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    # Unknown names are verified against this, so a wrong name costs as long as a wrong password.
    return _hasher.hash("not-a-password")


def backoff(failures: int) -> timedelta:
    """How long logins for a name pause after `failures` failures in a row (exponential, capped)."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(FIRST_LOCK * 2 ** (failures - FREE_FAILURES), LONGEST_LOCK)


def wait_text(delta: timedelta) -> str:
    """A wait in Chinese, rounded up: `30 秒`, `2 分钟`."""
    seconds = max(1, math.ceil(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} 秒"
    return f"{math.ceil(seconds / 60)} 分钟"


def check_name(name: str) -> str:
    """The account name, trimmed; AuthError if empty, too long or with control characters."""
    name = name.strip()
    if not name:
        raise AuthError("请输入用户名")
    if len(name) > 50 or any(unicodedata.category(ch).startswith("C") for ch in name):
        raise AuthError("用户名最多 50 个字符，且不能包含换行等控制字符")
    return name


def check_password(password: str) -> None:
    """AuthError unless `password` is long enough."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")


def check_role(role: str) -> None:
    """AuthError unless `role` is a known role."""
    if role not in ROLES:
        raise AuthError(f"未知角色“{role}”，可选：{'、'.join(ROLES)}")


def login(store: Store, name: str, password: str, *, now: datetime | None = None) -> Account:
    """The account if `password` is right; else AuthError in Chinese, counted for back-off."""
    name = check_name(name)
    now = now or datetime.now(UTC)
    until = store.locked_until(name)
    if until is not None and until > now:
        store.log(name, "login_refused", f"暂停登录中，剩余 {wait_text(until - now)}")
        raise AuthError(
            f"“{name}”登录失败次数过多，已暂停登录，请 {wait_text(until - now)}后再试。"
        )
    account = store.account(name)
    matches = verify_password(account.password_hash if account else _dummy_hash(), password)
    if account is not None and matches and not account.disabled:
        store.login_succeeded(name)
        return account
    disabled = account is not None and matches and account.disabled
    failures, until = store.login_failed(name, backoff, "账号已停用" if disabled else "", at=now)
    if disabled:
        raise AuthError("该账号已停用，请联系管理员。")
    message = "用户名或密码错误。"
    if until is not None:
        message += f"已连续失败 {failures} 次，请 {wait_text(until - now)}后再试。"
    elif failures > 1:
        message += f"再失败 {FREE_FAILURES - failures} 次将暂停登录一段时间。"
    raise AuthError(message)


def logout(store: Store, name: str) -> None:
    """Record that `name` logged out."""
    store.log(name, "logout")


def create_account(store: Store, name: str, password: str, role: str, *, by: str) -> str:
    """Add an account with a hashed password; returns the trimmed name."""
    name = check_name(name)
    check_role(role)
    check_password(password)
    store.add_account(name, hash_password(password), role, by=by)
    return name


def reset_password(store: Store, name: str, password: str, *, by: str) -> None:
    """Give an account a new password (and lift any login pause)."""
    check_password(password)
    store.set_password(name, hash_password(password), by=by)


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
