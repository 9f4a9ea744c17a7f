"""指标分析: any catalog indicator by village, over time (quarters or years, added up by period
kind), per household or per person, in its bands, and the area total with its change."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wuxing import catalog, formatting, periods
from wuxing.dataset import Dataset, plain_strings
from wuxing.memo import remembered
from wuxing.metrics.aggregation import (
    Compared,
    combine,
    compare,
    comparison_period,
    indicator_values,
)
from wuxing.metrics.villages import with_names

ALL_STARS = "all"
QUARTER, YEAR = "quarter", "year"
GRAINS = {QUARTER: "按季度", YEAR: "按年度"}
TOTAL, PER_HOUSEHOLD, PER_CAPITA = "total", "per_household", "per_capita"
BASIS_LABELS = {TOTAL: "总量", PER_HOUSEHOLD: "每户", PER_CAPITA: "每人"}
MISSING_BAND = "缺报"


@dataclass(frozen=True)
class Basis:
    """How a value is shown: as reported, or divided by households / population (with a factor
    so the unit stays readable: 万元 per household becomes 元/户)."""

    id: str
    unit: str
    factor: float
    divisor: str | None  # villages column to divide by, None for the total
    word: str = ""  # added to the indicator's label: 户均, 占总户数, 每千人 …

    def name(self, indicator: str) -> str:
        """The indicator's label on this basis: 村集体经济收入户均."""
        return catalog.indicator(indicator).label + self.word


@dataclass(frozen=True)
class Change(Compared):
    """The area total in a period against the period before, with how many villages reported."""

    key: str
    label: str
    previous_key: str
    previous_label: str


def options(star: str = ALL_STARS) -> list[str]:
    """Indicator ids grouped by star in the fixed star order (one star's only, if given)."""
    stars = catalog.STAR_IDS if star == ALL_STARS else (star,)
    return [i.id for s in stars for i in catalog.indicators_of(s)]


def option_label(indicator: str) -> str:
    """What a picker shows: `产业兴旺 · 村集体经济收入（万元）` (typing any part finds it)."""
    meta = catalog.indicator(indicator)
    return f"{catalog.STAR_BY_ID[meta.star].short} · {meta.display}"


def bases(indicator: str) -> list[str]:
    """The bases that make sense for an indicator: always the total, per household / per person
    only where the catalog says so (never for rates)."""
    meta = catalog.indicator(indicator)
    found = [TOTAL]
    if meta.per_household and not meta.is_rate:
        found.append(PER_HOUSEHOLD)
        if meta.unit != "户":  # households per person means nothing
            found.append(PER_CAPITA)
    return found


def basis(indicator: str, basis_id: str) -> Basis:
    """The unit and factor of an indicator on a basis."""
    unit = catalog.indicator(indicator).unit
    if basis_id == PER_HOUSEHOLD:
        if unit == "万元":
            return Basis(basis_id, "元/户", 10_000.0, "households", "户均")
        if unit == "户":
            return Basis(basis_id, "%", 100.0, "households", "占总户数")
        return Basis(basis_id, f"{unit}/百户", 100.0, "households", "每百户")
    if basis_id == PER_CAPITA:
        if unit == "万元":
            return Basis(basis_id, "元/人", 10_000.0, "population", "人均")
        if unit == "人":
            return Basis(basis_id, "%", 100.0, "population", "占总人口")
        return Basis(basis_id, f"{unit}/千人", 1_000.0, "population", "每千人")
    return Basis(TOTAL, unit, 1.0, None)


def period_label(key: str, grain: str, last: str | None = None, *, compact: bool = True) -> str:
    """`2023Q1` → `2023年Q1` on an axis, `2023年第一季度` in a title (`compact=False`); a year
    `2023` → `2023年`, or `2023年（至Q2）` when cut short."""
    if grain == QUARTER:
        return periods.short_label(key) if compact else periods.label(key)
    if last is not None and key == last[:4] and periods.quarter_of(last) < 4:
        return f"{key}年（至Q{periods.quarter_of(last)}）"
    return f"{key}年"


