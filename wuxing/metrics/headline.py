"""The four headline indicators of the overview, with their change on the comparison quarter."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from wuxing import catalog, formatting
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics.aggregation import (
    Compared,
    combine,
    compare,
    comparison_period,
    household_weights,
    quarter_added,
    quarter_values,
)


@dataclass(frozen=True)
class Headline(Compared):
    """One headline figure: this quarter's area total against its comparison quarter."""

    indicator: str
    label: str
    unit: str
    period: str
    previous_period: str
    comparison: str  # 环比 or 同比
    #: 本季度新增 of a year-to-date figure (None for other kinds), over `added_villages` villages.
    added: float | None = None
    added_villages: int = 0

    def added_note(self) -> str:
        """`本季度新增 85.8 万元` for a year-to-date figure (naming the villages it is over when
        some reported only one of the two quarters); empty otherwise."""
        if self.added is None:
            return ""
        note = f"本季度新增 {formatting.quantity(self.added, self.unit)}"
        if self.added_villages < self.reporting:
            note += f"（按两季度都填报的 {self.added_villages:,} 个村）"
        return note


@remembered
def headline(ds: Dataset, indicator: str, period: str) -> Headline:
    """The area total of one indicator in `period` against its comparison quarter (the change
    over the villages that reported both; see `aggregation.compare`)."""
    meta = catalog.indicator(indicator)
    other, word = comparison_period(indicator, period)
    weights = household_weights(ds)
    compared = compare(
        quarter_values(ds, indicator, period),
        quarter_values(ds, indicator, other),
        lambda values: combine(values, weights, indicator),
        len(ds.villages),
    )
    added, added_villages = quarter_added(ds, indicator, period)
    return Headline(
        **dataclasses.asdict(compared),
        indicator=indicator,
        label=meta.label,
        unit=meta.unit,
        period=period,
        previous_period=other,
        comparison=word,
        added=added,
        added_villages=added_villages,
    )


@remembered
def headlines(ds: Dataset, period: str) -> list[Headline]:
    """The overview's four headline figures in display order."""
    return [headline(ds, i, period) for i in catalog.HEADLINE_INDICATORS]
