"""The shipped sample: 马庄桥镇's 13 villages, 2022Q1–2023Q4, generated from a fixed seed.

Four villages are named in the source article; the other nine are placeholders (甲村 … 壬村),
since no other real names are known. The generator is tuned so the store agrees with every
figure the article publishes (see `ARTICLE_FIGURES`); a test checks them through `metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wuxing import catalog, periods
from wuxing.dataset import Dataset, generated_code
from wuxing.reading.template import write_workbook
from wuxing.storage.store import SAMPLE_USER, Store

SEED = 20230515
CITY, COUNTY, TOWN = "濮阳市", "清丰县", "马庄桥镇"
NAMED_VILLAGES = ("赵家村", "南永固村", "永固集村", "金魏旧寨村")
PLACEHOLDER_VILLAGES = ("甲村", "乙村", "丙村", "丁村", "戊村", "己村", "庚村", "辛村", "壬村")
VILLAGES = NAMED_VILLAGES + PLACEHOLDER_VILLAGES
FIRST_QUARTER, LAST_QUARTER = "2022Q1", "2023Q4"
FILENAME = "马庄桥镇示例数据.xlsx"

#: What the article states, in the form the sample test checks (through metrics, not these).
_FIVE_STAR_TARGETS_2023 = ("赵家村", "永固集村", "金魏旧寨村")
ARTICLE_FIGURES = {
    "villages": 13,
    "income_2022_min": 10.0,  # 万元: all 13 villages
    "income_2022_over_20": 5,  # villages ≥ 20万元, 赵家村 and 南永固村 among them
    "toilet_upgrades_2023Q1": 1430,  # 户, township cumulative
    "volunteers_2023Q1": 568,  # 人
    "volunteer_activities_through_2023Q1": 642,  # 次 since the campaign began
    "mushroom_output_2022": 6000,  # 吨 a year, "about"
    "five_star_targets_2023": _FIVE_STAR_TARGETS_2023,
}
# The five villages over 20万元 in 2022 (the article names the first two).
_RICH = ("赵家村", "南永固村", "永固集村", "金魏旧寨村", "甲村")
_MUSHROOM_SHARE = {"赵家村": 0.62, "南永固村": 0.14, "甲村": 0.12, "乙村": 0.07, "丙村": 0.05}
_PAIRS = (  # mentor, mentee, since
    ("赵家村", "乙村", "2022Q3"),
    ("永固集村", "丙村", "2022Q3"),
    ("南永固村", "丁村", "2022Q3"),
    ("金魏旧寨村", "戊村", "2023Q1"),
)


def build() -> Dataset:
    """The sample dataset (pure: same seed, same data)."""
    rng = np.random.default_rng(SEED)
    villages = _villages(rng)
    quarters = periods.quarter_range(FIRST_QUARTER, LAST_QUARTER)
    codes = dict(zip(villages["name"], villages["code"], strict=True))
    values = _values(rng, villages, quarters)
    scores = _scores(rng, quarters)
    awards = _awards(scores)
    targets = _targets(awards)
    pairs = pd.DataFrame(
        [
            {"mentor": codes[m], "mentee": codes[e], "since": s, "until": "", "note": "导师帮带"}
            for m, e, s in _PAIRS
        ]
    )
    for frame in (scores, awards, targets):
        frame["code"] = frame.pop("village").map(codes)
    return Dataset.of(
        villages=villages, values=values, scores=scores, awards=awards, targets=targets, pairs=pairs
    )


def _villages(rng: np.random.Generator) -> pd.DataFrame:
    households = rng.integers(260, 720, size=len(VILLAGES))
    households[0] = 760  # 赵家村 is three natural villages
    rows = []
    for name, hh in zip(VILLAGES, households, strict=True):
        rows.append(
            {
                "code": generated_code(CITY, COUNTY, TOWN, name),
                "name": name,
                "town": TOWN,
                "county": COUNTY,
                "city": CITY,
                "households": float(hh),
                "population": float(round(hh * rng.uniform(3.4, 4.1))),
                "cluster": "食用菌产业片区" if name in _MUSHROOM_SHARE else "",
            }
        )
    return pd.DataFrame(rows)


def _scaled_integers(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to `weights` that add up to exactly `total`."""
    raw = weights / weights.sum() * total
    out = np.floor(raw).astype(int)
    remainder = total - out.sum()
    out[np.argsort(raw - out)[::-1][:remainder]] += 1
    return out


