import pandas as pd

from tests.conftest import figure_titled, figures, run_app
from wuxing.dataset import Dataset

PAGE = "pages/indicators.py"


def test_indicators_on_the_sample(default_home):
    at = run_app(PAGE, query={"period": "2023Q1"})
    assert not at.exception
    assert at.title[0].value == "指标分析"
    totals = figure_titled(at, "村集体经济收入合计变化")
    assert list(totals["data"][0]["x"])[-1] == "2023年Q1"
    by_village = figure_titled(at, "各村村集体经济收入（万元）")
    values = [v for t in by_village["data"] if t["type"] == "bar" for v in t["y"]]
    assert len(values) == 13
    assert at.query_params["indicator"] == "collective_income"


def test_url_picks_indicator_basis_and_years_and_they_round_trip(default_home):
    query = {"period": "2023Q1", "indicator": "toilet_upgrades", "grain": "year", "basis": "total"}
    at = run_app(PAGE, query=query)
    assert not at.exception
    totals = figure_titled(at, "卫生厕所改造合计变化")
    assert list(totals["data"][0]["x"]) == ["2022年", "2023年（至Q1）"]
    assert totals["data"][0]["y"][-1] == 1430  # the article's township figure
    assert {k: at.query_params[k] for k in query} == query


def test_invalid_indicator_in_the_url_falls_back_with_a_notice(default_home):
    at = run_app(PAGE, query={"indicator": "no_such_thing"})
    assert not at.exception
    assert any("无效" in w.value for w in at.warning)
    assert at.query_params["indicator"] == "collective_income"


def test_empty_store(named_store):
    at = run_app(PAGE)
    assert not at.exception
    assert any("还没有数据" in i.value for i in at.info)
    assert not figures(at)


def test_one_village_one_quarter(named_store):
    named_store.commit(
        Dataset.of(
            villages=pd.DataFrame({"code": ["A"], "name": ["甲村"], "town": "某镇"}),
            values=pd.DataFrame({"code": ["A"], "period": ["2024Q2"], "indicator": ["volunteers"], "value": [7.0]}),
        ),
        content=b"one", filename="one.xlsx", user="测试",
    )  # fmt: skip
    at = run_app(PAGE)
    assert not at.exception
    assert any("还没有村填报" in i.value for i in at.info)  # collective income: nothing reported
    at = run_app(PAGE, query={"indicator": "volunteers"})
    assert not at.exception
    bars = figure_titled(at, "各村注册志愿者")
    assert list(bars["data"][0]["y"]) == [7.0] and list(bars["data"][0]["x"]) == ["甲村"]
