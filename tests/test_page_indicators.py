from tests.conftest import figure_titled, run_app

PAGE = "pages/indicators.py"


def test_indicators_on_the_sample(default_home):
    at = run_app(PAGE, query={"period": "2023Q1"})
    assert not at.exception
    assert at.title[0].value == "指标分析"
    totals = figure_titled(at, "村集体经济收入合计变化")
    assert list(totals["data"][0]["x"])[-1] == "2023年Q1"
    # Titles name the quarter in full, as every other page does; axes keep the compact form.
    by_village = figure_titled(at, "2023年第一季度各村村集体经济收入（万元）")
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
