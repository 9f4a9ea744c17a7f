"""The meeting slides: which slides, in which order, and the numbers behind each chart."""

from dataclasses import replace

import pandas as pd
import pytest

from tests.builders import with_blank_toilets
from wuxing import catalog, periods
from wuxing.dataset import Dataset
from wuxing.meeting import slides
from wuxing.metrics import meeting, pairs, progress, ranking, stars, targets, villages

AREA = "濮阳市/清丰县/马庄桥镇"


def test_sample_slides_in_order(sample_dataset):
    shown = slides.build(sample_dataset, AREA, "2023Q1", 85)
    assert [s.key for s in shown] == [
        "headline",
        "levels",
        "held",
        "scores",
        "passing",
        "ranking",
        "movers",
        "pairs",
        "targets",
    ]
    assert shown[0].title == "马庄桥镇2023年第一季度主要指标"
    assert len(shown[0].figures) == 4 and shown[0].figures[0].value.endswith("万元")
    for s in shown[1:]:
        assert s.figure is not None and s.table is not None
        assert (s.chart is None) != (s.grid is None)  # a native chart or a coloured table
        layout = s.figure.layout
        assert not layout.title.text  # the slide's heading is its one title
        assert layout.font.size >= 20 and layout.height <= 800  # projector-sized, fits 1080 px
        for axis in (layout.xaxis, layout.yaxis):
            assert axis.tickfont.size >= 20
        for trace in s.figure.data:
            if getattr(trace, "textfont", None) is not None and trace.textfont.size is not None:
                assert trace.textfont.size >= 20


def test_one_slide_answers_which_village_misses_which_star(sample_dataset):
    period = "2023Q4"
    scores = slides.slide(sample_dataset, AREA, period, 85, "scores")
    matrix = stars.score_matrix(sample_dataset, period)
    grid = scores.grid
    assert grid.villages == tuple(matrix.index) and len(grid.villages) == 13
    assert grid.stars == tuple(s.label for s in catalog.STARS)
    assert grid.pass_mark == 85
    row = grid.villages.index("戊村")
    assert grid.scores[row] == tuple(float(v) for v in matrix.loc["戊村"])
    assert "哪颗星未达标" in scores.title and "达标线 85 分" in scores.note
    heat = scores.figure.data[0]
    assert heat.type == "heatmap" and "戊村" in heat.y and "76.0" in heat.text[row]
    assert list(heat.colorbar.ticktext)[1] == "达标线 85"
    assert scores.figure.layout.yaxis.dtick == 1  # every village named, however small the screen
    # A slide is wide: its scale stands beside the grid, leaving the rows their height.
    assert heat.colorbar.orientation == "v"


def test_a_slide_shows_on_a_phone_as_the_page_draws_it(sample_dataset):
    """Not presenting (a phone's first view), a slide's figure is the dashboard's: its own
    title, the page's type, the heat map's scale under the grid; presenting, the projector's."""
    for s in slides.build(sample_dataset, AREA, "2023Q4", 85)[1:]:
        page, projected = s.page_figure, s.figure
        assert page.layout.title.text and not projected.layout.title.text, s.key
        assert (page.layout.font.size or 0) < 20 <= projected.layout.font.size, s.key
        assert [t.type for t in page.data] == [t.type for t in projected.data], s.key
    scores = slides.slide(sample_dataset, AREA, "2023Q4", 85, "scores")
    assert scores.page_figure.data[0].colorbar.orientation == "h"
    # Words said with a bar stand under its name on the page (beside it they ran off a phone's
    # chart), beside the bar on the projector.
    for key, said in (("targets", "缺生态宜居星"), ("pairs", "较上季度")):
        s = slides.slide(sample_dataset, AREA, "2023Q4", 85, key)
        page, projected = s.page_figure.layout.yaxis.ticktext, s.figure.data[0].text
        on_bars = s.page_figure.data[0].text or ()
        assert any(said in t for t in page) and not any(said in t for t in on_bars), key
        assert any(said in t for t in projected), key


def test_one_slide_counts_the_five_stars_passing(sample_dataset):
    shown = slides.build(sample_dataset, AREA, "2023Q4", 85)
    assert not [s for s in shown if s.key.startswith("star_")]
    passing = next(s for s in shown if s.key == "passing")
    assert [s.name for s in passing.chart.series] == [s.label for s in catalog.STARS]
    assert [s.color for s in passing.chart.series] == [s.color for s in catalog.STARS]
    counts = progress.passing_counts(sample_dataset, "ecology", 85, last="2023Q4")
    ecology = passing.chart.series[catalog.STAR_IDS.index("ecology")]
    assert ecology.values == tuple(float(v) for v in counts["passing"])
    assert passing.chart.categories[-1] == periods.short_label("2023Q4")
    assert "生态宜居 7" in passing.note


def test_target_bars_say_what_is_missing(sample_dataset):
    target = slides.slide(sample_dataset, AREA, "2023Q4", 85, "targets")
    labels = target.chart.series[0].labels
    assert labels[0] == "缺生态宜居星，差 9.0 分"  # 戊村, furthest behind
    assert all(label.startswith("缺") for label in labels)
    assert sorted(target.figure.data[0].text) == sorted(labels)  # the figure sorts its bars


