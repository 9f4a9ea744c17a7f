"""比武排名 ("三比一争"): villages ranked by total score, by one star or by an indicator; the
biggest movers since the comparison quarter; the most improved over a longer stretch.

Ties share a rank (1, 1, 3: the usual competition ranking) and are listed in pinyin order.
"""

from __future__ import annotations

import pandas as pd

from wuxing import catalog, periods
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics.aggregation import comparison_period, indicator_values
from wuxing.metrics.villages import names, pinyin_key

TOTAL = "total"
INDICATOR_PREFIX = "ind:"
_COLUMNS = ["rank", "tied", "code", "village", "value", "previous", "change", "previous_rank",
            "rank_change"]  # fmt: skip


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    # The store hands out codes, periods and ids as unordered categoricals (for memory at scale);
    # comparing quarters with <= and counting per village need plain strings.
    cats = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype(dict.fromkeys(cats, str)) if cats else frame


def options() -> list[str]:
    """What a ranking can be by: the total score, each star, each indicator (`ind:<id>`)."""
    return [TOTAL, *catalog.STAR_IDS, *(INDICATOR_PREFIX + i for i in catalog.INDICATOR_IDS)]


def indicator_of(by: str) -> str | None:
    """The indicator id of an indicator ranking, None for scores."""
    return by[len(INDICATOR_PREFIX) :] if by.startswith(INDICATOR_PREFIX) else None


def label(by: str) -> str:
    """Chinese name of what is ranked: 五星总分, a star, or an indicator."""
    if by == TOTAL:
        return "五星总分"
    indicator = indicator_of(by)
    if indicator is not None:
        return catalog.indicator(indicator).label
    return catalog.STAR_BY_ID[by].label + "得分"


def option_label(by: str) -> str:
    """Picker text, grouped: 评分 · … or 指标 · <star> · ….'"""
    indicator = indicator_of(by)
    if indicator is None:
        return f"评分 · {label(by)}"
    meta = catalog.indicator(indicator)
    return f"指标 · {catalog.STAR_BY_ID[meta.star].short} · {meta.display}"


def unit(by: str) -> str:
    """The unit of the ranked value."""
    indicator = indicator_of(by)
    return "分" if indicator is None else catalog.indicator(indicator).unit


def lower_is_better(by: str) -> bool:
    """True for indicators where less is better (cases, accidents)."""
    indicator = indicator_of(by)
    return indicator is not None and catalog.indicator(indicator).direction == "down"


def star_of(by: str) -> str | None:
    """The star a ranking belongs to (for its colour), None for the total."""
    indicator = indicator_of(by)
    if indicator is not None:
        return catalog.indicator(indicator).star
    return None if by == TOTAL else by


@remembered
def values(ds: Dataset, by: str, period: str) -> pd.Series:
    """Each village's value in `period` (code → value; villages without one are absent).

    The total is the sum of the five star scores, only where all five are scored: a total over
    fewer stars would rank a village that skipped its weak star above one that reported it.
    """
    indicator = indicator_of(by)
    if indicator is not None:
        rows = _plain(indicator_values(ds, indicator))
        return rows[rows["period"] == period].set_index("code")["value"].astype(float)
    scores = _plain(ds.scores)
    scores = scores[scores["period"] == period].dropna(subset=["score"])
    if by != TOTAL:
        return scores[scores["star"] == by].set_index("code")["score"].astype(float)
    scores = scores[scores["star"].isin(catalog.STAR_IDS)]
    grouped = scores.groupby("code")["score"]
    return grouped.sum().where(grouped.count() == len(catalog.STAR_IDS)).dropna().astype(float)


def comparison(by: str, period: str) -> tuple[str, str]:
    """The quarter a ranking is compared with and its word (环比; 同比 for ytd figures in Q1)."""
    indicator = indicator_of(by)
    if indicator is not None:
        return comparison_period(indicator, period)
    return periods.previous(period), "环比"


def _ranks(series: pd.Series, by: str) -> pd.Series:
    return series.rank(method="min", ascending=lower_is_better(by)).astype("Int64")


@remembered
def ranking(ds: Dataset, by: str, period: str) -> pd.DataFrame:
    """Every village ranked in `period`, with its value and rank in the comparison quarter.

    Columns: rank (shared by ties; <NA> when not reported), tied, code, village, value, previous,
    change, previous_rank, rank_change (places gained; positive = moved up). Villages that did
    not report come last.
    """
    before, _ = comparison(by, period)
    now, then = values(ds, by, period), values(ds, by, before)
    label_of = names(ds)
    frame = pd.DataFrame({"code": list(label_of.index)})
    frame["village"] = frame["code"].map(label_of)
    frame["value"] = frame["code"].map(now).astype(float)
    frame["previous"] = frame["code"].map(then).astype(float)
    frame["change"] = frame["value"] - frame["previous"]
    ranks, previous_ranks = _ranks(now, by), _ranks(then, by)
    frame["rank"] = frame["code"].map(ranks).astype("Int64")
    frame["previous_rank"] = frame["code"].map(previous_ranks).astype("Int64")
    frame["rank_change"] = (frame["previous_rank"] - frame["rank"]).astype("Int64")
    frame["tied"] = frame["rank"].notna() & frame["rank"].duplicated(keep=False)
    frame["tied"] = frame["tied"].fillna(False).astype(bool)
    frame["_pinyin"] = frame["village"].map(pinyin_key)
    frame["_missing"] = frame["rank"].isna()
    frame = frame.sort_values(["_missing", "rank", "_pinyin"], na_position="last", kind="stable")
    return frame[_COLUMNS].reset_index(drop=True)


