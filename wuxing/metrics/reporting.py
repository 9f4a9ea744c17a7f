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

import numpy as np
import pandas as pd

from wuxing import catalog, formatting, periods
from wuxing.dataset import Dataset
from wuxing.keys import positions
from wuxing.memo import remembered
from wuxing.metrics import areas
from wuxing.metrics.villages import (
    ALL_AREAS,
    AREA_LEVELS,
    area_parts,
    code_index,
    in_area,
    join_area,
    names,
)

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
    given = set(view.values.loc[view.values["period"] == period, "indicator"].unique())
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


#: Pages open on the newest quarter at least this share of the area's villages has reported: a
#: quarter a few villages have reported so far would show them as the whole area (totals, ranks,
#: 较上季度 falls everywhere). It stays one click away in the sidebar, marked as partly reported.
OPENING_SHARE = 0.5


@remembered
def reported_grid(ds: Dataset) -> pd.DataFrame:
    """Village (in the order of `ds.villages`) × quarter: True where the village reported
    anything (a value or a score) for the quarter."""
    # Not in pinyin order: the sidebar needs only counts, and sorting a province's names costs
    # 0.3 s on a first view that may need no village list.
    quarters, codes = ds.periods(), pd.Index(ds.villages["code"])
    grid = np.zeros((len(codes), len(quarters)), dtype=bool)
    for frame in (ds.values, ds.scores):
        village = positions(frame["code"], codes)
        quarter = positions(frame["period"], pd.Index(quarters))
        known = (village >= 0) & (quarter >= 0)
        grid[village[known], quarter[known]] = True
    return pd.DataFrame(grid, index=codes, columns=pd.Index(quarters))


@remembered
def reported_counts(ds: Dataset, area: str) -> pd.Series:
    """Per quarter (time order), how many of the villages of `area` reported anything for it."""
    grid = reported_grid(ds)
    inside = grid.index.get_indexer(ds.villages.loc[in_area(ds.villages, area), "code"])
    return pd.Series(grid.to_numpy()[inside].sum(axis=0), index=grid.columns)


def reported_in(ds: Dataset, period: str) -> int:
    """How many of `ds`'s villages reported anything for `period` (meeting material for a
    quarter not all have reported says so: its totals and rankings are of those only)."""
    return int(reported_counts(ds, ALL_AREAS).get(period, 0))


def opening_quarter(counts: pd.Series, villages: int) -> str | None:
    """The quarter pages open on: the newest that `OPENING_SHARE` of the area's `villages`
    reported (`counts`: `reported_counts`), else the newest of all; None without quarters."""
    if counts.empty:
        return None
    enough = counts[counts >= OPENING_SHARE * villages]
    return str((enough if not enough.empty else counts).index[-1])


def newer_quarter(counts: pd.Series, period: str, villages: int) -> str | None:
    """The newest quarter after `period` that some but not all of the area's `villages` have
    reported (`counts`: `reported_counts`): one being collected while pages show an older one."""
    newer = counts[(counts.index > period) & (counts > 0) & (counts < villages)]
    return str(newer.index[-1]) if not newer.empty else None


def quarter_choice(period: str, counts: pd.Series, villages: int) -> str:
    """A quarter as the sidebar offers it: `2024年第一季度`, and how many villages reported it
    when not all have (`2024年第一季度（已报 2/13 村）`)."""
    reported = int(counts.get(period, 0))
    if reported >= villages:
        return periods.label(period)
    return f"{periods.label(period)}（已报 {reported:,}/{villages:,} 村）"


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
    codes = code_index(view)
    items = [(kind, item) for kind in expected for item in kind.items]
    # Which village gave which expected item (a village × item grid), and gave anything at all:
    # built with arrays, since a province has 46,000 villages and a quarter 1.4 M values.
    given = np.zeros((len(codes), len(items)), dtype=bool)
    reported = np.zeros(len(codes), dtype=bool)
    for frame, column, scored in (
        (view.values, "indicator", False),
        (view.scores, "star", True),
    ):
        frame = frame.loc[frame["period"] == period, ["code", column]]  # not the other columns
        rows = _positions(frame["code"], codes)
        reported[rows[rows >= 0]] = True
        place = {item: j for j, (k, item) in enumerate(items) if (k.id == SCORES) == scored}
        columns = _positions(frame[column], pd.Index(list(place)))
        columns = np.where(columns >= 0, np.array(list(place.values()) or [0])[columns], -1)
        hit = (rows >= 0) & (columns >= 0)
        given[rows[hit], columns[hit]] = True
    # Villages fall into few patterns of what they gave: put each pattern in words once.
    which, patterns = _patterns(given)
    described = [_described(expected, pattern) for pattern in patterns]
    out = pd.DataFrame({"code": codes.to_numpy(), "name": names(view).reindex(codes).to_numpy()})
    for k, kind in enumerate(expected):
        out[kind.label] = np.array([d[0][k] for d in described] or [""], dtype=object)[which]
    out["reported"] = reported
    out["missing"] = np.array([d[1] for d in described] or [""], dtype=object)[which]
    for column in [k.label for k in expected] + ["missing"]:
        out[column] = out[column].astype("str")
    return out


