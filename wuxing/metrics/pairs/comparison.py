"""Two villages side by side in one quarter: their five stars, what they hold and aim for, and
every indicator with the gap and who leads."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wuxing import catalog, formatting, periods
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics.pairs.matchup import Matchup
from wuxing.metrics.pairs.scores import MISSING_TARGET, held_stars, score_at, target_of
from wuxing.metrics.villages import names


def any_scored(comparison: pd.DataFrame) -> bool:
    """Whether either village of a `star_comparison` has a score for any star."""
    return bool(comparison["first"].notna().any() or comparison["second"].notna().any())


@remembered
def star_comparison(ds: Dataset, m: Matchup, period: str, pass_mark: float) -> pd.DataFrame:
    """Per star (fixed order): both scores in `period`, the gap, who leads, whether each passes,
    whether each holds the star (newest awards up to `period`'s year) and aims for it."""
    a, b = score_at(ds, m.first, period), score_at(ds, m.second, period)
    _, held_a = held_stars(ds, m.first, period)
    _, held_b = held_stars(ds, m.second, period)
    _, level_a, target_a = target_of(ds, m.first, period)
    _, level_b, target_b = target_of(ds, m.second, period)
    rows = []
    for star in catalog.STARS:
        sa, sb = a[star.id], b[star.id]
        rows.append(
            {
                "star": star.id,
                "label": star.label,
                "first": sa,
                "second": sb,
                "gap": sa - sb,
                "leader": leader(sa, sb, "up", m.first_name, m.second_name),
                "first_passes": bool(sa >= pass_mark),
                "second_passes": bool(sb >= pass_mark),
                "first_held": star.id in held_a,
                "second_held": star.id in held_b,
                "first_target": star.id in target_a,
                "second_target": star.id in target_b,
            }
        )
    return pd.DataFrame(rows)


def star_table(comparison: pd.DataFrame, m: Matchup, pass_mark: float) -> pd.DataFrame:
    """`star_comparison` as a Chinese table with units."""

    def score(v: float, passes: bool) -> str:
        return formatting.quantity(v, "分") + ("（达标）" if passes else "")

    def mark(held: bool, target: bool) -> str:
        return "、".join(t for t, on in (("已获评", held), ("目标星", target)) if on) or "—"

    return pd.DataFrame(
        {
            "星": comparison["label"],
            f"{m.first_label}": [
                score(v, p)
                for v, p in zip(comparison["first"], comparison["first_passes"], strict=True)
            ],
            f"{m.second_label}": [
                score(v, p)
                for v, p in zip(comparison["second"], comparison["second_passes"], strict=True)
            ],
            "差距（分）": [formatting.change(v, "分") for v in comparison["gap"]],
            "领先": comparison["leader"],
            f"{m.first_name}获评/目标": [
                mark(h, t)
                for h, t in zip(comparison["first_held"], comparison["first_target"], strict=True)
            ],
            f"{m.second_name}获评/目标": [
                mark(h, t)
                for h, t in zip(comparison["second_held"], comparison["second_target"], strict=True)
            ],
        }
    )


@dataclass(frozen=True)
class Standing:
    """One village's stars held (year of the newest awards) and its creation target."""

    name: str
    award_year: int | None
    held: tuple[str, ...]
    target_year: int | None
    target_level: int | None
    target_stars: tuple[str, ...]
    #: The year whose target was asked for (the quarter in view's year).
    asked_year: int | None = None

    @property
    def held_text(self) -> str:
        """`2023年度 三星：产业兴旺、生态宜居、平安法治`, or that there are no awards."""
        if self.award_year is None:
            return "尚无星级评定"
        stars = "、".join(catalog.STAR_BY_ID[s].short for s in self.held) or "未获评星"
        return f"{self.award_year}年度 {catalog.LEVEL_LABELS[len(self.held)]}：{stars}"

    @property
    def target_text(self) -> str:
        """`2023年 目标五星`, with the stars aimed for, or that there is no target."""
        if self.target_year is None or self.target_level is None:
            return MISSING_TARGET.format(self.asked_year) if self.asked_year else "未填创星目标"
        stars = "、".join(catalog.STAR_BY_ID[s].short for s in self.target_stars)
        text = f"{self.target_year}年 目标{catalog.LEVEL_LABELS[self.target_level]}"
        return f"{text}：{stars}" if stars else text


@remembered
def standing(ds: Dataset, code: str, period: str) -> Standing:
    """A village's stars held and its target as seen from `period`."""
    year, held = held_stars(ds, code, period)
    t_year, t_level, t_stars = target_of(ds, code, period)
    return Standing(
        names(ds).get(code, code),
        year,
        tuple(held),
        t_year,
        t_level,
        tuple(t_stars),
        periods.year_of(period),
    )


@remembered
def standing_table(ds: Dataset, m: Matchup, period: str) -> pd.DataFrame:
    """Both villages' stars held and targets as a Chinese table (one row per village)."""
    rows = [
        (label, standing(ds, code, period))
        for code, label in ((m.first, m.first_label), (m.second, m.second_label))
    ]
    return pd.DataFrame(
        {
            "村": [label for label, _ in rows],
            "已获评": [s.held_text for _, s in rows],
            "创星目标": [s.target_text for _, s in rows],
        }
    )


def leader(first: float, second: float, direction: str, first_name: str, second_name: str) -> str:
    """Who leads on one value: the larger for "up" and "bool", the smaller for "down"; `持平` when
    equal, `—` when either is missing."""
    if formatting.is_missing(first) or formatting.is_missing(second):
        return formatting.MISSING
    if first == second:
        return "持平"
    first_better = first < second if direction == "down" else first > second
    return first_name if first_better else second_name


def shortfall(first: float, second: float, direction: str) -> float:
    """How far the second village trails, direction-aware, as a share of the larger magnitude:
    0.4 = it lacks 40 % of what the better value has; negative when it leads; NaN if missing."""
    if formatting.is_missing(first) or formatting.is_missing(second):
        return math.nan
    scale = max(abs(first), abs(second))
    if scale == 0:
        return 0.0
    ahead = (second - first) if direction != "down" else (first - second)
    return -ahead / scale


@remembered
def indicator_gaps(ds: Dataset, m: Matchup, period: str, star: str | None = None) -> pd.DataFrame:
    """Every catalog indicator (of `star`, or all) with a value for either village in `period`:
    both values, gap (first − second), gap % (of the second's value), leader and shortfall;
    the second village's biggest shortfalls first, rows with a missing value last."""
    rows = ds.values[(ds.values["period"] == period) & ds.values["code"].isin([m.first, m.second])]
    values = rows.pivot_table(index="indicator", columns="code", values="value", aggfunc="last")
    out = []
    for ind in catalog.INDICATORS:
        if (star and ind.star != star) or ind.id not in values.index:
            continue
        a = float(values.loc[ind.id].get(m.first, np.nan))
        b = float(values.loc[ind.id].get(m.second, np.nan))
        gap = a - b
        pct = gap / abs(b) * 100 if not math.isnan(gap) and b != 0 else math.nan
        out.append(
            {
                "indicator": ind.id,
                "label": ind.label,
                "star": ind.star,
                "unit": ind.unit,
                "direction": ind.direction,
                "first": a,
                "second": b,
                "gap": gap,
                "gap_pct": pct,
                "leader": leader(a, b, ind.direction, m.first_name, m.second_name),
                "shortfall": shortfall(a, b, ind.direction),
            }
        )
    frame = pd.DataFrame(
        out,
        columns=[
            "indicator",
            "label",
            "star",
            "unit",
            "direction",
            "first",
            "second",
            "gap",
            "gap_pct",
            "leader",
            "shortfall",
        ],
    )
    return frame.sort_values(
        "shortfall", ascending=False, na_position="last", kind="stable"
    ).reset_index(drop=True)


def indicator_table(gaps: pd.DataFrame, m: Matchup) -> pd.DataFrame:
    """`indicator_gaps` as a Chinese table: values and gaps written with their units."""
    units = gaps["unit"]
    return pd.DataFrame(
        {
            "指标": [
                f"{label}{'（越少越好）' if d == 'down' else ''}"
                for label, d in zip(gaps["label"], gaps["direction"], strict=True)
            ],
            "星": [catalog.STAR_BY_ID[s].short for s in gaps["star"]],
            m.first_label: [
                formatting.quantity(v, u) for v, u in zip(gaps["first"], units, strict=True)
            ],
            m.second_label: [
                formatting.quantity(v, u) for v, u in zip(gaps["second"], units, strict=True)
            ],
            "差距": [_gap_text(v, u) for v, u in zip(gaps["gap"], units, strict=True)],
            "差距（%）": [formatting.percent_change(v) for v in gaps["gap_pct"]],
            "领先": gaps["leader"],
        }
    )


def _gap_text(value: float, unit: str) -> str:
    # The difference of two rates is in percentage points, not a percent change.
    if unit == "%" and not formatting.is_missing(value):
        return formatting.signed(value, unit, " 个百分点")
    return formatting.change(value, unit)
