"""One village's facts as the pair pages read them: its scores per quarter, its creation target
for a year, the stars it holds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wuxing import catalog, periods
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics.stars import latest_award_year, score_grid


@remembered
def village_scores(ds: Dataset, code: str) -> pd.DataFrame:
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


@remembered
def score_at(ds: Dataset, code: str, period: str) -> pd.Series:
    """One village's five star scores in `period` (NaN where missing)."""
    grid = village_scores(ds, code)
    if period in grid.index:
        return grid.loc[period].astype(float)
    return pd.Series(np.nan, index=list(catalog.STAR_IDS), dtype=float)


#: What is shown for a village without a creation target for the year in view.
MISSING_TARGET = "尚未报送{}年创星目标"


@remembered
def target_of(ds: Dataset, code: str, period: str) -> tuple[int | None, int | None, list[str]]:
    """(year, level, star ids) of a village's creation target for `period`'s year, or
    (None, None, []) when it has none for that year: an older year's target is not used."""
    # A 2023 target read in 2024Q1 would judge the village against a plan it no longer has.
    rows = ds.targets[
        (ds.targets["code"] == code) & (ds.targets["year"] == periods.year_of(period))
    ]
    if rows.empty:
        return None, None, []
    row = rows.iloc[-1]
    return int(row["year"]), int(row["level"]), [s for s in str(row["stars"]).split(",") if s]


@remembered
def held_stars(ds: Dataset, code: str, period: str) -> tuple[int | None, list[str]]:
    """(award year, star ids) of the newest awards up to `period`'s year; (None, []) if none."""
    year = latest_award_year(ds, period)
    if year is None:
        return None, []
    awards = ds.awards
    rows = awards[(awards["code"] == code) & (awards["year"] == year) & awards["awarded"]]
    return year, [s for s in catalog.STAR_IDS if s in set(rows["star"])]
