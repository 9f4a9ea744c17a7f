"""季度通报: every fact in it is checked against the metrics."""

import pandas as pd

from wuxing import catalog, formatting, periods
from wuxing.dataset import Dataset
from wuxing.meeting import briefing
from wuxing.metrics import headline, meeting, pairs, ranking, stars, targets
from wuxing.storage.store import open_store

AREA = "濮阳市/清丰县/马庄桥镇"


def test_sample_briefing_states_the_metrics(sample_dataset):
    ds, period = sample_dataset, "2023Q1"
    text = briefing.text(ds, AREA, period, 85)
    assert text.startswith("马庄桥镇2023年第一季度“五星”支部创建工作通报\n")
    headings = [line for line in text.splitlines() if line[1:2] == "、"]
    assert headings == ["一、总体情况", "二、本季度达标情况（达标线 85 分）", "三、比学赶超",
                        "四、结对帮带", "五、创星目标", "六、主要指标"]  # fmt: skip
    dist = stars.level_distribution(ds, 2023)
    for label, n in zip(dist["label"], dist["villages"], strict=True):
        if n:
            assert f"{label}村 {n} 个" in text
    now, before = meeting.passing_total(ds, period, 85), meeting.passing_total(ds, "2022Q4", 85)
    assert f"合计达标 {now} 颗次，2022年第四季度为 {before} 颗次" in text
    for r in meeting.pass_changes(ds, period, 85).itertuples(index=False):
        assert f"{r.village}{r.label}（{r.previous:.1f} → {r.score:.1f} 分）" in text
    ranked = ranking.ranking(ds, ranking.TOTAL, period)
    leader = ranked.iloc[0]
    assert f"第一名：{leader['village']}，{formatting.quantity(leader['value'], '分')}" in text
    up, _ = ranking.movers(ranked, ranking.TOTAL, n=briefing.MOVERS)
    assert (
        f"进步最快：{up['village'].iloc[0]}（{formatting.change(up['change'].iloc[0], '分')}"
        in text
    )
    overview = pairs.pairs_overview(ds, "", period)
    assert f"结对 {len(overview)} 对" in text
    closing = overview[overview["trend"] == pairs.CLOSING]
    assert f"差距缩小的结对 {len(closing)} 对" in text
    status = targets.target_status(ds, period, 85)
    counts = targets.on_track_counts(status)
    assert (f"{counts[targets.STATUS_ON_TRACK]} 个村按目标推进，"
            f"{counts[targets.STATUS_OFF_TRACK]} 个村未达目标进度") in text  # fmt: skip
    for f in headline.headlines(ds, period):
        assert f"{f.label} {formatting.quantity(f.value, f.unit)}，{f.comparison}" in text
        assert formatting.quantity(abs(f.change), f.unit) in text


def test_briefing_follows_the_quarter(sample_dataset):
    q1 = briefing.text(sample_dataset, AREA, "2023Q1", 85)
    q4 = briefing.text(sample_dataset, AREA, "2023Q4", 85)
    assert q1 != q4 and "2023年第四季度" in q4
    total = formatting.quantity(
        headline.headline(sample_dataset, "toilet_upgrades", "2023Q4").value, "户"
    )
    assert f"卫生厕所改造 {total}" in q4


def _handmade() -> Dataset:
    """Three villages: 甲村 gains 产业兴旺星 in 2023, 乙村 loses 平安法治星; in 2023Q1 甲村's
    industry score crosses the pass mark and 乙村's safety score falls below it."""
    villages = pd.DataFrame({"code": ["A", "B", "C"], "name": ["甲村", "乙村", "丙村"],
                             "town": "某镇", "county": "某县", "city": "某市"})  # fmt: skip
    held = {
        ("A", 2022): {"branch"},
        ("B", 2022): {"branch", "safety"},
        ("C", 2022): {"branch"},
        ("A", 2023): {"branch", "industry"},
        ("B", 2023): {"branch"},
        ("C", 2023): {"branch"},
    }
    awards = pd.DataFrame([(code, year, star, star in stars_held)
                           for (code, year), stars_held in held.items()
                           for star in catalog.STAR_IDS],
                          columns=["code", "year", "star", "awarded"])  # fmt: skip
    scores = pd.DataFrame([
        ("A", "2022Q4", "industry", 80.0), ("A", "2023Q1", "industry", 88.0),
        ("B", "2022Q4", "safety", 90.0), ("B", "2023Q1", "safety", 70.0),
        ("C", "2022Q4", "safety", 86.0), ("C", "2023Q1", "safety", 87.0),
    ], columns=["code", "period", "star", "score"])  # fmt: skip
    return Dataset.of(villages=villages, awards=awards, scores=scores)


def test_stars_gained_and_lost_in_a_handmade_store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    store.commit(_handmade(), content=b"hand", filename="hand.xlsx", user="测试")
    ds = store.load()
    store.dispose()
    text = briefing.text(ds, "某市/某县/某镇", "2023Q1", 85)
    assert "某镇共 3 个村。2023年度评星定级结果：二星村 1 个、一星村 2 个。" in text
    assert "与2022年度相比，新获评 1 颗星，被摘星 1 颗。" in text
    assert "新获评：甲村（产业兴旺星）。" in text
    assert "被摘星：乙村（平安法治星）。" in text
    assert "新达标 1 颗：甲村产业兴旺星（80.0 → 88.0 分）。" in text
    assert "跌破达标线 1 颗：乙村平安法治星（90.0 → 70.0 分）。" in text
    assert "合计达标 2 颗次，2022年第四季度为 2 颗次，持平。" in text
    changes = meeting.award_year_changes(ds, 2023)
    assert list(changes["village"]) == ["甲村", "乙村"]
    assert "结对帮带" not in text and "创星目标" not in text  # no pairs, no targets: no section


def test_first_award_year_says_there_is_nothing_to_compare():
    ds = _handmade()
    ds = Dataset.of(villages=ds.villages, awards=ds.awards[ds.awards["year"] == 2023],
                    scores=ds.scores)  # fmt: skip
    text = briefing.text(ds, "", "2023Q1", 85)
    assert "2023年度为首次评定，暂无与上年的比较。" in text
    assert periods.label("2023Q1") in text
