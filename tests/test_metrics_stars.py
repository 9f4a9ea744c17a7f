import numpy as np
import pandas as pd
import pytest

from wuxing.dataset import Dataset
from wuxing.metrics import stars


def _ds(awards=(), scores=()):
    villages = pd.DataFrame(
        {"code": ["Z", "J", "Y"], "name": ["赵家村", "甲村", "乙村"], "town": "镇"}
    )
    return Dataset.of(
        villages=villages,
        awards=pd.DataFrame(list(awards), columns=["code", "year", "star", "awarded"]),
        scores=pd.DataFrame(list(scores), columns=["code", "period", "star", "score"]),
    )


AWARDS = [("Z", 2023, s, True) for s in ("branch", "industry", "ecology", "safety", "civility")] + [
    ("J", 2023, "industry", True),
    ("J", 2023, "ecology", True),
    ("J", 2023, "safety", False),
    ("Z", 2022, "industry", True),
]


def test_level_distribution_counts_every_level_including_zero():
    dist = stars.level_distribution(_ds(AWARDS), 2023)
    assert list(dist["villages"]) == [1, 0, 1, 0, 0, 1]  # 乙村 none, 甲村 two, 赵家村 five
    assert list(dist["label"]) == ["无星", "一星", "二星", "三星", "四星", "五星"]


def test_stars_held_per_star():
    held = stars.stars_held_count(_ds(AWARDS), 2023).set_index("star")["villages"]
    assert held.to_dict() == {"branch": 1, "industry": 2, "ecology": 2, "safety": 1, "civility": 1}


def test_levels_are_listed_in_pinyin_order():
    assert list(stars.levels(_ds(AWARDS), 2023)["village"]) == ["甲村", "乙村", "赵家村"]


def test_latest_award_year_respects_the_chosen_quarter():
    ds = _ds(AWARDS)
    assert stars.latest_award_year(ds) == 2023
    assert stars.latest_award_year(ds, "2022Q4") == 2022
    assert stars.latest_award_year(_ds()) is None


def _years(*years: int) -> Dataset:
    return _ds([("Z", y, "industry", True) for y in years])


@pytest.mark.parametrize(
    "stored, period, expected",
    [
        ((2022, 2023), "2023Q1", 2022),  # 2023's awards stored early: not decided until year end
        ((2022, 2023), "2023Q3", 2022),
        ((2022, 2023), "2023Q4", 2023),  # Q4: the year's own awards, once stored
        ((2022,), "2023Q4", 2022),  # Q4 before the year's awards are in
        ((2022, 2023), "2024Q1", 2023),
        ((2021, 2023), "2023Q2", 2021),  # the newest stored year before, not simply Y-1
        ((2023,), "2023Q2", None),  # nothing decided before 2023
        ((2023,), "2022Q4", None),
        ((2022, 2024), "2025Q1", 2024),
    ],
)
def test_latest_awarded_year_is_decided_at_year_end(stored, period, expected):
    assert stars.latest_award_year(_years(*stored), period) == expected


def test_score_matrix_keeps_missing_scores_missing():
    ds = _ds(
        scores=[
            ("Z", "2023Q1", "industry", 90.0),
            ("J", "2023Q1", "industry", 80.0),
            ("J", "2023Q1", "ecology", 86.0),
        ]
    )
    m = stars.score_matrix(ds, "2023Q1")
    assert list(m.index) == ["甲村", "乙村", "赵家村"]
    assert m.loc["甲村", "ecology"] == 86.0 and pd.isna(m.loc["赵家村", "ecology"])
    passing = stars.passing(ds, "2023Q1", 85)
    assert passing.loc["Z", "industry"] and not passing.loc["J", "industry"]


def test_sparse_awards_count_missing_rows_as_not_held():
    ds = _ds([("Z", 2023, "industry", True), ("J", 2023, "safety", False)])
    grid = stars.held_stars(ds, 2023)
    assert grid.dtypes.eq(bool).all()
    assert grid.loc["Z", "industry"] and not grid.loc["Z", "ecology"] and not grid.loc["Y"].any()


def test_id_lists_name_the_flagged_stars_in_order():
    flags = np.array([[True, False, True], [False, False, False], [True, False, True]])
    lists = stars.id_lists(flags, ["party", "industry", "ecology"])
    assert lists == [["party", "ecology"], [], ["party", "ecology"]]
    assert stars.id_lists(np.zeros((0, 3), dtype=bool), ["a", "b", "c"]) == []
