"""All pairs of an area at once: each pair's gap now, at pairing and last quarter, the
mentee's outlook on its target, and the pairs of a county or province counted per sub-area."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from wuxing import formatting, periods
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics import areas
from wuxing.metrics.pairs.matchup import pair_options
from wuxing.metrics.pairs.projection import target_outlook
from wuxing.metrics.pairs.trends import CLOSING, STABLE, WIDENING, trend_label
from wuxing.metrics.stars import score_grid
from wuxing.metrics.villages import code_index, scope

#: How the board colours a pair: by the trend of its gap since pairing.
TREND_COLOURS_RULE = (
    "差距 = 导师村五星平均分 − 帮带村五星平均分（两村都有评分的星）；“结对时”为结对当季"
    "（或其后首个两村都有评分的季度）。较结对时差距减少 1 分及以上为缩小（绿色），增加 1 分及以上为扩大（红色），"
    "其余为稳定（灰色）。点击图中的点或表中的一行，下方显示该结对的详情。"
)


def _average_gaps(ds: Dataset, first: list[str], second: list[str], quarters: list) -> np.ndarray:
    """Per row, the mean over the stars both villages were scored on in that quarter of
    (first − second); NaN where there is none (or no quarter)."""
    out = np.full(len(first), np.nan)
    for quarter in {q for q in quarters if q}:
        rows = [i for i, q in enumerate(quarters) if q == quarter]
        grid = score_grid(ds, quarter)
        a = grid.reindex([first[i] for i in rows]).to_numpy(dtype=float)
        b = grid.reindex([second[i] for i in rows]).to_numpy(dtype=float)
        diff = a - b
        counted = (~np.isnan(diff)).sum(axis=1)
        total = np.nansum(diff, axis=1)
        out[rows] = np.where(counted > 0, total / np.maximum(counted, 1), np.nan)
    return out


@remembered
def pairs_overview(ds: Dataset, area: str, period: str) -> pd.DataFrame:
    """One row per pair of the area (`pair_options` of its villages): the average star gap in
    `period`, its change on the previous quarter and since pairing (first quarter from `since`
    on with scores for both: `baseline`, where the gap was `gap_at_pairing`), the trend label of
    the last change and a widening flag, and the trend since pairing; widening pairs first, then
    largest gaps. Mentors outside the area are still scored from `ds`."""
    columns = [
        "key",
        "mentor",
        "mentee",
        "mentor_name",
        "mentee_name",
        "since",
        "gap",
        "change_quarter",
        "change_since",
        "baseline",
        "trend",
        "widening",
        "gap_at_pairing",
        "trend_since",
    ]
    options = pair_options(scope(ds, area))
    if options.empty:
        return pd.DataFrame(columns=columns)
    mentors, mentees = options["mentor"].tolist(), options["mentee"].tolist()
    n = len(options)
    # Whole columns at a time: a loop over a province's 2,400 pairs took half a minute.
    now = _average_gaps(ds, mentors, mentees, [period] * n)
    last = now - _average_gaps(ds, mentors, mentees, [periods.previous(period)] * n)
    # The baseline: per pair, the first quarter from `since` on in which both were scored.
    # Quarter by quarter over all pairs at once (a set lookup per pair and quarter took a second).
    codes = code_index(ds)
    where_a, where_b = codes.get_indexer(mentors), codes.get_indexer(mentees)
    since = np.array([s or "" for s in options["since"].tolist()], dtype=object)
    found, unset = np.full(n, None, dtype=object), np.ones(n, dtype=bool)
    known = (where_a >= 0) & (where_b >= 0)
    for quarter in (q for q in ds.periods() if q <= period):
        scored = score_grid(ds, quarter).notna().any(axis=1).to_numpy()
        both = known.copy()
        both[known] = scored[where_a[known]] & scored[where_b[known]]
        first = both & (since <= quarter) & unset
        found[first], unset[first] = quarter, False
    baseline = found.tolist()
    before = _average_gaps(ds, mentors, mentees, baseline)
    compared = [q is not None and q != period for q in baseline]
    since_pairing = np.where(compared, now - before, np.nan)
    trend = [trend_label(c) for c in last]
    frame = options[["key", "mentor", "mentee", "mentor_name", "mentee_name", "since"]].assign(
        gap=now,
        change_quarter=last,
        change_since=since_pairing,
        baseline=baseline,
        trend=trend,
        widening=[t == WIDENING for t in trend],
        gap_at_pairing=np.where([q is not None for q in baseline], before, np.nan),
        trend_since=[trend_label(c) for c in since_pairing],
    )
    return frame.sort_values(
        ["widening", "gap"], ascending=[False, False], na_position="last", kind="stable"
    )[columns].reset_index(drop=True)


def overview_table(frame: pd.DataFrame) -> pd.DataFrame:
    """`pairs_overview` as a Chinese table."""
    return pd.DataFrame(
        {
            "导师村": frame["mentor_name"],
            "帮带村": frame["mentee_name"],
            "结对时间": [periods.label(s) if s else "—" for s in frame["since"]],
            "平均差距（分）": [formatting.number(v, "分") for v in frame["gap"]],
            "较上季度（分）": [formatting.change(v, "分") for v in frame["change_quarter"]],
            "较结对时（分）": [formatting.change(v, "分") for v in frame["change_since"]],
            "趋势": frame["trend"],
            "差距扩大": frame["widening"].map({True: "是", False: ""}),
        }
    )


@remembered
def pairs_by_area(ds: Dataset, area: str, period: str) -> pd.DataFrame:
    """Per sub-area of `area` (the mentee's): its pairs, how many closed, kept or widened their
    gap on the previous quarter, and their mean gap in `period` (NaN when none was scored).
    Columns: area, label, pairs, closing, stable, widening, unknown, gap; pinyin order."""
    columns = ["area", "label", "pairs", "closing", "stable", "widening", "unknown", "gap"]
    overview = pairs_overview(ds, area, period)
    if overview.empty:
        return pd.DataFrame(columns=columns)
    view = scope(ds, area)
    owner = areas.sub_area_of(view, area)
    frame = overview.assign(area=owner.reindex(overview["mentee"].astype(str)).to_numpy())
    counts = areas.village_counts(view, area)
    grouped = frame.groupby("area")
    trends = {
        name: frame[frame["trend"] == word].groupby("area").size()
        for name, word in (("closing", CLOSING), ("stable", STABLE), ("widening", WIDENING))
    }
    present = counts[counts["area"].isin(set(grouped.groups))]
    out = pd.DataFrame(
        {"area": present["area"].to_numpy(), "label": areas.area_labels(present["area"])}
    )
    out["pairs"] = out["area"].map(grouped.size()).astype(int)
    for name, sizes in trends.items():
        out[name] = out["area"].map(sizes).fillna(0).astype(int)
    out["unknown"] = out["pairs"] - out["closing"] - out["stable"] - out["widening"]
    out["gap"] = out["area"].map(grouped["gap"].mean()).astype(float)
    return out[columns]


def by_area_table(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    """`pairs_by_area` as a Chinese table."""
    return pd.DataFrame(
        {
            level: frame["label"].to_numpy(),
            "结对数（对）": frame["pairs"].to_numpy(),
            f"差距{CLOSING}（对）": frame["closing"].to_numpy(),
            f"差距{STABLE}（对）": frame["stable"].to_numpy(),
            f"差距{WIDENING}（对）": frame["widening"].to_numpy(),
            "暂无比较（对）": frame["unknown"].to_numpy(),
            "平均差距（分）": frame["gap"].round(1).to_numpy(),
        }
    )


@remembered
def pair_board(ds: Dataset, area: str, period: str, pass_mark: float) -> pd.DataFrame:
    """The first screen of 结对比较: `pairs_overview` with each mentee's `target_outlook`
    (column `outlook`); pairs whose gap widened since pairing first, then the largest gaps."""
    frame = pairs_overview(ds, area, period)
    outlooks = [target_outlook(ds, code, period, pass_mark) for code in frame["mentee"]]
    frame = frame.assign(outlook=pd.Series(outlooks, index=frame.index, dtype=object))
    worse = frame["trend_since"] == WIDENING
    return (
        frame.assign(_w=worse)
        .sort_values(["_w", "gap"], ascending=[False, False], na_position="last", kind="stable")
        .drop(columns="_w")
        .reset_index(drop=True)
    )


def board_table(frame: pd.DataFrame) -> pd.DataFrame:
    """`pair_board` as a Chinese table, one row per pair in the board's order."""
    return pd.DataFrame(
        {
            "结对（导师村 → 帮带村）": [
                f"{a} → {b}"
                for a, b in zip(frame["mentor_name"], frame["mentee_name"], strict=True)
            ],
            "结对时间": [periods.label(s) if s else "—" for s in frame["since"]],
            "结对时差距（分）": [formatting.number(v, "分") for v in frame["gap_at_pairing"]],
            "当前差距（分）": [formatting.number(v, "分") for v in frame["gap"]],
            "较结对时（分）": [formatting.change(v, "分") for v in frame["change_since"]],
            "较上季度（分）": [formatting.change(v, "分") for v in frame["change_quarter"]],
            "结对以来": frame["trend_since"],
            "帮带村预计达标": frame["outlook"],
        }
    )


def picked_pair(board: pd.DataFrame, points: list[dict], rows: Sequence[int] = ()) -> str | None:
    """The key of the pair a user picked on the board: a clicked point's customdata (the pair
    key), else a selected row of `board_table`; None when nothing names a pair."""
    keys = list(board["key"])
    for point in points:
        custom = point.get("customdata")
        key = custom[0] if isinstance(custom, list | tuple) and custom else custom
        if isinstance(key, str) and key in keys:
            return key
    for row in rows:
        if 0 <= row < len(keys):
            return keys[row]
    return None
