"""星级进度: quarterly scores against the pass mark, villages passing per quarter, the yearly
awards with gains and losses, and what each village still lacks for its target."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wuxing import catalog, periods
from wuxing.dataset import Dataset, plain_strings
from wuxing.memo import remembered
from wuxing.metrics.stars import award_cells, id_lists
from wuxing.metrics.targets import target_status
from wuxing.metrics.villages import code_index, names, with_names

ALL_STARS = "all"
GAIN, LOSS, KEPT, NONE = "获评", "摘星", "保持", "未获"


def stars_of(star: str) -> list[str]:
    """The star ids a star filter stands for: one star, or all five for ALL_STARS."""
    return list(catalog.STAR_IDS) if star == ALL_STARS else [star]


@remembered
def score_history(ds: Dataset, star: str, last: str | None = None) -> pd.DataFrame:
    """Rows (code, village, period, score) per village and quarter through `last`, in pinyin order.

    For one star its score; for ALL_STARS the mean of the five, only where all five are scored
    (a mean over fewer stars would flatter a village that did not report its weak star).
    """
    scores = plain_strings(ds.scores)
    scores = scores[scores["star"].isin(stars_of(star))]
    if last is not None:
        scores = scores[scores["period"] <= last]
    scores = scores.dropna(subset=["score"])
    if scores.empty:
        return pd.DataFrame(columns=["code", "village", "period", "score"])
    if star == ALL_STARS:
        grouped = scores.groupby(["code", "period"])["score"]
        frame = grouped.mean().where(grouped.count() == len(catalog.STAR_IDS)).dropna()
        scores = frame.rename("score").reset_index()
    frame = scores[["code", "period", "score"]].sort_values("period", kind="stable")
    return with_names(frame, ds)[["code", "village", "period", "score"]].reset_index(drop=True)


@remembered
def passing_counts(
    ds: Dataset, star: str, pass_mark: float, last: str | None = None
) -> pd.DataFrame:
    """Per quarter and star: villages 达标 (score ≥ pass mark) and villages scored at all."""
    columns = ["period", "star", "label", "passing", "scored"]
    scores = ds.scores[ds.scores["star"].isin(stars_of(star))].dropna(subset=["score"])
    if last is not None:
        scores = scores[scores["period"] <= last]
    if scores.empty:
        return pd.DataFrame(columns=columns)
    # Categorical stars stay categorical until after the count: turning 1.8 M codes and stars
    # into strings first took most of a second per star at province scale.
    scores = scores[["period", "star", "score"]].assign(ok=scores["score"] >= pass_mark)
    counts = scores.groupby(["period", "star"], observed=True)["ok"].agg(
        passing="sum", scored="count"
    )
    frame = plain_strings(counts.reset_index())
    frame["passing"] = frame["passing"].astype(int)
    frame["scored"] = frame["scored"].astype(int)
    frame["label"] = frame["star"].map(lambda s: catalog.STAR_BY_ID[s].label)
    order = {s: i for i, s in enumerate(catalog.STAR_IDS)}
    frame = frame.sort_values(
        ["period", "star"], key=lambda c: c.map(order) if c.name == "star" else c
    )
    return frame[columns].reset_index(drop=True)


def passing_table(counts: pd.DataFrame) -> pd.DataFrame:
    """`passing_counts` as a Chinese table: quarter, star, villages 达标 and villages scored."""
    return counts.rename(
        columns={
            "period": "季度",
            "label": "星",
            "passing": "达标村数（个）",
            "scored": "有评分村数（个）",
        }
    ).drop(columns="star")


@remembered
def scored_stars(ds: Dataset, last: str) -> frozenset[str]:
    """The stars with at least one score in a quarter through `last` (those `passing_counts`
    has rows for)."""
    scores = ds.scores
    through = (scores["period"] <= last).to_numpy() & scores["score"].notna().to_numpy()
    return frozenset(str(s) for s in pd.unique(scores["star"][through]))


@remembered
def award_changes(ds: Dataset, star: str) -> pd.DataFrame:
    """Village × year awards with what changed on the year before (GAIN, LOSS, KEPT, NONE).

    Rows: code, village, year, level (stars held of those asked for), held (star ids), gained,
    lost. A village with no awards for a year it has no row for is shown as missing, not zero.
    """
    columns = ["code", "village", "year", "level", "held", "gained", "lost"]
    wanted = stars_of(star)
    awards = ds.awards
    index = code_index(ds)  # villages in pinyin order of their names: the rows' order
    village, star_column = award_cells(ds)
    column_of_star = np.full(len(catalog.STAR_IDS), -1)
    column_of_star[[catalog.STAR_IDS.index(s) for s in wanted]] = np.arange(len(wanted))
    column = np.where(star_column >= 0, column_of_star[star_column], -1)
    years = np.unique(awards["year"].to_numpy(dtype=np.int64))
    when = np.searchsorted(years, awards["year"].to_numpy(dtype=np.int64))
    known = (village >= 0) & (column >= 0)
    if not known.any():
        return pd.DataFrame(columns=columns)
    # Each award placed straight into its village × year × star cell (a pivot table of a
    # province's 460,000 awards, then a sort, took most of a second); missing = not held.
    cell = village[known] * len(years) + when[known]
    held_cells = np.zeros((len(index) * len(years), len(wanted)), dtype=bool)
    held_cells[cell, column[known]] = awards["awarded"].to_numpy(dtype=bool, na_value=False)[known]
    rows = np.flatnonzero(np.bincount(cell, minlength=len(held_cells)))  # (village, year) order
    held = held_cells[rows]
    codes = index.to_numpy()[rows // len(years)]
    same = np.concatenate([[False], codes[1:] == codes[:-1]])
    before = np.vstack([np.zeros((1, len(wanted)), dtype=bool), held[:-1]]) & same[:, None]
    return pd.DataFrame(
        {
            "code": codes,
            "village": names(ds).reindex(codes).to_numpy(),
            "year": years[rows % len(years)],
            "level": held.sum(axis=1),
            "held": id_lists(held, wanted),
            "gained": id_lists(held & ~before & same[:, None], wanted),
            "lost": id_lists(before & ~held, wanted),
        }
    )[columns]


def award_grid_table(changes: pd.DataFrame) -> pd.DataFrame:
    """`award_changes` as a Chinese table: one row per village and year."""

    def short(ids: list[str]) -> str:
        return "、".join(catalog.STAR_BY_ID[s].short for s in ids) or "—"

    return pd.DataFrame(
        {
            "村名": changes["village"],
            "年度": changes["year"],
            "获评星数（颗）": changes["level"],
            "所获星": changes["held"].map(short),
            "新获评": changes["gained"].map(short),
            "摘星": changes["lost"].map(short),
        }
    )


@remembered
def target_gaps(ds: Dataset, period: str, pass_mark: float, star: str) -> pd.DataFrame:
    """Per village with a target this year, each target star below the pass mark and its gap.

    Rows: code, village, star, label, score (NaN when not scored), gap (points short; the whole
    pass mark when not scored), needed (stars still needed for the target). A village with
    nothing named short (on track, or a level-only target) gets one row with star "" and gap 0,
    so it is still listed. Only stars in the star filter count. Villages in pinyin order.
    """
    columns = ["code", "village", "star", "label", "score", "gap", "needed"]
    status = target_status(ds, period, pass_mark)
    if status.empty:
        return pd.DataFrame(columns=columns)
    scores = plain_strings(ds.scores)
    scores = scores[scores["period"] == period].set_index(["code", "star"])["score"]
    wanted = set(stars_of(star))
    rows = []
    for item in status.itertuples(index=False):
        lacking = [s for s in item.missing if s in wanted]
        # A level-only target names no stars: only how many more must pass is known.
        needed = (
            len(item.missing)
            if item.target_stars
            else max(0, item.target_level - len(item.passing))
        )
        for s in lacking:
            score = scores.get((item.code, s), float("nan"))
            gap = pass_mark if pd.isna(score) else max(0.0, pass_mark - float(score))
            rows.append(
                {
                    "code": item.code,
                    "village": item.village,
                    "star": s,
                    "label": catalog.STAR_BY_ID[s].label,
                    "score": score,
                    "gap": round(gap, 1),
                    "needed": needed,
                }
            )
        if not lacking:
            rows.append(
                {
                    "code": item.code,
                    "village": item.village,
                    "star": "",
                    "label": "",
                    "score": float("nan"),
                    "gap": 0.0,
                    "needed": needed,
                }
            )
    return pd.DataFrame(rows, columns=columns)


def target_gap_table(gaps: pd.DataFrame) -> pd.DataFrame:
    """`target_gaps` as a Chinese table."""
    return pd.DataFrame(
        {
            "村名": gaps["village"],
            "尚缺星": gaps["label"].replace("", "—（已达目标）"),
            "当前得分（分）": gaps["score"],
            "尚差（分）": gaps["gap"],
            "尚需达标星数（颗）": gaps["needed"],
        }
    )


def score_table(history: pd.DataFrame) -> pd.DataFrame:
    """`score_history` as a Chinese wide table: one row per village, one column per quarter."""
    if history.empty:
        return pd.DataFrame(columns=["村名"])
    wide = history.pivot_table(index="village", columns="period", values="score", aggfunc="last")
    order = list(dict.fromkeys(history["village"]))
    wide = wide.reindex(order).rename(columns=lambda p: f"{periods.short_label(p)}（分）")
    return wide.rename_axis("村名").reset_index().rename_axis(None, axis=1)
