"""Above the township, pages show one row per sub-area (county view: one bar per township, not
500 bars): which level comes next, each village's sub-area, and figures aggregated per sub-area."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from wuxing import catalog, formatting, periods
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics import aggregation, indicators, targets
from wuxing.metrics.progress import award_changes, stars_of
from wuxing.metrics.stars import score_cells
from wuxing.metrics.villages import (
    AREA_LEVEL_LABELS,
    AREA_LEVELS,
    AREA_SEPARATOR,
    area_parts,
    code_index,
    escape_parts,
    in_area,
    pinyin_key,
)

#: More villages than this in view: charts show sub-areas instead of villages.
VILLAGE_LIMIT = 30


def next_level(area: str) -> str:
    """The level below `area`: city for everything, county for a city, … village for a town."""
    depth = len(area_parts(area))
    return AREA_LEVELS[depth] if depth < len(AREA_LEVELS) else "village"


@remembered
def grouped(ds: Dataset, area: str, limit: int = VILLAGE_LIMIT) -> bool:
    """True when `ds` (scoped to `area`) has too many villages to chart one by one and the area
    is above the township, so charts show one row per sub-area."""
    return len(ds.villages) > limit and next_level(area) != "village"


def level_label(area: str) -> str:
    """The Chinese word for the level below `area` (乡镇, 县（区）…)."""
    return AREA_LEVEL_LABELS[next_level(area)]


@remembered
def sub_area_of(ds: Dataset, area: str) -> pd.Series:
    """Village code → path of its sub-area one level below `area` (e.g. 濮阳市/清丰县/马庄桥镇)."""
    level = next_level(area)
    villages = ds.villages[in_area(ds.villages, area)]
    if level == "village":
        return pd.Series(villages["code"].to_numpy(), index=villages["code"].to_numpy())
    depth = AREA_LEVELS.index(level) + 1
    parts = villages[list(AREA_LEVELS[:depth])].replace("", "未填写")
    path = escape_parts(parts.iloc[:, 0])
    for column in parts.columns[1:]:
        path = path + AREA_SEPARATOR + escape_parts(parts[column])
    return pd.Series(path.to_numpy(), index=villages["code"].to_numpy(), name="area")


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    order = frame["label"].map(pinyin_key)
    return frame.assign(_o=order).sort_values("_o", kind="stable").drop(columns="_o")


def _frame_of(paths: pd.Index) -> pd.DataFrame:
    return pd.DataFrame({"area": paths, "label": [area_parts(p)[-1] for p in paths]})


@remembered
def village_counts(ds: Dataset, area: str) -> pd.DataFrame:
    """Per sub-area: path, label (its own name), villages; in pinyin order."""
    counts = sub_area_of(ds, area).value_counts()
    out = _frame_of(counts.index).assign(villages=counts.to_numpy())
    return _ordered(out).reset_index(drop=True)


@remembered
def indicator_by_area(
    ds: Dataset, area: str, indicator: str, period: str, grain: str, basis_id: str
) -> pd.DataFrame:
    """Per sub-area, the indicator in `period` (or its year through `period`) on a basis.

    Villages' figures add up by period kind (`indicators.village_series`); over villages they
    are summed, or household-weighted for rates; per-household bases divide the sub-area's sum
    by the households of the villages that reported. Columns: area, label, value (NaN when no
    village reported), reporting, villages; pinyin order.
    """
    key = period if grain == indicators.QUARTER else period[:4]
    series = indicators.village_series(ds, indicator, grain, period)
    series = series[series["key"] == key].dropna(subset=["value"])
    values = pd.Series(series["value"].to_numpy(), index=series["code"].astype(str).to_numpy())
    owner = sub_area_of(ds, area)
    # A lookup, not `isin`: isin of 46,000 string codes took a second per call.
    owner_of = owner.reindex(values.index)
    inside = owner_of.notna().to_numpy()
    values = values[inside]
    groups = values.groupby(owner_of[inside].to_numpy())
    b = indicators.basis(indicator, basis_id)
    villages = ds.villages.set_index("code")
    combined: dict[str, float | None] = {}
    for path, part in groups:
        if b.divisor is None:
            combined[path] = aggregation.combine(
                part, villages["households"].astype(float), indicator
            )
            continue
        divisor = villages[b.divisor].astype(float).reindex(part.index)
        known = divisor.notna() & (divisor > 0)
        total = part[known].sum() / divisor[known].sum() * b.factor if known.any() else None
        combined[path] = None if total is None else float(total)
    reporting = groups.size()
    counts = village_counts(ds, area)
    value = [combined.get(p) for p in counts["area"]]
    return pd.DataFrame(
        {
            "area": counts["area"].to_numpy(),
            "label": area_labels(counts["area"]),
            "value": [float("nan") if v is None else v for v in value],
            "reporting": [int(reporting.get(p, 0)) for p in counts["area"]],
            "villages": counts["villages"].to_numpy(),
        }
    )


def indicator_table(frame: pd.DataFrame, level: str, name: str, unit: str) -> pd.DataFrame:
    """`indicator_by_area` as a Chinese table (missing values stay empty, not zero)."""
    return pd.DataFrame(
        {
            level: frame["label"].to_numpy(),
            f"{name}（{unit}）": frame["value"].round(formatting.decimals(unit) + 1).to_numpy(),
            "已填报村数（个）": frame["reporting"].to_numpy(),
            "村数（个）": frame["villages"].to_numpy(),
        }
    )


@remembered
def score_matrix(ds: Dataset, area: str, period: str) -> pd.DataFrame:
    """Sub-area × star mean score of the villages that reported in `period` (NaN: none did).

    Index: sub-area labels in pinyin order (a repeated name gets its parent added); columns: stars.
    """
    owner = sub_area_of(ds, area)
    scores = ds.scores[ds.scores["period"] == period]
    scores = scores.assign(area=owner.reindex(scores["code"].astype(str)).to_numpy())
    grid = scores.pivot_table(index="area", columns="star", values="score", aggfunc="mean")
    counts = village_counts(ds, area)
    grid = grid.reindex(index=counts["area"], columns=list(catalog.STAR_IDS))
    grid.columns = list(catalog.STAR_IDS)
    grid.index = pd.Index(area_labels(counts["area"]), name="area")
    return grid


def area_labels(paths: pd.Series | list[str]) -> list[str]:
    """Short names of area paths: the last part, with its parent where two share a name."""
    paths = list(paths)
    last = [area_parts(p)[-1] if p else "" for p in paths]
    repeated = {n for n in last if last.count(n) > 1}
    return [
        f"{n}（{area_parts(p)[-2]}）" if n in repeated and len(area_parts(p)) > 1 else n
        for n, p in zip(last, paths, strict=True)
    ]


def score_table(matrix: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """`score_matrix` as a Chinese table: sub-area, villages, then mean score per star (分)."""
    table = matrix.rename(columns={s.id: f"{s.label}平均分（分）" for s in catalog.STARS})
    table.insert(0, "村数（个）", counts["villages"].to_numpy())
    return table.rename_axis("地区").reset_index()


@remembered
def target_counts(ds: Dataset, area: str, period: str, pass_mark: float) -> pd.DataFrame:
    """Per sub-area, villages on and off track for their target in `period`'s year.

    Columns: area, label, on_track, off_track; sub-areas with no target omitted (all of them
    when no village has a target).
    """
    status = targets.target_status(ds, period, pass_mark)
    if status.empty:
        return pd.DataFrame(columns=["area", "label", "on_track", "off_track"])
    owner = sub_area_of(ds, area)
    frame = status.assign(area=owner.reindex(status["code"].astype(str)).to_numpy())
    on = frame[frame["on_track"]].groupby("area").size()
    off = frame[~frame["on_track"]].groupby("area").size()
    counts = village_counts(ds, area)
    counts = counts[counts["area"].isin(set(on.index) | set(off.index))]
    return pd.DataFrame(
        {
            "area": counts["area"].to_numpy(),
            "label": area_labels(counts["area"]),
            "on_track": [int(on.get(a, 0)) for a in counts["area"]],
            "off_track": [int(off.get(a, 0)) for a in counts["area"]],
        }
    )


def picked_area(
    ds: Dataset,
    area: str,
    points: list[dict],
    rows: Sequence[int] = (),
    table: pd.DataFrame | None = None,
) -> str | None:
    """The sub-area path a user clicked: a chart point's path (customdata) or label (y, else
    x), else a picked row of the chart's table (its first column); None if nothing names one."""
    counts = village_counts(ds, area)
    by_label = dict(zip(area_labels(counts["area"]), counts["area"], strict=True))
    for point in points:
        custom = point.get("customdata")
        path = custom[0] if isinstance(custom, list | tuple) and custom else custom
        if isinstance(path, str) and path in set(counts["area"]):
            return path
    labels = [str(p.get(axis, "")) for p in points for axis in ("y", "x")]
    if table is not None and len(table.columns):
        labels += [str(table.iloc[r, 0]) for r in rows if 0 <= r < len(table)]
    for label in labels:
        if label in by_label:
            return by_label[label]
    return None


