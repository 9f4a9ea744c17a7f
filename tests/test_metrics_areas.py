"""Sub-areas above the township: levels, grouping, and figures that add up like the catalog says."""

import math

import pandas as pd

from wuxing import catalog
from wuxing.dataset import Dataset
from wuxing.metrics import areas, indicators

CITY = "某市"


def _dataset() -> Dataset:
    # Two counties; county 甲县 has towns 东镇 (2 villages) and 西镇 (1), 乙县 has 东镇 (1): the
    # same town name in two counties must stay two sub-areas.
    villages = pd.DataFrame(
        [
            ("v1", "一村", "东镇", "甲县", 100.0),
            ("v2", "二村", "东镇", "甲县", 300.0),
            ("v3", "三村", "西镇", "甲县", 50.0),
            ("v4", "四村", "东镇", "乙县", None),
        ],
        columns=["code", "name", "town", "county", "households"],
    ).assign(city=CITY)
    values = pd.DataFrame(
        [
            # a flow: a year sums its quarters
            ("v1", "2023Q1", "party_meetings", 2.0),
            ("v1", "2023Q2", "party_meetings", 3.0),
            ("v2", "2023Q2", "party_meetings", 4.0),
            # a rate: weighted by households
            ("v1", "2023Q2", "mass_satisfaction", 90.0),
            ("v2", "2023Q2", "mass_satisfaction", 70.0),
            ("v3", "2023Q2", "mass_satisfaction", 60.0),
            # ytd: the year takes the last quarter; per household divides by reporting households
            ("v1", "2023Q1", "collective_income", 5.0),
            ("v1", "2023Q2", "collective_income", 8.0),
            ("v2", "2023Q2", "collective_income", 12.0),
        ],
        columns=["code", "period", "indicator", "value"],
    )
    scores = pd.DataFrame(
        [
            ("v1", "2023Q2", "branch", 80.0),
            ("v2", "2023Q2", "branch", 90.0),
            ("v3", "2023Q2", "branch", 70.0),
        ],
        columns=["code", "period", "star", "score"],
    )
    return Dataset.of(villages=villages, values=values, scores=scores)


def test_the_next_level_down_from_each_area():
    assert areas.next_level("") == "city"
    assert areas.next_level(CITY) == "county"
    assert areas.next_level(f"{CITY}/甲县") == "town"
    assert areas.next_level(f"{CITY}/甲县/东镇") == "village"
    assert areas.level_label(f"{CITY}/甲县") == "乡镇"


def test_grouping_only_above_the_township_and_beyond_the_limit():
    ds = _dataset()
    assert areas.grouped(ds, CITY, limit=3)
    assert not areas.grouped(ds, CITY, limit=4)
    assert not areas.grouped(ds, f"{CITY}/甲县/东镇", limit=0)


def test_towns_of_the_same_name_in_two_counties_stay_apart():
    ds = _dataset()
    owner = areas.sub_area_of(ds, CITY)
    assert owner.to_dict() == {
        "v1": f"{CITY}/甲县",
        "v2": f"{CITY}/甲县",
        "v3": f"{CITY}/甲县",
        "v4": f"{CITY}/乙县",
    }
    towns = areas.village_counts(ds, "")
    assert towns["villages"].tolist() == [4]
    by_town = areas.sub_area_of(ds, f"{CITY}/甲县")
    assert set(by_town) == {f"{CITY}/甲县/东镇", f"{CITY}/甲县/西镇"}
    labels = areas.area_labels([f"{CITY}/甲县/东镇", f"{CITY}/乙县/东镇", f"{CITY}/甲县/西镇"])
    assert labels == ["东镇（甲县）", "东镇（乙县）", "西镇"]


def _by_area(ds, area, indicator, period, grain=indicators.QUARTER, basis=indicators.TOTAL):
    frame = areas.indicator_by_area(ds, area, indicator, period, grain, basis)
    return {r.label: (r.value, r.reporting, r.villages) for r in frame.itertuples()}


def test_counts_sum_and_years_follow_the_period_kind():
    ds = _dataset()
    quarter = _by_area(ds, CITY, "party_meetings", "2023Q2")
    assert quarter["甲县"] == (7.0, 2, 3)
    assert math.isnan(quarter["乙县"][0]) and quarter["乙县"][1:] == (0, 1)  # missing, not zero
    year = _by_area(ds, CITY, "party_meetings", "2023Q2", grain=indicators.YEAR)
    assert year["甲县"][0] == 9.0  # flow: 2 + 3 + 4
    ytd = _by_area(ds, CITY, "collective_income", "2023Q2", grain=indicators.YEAR)
    assert ytd["甲县"][0] == 20.0  # ytd: last quarter of each village, 8 + 12


def test_rates_are_weighted_by_households():
    ds = _dataset()
    rate = _by_area(ds, f"{CITY}/甲县", "mass_satisfaction", "2023Q2")
    assert rate["东镇"][0] == (90 * 100 + 70 * 300) / 400
    assert rate["西镇"][0] == 60.0


def test_per_household_divides_the_sum_by_the_reporting_households():
    ds = _dataset()
    frame = _by_area(ds, CITY, "collective_income", "2023Q2", basis="per_household")
    b = indicators.basis("collective_income", "per_household")
    assert frame["甲县"][0] == (8.0 + 12.0) / 400 * b.factor


