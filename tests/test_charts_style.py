import plotly.graph_objects as go

from wuxing.charts import style


def test_wrapped_breaks_after_punctuation_and_keeps_numbers_whole():
    text = "2023年目标二星 · 生态宜居：2023年内未达标（差 9.0 分）"
    assert style.wrapped(text, 14) == "2023年目标二星 · 生态宜居：<br>2023年内未达标（差 9.0 分）"
    # Too long for one line, a phrase breaks into lines of even width, 2025年 kept whole.
    long = style.wrapped("按近期趋势预计2025年第四季度达标", 12)
    assert long == "按近期趋势预计<br>2025年第四季度达标"
    assert style.wrapped("尚未报送2024年创星目标", 10) == "尚未报送2024年<br>创星目标"
    assert style.wrapped("已达目标", 10) == "已达目标"


def test_time_ticks_stand_upright_with_the_year_under_each_first_quarter():
    ticks = style.time_ticks(["2022年Q3", "2022年Q4", "2023年Q1", "2023年Q2"])
    assert ticks["tickangle"] == 0 and ticks["automargin"] is True
    assert ticks["tickvals"] == ["2022年Q3", "2022年Q4", "2023年Q1", "2023年Q2"]
    assert ticks["ticktext"] == ["Q3<br>2022年", "Q4", "Q1<br>2023年", "Q2"]


def test_time_ticks_name_only_the_years_past_eight_quarters():
    quarters = [f"{y}年Q{q}" for y in (2022, 2023, 2024) for q in (1, 2, 3, 4)]
    assert [t for t in style.time_ticks(quarters)["ticktext"] if t] == [
        "2022年",
        "2023年",
        "2024年",
    ]


def test_time_ticks_leave_years_as_they_are_but_upright():
    assert style.time_ticks(["2022年", "2023年（至Q3）"]) == {"tickangle": 0, "automargin": True}


def test_the_pass_line_is_named_beside_the_plot_not_over_its_lines():
    fig = style.pass_line(go.Figure(go.Scatter(x=[1, 2], y=[84, 86])), 85)
    (line,) = fig.layout.shapes
    assert (line.y0, line.y1, line.line.dash) == (85, 85, "dash")
    (name,) = fig.layout.annotations
    assert name.text == "达标线<br>85 分" and name.y == 85
    assert (name.xref, name.x, name.xanchor) == ("paper", 1, "left")  # in the right margin
    assert fig.layout.margin.r >= 50  # with room for its four characters