@remembered
def village_series(ds: Dataset, indicator: str, grain: str, last: str) -> pd.DataFrame:
    """Rows (code, key, value) per village and period through quarter `last`: quarters as
    reported, or years added up by period kind (flow sums its quarters; ytd and stock take the
    last quarter). Missing values are absent, never zero."""
    rows = plain_strings(indicator_values(ds, indicator))
    rows = rows[rows["period"] <= last]
    if grain == QUARTER:
        return rows.rename(columns={"period": "key"})[["code", "key", "value"]]
    rows = rows.assign(key=rows["period"].str[:4]).sort_values("period", kind="stable")
    grouped = rows.groupby(["code", "key"])["value"]
    kind = catalog.indicator(indicator).kind
    frame = grouped.sum() if kind == "flow" else grouped.last()
    return frame.reset_index()[["code", "key", "value"]]


def _divide(frame: pd.DataFrame, ds: Dataset, b: Basis) -> pd.DataFrame:
    if b.divisor is None:
        return frame
    divisor = ds.villages.set_index("code")[b.divisor].astype(float)
    per = frame["code"].map(divisor)
    value = frame["value"] / per.where(per > 0) * b.factor
    return frame.assign(value=value.astype(float))


def band_labels(indicator: str) -> list[str]:
    """The catalog's bands as labels: edges (5, 10, 20) → `<5`, `5–10`, `10–20`, `≥20`."""
    edges = catalog.indicator(indicator).bands
    if not edges:
        return []
    labels = [f"<{edges[0]:g}"]
    labels += [f"{a:g}–{b:g}" for a, b in zip(edges, edges[1:], strict=False)]
    return [*labels, f"≥{edges[-1]:g}"]


def band_of(indicator: str, value: float | None) -> str:
    """The band label of a value ('' without bands, MISSING_BAND when missing)."""
    labels = band_labels(indicator)
    if not labels:
        return ""
    if value is None or formatting.is_missing(value):
        return MISSING_BAND
    edges = catalog.indicator(indicator).bands
    return labels[int(np.searchsorted(edges, float(value), side="right"))]


@remembered
def by_village(
    ds: Dataset, indicator: str, period: str, grain: str = QUARTER, basis_id: str = TOTAL
) -> pd.DataFrame:
    """Every village's value in `period` (or its year through `period`), largest first (smallest
    first for a lower-is-better indicator); villages that did not report come last with NaN.

    Columns: code, village, value, band (bands only on the total basis).
    """
    key = period if grain == QUARTER else period[:4]
    series = village_series(ds, indicator, grain, period)
    series = _divide(series[series["key"] == key], ds, basis(indicator, basis_id))
    frame = with_names(ds.villages[["code"]], ds)
    frame["value"] = frame["code"].map(series.set_index("code")["value"]).astype(float)
    down = catalog.indicator(indicator).direction == "down"
    frame = frame.sort_values("value", ascending=down, na_position="last", kind="stable")
    on_total = basis_id == TOTAL
    frame["band"] = [band_of(indicator, v) if on_total else "" for v in frame["value"]]
    return frame[["code", "village", "value", "band"]].reset_index(drop=True)


@remembered
def over_time(
    ds: Dataset, indicator: str, last: str, grain: str = QUARTER, basis_id: str = TOTAL
) -> pd.DataFrame:
    """Rows (code, village, key, label, value) per village and period through `last`."""
    series = _divide(village_series(ds, indicator, grain, last), ds, basis(indicator, basis_id))
    series = series.dropna(subset=["value"]).sort_values("key", kind="stable")
    series["label"] = [period_label(k, grain, last) for k in series["key"]]
    frame = with_names(series, ds)
    return frame[["code", "village", "key", "label", "value"]].reset_index(drop=True)


def _total(ds: Dataset, indicator: str, values: pd.Series, b: Basis) -> float | None:
    villages = ds.villages.set_index("code")
    if b.divisor is None:
        return combine(values, villages["households"].astype(float), indicator)
    # Per household for the area: the sum over the villages that reported, over their
    # households; villages without a household count are left out of both sides.
    divisor = villages[b.divisor].astype(float).reindex(values.index)
    known = divisor.notna() & (divisor > 0)
    if not known.any():
        return None
    return float(values[known].sum() / divisor[known].sum() * b.factor)


