import pytest

from tests.conftest import figure_titled, figures, run_app
from wuxing.metrics import villages

PAGE = "pages/progress.py"


def test_progress_on_the_sample(default_home):
    at = run_app(PAGE)
    assert not at.exception
    assert at.title[0].value == "星级进度"
    passing = figure_titled(at, "各季度达标村数")
    assert [t["name"] for t in passing["data"]] == [
        "支部过硬星",
        "产业兴旺星",
        "生态宜居星",
        "平安法治星",
        "文明幸福星",
    ]
    assert len(passing["data"][0]["x"]) == 8  # 2022Q1–2023Q4
    assert all(0 <= n <= 13 for t in passing["data"] for n in t["y"])
    trend = figure_titled(at, "五星平均得分变化")
    assert len(trend["data"]) == 13
    grid = figure_titled(at, "年度星级评定")
    assert len(grid["data"][0]["y"]) == 13 and list(grid["data"][0]["x"]) == ["2022年", "2023年"]


def test_one_star_and_quarter_from_the_url_round_trip(default_home):
    at = run_app(PAGE, query={"star": "industry", "period": "2022Q4"})
    assert not at.exception
    trend = figure_titled(at, "各村产业兴旺星得分变化")
    assert list(trend["data"][0]["x"])[-1] == "2022年Q4"
    passing = figure_titled(at, "各季度达标村数")
    assert [t["name"] for t in passing["data"]] == ["产业兴旺星"]
    assert at.query_params["star"] == "industry" and at.query_params["period"] == "2022Q4"


def test_a_county_shows_one_line_and_bar_per_township(county_store, county):
    at = run_app(PAGE)
    assert not at.exception
    towns = sorted(county.villages["town"].unique(), key=villages.pinyin_key)
    trend = figure_titled(at, "各乡镇五星平均得分变化")
    assert [t["name"] for t in trend["data"]] == towns
    # A town's line is the mean of its villages' five-star means, quarter by quarter.
    town = towns[0]
    codes = set(county.villages.loc[county.villages["town"] == town, "code"])
    mine = county.scores[county.scores["code"].isin(codes)]
    per_village = mine.groupby(["code", "period"])["score"].agg(["mean", "count"])
    expected = per_village[per_village["count"] == 5]["mean"].groupby("period").mean()
    assert trend["data"][0]["y"] == pytest.approx(expected.tolist())
    awards = figure_titled(at, "各乡镇年度平均星级")
    assert list(awards["data"][0]["x"]) == towns
    targets = figure_titled(at, "年各乡镇创星目标进度")
    on, off = targets["data"]
    assert sum(on["x"]) + sum(off["x"]) == county.targets["code"].nunique()
    assert not [f for f in figures(at) if f["layout"]["title"]["text"].startswith("各村")]


def test_the_score_table_is_made_when_its_box_is_opened(default_home):
    at = run_app(PAGE, query={"period": "2023Q4"})
    assert not at.exception and not at.dataframe
    at.session_state["score_trend_data"] = True
    at.run()
    table = at.dataframe[0].value
    assert table.columns[0] == "村名" and len(table) == 13
    assert all(c.endswith("（分）") for c in table.columns[1:])
