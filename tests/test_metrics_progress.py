import pandas as pd
import pytest

from wuxing.dataset import Dataset
from wuxing.metrics import progress

VILLAGES = pd.DataFrame({"code": ["Z", "J"], "name": ["赵家村", "甲村"], "town": "镇"})


def _ds(scores=(), awards=(), targets=(), villages=VILLAGES):
    return Dataset.of(
        villages=villages,
        scores=pd.DataFrame(list(scores), columns=["code", "period", "star", "score"]),
        awards=pd.DataFrame(list(awards), columns=["code", "year", "star", "awarded"]),
        targets=pd.DataFrame(list(targets), columns=["code", "year", "level", "stars"]),
    )


def test_score_history_of_one_star_in_pinyin_then_time_order():
    ds = _ds(
        [
            ("Z", "2023Q2", "industry", 90),
            ("Z", "2023Q1", "industry", 80),
            ("J", "2023Q1", "industry", 70),
            ("J", "2023Q1", "safety", 99),
        ]
    )
    history = progress.score_history(ds, "industry")
    assert list(history["village"]) == ["甲村", "赵家村", "赵家村"]
    assert list(history["score"]) == [70, 80, 90]


def test_score_history_stops_at_the_chosen_quarter_and_skips_missing():
    ds = _ds(
        [
            ("Z", "2023Q1", "industry", 80),
            ("Z", "2023Q2", "industry", 90),
            ("J", "2023Q1", "industry", None),
        ]
    )
    history = progress.score_history(ds, "industry", last="2023Q1")
    assert list(history["score"]) == [80]


def test_all_stars_is_the_mean_only_where_all_five_are_scored():
    full = [
        ("Z", "2023Q1", s, v)
        for s, v in zip(
            ["branch", "industry", "ecology", "safety", "civility"],
            [80, 90, 85, 95, 100],
            strict=True,
        )
    ]
    partial = [("J", "2023Q1", "industry", 99)]
    history = progress.score_history(_ds(full + partial), "all")
    assert list(history["village"]) == ["赵家村"]
    assert history.loc[0, "score"] == pytest.approx(90.0)


def test_score_history_empty_store():
    assert progress.score_history(_ds(), "industry").empty
    assert progress.score_table(progress.score_history(_ds(), "all")).columns.tolist() == ["村名"]


def test_passing_counts_per_quarter_and_star_with_ties_at_the_pass_mark():
    ds = _ds(
        [
            ("Z", "2023Q1", "industry", 85),
            ("J", "2023Q1", "industry", 84.9),
            ("J", "2023Q1", "safety", 90),
            ("Z", "2023Q2", "industry", None),
        ]
    )
    counts = progress.passing_counts(ds, "all", 85)
    assert counts[["period", "star", "passing", "scored"]].values.tolist() == [
        ["2023Q1", "industry", 1, 2],
        ["2023Q1", "safety", 1, 1],
    ]
    assert progress.passing_counts(ds, "safety", 85)["label"].tolist() == ["平安法治星"]
    assert progress.passing_counts(_ds(), "all", 85).empty
    table = progress.passing_table(counts)
    assert list(table.columns) == ["季度", "星", "达标村数（个）", "有评分村数（个）"]
    assert table.values.tolist()[0] == ["2023Q1", "产业兴旺星", 1, 2]


def test_award_changes_mark_gains_and_losses_year_on_year():
    ds = _ds(
        awards=[
            ("Z", 2022, "industry", True),
            ("Z", 2022, "safety", True),
            ("Z", 2023, "industry", True),
            ("Z", 2023, "ecology", True),
            ("Z", 2023, "safety", False),
        ]
    )
    changes = progress.award_changes(ds, "all").set_index("year")
    assert changes.loc[2022, "gained"] == [] and changes.loc[2022, "level"] == 2
    assert changes.loc[2023, "gained"] == ["ecology"] and changes.loc[2023, "lost"] == ["safety"]
    table = progress.award_grid_table(changes.reset_index())
    assert table.loc[1, "新获评"] == "生态宜居" and table.loc[1, "摘星"] == "平安法治"


def test_award_changes_for_one_star_and_a_single_year():
    ds = _ds(awards=[("J", 2023, "industry", True), ("J", 2023, "safety", True)])
    changes = progress.award_changes(ds, "industry")
    assert changes[["village", "year", "level"]].values.tolist() == [["甲村", 2023, 1]]
    assert progress.award_changes(_ds(), "all").empty


def test_target_gaps_list_each_short_star_and_keep_villages_on_track():
    ds = _ds(
        scores=[("Z", "2023Q2", "industry", 80.5), ("J", "2023Q2", "industry", 90)],
        targets=[("Z", 2023, 2, "industry,ecology"), ("J", 2023, 1, "industry")],
    )
    listed = progress.target_gaps(ds, "2023Q2", 85, "all")
    # Pinyin order (the targets were given 赵 first): the chart's order among ties.
    assert list(dict.fromkeys(listed["village"])) == ["甲村", "赵家村"]
    gaps = listed.set_index(["village", "star"])
    assert gaps.loc[("赵家村", "industry"), "gap"] == 4.5
    assert gaps.loc[("赵家村", "ecology"), "gap"] == 85.0  # not scored: the whole pass mark
    assert gaps.loc[("赵家村", "ecology"), "needed"] == 2
    assert gaps.loc[("甲村", ""), "gap"] == 0.0
    only = progress.target_gaps(ds, "2023Q2", 85, "ecology")
    assert set(only["star"]) == {"ecology", ""}


def test_level_only_target_says_how_many_stars_are_still_needed():
    ds = _ds(scores=[("Z", "2023Q1", "industry", 90)], targets=[("Z", 2023, 3, "")])
    gaps = progress.target_gaps(ds, "2023Q1", 85, "all")
    assert gaps[["star", "gap", "needed"]].values.tolist() == [["", 0.0, 2]]
    assert progress.target_gaps(_ds(), "2023Q1", 85, "all").empty


def test_works_on_what_the_store_returns(sample_store):
    ds = sample_store.load()  # categorical codes and periods
    assert len(progress.score_history(ds, "industry", last="2022Q4")) == 13 * 4
    assert progress.passing_counts(ds, "all", 85)["scored"].max() == 13