def improvement(frame: pd.DataFrame, by: str, column: str = "change") -> pd.Series:
    """A change turned into "better by": the change itself, negated where less is better."""
    sign = -1.0 if lower_is_better(by) else 1.0
    return frame[column] * sign


def _top_with_ties(frame: pd.DataFrame, key: str, n: int) -> pd.DataFrame:
    """The first `n` rows by `key` (descending), plus any row tied with the n-th."""
    frame = frame.sort_values([key, "_pinyin"], ascending=[False, True], kind="stable")
    if len(frame) <= n:
        return frame
    cutoff = frame[key].iloc[n - 1]
    return frame[frame[key] >= cutoff]


def movers(ranked: pd.DataFrame, by: str, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `n` villages that improved most and the `n` that fell most since the comparison
    quarter (more when tied at the cut); only villages with both values, none that stood still."""
    frame = ranked.dropna(subset=["change"]).copy()
    frame["improvement"] = improvement(frame, by)
    frame["_pinyin"] = frame["village"].map(pinyin_key)
    up = _top_with_ties(frame[frame["improvement"] > 0], "improvement", n)
    down_rows = frame[frame["improvement"] < 0].assign(_fall=lambda f: -f["improvement"])
    down = _top_with_ties(down_rows, "_fall", n)
    return (up.drop(columns=["_pinyin"]).reset_index(drop=True),
            down.drop(columns=["_pinyin", "_fall"]).reset_index(drop=True))  # fmt: skip


def movers_together(ranked: pd.DataFrame, by: str, n: int = 5) -> pd.DataFrame:
    """`movers` in one frame: the risers (best first) then the fallers (worst last)."""
    up, down = movers(ranked, by, n)
    if down.empty:
        return up
    if up.empty:
        return down.iloc[::-1].reset_index(drop=True)
    return pd.concat([up, down.iloc[::-1]], ignore_index=True)


@remembered
def improved_since(ds: Dataset, by: str, period: str) -> str | None:
    """The quarter "most improved" counts from: four quarters back (the same quarter last year,
    which also suits year-to-date figures), or the first quarter on record if that is later."""
    known = [p for p in ds.periods() if p < period]
    if not known:
        return None
    return max(known[0], periods.shift(period, -4))


@remembered
def most_improved(ds: Dataset, by: str, period: str, n: int = 10) -> pd.DataFrame:
    """Villages by how much they improved since `improved_since` (ties kept at the cut).

    Columns: code, village, start, value, change, improvement, rank, start_rank, rank_change.
    """
    columns = ["code", "village", "start", "value", "change", "improvement", "rank", "start_rank",
               "rank_change"]  # fmt: skip
    since = improved_since(ds, by, period)
    if since is None:
        return pd.DataFrame(columns=columns)
    now, then = values(ds, by, period), values(ds, by, since)
    both = now.index.intersection(then.index)
    if both.empty:
        return pd.DataFrame(columns=columns)
    label_of = names(ds)
    frame = pd.DataFrame({"code": list(both)})
    frame["village"] = frame["code"].map(label_of)
    frame["start"], frame["value"] = frame["code"].map(then), frame["code"].map(now)
    frame["change"] = frame["value"] - frame["start"]
    frame["improvement"] = improvement(frame, by)
    frame["rank"] = frame["code"].map(_ranks(now, by)).astype("Int64")
    frame["start_rank"] = frame["code"].map(_ranks(then, by)).astype("Int64")
    frame["rank_change"] = (frame["start_rank"] - frame["rank"]).astype("Int64")
    frame["_pinyin"] = frame["village"].map(pinyin_key)
    top = _top_with_ties(frame[frame["improvement"] > 0], "improvement", n)
    return top[columns].reset_index(drop=True)


def ranking_table(ranked: pd.DataFrame, by: str, word: str) -> pd.DataFrame:
    """`ranking` as a Chinese table: 名次 (并列 marked), 村名, value, comparison and places moved."""
    u = unit(by)
    rank = [("—" if pd.isna(r) else f"{int(r)}" + ("（并列）" if t else ""))
            for r, t in zip(ranked["rank"], ranked["tied"], strict=True)]  # fmt: skip
    return pd.DataFrame(
        {
            "名次": rank,
            "村名": ranked["village"],
            f"{label(by)}（{u}）": ranked["value"],
            f"上期（{u}）": ranked["previous"],
            f"{word}变化（{u}）": ranked["change"],
            "名次变化（位）": ranked["rank_change"],
        }
    )


def improved_table(frame: pd.DataFrame, by: str, since: str, period: str) -> pd.DataFrame:
    """`most_improved` as a Chinese table."""
    u = unit(by)
    return pd.DataFrame(
        {
            "村名": frame["village"],
            f"{periods.short_label(since)}（{u}）": frame["start"],
            f"{periods.short_label(period)}（{u}）": frame["value"],
            f"变化（{u}）": frame["change"],
            "名次变化（位）": frame["rank_change"],
        }
    )
