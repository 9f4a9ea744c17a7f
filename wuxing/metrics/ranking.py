"""比武排名 ("三比一争"): villages ranked by total score, by one star or by an indicator; the
biggest movers since the comparison quarter; the most improved over a longer stretch.

Ties share a rank (1, 1, 3: the usual competition ranking) and are listed in pinyin order.
The sub-areas of a county or above are ranked in `area_ranking`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wuxing import catalog, formatting, periods
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics.aggregation import comparison_period, indicator_values
from wuxing.metrics.villages import names, pinyin_key

TOTAL = "total"
INDICATOR_PREFIX = "ind:"
_COLUMNS = [
    "rank",
    "tied",
    "code",
    "village",
    "value",
    "previous",
    "change",
    "previous_rank",
    "rank_change",
]


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


def _by_code(codes: pd.Series, numbers: pd.Series) -> pd.Series:
    """code → value with plain string codes (the store's codes are categoricals)."""
    index = pd.Index(codes.astype(str).to_numpy(), name="code")
    return pd.Series(numbers.to_numpy(dtype=float), index=index, name="value")


@remembered
def quarter_scores(ds: Dataset, period: str) -> pd.DataFrame:
    """The scores given in one quarter: rows (code, star, score) with plain string codes and
    stars; one pass over all scores, shared by the total and the five stars."""
    rows = ds.scores.loc[ds.scores["period"] == period, ["code", "star", "score"]]
    return rows.dropna(subset=["score"]).astype({"code": str, "star": str})


@remembered
def values(ds: Dataset, by: str, period: str) -> pd.Series:
    """Each village's value in `period` (code → value; villages without one are absent).

    The total is the sum of the five star scores, only where all five are scored: a total over
    fewer stars would rank a village that skipped its weak star above one that reported it.
    """
    # One quarter is picked out before anything else: a province holds 1.8 M scores and 10 M
    # values, and turning their categorical codes into strings took seconds and a gigabyte.
    indicator = indicator_of(by)
    if indicator is not None:
        rows = indicator_values(ds, indicator)
        rows = rows[rows["period"] == period]
        return _by_code(rows["code"], rows["value"])
    scores = quarter_scores(ds, period)
    if by != TOTAL:
        scores = scores[scores["star"] == by]
        return _by_code(scores["code"], scores["score"])
    scores = scores[scores["star"].isin(catalog.STAR_IDS)]
    grouped = scores.groupby("code")["score"]
    total = grouped.sum().where(grouped.count() == len(catalog.STAR_IDS)).dropna()
    return _by_code(total.index.to_series(), total)


def comparison(by: str, period: str) -> tuple[str, str]:
    """The quarter a ranking is compared with and its word (环比; 同比 for ytd figures in Q1)."""
    indicator = indicator_of(by)
    if indicator is not None:
        return comparison_period(indicator, period)
    return periods.previous(period), "环比"


def ranks(series: pd.Series, by: str) -> pd.Series:
    """Competition ranks of `series` (ties share the better one: 1, 1, 3): 1 is the highest
    value, or the lowest where less is better."""
    return series.rank(method="min", ascending=lower_is_better(by)).astype("Int64")


def rank_of(scored: pd.Series, code: str, by: str) -> tuple[int | None, bool, int]:
    """One village's place among `scored` (as `values` returns them): rank (ties share the
    better one; None when it has no value), whether it is tied, and how many were ranked."""
    mine = scored.get(code)
    if mine is None or pd.isna(mine):
        return None, False, len(scored)
    better = scored < mine if lower_is_better(by) else scored > mine
    return int(better.sum()) + 1, bool((scored == mine).sum() > 1), len(scored)


@remembered
def village_ranks(ds: Dataset, by: str, period: str) -> pd.DataFrame:
    """`ranking` in roster order, not sorted: every column computed over whole columns at once
    (no per-village Python step), so a province's 46,000 villages take milliseconds."""
    before, _ = comparison(by, period)
    now, then = values(ds, by, period), values(ds, by, before)
    label_of = names(ds)
    codes = label_of.index
    rank = ranks(now, by).reindex(codes)
    previous_rank = ranks(then, by).reindex(codes)
    frame = pd.DataFrame(
        {
            "rank": rank.array,
            "tied": (rank.notna() & rank.duplicated(keep=False)).to_numpy(dtype=bool),
            "code": codes.to_numpy(),
            "village": label_of.to_numpy(),
            "value": now.reindex(codes).to_numpy(dtype=float),
            "previous": then.reindex(codes).to_numpy(dtype=float),
            "previous_rank": previous_rank.array,
        }
    )
    frame["change"] = frame["value"] - frame["previous"]
    frame["rank_change"] = (frame["previous_rank"] - frame["rank"]).astype("Int64")
    return frame[_COLUMNS]


@remembered
def ranking(ds: Dataset, by: str, period: str) -> pd.DataFrame:
    """Every village ranked in `period`, with its value and rank in the comparison quarter.

    Columns: rank (shared by ties; <NA> when not reported), tied, code, village, value, previous,
    change, previous_rank, rank_change (places gained; positive = moved up). Villages that did
    not report come last.
    """
    frame = village_ranks(ds, by, period)
    frame["_pinyin"] = frame["village"].map(pinyin_key)
    frame["_missing"] = frame["rank"].isna()
    frame = frame.sort_values(["_missing", "rank", "_pinyin"], na_position="last", kind="stable")
    return frame[_COLUMNS].reset_index(drop=True)


def improvement(frame: pd.DataFrame, by: str, column: str = "change") -> pd.Series:
    """A change turned into "better by": the change itself, negated where less is better."""
    sign = -1.0 if lower_is_better(by) else 1.0
    return frame[column] * sign


def _top_with_ties(
    key: np.ndarray, candidates: np.ndarray, village: pd.Series, n: int
) -> list[int]:
    """Positions of the first `n` candidates by `key` (descending), plus any tied with the n-th;
    ties in pinyin order of the village."""
    if len(candidates) > n:
        # The cut first, over the whole column; pinyin keys only for the few rows that stay.
        cutoff = np.sort(key[candidates])[-n]
        candidates = candidates[key[candidates] >= cutoff]
    # A plain sort of a handful of positions: on a frame this took ten pandas steps a call.
    return sorted(candidates.tolist(), key=lambda i: (-key[i], pinyin_key(village.iat[i])))


def _moving(ranked: pd.DataFrame, by: str, n: int) -> tuple[pd.DataFrame, list[int], list[int]]:
    """`ranked` with its improvement, and the positions of the risers and of the fallers."""
    better = improvement(ranked, by).to_numpy(dtype=float, na_value=np.nan)
    village = ranked["village"]
    # A change that rounds to zero as shown (-0.04 分 reads "0.0 分") moved neither way.
    shown = np.round(better, formatting.decimals(unit(by)))
    up = _top_with_ties(better, np.flatnonzero(shown > 0), village, n)
    down = _top_with_ties(-better, np.flatnonzero(shown < 0), village, n)
    return ranked.assign(improvement=better), up, down


def movers(ranked: pd.DataFrame, by: str, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `n` villages that improved most and the `n` that fell most since the comparison
    quarter (more when tied at the cut); only villages with both values, none that stood still
    (a change that rounds to zero in the unit shown, such as -0.04 分, is no move)."""
    frame, up, down = _moving(ranked, by, n)
    return frame.iloc[up].reset_index(drop=True), frame.iloc[down].reset_index(drop=True)


def movers_together(ranked: pd.DataFrame, by: str, n: int = 5) -> pd.DataFrame:
    """`movers` in one frame: the risers (best first) then the fallers (worst last)."""
    frame, up, down = _moving(ranked, by, n)
    return frame.iloc[up + down[::-1]].reset_index(drop=True)


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
    columns = [
        "code",
        "village",
        "start",
        "value",
        "change",
        "improvement",
        "rank",
        "start_rank",
        "rank_change",
    ]
    since = improved_since(ds, by, period)
    if since is None:
        return pd.DataFrame(columns=columns)
    now, then = values(ds, by, period), values(ds, by, since)
    both = now.index.intersection(then.index)
    if both.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {
            "code": both,
            "start": then.reindex(both).to_numpy(),
            "value": now.reindex(both).to_numpy(),
        }
    )
    frame["change"] = frame["value"] - frame["start"]
    frame["improvement"] = improvement(frame, by)
    frame = frame[frame["improvement"].round(formatting.decimals(unit(by))) > 0]  # no 0.0 gains
    # Names and ranks only for the villages that make the list, not for every village.
    frame = frame.loc[frame["improvement"].nlargest(n, keep="all").index]
    frame["village"] = frame["code"].map(names(ds))
    key = frame["improvement"].to_numpy(dtype=float)
    top = frame.iloc[_top_with_ties(key, np.arange(len(frame)), frame["village"], n)]
    top["rank"] = top["code"].map(ranks(now, by)).astype("Int64")
    top["start_rank"] = top["code"].map(ranks(then, by)).astype("Int64")
    top["rank_change"] = (top["start_rank"] - top["rank"]).astype("Int64")
    return top[columns].reset_index(drop=True)


def places(ranked: pd.DataFrame) -> list[str]:
    """The 名次 column of a ranking: `3`, `3（并列）` for a tie, `—` for no figure."""
    return [
        ("—" if pd.isna(r) else f"{int(r)}" + ("（并列）" if t else ""))
        for r, t in zip(ranked["rank"], ranked["tied"], strict=True)
    ]


def ranking_table(ranked: pd.DataFrame, by: str, word: str) -> pd.DataFrame:
    """`ranking` as a Chinese table: 名次 (并列 marked), 村名, value, comparison and places
    moved."""
    u = unit(by)
    return pd.DataFrame(
        {
            "名次": places(ranked),
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
