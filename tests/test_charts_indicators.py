import math

import pandas as pd

from wuxing.charts import indicators as charts

FRAME = pd.DataFrame(
    {
        "code": ["J", "Z", "Y"],
        "village": ["甲村", "赵家村", "乙村"],
        "value": [25.0, 12.0, float("nan")],
        "band": ["≥20", "10–20", "缺报"],
    }
)


def test_by_village_colours_bands_and_marks_missing_without_a_bar():
    fig = charts.by_village(
        FRAME, "collective_income", "村集体经济收入", "万元", "各村", ["<5", "5–10", "10–20", "≥20"]
    ).to_dict()
    named = {t["name"]: t for t in fig["data"]}
    assert list(named["≥20 万元"]["y"]) == [25.0] and list(named["10–20 万元"]["text"]) == ["12.0"]
    assert list(named["缺报（未填报）"]["x"]) == ["乙村"]
    assert list(fig["layout"]["xaxis"]["categoryarray"]) == ["甲村", "赵家村", "乙村"]
    assert fig["layout"]["yaxis"]["title"]["text"] == "村集体经济收入（万元）"


def test_over_time_keeps_gaps():
    series = pd.DataFrame(
        {
            "code": ["J", "Z", "Z"],
            "village": ["甲村", "赵家村", "赵家村"],
            "key": ["2023Q2", "2023Q1", "2023Q2"],
            "label": ["2023年Q2", "2023年Q1", "2023年Q2"],
            "value": [7.0, 3.0, 4.0],
        }
    )
    first = charts.over_time(series, "各村注册志愿者变化", "人", "季度").data[0]
    assert first.name == "甲村" and math.isnan(first.y[0]) and first.y[1] == 7.0


def test_totals_say_how_many_reported():
    totals = pd.DataFrame(
        {
            "key": ["2023Q1"],
            "label": ["2023年Q1"],
            "value": [306.7],
            "reporting": [12],
            "villages": [13],
        }
    )
    fig = charts.totals(
        totals, "collective_income", "村集体经济收入", "合计", "万元", "季度", "合计"
    ).to_dict()
    assert list(fig["data"][0]["text"]) == ["306.7"]
    assert fig["layout"]["yaxis"]["title"]["text"] == "村集体经济收入合计（万元）"


def test_over_time_legend_stands_under_upright_quarters():
    series = pd.DataFrame(
        {
            "code": ["J", "J"],
            "village": ["甲村", "甲村"],
            "key": ["2023Q1", "2023Q2"],
            "label": ["2023年Q1", "2023年Q2"],
            "value": [3.0, 4.0],
        }
    )
    layout = charts.over_time(series, "各村注册志愿者变化", "人", "季度").layout
    assert list(layout.xaxis.ticktext) == ["Q1<br>2023年", "Q2"] and layout.xaxis.tickangle == 0
    assert layout.legend.yref == "container"  # beside the plot it took half a phone's width
