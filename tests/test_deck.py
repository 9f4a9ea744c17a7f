"""The meeting deck: opens in python-pptx, native charts holding the metrics' numbers, and an East
Asian typeface on every run."""

import io
import zipfile

import openpyxl
import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Inches

from tests.builders import with_blank_toilets
from wuxing import catalog
from wuxing.cli import main as cli
from wuxing.meeting import deck, shapes, slides
from wuxing.metrics import meeting, progress, ranking, stars

AREA = "濮阳市/清丰县/马庄桥镇"


@pytest.fixture(scope="module")
def built(sample_dataset):
    return Presentation(io.BytesIO(deck.build(sample_dataset, AREA, "2023Q1", 85)))


def _title(slide) -> str:
    # From the title placeholder: what PowerPoint's and WPS's outline and navigator list.
    return slide.shapes.title.text_frame.text


def _charts(prs) -> dict[str, object]:
    return {_title(s): sh.chart for s in prs.slides for sh in s.shapes if sh.has_chart}


def test_slides_and_titles(built, sample_dataset):
    titles = deck.titles(sample_dataset, AREA, "2023Q1", 85)
    assert built.slide_width == Inches(13.333) and built.slide_height == Inches(7.5)  # 16:9
    assert [_title(s) for s in built.slides] == titles
    shown = slides.build(sample_dataset, AREA, "2023Q1", 85)
    pages = deck.briefing_pages(deck.briefing.sections(sample_dataset, AREA, "2023Q1", 85))
    assert len(built.slides) == 1 + len(pages) + len(shown) + 1  # 13 villages: one table slide
    assert titles[0] == "马庄桥镇2023年第一季度“五星”支部创建工作通报"
    assert (
        titles[1].startswith("季度通报（1/") and titles[-1] == "2023年第一季度各村情况一览（1/1）"
    )
    # What WPS shows under 属性: the deck's own title and maker, not python-pptx's from 2013.
    made = built.core_properties
    assert made.title == "马庄桥镇2023年第一季度“五星”支部创建工作通报 会议材料"
    assert made.author == made.last_modified_by == "五星支部创建数据看板"
    assert made.created.year >= 2026 and "python" not in (made.comments + made.keywords)


def test_charts_are_native_and_hold_the_metrics(built, sample_dataset):
    ds, period = sample_dataset, "2023Q1"
    charts = _charts(built)
    assert not [sh for s in built.slides for sh in s.shapes if sh.shape_type == 13]  # no pictures
    # In 2023Q1 the stars held are 2022's: 2023's are decided at the end of 2023.
    dist = stars.level_distribution(ds, 2022)
    levels = charts["2022年度星级分布"]
    assert list(levels.plots[0].categories) == list(catalog.LEVEL_LABELS)
    assert list(levels.plots[0].series[0].values) == [float(v) for v in dist["villages"]]
    held = stars.stars_held_count(ds, 2022)
    assert list(charts["2022年度各星获评村数"].series[0].values) == list(
        map(float, held["villages"])
    )
    passing = charts["五星各季度达标村数（达标线 85 分）"]  # one slide, not five
    assert [s.name for s in passing.plots[0].series] == [s.label for s in catalog.STARS]
    for star, series in zip(catalog.STARS, passing.plots[0].series, strict=True):
        counts = progress.passing_counts(ds, star.id, 85, last=period)
        assert list(series.values) == [float(v) for v in counts["passing"]]
    assert not [t for t in charts if "：各季度达标村数" in t]
    ranked = ranking.ranking(ds, ranking.TOTAL, period)
    chart = charts["2023年第一季度五星总分排名"]
    assert list(chart.plots[0].categories) == list(ranked["village"])
    assert list(chart.series[0].values) == pytest.approx(list(ranked["value"]))
    assert chart.category_axis.reverse_order  # first place on top
    moved = ranking.movers_together(ranked, ranking.TOTAL, n=5)
    chart = next(c for t, c in charts.items() if t.startswith("五星总分进退最大的村"))
    assert list(chart.series[0].values) == pytest.approx(list(moved["change"]))
    assert len(charts) == len([s for s in slides.build(ds, AREA, period, 85) if s.chart])


