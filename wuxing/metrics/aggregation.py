"""How an indicator adds up: over villages (sum, or a household-weighted mean for rates) and
over time by its period kind (flow: the year sums its quarters; ytd and stock: the last quarter)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wuxing import catalog, periods
from wuxing.dataset import Dataset
from wuxing.memo import remembered


@dataclass(frozen=True)
class Total:
    """An area total of one indicator in one period, with how many villages reported."""

    indicator: str
    period: str
    value: float | None
    reporting: int
    villages: int

    @property
    def is_complete(self) -> bool:
        """Every village in view reported."""
        return self.reporting == self.villages


@dataclass(frozen=True)
class Compared:
    """A figure against an earlier one; subclasses add what the two periods are."""

    value: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        """Absolute change, None when either side is missing."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_pct(self) -> float | None:
        """Relative change in %, None when undefined (missing, or from zero)."""
        if self.change is None or not self.previous:
            return None
        return self.change / abs(self.previous) * 100


@remembered
def indicator_values(ds: Dataset, indicator: str) -> pd.DataFrame:
    """Rows (code, period, value) of one indicator; missing values are absent, never zero."""
    frame = ds.values[ds.values["indicator"] == indicator]
    return frame[["code", "period", "value"]].dropna(subset=["value"]).reset_index(drop=True)


def combine(values: pd.Series, weights: pd.Series | None, indicator: str) -> float | None:
    """Combine village values into one: sum for counts, weighted mean for rates; None if none."""
    values = values.dropna()
    if values.empty:
        return None
    if not catalog.indicator(indicator).is_rate:
        return float(values.sum())
    if weights is None:
        return float(values.mean())
    w = weights.reindex(values.index).fillna(0)
    if w.sum() <= 0:
        return float(values.mean())
    return float(np.average(values, weights=w))


@remembered
def area_total(ds: Dataset, indicator: str, period: str) -> Total:
    """The area total of `indicator` in quarter `period` over the dataset's villages."""
    rows = indicator_values(ds, indicator)
    rows = rows[rows["period"] == period].set_index("code")["value"]
    weights = ds.villages.set_index("code")["households"].astype(float)
    return Total(indicator, period, combine(rows, weights, indicator), len(rows), len(ds.villages))


@remembered
def year_values(ds: Dataset, indicator: str, year: int) -> pd.Series:
    """Each village's figure for a year: flow sums its quarters; ytd and stock take the last one."""
    rows = indicator_values(ds, indicator)
    rows = rows[rows["period"].str.startswith(str(year))]
    if rows.empty:
        return pd.Series(dtype=float, name="value")
    if catalog.indicator(indicator).kind == "flow":
        return rows.groupby("code")["value"].sum()
    return rows.sort_values("period").groupby("code")["value"].last()


@remembered
def through_values(ds: Dataset, indicator: str, last: str) -> pd.Series:
    """Each village's figure from the first quarter on record through `last` (campaign to date)."""
    rows = indicator_values(ds, indicator)
    rows = rows[rows["period"] <= last]
    if rows.empty:
        return pd.Series(dtype=float, name="value")
    if catalog.indicator(indicator).kind == "flow":
        return rows.groupby("code")["value"].sum()
    if catalog.indicator(indicator).kind == "ytd":
        # Each year's last cumulative figure, summed over the years.
        last_of_year = rows.assign(year=rows["period"].str[:4]).sort_values("period")
        return last_of_year.groupby(["code", "year"])["value"].last().groupby("code").sum()
    return rows.sort_values("period").groupby("code")["value"].last()


def comparison_period(indicator: str, period: str) -> tuple[str, str]:
    """The quarter a figure is compared with, and the word for it (环比, or 同比 for ytd in Q1)."""
    if catalog.indicator(indicator).kind == "ytd" and periods.quarter_of(period) == 1:
        # A year-to-date figure restarts every January: Q1 against Q4 would always "fall".
        return periods.shift(period, -4), "同比"
    return periods.previous(period), "环比"
