import pandas as pd

from wuxing import catalog
from wuxing.charts import profile as charts

CARD = pd.DataFrame(
    {
        "star": list(catalog.STAR_IDS),
        "score": [90.0, None, 80.0, 85.0, 70.0],
        "area_mean": [85.0, 84.0, 83.0, 82.0, 81.0],
    }
)


def test_radar_leaves_a_missing_score_out_and_closes_the_outline():
    fig = charts.star_radar(CARD, "赵家村", "2023年Q2", 85).to_dict()
    village = fig["data"][-1]
    assert village["name"] == "赵家村"
    assert list(village["r"]) == [90.0, None, 80.0, 85.0, 70.0, 90.0]
    assert list(village["theta"])[0] == list(village["theta"])[-1] == "支部过硬"
    assert list(fig["data"][0]["r"]) == [85] * 6
    assert "（分）" in fig["layout"]["title"]["text"]


def test_score_history_one_line_per_star_in_its_colour():
    history = pd.DataFrame(
        {
            "period": ["2023Q1", "2023Q2", "2023Q1"],
            "star": ["safety", "safety", "branch"],
            "score": [80.0, 88.0, 90.0],
        }
    )
    fig = charts.score_history(history, "赵家村", 85).to_dict()
    assert [t["name"] for t in fig["data"]] == ["支部过硬星", "平安法治星"]
    assert fig["data"][1]["line"]["color"] == catalog.STAR_COLORS["safety"]
    assert fig["layout"]["yaxis"]["title"]["text"] == "得分（分）"
