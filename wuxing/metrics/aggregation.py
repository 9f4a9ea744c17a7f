"""How an indicator adds up: over villages (sum, or a household-weighted mean for rates) and
over time by its period kind (flow: the year sums its quarters; ytd and stock: the last quarter),
and how two periods are compared (`comparison_period`, `compare`): one rule for every page."""

from __future__ import annotations

from collections.abc import Callable
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
    """A figure against an earlier one, over the villages that reported both (see `compare`).

    `value` and `previous` are the totals of everyone who reported in each period; the change is
    taken between `matched_value` and `matched_previous`, the totals of the `matched` villages
    that reported in both, so a village that left a cell blank never reads as a fall.
    """

    value: float | None
    previous: float | None
    reporting: int
    previous_reporting: int
    villages: int
    matched: int
    matched_value: float | None
    matched_previous: float | None

    @property
    def change(self) -> float | None:
        """Change over the villages that reported both periods, None when there are none."""
        if self.matched_value is None or self.matched_previous is None:
            return None
        return self.matched_value - self.matched_previous

    @property
    def change_pct(self) -> float | None:
        """Relative change in %, None when undefined (missing, or from zero)."""
        if self.change is None or not self.matched_previous:
            return None
        return self.change / abs(self.matched_previous) * 100

    @property
    def like_for_like(self) -> bool:
        """The same villages reported in both periods, so the change is that of the totals."""
        return self.matched == self.reporting == self.previous_reporting

    def coverage(self, both: str = "两季度") -> str:
        """What the figure covers when not every village reported, said on the card itself:
        `10/13 个村已报，按两季度都填报的 10 个村比较`; empty when nothing is missing."""
        said = []
        if self.reporting < self.villages:
            said.append(f"{self.reporting:,}/{self.villages:,} 个村已报")
        if self.value is not None and self.previous_reporting and not self.like_for_like:
            said.append(
                f"按{both}都填报的 {self.matched:,} 个村比较"
                if self.matched
                else f"没有{both}都填报的村，不作比较"
            )
        return "，".join(said)


def compare(
    now: pd.Series, before: pd.Series, total: Callable[[pd.Series], float | None], villages: int
) -> Compared:
    """Two periods' village figures (code → value, reporters only) compared by the one rule:
    totals of each period as reported, the change over the villages that reported both.

    Args:
        total: adds village figures up (`combine`, or a per-household ratio).
        villages: how many villages are in view.
    """
    both = now.index.intersection(before.index)

    def added(series: pd.Series) -> float | None:
        return total(series) if len(series) else None

    return Compared(
        value=added(now),
        previous=added(before),
        reporting=len(now),
        previous_reporting=len(before),
        villages=villages,
        matched=len(both),
        matched_value=added(now.loc[both]),
        matched_previous=added(before.loc[both]),
    )


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
def quarter_values(ds: Dataset, indicator: str, period: str) -> pd.Series:
    """Each reporting village's figure in quarter `period` (code → value)."""
    rows = indicator_values(ds, indicator)
    return rows[rows["period"] == period].set_index("code")["value"]


@remembered
def household_weights(ds: Dataset) -> pd.Series:
    """Households by village code: the weights of a rate's area figure."""
    return ds.villages.set_index("code")["households"].astype(float)


@remembered
def area_total(ds: Dataset, indicator: str, period: str) -> Total:
    """The area total of `indicator` in quarter `period` over the dataset's villages."""
    rows = quarter_values(ds, indicator, period)
    total = combine(rows, household_weights(ds), indicator)
    return Total(indicator, period, total, len(rows), len(ds.villages))


@remembered
def quarter_added(ds: Dataset, indicator: str, period: str) -> tuple[float | None, int]:
    """本季度新增 of a year-to-date figure: its running total now less the one a quarter back in
    the same year (in Q1 the total itself), over the villages that reported both; with how many
    villages that is. (None, 0) for other kinds, rates, or when no village reported both."""
    meta = catalog.indicator(indicator)
    if meta.kind != "ytd" or meta.is_rate:
        return None, 0
    now = quarter_values(ds, indicator, period)
    if periods.quarter_of(period) == 1:
        return (float(now.sum()) if len(now) else None), len(now)
    before = quarter_values(ds, indicator, periods.previous(period))
    both = now.index.intersection(before.index)
    if both.empty:
        return None, 0
    return float(now.loc[both].sum() - before.loc[both].sum()), len(both)


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
    """The quarter a figure of `period` is compared with, and the word for it: the one rule every
    page, slide and the 通报 use.

    By period kind: a running total within the year (ytd) is compared with the same quarter of
    the previous year (同比), since against the quarter before it always "grows" and in Q1 always
    "falls" (its quarter's own amount is `quarter_added`, 本季度新增); a flow (the quarter's own
    amount) and a stock (the level at quarter end) with the quarter before (环比).
    """
    if catalog.indicator(indicator).kind == "ytd":
        return periods.shift(period, -4), "同比"
    return periods.previous(period), "环比"
