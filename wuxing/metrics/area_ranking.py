"""比武排名 above the township: the sub-areas of an area (the townships of a county, the counties
of a city) ranked by their villages' figure: the mean score of the villages scored, or an
indicator's area figure (a sum, or household-weighted for rates). Ranked as `ranking` ranks
villages: ties share a rank and keep pinyin order, the comparison quarter is the same.
"""

from __future__ import annotations

import pandas as pd

from wuxing import catalog
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics import areas, indicators, ranking

_COLUMNS = [
    "rank",
    "tied",
    "area",
    "label",
    "value",
    "previous",
    "change",
    "previous_rank",
    "rank_change",
    "reporting",
    "villages",
]


@remembered
def area_values(ds: Dataset, area: str, by: str, period: str) -> pd.DataFrame:
    """Per sub-area of `area` (one level down), the figure ranked in `period`: the mean over the
    villages scored for a score (the total: over villages with all five scored), and for an
    indicator its area figure (`areas.indicator_by_area`: a sum, or household-weighted for rates).

    Columns: area, label, value (NaN when no village has one), reporting, villages; pinyin order.
    """
    indicator = ranking.indicator_of(by)
    if indicator is not None:
        return areas.indicator_by_area(
            ds, area, indicator, period, indicators.QUARTER, indicators.TOTAL
        )
    owner = areas.sub_area_of(ds, area)
    scored = ranking.values(ds, by, period)
    # A lookup, not `isin`: isin over 46,000 string codes took over a second.
    owner_of = owner.reindex(scored.index)
    inside = owner_of.notna().to_numpy()
    grouped = scored[inside].groupby(owner_of[inside].to_numpy())
    counts = areas.village_counts(ds, area)
    return pd.DataFrame(
        {
            "area": counts["area"].to_numpy(),
            "label": areas.area_labels(counts["area"]),
            "value": grouped.mean().reindex(counts["area"]).to_numpy(dtype=float),
            "reporting": grouped.size().reindex(counts["area"]).fillna(0).to_numpy(dtype=int),
            "villages": counts["villages"].to_numpy(),
        }
    )


@remembered
def area_ranking(ds: Dataset, area: str, by: str, period: str) -> pd.DataFrame:
    """The sub-areas of `area` ranked by `area_values` in `period`, with their figure and rank
    in the comparison quarter (as `ranking` does for villages); ties in pinyin order, sub-areas
    without a figure last.

    Columns: rank, tied, area, label, value, previous, change, previous_rank, rank_change,
    reporting, villages.
    """
    before, _ = ranking.comparison(by, period)
    frame = area_values(ds, area, by, period)
    frame["previous"] = area_values(ds, area, by, before)["value"].to_numpy()  # same order
    frame["change"] = frame["value"] - frame["previous"]
    frame["rank"] = ranking.ranks(frame["value"], by)
    frame["previous_rank"] = ranking.ranks(frame["previous"], by)
    frame["rank_change"] = (frame["previous_rank"] - frame["rank"]).astype("Int64")
    frame["tied"] = (frame["rank"].notna() & frame["rank"].duplicated(keep=False)).astype(bool)
    # `area_values` lists sub-areas in pinyin order; a stable sort keeps it among ties.
    frame["_missing"] = frame["rank"].isna()
    frame = frame.sort_values(["_missing", "rank"], na_position="last", kind="stable")
    return frame[_COLUMNS].reset_index(drop=True)


def area_word(by: str) -> str:
    """How a sub-area's figure is made from its villages': 各村平均 for scores, 各村合计 for
    counts and amounts, 各村按户数加权平均 for rates."""
    indicator = ranking.indicator_of(by)
    if indicator is None:
        return "各村平均"
    return "各村按户数加权平均" if catalog.indicator(indicator).is_rate else "各村合计"


def area_ranking_table(ranked: pd.DataFrame, by: str, word: str, level: str) -> pd.DataFrame:
    """`area_ranking` as a Chinese table: 名次, the sub-area, its figure, the comparison, places
    moved and how many villages the figure covers."""
    u, how = ranking.unit(by), area_word(by)
    return pd.DataFrame(
        {
            "名次": ranking.places(ranked),
            level: ranked["label"].to_numpy(),
            f"{ranking.label(by)}{how}（{u}）": ranked["value"].to_numpy(),
            f"上期（{u}）": ranked["previous"].to_numpy(),
            f"{word}变化（{u}）": ranked["change"].to_numpy(),
            "名次变化（位）": ranked["rank_change"].to_numpy(),
            "有数据村数（个）": ranked["reporting"].to_numpy(),
            "村数（个）": ranked["villages"].to_numpy(),
        }
    )
