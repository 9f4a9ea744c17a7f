import pandas as pd

from wuxing.dataset import Dataset
from wuxing.metrics import villages


def _ds():
    return Dataset.of(
        villages=pd.DataFrame(
            {
                "code": ["1", "2", "3", "4"],
                "name": ["赵家村", "安乐村", "赵家村", "北关村"],
                "town": ["马庄桥镇", "马庄桥镇", "高堡乡", "高堡乡"],
                "county": "清丰县",
                "city": "濮阳市",
            }
        )
    )


def test_pinyin_order_not_code_point_order():
    assert villages.sort_by_pinyin(["赵家村", "安乐村", "北关村", "甲村"]) == [
        "安乐村",
        "北关村",
        "甲村",
        "赵家村",
    ]


def test_areas_are_hierarchical_and_scope_filters_villages():
    ds = _ds()
    assert villages.area_options(ds.villages) == [
        "濮阳市",
        "濮阳市/清丰县",
        "濮阳市/清丰县/高堡乡",
        "濮阳市/清丰县/马庄桥镇",
    ]
    assert villages.default_area(ds.villages) == "濮阳市/清丰县"
    assert set(villages.scope(ds, "濮阳市/清丰县/高堡乡").villages["code"]) == {"3", "4"}
    assert len(villages.scope(ds, "").villages) == 4
    # The count the sidebar's quarter list says "已报 2/13 村" of: the same villages.
    assert villages.village_count(ds, "濮阳市/清丰县/高堡乡") == 2
    assert villages.village_count(ds, "") == 4


def test_shared_names_get_their_town():
    names = villages.names(_ds())
    assert (
        names["1"] == "赵家村（马庄桥镇）"
        and names["3"] == "赵家村（高堡乡）"
        and names["2"] == "安乐村"
    )


def _slashed():
    # "/" in a name: the area path must not split it into two levels.
    return Dataset.of(
        villages=pd.DataFrame(
            {
                "code": ["1", "2", "3"],
                "name": ["甲村", "乙村", "丙村"],
                "town": ["东/西镇", "东/西镇", "南100%乡"],
                "county": "清丰县",
                "city": "濮阳市",
            }
        )
    )


def test_a_slash_in_a_name_keeps_its_area_whole():
    ds = _slashed()
    town = next(a for a in villages.area_options(ds.villages) if "西" in a)
    assert villages.area_parts(town) == ["濮阳市", "清丰县", "东/西镇"]
    assert villages.area_label(town) == "东/西镇"
    assert set(villages.scope(ds, town).villages["code"]) == {"1", "2"}
    percent = next(a for a in villages.area_options(ds.villages) if "南" in a)
    assert set(villages.scope(ds, percent).villages["code"]) == {"3"}
    one_town = Dataset.of(villages=ds.villages[ds.villages["code"] != "3"])
    assert villages.area_parts(villages.default_area(one_town.villages))[-1] == "东/西镇"


def test_area_paths_without_slashes_read_as_before():
    assert villages.join_area(["濮阳市", "清丰县", "马庄桥镇"]) == "濮阳市/清丰县/马庄桥镇"
    assert villages.area_parts(villages.join_area(["a/b", "50%", "c"])) == ["a/b", "50%", "c"]


def test_an_area_may_end_at_a_village():
    ds = _ds()
    one = villages.scope(ds, "濮阳市/清丰县/马庄桥镇/赵家村")
    assert one.villages["code"].tolist() == ["1"]  # not 高堡乡's 赵家村, not its neighbour
    assert villages.area_label("濮阳市/清丰县/马庄桥镇/赵家村") == "赵家村"
    assert villages.scope(ds, "濮阳市/清丰县/马庄桥镇/无此村").villages.empty


TOWNS = ["", "濮阳市", "濮阳市/清丰县", "濮阳市/清丰县/高堡乡", "濮阳市/清丰县/马庄桥镇"]


def test_browsable_areas_follow_the_viewing_scope_down_to_a_village():
    # Everything to browse: every area, the account's own village beside its township.
    village = "濮阳市/清丰县/马庄桥镇/赵家村"
    assert villages.browsable_areas(TOWNS, "") == TOWNS
    assert villages.browsable_areas(TOWNS, "", village) == [*TOWNS, village]
    assert villages.browsable_areas(
        TOWNS, "濮阳市/清丰县/高堡乡", "濮阳市/清丰县/高堡乡/北关村"
    ) == [
        "濮阳市/清丰县/高堡乡",
        "濮阳市/清丰县/高堡乡/北关村",
    ]
    # A village secretary who may browse only the village: that village and nothing else.
    assert villages.browsable_areas(TOWNS, village, village) == [village]
    # A county viewer: the county and its townships, not the city above it.
    assert villages.browsable_areas(TOWNS, "濮阳市/清丰县") == TOWNS[2:]
    # An own area outside what it may browse is not offered.
    assert villages.browsable_areas(TOWNS, "濮阳市/清丰县/高堡乡", village) == [TOWNS[3]]


def test_townships_for_the_picker_in_pinyin_order_with_their_villages():
    roster = pd.DataFrame(
        {
            "code": ["A", "B", "C", "D"],
            "name": ["赵村", "安村", "乙村", "甲村"],
            "town": ["赵镇", "赵镇", "安镇", ""],
            "county": "某县",
            "city": "某市",
        }
    )
    ds = Dataset.of(villages=roster)
    assert villages.towns(ds) == ["某市/某县/", "某市/某县/安镇", "某市/某县/赵镇"]
    assert villages.town_of(ds, "A") == "某市/某县/赵镇" and villages.town_of(ds, "X") is None
    assert villages.codes_in_town(ds, "某市/某县/赵镇") == ["B", "A"]  # 安村 before 赵村
    assert villages.town_label("某市/某县/赵镇") == "某市 › 某县 › 赵镇"
    assert villages.town_label("某市/某县/") == "某市 › 某县"


def test_a_town_with_a_slash_in_its_name_is_one_town_with_its_villages():
    roster = pd.DataFrame(
        {
            "code": ["1", "2"],
            "name": ["甲村", "乙村"],
            "town": "东/西镇",
            "county": "清丰县",
            "city": "濮阳市",
        }
    )
    ds = Dataset.of(villages=roster)
    [town] = villages.towns(ds)
    assert villages.town_label(town) == "濮阳市 › 清丰县 › 东/西镇"
    assert villages.town_of(ds, "1") == town
    assert sorted(villages.codes_in_town(ds, town)) == ["1", "2"]


def test_the_picker_labels_villages_by_display_name():
    assert villages.labels(_ds()) == {
        "1": "赵家村（马庄桥镇）",
        "2": "安乐村",
        "3": "赵家村（高堡乡）",
        "4": "北关村",
    }
