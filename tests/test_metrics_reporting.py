import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from wuxing.dataset import Dataset
from wuxing.metrics import reporting

CITY = "某市"
Q = "2024Q1"


def _dataset() -> Dataset:
    villages = pd.DataFrame(
        [
            ("v1", "一村", "东镇", "甲县"),
            ("v2", "二村", "东镇", "甲县"),
            ("v3", "三村", "西镇", "甲县"),
            ("v4", "四村", "西镇", "甲县"),
        ],
        columns=["code", "name", "town", "county"],
    ).assign(city=CITY)
    values = pd.DataFrame(
        [
            ("v1", Q, "collective_income", 10.0),
            ("v1", Q, "mushroom_output", 5.0),
            ("v1", Q, "toilet_upgrades", 80.0),
            ("v2", Q, "collective_income", 11.0),  # no mushrooms, no toilets
            ("v3", "2023Q4", "collective_income", 9.0),  # an earlier quarter only
        ],
        columns=["code", "period", "indicator", "value"],
    )
    scores = pd.DataFrame(
        [("v1", Q, star, 90.0) for star in ("branch", "industry", "ecology", "safety", "civility")]
        + [("v4", Q, "industry", 88.0)],
        columns=["code", "period", "star", "score"],
    )
    return Dataset.of(villages=villages, values=values, scores=scores)


def test_each_village_and_kind_is_reported_partly_reported_or_missing():
    status = reporting.village_status(_dataset(), Q).set_index("name")
    assert list(status.columns[1:4]) == ["产业兴旺星指标", "生态宜居星指标", "星级评分"]
    assert status.loc["一村", ["产业兴旺星指标", "生态宜居星指标", "星级评分"]].tolist() == [
        "已报",
        "已报",
        "已报",
    ]
    assert status.loc["二村", ["产业兴旺星指标", "生态宜居星指标"]].tolist() == ["部分", "未报"]
    assert status.loc["二村", "missing"] == "食用菌产量、卫生厕所改造、星级评分（全部）"
    assert not status.loc["三村", "reported"] and status.loc["四村", "reported"]
    assert status.loc["四村", "星级评分"] == "部分"


def test_the_tally_and_the_reminder_list_name_who_is_missing_what():
    status = reporting.village_status(_dataset(), Q)
    tally = reporting.tally(status)
    assert (tally.villages, tally.reported, tally.missing, tally.with_gaps) == (4, 3, 1, 2)
    assert tally.sentence() == "已报 3/4 个村，缺 1 个村；已报的村中 2 个有缺项"
    text = reporting.reminder_text(status, Q, "甲县")
    assert text.splitlines()[0] == "甲县2024年第一季度数据报送提醒（共 3 个村）："
    assert "三村：2024年第一季度数据尚未报送" in text
    assert "二村：缺 食用菌产量、卫生厕所改造、星级评分（全部）" in text
    assert "一村" not in text


def test_a_village_that_reported_everything_is_told_so_without_other_villages():
    status = reporting.village_status(_dataset(), Q)
    one = status[status["name"] == "一村"]
    assert reporting.reminder_text(one, Q, "一村") == "一村2024年第一季度数据已全部报齐。"
    done = status[status["missing"] == ""].iloc[0:0]
    assert "各村" in reporting.reminder_text(done, Q, "甲县")


def test_kinds_nobody_reported_are_named_not_counted_as_gaps():
    assert "支部过硬星指标" in reporting.unreported_kinds(_dataset(), Q)
    assert reporting.unreported_kinds(_dataset(), Q)[-1] != "星级评分"


def test_the_latest_live_upload_of_each_village():
    day = dt.datetime(2024, 4, 2, 9, 0)
    revisions = [
        SimpleNamespace(id=1, created_at=day, is_live=True),
        SimpleNamespace(id=2, created_at=day + dt.timedelta(days=1), is_live=True),
        SimpleNamespace(id=3, created_at=day + dt.timedelta(days=2), is_live=False),
    ]
    touched = pd.DataFrame(
        {"revision": [1, 2, 3, 1], "code": ["v1", "v1", "v2", "v2"], "kind": "values", "rows": 1}
    )
    found = reporting.latest_uploads(revisions, touched, ["v1", "v2", "v3"])
    assert found == {"v1": "第 2 版 · 2024-04-03", "v2": "第 1 版 · 2024-04-02"}
    grid = reporting.grid_table(reporting.village_status(_dataset(), Q), found)
    assert grid.set_index("村名").loc["三村", ["缺项", "最近上传"]].tolist() == ["全部未报", "—"]


@pytest.mark.parametrize(("area", "labels"), [(CITY, ["甲县"]), (f"{CITY}/甲县", ["东镇", "西镇"])])
def test_above_the_township_it_rolls_up_by_sub_area(area, labels):
    frame = reporting.by_area(_dataset(), area, Q)
    assert frame["label"].tolist() == labels
    if len(labels) == 2:
        assert frame[["villages", "reported", "missing", "with_gaps"]].values.tolist() == [
            [2, 2, 0, 1],
            [2, 1, 1, 1],
        ]
        table = reporting.area_table(frame, "乡镇")
        assert table["报送率"].tolist() == ["100%", "50%"]


