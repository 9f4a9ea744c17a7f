"""会议模式 and 季度通报: what changed this quarter (stars crossing the pass mark, awards gained
and lost), who is off track, and one table of every village for the deck."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wuxing import catalog, periods
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics import headline, stars
from wuxing.metrics.progress import ALL_STARS, award_changes
from wuxing.metrics.villages import code_index, names, with_names

NEWLY_PASSING, FELL_BELOW = "新达标", "跌破达标线"


@remembered
def pass_changes(ds: Dataset, period: str, pass_mark: float) -> pd.DataFrame:
    """Village stars that crossed the pass mark since the previous quarter, in pinyin order.

    Rows: code, village, star, label, score, previous, change (NEWLY_PASSING or FELL_BELOW).
    Only stars scored in both quarters count: a missing score is missing, not a failure.
    """
    columns = ["code", "village", "star", "label", "score", "previous", "change"]
    now, before = stars.score_grid(ds, period), stars.score_grid(ds, periods.previous(period))
    a, b = now.to_numpy(dtype=float), before.to_numpy(dtype=float)
    # Village × star arrays (both grids share the pinyin row order): a cell-by-cell loop took
    # most of a minute for a province.
    with np.errstate(invalid="ignore"):
        crossed = ~np.isnan(a) & ~np.isnan(b) & ((a >= pass_mark) != (b >= pass_mark))
    row, col = np.nonzero(crossed)
    if not len(row):
        return pd.DataFrame(columns=columns)
    star_ids = np.array(catalog.STAR_IDS)[col]
    frame = pd.DataFrame(
        {
            "code": now.index.to_numpy()[row],
            "star": star_ids,
            "label": [catalog.STAR_BY_ID[s].label for s in star_ids],
            "score": a[row, col],
            "previous": b[row, col],
            "change": np.where(a[row, col] >= pass_mark, NEWLY_PASSING, FELL_BELOW),
        }
    )
    return with_names(frame, ds)[columns].reset_index(drop=True)


@remembered
def passing_total(ds: Dataset, period: str, pass_mark: float) -> int:
    """How many village stars are 达标 in `period` (a village with three passing stars counts 3)."""
    return int(stars.score_grid(ds, period).ge(pass_mark).to_numpy().sum())


@remembered
def award_year_changes(ds: Dataset, year: int) -> pd.DataFrame:
    """Villages whose stars changed in `year` against the year before: rows of
    `progress.award_changes` (gained, lost star ids) with at least one of them, pinyin order."""
    changes = award_changes(ds, ALL_STARS)
    if changes.empty:
        return changes
    rows = changes[changes["year"] == year]
    moved = [bool(g or lost) for g, lost in zip(rows["gained"], rows["lost"], strict=True)]
    return rows[moved].reset_index(drop=True)


@remembered
def unmet_matrix(ds: Dataset, period: str, pass_mark: float, top: int) -> pd.DataFrame:
    """Village × star scores in `period` (`stars.score_matrix`) for the meeting's 哪些村哪颗星没达标
    slide: every village in pinyin order when there are at most `top`, else the `top` villages
    with the most stars below the pass mark (a missing score counts as not 达标; ties: lowest
    total first). Villages without any score are left out."""
    matrix = stars.score_matrix(ds, period)
    matrix = matrix[matrix.notna().any(axis=1)]
    if len(matrix) <= top:
        return matrix
    unmet = (~matrix.ge(pass_mark)).sum(axis=1).to_numpy()
    total = matrix.fillna(0).sum(axis=1).to_numpy()
    order = np.lexsort((total, -unmet))[:top]  # the last key sorts first
    return matrix.iloc[order]


def off_track(status: pd.DataFrame) -> pd.DataFrame:
    """The rows of `targets.target_status` that are not on track, most points short first."""
    rows = status[~status["on_track"].astype(bool)]
    return rows.sort_values("points_short", ascending=False, kind="stable").reset_index(drop=True)


def headline_table(figures: list[headline.Headline]) -> pd.DataFrame:
    """The headline figures as a Chinese table: value, comparison quarter, the change over the
    villages that reported both quarters, and how many villages that is."""
    return pd.DataFrame(
        {
            "指标": [f.label for f in figures],
            "单位": [f.unit for f in figures],
            "本季度": [f.value for f in figures],
            "对比季度": [periods.label(f.previous_period) for f in figures],
            "对比": [f.comparison for f in figures],
            "上期": [f.previous for f in figures],
            "变化（两季度都填报的村）": [f.change for f in figures],
            "变化（%）": [
                None if f.change_pct is None else round(f.change_pct, 1) + 0.0 for f in figures
            ],
            "本季度新增": [f.added for f in figures],
            "已报村数（个）": [f.reporting for f in figures],
            "两季度都填报村数（个）": [f.matched for f in figures],
        }
    )


@remembered
def village_table(ds: Dataset, period: str, pass_mark: float) -> pd.DataFrame:
    """Every village in pinyin order: its level in the latest award year, its five star scores
    in `period`, how many pass, and its collective income (missing stays missing)."""
    grid = stars.score_grid(ds, period)
    year = stars.latest_award_year(ds, period)
    level = stars.levels(ds, year).set_index("code")["level"] if year is not None else None
    income = ds.values[
        (ds.values["period"] == period) & (ds.values["indicator"] == catalog.COLLECTIVE_INCOME)
    ]
    income = income.dropna(subset=["value"]).set_index("code")["value"]
    label = with_names(pd.DataFrame({"code": grid.index}), ds).set_index("code")["village"]
    table = pd.DataFrame({"村名": [label[c] for c in grid.index]})
    if level is not None:
        table[f"{year}年星级"] = [catalog.LEVEL_LABELS[int(level[c])] for c in grid.index]
    for star in catalog.STARS:
        table[f"{star.short}（分）"] = grid[star.id].to_numpy()
    scored = grid.notna().any(axis=1).to_numpy()
    passed = grid.ge(pass_mark).sum(axis=1).to_numpy()
    table["达标星数（颗）"] = [int(n) if s else None for n, s in zip(passed, scored, strict=True)]
    meta = catalog.indicator(catalog.COLLECTIVE_INCOME)
    table[meta.display] = [income.get(c) for c in grid.index]
    return table


@remembered
def missing_reports(ds: Dataset, period: str) -> pd.DataFrame:
    """Per catalog indicator some village reported in `period`, the villages that left it blank
    (names in pinyin order), so the 通报 can name them instead of reading a gap as a fall.

    Rows: indicator, label, villages (list of names); catalogue order, only indicators with gaps.
    """
    reported = ds.values[(ds.values["period"] == period) & ds.values["value"].notna()]
    codes = code_index(ds)
    label = names(ds).reindex(codes)
    rows = []
    for meta in catalog.INDICATORS:
        done = reported.loc[reported["indicator"] == meta.id, "code"]
        if done.empty:
            continue
        missing = ~codes.isin(done.astype(str))
        if missing.any():
            rows.append(
                {"indicator": meta.id, "label": meta.label, "villages": list(label[missing])}
            )
    return pd.DataFrame(rows, columns=["indicator", "label", "villages"])


@remembered
def unscored(ds: Dataset, period: str) -> list[str]:
    """Villages (pinyin order) missing a star score in `period` while other villages have scores;
    empty when no village was scored (then the whole quarter is missing, said elsewhere)."""
    grid = stars.score_grid(ds, period)
    if grid.isna().all().all():
        return []
    lacking = grid.isna().any(axis=1)
    return list(names(ds).reindex(grid.index[lacking.to_numpy()]))


@remembered
def without_targets(ds: Dataset, year: int) -> list[str]:
    """Villages (pinyin order) with no 创星目标 for `year`."""
    have = set(ds.targets.loc[ds.targets["year"] == year, "code"].astype(str))
    codes = code_index(ds)
    return [n for c, n in zip(codes, names(ds).reindex(codes), strict=True) if str(c) not in have]
