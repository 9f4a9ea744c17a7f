"""The page map: which pages exist, their Chinese titles, and the least role that may open them.

Kept as data outside streamlit so which pages a role gets is testable as a pure function.
"""

from __future__ import annotations

from dataclasses import dataclass

from wuxing.access.roles import ROLES, role_allows  # noqa: F401 — pages ask navigation

#: The `role` of pages only for sessions nobody has signed in to (the login page).
GUEST = "guest"


@dataclass(frozen=True)
class PageSpec:
    """One page: script path (relative to dashboard.py), title, icon, URL path, group, role."""

    path: str
    title: str
    icon: str
    url_path: str
    group: str
    role: str = "viewer"
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "总览", ":material/dashboard:", "overview", "看板", default=True),
    PageSpec("pages/admin.py", "账号与审计", ":material/shield_person:", "admin", "管理", "admin"),
    PageSpec("pages/login.py", "登录", ":material/login:", "login", "账号", role=GUEST),
    PageSpec("pages/progress.py", "星级进度", ":material/trending_up:", "progress", "看板"),
    PageSpec("pages/indicators.py", "指标分析", ":material/bar_chart:", "indicators", "看板"),
    PageSpec("pages/ranking.py", "比武排名", ":material/leaderboard:", "ranking", "看板"),
    PageSpec("pages/profile.py", "村庄档案", ":material/home_work:", "profile", "看板"),
    PageSpec("pages/pairs.py", "结对比较", ":material/compare_arrows:", "pairs", "看板"),
    PageSpec("pages/meeting.py", "会议模式", ":material/co_present:", "meeting", "会议"),
    PageSpec("pages/reporting.py", "填报进度", ":material/fact_check:", "reporting", "数据"),
    PageSpec("pages/upload.py", "数据上传", ":material/upload_file:", "upload", "数据", "editor"),
    PageSpec("pages/history.py", "版本记录", ":material/history:", "history", "数据", "editor"),
)


def may_open(page: PageSpec, role: str | None, *, signed_in: bool = True) -> bool:
    """True when a session with `role` may open `page` (the login only before signing in)."""
    if page.role == GUEST:
        return not signed_in
    return role_allows(role, page.role)


#: Streamlit's own name for the default page, which it serves at "/" only; its `url_path`
#: (/overview) is registered apart, leading to "/", so that old links find it.
START = "start"


def page_at(url_path: str) -> PageSpec:
    """The page at `url_path` (the default page for "" and `START`)."""
    for page in PAGES:
        if page.url_path == url_path and url_path:
            return page
    return next(page for page in PAGES if page.default)


def pages_for(role: str | None, *, signed_in: bool = True) -> list[PageSpec]:
    """The pages a session with `role` may open, in menu order (plus login when not signed in).

    `role` is None for an anonymous session when browsing is not public: it gets the login only.
    """
    pages = [p for p in PAGES if p.role != GUEST and may_open(p, role)]
    return pages + [p for p in PAGES if p.role == GUEST and may_open(p, role, signed_in=signed_in)]
