"""Areas as paths (市/县/乡镇/村) and an account's scope: which villages it may write or browse.

An area path is its names joined by "/". A name may hold a "/" itself (东/西镇): inside a part
"%" and "/" are written %25 and %2F, so splitting on "/" gives the names back; a path without
either character reads exactly as before (bookmarked links keep working).

A scope is an area path; "" is everything. It may start below the city (`清丰县/马庄桥镇`) and may
end at a village (`清丰县/马庄桥镇/赵家村`, a village secretary's account): a village lies in it
when the scope's names are a run of its own path 市 → 县 → 乡镇 → 村.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

import pandas as pd

AREA_SEPARATOR = "/"
EVERYTHING = ""
#: The columns of a village row its path is made of, from the top.
PATH_COLUMNS = ("city", "county", "town", "name")


def escape_part(name: str) -> str:
    """One name as it appears inside an area path (`东/西镇` → `东%2F西镇`)."""
    return name.replace("%", "%25").replace("/", "%2F")


def _unescape(part: str) -> str:
    return part.replace("%2F", "/").replace("%25", "%") if "%" in part else part


def join_area(names: Iterable[str]) -> str:
    """The area path of names from the top down (`["濮阳市", "清丰县"]` → `濮阳市/清丰县`)."""
    return AREA_SEPARATOR.join(escape_part(n) for n in names)


def area_parts(area: str) -> list[str]:
    """`濮阳市/清丰县/马庄桥镇` → its names; the empty area (everything) has none."""
    return [_unescape(p) for p in area.split(AREA_SEPARATOR) if p] if area else []


def scope_label(area: str) -> str:
    """An area for people: `清丰县 › 马庄桥镇`, or 全部地区."""
    return " › ".join(area_parts(area)) or "全部地区"


class Scoped(Protocol):
    """Anything with the two scopes of an account (`wuxing.storage.accounts.Account`)."""

    @property
    def area(self) -> str:
        """What it may write ("" everything)."""

    @property
    def view_area(self) -> str:
        """What it may browse ("" everything)."""


def scope_of(account: Scoped | None) -> str:
    """The area whose data `account` may write, and whose rows its template and 填报进度 hold
    ("" everything; also for no account: callers check the role first)."""
    return account.area if account is not None else EVERYTHING


def view_scope_of(account: Scoped | None) -> str:
    """The area `account` may browse (可查看范围; "" everything)."""
    return account.view_area if account is not None else EVERYTHING


def village_path(village: Mapping[str, object]) -> list[str]:
    """The names of a village row from the top (city, county, town, village), blanks left out."""
    return [str(v) for c in PATH_COLUMNS if (v := village.get(c)) is not None and not _blank(v)]


def _blank(value: object) -> bool:
    return value == "" or (isinstance(value, float) and value != value)


def contains(area: str, path: list[str]) -> bool:
    """True when the village with names `path` lies in `area` (its names are a run of `path`)."""
    wanted = area_parts(area)
    if not wanted:
        return True
    width = len(wanted)
    return any(path[i : i + width] == wanted for i in range(len(path) - width + 1))


def within(inner: str, outer: str) -> bool:
    """True when every village of area `inner` lies in area `outer`."""
    return contains(outer, area_parts(inner))


def narrowed(area: str, scope: str) -> str:
    """What a page about the villages an account answers for (its template, 填报进度) covers when
    `area` is chosen: `area` when it lies in `scope`, else `scope` itself (a wider area, or
    another one the account may only browse, was chosen)."""
    return area if within(area, scope) else scope


def villages_outside(area: str, codes: Iterable[str], villages: pd.DataFrame) -> list[str]:
    """The villages among `codes` that do not lie in `area`, as `乡镇/村名` labels (a code no
    village row names counts as outside: it cannot be shown to lie inside)."""
    if not area_parts(area):
        return []
    rows = {str(r["code"]): r for r in villages.to_dict("records")} if not villages.empty else {}
    outside = []
    for code in sorted(set(map(str, codes))):
        row = rows.get(code)
        if row is None:
            outside.append(code)
        elif not contains(area, village_path(row)):
            outside.append(join_area(village_path(row)[-2:]))
    return outside


def resolve(area: str, villages: pd.DataFrame) -> str:
    """The full path (from the city) of the one area `area` names among `villages`.

    `清丰县/马庄桥镇` → `濮阳市/清丰县/马庄桥镇`. ValueError in Chinese when it names none, or
    areas in more than one place (a 赵家村 in two townships): give more of the path. With no
    villages known yet, the path is kept as written.
    """
    parts = area_parts(area)
    if not parts or villages.empty:
        return join_area(parts)
    found = set()
    for row in villages.to_dict("records"):
        path = village_path(row)
        for i in range(len(path) - len(parts) + 1):
            if path[i : i + len(parts)] == parts:
                found.add(join_area(path[: i + len(parts)]))
    if not found:
        raise ValueError(f"没有找到地区“{scope_label(area)}”，请写出它的县、乡镇名（用 / 分隔）")
    if len(found) > 1:
        listed = "、".join(scope_label(f) for f in sorted(found)[:5])
        raise ValueError(f"地区“{scope_label(area)}”不止一处（{listed}），请写出更完整的路径")
    return found.pop()


def codes_of(
    frames: Mapping[str, pd.DataFrame], current_villages: pd.DataFrame | None = None
) -> set[str]:
    """Every village code that rows of these data kinds name (both villages of a pair). Roster
    rows the same as in `current_villages` change nothing and are left out: a template carries
    the whole roster, and a village's own ledger made from it is still only its own data."""
    codes: set[str] = set()
    for kind, frame in frames.items():
        if kind == "villages" and current_villages is not None and not frame.empty:
            common = [c for c in frame.columns if c in current_villages.columns]
            same = (
                frame[common]
                .astype(object)
                .merge(
                    current_villages[common].astype(object).drop_duplicates(),
                    how="left",
                    indicator=True,
                )["_merge"]
                .eq("both")
                .to_numpy()
            )
            frame = frame[~same]
        if frame.empty:
            continue
        columns = ("mentor", "mentee") if kind == "pairs" else ("code",)
        for column in columns:
            if column in frame:
                codes |= set(frame[column].dropna().astype(str))
    return codes


def refusal(area: str, outside: list[str]) -> str:
    """Why a write touching villages outside `area` is refused, naming (up to 20 of) them."""
    listed = "、".join(outside[:20]) + (f" 等 {len(outside)} 个村" if len(outside) > 20 else "")
    return (
        f"您的账号只能改动“{scope_label(area)}”范围内的数据，而这次操作涉及范围外的村："
        f"{listed}。请只保留本范围的村，或请管理员操作。"
    )
