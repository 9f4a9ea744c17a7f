"""Synthetic data at county or province scale, for scale tests and benchmarks.

Every place name carries 合成 (synthetic) and every code starts with 99 (no real province has it),
so synthetic data can never be mistaken for a real roster. Sizes follow Henan's: about 6 counties
per city, 23 towns per county and 19 villages per town; common village names repeat across towns,
as they do in real life (many 赵庄村), so name resolution is exercised too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wuxing import catalog, periods
from wuxing.dataset import Dataset

SEED = 46_000
VILLAGES_PER_TOWN = 19
TOWNS_PER_COUNTY = 23
COUNTIES_PER_CITY = 6
_SURNAMES = list(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕张孔曹严华金魏陶姜谢邹苏潘葛范彭鲁马方任袁柳史唐薛雷贺倪汤罗郝邬安常乐于傅齐康伍余顾孟黄穆萧尹姚邵汪祁毛狄米贝明臧计成戴宋庞熊纪舒屈项祝董梁杜阮蓝闵季贾路江童颜郭梅盛林钟徐邱骆高夏蔡田胡凌霍"
)
_SUFFIXES = [
    "家村",
    "庄村",
    "楼村",
    "寨村",
    "屯村",
    "营村",
    "集村",
    "店村",
    "岗村",
    "湾村",
    "堂村",
    "桥村",
]
_REPEAT_PREFIXES = list("前后东西南北新大小中上下")
_PLACE_WORDS = list("东西南北前后上下新旧大小高长清平安和丰乐兴永宁河山林湖泉岭川")


def _place_names(rng: np.random.Generator, count: int, suffix: str) -> list[str]:
    words = np.array(_PLACE_WORDS, dtype=object)
    two = (words[:, None] + words[None, :]).ravel()
    pool = two[rng.permutation(len(two))]
    if count > len(pool):  # a province needs more town names than two-word pairs give
        three = (two[:, None] + words[None, :]).ravel()
        pool = np.concatenate([pool, three[rng.permutation(len(three))]])
    return [name + suffix for name in pool[:count]]


def villages(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """`n` synthetic villages in a city → county → town hierarchy of realistic sizes."""
    towns = max(1, -(-n // VILLAGES_PER_TOWN))
    counties = max(1, -(-towns // TOWNS_PER_COUNTY))
    cities = max(1, -(-counties // COUNTIES_PER_CITY))
    city_names = [f"{c}（合成）" for c in _place_names(rng, cities, "市")]
    county_names = _place_names(rng, counties, "县")
    town_names = _place_names(rng, towns, "镇")
    town_of = np.arange(n) % towns
    county_of_town = np.arange(towns) % counties
    city_of_county = np.arange(counties) % cities
    village_names = rng.choice(_SURNAMES, n).astype(object) + rng.choice(_SUFFIXES, n).astype(
        object
    )
    frame = pd.DataFrame(
        {
            "code": [f"99{i:010d}" for i in range(n)],
            "name": village_names,
            "town": np.array(town_names, dtype=object)[town_of],
            "county": np.array(county_names, dtype=object)[county_of_town[town_of]],
            "city": np.array(city_names, dtype=object)[city_of_county[county_of_town[town_of]]],
            "households": rng.integers(180, 900, n).astype(float),
            "population": np.zeros(n),
            "cluster": "",
        }
    )
    frame["population"] = (frame["households"] * rng.uniform(3.2, 4.2, n)).round()
    # Two villages of one town never share a name: a repeat gets a 前/后/东/西… prefix, as real
    # rosters do (前赵庄村, 后赵庄村).
    repeat = frame.groupby(["town", "name"]).cumcount().to_numpy()
    prefixes = np.array(["", *_REPEAT_PREFIXES], dtype=object)
    frame["name"] = prefixes[np.minimum(repeat, len(_REPEAT_PREFIXES))] + frame["name"]
    frame["name"] = frame["name"].where(
        repeat <= len(_REPEAT_PREFIXES), frame["name"] + repeat.astype(str)
    )
    return frame


_SCALE = {"万元": 8.0, "吨": 30.0, "户": 40.0, "米": 400.0, "立方米": 120.0, "平方米": 900.0}


def _indicator_values(
    ind: catalog.Indicator, strength: np.ndarray, quarter: str, step: int, rng: np.random.Generator
) -> np.ndarray:
    n = len(strength)
    if ind.unit == "%":
        return np.minimum(100, rng.uniform(70, 98, n) + step * 0.3).round(1)
    if ind.direction == "down":
        return rng.poisson(0.4, n).astype(float)
    level = strength * _SCALE.get(ind.unit, 6.0) * rng.uniform(0.8, 1.2, n)
    if ind.kind == "ytd":
        level = level * periods.quarter_of(quarter) / 4  # cumulative within the year
    elif ind.kind == "stock":
        level = level * (1 + 0.04 * step)  # stocks grow slowly
    return level.round(1 if ind.unit == "万元" else 0)


def build(
    n_villages: int, n_quarters: int, last_quarter: str = "2023Q4", seed: int = SEED
) -> Dataset:
    """A synthetic dataset: all six kinds, `n_quarters` quarters ending at `last_quarter`."""
    rng = np.random.default_rng(seed)
    frame = villages(n_villages, rng)
    n = len(frame)
    codes = frame["code"].to_numpy()
    quarters = periods.quarter_range(periods.shift(last_quarter, 1 - n_quarters), last_quarter)
    strength = rng.uniform(0.3, 2.5, n)

    value_parts = []
    for q, quarter in enumerate(quarters):
        for ind in catalog.INDICATORS:
            values = _indicator_values(ind, strength, quarter, q, rng)
            value_parts.append(
                pd.DataFrame(
                    {"code": codes, "period": quarter, "indicator": ind.id, "value": values}
                )
            )
    values = pd.concat(value_parts, ignore_index=True)

    start = 68 + strength[:, None] * 8 + rng.normal(0, 3, (n, len(catalog.STAR_IDS)))
    slope = rng.uniform(-0.3, 1.5, (n, len(catalog.STAR_IDS)))
    score_parts = []
    for q, quarter in enumerate(quarters):
        scores = np.minimum(start + slope * q + rng.normal(0, 1.0, start.shape), 105).round(1)
        for s, star in enumerate(catalog.STAR_IDS):
            score_parts.append(
                pd.DataFrame(
                    {"code": codes, "period": quarter, "star": star, "score": scores[:, s]}
                )
            )
    scores = pd.concat(score_parts, ignore_index=True)

    years = sorted({periods.year_of(q) for q in quarters})
    award_parts = []
    for year in years:
        q4 = scores[scores["period"] == max(q for q in quarters if periods.year_of(q) == year)]
        held = q4.pivot(index="code", columns="star", values="score").reindex(codes) >= 85
        held["branch"] = held["branch"] & held[[s for s in catalog.STAR_IDS if s != "branch"]].all(
            axis=1
        )
        long = held.stack().rename("awarded").reset_index()
        award_parts.append(long.assign(year=year))
    awards = pd.concat(award_parts, ignore_index=True)

    last_year = years[-1]
    held_last = (
        awards[(awards["year"] == years[0]) & awards["awarded"]].groupby("code")["star"].apply(list)
    )
    target_rows = []
    for code in codes:
        current = held_last.get(code, [])
        aim = [
            s
            for s in catalog.STAR_IDS
            if s in current
            or s == next((x for x in catalog.STAR_IDS[1:] if x not in current), None)
        ]
        target_rows.append((code, last_year, len(aim), ",".join(aim)))
    targets = pd.DataFrame(target_rows, columns=["code", "year", "level", "stars"])

    # Within each town, the strongest village mentors the weakest.
    ranked = frame.assign(strength=strength).sort_values(["town", "strength"])
    by_town = ranked.groupby("town")["code"]
    pairs = pd.DataFrame({"mentor": by_town.last(), "mentee": by_town.first()}).reset_index(
        drop=True
    )
    pairs = pairs[pairs["mentor"] != pairs["mentee"]].assign(
        since=quarters[0], until="", note="合成数据"
    )
    return Dataset.of(
        villages=frame, values=values, scores=scores, awards=awards, targets=targets, pairs=pairs
    )
