import json

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import pytest

from wuxing.charts import figure_cache
from wuxing.charts.figure_cache import drawn_once
from wuxing.charts.overview import level_distribution


@pytest.fixture
def counted():
    """A builder that counts how often it really draws."""
    figure_cache.forget()
    calls = []

    @drawn_once
    def bars(frame: pd.DataFrame, title: str) -> go.Figure:
        calls.append(title)
        fig = go.Figure(go.Bar(x=frame["village"], y=frame["value"]))
        return fig.update_layout(title_text=title)

    yield bars, calls
    figure_cache.forget()


def _frame(*values: float) -> pd.DataFrame:
    return pd.DataFrame({"village": ["甲村", "乙村"][: len(values)], "value": list(values)})


def test_the_same_numbers_are_drawn_once_and_shown_the_same(counted):
    bars, calls = counted
    first, second = bars(_frame(1.0, 2.0), "收入"), bars(_frame(1.0, 2.0), "收入")
    assert calls == ["收入"]
    assert pio.to_json(first, validate=False) == pio.to_json(second, validate=False)
    assert list(second.data[0].y) == [1.0, 2.0] and second.layout.title.text == "收入"


def test_other_numbers_or_titles_are_drawn_anew(counted):
    bars, calls = counted
    bars(_frame(1.0, 2.0), "收入")
    changed = bars(_frame(1.0, 3.0), "收入")
    retitled = bars(_frame(1.0, 2.0), "户数")
    assert calls == ["收入", "收入", "户数"]
    assert list(changed.data[0].y) == [1.0, 3.0] and retitled.layout.title.text == "户数"


def test_changing_a_figure_does_not_change_the_next_one(counted):
    bars, _ = counted
    mine = bars(_frame(1.0, 2.0), "收入")
    mine.update_layout(title_text="改过的标题")
    mine.data[0].y = [9.0, 9.0]
    again = bars(_frame(1.0, 2.0), "收入")
    assert again.layout.title.text == "收入" and list(again.data[0].y) == [1.0, 2.0]


def test_lists_in_cells_are_compared_by_their_text(counted):
    bars, calls = counted

    def frame(stars: list[str]) -> pd.DataFrame:
        return pd.DataFrame({"village": ["甲村"], "value": [1.0], "stars": [stars]})

    bars(frame(["industry"]), "目标")
    bars(frame(["industry"]), "目标")
    bars(frame(["industry", "civility"]), "目标")
    assert calls == ["目标", "目标"]


def test_an_argument_without_a_fingerprint_is_an_error_not_a_silent_miss():
    @drawn_once
    def marked(names: set[str]) -> go.Figure:
        return go.Figure(go.Bar(x=sorted(names), y=[1] * len(names)))

    with pytest.raises(TypeError, match="drawn once per content"):
        marked({"甲村", "乙村"})


def test_a_kept_chart_sends_the_json_a_fresh_one_would():
    figure_cache.forget()
    dist = pd.DataFrame(
        {"level": [5, 4, 3], "label": ["五星", "四星", "三星"], "villages": [2, 5, 6]}
    )
    drawn = level_distribution.__wrapped__(dist, 2023)
    kept = level_distribution(dist, 2023)
    again = level_distribution(dist, 2023)
    assert json.loads(pio.to_json(kept)) == json.loads(pio.to_json(drawn))
    assert pio.to_json(kept, validate=False) == pio.to_json(again, validate=False)


def test_a_chart_shown_twice_sends_what_a_fresh_figure_sends_without_drawing_again(monkeypatch):
    """What `st.plotly_chart` does with a figure: `to_dict`, then JSON."""
    figure_cache.forget()
    dist = pd.DataFrame({"level": [5, 4], "label": ["五星", "四星"], "villages": [2, 5]})
    fresh = plotly.tools.return_figure_from_figure_or_data(
        level_distribution.__wrapped__(dist, 2023), validate_figure=True
    )
    level_distribution(dist, 2023)

    def no_drawing(*args, **kwargs):
        raise AssertionError("the kept figure was drawn again")

    monkeypatch.setattr(go.Figure, "__init__", no_drawing)
    shown = plotly.tools.return_figure_from_figure_or_data(
        level_distribution(dist, 2023), validate_figure=True
    )
    assert json.loads(pio.to_json(shown, validate=False)) == json.loads(
        pio.to_json(fresh, validate=False)
    )


def test_a_kept_figure_read_or_changed_is_an_ordinary_figure(counted):
    bars, _ = counted
    bars(_frame(1.0, 2.0), "收入")
    mine = bars(_frame(1.0, 2.0), "收入")
    mine.add_hline(y=1.5)
    assert type(mine) is go.Figure and len(mine.layout.shapes) == 1
    assert '"shapes"' in pio.to_json(mine) and '"shapes"' not in pio.to_json(
        bars(_frame(1.0, 2.0), "收入")
    )
