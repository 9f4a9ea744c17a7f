from datetime import UTC, datetime

import pandas as pd
import pytest

from wuxing import catalog
from wuxing.dataset import Dataset
from wuxing.metrics import profile, ranking
from wuxing.storage.store import Revision

VILLAGES = pd.DataFrame(
    {
        "code": ["Z", "J"],
        "name": ["赵家村", "甲村"],
        "town": "马庄桥镇",
        "county": "清丰县",
        "households": [760.0, None],
    }
)


def _ds(villages=VILLAGES, **frames):
    columns = {
        "scores": ["code", "period", "star", "score"],
        "awards": ["code", "year", "star", "awarded"],
        "targets": ["code", "year", "level", "stars"],
        "values": ["code", "period", "indicator", "value"],
        "pairs": ["mentor", "mentee", "since"],
    }
    given = {k: pd.DataFrame(v, columns=columns[k]) for k, v in frames.items()}
    return Dataset.of(villages=villages, **given)


def test_facts_keep_missing_households_missing():
    assert profile.facts(_ds(), "Z").households == 760.0
    assert profile.facts(_ds(), "J").households is None and profile.facts(_ds(), "J").name == "甲村"
    assert profile.facts(_ds(), "Z").place == "清丰县 › 马庄桥镇"
    roster = VILLAGES.assign(county="")
    assert profile.facts(_ds(roster), "Z").place == "马庄桥镇"


def test_star_card_scores_area_mean_awards_and_target():
    ds = _ds(
        scores=[
            ("Z", "2023Q2", "industry", 90),
            ("J", "2023Q2", "industry", 80),
            ("Z", "2023Q1", "industry", 84),
        ],
        awards=[("Z", 2022, "industry", True), ("Z", 2022, "safety", False)],
        targets=[("Z", 2023, 3, "industry,ecology")],
    )
    card = profile.stars(ds, "Z", "2023Q2", 85).set_index("star")
    assert card.loc["industry", "score"] == 90 and card.loc["industry", "previous"] == 84
    assert card.loc["industry", "area_mean"] == 85 and card.loc["industry", "passing"]
    assert pd.isna(card.loc["safety", "score"]) and not card.loc["safety", "passing"]
    assert card.loc["industry", "held"] and not card.loc["safety", "held"]
    assert card.loc["industry", "award_year"] == 2022
    assert card["targeted"].tolist() == [False, True, True, False, False]
    assert profile.target(ds, "Z", 2023) == 3 and profile.target(ds, "J", 2023) is None
    table = profile.star_table(card.reset_index(), "2023Q2", 85)
    assert table.loc[1, "2022年度获评"] == "★ 已获评"


def test_indicator_trends_with_gaps_and_comparison():
    ds = _ds(
        values=[
            ("Z", "2023Q1", "mushroom_output", 10.0),
            ("Z", "2023Q3", "mushroom_output", 30.0),
            ("Z", "2023Q2", "volunteers", 5.0),
            ("J", "2023Q3", "volunteers", 9.0),
        ]
    )
    trends = profile.indicator_trends(ds, "Z", "2023Q3").set_index("indicator")
    assert trends.loc["mushroom_output", "trend"] == [10.0, None, 30.0]  # a gap stays a gap
    assert pd.isna(trends.loc["mushroom_output", "previous"])
    assert pd.isna(trends.loc["volunteers", "value"])  # reported before, not this quarter
    assert list(trends.index) == ["mushroom_output", "volunteers"]  # catalog order
    table = profile.trend_table(trends.reset_index())
    assert table["本期"].tolist() == ["30 吨", "—"] and "趋势" in table.columns
    assert "趋势" not in profile.trend_table(trends.reset_index(), with_trend=False).columns
    assert profile.indicator_trends(ds, "J", "2023Q2").empty


def test_peer_ranks_with_a_tie_and_no_score():
    ds = _ds(scores=[("Z", "2023Q1", "industry", 90), ("J", "2023Q1", "industry", 90)])
    ranks = profile.peer_ranks(ds, "Z", "2023Q1").set_index("by")
    assert ranks.loc["industry", "rank"] == 1 and ranks.loc["industry", "tied"]
    assert ranks.loc["industry", "of"] == 2
    assert profile.rank_text(ranks.loc["industry", "rank"], True) == "并列第1名"
    assert profile.rank_text(ranks.loc["total", "rank"], False) == "无评分"
    assert profile.rank_text(12345, True) == "并列第12,345名"  # a province's ranks


