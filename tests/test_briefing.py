"""季度通报: every fact in it is checked against the metrics."""

import io
from datetime import date

import docx
import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH

from tests.builders import with_blank_toilets
from wuxing import catalog, formatting, periods
from wuxing.config import Settings
from wuxing.dataset import Dataset
from wuxing.meeting import briefing, excel, letterhead
from wuxing.metrics import headline, meeting, pairs, ranking, stars, targets
from wuxing.storage.store import open_store

AREA = "濮阳市/清丰县/马庄桥镇"


def test_sample_briefing_states_the_metrics(sample_dataset):
    ds, period = sample_dataset, "2023Q1"
    text = briefing.text(ds, AREA, period, 85)
    assert text.startswith("马庄桥镇2023年第一季度“五星”支部创建工作通报\n")
    headings = [line for line in text.splitlines() if line[1:2] == "、"]
    assert headings == [
        "一、总体情况",
        "二、各星进展",
        "三、先进与后进",
        "四、结对帮带",
        "五、存在问题",
        "六、下一步工作",
    ]
    dist = stars.level_distribution(ds, 2022)  # in 2023Q1 the stars held are 2022's
    assert "按2022年度评星定级结果" in text
    for label, n in zip(dist["label"], dist["villages"], strict=True):
        if n:
            assert f"{label}村{n}个" in text
    now, before = meeting.passing_total(ds, period, 85), meeting.passing_total(ds, "2022Q4", 85)
    assert f"合计达标{now}颗次，比上季度增加{now - before}颗次" in text
    for r in meeting.pass_changes(ds, period, 85).itertuples(index=False):
        verb = "升至" if r.change == meeting.NEWLY_PASSING else "降至"
        assert f"{r.village}{r.label}（由{r.previous:.1f}分{verb}{r.score:.1f}分）" in text
    ranked = ranking.ranking(ds, ranking.TOTAL, period)
    leader = ranked.iloc[0]
    assert f"居前的村：{leader['village']}（{leader['value']:.1f}分）" in text
    up, _ = ranking.movers(ranked, ranking.TOTAL, n=briefing.MOVERS)
    assert f"进步最快的村：{up['village'].iloc[0]}（提高{up['change'].iloc[0]:.1f}分" in text
    overview = pairs.pairs_overview(ds, "", period)
    assert f"共有导师帮带结对{len(overview)}对" in text
    closing = overview[overview["trend"] == pairs.CLOSING]
    assert f"差距缩小的{len(closing)}对" in text
    status = targets.target_status(ds, period, 85)
    counts = targets.on_track_counts(status)
    assert (
        f"其中{counts[targets.STATUS_ON_TRACK]}个村按目标推进，"
        f"{counts[targets.STATUS_OFF_TRACK]}个村未达目标进度"
    ) in text
    for f in headline.headlines(ds, period):
        assert formatting.prose(f.value, f.unit) in text
        assert formatting.prose(abs(f.change), f.unit) in text


def test_briefing_reads_as_a_notice_not_a_printout(sample_dataset):
    for period in sample_dataset.periods():
        text = briefing.text(sample_dataset, AREA, period, 85)
        for machine in ("→", " 分", " 户", " 万元", "1,", "0 颗", "-0.0", "+", "（-", "：无"):
            assert machine not in text, (period, machine)


def test_a_running_total_is_compared_with_the_same_quarter_last_year(sample_dataset):
    # 2023Q4 306.7 万元 against 2022Q4 276.6 (not against 2023Q3's 220.9, which made +85.8 万元,
    # +38.8% 环比): +30.1 万元, +10.9% 同比; the quarter's own 85.8 万元 is 本季度新增.
    text = briefing.text(sample_dataset, AREA, "2023Q4", 85)
    assert (
        "村集体经济收入年内累计306.7万元，同比增加30.1万元，增长10.9%，其中本季度新增85.8万元"
        in text
    )
    assert "环比增加85.8" not in text and "38.8%" not in text


