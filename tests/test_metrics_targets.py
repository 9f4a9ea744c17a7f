import pandas as pd

from wuxing.dataset import Dataset
from wuxing.metrics import targets


def _ds(target_rows, score_rows):
    villages = pd.DataFrame({"code": ["Z", "J"], "name": ["赵家村", "甲村"], "town": "镇"})
    return Dataset.of(
        villages=villages,
        targets=pd.DataFrame(target_rows, columns=["code", "year", "level", "stars"]),
        scores=pd.DataFrame(score_rows, columns=["code", "period", "star", "score"]),
    )


def test_off_track_village_lists_missing_stars_and_points_short():
    ds = _ds(
        [("Z", 2023, 2, "industry,ecology"), ("J", 2023, 1, "industry")],
        [
            ("Z", "2023Q2", "industry", 90),
            ("Z", "2023Q2", "ecology", 80.5),
            ("J", "2023Q2", "industry", 85),
        ],
    )
    status = targets.target_status(ds, "2023Q2", 85).set_index("village")
    assert status.loc["赵家村", "missing"] == ["ecology"]
    assert status.loc["赵家村", "points_short"] == 4.5
    assert not status.loc["赵家村", "on_track"]
    assert status.loc["甲村", "on_track"]  # exactly at the pass mark counts
    assert targets.on_track_counts(status.reset_index()) == {"按目标推进": 1, "未达目标进度": 1}


def test_missing_score_counts_as_the_whole_pass_mark_short():
    ds = _ds([("Z", 2023, 1, "safety")], [])
    status = targets.target_status(ds, "2023Q1", 85)
    assert status.loc[0, "points_short"] == 85.0 and status.loc[0, "missing"] == ["safety"]


def test_level_only_target_counts_passing_stars():
    ds = _ds([("Z", 2023, 2, "")], [("Z", "2023Q1", "industry", 88), ("Z", "2023Q1", "safety", 70)])
    assert not targets.target_status(ds, "2023Q1", 85).loc[0, "on_track"]


def test_no_targets_for_the_year_gives_an_empty_frame():
    ds = _ds([("Z", 2022, 1, "industry")], [])
    assert targets.target_status(ds, "2023Q1", 85).empty


def test_target_table_is_chinese():
    ds = _ds([("Z", 2023, 2, "industry,ecology")], [("Z", "2023Q1", "industry", 90)])
    table = targets.target_table(targets.target_status(ds, "2023Q1", 85))
    assert table.loc[0, "目标星级"] == "二星" and table.loc[0, "尚缺星"] == "生态宜居"
    assert table.loc[0, "当前达标星"] == "产业兴旺"