def test_score_matrix_averages_the_villages_that_reported():
    ds = _dataset()
    matrix = areas.score_matrix(ds, f"{CITY}/甲县", "2023Q2")
    assert matrix.loc["东镇", "branch"] == 85.0 and matrix.loc["西镇", "branch"] == 70.0
    assert matrix.loc["东镇"].drop("branch").isna().all()


def test_a_click_on_a_label_or_a_table_row_names_the_sub_area():
    ds = _dataset()
    assert areas.picked_area(ds, CITY, [{"x": "乙县", "y": 3}]) == f"{CITY}/乙县"
    table = pd.DataFrame({"县（区）": ["甲县", "乙县"]})
    assert areas.picked_area(ds, CITY, [], [0], table) == f"{CITY}/甲县"
    assert areas.picked_area(ds, CITY, [{"x": "别处"}]) is None


def test_a_click_on_a_line_names_the_sub_area_by_its_path():
    ds = _dataset()
    point = {"x": "2023Q2", "y": 85.0, "customdata": [f"{CITY}/甲县/西镇"]}
    assert areas.picked_area(ds, f"{CITY}/甲县", [point]) == f"{CITY}/甲县/西镇"


def _with_five_stars(ds: Dataset) -> Dataset:
    # v1 has all five stars scored in 2023Q2, v2 only four: its five-star mean does not count.
    rows = [("v1", "2023Q2", s, 80.0 + i) for i, s in enumerate(catalog.STAR_IDS)]
    rows += [("v2", "2023Q2", s, 60.0) for s in catalog.STAR_IDS[:4]]
    rows += [("v2", "2023Q1", "branch", 50.0), ("v4", "2023Q2", "branch", 95.0)]
    scores = pd.DataFrame(rows, columns=["code", "period", "star", "score"])
    return ds.with_frames(scores=scores)


def test_score_history_averages_the_villages_of_each_sub_area_per_quarter():
    ds = _with_five_stars(_dataset())
    one = areas.score_history(ds, CITY, "branch", "2023Q2")
    got = {(r.label, r.period): (r.score, r.scored) for r in one.itertuples()}
    assert got == {
        ("甲县", "2023Q1"): (50.0, 1),
        ("甲县", "2023Q2"): (70.0, 2),
        ("乙县", "2023Q2"): (95.0, 1),
    }
    assert list(dict.fromkeys(one["label"])) == ["甲县", "乙县"]  # pinyin: jia before yi
    assert areas.score_history(ds, CITY, "branch", "2023Q1")["period"].tolist() == ["2023Q1"]
    five = areas.score_history(ds, CITY, "all", "2023Q2")
    assert five[["label", "period", "score", "scored"]].values.tolist() == [
        ["甲县", "2023Q2", 82.0, 1]
    ]


def test_award_levels_count_stars_held_and_villages_gaining_or_losing_one():
    awards = pd.DataFrame(
        [
            ("v1", 2022, "branch", True),
            ("v1", 2023, "branch", True),
            ("v1", 2023, "industry", True),
            ("v2", 2022, "branch", True),
            ("v2", 2023, "branch", False),
            ("v3", 2023, "branch", True),
            ("v4", 2023, "safety", True),
        ],
        columns=["code", "year", "star", "awarded"],
    )
    ds = _dataset().with_frames(awards=awards)
    frame = areas.award_levels(ds, f"{CITY}/甲县", "all")
    got = {
        (r.label, r.year): (r.villages, r.mean_level, r.gained, r.lost) for r in frame.itertuples()
    }
    assert got == {
        ("东镇", 2022): (2, 1.0, 0, 0),
        ("东镇", 2023): (
            2,
            1.0,
            1,
            1,
        ),  # v1 gained 产业兴旺, v2 lost 支部过硬 (a first year counts as neither)
        ("西镇", 2023): (1, 1.0, 0, 0),
    }
    branch = areas.award_levels(ds, CITY, "branch")
    # 乙县's only award is for another star: nothing to show for 支部过硬星.
    assert branch[["label", "year", "villages", "mean_level"]].values.tolist() == [
        ["甲县", 2022, 2, 1.0],
        ["甲县", 2023, 3, 2 / 3],
    ]
    table = areas.award_table(frame, "乡镇")
    assert list(table.columns)[:2] == ["乡镇", "年度"] and "被摘星的村（个）" in table


def test_target_counts_per_sub_area():
    targets = pd.DataFrame(
        [("v1", 2023, 1, "branch"), ("v3", 2023, 1, "branch"), ("v4", 2023, 1, "industry")],
        columns=["code", "year", "level", "stars"],
    )
    ds = _dataset().with_frames(targets=targets)
    counts = areas.target_counts(ds, CITY, "2023Q2", 75.0)
    assert counts[["label", "on_track", "off_track"]].values.tolist() == [
        ["甲县", 1, 1],
        ["乙县", 0, 1],
    ]
    assert areas.target_counts(ds, CITY, "2022Q4", 75.0).empty


def test_a_slash_in_a_town_name_stays_one_sub_area_with_its_villages():
    ds = _dataset()
    villages = ds.villages.assign(town=ds.villages["town"].replace("东镇", "东/北镇"))
    ds = Dataset.of(villages=villages, values=ds.values, scores=ds.scores)
    counts = areas.village_counts(ds, f"{CITY}/甲县")
    assert dict(zip(counts["label"], counts["villages"], strict=True)) == {"东/北镇": 2, "西镇": 1}
    town = counts.loc[counts["label"] == "东/北镇", "area"].iloc[0]
    assert areas.next_level(town) == "village"
    assert areas.area_labels([town]) == ["东/北镇"]