def test_gaps_are_compared_over_villages_that_reported_both_and_named(sample_dataset):
    ds = with_blank_toilets(sample_dataset)
    text = briefing.text(ds, AREA, "2024Q1", 85)
    both = headline.headline(ds, "toilet_upgrades", "2024Q1")
    assert (both.reporting, both.matched, both.villages) == (10, 10, 13)
    assert both.change == 50.0  # each of the ten added 5; the plain totals would "fall"
    assert both.value < both.previous
    total = formatting.prose(both.value, "户")
    assert (
        f"卫生厕所改造{total}（13个村中10个村已报），按两季度都填报的10个村计，环比增加50户" in text
    )
    assert "环比减少" not in text
    assert "3个村未报卫生厕所改造：丙村、甲村、乙村。" in text
    assert "2024年创星目标尚未报送。" in text
    assert "2024年第一季度各村星级评分尚未报送。" in text
    assert "督促丙村、甲村、乙村按时报送季度台账" in text
    assert "尽快组织各村报送2024年创星目标。" in text
    # In 2024Q1 the stars held are still 2023's (decided at the end of 2023).
    assert "按2023年度评星定级结果" in text


def test_briefing_is_signed_at_the_foot(sample_dataset):
    head = letterhead.Letterhead("标题", "马庄桥镇党委", "2024年1月5日")
    lines = briefing.text(sample_dataset, AREA, "2023Q4", 85, head).splitlines()
    assert lines[0] == "标题" and lines[-2:] == ["马庄桥镇党委", "2024年1月5日"]


def test_docx_holds_the_same_words(sample_dataset):
    head = letterhead.letterhead(AREA, "2023Q4", Settings.from_env({}), date(2024, 1, 5))
    document = docx.Document(
        io.BytesIO(briefing.document(sample_dataset, AREA, "2023Q4", 85, head))
    )
    paragraphs = [p.text for p in document.paragraphs]
    expected = [
        line
        for line in briefing.text(sample_dataset, AREA, "2023Q4", 85, head).splitlines()
        if line
    ]
    assert paragraphs == expected
    assert paragraphs[1] == "一、总体情况" and paragraphs[-2:] == ["马庄桥镇党委", "2024年1月5日"]
    assert document.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert document.paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    page = document.sections[0]
    assert (round(page.page_width.mm), round(page.page_height.mm)) == (210, 297)  # A4
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "一、总体情况" and all(h[1] == "、" for h in headings)
    made = document.core_properties  # what WPS shows under 属性, not python-docx's defaults
    assert made.title == paragraphs[0] and made.author == "五星支部创建数据看板"
    assert made.created.year >= 2026 and "python" not in made.comments


def test_docx_writes_user_text_as_plain_runs():
    names = ['=HYPERLINK("http://x")', "<b>甲村</b>", "[a](http://evil)", "乙\x07村", "{ PAGE }"]
    made = docx.Document(io.BytesIO(excel.to_docx("标题", [("一、总体情况", names)], ("单位",))))
    assert [p.text for p in made.paragraphs] == [
        "标题",
        "一、总体情况",
        *names[:3],
        "乙村",
        "{ PAGE }",
        "单位",
    ]
    body = made.element.body
    assert not body.xpath(".//w:hyperlink") and not body.xpath(".//w:fldSimple")
    assert not body.xpath(".//w:instrText")


def _handmade() -> Dataset:
    """Three villages: 甲村 gains 产业兴旺星 in 2023, 乙村 loses 平安法治星 (2023's awards count
    from 2023Q4); in 2023Q4 甲村's industry score crosses the pass mark and 乙村's safety score
    falls below it."""
    villages = pd.DataFrame(
        {
            "code": ["A", "B", "C"],
            "name": ["甲村", "乙村", "丙村"],
            "town": "某镇",
            "county": "某县",
            "city": "某市",
        }
    )
    held = {
        ("A", 2022): {"branch"},
        ("B", 2022): {"branch", "safety"},
        ("C", 2022): {"branch"},
        ("A", 2023): {"branch", "industry"},
        ("B", 2023): {"branch"},
        ("C", 2023): {"branch"},
    }
    awards = pd.DataFrame(
        [
            (code, year, star, star in stars_held)
            for (code, year), stars_held in held.items()
            for star in catalog.STAR_IDS
        ],
        columns=["code", "year", "star", "awarded"],
    )
    scores = pd.DataFrame(
        [
            ("A", "2023Q3", "industry", 80.0),
            ("A", "2023Q4", "industry", 88.0),
            ("B", "2023Q3", "safety", 90.0),
            ("B", "2023Q4", "safety", 70.0),
            ("C", "2023Q3", "safety", 86.0),
            ("C", "2023Q4", "safety", 87.0),
        ],
        columns=["code", "period", "star", "score"],
    )
    return Dataset.of(villages=villages, awards=awards, scores=scores)