def test_every_slide_is_titled_in_its_placeholder(built, sample_dataset):
    for slide in built.slides:
        assert slide.shapes.title is not None, slide.slide_layout.name
        assert slide.shapes.title.is_placeholder
    assert built.slides[0].slide_layout.name == "Title Slide"
    assert {s.slide_layout.name for s in list(built.slides)[1:]} == {"Title Only"}
    title = built.slides[5].shapes.title
    assert title.left + title.width <= built.slide_width  # placed for 16:9, not the 4:3 layout


def test_chart_text_is_at_least_16_pt(built):
    charts = [sh.chart for s in built.slides for sh in s.shapes if sh.has_chart]
    assert charts
    for chart in charts:
        assert chart.font.size.pt >= 16
        sizes = [
            int(e.get("sz"))
            for e in chart._chartSpace.iter(qn("a:defRPr"), qn("a:rPr"))
            if e.get("sz")
        ]
        assert sizes and min(sizes) >= 1600, min(sizes)


def test_the_village_star_slide_names_scores_and_pass_mark(built, sample_dataset):
    slide = next(s for s in built.slides if "哪颗星未达标" in _title(s))
    grid = next(sh for sh in slide.shapes if sh.has_table).table
    matrix = stars.score_matrix(sample_dataset, "2023Q1")
    assert [c.text for c in grid.rows[0].cells] == ["村", *(s.label for s in catalog.STARS)]
    assert [grid.cell(r, 0).text for r in range(1, len(grid.rows))] == list(matrix.index)
    row = list(matrix.index).index("赵家村") + 1
    for c, star in enumerate(catalog.STAR_IDS, start=1):
        score = matrix.loc["赵家村", star]
        assert grid.cell(row, c).text == f"{score:.1f}"
        fill = grid.cell(row, c).fill.fore_color.rgb
        assert fill == (shapes.PASS_FILL if score >= 85 else shapes.FAIL_FILL)
    notes = [
        sh.text_frame.text for sh in slide.shapes if sh.has_text_frame and not sh.is_placeholder
    ]
    assert any("达标线 85 分" in n for n in notes)


def _point_labels(chart) -> list[str]:
    return [p.data_label.text_frame.text for p in chart.plots[0].series[0].points]


def test_target_and_pair_bars_say_it_in_words(sample_dataset):
    prs = Presentation(io.BytesIO(deck.build(sample_dataset, AREA, "2023Q4", 85)))
    charts = _charts(prs)
    targets = _point_labels(charts["2023年创星目标：未达目标进度的村"])
    assert targets[0] == "缺生态宜居星，差 9.0 分" and "未达目标进度" not in targets
    pairs = _point_labels(charts["2023年第四季度结对帮带：各结对平均差距"])
    assert "5.7 分（较上季度缩小）" in pairs
    series = charts["2023年第四季度结对帮带：各结对平均差距"].plots[0].series[0]
    green = series.points[pairs.index("5.7 分（较上季度缩小）")].format.fill.fore_color.rgb
    assert str(green) == "1E8449"


def test_village_table_slide(built, sample_dataset):
    table = meeting.village_table(sample_dataset, "2023Q1", 85)
    shape = next(sh for sh in built.slides[-1].shapes if sh.has_table)
    grid = shape.table
    assert [c.text for c in grid.rows[0].cells] == list(table.columns)
    assert len(grid.rows) == len(table) + 1
    assert grid.cell(1, 0).text == table["村名"].iloc[0]


def test_every_run_has_an_east_asian_typeface(built):
    roots = []
    for slide in built.slides:
        roots.append(slide.shapes._spTree)
        roots += [sh.chart._chartSpace for sh in slide.shapes if sh.has_chart]
    runs = 0
    for root in roots:
        for run in root.iter(qn("a:r")):
            runs += 1
            ea = run.find(qn("a:rPr")).find(qn("a:ea"))
            assert ea is not None and ea.get("typeface") == shapes.FONT, run.findtext(qn("a:t"))
        for style in root.iter(qn("a:defRPr")):  # chart axes, labels and legends
            assert style.find(qn("a:ea")).get("typeface") == shapes.FONT
    assert runs > 100


