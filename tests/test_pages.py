"""What every page does with too little data: an empty store, and one village with one quarter.

Each page says in Chinese what is missing and draws only what the data can show; none fails.
"""

import pandas as pd
import pytest

from tests.conftest import figure_titled, figures, run_app
from wuxing.dataset import Dataset

NO_DATA = "还没有数据"


EMPTY_NOTICES = {  # page: what it says on an empty store
    "overview": NO_DATA,
    "progress": NO_DATA,
    "indicators": NO_DATA,
    "ranking": NO_DATA,
    "profile": "还没有村庄",
    "pairs": NO_DATA,
    "meeting": NO_DATA,
    "reporting": NO_DATA,
}


@pytest.mark.parametrize(("page", "notice"), EMPTY_NOTICES.items(), ids=EMPTY_NOTICES)
def test_an_empty_store_says_there_is_no_data_yet(named_store, page, notice):
    at = run_app(f"pages/{page}.py")
    assert not at.exception
    assert any(notice in i.value for i in at.info)
    assert not figures(at)


# -- one village, one quarter: each page with the kinds of data it is about ----------------------

VILLAGE = pd.DataFrame({"code": ["A"], "name": ["甲村"], "town": "某镇"})
VALUES = pd.DataFrame(
    {"code": ["A"], "period": ["2024Q2"], "indicator": ["volunteers"], "value": [7.0]}
)
SCORES = pd.DataFrame({"code": ["A"], "period": ["2024Q2"], "star": ["safety"], "score": [90.0]})
AWARDS = pd.DataFrame({"code": ["A"], "year": [2023], "star": ["safety"], "awarded": [True]})
TARGETS = pd.DataFrame({"code": ["A"], "year": [2024], "level": [2], "stars": ["safety,industry"]})


def infos(at) -> list[str]:
    return [i.value for i in at.info]


def overview(at):
    heat = figure_titled(at, "各村星级评分")
    assert list(heat["data"][0]["y"]) == ["甲村"]
    assert not any("示例数据" in text for text in infos(at))


def progress(at):
    passing = figure_titled(at, "各季度达标村数")
    assert list(passing["data"][0]["y"]) == [1] and passing["data"][0]["name"] == "平安法治星"
    gaps = figure_titled(at, "创星目标")
    assert [t["name"] for t in gaps["data"] if t["type"] == "bar"] == ["产业兴旺星"]
    assert any("还没有五星平均得分" in text for text in infos(at))  # only one star scored


def indicators_default(at):
    # The page opens on collective income, which nobody reported.
    assert any("还没有村填报" in text for text in infos(at))
    assert not figures(at)


def indicators_volunteers(at):
    bars = figure_titled(at, "各村注册志愿者")
    assert list(bars["data"][0]["y"]) == [7.0] and list(bars["data"][0]["x"]) == ["甲村"]


def ranking_total(at):
    assert any("无法排名" in text for text in infos(at))  # the total needs all five stars
    assert not figures(at)


def ranking_safety(at):
    ranked = figure_titled(at, "平安法治星得分排名")["data"][0]
    assert list(ranked["y"]) == ["甲村"] and list(ranked["x"]) == [90.0]
    assert any("没有可比的数据" in text for text in infos(at))


def profile(at):
    radar = figure_titled(at, "甲村2024年第二季度五星得分")["data"][-1]
    assert list(radar["r"]) == [None, None, None, 90.0, None, None]
    assert any("未结对" in c.value for c in at.caption)


def pairs(at):
    assert any("还没有结对帮带记录" in text for text in infos(at))
    assert not figures(at)


@pytest.mark.parametrize(
    ("page", "query", "data", "check"),
    [
        pytest.param(
            "pages/overview.py", {}, {"values": VALUES, "scores": SCORES}, overview, id="overview"
        ),
        pytest.param(
            "pages/progress.py",
            {},
            {"scores": SCORES, "awards": AWARDS, "targets": TARGETS},
            progress,
            id="progress",
        ),
        pytest.param(
            "pages/indicators.py", {}, {"values": VALUES}, indicators_default, id="indicators"
        ),
        pytest.param(
            "pages/indicators.py",
            {"indicator": "volunteers"},
            {"values": VALUES},
            indicators_volunteers,
            id="indicators-volunteers",
        ),
        pytest.param("pages/ranking.py", {}, {"scores": SCORES}, ranking_total, id="ranking"),
        pytest.param(
            "pages/ranking.py",
            {"by": "safety"},
            {"scores": SCORES},
            ranking_safety,
            id="ranking-safety",
        ),
        pytest.param(
            "pages/profile.py", {}, {"values": VALUES, "scores": SCORES}, profile, id="profile"
        ),
        pytest.param("pages/pairs.py", {}, {"values": VALUES, "scores": SCORES}, pairs, id="pairs"),
    ],
)
def test_one_village_one_quarter(named_store, page, query, data, check):
    named_store.commit(
        Dataset.of(villages=VILLAGE, **data), content=b"one", filename="one.xlsx", user="测试"
    )
    at = run_app(page, query=query)
    assert not at.exception
    check(at)


# -- Streamlit's own words, where an argument gives ours ------------------------------------------

PAGES_WITH_DATA = ["overview", "progress", "indicators", "ranking", "profile", "pairs", "meeting"]


@pytest.mark.parametrize("page", [*PAGES_WITH_DATA, "reporting"])
def test_a_cleared_picker_and_a_missing_cell_say_it_in_chinese(named_sample_store, page):
    # Cleared to search, a picker showed Streamlit's "Choose an option"; a missing value in a table
    # read "None". A rendered picker's value hides its placeholder, so only the argument is seen.
    at = run_app(f"pages/{page}.py")
    assert not at.exception
    assert at.selectbox, "the sidebar's pickers at least"
    assert {s.proto.placeholder for s in at.selectbox} == {"输入文字搜索"}
    tables = at.dataframe
    assert {t.proto.placeholder for t in tables} <= {"—"}
    if page == "reporting":
        assert tables  # 各村填报情况: a table is shown without opening a box