def _values(rng: np.random.Generator, villages: pd.DataFrame, quarters: list[str]) -> pd.DataFrame:
    n = len(villages)
    names = list(villages["name"])
    households = villages["households"].to_numpy()
    rows: list[dict[str, object]] = []

    def put(indicator: str, per_village: np.ndarray, quarter: str) -> None:
        for code, v in zip(villages["code"], per_village, strict=True):
            rows.append(
                {"code": code, "period": quarter, "indicator": indicator, "value": float(v)}
            )

    # Collective income (万元, cumulative within the year): 2022 totals fixed by the article.
    income_2022 = np.where(
        np.isin(names, _RICH), rng.uniform(20.5, 34.0, n), rng.uniform(10.6, 18.8, n)
    ).round(1)
    income_2022[names.index("永固集村")] = 33.6  # 永源种植合作社 alone brings 30万元
    growth = rng.uniform(1.03, 1.22, n)
    shares = np.array([0.18, 0.45, 0.72, 1.0])  # cumulative share of the year by quarter
    # Stocks grow through the quarters; 2023Q1 township totals are fixed by the article.
    toilets_2023q1 = _scaled_integers(households * rng.uniform(0.22, 0.36, n), 1430)
    volunteers_2023q1 = _scaled_integers(households * rng.uniform(0.08, 0.14, n), 568)
    greenhouses = np.array([_MUSHROOM_SHARE.get(v, 0.0) for v in names]) * 300
    mushroom_share = np.array([_MUSHROOM_SHARE.get(v, 0.0) for v in names])
    activity_weights = rng.uniform(0.7, 1.3, (5, n)) * np.array([0.6, 1.0, 1.1, 1.0, 1.2])[:, None]
    # Volunteer activities 2022Q1–2023Q1 add up to 642 across the township.
    activities_to_2023q1 = _scaled_integers(activity_weights.ravel(), 642).reshape(5, n)

    for qi, quarter in enumerate(quarters):
        year, q = periods.year_of(quarter), periods.quarter_of(quarter)
        steps_from_2023q1 = qi - 4
        factor = 1.0 if year == 2022 else growth
        put(catalog.COLLECTIVE_INCOME, (income_2022 * factor * shares[q - 1]).round(1), quarter)
        put("operating_income", (income_2022 * factor * shares[q - 1] * 0.55).round(1), quarter)
        put(
            catalog.TOILET_UPGRADES,
            np.maximum(
                0, toilets_2023q1 + steps_from_2023q1 * np.ceil(toilets_2023q1 * 0.06)
            ).astype(int),
            quarter,
        )
        put(
            catalog.VOLUNTEERS,
            np.maximum(
                0, volunteers_2023q1 + steps_from_2023q1 * np.ceil(volunteers_2023q1 * 0.05)
            ).astype(int),
            quarter,
        )
        if qi <= 4:
            activities = activities_to_2023q1[qi]
        else:
            activities = rng.integers(8, 16, n)
        put(catalog.VOLUNTEER_ACTIVITIES, activities, quarter)
        season = np.array([0.22, 0.26, 0.24, 0.28])[q - 1]
        put(
            catalog.MUSHROOM_OUTPUT,
            (6000 * season * mushroom_share * rng.uniform(0.97, 1.03, n)).round(0),
            quarter,
        )
        put("mushroom_greenhouses", np.round(greenhouses * min(1.0, 0.5 + 0.1 * qi)), quarter)
        put("party_meetings", rng.integers(6, 13, n), quarter)
        put(
            "household_link_rate",
            np.minimum(100, rng.uniform(78, 92, n) + qi * 1.2).round(1),
            quarter,
        )
        put(
            "mass_satisfaction",
            np.minimum(100, rng.uniform(86, 95, n) + qi * 0.4).round(1),
            quarter,
        )
        put("disputes_resolved", rng.integers(1, 8, n), quarter)
        put("dispute_resolution_rate", np.minimum(100, rng.uniform(90, 100, n)).round(1), quarter)
        put("petitions", rng.choice([0, 0, 0, 0, 1], n), quarter)
        put("criminal_cases", rng.choice([0, 0, 0, 0, 0, 1], n), quarter)
        put("law_outreach", rng.integers(2, 7, n), quarter)
        put("waste_cleared", (rng.uniform(300, 800, n)).round(0), quarter)
        put("trees_planted", rng.integers(60, 400, n), quarter)
        put("model_households", np.round(households * rng.uniform(0.08, 0.15, n)), quarter)
        put("env_issues_open", rng.integers(0, 6, n), quarter)
    frame = pd.DataFrame(rows)
    # 丁村 did not report waste cleared in its first quarter: a real gap, shown as missing.
    gap = (frame["indicator"] == "waste_cleared") & (frame["period"] == FIRST_QUARTER)
    return frame[~(gap & (frame["code"] == villages.loc[names.index("丁村"), "code"]))]


# Score level of each village, star by star (0 = far from the pass mark, 1 = around it, 2 = above).
_STRENGTH = {
    "赵家村": (2, 2, 2, 2, 2),
    "永固集村": (1, 2, 2, 2, 2),
    "金魏旧寨村": (1, 2, 1, 2, 2),
    "南永固村": (1, 2, 2, 1, 1),
    "甲村": (0, 2, 1, 1, 1),
    "乙村": (0, 1, 1, 1, 0),
    "丙村": (0, 1, 1, 0, 1),
    "丁村": (0, 0, 1, 1, 0),
    "戊村": (0, 1, 0, 1, 0),
    "己村": (0, 0, 1, 0, 1),
    "庚村": (0, 1, 0, 0, 1),
    "辛村": (0, 0, 0, 1, 0),
    "壬村": (0, 0, 0, 0, 0),
}
_BASE = {0: 72.0, 1: 80.0, 2: 88.0}