def test_peer_ranks_agree_with_the_full_ranking_of_the_area():
    villages = pd.DataFrame(
        {"code": list("ABCDE"), "name": ["甲村", "乙村", "丙村", "丁村", "戊村"], "town": "某镇"}
    )
    scores = [
        (c, "2023Q1", s, 80 + i + (j % 2))
        for i, c in enumerate("ABCD")
        for j, s in enumerate(catalog.STAR_IDS)
    ]
    scores += [("E", "2023Q1", "industry", 83)]  # ties D on industry, no total
    ds = _ds(villages, scores=scores)
    for code in "ABCDE":
        mine = profile.peer_ranks(ds, code, "2023Q1").set_index("by")
        for by in ("total", *catalog.STAR_IDS):
            ranked = ranking.ranking(ds, by, "2023Q1").set_index("code")
            expected = ranked.loc[code, "rank"]
            assert (
                mine.loc[by, "rank"] is pd.NA
                if pd.isna(expected)
                else mine.loc[by, "rank"] == expected
            )
            assert mine.loc[by, "tied"] == ranked.loc[code, "tied"]
            assert mine.loc[by, "of"] == ranked["rank"].notna().sum()
    assert profile.peer_ranks(ds, "E", "2023Q1").set_index("by").loc["industry", "tied"]


def test_star_means_are_over_the_villages_scored_in_the_quarter():
    ds = _ds(
        scores=[
            ("Z", "2023Q2", "industry", 90),
            ("J", "2023Q2", "industry", 80),
            ("Z", "2023Q1", "industry", 10),
            ("Z", "2023Q2", "safety", 70),
        ]
    )
    assert profile.star_means(ds, "2023Q2").to_dict() == {"industry": 85.0, "safety": 70.0}


def test_pairs_as_mentor_and_mentee():
    ds = _ds(pairs=[("Z", "J", "2022Q3")])
    assert profile.pairs(ds, "Z")[["role", "partner_name"]].values.tolist() == [["导师村", "甲村"]]
    assert profile.pairs(ds, "J")[["role", "partner_name", "since"]].values.tolist() == [
        ["帮带村", "赵家村", "2022Q3"]
    ]
    assert profile.pairs(_ds(), "Z").empty


def _revision(rid, status="live"):
    return Revision(rid, datetime(2024, 1, rid, tzinfo=UTC), "王", f"{rid}.xlsx", "", 1, {}, status)


# What `Store.touches` reads back for three uploads: scores of Z and a value of J; a pair J→Z
# (rolled back later); J's village row and another value of J.
TOUCHED = pd.DataFrame(
    [
        (1, "Z", "scores", 5),
        (1, "J", "values", 1),
        (2, "J", "pairs", 1),
        (2, "Z", "pairs", 1),
        (3, "J", "villages", 1),
        (3, "J", "values", 1),
    ],
    columns=["revision", "code", "kind", "rows"],
)


def test_uploads_touching_a_village_newest_first_with_what_they_set():
    revisions = [_revision(1), _revision(2, "rolled_back"), _revision(3)]
    uploads = profile.uploads_touching(revisions, TOUCHED, "Z")
    assert uploads["revision"].tolist() == [2, 1]
    assert uploads["what"].tolist() == ["结对帮带 1 行", "星级评分 5 行"]
    assert uploads["status"].tolist() == ["已撤销", "有效"]
    mine = profile.uploads_touching(revisions, TOUCHED, "J")
    assert mine["revision"].tolist() == [3, 2, 1] and mine["what"].iloc[0] == "村庄 1 行；指标 1 行"
    assert profile.uploads_table(uploads).loc[0, "时间"] == "2024-01-02 08:00"  # Beijing time


def test_no_revisions_touch_nothing():
    touched = TOUCHED.iloc[0:0]
    assert profile.uploads_touching([], touched, "Z").empty


@pytest.mark.parametrize(
    ("points", "rows", "expected"),
    [
        ([{"customdata": ["J"], "y": "赵家村"}], [], "J"),
        ([{"y": "赵家村", "x": "产业兴旺"}], [], "Z"),
        ([{"x": "甲村"}], [], "J"),
        ([], [1], "J"),
        ([], [5], None),
        ([{"x": "无此村"}], [], None),
    ],
)
def test_picked_village_from_a_click_or_a_row(points, rows, expected):
    table = pd.DataFrame({"村名": ["赵家村", "甲村"]})
    assert profile.picked_village(_ds(), points, rows, table) == expected


def test_works_on_what_the_store_returns(sample_store):
    ds = sample_store.load()  # categorical codes and periods
    code = ds.villages["code"].iloc[0]
    assert profile.stars(ds, code, "2023Q4", 85)["score"].notna().all()
    assert len(profile.indicator_trends(ds, code, "2023Q4")["trend"].iloc[0]) == 8
    assert profile.peer_ranks(ds, code, "2023Q4")["of"].tolist() == [13] * 6
    assert profile.score_history(ds, code, "2023Q4")["period"].nunique() == 8
    revisions = sample_store.history()
    touched = sample_store.touches()
    assert (touched["rows"] > 0).all()
    assert len(profile.uploads_touching(revisions, touched, code)) == 1
