import pandas as pd
import pytest

from tests import builders as b
from wuxing.metrics import ranking

VILLAGES = pd.DataFrame(
    {"code": ["Z", "J", "Y", "B"], "name": ["赵家村", "甲村", "乙村", "丙村"], "town": "镇"}
)


def _ds(scores=(), values=()):
    return b.rows_dataset(VILLAGES, scores, values)


def test_ties_share_a_rank_and_are_listed_in_pinyin_order():
    ds = _ds(
        [
            ("Z", "2023Q2", "industry", 90),
            ("J", "2023Q2", "industry", 90),
            ("Y", "2023Q2", "industry", 80),
        ]
    )
    ranked = ranking.ranking(ds, "industry", "2023Q2")
    assert ranked["village"].tolist() == ["甲村", "赵家村", "乙村", "丙村"]
    assert ranked["rank"].tolist()[:3] == [1, 1, 3] and pd.isna(ranked["rank"].iloc[3])
    assert ranked["tied"].tolist() == [True, True, False, False]
    table = ranking.ranking_table(ranked, "industry", "环比")
    assert table["名次"].tolist() == ["1（并列）", "1（并列）", "3", "—"]


def test_total_needs_all_five_scores_and_compares_with_the_previous_quarter():
    ds = _ds(
        b.five_stars("Z", "2023Q1", 80)
        + b.five_stars("Z", "2023Q2", 90)
        + b.five_stars("J", "2023Q2", 95)
        + [("Y", "2023Q2", "industry", 100)]
    )
    ranked = ranking.ranking(ds, "total", "2023Q2").set_index("village")
    assert ranked.loc["甲村", "value"] == 475 and ranked.loc["甲村", "rank"] == 1
    assert ranked.loc["赵家村", "change"] == 50 and ranked.loc["赵家村", "previous_rank"] == 1
    assert ranked.loc["赵家村", "rank_change"] == -1
    assert pd.isna(ranked.loc["乙村", "rank"])  # four stars missing: not ranked


def test_lower_is_better_indicator_ranks_ascending_and_improvement_flips_sign():
    rows = [
        ("Z", "2023Q1", "criminal_cases", 3.0),
        ("Z", "2023Q2", "criminal_cases", 1.0),
        ("J", "2023Q1", "criminal_cases", 0.0),
        ("J", "2023Q2", "criminal_cases", 2.0),
    ]
    ranked = ranking.ranking(_ds(values=rows), "ind:criminal_cases", "2023Q2")
    assert ranked["village"].tolist()[:2] == ["赵家村", "甲村"]
    up, down = ranking.movers(ranked, "ind:criminal_cases")
    assert up["village"].tolist() == ["赵家村"] and up["improvement"].tolist() == [2.0]
    assert down["village"].tolist() == ["甲村"]


def test_ytd_indicator_in_q1_compares_with_the_same_quarter_last_year():
    assert ranking.comparison("ind:collective_income", "2023Q1") == ("2022Q1", "同比")
    assert ranking.comparison("industry", "2023Q1") == ("2022Q4", "环比")


def test_movers_keep_ties_at_the_cut_and_leave_out_the_unchanged():
    rows = [
        (c, p, "industry", s)
        for c, p, s in [
            ("Z", "2023Q1", 80),
            ("Z", "2023Q2", 85),
            ("J", "2023Q1", 80),
            ("J", "2023Q2", 85),
            ("Y", "2023Q1", 80),
            ("Y", "2023Q2", 90),
            ("B", "2023Q1", 80),
            ("B", "2023Q2", 80),
        ]
    ]
    ranked = ranking.ranking(_ds(rows), "industry", "2023Q2")
    up, down = ranking.movers(ranked, "industry", n=2)
    assert up["village"].tolist() == ["乙村", "甲村", "赵家村"]  # 甲 and 赵 tie for second
    assert down.empty
    assert ranking.movers_together(ranked, "industry", n=1)["village"].tolist() == ["乙村"]


