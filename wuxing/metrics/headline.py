"""The four headline indicators of the overview, with their change on the comparison quarter."""

from __future__ import annotations

from dataclasses import dataclass

from wuxing import catalog
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics.aggregation import Compared, area_total, comparison_period


@dataclass(frozen=True)
class Headline(Compared):
    """One headline figure: this quarter's area total against its comparison quarter."""

    indicator: str
    label: str
    unit: str
    period: str
    previous_period: str
    comparison: str  # 环比 or 同比
    reporting: int
    villages: int


@remembered
def headline(ds: Dataset, indicator: str, period: str) -> Headline:
    """The area total of one indicator in `period` and in its comparison quarter."""
    meta = catalog.indicator(indicator)
    other, word = comparison_period(indicator, period)
    now, before = area_total(ds, indicator, period), area_total(ds, indicator, other)
    return Headline(
        indicator=indicator,
        label=meta.label,
        unit=meta.unit,
        period=period,
        value=now.value,
        previous_period=other,
        previous=before.value,
        comparison=word,
        reporting=now.reporting,
        villages=now.villages,
    )


@remembered
def headlines(ds: Dataset, period: str) -> list[Headline]:
    """The overview's four headline figures in display order."""
    return [headline(ds, i, period) for i in catalog.HEADLINE_INDICATORS]
