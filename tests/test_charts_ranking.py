import pandas as pd

from wuxing import catalog
from wuxing.charts import ranking as charts
from wuxing.charts import style


def test_ranking_bars_say_tied_ranks_and_missing():
    ranked = pd.DataFrame(
        {
            "rank": pd.array([1, 1, None], dtype="Int64"),
            "tied": [True, True, False],
            "code": ["J", "Z", "Y"],
            "village": ["甲村", "赵家村", "乙村"],
            "value": [90.0, 90.0, float("nan")],
        }
    )
    fig = charts.ranking(ranked, "排名", "产业兴旺星得分（分）", "分", "industry").to_dict()
    bar = fig["data"][0]
    assert list(bar["text"]) == ["并列第1名 · 90.0 分", "并列第1名 · 90.0 分", "缺报"]
    assert bar["marker"]["color"] == catalog.STAR_COLORS["industry"]
    assert fig["layout"]["xaxis"]["title"]["text"] == "产业兴旺星得分（分）"


def test_changes_colour_by_improvement_not_by_sign():
    frame = pd.DataFrame(
        {
            "code": ["J", "Z"],
            "village": ["甲村", "赵家村"],
            "change": [-2.0, 1.0],
            "improvement": [2.0, -1.0],
        }
    )
    bar = charts.changes(frame, "进退", "环比变化（起）", "起").to_dict()["data"][0]
    assert list(bar["y"]) == ["甲村", "赵家村"]
    assert list(bar["marker"]["color"]) == [style.PASS_COLOR, style.FAIL_COLOR]
    assert list(bar["text"]) == ["-2 起", "+1 起"]