def test_cli_writes_the_deck(default_home, tmp_path, capsys):
    out = tmp_path / "会议材料.pptx"
    assert cli.main(["deck", "--period", "2023Q1", "--area", "马庄桥镇", "-o", str(out)]) == 0
    prs = Presentation(str(out))
    assert _title(prs.slides[0]) == "马庄桥镇2023年第一季度“五星”支部创建工作通报"
    assert "已生成会议材料" in capsys.readouterr().out
    town = tmp_path / "town.pptx"
    assert cli.main(["deck", "--period", "2023Q1", "--town", AREA, "-o", str(town)]) == 0
    assert len(Presentation(str(town)).slides) == len(prs.slides)


def test_cli_refuses_unknown_quarter_or_area(default_home, tmp_path, capsys):
    out = tmp_path / "x.pptx"
    assert cli.main(["deck", "--period", "2031Q1", "-o", str(out)]) == cli.EXIT_USAGE
    assert "没有季度“2031Q1”" in capsys.readouterr().err
    assert cli.main(["deck", "--period", "2023Q1", "--area", "无此镇", "-o", str(out)]) == 2
    assert not out.exists()


def test_embedded_chart_workbooks_hold_village_names_as_text(sample_dataset):
    evil = '=HYPERLINK("http://evil","点我")'
    ds = sample_dataset
    renamed = ds.villages.assign(name=ds.villages["name"].replace({"赵家村": evil}))
    pptx = deck.build(ds.with_frames(villages=renamed), AREA, "2023Q1", 85)
    with zipfile.ZipFile(io.BytesIO(pptx)) as archive:
        embedded = [n for n in archive.namelist() if n.startswith("ppt/embeddings/")]
        sheets = [openpyxl.load_workbook(io.BytesIO(archive.read(n))).active for n in embedded]
    named = [c for s in sheets for row in s.iter_rows() for c in row if c.value == evil]
    assert named  # the ranking charts list every village
    assert all(c.data_type == "s" for c in named)
    assert not [c for s in sheets for row in s.iter_rows() for c in row if c.data_type == "f"]


def test_the_headline_slide_compares_a_running_total_with_last_year(sample_dataset):
    prs = Presentation(io.BytesIO(deck.build(sample_dataset, AREA, "2023Q4", 85)))
    slide = next(s for s in prs.slides if _title(s) == "马庄桥镇2023年第四季度主要指标")
    text = "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert "306.7 万元" in text
    assert "同比（对比2022年第四季度） +30.1 万元（+10.9%）" in text
    assert "本季度新增 85.8 万元" in text and "+85.8" not in text


def test_the_headline_slide_says_who_reported(sample_dataset):
    ds = with_blank_toilets(sample_dataset)
    prs = Presentation(io.BytesIO(deck.build(ds, AREA, "2024Q1", 85)))
    slide = next(s for s in prs.slides if _title(s) == "马庄桥镇2024年第一季度主要指标")
    text = "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert "环比（对比2023年第四季度） +50 户" in text
    assert "10/13 个村已报，按两季度都填报的 10 个村比较" in text
    assert "共 13 个村，2024年第一季度已报 10 个：以上只含已报的村" in text


@pytest.mark.parametrize(
    ("value", "size"), [("1,712 户", 40), ("306.7 万元", 37), ("12,345.6 万元", 28)]
)
def test_a_key_figure_keeps_to_one_line_of_its_box(value, size):
    """A longer figure (a county's 万元) is set smaller rather than broken in two."""
    assert shapes.fitting_pt(value, 2.825, 40) == size


def test_the_headline_slide_sets_each_figure_to_fit_its_box(sample_dataset):
    prs = Presentation(io.BytesIO(deck.build(sample_dataset, AREA, "2023Q4", 85)))
    slide = next(s for s in prs.slides if _title(s) == "马庄桥镇2023年第四季度主要指标")
    sizes = {
        p.runs[0].text: p.runs[0].font.size.pt
        for sh in slide.shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        if p.runs and p.runs[0].font.bold
    }
    assert sizes["306.7 万元"] == 37 and sizes["1,712 户"] == 40