def target_table(counts: pd.DataFrame, level: str) -> pd.DataFrame:
    """`target_counts` as a Chinese table."""
    return pd.DataFrame(
        {
            level: counts["label"].to_numpy(),
            "按目标推进（个村）": counts["on_track"].to_numpy(),
            "未达目标进度（个村）": counts["off_track"].to_numpy(),
        }
    )


@remembered
def score_history(ds: Dataset, area: str, star: str, last: str) -> pd.DataFrame:
    """Per sub-area and quarter through `last`, the mean score of its villages that were scored.

    For one star its score; for all stars each village's mean of the five, only where all five
    are scored (as `progress.score_history`). Columns: area, label, period, score, scored (villages
    counted); sub-areas in pinyin order, quarters ascending.
    """
    columns = ["area", "label", "period", "score", "scored"]
    scores = ds.scores
    quarter, quarters = pd.factorize(scores["period"], sort=True)
    wanted_quarters = np.asarray(quarters, dtype=object) <= last
    village, star_column = score_cells(ds)
    value = scores["score"].to_numpy(dtype=float, na_value=np.nan)
    kept = (village >= 0) & (star_column >= 0) & (quarter >= 0) & ~np.isnan(value)
    kept &= wanted_quarters[np.maximum(quarter, 0)]
    if not kept.any():
        return pd.DataFrame(columns=columns)
    # Each score into its quarter × village × star cell, then whole arrays: grouping a province's
    # 1.8 M scores by village and quarter took most of a second.
    cube = np.full((len(quarters), len(code_index(ds)), len(catalog.STAR_IDS)), np.nan)
    cube[quarter[kept], village[kept], star_column[kept]] = value[kept]
    wanted = [catalog.STAR_IDS.index(s) for s in stars_of(star)]
    per_village = cube[:, :, wanted].mean(axis=2)  # NaN unless every star asked for is scored
    owner = sub_area_of(ds, area).reindex(code_index(ds)).to_numpy()
    area_number, paths = pd.factorize(owner)  # -1: a village outside `area`
    parts = []
    for q in np.flatnonzero(wanted_quarters):
        scored = ~np.isnan(per_village[q]) & (area_number >= 0)
        counts = np.bincount(area_number[scored], minlength=len(paths))
        sums = np.bincount(area_number[scored], per_village[q][scored], minlength=len(paths))
        some = np.flatnonzero(counts)
        parts.append(
            pd.DataFrame(
                {
                    "area": paths[some],
                    "period": quarters[q],
                    "score": sums[some] / counts[some],
                    "scored": counts[some],
                }
            )
        )
    means = pd.concat(parts, ignore_index=True)
    if means.empty:
        return pd.DataFrame(columns=columns)
    return _labelled(ds, area, means, "period")[columns]