def _positions(labels: pd.Series, index: pd.Index) -> np.ndarray:
    """Each label's position in `index` (-1 when absent), looking each distinct label up once."""
    found, distinct = pd.factorize(labels)
    return index.get_indexer(distinct)[found] if len(distinct) else found


def _patterns(given: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's pattern number, and each pattern's row. Rows are hashed as packed bits:
    `np.unique(axis=0)` sorts them as records, 0.6 s for a province."""
    if not given.size:
        return np.zeros(len(given), dtype=np.intp), given[:1]
    packed = pd.DataFrame(np.packbits(given, axis=1))
    which = packed.groupby(list(packed.columns), sort=False).ngroup().to_numpy()
    _, first = np.unique(which, return_index=True)
    return which, given[first]


def _described(expected: list[Kind], gave: np.ndarray) -> tuple[list[str], str]:
    """For one pattern of given items: the status per kind, and what is missing in words."""
    statuses, lacking, start = [], [], 0
    for kind in expected:
        mine = gave[start : start + len(kind.items)]
        start += len(kind.items)
        missing = [i for i, got in zip(kind.items, mine, strict=True) if not got]
        statuses.append(
            DONE if not missing else MISSING if len(missing) == len(kind.items) else PARTLY
        )
        if len(missing) == len(kind.items) and len(kind.items) > 1:
            lacking.append(f"{kind.label}（全部）")
        else:
            lacking.extend(kind.item_label(i) for i in missing)
    return statuses, "、".join(lacking)


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
    reported = status["reported"].to_numpy(dtype=bool)
    wanted = ~reported | (status["missing"] != "").to_numpy()
    lines = [
        f"{name}：缺 {missing}" if gave else f"{name}：{quarter}数据尚未报送"
        for name, gave, missing in zip(
            status["name"][wanted].tolist(),
            reported[wanted].tolist(),
            status["missing"][wanted].tolist(),
            strict=True,
        )
    ]
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
    mine = touched[touched["revision"].isin(list(live))]
    # The latest per village first, then only the asked villages (a join, not a per-row lookup).
    latest = mine.groupby("code")["revision"].max().reindex(pd.Index(codes)).dropna()
    words = {
        rev: f"第 {rev} 版 · {formatting.local_time(live[rev].created_at, day_only=True)}"
        for rev in {int(r) for r in latest.tolist()}
    }
    return dict(zip(latest.index.tolist(), [words[int(r)] for r in latest.tolist()], strict=True))


def grid_table(status: pd.DataFrame, uploads: dict[str, str]) -> pd.DataFrame:
    """The village × kind grid as a Chinese table (also the Excel download)."""
    kinds = [c for c in status.columns if c not in ("code", "name", "reported", "missing")]
    table = status[["name", *kinds]].rename(columns={"name": "村名"})
    return table.assign(
        缺项=status["missing"].where(status["reported"].astype(bool), "全部未报"),
        最近上传=status["code"].map(uploads).fillna("—"),
    )


#: At most this many villages are listed on the page (each one's progress and the 催报 text) when
#: the area is above the county: a province's 46,000 rows would help nobody and cost seconds per
#: rerun; the Excel download lists them all.
LIST_LIMIT = 1_000


def lists_villages(area: str, villages: int) -> bool:
    """Whether the page lists each village of `area` and its 催报 text: for a county or a smaller
    area, or for few villages; above that it leads with the per-area summary."""
    return villages <= LIST_LIMIT or len(area_parts(area)) >= AREA_LEVELS.index("county") + 1


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
