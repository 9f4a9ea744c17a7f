"""When the weaker village is expected to reach the pass mark: a trend line over its recent
scores, read against its creation target for the year in view."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wuxing import catalog, formatting, periods
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics.pairs.scores import MISSING_TARGET, target_of, village_scores

#: Projection: a least-squares line over the last WINDOW quarters, never from fewer than MIN_POINTS.
WINDOW = 4
MIN_POINTS = 3
HORIZON = 4
#: How far ahead a trend line may name a quarter when read against a target: further than two
#: years out a straight line over four quarters is no forecast.
REACH_HORIZON = 8
UNREACHABLE = "按当前进度年内难以达标"
REACHED = "已达标"
TOO_FEW = f"数据不足（少于 {MIN_POINTS} 个季度）"
NO_SCORE = "本季度无评分"
PROJECTION_RULE = (
    f"预测方法：取帮带村截至所选季度最近 {WINDOW} 个季度的得分（至少 {MIN_POINTS} 个季度才算趋势），"
    f"用最小二乘法拟合直线，找出直线首次达到达标线的季度（{REACH_HORIZON // 4} 年以内）。"
    f"期限是所选季度所在年份的第四季度（当年创星目标之年）：能在期限内达标的给出预计季度；"
    f"否则给出当年剩余每个季度需提高的分数；第四季度仍未达标的写明差多少分。"
    f"只用当年的创星目标，当年未报送的不沿用上一年。"
)


@dataclass(frozen=True)
class Projection:
    """When a score series is expected to reach the pass mark (PROJECTION_RULE)."""

    status: str
    quarter: str | None
    slope: float | None
    points: int
    latest: float | None

    @property
    def text(self) -> str:
        """What the page shows: `预计2024年第二季度达标`, `已达标`, or why there is no date."""
        if self.quarter is not None and self.status == "projected":
            return f"预计{periods.label(self.quarter)}达标"
        return {"reached": REACHED, "too_few": TOO_FEW}.get(self.status, UNREACHABLE)


def project(
    series: pd.Series,
    period: str,
    pass_mark: float,
    *,
    window: int = WINDOW,
    min_points: int = MIN_POINTS,
    horizon: int = HORIZON,
) -> Projection:
    """Project a score series (index: quarter ids) from `period` on: a least-squares line over the
    scores of the last `window` quarters up to `period`; never from fewer than `min_points`.

    Already at or past the mark in `period` → reached. Otherwise the first quarter after `period`
    where the line reaches the mark, if within `horizon` quarters; else unreachable.
    """
    recent = {periods.shift(period, -k) for k in range(window)}
    series = series[[q in recent for q in series.index]].dropna().sort_index()
    latest = float(series[period]) if period in series.index else None
    if latest is not None and latest >= pass_mark:
        return Projection("reached", period, None, len(series), latest)
    if len(series) < min_points:
        return Projection("too_few", None, None, len(series), latest)
    x = np.array([periods.quarter_index(q) for q in series.index], dtype=float)
    slope, intercept = np.polyfit(x, series.to_numpy(dtype=float), 1)
    now = periods.quarter_index(period)
    if slope <= 1e-9:
        return Projection("unreachable", None, float(slope), len(series), latest)
    # Small epsilon: a line that lands on the mark exactly in a quarter reaches it that quarter.
    at = math.ceil((pass_mark - intercept) / slope - 1e-9)
    steps = max(at - now, 1)
    if steps > horizon:
        return Projection("unreachable", None, float(slope), len(series), latest)
    return Projection("projected", periods.shift(period, steps), float(slope), len(series), latest)


@dataclass(frozen=True)
class Outlook:
    """One star of one village against the end of a target year (PROJECTION_RULE)."""

    status: str  # reached, on_track, needs_gain, missed or no_score
    year: int
    latest: float | None
    slope: float | None
    points: int
    #: The quarter the trend line reaches the mark (within REACH_HORIZON), if it does.
    quarter: str | None
    #: Points a quarter needed to reach the mark by the year's fourth quarter.
    needed: float | None
    pass_mark: float

    @property
    def text(self) -> str:
        """`预计2024年第三季度达标`, `需每季度提高 2.3 分才能2024年内达标`, `已达标`, …"""
        if self.status == "reached":
            return REACHED
        if self.status == "no_score" or self.latest is None:
            return NO_SCORE
        if self.status == "on_track" and self.quarter:
            return f"预计{periods.label(self.quarter)}达标"
        later = f"（按近期趋势{periods.label(self.quarter)}达标）" if self.quarter else ""
        if self.status == "needs_gain" and self.needed is not None:
            return f"需每季度提高 {self.needed:.1f} 分才能{self.year}年内达标{later}"
        short = formatting.quantity(self.shortfall, "分")
        return f"{self.year}年内未达标（差 {short}）" + (
            f"，按近期趋势预计{periods.label(self.quarter)}达标" if self.quarter else ""
        )

    @property
    def shortfall(self) -> float:
        """Points still missing in the quarter in view (NaN when it was not scored)."""
        return math.nan if self.latest is None else max(0.0, self.pass_mark - self.latest)


def outlook(series: pd.Series, period: str, pass_mark: float, year: int) -> Outlook:
    """Read a score series (index: quarter ids) in `period` against the fourth quarter of `year`:
    reached; on track (the trend line reaches the mark by then); else the gain a quarter still
    needed, or, with no quarter left, missed. The trend's quarter is kept when it is later."""
    p = project(series, period, pass_mark, horizon=REACH_HORIZON)
    left = periods.quarter_index(f"{year}Q4") - periods.quarter_index(period)

    def result(status: str, needed: float | None = None) -> Outlook:
        quarter = p.quarter if p.status == "projected" else None
        return Outlook(status, year, p.latest, p.slope, p.points, quarter, needed, pass_mark)

    if p.latest is None:
        return result("no_score")
    if p.status == "reached":
        return result("reached")
    if p.status == "projected" and p.quarter is not None and p.quarter <= f"{year}Q4":
        return result("on_track")
    if left > 0:
        return result("needs_gain", (pass_mark - p.latest) / left)
    return result("missed")