@remembered
def totals(
    ds: Dataset, indicator: str, last: str, grain: str = QUARTER, basis_id: str = TOTAL
) -> pd.DataFrame:
    """The area total per period through `last`: rows (key, label, value, reporting, villages)."""
    series = village_series(ds, indicator, grain, last)
    b = basis(indicator, basis_id)
    rows = []
    for key, values in series.groupby("key", sort=True):
        rows.append(
            {
                "key": key,
                "label": period_label(key, grain, last),
                "value": _total(ds, indicator, values.set_index("code")["value"], b),
                "reporting": len(values),
                "villages": len(ds.villages),
            }
        )
    return pd.DataFrame(rows, columns=["key", "label", "value", "reporting", "villages"])


@remembered
def total_change(
    ds: Dataset, indicator: str, period: str, grain: str = QUARTER, basis_id: str = TOTAL
) -> Change:
    """The area total in `period` (or its year through `period`) against the period it is
    compared with: the quarter by `aggregation.comparison_period` (the same quarter a year back
    for a ytd figure, else the quarter before), or the year before through the same quarter. The
    change is over the villages that reported both (`aggregation.compare`)."""
    b = basis(indicator, basis_id)
    if grain == QUARTER:
        before, _ = comparison_period(indicator, period)
        key, before_key, before_last = period, before, before
    else:
        key, before_key = period[:4], str(periods.year_of(period) - 1)
        before_last = periods.shift(period, -4)

    def at(k: str, last: str) -> pd.Series:
        series = village_series(ds, indicator, grain, last)
        return series[series["key"] == k].set_index("code")["value"]

    compared = compare(
        at(key, period),
        at(before_key, before_last),
        lambda values: _total(ds, indicator, values, b),
        len(ds.villages),
    )
    return Change(
        **dataclasses.asdict(compared),
        key=key,
        label=period_label(key, grain, period, compact=False),
        previous_key=before_key,
        previous_label=period_label(before_key, grain, before_last, compact=False),
    )


def village_table(frame: pd.DataFrame, name: str, unit: str) -> pd.DataFrame:
    """`by_village` as a Chinese table (missing values stay empty, not zero)."""
    table = pd.DataFrame(
        {
            "村名": frame["village"],
            f"{name}（{unit}）": frame["value"].round(formatting.decimals(unit) + 1),
        }
    )
    if frame["band"].astype(bool).any():
        table["分档（万元）" if unit == "万元" else f"分档（{unit}）"] = frame["band"]
    return table


def time_table(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    """`over_time` as a Chinese wide table: one row per village, one column per period."""
    if frame.empty:
        return pd.DataFrame(columns=["村名"])
    order = list(dict.fromkeys(frame["label"]))
    wide = frame.pivot_table(index="village", columns="label", values="value", aggfunc="last")
    # `over_time` lists villages in pinyin order; keep it.
    wide = wide.reindex(index=list(dict.fromkeys(frame["village"])), columns=order)
    wide = wide.rename(columns=lambda c: f"{c}（{unit}）")
    return wide.rename_axis("村名").reset_index().rename_axis(None, axis=1)


def total_word(indicator: str, basis_id: str = TOTAL) -> str:
    """What the area figure is: a sum, or an average for rates and per-household figures."""
    if catalog.indicator(indicator).is_rate:
        return "平均（按户数加权）"
    # Per household for the area is its own ratio (all values over all households): no word.
    return "合计" if basis_id == TOTAL else ""


def totals_table(frame: pd.DataFrame, unit: str, word: str = "合计") -> pd.DataFrame:
    """`totals` as a Chinese table."""
    return pd.DataFrame(
        {
            "时期": frame["label"],
            f"{word or '全区'}（{unit}）": frame["value"],
            "已报村数（个）": frame["reporting"],
            "村数（个）": frame["villages"],
        }
    )
