"""What an account name and a password must be, and how names compare (NFKC, case-folded)."""

from __future__ import annotations

import unicodedata

from wuxing.errors import AuthError

MIN_PASSWORD_LENGTH = 10
PASSWORD_RULE = f"至少 {MIN_PASSWORD_LENGTH} 个字符，不能全是空格，也不能与用户名相同"


def account_key(name: str) -> str:
    """`name` as account names compare: NFKC and case-folded (`ＡＤＭＩＮ`, `Admin`: `admin`)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def check_name(name: str) -> str:
    """The account name, NFKC-normalised and trimmed; AuthError if empty, too long or with control
    characters."""
    name = unicodedata.normalize("NFKC", name).strip()
    if not name:
        raise AuthError("请输入用户名")
    if len(name) > 50 or any(unicodedata.category(ch).startswith("C") for ch in name):
        raise AuthError("用户名最多 50 个字符，且不能包含换行等控制字符")
    return name


def check_password(password: str, name: str) -> None:
    """AuthError (in Chinese) unless `password` keeps the rule for the account `name`."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符，不能全是空格，也不能与用户名相同"
        )
    if not password.strip():
        raise AuthError(f"密码不能全是空格（{PASSWORD_RULE}）")
    if account_key(password.strip()) == account_key(name.strip()):
        raise AuthError(f"密码不能与用户名相同，大小写不同也不行（{PASSWORD_RULE}）")