def test_single_quarter_has_no_movers_and_no_most_improved():
    ds = _ds([("Z", "2023Q1", "industry", 80)])
    ranked = ranking.ranking(ds, "industry", "2023Q1")
    assert ranked["rank"].iloc[0] == 1
    assert ranking.movers_together(ranked, "industry").empty
    assert ranking.improved_since(ds, "industry", "2023Q1") is None
    assert ranking.most_improved(ds, "industry", "2023Q1").empty


def test_most_improved_counts_from_four_quarters_back_or_the_first_on_record():
    rows = [
        (c, p, "industry", s)
        for c, p, s in [
            ("Z", "2022Q1", 60),
            ("Z", "2022Q2", 70),
            ("Z", "2023Q2", 90),
            ("J", "2022Q2", 80),
            ("J", "2023Q2", 85),
        ]
    ]
    ds = _ds(rows)
    assert ranking.improved_since(ds, "industry", "2023Q2") == "2022Q2"
    assert ranking.improved_since(_ds(rows[1:2] + rows[2:3]), "industry", "2023Q2") == "2022Q2"
    best = ranking.most_improved(ds, "industry", "2023Q2")
    assert best[["village", "start", "value", "change"]].values.tolist() == [
        ["赵家村", 70.0, 90.0, 20.0],
        ["甲村", 80.0, 85.0, 5.0],
    ]
    assert best["rank_change"].tolist() == [1, -1]
    table = ranking.improved_table(best, "industry", "2022Q2", "2023Q2")
    assert table.columns[1] == "2022年Q2（分）"


@pytest.mark.parametrize(
    ("by", "label", "unit"),
    [
        ("total", "五星总分", "分"),
        ("safety", "平安法治星得分", "分"),
        ("ind:collective_income", "村集体经济收入", "万元"),
    ],
)
def test_labels_and_units(by, label, unit):
    assert ranking.label(by) == label and ranking.unit(by) == unit
    assert by in ranking.options()


def test_works_on_what_the_store_returns(sample_store):
    ds = sample_store.load()  # categorical codes and periods
    assert ranking.ranking(ds, "total", "2023Q4")["rank"].notna().sum() == 13
    assert not ranking.most_improved(ds, "ind:volunteers", "2023Q4").empty


def test_rank_of_one_village_matches_the_full_ranking():
    ds = _ds(
        [
            ("Z", "2023Q2", "industry", 90),
            ("J", "2023Q2", "industry", 90),
            ("Y", "2023Q2", "industry", 80),
        ]
    )
    scored = ranking.values(ds, "industry", "2023Q2")
    assert ranking.rank_of(scored, "Y", "industry") == (3, False, 3)
    assert ranking.rank_of(scored, "Z", "industry") == (1, True, 3)
    assert ranking.rank_of(scored, "B", "industry") == (None, False, 3)
    cases = ranking.values(
        _ds(
            values=[("Z", "2023Q2", "criminal_cases", 2.0), ("J", "2023Q2", "criminal_cases", 0.0)]
        ),
        "ind:criminal_cases",
        "2023Q2",
    )
    assert ranking.rank_of(cases, "J", "ind:criminal_cases") == (1, False, 2)


def test_village_ranks_hold_the_same_rows_as_the_ranking_in_roster_order():
    ds = _ds([("Z", "2023Q2", "industry", 90), ("Y", "2023Q2", "industry", 95)])
    unsorted = ranking.village_ranks(ds, "industry", "2023Q2")
    assert unsorted["code"].tolist() == ["Z", "J", "Y", "B"]
    ranked = ranking.ranking(ds, "industry", "2023Q2")
    assert ranked["code"].tolist() == ["Y", "Z", "B", "J"]  # by rank, then the rest in pinyin
    same_order = unsorted.set_index("code").loc[ranked["code"]].reset_index()[ranked.columns]
    pd.testing.assert_frame_equal(same_order, ranked)
