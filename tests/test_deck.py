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
from wuxing.meeting import deck, slides
from wuxing.metrics import meeting, progress, ranking, stars

AREA = "濮阳市/清丰县/马庄桥镇"


@pytest.fixture(scope="module")
def built(sample_dataset):
    return Presentation(io.BytesIO(deck.build(sample_dataset, AREA, "2023Q1", 85)))


def _title(slide) -> str:
    return next(s.text_frame.text for s in slide.shapes if s.has_text_frame).split("\n")[0]


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
    for star in catalog.STARS:
        counts = progress.passing_counts(ds, star.id, 85, last=period)
        chart = charts[f"{star.label}：各季度达标村数（达标线 85 分）"]
        assert list(chart.series[0].values) == [float(v) for v in counts["passing"]]
    ranked = ranking.ranking(ds, ranking.TOTAL, period)
    chart = charts["2023年第一季度五星总分排名"]
    assert list(chart.plots[0].categories) == list(ranked["village"])
    assert list(chart.series[0].values) == pytest.approx(list(ranked["value"]))
    assert chart.category_axis.reverse_order  # first place on top
    moved = ranking.movers_together(ranked, ranking.TOTAL, n=5)
    chart = next(c for t, c in charts.items() if t.startswith("五星总分进退最大的村"))
    assert list(chart.series[0].values) == pytest.approx(list(moved["change"]))
    assert len(charts) == len([s for s in slides.build(ds, AREA, period, 85) if s.chart])


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
            assert ea is not None and ea.get("typeface") == deck.FONT, run.findtext(qn("a:t"))
        for style in root.iter(qn("a:defRPr")):  # chart axes, labels and legends
            assert style.find(qn("a:ea")).get("typeface") == deck.FONT
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
