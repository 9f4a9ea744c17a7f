import math

import pandas as pd
import pytest

from wuxing.dataset import Dataset
from wuxing.metrics import indicators

VILLAGES = pd.DataFrame(
    {
        "code": ["Z", "J", "Y"],
        "name": ["赵家村", "甲村", "乙村"],
        "town": "镇",
        "households": [100.0, 200.0, None],
        "population": [400.0, 1000.0, None],
    }
)


def _ds(rows, villages=VILLAGES):
    return Dataset.of(
        villages=villages,
        values=pd.DataFrame(rows, columns=["code", "period", "indicator", "value"]),
    )


def test_options_follow_the_star_filter_and_labels_name_the_star():
    assert indicators.options("industry")[0] == "collective_income"
    assert all(i in indicators.options() for i in indicators.options("safety"))
    assert indicators.option_label("collective_income") == "产业兴旺 · 村集体经济收入（万元）"


def test_bases_only_where_they_make_sense():
    assert indicators.bases("collective_income") == ["total", "per_household", "per_capita"]
    assert indicators.bases("toilet_upgrades") == ["total", "per_household"]
    assert indicators.bases("household_link_rate") == ["total"]
    assert indicators.basis("collective_income", "per_household").unit == "元/户"


@pytest.mark.parametrize(
    ("value", "band"),
    [(4.99, "<5"), (5.0, "5–10"), (19.9, "10–20"), (20.0, "≥20"), (None, "缺报")],
)
def test_income_bands(value, band):
    assert indicators.band_of("collective_income", value) == band
    assert indicators.band_of("mushroom_output", value) == ""


def test_by_village_sorts_by_value_and_keeps_missing_last():
    ds = _ds(
        [("Z", "2023Q1", "collective_income", 12.0), ("J", "2023Q1", "collective_income", 25.0)]
    )
    frame = indicators.by_village(ds, "collective_income", "2023Q1")
    assert frame["village"].tolist() == ["甲村", "赵家村", "乙村"]
    assert frame["value"].tolist()[:2] == [25.0, 12.0] and math.isnan(frame["value"].iloc[2])
    assert frame["band"].tolist() == ["≥20", "10–20", "缺报"]


def test_lower_is_better_sorts_ascending_with_ties_in_pinyin_order():
    ds = _ds(
        [
            ("Z", "2023Q1", "criminal_cases", 1.0),
            ("J", "2023Q1", "criminal_cases", 1.0),
            ("Y", "2023Q1", "criminal_cases", 0.0),
        ]
    )
    frame = indicators.by_village(ds, "criminal_cases", "2023Q1")
    assert frame["village"].tolist() == ["乙村", "甲村", "赵家村"]


def test_per_household_divides_and_converts_units():
    ds = _ds(
        [("Z", "2023Q1", "collective_income", 12.0), ("Y", "2023Q1", "collective_income", 5.0)]
    )
    frame = indicators.by_village(ds, "collective_income", "2023Q1", basis_id="per_household")
    per = frame.set_index("village")["value"]
    assert per["赵家村"] == pytest.approx(1200.0)  # 12 万元 / 100 户 = 1,200 元/户
    assert math.isnan(per["乙村"])  # households unknown: missing, not zero
    assert set(frame["band"]) == {""}  # bands are for totals only


@pytest.mark.parametrize(
    ("indicator", "year_value"),
    [("mushroom_output", 30.0), ("collective_income", 20.0), ("toilet_upgrades", 20.0)],
)
def test_years_add_up_by_period_kind(indicator, year_value):
    ds = _ds([("Z", "2023Q1", indicator, 10.0), ("Z", "2023Q2", indicator, 20.0)])
    frame = indicators.by_village(ds, indicator, "2023Q2", grain="year")
    assert frame.set_index("village").loc["赵家村", "value"] == year_value
    assert indicators.totals(ds, indicator, "2023Q2", "year")["label"].tolist() == [
        "2023年（至Q2）"
    ]


def test_over_time_single_village_single_quarter():
    ds = _ds([("J", "2023Q3", "volunteers", 7.0)])
    series = indicators.over_time(ds, "volunteers", "2023Q4")
    assert series[["village", "key", "label", "value"]].values.tolist() == [
        ["甲村", "2023Q3", "2023年Q3", 7.0]
    ]
    table = indicators.time_table(series, "人")
    assert table.columns.tolist() == ["村名", "2023年Q3（人）"]


def test_totals_sum_counts_and_weight_rates_by_households():
    ds = _ds(
        [
            ("Z", "2023Q1", "toilet_upgrades", 10.0),
            ("J", "2023Q1", "toilet_upgrades", 30.0),
            ("Z", "2023Q1", "household_link_rate", 90.0),
            ("J", "2023Q1", "household_link_rate", 60.0),
        ]
    )
    assert indicators.totals(ds, "toilet_upgrades", "2023Q1")["value"].tolist() == [40.0]
    rate = indicators.totals(ds, "household_link_rate", "2023Q1")["value"].iloc[0]
    assert rate == pytest.approx((90 * 100 + 60 * 200) / 300)
    share = indicators.totals(ds, "toilet_upgrades", "2023Q1", basis_id="per_household")
    assert share["value"].iloc[0] == pytest.approx(40 / 300 * 100)
    assert indicators.totals(ds, "toilet_upgrades", "2023Q1")["reporting"].tolist() == [2]


def test_total_change_on_the_previous_quarter_and_ytd_against_last_year():
    ds = _ds(
        [
            ("Z", "2022Q1", "collective_income", 4.0),
            ("Z", "2022Q4", "collective_income", 20.0),
            ("Z", "2023Q1", "collective_income", 5.0),
        ]
    )
    change = indicators.total_change(ds, "collective_income", "2023Q1")
    assert change.previous_key == "2022Q1" and change.change == 1.0  # 同比: ytd restarts in Q1
    assert change.change_pct == pytest.approx(25.0)
    yearly = indicators.total_change(ds, "collective_income", "2023Q1", grain="year")
    assert yearly.previous_label == "2022年（至Q1）" and yearly.previous == 4.0


def test_total_change_with_nothing_before_is_missing_not_zero():
    ds = _ds([("Z", "2023Q1", "mushroom_output", 5.0)])
    change = indicators.total_change(ds, "mushroom_output", "2023Q1")
    assert change.previous is None and change.change is None and change.change_pct is None
    empty = indicators.total_change(_ds([]), "mushroom_output", "2023Q1")
    assert empty.value is None and empty.reporting == 0


def test_works_on_what_the_store_returns(sample_store):
    ds = sample_store.load()  # categorical codes and periods
    assert indicators.totals(ds, "toilet_upgrades", "2023Q1")["value"].iloc[-1] == 1430
    assert indicators.by_village(ds, "collective_income", "2022Q4", "year")["value"].min() >= 10
