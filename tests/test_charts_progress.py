import re

import pandas as pd

from wuxing import catalog
from wuxing.charts import progress as charts


def test_score_trend_one_line_per_village_and_the_pass_mark():
    history = pd.DataFrame(
        {
            "code": ["J", "J", "Z"],
            "village": ["甲村", "甲村", "赵家村"],
            "period": ["2023Q1", "2023Q2", "2023Q1"],
            "score": [80.0, 86.0, 90.0],
        }
    )
    fig = charts.score_trend(history, "各村产业兴旺星得分变化", 85).to_dict()
    assert [t["name"] for t in fig["data"]] == ["甲村", "赵家村"]
    assert list(fig["data"][0]["x"]) == ["2023年Q1", "2023年Q2"]
    assert fig["layout"]["shapes"][0]["y0"] == 85
    assert fig["layout"]["yaxis"]["title"]["text"] == "得分（分）"


def test_passing_counts_use_the_star_colours():
    counts = pd.DataFrame(
        {
            "period": ["2023Q1", "2023Q1"],
            "star": ["industry", "safety"],
            "label": ["产业兴旺星", "平安法治星"],
            "passing": [3, 1],
            "scored": [4, 4],
        }
    )
    fig = charts.passing_counts(counts, 4, 85).to_dict()
    assert [t["marker"]["color"] for t in fig["data"]] == [
        catalog.STAR_COLORS["industry"],
        catalog.STAR_COLORS["safety"],
    ]
    assert fig["layout"]["yaxis"]["title"]["text"] == "达标村数（个）"


def test_award_grid_writes_gains_and_losses_and_leaves_missing_years_empty():
    changes = pd.DataFrame(
        {
            "code": ["Z", "Z", "J"],
            "village": ["赵家村", "赵家村", "甲村"],
            "year": [2022, 2023, 2023],
            "level": [2, 2, 1],
            "held": [["industry", "safety"], ["industry", "ecology"], ["industry"]],
            "gained": [[], ["ecology"], []],
            "lost": [[], ["safety"], []],
        }
    )
    heat = charts.award_grid(changes, "各村年度星级评定", 5).to_dict()["data"][0]
    # The changes under the stars held, two a line: one line was twice a phone's cell wide.
    assert heat["text"][0][1] == "二星<br>↑生态宜居 ↓平安法治"
    assert heat["text"][1][0] == "无评定"  # 甲村 has no 2022 row


def test_target_gaps_stack_by_star_and_name_villages_on_track():
    gaps = pd.DataFrame(
        {
            # In the metric's order (`progress.target_gaps`): villages in pinyin order.
            "code": ["B", "J", "Z", "Z"],
            "village": ["丙村", "甲村", "赵家村", "赵家村"],
            "star": ["", "", "industry", "ecology"],
            "label": ["", "", "产业兴旺星", "生态宜居星"],
            "score": [None, None, 80.0, None],
            "gap": [0.0, 0.0, 5.0, 85.0],
            "needed": [0, 0, 2, 2],
        }
    )
    fig = charts.target_gaps(gaps, 2023, 85).to_dict()
    bars = [t for t in fig["data"] if t["type"] == "bar"]
    assert [t["name"] for t in bars] == ["产业兴旺星", "生态宜居星"]
    # Read from the top (a reversed axis): the furthest behind first, then in pinyin order.
    assert list(fig["layout"]["yaxis"]["categoryarray"]) == ["赵家村", "丙村", "甲村"]
    assert fig["layout"]["yaxis"]["autorange"] == "reversed"
    # The words stand under the names (the axis makes room), not beside the bars, where they ran
    # off a phone's chart.
    words = [t.split("<br>")[1] for t in fig["layout"]["yaxis"]["ticktext"]]
    assert [re.sub("<[^>]+>", "", w) for w in words] == ["还需 2 颗星达标", "已达目标", "已达目标"]
    assert fig["layout"]["yaxis"]["automargin"] is True
    assert all(t.get("mode") != "text" for t in fig["data"])


def test_quarterly_charts_read_on_a_phone():
    history = pd.DataFrame(
        {
            "code": ["J", "J", "Z"],
            "village": ["甲村", "甲村", "赵家村"],
            "period": ["2022Q4", "2023Q1", "2022Q4"],
            "score": [80.0, 86.0, 90.0],
        }
    )
    layout = charts.score_trend(history, "各村五星平均得分变化", 85).layout
    # Upright quarters with the year under the first and each Q1: tilted on end, the full labels
    # ran into the legend on a phone, which now stands under the plot with its room reserved.
    assert layout.xaxis.tickangle == 0
    assert list(layout.xaxis.ticktext) == ["Q4<br>2022年", "Q1<br>2023年"]
    assert layout.legend.orientation == "h" and layout.legend.yref == "container"
