import pandas as pd
import pytest

from wuxing.dataset import Dataset
from wuxing.metrics import aggregation, headline


def _ds(rows, households=(100, 300)):
    villages = pd.DataFrame(
        {"code": ["A", "B"], "name": ["甲村", "乙村"], "town": "镇", "households": list(households)}
    )
    return Dataset.of(
        villages=villages,
        values=pd.DataFrame(rows, columns=["code", "period", "indicator", "value"]),
    )


def test_counts_sum_over_villages_and_report_who_is_missing():
    ds = _ds([("A", "2023Q1", "volunteers", 10), ("B", "2023Q1", "volunteers", None)])
    total = aggregation.area_total(ds, "volunteers", "2023Q1")
    assert (total.value, total.reporting, total.villages) == (10, 1, 2)
    assert not total.is_complete


def test_nothing_reported_is_missing_not_zero():
    assert aggregation.area_total(_ds([]), "volunteers", "2023Q1").value is None


def test_rates_are_household_weighted_means():
    ds = _ds(
        [("A", "2023Q1", "household_link_rate", 80), ("B", "2023Q1", "household_link_rate", 100)]
    )
    assert aggregation.area_total(ds, "household_link_rate", "2023Q1").value == pytest.approx(95.0)


@pytest.mark.parametrize(
    "indicator, expected",
    [
        ("volunteer_activities", {"A": 6.0}),  # flow: the year sums its quarters
        ("collective_income", {"A": 9.0}),  # ytd: the last quarter of the year
        ("toilet_upgrades", {"A": 9.0}),  # stock: the last quarter
    ],
)
def test_year_values_follow_the_period_kind(indicator, expected):
    ds = _ds(
        [
            ("A", "2023Q1", indicator, 1),
            ("A", "2023Q2", indicator, 2),
            ("A", "2023Q4", indicator, 3),
            ("A", "2022Q4", indicator, 50),
        ]
    )
    if indicator != "volunteer_activities":
        ds = _ds(
            [
                ("A", "2023Q1", indicator, 4),
                ("A", "2023Q3", indicator, 9),
                ("A", "2022Q4", indicator, 50),
            ]
        )
    assert aggregation.year_values(ds, indicator, 2023).to_dict() == expected


def test_campaign_to_date_adds_each_years_last_ytd_figure():
    ds = _ds(
        [
            ("A", "2022Q3", "collective_income", 8),
            ("A", "2022Q4", "collective_income", 12),
            ("A", "2023Q1", "collective_income", 3),
        ]
    )
    assert aggregation.through_values(ds, "collective_income", "2023Q1").to_dict() == {"A": 15.0}


def test_headline_compares_ytd_q1_with_the_same_quarter_a_year_before():
    ds = _ds(
        [
            ("A", "2022Q1", "collective_income", 2),
            ("A", "2022Q4", "collective_income", 12),
            ("A", "2023Q1", "collective_income", 3),
        ]
    )
    h = headline.headline(ds, "collective_income", "2023Q1")
    assert (h.previous_period, h.comparison, h.change) == ("2022Q1", "同比", 1.0)
    assert h.change_pct == pytest.approx(50.0)


def test_headline_flow_compares_with_the_previous_quarter():
    ds = _ds(
        [("A", "2022Q4", "volunteer_activities", 10), ("A", "2023Q1", "volunteer_activities", 8)]
    )
    h = headline.headline(ds, "volunteer_activities", "2023Q1")
    assert (h.previous_period, h.comparison, h.value, h.change) == ("2022Q4", "环比", 8, -2)


def test_headline_without_a_previous_quarter_has_no_change():
    h = headline.headline(_ds([("A", "2023Q1", "volunteers", 8)]), "volunteers", "2023Q1")
    assert h.change is None and h.change_pct is None