def test_one_village_is_held_to_what_its_township_reports():
    from wuxing.metrics import villages

    village = f"{CITY}/甲县/东镇/二村"
    assert reporting.peer_area(village) == f"{CITY}/甲县/东镇"
    assert reporting.peer_area(f"{CITY}/甲县") == f"{CITY}/甲县" and reporting.peer_area("") == ""
    alone = villages.scope(_dataset(), village)
    assert reporting.village_status(alone, Q)["missing"].tolist() == [""]  # held to itself only
    peers = villages.scope(_dataset(), reporting.peer_area(village))
    status = reporting.village_status(alone, Q, tuple(reporting.expected_kinds(peers, Q)))
    assert status["name"].tolist() == ["二村"]
    assert "食用菌产量" in status["missing"].iloc[0] and "卫生厕所改造" in status["missing"].iloc[0]


def test_a_county_of_many_villages_keeps_each_villages_own_status_in_pinyin_order():
    # 3 townships × 40 villages: every third gave nothing, every other one lacks its toilets.
    villages = pd.DataFrame(
        [(f"c{i:03d}", f"村{i:03d}", f"{'东西南'[i % 3]}镇", "甲县") for i in range(120)],
        columns=["code", "name", "town", "county"],
    ).assign(city=CITY)
    values = pd.DataFrame(
        [
            (f"c{i:03d}", Q, item, 1.0)
            for i in range(120)
            if i % 3
            for item in ("collective_income", "toilet_upgrades")
            if item != "toilet_upgrades" or i % 2
        ],
        columns=["code", "period", "indicator", "value"],
    )
    ds = Dataset.of(villages=villages, values=values)
    status = reporting.village_status(ds, Q)
    assert status["name"].tolist() == sorted(villages["name"])
    assert status.set_index("code").loc[["c000", "c001", "c002"], "missing"].tolist() == [
        "村集体经济收入、卫生厕所改造",
        "",
        "卫生厕所改造",
    ]
    assert not status.set_index("code").loc["c003", "reported"]
    tally = reporting.tally(status)
    assert (tally.reported, tally.with_gaps) == (80, 40)
    assert reporting.reminder_text(status, Q, "甲县").count("尚未报送") == 40
    by_town = reporting.by_area(ds, f"{CITY}/甲县", Q)
    assert by_town[["label", "reported"]].values.tolist() == [
        ["东镇", 0],
        ["南镇", 40],
        ["西镇", 40],
    ]


def test_the_village_list_is_shown_for_a_county_or_few_villages_not_a_whole_province():
    assert not reporting.lists_villages("", 46_000)
    assert not reporting.lists_villages(CITY, reporting.LIST_LIMIT + 1)
    assert reporting.lists_villages(f"{CITY}/甲县", reporting.LIST_LIMIT + 1)
    assert reporting.lists_villages("", 13)  # the sample's province: a township's worth


def test_each_quarter_counts_the_villages_of_the_area_that_reported_anything():
    ds = _dataset()
    # 2024Q1: 一村 and 二村 (values), 四村 (a score only); 2023Q4: 三村.
    assert reporting.reported_counts(ds, "").to_dict() == {"2023Q4": 1, "2024Q1": 3}
    assert reporting.reported_counts(ds, f"{CITY}/甲县/西镇").to_dict() == {
        "2023Q4": 1,
        "2024Q1": 1,
    }
    one_village = f"{CITY}/甲县/东镇/二村"
    assert reporting.reported_counts(ds, one_village).to_dict() == {"2023Q4": 0, "2024Q1": 1}
    # A view's own count, as the meeting material says it (and 0 for a quarter nobody gave).
    assert reporting.reported_in(ds, "2024Q1") == 3 and reporting.reported_in(ds, "2022Q1") == 0


@pytest.mark.parametrize(
    ("counts", "villages", "opening"),
    [
        ({"2023Q3": 13, "2023Q4": 13, "2024Q1": 2}, 13, "2023Q4"),  # a few villages so far
        ({"2023Q3": 13, "2023Q4": 13, "2024Q1": 7}, 13, "2024Q1"),  # most have reported
        ({"2023Q3": 13, "2023Q4": 6, "2024Q1": 2}, 13, "2023Q3"),
        ({"2023Q4": 1, "2024Q1": 2}, 13, "2024Q1"),  # none has half: the newest
        ({"2024Q1": 0}, 0, "2024Q1"),
    ],
)
def test_pages_open_on_the_newest_quarter_most_villages_reported(counts, villages, opening):
    assert reporting.opening_quarter(pd.Series(counts), villages) == opening


def test_the_sidebar_marks_a_quarter_not_every_village_reported():
    counts = pd.Series({"2023Q4": 500, "2024Q1": 120})
    assert reporting.quarter_choice("2023Q4", counts, 500) == "2023年第四季度"
    assert reporting.quarter_choice("2024Q1", counts, 500) == "2024年第一季度（已报 120/500 村）"
    assert reporting.opening_quarter(pd.Series(dtype=int), 13) is None


def test_a_newer_quarter_some_village_reported_is_the_one_being_collected():
    counts = pd.Series({"2023Q3": 13, "2023Q4": 13, "2024Q1": 2, "2024Q2": 0})
    assert reporting.newer_quarter(counts, "2023Q4", 13) == "2024Q1"
    assert reporting.newer_quarter(counts, "2024Q1", 13) is None  # nothing newer reported here
    assert reporting.newer_quarter(counts, "2023Q3", 13) == "2024Q1"
    done = pd.Series({"2023Q4": 13, "2024Q1": 13})
    assert reporting.newer_quarter(done, "2023Q4", 13) is None  # every village reported it