@remembered
def projections(ds: Dataset, code: str, period: str, pass_mark: float) -> pd.DataFrame:
    """Per star, one village's outlook (`outlook`) for `period`'s year: target stars first."""
    grid = village_scores(ds, code)
    _, _, target = target_of(ds, code, period)
    year = periods.year_of(period)
    rows = []
    for star in catalog.STARS:
        series = grid[star.id] if star.id in grid else pd.Series(dtype=float)
        o = outlook(series, period, pass_mark, year)
        rows.append(
            {
                "star": star.id,
                "label": star.label,
                "is_target": star.id in target,
                "latest": o.latest,
                "slope": o.slope,
                "points": o.points,
                "status": o.status,
                "quarter": o.quarter,
                "needed": o.needed,
                "year": year,
                "text": o.text,
            }
        )
    frame = pd.DataFrame(rows)
    return frame.sort_values("is_target", ascending=False, kind="stable").reset_index(drop=True)


def projection_table(frame: pd.DataFrame) -> pd.DataFrame:
    """`projections` as a Chinese table."""
    year = int(frame["year"].iloc[0]) if len(frame) else ""
    return pd.DataFrame(
        {
            "星": frame["label"],
            f"{year}年目标星": frame["is_target"].map({True: "是", False: "否"}),
            "本季度得分": [formatting.quantity(v, "分") for v in frame["latest"]],
            "近期趋势（分/季度）": [formatting.change(v, "分") for v in frame["slope"]],
            f"{year}年内达标需每季度提高": [formatting.quantity(v, "分") for v in frame["needed"]],
            "预计达标": frame["text"],
        }
    )


@remembered
def target_outlook(ds: Dataset, code: str, period: str, pass_mark: float) -> str:
    """One line on a village's creation target for `period`'s year: each target star it still
    misses with its projected quarter or the gain needed, or that the target is missing."""
    year = periods.year_of(period)
    t_year, level, stars = target_of(ds, code, period)
    if t_year is None or level is None:
        return MISSING_TARGET.format(year)
    frame = projections(ds, code, period, pass_mark)
    head = f"{year}年目标{catalog.LEVEL_LABELS[level]}"
    if stars:
        chosen = frame[frame["is_target"]]
    else:  # a level without its stars: every star below the mark could be one of them
        chosen, head = frame, f"{head}（未列明目标星）"
    missing = chosen[chosen["status"] != "reached"]
    if missing.empty:
        return f"{head} · 目标星均已达标"
    parts = [
        f"{catalog.STAR_BY_ID[s].short}：{t}"
        for s, t in zip(missing["star"], missing["text"], strict=True)
    ]
    return f"{head} · " + "；".join(parts)
