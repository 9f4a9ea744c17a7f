"""The roles, viewer < editor < admin, and the one check every write passes (`require`)."""

from __future__ import annotations

from wuxing.errors import PermissionDenied

ROLES: tuple[str, ...] = ("viewer", "editor", "admin")
ROLE_LABELS = {"viewer": "查看", "editor": "编辑", "admin": "管理员"}


def role_allows(role: str | None, needed: str) -> bool:
    """True when `role` is at least `needed` (viewer < editor < admin)."""
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(needed)


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