def _scores(rng: np.random.Generator, quarters: list[str]) -> pd.DataFrame:
    rows = []
    for village in VILLAGES:
        for si, star in enumerate(catalog.STAR_IDS):
            level = _STRENGTH[village][si]
            slope = rng.uniform(0.4, 1.6) if level < 2 else rng.uniform(0.0, 0.6)
            start = _BASE[level] + rng.uniform(-3, 3)
            for qi, quarter in enumerate(quarters):
                score = start + slope * qi + rng.normal(0, 1.2)
                rows.append(
                    {
                        "village": village,
                        "period": quarter,
                        "star": star,
                        "score": round(float(min(score, 103.0)), 1),
                    }
                )
    return pd.DataFrame(rows)


def _awards(scores: pd.DataFrame) -> pd.DataFrame:
    """Yearly awards follow the year's Q4 score; 支部过硬星 only with the other four."""
    rows = []
    for year in (2022, 2023):
        q4 = scores[scores["period"] == f"{year}Q4"].set_index(["village", "star"])["score"]
        for village in VILLAGES:
            held = {s: bool(q4[(village, s)] >= 85.0) for s in catalog.STAR_IDS if s != "branch"}
            held["branch"] = all(held.values()) and bool(q4[(village, "branch")] >= 85.0)
            for star in catalog.STAR_IDS:
                rows.append({"village": village, "year": year, "star": star, "awarded": held[star]})
    return pd.DataFrame(rows)


def _targets(awards: pd.DataFrame) -> pd.DataFrame:
    """2023 targets: five stars for the three villages the article names, one star more elsewhere"""
    held_2022 = awards[(awards["year"] == 2022) & awards["awarded"]].groupby("village")["star"]
    held = held_2022.apply(set).to_dict()
    rows = []
    for village in VILLAGES:
        current = held.get(village, set())
        if village in _FIVE_STAR_TARGETS_2023:
            aim = set(catalog.STAR_IDS)
        else:
            missing = [s for s in catalog.STAR_IDS[1:] if s not in current]
            aim = current | set(missing[:1])
        stars = ",".join(s for s in catalog.STAR_IDS if s in aim)
        rows.append({"village": village, "year": 2023, "level": len(aim), "stars": stars})
    return pd.DataFrame(rows)


def workbook_bytes() -> bytes:
    """The sample as a workbook in the upload format (what `data/` ships)."""
    return write_workbook(build())


def seed(store: Store) -> int:
    """Store the sample as one revision by the sample user; returns the revision id."""
    return store.commit(
        build(),
        content=workbook_bytes(),
        filename=FILENAME,
        user=SAMPLE_USER,
        summary={"note": "马庄桥镇示例数据（模拟数值）"},
    )


@dataclass(frozen=True)
class Removal:
    """What removing the sample did: the sample revisions rolled back, and the revision that
    keeps the villages real data refers to (None when no real data needed any)."""

    rolled_back: list[int]
    kept_revision: int | None
    kept_villages: int


def live_revisions(store: Store) -> list[int]:
    """The ids of the sample's revisions that still count."""
    return [r.id for r in store.history() if r.user == SAMPLE_USER and r.is_live]


def remove(store: Store, user: str) -> Removal:
    """Take the sample out of the store (a rollback of its revisions, undoable from 版本记录).

    Villages the sample defined but real uploads refer to (a 指标 sheet naming 南永固村 without
    a 村庄 sheet) would be left without a name: they are stored again first, by `user`, without
    the sample's simulated households, population and cluster.
    """
    ids = live_revisions(store)
    if not ids:
        return Removal([], None, 0)
    live_real = {r.id for r in store.history() if r.user != SAMPLE_USER and r.is_live}
    touches = store.touches()
    real = touches[touches["revision"].isin(live_real)]
    named = set(real.loc[real["kind"] == "villages", "code"])
    needed = set(real.loc[real["kind"] != "villages", "code"]) - named
    villages = store.load().villages
    keep = villages[villages["code"].isin(needed)].assign(
        households=np.nan, population=np.nan, cluster=None
    )
    kept = None
    if not keep.empty:
        kept = store.commit(
            Dataset.of(villages=keep),
            content=write_workbook(Dataset.of(villages=keep)),
            filename="去掉示例数据时保留的村庄.xlsx",
            user=user,
            summary={
                "note": f"去掉示例数据时保留真实数据用到的 {len(keep)} 个村（不含模拟的户数、人口）"
            },
        )
    for revision_id in ids:
        store.rollback(revision_id, user)
    return Removal(ids, kept, len(keep))
