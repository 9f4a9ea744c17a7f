import pandas as pd

from wuxing.charts import meeting, progress


def test_a_slide_keeps_the_pages_quarters_and_puts_its_legend_above_the_plot():
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
    # The same upright quarters, in projector type; the legend on one line above the plot,
    # clear of the screen's foot, and from the plot's left edge (not the figure's).
    assert list(slide.layout.xaxis.ticktext) == ["Q1<br>2023年", "Q2"]
    assert slide.layout.xaxis.tickfont.size >= meeting.SMALLEST
    legend = slide.layout.legend
    assert (legend.yref, legend.xref, legend.x) == ("paper", "paper", 0) and legend.y > 1
