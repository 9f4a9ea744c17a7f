import pandas as pd

from wuxing.charts import meeting, progress


def test_a_slide_shows_full_quarters_and_its_legend_above_the_plot():
    counts = pd.DataFrame(
        {
            "period": ["2023Q1", "2023Q2"],
            "star": ["industry", "industry"],
            "passing": [1, 2],
            "scored": [3, 3],
        }
    )
    page = progress.passing_counts(counts, 3, 85)
    assert list(page.layout.xaxis.ticktext) == ["Q1<br>2023年", "Q2"]  # upright for a phone
    slide = meeting.projector(page)
    # A projector has room for 2023年Q1 on one line; the legend clear of the screen's foot.
    assert slide.layout.xaxis.ticktext is None and slide.layout.xaxis.tickangle is None
    assert slide.layout.legend.yref == "paper" and slide.layout.legend.y > 1
