"""填报进度 (催报): which villages have reported a quarter, kind by kind, and what they still miss.

A kind of data is expected of every village once any village of the area reported it for the
quarter (indicators per star: the indicators any village reported; 星级评分: the five stars). A
village has 已报 a kind when it gave all of it, 部分 when some, 未报 when none; it counts as
reported when it gave anything for the quarter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from wuxing import catalog, periods
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics import areas
from wuxing.metrics.villages import AREA_LEVELS, area_parts, join_area, names, ordered_codes

if TYPE_CHECKING:  # the store's revision records: types only
    from wuxing.storage.store import Revision

DONE, PARTLY, MISSING = "已报", "部分", "未报"
SCORES = "scores"


@dataclass(frozen=True)
class Kind:
    """One column of the grid: an id, its Chinese label, and the items a village should give."""

    id: str
    label: str
    items: tuple[str, ...]

    def item_label(self, item: str) -> str:
        """An item's Chinese name (an indicator, or a star's score)."""
        if self.id == SCORES:
            return f"{catalog.STAR_BY_ID[item].label}评分"
        return catalog.INDICATOR_BY_ID[item].label


@remembered
def expected_kinds(view: Dataset, period: str) -> list[Kind]:
    """The kinds some village of the area reported for the quarter, in star order."""
    values = view.values[view.values["period"] == period]
    given = set(values["indicator"].unique())
    kinds = []
    for star in catalog.STAR_IDS:
        items = tuple(i.id for i in catalog.INDICATORS if i.star == star and i.id in given)
        if items:
            kinds.append(Kind(f"values:{star}", f"{catalog.STAR_BY_ID[star].label}指标", items))
    if (view.scores["period"] == period).any():
        kinds.append(Kind(SCORES, "星级评分", tuple(catalog.STAR_IDS)))
    return kinds


def unreported_kinds(view: Dataset, period: str) -> list[str]:
    """Kinds of quarterly data no village of the area has reported for the quarter yet."""
    found = {k.id for k in expected_kinds(view, period)}
    missing = [
        f"{catalog.STAR_BY_ID[s].label}指标" for s in catalog.STAR_IDS if f"values:{s}" not in found
    ]
    return missing + ([] if SCORES in found else ["星级评分"])


def peer_area(area: str) -> str:
    """The area whose villages set what a village of `area` is expected to report: `area`
    itself, or for one village (a village account's) its township: alone, a village would be
    held only to what it gave itself and never miss anything."""
    parts = area_parts(area)
    return join_area(parts[:-1]) if len(parts) > len(AREA_LEVELS) else area


@remembered
def village_status(
    view: Dataset, period: str, kinds: tuple[Kind, ...] | None = None
) -> pd.DataFrame:
    """One row per village in pinyin order: code, name, one status column per kind (by label),
    reported (gave anything), missing (what it lacks, in words). `kinds`: what is expected
    (default: what any village of `view` reported, `expected_kinds`)."""
    expected = expected_kinds(view, period) if kinds is None else list(kinds)
    codes = ordered_codes(view)
    label = names(view)
    given: dict[str, set[tuple[str, str]]] = {code: set() for code in codes}
    values = view.values[view.values["period"] == period]
    scores = view.scores[view.scores["period"] == period]
    for code, item in zip(values["code"].tolist(), values["indicator"].tolist(), strict=True):
        given.setdefault(code, set()).add(("values", item))
    for code, star in zip(scores["code"].tolist(), scores["star"].tolist(), strict=True):
        given.setdefault(code, set()).add((SCORES, star))
    rows = []
    for code in codes:
        mine = given[code]
        row: dict[str, object] = {"code": code, "name": label[code], "reported": bool(mine)}
        lacking = []
        for kind in expected:
            source = SCORES if kind.id == SCORES else "values"
            missing = [i for i in kind.items if (source, i) not in mine]
            row[kind.label] = (
                DONE if not missing else MISSING if len(missing) == len(kind.items) else PARTLY
            )
            if len(missing) == len(kind.items) and len(kind.items) > 1:
                lacking.append(f"{kind.label}（全部）")
            else:
                lacking.extend(kind.item_label(i) for i in missing)
        row["missing"] = "、".join(lacking)
        rows.append(row)
    columns = ["code", "name", *[k.label for k in expected], "reported", "missing"]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class Tally:
    """How many villages reported the quarter, how many did not, how many have gaps."""

    villages: int
    reported: int
    with_gaps: int

    @property
    def missing(self) -> int:
        """Villages that gave nothing for the quarter."""
        return self.villages - self.reported

    def sentence(self) -> str:
        """`已报 10/13 个村，缺 3 个村；其中 2 个村有缺项`."""
        text = f"已报 {self.reported:,}/{self.villages:,} 个村，缺 {self.missing:,} 个村"
        if self.with_gaps:
            text += f"；已报的村中 {self.with_gaps:,} 个有缺项"
        return text


def tally(status: pd.DataFrame) -> Tally:
    """The counts at the top of the page."""
    reported = status["reported"].astype(bool)
    gaps = reported & (status["missing"] != "")
    return Tally(len(status), int(reported.sum()), int(gaps.sum()))


def reminder_text(status: pd.DataFrame, period: str, area: str) -> str:
    """The 催报 list to paste into a chat: each village that has not reported, or has gaps."""
    quarter = periods.label(period)
    lines = []
    for name, reported, missing in zip(
        status["name"].tolist(),
        status["reported"].tolist(),
        status["missing"].tolist(),
        strict=True,
    ):
        if not reported:
            lines.append(f"{name}：{quarter}数据尚未报送")
        elif missing:
            lines.append(f"{name}：缺 {missing}")
    if not lines:
        who = "各村" if len(status) != 1 else ""  # one village's own page: 赵家村2024年…已全部报齐
        return f"{area}{quarter}{who}数据已全部报齐。"
    head = f"{area}{quarter}数据报送提醒（共 {len(lines)} 个村）："
    return "\n".join([head, *lines, "请尽快补报，谢谢！"])


def latest_uploads(
    revisions: Sequence[Revision], touched: pd.DataFrame, codes: Sequence[str]
) -> dict[str, str]:
    """Per village, its latest live upload in words (`第 3 版 · 2024-04-02`), from the store's
    per-revision touch counts; villages no live upload set are left out."""
    live = {r.id: r for r in revisions if r.is_live}
    mine = touched[touched["code"].isin(list(codes)) & touched["revision"].isin(list(live))]
    latest = mine.groupby("code")["revision"].max()
    return {
        code: f"第 {rev} 版 · {pd.Timestamp(live[rev].created_at).strftime('%Y-%m-%d')}"
        for code, rev in latest.items()
    }


def grid_table(status: pd.DataFrame, uploads: dict[str, str]) -> pd.DataFrame:
    """The village × kind grid as a Chinese table (also the Excel download)."""
    kinds = [c for c in status.columns if c not in ("code", "name", "reported", "missing")]
    table = status[["name", *kinds]].rename(columns={"name": "村名"})
    return table.assign(
        缺项=[
            m if r else "全部未报"
            for r, m in zip(status["reported"], status["missing"], strict=True)
        ],
        最近上传=[uploads.get(c, "—") for c in status["code"]],
    )


@remembered
def by_area(view: Dataset, area: str, period: str) -> pd.DataFrame:
    """Per sub-area (pinyin order): area path, label, villages, reported, missing, with_gaps."""
    status = village_status(view, period, tuple(expected_kinds(view, period)))  # the page's key
    sub = areas.sub_area_of(view, area)
    counts = areas.village_counts(view, area)
    frame = status.assign(
        area=sub.reindex(status["code"]).to_numpy(),
        gaps=status["reported"] & (status["missing"] != ""),
    )
    summed = frame.groupby("area").agg(reported=("reported", "sum"), with_gaps=("gaps", "sum"))
    out = counts.join(summed, on="area").fillna({"reported": 0, "with_gaps": 0})
    out["reported"] = out["reported"].astype(int)
    out["with_gaps"] = out["with_gaps"].astype(int)
    out["missing"] = out["villages"] - out["reported"]
    return out.reset_index(drop=True)


def area_table(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    """`by_area` as a Chinese table."""
    return pd.DataFrame(
        {
            level: frame["label"],
            "村数": frame["villages"],
            "已报村数": frame["reported"],
            "未报村数": frame["missing"],
            "有缺项村数": frame["with_gaps"],
            "报送率": [
                f"{r / v:.0%}" if v else "—"
                for r, v in zip(frame["reported"], frame["villages"], strict=True)
            ],
        }
    )
