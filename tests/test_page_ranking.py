import pytest

from tests.conftest import figure_titled, figures, run_app, title_of

PAGE = "pages/ranking.py"


def test_ranking_on_the_sample(default_home):
    at = run_app(PAGE)
    assert not at.exception
    assert at.title[0].value == "比武排名"
    ranked = figure_titled(at, "五星总分排名")["data"][0]
    assert len(ranked["y"]) == 13
    assert list(ranked["x"]) == sorted(ranked["x"], reverse=True)  # first place at the top
    assert ranked["text"][0].startswith("第1名")
    assert figure_titled(at, "进退最大的村")
    assert figure_titled(at, "五星总分进步最快的村（2022年第四季度起）")  # a year back, in full


def test_ranking_by_an_indicator_from_the_url_round_trips(default_home):
    at = run_app(PAGE, query={"by": "ind:criminal_cases", "star": "safety", "period": "2023Q2"})
    assert not at.exception
    ranked = figure_titled(at, "2023年第二季度刑事案件排名")["data"][0]
    values = [v for v in ranked["x"] if v is not None]
    assert values == sorted(values)  # fewer cases rank first
    assert at.query_params["by"] == "ind:criminal_cases" and at.query_params["star"] == "safety"


def test_a_county_ranks_its_townships_and_keeps_movers_village_by_village(county_store, county):
    at = run_app(PAGE, query={"period": "2023Q4"})
    assert not at.exception
    bars = figure_titled(at, "2023年第四季度各乡镇五星总分排名（各村平均）")["data"][0]
    # A township's figure: the mean five-star total of its villages scored on all five stars.
    scores = county.scores[county.scores["period"] == "2023Q4"].dropna(subset=["score"])
    per_village = scores.groupby("code")["score"].agg(["sum", "count"])
    totals = per_village.loc[per_village["count"] == 5, "sum"]
    town_of = county.villages.set_index("code")["town"]
    expected = totals.groupby(town_of.reindex(totals.index)).mean().sort_values(ascending=False)
    assert list(bars["y"]) == expected.index.tolist()
    assert bars["x"] == pytest.approx(expected.tolist())
    assert bars["text"][0] == f"第1名 · {expected.iloc[0]:.1f} 分"
    assert [row[0].split("/")[-1] for row in bars["customdata"]] == expected.index.tolist()
    assert figure_titled(at, "各乡镇五星总分排名")["layout"]["yaxis"]["title"]["text"] == "乡镇"
    # The movers and the most improved are still villages, a handful of them.
    movers = figure_titled(at, "进退最大的村")["data"][0]
    assert 1 <= len(movers["y"]) <= 12 and not set(movers["y"]) & set(town_of)
    improved = figure_titled(at, "进步最快的村")["data"][0]
    assert 1 <= len(improved["y"]) <= 12
    assert not [f for f in figures(at) if title_of(f).startswith("2023年第四季度五星总分排名")]


def test_a_county_ranks_townships_by_an_indicator_sum(county_store, county):
    at = run_app(PAGE, query={"by": "ind:volunteers", "period": "2023Q2"})
    assert not at.exception
    bars = figure_titled(at, "各乡镇注册志愿者排名（各村合计）")["data"][0]
    rows = county.values[
        (county.values["indicator"] == "volunteers") & (county.values["period"] == "2023Q2")
    ]
    town_of = county.villages.set_index("code")["town"]
    expected = rows.groupby(rows["code"].map(town_of))["value"].sum().sort_values(ascending=False)
    assert dict(zip(bars["y"], bars["x"], strict=True)) == pytest.approx(expected.to_dict())
    assert list(bars["x"]) == sorted(bars["x"], reverse=True)
