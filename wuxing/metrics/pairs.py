"""导师帮带: two villages side by side — who leads where, whether the gap closes, and when the
weaker one is expected to reach the pass mark.

Conventions used throughout (the page states them):
- the *first* village is the mentor (导师村) or, for a free choice, the reference (参照村); the
  *second* is the mentee (帮带村) or the compared village (比较村);
- every gap is first − second, so a positive score gap means the second village trails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wuxing import catalog, formatting, periods
from wuxing.dataset import Dataset
from wuxing.memo import remembered, remembered_by_content
from wuxing.metrics import areas
from wuxing.metrics.stars import latest_award_year, score_grid
from wuxing.metrics.villages import code_index, names, ordered_codes, pinyin_key, scope

PAIR_ROLES = ("导师村", "帮带村")
FREE_ROLES = ("参照村", "比较村")
KEY_SEPARATOR = "~"

#: A quarter-on-quarter change of the gap smaller than this many points is noise, not a trend.
TREND_THRESHOLD = 1.0
CLOSING, WIDENING, STABLE = "缩小", "扩大", "稳定"
TREND_RULE = (
    f"差距 = 导师村（参照村）得分 − 帮带村（比较村）得分，正数表示帮带村落后。"
    f"与上一季度相比，差距减少 {TREND_THRESHOLD:g} 分及以上记为“{CLOSING}”，"
    f"增加 {TREND_THRESHOLD:g} 分及以上记为“{WIDENING}”，其余记为“{STABLE}”；"
    f"任一季度缺分时不作判断。"
)

#: Projection: a least-squares line over the last WINDOW quarters, never from fewer than MIN_POINTS.
WINDOW = 4
MIN_POINTS = 3
HORIZON = 4
UNREACHABLE = "按当前进度年内难以达标"
REACHED = "已达标"
TOO_FEW = f"数据不足（少于 {MIN_POINTS} 个季度）"
PROJECTION_RULE = (
    f"预测方法：取帮带村截至所选季度最近 {WINDOW} 个季度的得分（至少 {MIN_POINTS} 个季度才预测），"
    f"用最小二乘法拟合直线，找出直线首次达到达标线的季度；若该季度在所选季度之后 {HORIZON} 个季度"
    f"（一年）以内则给出，否则记为“{UNREACHABLE}”。"
)


# -- which two villages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Matchup:
    """The two villages compared: codes, display names, roles and since when they are paired."""

    first: str
    second: str
    first_name: str
    second_name: str
    roles: tuple[str, str]
    since: str | None = None

    @property
    def first_label(self) -> str:
        """`赵家村（导师村）`."""
        return f"{self.first_name}（{self.roles[0]}）"

    @property
    def second_label(self) -> str:
        """`乙村（帮带村）`."""
        return f"{self.second_name}（{self.roles[1]}）"


def pair_key(mentor: str, mentee: str) -> str:
    """The URL value naming a pair: `mentor~mentee` codes."""
    return f"{mentor}{KEY_SEPARATOR}{mentee}"


@remembered
def pair_options(ds: Dataset) -> pd.DataFrame:
    """Stored pairs, one row each, with key, names and a label `导师村 → 帮带村（…起）`, ordered
    by the mentor's then the mentee's name in pinyin."""
    columns = ["key", "mentor", "mentee", "mentor_name", "mentee_name", "since", "until",
               "note", "label"]  # fmt: skip
    pairs = ds.pairs
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    label = names(ds)
    out = pairs.assign(
        key=[pair_key(m, e) for m, e in zip(pairs["mentor"], pairs["mentee"], strict=True)],
        mentor_name=pairs["mentor"].map(label).fillna(pairs["mentor"]),
        mentee_name=pairs["mentee"].map(label).fillna(pairs["mentee"]),
    )
    out["label"] = [_pair_label(r) for r in out.itertuples(index=False)]
    order = out["mentor_name"].map(pinyin_key) + "\1" + out["mentee_name"].map(pinyin_key)
    return out.assign(_o=order).sort_values("_o", kind="stable")[columns].reset_index(drop=True)


def _pair_label(row) -> str:
    when = f"{periods.label(row.since)}起" if row.since else "起始时间未填"
    if row.until:
        when += f"，至{periods.label(row.until)}"
    return f"{row.mentor_name} → {row.mentee_name}（{when}）"


@remembered
def pair_matchup(ds: Dataset, key: str) -> Matchup | None:
    """The stored pair named by `key` (see `pair_key`), or None when there is no such pair."""
    options = pair_options(ds)
    found = options[options["key"] == key]
    if found.empty:
        return None
    row = found.iloc[0]
    return Matchup(row["mentor"], row["mentee"], row["mentor_name"], row["mentee_name"],
                   PAIR_ROLES, row["since"] or None)  # fmt: skip


@remembered
def free_matchup(ds: Dataset, first: str, second: str) -> Matchup:
    """Any two villages: the first is the reference, the second the one compared with it.

    When the two happen to be a stored pair (either way round), they are shown as that pair.
    """
    for mentor, mentee in ((first, second), (second, first)):
        stored = pair_matchup(ds, pair_key(mentor, mentee))
        if stored is not None:
            return stored
    label = names(ds)
    return Matchup(first, second, label.get(first, first), label.get(second, second), FREE_ROLES)


@remembered
def pair_notes(ds: Dataset, code: str) -> list[str]:
    """Sentences saying whom a village mentors and who mentors it; empty when it has no pair."""
    options = pair_options(ds)
    notes = [
        f"{r.mentee_name} 的导师村（{_since_text(r.since)}）"
        for r in options[options["mentor"] == code].itertuples(index=False)
    ]
    notes += [f"由 {r.mentor_name} 帮带（{_since_text(r.since)}）"
              for r in options[options["mentee"] == code].itertuples(index=False)]  # fmt: skip
    return notes


def _since_text(since: str) -> str:
    return f"{periods.label(since)}起" if since else "起始时间未填"


@remembered
def village_options(ds: Dataset) -> list[str]:
    """Codes of the villages in view, in pinyin order of their names."""
    return ordered_codes(ds)


# -- stars side by side ------------------------------------------------------------------------


def _scores(ds: Dataset, code: str) -> pd.DataFrame:
    """Period × star scores of one village: the quarters it was scored in (NaN where missing)."""
    # Lookups in each quarter's grid (built once per dataset): filtering 1.8 M score rows for
    # each village of a province's 2,400 pairs took minutes.
    rows = {}
    for period in ds.periods():
        grid = score_grid(ds, period)
        if code in grid.index and grid.loc[code].notna().any():
            rows[period] = grid.loc[code]
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(catalog.STAR_IDS))
    return frame.astype(float).rename_axis(index="period", columns="star")


def _score_at(ds: Dataset, code: str, period: str) -> pd.Series:
    grid = _scores(ds, code)
    if period in grid.index:
        return grid.loc[period].astype(float)
    return pd.Series(np.nan, index=list(catalog.STAR_IDS), dtype=float)


@remembered
def target_of(ds: Dataset, code: str, period: str) -> tuple[int | None, int | None, list[str]]:
    """(year, level, star ids) of a village's newest target not after `period`'s year."""
    rows = ds.targets[
        (ds.targets["code"] == code) & (ds.targets["year"] <= periods.year_of(period))
    ]
    if rows.empty:
        return None, None, []
    row = rows.sort_values("year").iloc[-1]
    return int(row["year"]), int(row["level"]), [s for s in str(row["stars"]).split(",") if s]


def _held(ds: Dataset, code: str, period: str) -> tuple[int | None, list[str]]:
    year = latest_award_year(ds, period)
    if year is None:
        return None, []
    awards = ds.awards
    rows = awards[(awards["code"] == code) & (awards["year"] == year) & awards["awarded"]]
    return year, [s for s in catalog.STAR_IDS if s in set(rows["star"])]


def any_scored(comparison: pd.DataFrame) -> bool:
    """Whether either village of a `star_comparison` has a score for any star."""
    return bool(comparison["first"].notna().any() or comparison["second"].notna().any())


@remembered
def star_comparison(ds: Dataset, m: Matchup, period: str, pass_mark: float) -> pd.DataFrame:
    """Per star (fixed order): both scores in `period`, the gap, who leads, whether each passes,
    whether each holds the star (newest awards up to `period`'s year) and aims for it."""
    a, b = _score_at(ds, m.first, period), _score_at(ds, m.second, period)
    _, held_a = _held(ds, m.first, period)
    _, held_b = _held(ds, m.second, period)
    _, level_a, target_a = target_of(ds, m.first, period)
    _, level_b, target_b = target_of(ds, m.second, period)
    rows = []
    for star in catalog.STARS:
        sa, sb = a[star.id], b[star.id]
        rows.append({
            "star": star.id, "label": star.label, "first": sa, "second": sb, "gap": sa - sb,
            "leader": leader(sa, sb, "up", m.first_name, m.second_name),
            "first_passes": bool(sa >= pass_mark), "second_passes": bool(sb >= pass_mark),
            "first_held": star.id in held_a, "second_held": star.id in held_b,
            "first_target": star.id in target_a, "second_target": star.id in target_b,
        })  # fmt: skip
    return pd.DataFrame(rows)


@remembered_by_content
def star_table(comparison: pd.DataFrame, m: Matchup, pass_mark: float) -> pd.DataFrame:
    """`star_comparison` as a Chinese table with units."""

    def score(v: float, passes: bool) -> str:
        return formatting.quantity(v, "分") + ("（达标）" if passes else "")

    def mark(held: bool, target: bool) -> str:
        return "、".join(t for t, on in (("已获评", held), ("目标星", target)) if on) or "—"

    return pd.DataFrame({
        "星": comparison["label"],
        f"{m.first_label}": [score(v, p) for v, p in zip(comparison["first"], comparison["first_passes"], strict=True)],
        f"{m.second_label}": [score(v, p) for v, p in zip(comparison["second"], comparison["second_passes"], strict=True)],
        "差距（分）": [formatting.change(v, "分") for v in comparison["gap"]],
        "领先": comparison["leader"],
        f"{m.first_name}获评/目标": [mark(h, t) for h, t in zip(comparison["first_held"], comparison["first_target"], strict=True)],
        f"{m.second_name}获评/目标": [mark(h, t) for h, t in zip(comparison["second_held"], comparison["second_target"], strict=True)],
    })  # fmt: skip


@dataclass(frozen=True)
class Standing:
    """One village's stars held (year of the newest awards) and its creation target."""

    name: str
    award_year: int | None
    held: tuple[str, ...]
    target_year: int | None
    target_level: int | None
    target_stars: tuple[str, ...]

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
            return "未填创星目标"
        stars = "、".join(catalog.STAR_BY_ID[s].short for s in self.target_stars)
        text = f"{self.target_year}年 目标{catalog.LEVEL_LABELS[self.target_level]}"
        return f"{text}：{stars}" if stars else text


@remembered
def standing(ds: Dataset, code: str, period: str) -> Standing:
    """A village's stars held and its target as seen from `period`."""
    year, held = _held(ds, code, period)
    t_year, t_level, t_stars = target_of(ds, code, period)
    return Standing(names(ds).get(code, code), year, tuple(held), t_year, t_level, tuple(t_stars))


@remembered
def standing_table(ds: Dataset, m: Matchup, period: str) -> pd.DataFrame:
    """Both villages' stars held and targets as a Chinese table (one row per village)."""
    rows = [(label, standing(ds, code, period)) for code, label in
            ((m.first, m.first_label), (m.second, m.second_label))]  # fmt: skip
    return pd.DataFrame({"村": [label for label, _ in rows],
                         "已获评": [s.held_text for _, s in rows],
                         "创星目标": [s.target_text for _, s in rows]})  # fmt: skip


# -- indicators side by side -------------------------------------------------------------------


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
        out.append({
            "indicator": ind.id, "label": ind.label, "star": ind.star, "unit": ind.unit,
            "direction": ind.direction, "first": a, "second": b, "gap": gap, "gap_pct": pct,
            "leader": leader(a, b, ind.direction, m.first_name, m.second_name),
            "shortfall": shortfall(a, b, ind.direction),
        })  # fmt: skip
    frame = pd.DataFrame(out, columns=["indicator", "label", "star", "unit", "direction", "first",
                                       "second", "gap", "gap_pct", "leader", "shortfall"])  # fmt: skip
    return frame.sort_values("shortfall", ascending=False, na_position="last",
                             kind="stable").reset_index(drop=True)  # fmt: skip


@remembered_by_content
def indicator_table(gaps: pd.DataFrame, m: Matchup) -> pd.DataFrame:
    """`indicator_gaps` as a Chinese table: values and gaps written with their units."""
    units = gaps["unit"]
    return pd.DataFrame({
        "指标": [f"{label}{'（越少越好）' if d == 'down' else ''}"
                 for label, d in zip(gaps["label"], gaps["direction"], strict=True)],
        "星": [catalog.STAR_BY_ID[s].short for s in gaps["star"]],
        m.first_label: [formatting.quantity(v, u) for v, u in zip(gaps["first"], units, strict=True)],
        m.second_label: [formatting.quantity(v, u) for v, u in zip(gaps["second"], units, strict=True)],
        "差距": [_gap_text(v, u) for v, u in zip(gaps["gap"], units, strict=True)],
        "差距（%）": [formatting.percent_change(v) for v in gaps["gap_pct"]],
        "领先": gaps["leader"],
    })  # fmt: skip


def _gap_text(value: float, unit: str) -> str:
    # The difference of two rates is in percentage points, not a percent change.
    if unit == "%" and not formatting.is_missing(value):
        return formatting.signed(value, unit, " 个百分点")
    return formatting.change(value, unit)


# -- over time ---------------------------------------------------------------------------------


@remembered
def score_history(ds: Dataset, m: Matchup, last: str, star: str | None = None) -> pd.DataFrame:
    """Long rows (village, role, period, star, score) of both villages through `last`."""
    rows = ds.scores[ds.scores["code"].isin([m.first, m.second]) & (ds.scores["period"] <= last)]
    if star:
        rows = rows[rows["star"] == star]
    out = rows.assign(
        village=rows["code"].map({m.first: m.first_name, m.second: m.second_name}),
        role=rows["code"].map({m.first: m.roles[0], m.second: m.roles[1]}),
    )
    return (
        out[["code", "village", "role", "period", "star", "score"]]
        .sort_values(["star", "code", "period"])
        .reset_index(drop=True)
    )


def trend_label(change: float) -> str:
    """缩小 / 扩大 / 稳定 for a change of the gap (see TREND_RULE); `—` when it is missing."""
    if formatting.is_missing(change):
        return formatting.MISSING
    if change <= -TREND_THRESHOLD:
        return CLOSING
    if change >= TREND_THRESHOLD:
        return WIDENING
    return STABLE


@remembered
def gap_history(ds: Dataset, m: Matchup, last: str, star: str | None = None) -> pd.DataFrame:
    """Per star and quarter through `last`: both scores, the gap, its change on the previous
    quarter and the trend label (TREND_RULE); quarters without any score are left out."""
    a, b = _scores(ds, m.first), _scores(ds, m.second)
    quarters = [p for p in sorted(set(a.index) | set(b.index)) if p <= last]
    if not quarters:
        return pd.DataFrame(columns=["star", "label", "period", "first", "second", "gap",
                                     "change", "trend"])  # fmt: skip
    a, b = a.reindex(quarters), b.reindex(quarters)
    out = []
    for s in [star] if star else list(catalog.STAR_IDS):
        gap = a[s] - b[s]
        previous = gap.reindex([periods.previous(q) for q in quarters]).to_numpy()
        change = gap.to_numpy() - previous
        for q, fa, fb, g, c in zip(quarters, a[s], b[s], gap, change, strict=True):
            out.append({"star": s, "label": catalog.STAR_BY_ID[s].label, "period": q,
                        "first": fa, "second": fb, "gap": g, "change": c,
                        "trend": trend_label(c)})  # fmt: skip
    return pd.DataFrame(out)


@remembered_by_content
def gap_table(history: pd.DataFrame, m: Matchup) -> pd.DataFrame:
    """`gap_history` as a Chinese table."""
    return pd.DataFrame({
        "星": history["label"],
        "季度": history["period"].map(periods.label),
        m.first_label: [formatting.quantity(v, "分") for v in history["first"]],
        m.second_label: [formatting.quantity(v, "分") for v in history["second"]],
        "差距（分）": [formatting.number(v, "分") for v in history["gap"]],
        "较上季度（分）": [formatting.change(v, "分") for v in history["change"]],
        "趋势": history["trend"],
    })  # fmt: skip


# -- projection --------------------------------------------------------------------------------


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


def project(series: pd.Series, period: str, pass_mark: float, *, window: int = WINDOW,
            min_points: int = MIN_POINTS, horizon: int = HORIZON) -> Projection:  # fmt: skip
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


@remembered
def projections(ds: Dataset, code: str, period: str, pass_mark: float) -> pd.DataFrame:
    """Per star, the projection of one village's score (target stars first, then the others)."""
    grid = _scores(ds, code)
    _, _, target = target_of(ds, code, period)
    rows = []
    for star in catalog.STARS:
        series = grid[star.id] if star.id in grid else pd.Series(dtype=float)
        p = project(series, period, pass_mark)
        rows.append({"star": star.id, "label": star.label, "is_target": star.id in target,
                     "latest": p.latest, "slope": p.slope, "points": p.points,
                     "status": p.status, "quarter": p.quarter, "text": p.text})  # fmt: skip
    frame = pd.DataFrame(rows)
    return frame.sort_values("is_target", ascending=False, kind="stable").reset_index(drop=True)


@remembered_by_content
def projection_table(frame: pd.DataFrame) -> pd.DataFrame:
    """`projections` as a Chinese table."""
    return pd.DataFrame({
        "星": frame["label"],
        "目标星": frame["is_target"].map({True: "是", False: "否"}),
        "本季度得分": [formatting.quantity(v, "分") for v in frame["latest"]],
        "近期趋势（分/季度）": [formatting.change(v, "分") for v in frame["slope"]],
        "所用季度数": frame["points"],
        "预计达标": frame["text"],
    })  # fmt: skip


# -- the township's pairs at a glance ----------------------------------------------------------


def _average_gap(a: pd.DataFrame, b: pd.DataFrame, period: str | None) -> float:
    """Mean over the stars both villages were scored on in `period` of (first − second)."""
    if period is None or period not in a.index or period not in b.index:
        return math.nan
    gaps = (a.loc[period] - b.loc[period]).dropna()
    return float(gaps.mean()) if not gaps.empty else math.nan


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
    on with scores for both), the trend label of the last change and a widening flag; widening
    pairs first, then largest gaps. Mentors outside the area are still scored from `ds`."""
    columns = ["key", "mentor", "mentee", "mentor_name", "mentee_name", "since", "gap",
               "change_quarter", "change_since", "baseline", "trend", "widening"]  # fmt: skip
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
    trend = [trend_label(c) for c in last]
    frame = options[["key", "mentor", "mentee", "mentor_name", "mentee_name", "since"]].assign(
        gap=now, change_quarter=last, change_since=np.where(compared, now - before, np.nan),
        baseline=baseline, trend=trend, widening=[t == WIDENING for t in trend],
    )  # fmt: skip
    return frame.sort_values(["widening", "gap"], ascending=[False, False], na_position="last",
                             kind="stable")[columns].reset_index(drop=True)  # fmt: skip


@remembered_by_content
def overview_table(frame: pd.DataFrame) -> pd.DataFrame:
    """`pairs_overview` as a Chinese table."""
    return pd.DataFrame({
        "导师村": frame["mentor_name"],
        "帮带村": frame["mentee_name"],
        "结对时间": [periods.label(s) if s else "—" for s in frame["since"]],
        "平均差距（分）": [formatting.number(v, "分") for v in frame["gap"]],
        "较上季度（分）": [formatting.change(v, "分") for v in frame["change_quarter"]],
        "较结对时（分）": [formatting.change(v, "分") for v in frame["change_since"]],
        "趋势": frame["trend"],
        "差距扩大": frame["widening"].map({True: "是", False: ""}),
    })  # fmt: skip


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
    trends = {name: frame[frame["trend"] == word].groupby("area").size()
              for name, word in (("closing", CLOSING), ("stable", STABLE), ("widening", WIDENING))}  # fmt: skip
    present = counts[counts["area"].isin(set(grouped.groups))]
    out = pd.DataFrame({"area": present["area"].to_numpy(),
                        "label": areas.area_labels(present["area"])})  # fmt: skip
    out["pairs"] = out["area"].map(grouped.size()).astype(int)
    for name, sizes in trends.items():
        out[name] = out["area"].map(sizes).fillna(0).astype(int)
    out["unknown"] = out["pairs"] - out["closing"] - out["stable"] - out["widening"]
    out["gap"] = out["area"].map(grouped["gap"].mean()).astype(float)
    return out[columns]


@remembered_by_content
def by_area_table(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    """`pairs_by_area` as a Chinese table."""
    return pd.DataFrame({
        level: frame["label"].to_numpy(),
        "结对数（对）": frame["pairs"].to_numpy(),
        f"差距{CLOSING}（对）": frame["closing"].to_numpy(),
        f"差距{STABLE}（对）": frame["stable"].to_numpy(),
        f"差距{WIDENING}（对）": frame["widening"].to_numpy(),
        "暂无比较（对）": frame["unknown"].to_numpy(),
        "平均差距（分）": frame["gap"].round(1).to_numpy(),
    })  # fmt: skip
