import pandas as pd

from tests.conftest import figure_titled, figures, run_app
from wuxing.dataset import Dataset

PAGE = "pages/ranking.py"


def test_ranking_on_the_sample(default_home):
    at = run_app(PAGE)
    assert not at.exception
    assert at.title[0].value == "比武排名"
    ranked = figure_titled(at, "五星总分排名")["data"][0]
    assert len(ranked["y"]) == 13
    assert list(ranked["x"]) == sorted(ranked["x"], reverse=True)  # first place at the top
    assert ranked["text"][0].startswith("第1名")
    assert figure_titled(at, "进退最大的村") and figure_titled(at, "进步最快的村")


def test_ranking_by_an_indicator_from_the_url_round_trips(default_home):
    at = run_app(PAGE, query={"by": "ind:criminal_cases", "star": "safety", "period": "2023Q2"})
    assert not at.exception
    ranked = figure_titled(at, "2023年第二季度刑事案件排名")["data"][0]
    values = [v for v in ranked["x"] if v is not None]
    assert values == sorted(values)  # fewer cases rank first
    assert at.query_params["by"] == "ind:criminal_cases" and at.query_params["star"] == "safety"


def test_empty_store(named_store):
    at = run_app(PAGE)
    assert not at.exception
    assert not figures(at)


def test_one_village_one_quarter(named_store):
    named_store.commit(
        Dataset.of(
            villages=pd.DataFrame({"code": ["A"], "name": ["甲村"], "town": "某镇"}),
            scores=pd.DataFrame({"code": ["A"], "period": ["2024Q2"], "star": ["safety"], "score": [90.0]}),
        ),
        content=b"one", filename="one.xlsx", user="测试",
    )  # fmt: skip
    at = run_app(PAGE)
    assert not at.exception
    assert any("无法排名" in i.value for i in at.info)  # total needs all five stars
    at = run_app(PAGE, query={"by": "safety"})
    assert not at.exception
    ranked = figure_titled(at, "平安法治星得分排名")["data"][0]
    assert list(ranked["y"]) == ["甲村"] and list(ranked["x"]) == [90.0]
    assert any("没有可比的数据" in i.value for i in at.info)
