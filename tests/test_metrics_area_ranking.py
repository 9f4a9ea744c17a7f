"""比武排名 above the township: sub-areas ranked by their villages' figure."""

import pandas as pd

from tests import builders as b
from wuxing.metrics import area_ranking

COUNTY = "某市/某县"
TOWNS = pd.DataFrame(
    {
        "code": ["A1", "A2", "A3", "B1", "B2", "C1"],
        "name": ["甲村", "乙村", "丙村", "丁村", "戊村", "己村"],
        "town": ["赵镇", "赵镇", "赵镇", "安镇", "安镇", "北镇"],
        "county": "某县",
        "city": "某市",
        "households": [100.0, 300.0, 200.0, 400.0, 100.0, 50.0],
    }
)


def _county(scores=(), values=()):
    return b.rows_dataset(TOWNS, scores, values)


def test_sub_areas_rank_by_the_mean_score_of_the_villages_scored():
    ds = _county(
        [
            ("A1", "2023Q2", "industry", 90),
            ("A2", "2023Q2", "industry", 70),
            ("B1", "2023Q2", "industry", 85),
            ("B2", "2023Q2", "industry", 75),
            ("A1", "2023Q1", "industry", 60),
            ("B1", "2023Q1", "industry", 90),
        ]
    )
    ranked = area_ranking.area_ranking(ds, COUNTY, "industry", "2023Q2")
    # 安镇 and 赵镇 tie on 80 (A3 has no score: not counted as 0); 北镇 has none and comes last.
    assert ranked["label"].tolist() == ["安镇", "赵镇", "北镇"]
    assert ranked["area"].tolist() == ["某市/某县/安镇", "某市/某县/赵镇", "某市/某县/北镇"]
    assert ranked["value"].tolist()[:2] == [80.0, 80.0] and pd.isna(ranked["value"].iloc[2])
    assert ranked["rank"].tolist()[:2] == [1, 1] and pd.isna(ranked["rank"].iloc[2])
    assert ranked["tied"].tolist() == [True, True, False]
    assert ranked["reporting"].tolist() == [2, 2, 0] and ranked["villages"].tolist() == [2, 3, 1]
    assert ranked["previous"].tolist()[:2] == [90.0, 60.0]
    assert ranked["change"].tolist()[:2] == [-10.0, 20.0]
    assert ranked["rank_change"].tolist()[:2] == [0, 1]  # 赵镇 was second, now tied first
    table = area_ranking.area_ranking_table(ranked, "industry", "环比", "乡镇")
    assert table.columns.tolist() == [
        "名次",
        "乡镇",
        "产业兴旺星得分各村平均（分）",
        "上期（分）",
        "环比变化（分）",
        "名次变化（位）",
        "有数据村数（个）",
        "村数（个）",
    ]
    assert table["名次"].tolist() == ["1（并列）", "1（并列）", "—"]


def test_sub_area_total_is_the_mean_of_complete_village_totals():
    ds = _county(
        b.five_stars("A1", "2023Q2", 80)
        + b.five_stars("A2", "2023Q2", 90)
        + [("A3", "2023Q2", "industry", 100)]
        + b.five_stars("B1", "2023Q2", 95)
    )
    frame = area_ranking.area_values(ds, COUNTY, "total", "2023Q2").set_index("label")
    assert frame.loc["赵镇", "value"] == 425.0 and frame.loc["赵镇", "reporting"] == 2
    assert frame.loc["安镇", "value"] == 475.0
    assert area_ranking.area_ranking(ds, COUNTY, "total", "2023Q2")["label"].tolist()[0] == "安镇"
    assert area_ranking.area_word("total") == "各村平均"


def test_sub_area_indicators_sum_counts_and_weight_rates_by_households():
    rows = [
        ("A1", "2023Q2", "volunteers", 10.0),
        ("A2", "2023Q2", "volunteers", 5.0),
        ("B1", "2023Q2", "volunteers", 12.0),
        ("A1", "2023Q2", "dispute_resolution_rate", 100.0),
        ("A2", "2023Q2", "dispute_resolution_rate", 80.0),
        ("B1", "2023Q2", "dispute_resolution_rate", 90.0),
    ]
    ds = _county(values=rows)
    counts = area_ranking.area_ranking(ds, COUNTY, "ind:volunteers", "2023Q2")
    assert counts[["label", "value"]].values.tolist()[:2] == [["赵镇", 15.0], ["安镇", 12.0]]
    assert area_ranking.area_word("ind:volunteers") == "各村合计"
    rates = area_ranking.area_ranking(ds, COUNTY, "ind:dispute_resolution_rate", "2023Q2")
    # 赵镇: (100 × 100 + 80 × 300) / 400 households = 85; 安镇: 90.
    assert rates[["label", "value"]].values.tolist()[:2] == [["安镇", 90.0], ["赵镇", 85.0]]
    assert area_ranking.area_word("ind:dispute_resolution_rate") == "各村按户数加权平均"
