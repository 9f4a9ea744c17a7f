import io

import pandas as pd
import pytest

from tests.conftest import figure_titled, run_app
from wuxing import catalog
from wuxing.dataset import generated_code
from wuxing.metrics import profile, villages
from wuxing.samples import sample, synthetic

PAGE = "pages/profile.py"
ZHAO = generated_code(sample.CITY, sample.COUNTY, sample.TOWN, "赵家村")


def test_profile_of_the_village_in_the_url(default_home):
    at = run_app(PAGE, query={"village": ZHAO, "period": "2023Q4"})
    assert not at.exception
    assert at.title[0].value == "村庄档案"
    assert any(h.value.startswith("赵家村") for h in at.subheader)
    radar = figure_titled(at, "赵家村2023年第四季度五星得分")
    assert len(radar["data"][-1]["r"]) == 6 and all(r is not None for r in radar["data"][-1]["r"])
    assert any("导师村" in i.value and "乙村" in i.value for i in at.info)  # 赵家村 mentors 乙村
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["户数（户）"] == "760 户" and metrics["2023年创星目标"] == "五星"
    tables = [t.value for t in at.dataframe]
    assert any("趋势" in t.columns for t in tables)
    assert any("上传人" in t.columns and len(t) == 1 for t in tables)  # the sample upload
    assert at.query_params["village"] == ZHAO


def test_invalid_village_falls_back_with_a_notice(default_home):
    at = run_app(PAGE, query={"village": "nope"})
    assert not at.exception
    assert any("无效" in w.value for w in at.warning)
    assert at.query_params["village"] != "nope"


def test_a_village_of_a_county_is_ranked_among_the_villages_in_view(county_store, county):
    code = county.villages["code"].iloc[5]
    at = run_app(PAGE, query={"village": code, "period": "2023Q4"})
    assert not at.exception
    scores = county.scores[county.scores["period"] == "2023Q4"].dropna(subset=["score"])
    per_village = scores.groupby("code")["score"].agg(["sum", "count"])
    totals = per_village.loc[per_village["count"] == 5, "sum"]
    rank = int((totals > totals[code]).sum()) + 1
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[f"五星总分排名（共{len(totals)}村）"].endswith(f"第{rank}名")
    radar = figure_titled(at, "五星得分")["data"]
    means = scores.groupby("star")["score"].mean()
    assert radar[1]["r"][:5] == pytest.approx([means[s] for s in catalog.STAR_IDS])
    mine = scores[scores["code"] == code].set_index("star")["score"]
    assert radar[2]["r"][:5] == pytest.approx([mine[s] for s in catalog.STAR_IDS])
    assert len(at.selectbox(key="village").options) == 120


def test_past_the_picker_limit_the_township_comes_first(county_store, county, monkeypatch):
    monkeypatch.setattr(villages, "PICKER_LIMIT", 50)  # a county stands in for a province
    rows = county.villages.set_index("code")
    code = county.villages["code"].iloc[7]
    at = run_app(PAGE, query={"village": code})
    assert not at.exception
    town = at.selectbox(key="village_town")
    assert town.value.endswith("/" + rows.loc[code, "town"]) and len(town.options) == 7
    assert at.selectbox(key="village").value == code
    assert (
        len(at.selectbox(key="village").options) == (rows["town"] == rows.loc[code, "town"]).sum()
    )
    other = next(t for t in town.options if not t.endswith(rows.loc[code, "town"]))
    at.selectbox(key="village_town").select(other.replace(" › ", "/")).run()
    assert not at.exception and not at.warning  # the first village of the township, no notice
    picked = at.selectbox(key="village").value
    assert rows.loc[picked, "town"] == other.split(" › ")[-1]
    assert at.query_params["village"] == picked


def test_the_indicator_excel_leaves_out_the_sparklines(default_home, deferred):
    at = run_app(PAGE, query={"village": ZHAO, "period": "2023Q4"})
    assert not at.exception
    workbooks = [pd.read_excel(io.BytesIO(make()), engine="calamine") for make in deferred.values()]
    sheet = next(w for w in workbooks if {"指标", "本期"} <= set(w.columns))
    assert "趋势" not in sheet.columns and len(sheet) > 10


def test_the_area_average_is_named_after_the_area(default_home):
    """Issue 16 §7: a township's profile compares with 马庄桥镇平均, not a 全区平均."""
    at = run_app(PAGE, query={"village": ZHAO, "period": "2023Q4"})
    radar = figure_titled(at, "赵家村2023年第四季度五星得分")
    names = [trace.get("name") for trace in radar["data"]]
    assert "马庄桥镇平均" in names and "全区平均" not in names
    assert "全区平均" not in str(radar)


def test_mean_name_follows_the_chosen_area_else_the_shared_place(sample_dataset):
    assert profile.mean_name(sample_dataset, "") == "马庄桥镇平均"
    assert profile.mean_name(sample_dataset, "濮阳市/清丰县") == "清丰县平均"
    county = synthetic.build(60, 2)
    assert profile.mean_name(county, "") in {
        "全部地区平均",
        f"{county.villages['county'].iloc[0]}平均",
        f"{county.villages['city'].iloc[0]}平均",
    }