def test_stars_gained_and_lost_in_a_handmade_store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    store.commit(_handmade(), content=b"hand", filename="hand.xlsx", user="测试")
    ds = store.load()
    store.dispose()
    text = briefing.text(ds, "某市/某县/某镇", "2023Q4", 85)
    assert "某镇共有3个村。按2023年度评星定级结果，现有二星村1个、一星村2个。" in text
    assert "与2022年度相比，新获评1颗星，被摘1颗星。" in text
    assert "新获评星的村：甲村（产业兴旺星）。" in text
    assert "被摘星的村：乙村（平安法治星）。" in text
    assert "新达标1颗：甲村产业兴旺星（由80.0分升至88.0分）。" in text
    assert "1颗星跌破达标线：乙村平安法治星（由90.0分降至70.0分）。" in text
    assert "合计达标2颗次，与上季度持平" in text
    assert "对乙村逐村分析原因" in text
    changes = meeting.award_year_changes(ds, 2023)
    assert list(changes["village"]) == ["甲村", "乙村"]
    # No pairs and no targets: said, not a section dropped.
    assert "四、结对帮带\n尚未建立导师帮带结对。" in text
    assert "2023年创星目标尚未报送。" in text


def test_nothing_lost_says_nothing_about_losing(tmp_path):
    ds = _handmade()
    awards = ds.awards[~((ds.awards["code"] == "B") & (ds.awards["star"] == "safety"))]
    text = briefing.text(
        Dataset.of(villages=ds.villages, awards=awards, scores=ds.scores), "", "2023Q4", 85
    )
    assert "新获评1颗星。" in text and "被摘" not in text and "0颗" not in text


def test_first_award_year_says_there_is_nothing_to_compare():
    ds = _handmade()
    ds = Dataset.of(
        villages=ds.villages, awards=ds.awards[ds.awards["year"] == 2023], scores=ds.scores
    )
    text = briefing.text(ds, "", "2023Q4", 85)
    assert "2023年度为首次评星定级，暂无与上年度的比较。" in text
    assert periods.label("2023Q4") in text


def test_early_quarter_uses_last_years_awards():
    text = briefing.text(_handmade(), "", "2023Q3", 85)
    assert "按2022年度评星定级结果，现有二星村1个、一星村2个。" in text
    assert "2022年度为首次评星定级" in text


def test_briefing_follows_the_quarter(sample_dataset):
    q1 = briefing.text(sample_dataset, AREA, "2023Q1", 85)
    q4 = briefing.text(sample_dataset, AREA, "2023Q4", 85)
    assert q1 != q4 and "2023年第四季度" in q4
    total = formatting.prose(
        headline.headline(sample_dataset, "toilet_upgrades", "2023Q4").value, "户"
    )
    assert f"卫生厕所改造{total}" in q4


def test_the_closing_step_looks_to_the_years_end_then_to_next_year(sample_dataset):
    """In the fourth quarter the year's rating is under way or done: the notice looks ahead."""
    q3 = briefing.text(sample_dataset, AREA, "2023Q3", 85)
    q4 = briefing.text(sample_dataset, AREA, "2023Q4", 85)
    assert "力争年底评星定级完成目标" in q3 and "2024年创星目标" not in q3
    assert "力争年底" not in q4 and "谋划2024年创星目标" in q4


def test_a_quarter_not_every_village_reported_is_said_first(sample_dataset):
    """10 of 13 villages have reported 2024Q1: the briefing says so before any total, count or
    ranking (those are the ten's); a quarter every village reported says nothing of it."""
    partial = briefing.sections(with_blank_toilets(sample_dataset), AREA, "2024Q1", 85)
    assert partial[0].sentences[0] == (
        "请注意：截至本通报，马庄桥镇13个村中只有10个村上报了2024年第一季度的数据，"
        "下文的合计、达标、排名及与上季度的比较只反映已上报的村，待各村上报后再作全面通报。"
    )
    whole = briefing.sections(sample_dataset, AREA, "2023Q4", 85)
    assert not any("请注意" in s for section in whole for s in section.sentences)
