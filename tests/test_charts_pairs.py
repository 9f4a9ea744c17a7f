import re

import pandas as pd

from wuxing import catalog
from wuxing.charts import pair_overview
from wuxing.charts import pairs as charts
from wuxing.dataset import Dataset
from wuxing.metrics import pairs

PASS = 85.0


def two_villages() -> tuple[Dataset, pairs.Matchup]:
    rows = []
    for k, q in enumerate(["2023Q1", "2023Q2", "2023Q3"]):
        for i, star in enumerate(catalog.STAR_IDS):
            rows.append({"code": "M", "period": q, "star": star, "score": 90.0 + i})
            if not (star == "safety" and q == "2023Q3"):  # one missing score
                rows.append({"code": "E", "period": q, "star": star, "score": 78.0 + i + 2 * k})
    villages = pd.DataFrame({"code": ["M", "E"], "name": ["赵家村", "乙村"], "town": "马庄桥镇"})
    pair = pd.DataFrame({"mentor": ["M"], "mentee": ["E"], "since": ["2023Q1"]})
    ds = Dataset.of(villages=villages, scores=pd.DataFrame(rows), pairs=pair)
    return ds, pairs.pair_matchup(ds, pairs.pair_key("M", "E"))


def test_radar_has_both_villages_and_the_pass_mark():
    ds, m = two_villages()
    fig = charts.star_radar(pairs.star_comparison(ds, m, "2023Q3", PASS), m, "2023年第三季度", PASS)
    names = [t.name for t in fig.data]
    assert names == [f"达标线 {PASS:g} 分", "赵家村（导师村）", "乙村（帮带村）"]
    mentor, mentee = fig.data[1], fig.data[2]
    assert list(mentor.r[:5]) == [90.0, 91.0, 92.0, 93.0, 94.0]
    assert mentor.r[-1] == mentor.r[0]  # outline closed
    assert mentee.r[3] is None  # missing safety score stays missing, not zero
    assert list(mentor.theta[:5]) == [s.short for s in catalog.STARS]
    assert "赵家村 与 乙村" in fig.layout.title.text
    assert fig.layout.polar.radialaxis.range[0] <= 60


def test_score_lines_one_panel_per_star_with_both_villages():
    ds, m = two_villages()
    fig = charts.score_lines(pairs.score_history(ds, m, "2023Q3"), m, PASS)
    assert len(fig.data) == 10
    assert [a.text for a in fig.layout.annotations][:5] == [s.short for s in catalog.STARS]
    first_panel = [t for t in fig.data if t.xaxis == "x"]
    assert {t.name for t in first_panel} == {"赵家村（导师村）", "乙村（帮带村）"}
    assert list(first_panel[1].y) == [78.0, 80.0, 82.0]
    assert fig.layout.yaxis.title.text == "得分（分）"
    assert any(s.y0 == PASS for s in fig.layout.shapes)


def test_score_lines_for_one_star():
    ds, m = two_villages()
    fig = charts.score_lines(pairs.score_history(ds, m, "2023Q3", star="ecology"), m, PASS)
    assert len(fig.data) == 2 and fig.layout.annotations[0].text == "生态宜居"


def test_gap_lines_in_star_colours_with_trend_markers():
    ds, m = two_villages()
    history = pairs.gap_history(ds, m, "2023Q3")
    fig = charts.gap_lines(history, m)
    stars = fig.data[:5]
    assert [t.line.color for t in stars] == [s.color for s in catalog.STARS]
    assert list(stars[0].y) == [12.0, 10.0, 8.0]
    assert list(stars[0].marker.symbol) == ["circle-open", "triangle-down", "triangle-down"]
    assert stars[3].y[2] is None
    assert fig.layout.yaxis.title.text == "差距（分）"
    assert {t.name for t in fig.data[5:]} == {"差距缩小", "差距扩大", "差距稳定"}


def test_pairs_at_a_glance_marks_widening_pairs_red():
    overview = pd.DataFrame(
        {
            "mentor_name": ["甲村", "丙村"],
            "mentee_name": ["乙村", "丁村"],
            "gap": [3.0, 8.0],
            "trend": [pairs.WIDENING, pairs.CLOSING],
            "widening": [True, False],
        }
    )
    fig = pair_overview.pairs_at_a_glance(overview, "2023年第三季度")
    bar = fig.data[0]
    assert list(bar.y) == ["甲村 → 乙村", "丙村 → 丁村"]  # sorted by gap, largest at the top
    assert list(bar.x) == [3.0, 8.0]
    assert bar.marker.color[0] != bar.marker.color[1]
    # Each bar names its basis (结对比较's board colours by the trend since pairing instead):
    # under the pair's names on a page, beside the bar on a projector.
    said = ["3.0 分（较上季度扩大）", "8.0 分（较上季度缩小）"]
    names = fig.layout.yaxis.ticktext
    assert [n.split("<br>")[0] for n in names] == list(bar.y)
    assert all(w in n for w, n in zip(said, names, strict=True)) and bar.text is None
    wide = pair_overview.pairs_at_a_glance(overview, "2023年第三季度", beside=True)
    assert list(wide.data[0].text) == said
    assert fig.layout.xaxis.title.text == "五星平均差距（分）"


def test_small_multiples_name_years_short_enough_for_a_phone_panel():
    ds, m = two_villages()
    fig = charts.score_lines(pairs.score_history(ds, m, "2023Q3"), m, PASS)
    # A panel is 49 px wide at 390 px: 2022年 ran into 2023年 there.
    assert list(fig.layout.xaxis.ticktext) == ["23年", "", ""]
    assert fig.layout.xaxis.tickangle == 0
    assert fig.layout.legend.yref == "container"


def test_pair_board_notes_break_into_short_lines():
    board = pd.DataFrame(
        {
            "key": ["M|E"],
            "mentor_name": ["金魏旧寨村"],
            "mentee_name": ["戊村"],
            "gap_at_pairing": [9.9],
            "gap": [9.1],
            "trend_since": [pairs.STABLE],
            "change_since": [-0.8],
            "change_quarter": [-0.4],
            "outlook": ["2023年目标二星 · 生态宜居：2023年内未达标（差 9.0 分）"],
        }
    )
    fig = pair_overview.pair_board(board, "2023年第四季度")
    notes = fig.data[3]
    lines = notes.text[0].split("<br>")
    # The column is 190 px of a phone's chart: no line wider than 16 characters or so.
    plain = [re.sub("<[^>]+>", "", line) for line in lines]
    assert plain[0] == "结对以来差距稳定" and notes.cliponaxis is False
    widths = [sum(0.5 if ch.isascii() else 1 for ch in line) for line in plain]
    assert max(widths) <= 16 and plain[1:3] == ["较结对时 -0.8 分", "较上季度 -0.4 分"], plain
    assert list(fig.layout.yaxis.ticktext) == ["金魏旧寨村 →<br>戊村"]