def test_chart_numbers_are_the_metrics(sample_dataset):
    ds, period = sample_dataset, "2023Q1"
    shown = {s.key: s for s in slides.build(ds, AREA, period, 85)}
    dist = stars.level_distribution(ds, 2022)  # 2023's awards are decided at the end of 2023
    assert shown["levels"].chart.series[0].values == tuple(float(v) for v in dist["villages"])
    assert shown["levels"].chart.categories == catalog.LEVEL_LABELS
    counts = progress.passing_counts(ds, "industry", 85, last=period)
    chart = shown["passing"].chart
    assert chart.series[1].values == tuple(float(v) for v in counts["passing"])
    assert chart.categories[-1] == periods.short_label(period)
    ranked = ranking.ranking(ds, ranking.TOTAL, period)
    assert shown["ranking"].chart.categories == tuple(ranked["village"])
    assert shown["ranking"].chart.series[0].values == tuple(ranked["value"])
    overview = pairs.pairs_overview(ds, "", period)
    assert shown["pairs"].chart.series[0].values == tuple(overview["gap"])
    off = meeting.off_track(targets.target_status(ds, period, 85))
    assert shown["targets"].chart.categories == tuple(off["village"])
    assert shown["targets"].chart.series[0].values == tuple(off["points_short"])


def test_ranking_slide_shows_the_top_of_a_long_list(sample_dataset, monkeypatch):
    monkeypatch.setattr(slides, "RANK_TOP", 5)
    fresh = replace(sample_dataset)  # nothing remembered from slides built with the real limit
    shown = {s.key: s for s in slides.build(fresh, AREA, "2023Q1", 85)}
    assert len(shown["ranking"].chart.categories) == 5
    assert "前 5 名" in shown["ranking"].title
    assert len(shown["ranking"].table) == 13  # the table behind it lists every village


def test_missing_kinds_leave_their_slides_out():
    ds = Dataset.of(
        villages=pd.DataFrame({"code": ["A", "B"], "name": ["甲村", "乙村"], "town": "某镇"}),
        scores=pd.DataFrame(
            {"code": ["A", "B"], "period": "2024Q2", "star": "safety", "score": [90.0, 80.0]}
        ),
    )
    shown = slides.build(ds, "", "2024Q2", 85)
    assert [s.key for s in shown] == ["headline", "scores", "passing"]
    assert shown[2].chart.series[0].values == (1.0,)
    assert shown[1].grid.scores == ((None, None, None, 90.0, None), (None, None, None, 80.0, None))


def test_no_villages_no_slides(sample_dataset):
    assert slides.build(sample_dataset, "某市/某县/无此镇", "2023Q1", 85) == []
    assert villages.scope(sample_dataset, "某市/某县/无此镇").villages.empty


def test_all_on_track_is_a_key_figure():
    ds = Dataset.of(
        villages=pd.DataFrame({"code": ["A"], "name": ["甲村"], "town": "某镇"}),
        scores=pd.DataFrame({"code": ["A"], "period": "2024Q1", "star": "safety", "score": [90.0]}),
        targets=pd.DataFrame({"code": ["A"], "year": [2024], "level": [1], "stars": ["safety"]}),
    )
    last = slides.build(ds, "", "2024Q1", 85)[-1]
    assert last.key == "targets" and last.chart is None
    assert last.figures[0].value == "0 个"


def test_a_county_meeting_names_the_villages_furthest_behind_their_targets(county):
    area = villages.default_area(county.villages)
    period = county.periods()[-1]
    shown = {s.key: s for s in slides.build(county, area, period, 85)}
    off = meeting.off_track(targets.target_status(county, period, 85))
    assert len(off) > slides.RANK_TOP
    target_slide = shown["targets"]
    assert f"差距最大的 {slides.RANK_TOP} 个村" in target_slide.title
    assert list(target_slide.chart.categories) == off["village"].head(slides.RANK_TOP).tolist()
    assert len(target_slide.table) == len(off)


def test_the_outline_lists_the_slides_build_makes_without_making_them(
    sample_dataset, county, monkeypatch
):
    cases = [
        (sample_dataset, AREA, "2023Q1"),
        (sample_dataset, AREA, "2022Q1"),  # no awards or rankings to compare with yet
        (county, villages.default_area(county.villages), county.periods()[-1]),
    ]
    for ds, area, period in cases:
        fresh = replace(ds)  # nothing remembered yet
        with monkeypatch.context() as patched:
            for name in [n for n in dir(slides) if n.startswith("_") and n.endswith("_slide")]:
                patched.setattr(slides, name, _not_now)
            keys = slides.outline(fresh, area, period, 85)
        assert keys == [s.key for s in slides.build(fresh, area, period, 85)]
        one = slides.slide(fresh, area, period, 85, keys[-1])
        assert one.title == slides.build(fresh, area, period, 85)[-1].title


def test_a_slide_outside_the_outline_is_refused_not_made_up(sample_dataset):
    # 2022Q1: no year's awards stand yet, so there is no 星级分布 to show (it was "None年度…").
    assert "levels" not in slides.outline(sample_dataset, AREA, "2022Q1", 85)
    for key in ("levels", "held", "no-such-slide"):
        with pytest.raises(KeyError, match=key):
            slides.slide(sample_dataset, AREA, "2022Q1", 85, key)


def _not_now(*_args: object) -> None:
    raise AssertionError("the outline made a slide")


def test_a_key_figure_without_a_change_has_no_change_to_show(sample_dataset):
    """2024Q1 with only 卫生厕所改造 reported: its card shows the change; the others, with
    nothing to compare, show none (a "—" in the change chip read as "↑ —", a rise)."""
    ds = with_blank_toilets(sample_dataset)
    cards = {f.label: f for f in slides.slide(ds, AREA, "2024Q1", 85, "headline").figures}
    assert cards["卫生厕所改造（户）"].change.startswith("+50 户")
    assert cards["村集体经济收入（万元）"].change == ""
    assert cards["村集体经济收入（万元）"].value == "—"