@remembered
def award_levels(ds: Dataset, area: str, star: str) -> pd.DataFrame:
    """Per sub-area and awarded year: villages with awards, their mean number of stars held (of
    those the star filter asks for), and how many villages gained or lost a star on the year
    before. Columns: area, label, year, villages, mean_level, gained, lost; pinyin order."""
    columns = ["area", "label", "year", "villages", "mean_level", "gained", "lost"]
    changes = award_changes(ds, star)  # per village and year: stars held, gained, lost
    if changes.empty:
        return pd.DataFrame(columns=columns)
    grid = changes.assign(
        gained=changes["gained"].map(bool),
        lost=changes["lost"].map(bool),
        area=sub_area_of(ds, area).reindex(changes["code"].astype(str)).to_numpy(),
    ).dropna(subset=["area"])
    out = (
        grid.groupby(["area", "year"])
        .agg(
            villages=("code", "size"),
            mean_level=("level", "mean"),
            gained=("gained", "sum"),
            lost=("lost", "sum"),
        )
        .reset_index()
    )
    out = _labelled(ds, area, out, "year")[columns]
    return out.astype({"gained": int, "lost": int, "villages": int})


def _labelled(ds: Dataset, area: str, frame: pd.DataFrame, then: str) -> pd.DataFrame:
    """`frame` (one row per sub-area `area` path and `then`) with each sub-area's short label,
    sub-areas in pinyin order, then by `then`."""
    counts = village_counts(ds, area)
    rank = {path: i for i, path in enumerate(counts["area"])}
    labels = dict(zip(counts["area"], area_labels(counts["area"]), strict=True))
    frame = frame.assign(label=frame["area"].map(labels), _rank=frame["area"].map(rank))
    frame = frame.sort_values(["_rank", then], kind="stable")
    return frame.drop(columns="_rank").reset_index(drop=True)


def award_table(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    """`award_levels` as a Chinese table."""
    return pd.DataFrame(
        {
            level: frame["label"].to_numpy(),
            "年度": frame["year"].to_numpy(),
            "已评定村数（个）": frame["villages"].to_numpy(),
            "平均星级（颗）": frame["mean_level"].round(2).to_numpy(),
            "新获评星的村（个）": frame["gained"].to_numpy(),
            "被摘星的村（个）": frame["lost"].to_numpy(),
        }
    )


def score_history_table(history: pd.DataFrame, level: str) -> pd.DataFrame:
    """`score_history` as a Chinese wide table: one row per sub-area, one column per quarter."""
    wide = history.pivot_table(index="label", columns="period", values="score", sort=False)
    wide = wide.round(1)
    wide.columns = [f"{periods.label(p)}（分）" for p in wide.columns]
    return wide.rename_axis(level).reset_index()
