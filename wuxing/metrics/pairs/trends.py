"""Two villages over time: both scores per star and quarter, and whether the gap closes."""

from __future__ import annotations

import pandas as pd

from wuxing import catalog, formatting, periods
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics.pairs.matchup import Matchup
from wuxing.metrics.pairs.scores import village_scores

#: A change of the gap smaller than this many points is noise, not a trend.
TREND_THRESHOLD = 1.0
CLOSING, WIDENING, STABLE = "缩小", "扩大", "稳定"
TREND_RULE = (
    f"差距 = 导师村（参照村）得分 − 帮带村（比较村）得分，正数表示帮带村落后。"
    f"与上一季度相比，差距减少 {TREND_THRESHOLD:g} 分及以上记为“{CLOSING}”，"
    f"增加 {TREND_THRESHOLD:g} 分及以上记为“{WIDENING}”，其余记为“{STABLE}”；"
    f"任一季度缺分时不作判断。"
)


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
    a, b = village_scores(ds, m.first), village_scores(ds, m.second)
    quarters = [p for p in sorted(set(a.index) | set(b.index)) if p <= last]
    if not quarters:
        return pd.DataFrame(
            columns=["star", "label", "period", "first", "second", "gap", "change", "trend"]
        )
    a, b = a.reindex(quarters), b.reindex(quarters)
    out = []
    for s in [star] if star else list(catalog.STAR_IDS):
        gap = a[s] - b[s]
        previous = gap.reindex([periods.previous(q) for q in quarters]).to_numpy()
        change = gap.to_numpy() - previous
        for q, fa, fb, g, c in zip(quarters, a[s], b[s], gap, change, strict=True):
            out.append(
                {
                    "star": s,
                    "label": catalog.STAR_BY_ID[s].label,
                    "period": q,
                    "first": fa,
                    "second": fb,
                    "gap": g,
                    "change": c,
                    "trend": trend_label(c),
                }
            )
    return pd.DataFrame(out)


def gap_table(history: pd.DataFrame, m: Matchup) -> pd.DataFrame:
    """`gap_history` as a Chinese table."""
    return pd.DataFrame(
        {
            "星": history["label"],
            "季度": history["period"].map(periods.label),
            m.first_label: [formatting.quantity(v, "分") for v in history["first"]],
            m.second_label: [formatting.quantity(v, "分") for v in history["second"]],
            "差距（分）": [formatting.number(v, "分") for v in history["gap"]],
            "较上季度（分）": [formatting.change(v, "分") for v in history["change"]],
            "趋势": history["trend"],
        }
    )
