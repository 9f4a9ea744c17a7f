"""Stars: yearly awards and levels, quarterly scores against the pass mark."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wuxing import catalog, periods
from wuxing.dataset import Dataset
from wuxing.keys import positions
from wuxing.memo import remembered
from wuxing.metrics.villages import code_index, names


@remembered
def award_years(ds: Dataset) -> list[int]:
    """Years with star awards, ascending."""
    return sorted(int(y) for y in ds.awards["year"].unique())


@remembered
def latest_award_year(ds: Dataset, period: str | None = None) -> int | None:
    """The newest year whose awards stand in quarter `period` (any stored year without one).

    Awards for year Y are decided at its end (评星定级), so in Q1–Q3 of Y the stars villages hold
    are those of the newest stored year before Y, even when Y's awards are already stored
    (entered early, or the data was loaded later); from Q4 of Y on, Y's own awards count once
    stored. None when no earlier year has awards.
    """
    years = award_years(ds)
    if period is not None:
        year = periods.year_of(period)
        last = year if periods.quarter_of(period) == 4 else year - 1
        years = [y for y in years if y <= last]
    return years[-1] if years else None


@remembered
def held_stars(ds: Dataset, year: int) -> pd.DataFrame:
    """Village × star grid of awards in `year` (True = held), villages in pinyin order."""
    awards = ds.awards
    village, star = award_cells(ds)
    chosen = (awards["year"].to_numpy() == year) & (village >= 0) & (star >= 0)
    # Each award straight into its cell, as `score_grid` does (a pivot, then a reindex by 46,000
    # codes, took half a second for a province); a star without an award row is not held.
    grid = np.zeros((len(code_index(ds)), len(catalog.STAR_IDS)), dtype=bool)
    awarded = awards["awarded"].to_numpy(dtype=bool, na_value=False)
    grid[village[chosen], star[chosen]] = awarded[chosen]
    return pd.DataFrame(grid, index=code_index(ds), columns=pd.Index(catalog.STAR_IDS, name="star"))


@remembered
def levels(ds: Dataset, year: int) -> pd.DataFrame:
    """Each village's level (number of stars held) in `year`, with its name, pinyin order."""
    grid = held_stars(ds, year)
    # The grid's rows are already in pinyin order of the names: name them, no sort needed.
    return pd.DataFrame(
        {
            "code": grid.index.to_numpy(),
            "level": grid.sum(axis=1).to_numpy(),
            "village": names(ds).reindex(grid.index).to_numpy(),
        }
    )


@remembered
def award_cells(ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Per award row, its village's row and its star's column in `held_stars` (-1 if none)."""
    awards = ds.awards
    return (
        positions(awards["code"], code_index(ds)),
        positions(awards["star"], pd.Index(catalog.STAR_IDS)),
    )


@remembered
def level_distribution(ds: Dataset, year: int) -> pd.DataFrame:
    """How many villages hold 0–5 stars in `year` (every level listed, zeros included)."""
    counts = levels(ds, year)["level"].value_counts()
    return pd.DataFrame(
        {
            "level": range(6),
            "label": catalog.LEVEL_LABELS,
            "villages": [int(counts.get(level, 0)) for level in range(6)],
        }
    )


@remembered
def stars_held_count(ds: Dataset, year: int) -> pd.DataFrame:
    """Per star, how many villages hold it in `year` (fixed star order)."""
    grid = held_stars(ds, year)
    return pd.DataFrame(
        {
            "star": list(catalog.STAR_IDS),
            "label": [s.label for s in catalog.STARS],
            "villages": [int(grid[s].sum()) for s in catalog.STAR_IDS],
        }
    )


@remembered
def score_grid(ds: Dataset, period: str) -> pd.DataFrame:
    """Village code × star scores in quarter `period`: every village in pinyin order, NaN where
    a score is missing (the one pivot of a quarter's scores that other answers start from)."""
    scores = ds.scores
    chosen = (scores["period"] == period).to_numpy() & scores["score"].notna().to_numpy()
    # Each score put straight into its cell (a pivot took a third of a second per quarter for a
    # province); a quarter holds one score per village and star, and one not in the roster or
    # catalogue has no cell.
    rows, columns = score_cells(ds)
    rows, columns = rows[chosen], columns[chosen]
    kept = (rows >= 0) & (columns >= 0)
    codes, stars = code_index(ds), pd.Index(catalog.STAR_IDS, name="star")
    cells = np.full((len(codes), len(stars)), np.nan)
    cells[rows[kept], columns[kept]] = scores["score"].to_numpy(dtype=float)[chosen][kept]
    return pd.DataFrame(cells, index=codes, columns=stars)


@remembered
def score_cells(ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Per score row, its village's row and its star's column in `score_grid` (-1 if none)."""
    scores = ds.scores
    return (
        positions(scores["code"], code_index(ds)),
        positions(scores["star"], pd.Index(catalog.STAR_IDS)),
    )


def id_lists(flags: np.ndarray, ids: list[str] | tuple[str, ...]) -> list[list[str]]:
    """Per row of a village × star boolean array, the ids of the stars flagged (in `ids` order).

    Five stars make at most 32 distinct rows, so each row's list is looked up, not built: one
    list per row took half a second for a province. Rows with the same stars share one list.
    """
    if not len(flags):
        return []
    patterns = flags.astype(np.int64) @ (1 << np.arange(flags.shape[1], dtype=np.int64))
    spelled = {
        int(p): [i for bit, i in enumerate(ids) if int(p) >> bit & 1] for p in np.unique(patterns)
    }
    return [spelled[p] for p in patterns.tolist()]


@remembered
def score_matrix(ds: Dataset, period: str) -> pd.DataFrame:
    """Village × star scores in quarter `period`: rows are village names in pinyin order, NaN
    where a score is missing."""
    grid = score_grid(ds, period)
    grid.index = names(ds).reindex(grid.index).to_numpy()
    grid.index.name = "village"
    return grid


@remembered
def passing(ds: Dataset, period: str, pass_mark: float) -> pd.DataFrame:
    """Village × star booleans: score ≥ pass mark in `period` (False where missing)."""
    return score_grid(ds, period).ge(pass_mark)


def score_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """`score_matrix` as a Chinese table: 村名 then one column per star (分)."""
    table = matrix.rename(columns={s.id: f"{s.label}（分）" for s in catalog.STARS})
    return table.rename_axis("村名").reset_index()
