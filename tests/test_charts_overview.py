import pandas as pd

from wuxing.charts import overview as charts
from wuxing.charts import style


def test_stars_held_names_each_star_upright_on_two_lines():
    counts = pd.DataFrame(
        {
            "star": ["branch", "industry"],
            "label": ["支部过硬星", "产业兴旺星"],
            "villages": [4, 9],
        }
    )
    axis = charts.stars_held(counts, 2023).layout.xaxis
    assert axis.tickangle == 0  # tilted, the five names ran into each other on a phone
    assert list(axis.ticktext) == ["支部<br>过硬星", "产业<br>兴旺星"]


def test_target_progress_writes_what_is_missing_under_the_name():
    status = pd.DataFrame(
        {
            "village": ["甲村", "戊村"],
            "points_short": [0.0, 9.0],
            "on_track": [True, False],
            "target_level": [1, 2],
            "missing": [[], ["ecology"]],
            "passing": [1, 1],
            "status": ["按目标推进", "落后"],
        }
    )
    fig = charts.target_progress(status, 2023)
    axis = fig.layout.yaxis
    assert list(axis.tickvals) == ["戊村", "甲村"] and axis.automargin
    assert axis.ticktext[0].startswith("戊村<br>") and "差 9.0 分" in axis.ticktext[0]
    assert "按目标推进" in axis.ticktext[1]
    bar = fig.data[0]
    assert list(bar.text) == ["9.0", ""] and bar.cliponaxis is False  # the number at the bar
    assert style.FAIL_COLOR in axis.ticktext[0]
