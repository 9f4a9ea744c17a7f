import math

import pandas as pd
import pytest

from wuxing import periods
from wuxing.dataset import Dataset
from wuxing.metrics import pairs
from wuxing.samples import sample

PASS = 85.0


def village_frame(*names: str) -> pd.DataFrame:
    return pd.DataFrame({"code": list(names), "name": [f"{n}村" for n in names], "town": "某镇"})


def scores_frame(
    series: dict[str, dict[str, list[float | None]]], first: str = "2023Q1"
) -> pd.DataFrame:
    """{code: {star: [score per quarter from `first`]}} → score rows (None = missing)."""
    rows = []
    for code, by_star in series.items():
        for star, values in by_star.items():
            for k, v in enumerate(values):
                if v is not None:
                    q = periods.shift(first, k)
                    rows.append({"code": code, "period": q, "star": star, "score": v})
    return pd.DataFrame(rows)


def series(values: list[float | None], first: str = "2023Q1") -> pd.Series:
    frame = scores_frame({"X": {"s": values}}, first)
    return frame.set_index("period")["score"]


# -- gap and leader ---------------------------------------------------------------------------


def test_leader_is_direction_aware():
    assert pairs.leader(10, 8, "up", "甲", "乙") == "甲"
    assert pairs.leader(10, 8, "down", "甲", "乙") == "乙"  # fewer petitions is better
    assert pairs.leader(0, 1, "bool", "甲", "乙") == "乙"
    assert pairs.leader(3, 3, "up", "甲", "乙") == "持平"
    assert pairs.leader(math.nan, 3, "up", "甲", "乙") == "—"


def test_shortfall_is_direction_aware_and_bounded():
    assert pairs.shortfall(20, 15, "up") == pytest.approx(0.25)  # lacks a quarter of 20
    assert pairs.shortfall(15, 20, "up") == pytest.approx(-0.25)  # leads
    assert pairs.shortfall(0, 2, "down") == pytest.approx(1.0)  # 2 cases where the mentor has 0
    assert pairs.shortfall(0, 0, "down") == 0.0
    assert math.isnan(pairs.shortfall(math.nan, 1, "up"))


def indicator_dataset() -> tuple[Dataset, pairs.Matchup]:
    values = pd.DataFrame(
        [
            ("A", "2023Q2", "collective_income", 20.0),
            ("B", "2023Q2", "collective_income", 15.0),
            ("A", "2023Q2", "petitions", 0.0),
            ("B", "2023Q2", "petitions", 2.0),
            ("A", "2023Q2", "volunteers", 30.0),
            ("B", "2023Q2", "volunteers", 40.0),
            ("A", "2023Q2", "toilet_upgrades", 100.0),
            ("A", "2023Q1", "volunteers", 1.0),  # another quarter: ignored
        ],
        columns=["code", "period", "indicator", "value"],
    )
    ds = Dataset.of(villages=village_frame("A", "B"), values=values)
    return ds, pairs.free_matchup(ds, "A", "B")


def test_indicator_gaps_values_gap_percent_leader_and_order():
    ds, m = indicator_dataset()
    gaps = pairs.indicator_gaps(ds, m, "2023Q2").set_index("indicator")
    # Biggest shortfall of B first (petitions: 100 %), then income (25 %), then where B leads,
    # and the indicator with a missing value last.
    assert list(gaps.index) == ["petitions", "collective_income", "volunteers", "toilet_upgrades"]
    income = gaps.loc["collective_income"]
    assert (income["first"], income["second"], income["gap"]) == (20.0, 15.0, 5.0)
    assert income["gap_pct"] == pytest.approx(100 * 5 / 15)
    assert income["leader"] == "A村"
    assert gaps.loc["petitions", "leader"] == "A村"  # 0 petitions beats 2
    assert gaps.loc["volunteers", "leader"] == "B村"
    assert math.isnan(gaps.loc["toilet_upgrades", "second"])  # missing, not zero
    assert gaps.loc["toilet_upgrades", "leader"] == "—"
    table = pairs.indicator_table(gaps.reset_index(), m)
    row = table[table["指标"] == "村集体经济收入"].iloc[0]
    assert row["A村（参照村）"] == "20.0 万元" and row["差距"] == "+5.0 万元"
    assert row["差距（%）"] == "+33.3%"
    assert "越少越好" in table.iloc[0]["指标"]


def test_indicator_gaps_for_one_star_only():
    ds, m = indicator_dataset()
    gaps = pairs.indicator_gaps(ds, m, "2023Q2", star="civility")
    assert list(gaps["indicator"]) == ["volunteers"]


# -- closing / widening ----------------------------------------------------------------------


def test_trend_label_rule():
    assert pairs.trend_label(-1.0) == pairs.CLOSING
    assert pairs.trend_label(-3.5) == pairs.CLOSING
    assert pairs.trend_label(1.0) == pairs.WIDENING
    assert pairs.trend_label(0.9) == pairs.STABLE
    assert pairs.trend_label(-0.9) == pairs.STABLE
    assert pairs.trend_label(math.nan) == "—"
    assert "1 分" in pairs.TREND_RULE


def test_gap_history_labels_each_quarter():
    scores = scores_frame(
        {
            "A": {"branch": [90, 90, 90, 90, 90]},
            "B": {"branch": [80, 83, 83.5, 81, None]},
        }
    )
    ds = Dataset.of(villages=village_frame("A", "B"), scores=scores)
    m = pairs.free_matchup(ds, "A", "B")
    history = pairs.gap_history(ds, m, "2024Q1", star="branch")
    assert list(history["gap"])[:4] == [10, 7, 6.5, 9]
    assert list(history["trend"]) == ["—", pairs.CLOSING, pairs.STABLE, pairs.WIDENING, "—"]
    assert math.isnan(history["gap"].iloc[4])  # B not scored: missing, never zero
    assert list(pairs.gap_history(ds, m, "2023Q2", star="branch")["period"]) == ["2023Q1", "2023Q2"]


def test_pairs_overview_average_gap_and_changes():
    scores = scores_frame(
        {
            "M": {"branch": [90, 90, 90], "industry": [90, 90, 90]},
            "E": {"branch": [80, 84, 83], "industry": [76, 80, 80]},
            "N": {"branch": [90, 90, 90], "industry": [90, 90, 90]},
            "F": {"branch": [88, 88, 85], "industry": [88, 88, 85]},
        }
    )
    pair_rows = pd.DataFrame(
        {"mentor": ["M", "N"], "mentee": ["E", "F"], "since": ["2023Q1", "2023Q2"]}
    )
    ds = Dataset.of(villages=village_frame("M", "E", "N", "F"), scores=scores, pairs=pair_rows)
    overview = pairs.pairs_overview(ds, "", "2023Q3").set_index("mentee_name")
    # N → F: gap 2 → 5, widening, listed first.
    assert list(overview.index) == ["F村", "E村"]
    f = overview.loc["F村"]
    assert (f["gap"], f["change_quarter"], f["change_since"]) == (5.0, 3.0, 3.0)
    assert f["widening"] and f["trend"] == pairs.WIDENING
    e = overview.loc["E村"]
    # Gaps: 2023Q1 (10+14)/2 = 12, 2023Q2 8, 2023Q3 8.5.
    assert (e["gap"], e["change_quarter"], e["change_since"]) == (8.5, 0.5, -3.5)
    assert e["trend"] == pairs.STABLE and not e["widening"]
    table = pairs.overview_table(overview.reset_index())
    assert list(table["差距扩大"]) == ["是", ""]


# -- projection --------------------------------------------------------------------------------


def test_pairs_by_area_count_each_trend_per_mentee_township():
    scores = scores_frame(
        {
            "M": {"branch": [90, 90]},
            "E": {"branch": [80, 85]},  # closing: 10 → 5
            "N": {"branch": [90, 90]},
            "F": {"branch": [88, 80]},  # widening: 2 → 10
            "O": {"branch": [90, 90]},
            "G": {"branch": [None, 70]},  # no earlier gap
        }
    )
    villages = pd.DataFrame(
        {
            "code": ["M", "E", "N", "F", "O", "G"],
            "name": ["M村", "E村", "N村", "F村", "O村", "G村"],
            "town": ["甲镇", "甲镇", "乙镇", "甲镇", "乙镇", "乙镇"],
            "county": "某县",
            "city": "某市",
        }
    )
    pair_rows = pd.DataFrame(
        {"mentor": ["M", "N", "O"], "mentee": ["E", "F", "G"], "since": ["2023Q1"] * 3}
    )
    ds = Dataset.of(villages=villages, scores=scores, pairs=pair_rows)
    # N (乙镇) mentors F (甲镇): the pair counts where its mentee is, scored from N's own scores.
    frame = pairs.pairs_by_area(ds, "某市/某县", "2023Q2").set_index("label")
    assert frame.loc["甲镇", ["pairs", "closing", "stable", "widening", "unknown"]].tolist() == [
        2,
        1,
        0,
        1,
        0,
    ]
    assert frame.loc["甲镇", "gap"] == 7.5
    assert (
        frame.loc["乙镇", ["pairs", "unknown"]].tolist() == [1, 1]
        and frame.loc["乙镇", "gap"] == 20
    )
    table = pairs.by_area_table(frame.reset_index(), "乡镇")
    assert table.columns[0] == "乡镇" and "差距扩大（对）" in table


def test_projection_of_a_linear_series():
    # 76, 78, 80, 82 (2023Q1–Q4): +2 a quarter, 85 is reached at 85.0 → 2024Q2 (84 in Q1, 86 in Q2).
    p = pairs.project(series([76, 78, 80, 82]), "2023Q4", PASS)
    assert p.slope == pytest.approx(2.0)
    assert p.quarter == "2024Q2" and p.status == "projected"
    assert p.text == "预计2024年第二季度达标"
    assert p.points == 4


def test_projection_lands_exactly_on_the_mark():
    p = pairs.project(series([73, 76, 79, 82]), "2023Q4", PASS)  # +3: 85 exactly in 2024Q1
    assert p.quarter == "2024Q1"


def test_projection_uses_only_the_last_four_quarters():
    # An old fall does not count: the last four quarters rise by 2 a quarter.
    p = pairs.project(series([95, 60, 76, 78, 80, 82]), "2024Q2", PASS)
    assert p.slope == pytest.approx(2.0) and p.quarter == "2024Q4"


def test_projection_of_a_flat_series_never_arrives():
    p = pairs.project(series([80, 80, 80, 80]), "2023Q4", PASS)
    assert p.status == "unreachable" and p.quarter is None
    assert p.text == pairs.UNREACHABLE == "按当前进度年内难以达标"


def test_projection_of_a_falling_series_never_arrives():
    assert pairs.project(series([84, 83, 82, 81]), "2023Q4", PASS).text == pairs.UNREACHABLE


def test_projection_of_a_noisy_series():
    # Least squares over 80, 82, 81, 83: slope 0.8, line at 82.7 in 2023Q4 → 85 after 2.875
    # quarters → 2024Q3.
    p = pairs.project(series([80, 82, 81, 83]), "2023Q4", PASS)
    assert p.slope == pytest.approx(0.8)
    assert p.quarter == "2024Q3"


def test_projection_too_slow_for_the_year():
    # +0.5 a quarter from 80: 85 takes 10 quarters, beyond the one-year horizon.
    assert pairs.project(series([78.5, 79, 79.5, 80]), "2023Q4", PASS).text == pairs.UNREACHABLE


def test_no_projection_from_fewer_than_three_quarters():
    p = pairs.project(series([80, 84]), "2023Q2", PASS)
    assert p.status == "too_few" and p.quarter is None and p.points == 2
    assert "少于 3 个季度" in p.text
    # Three quarters inside the window of four (one missing) are enough.
    assert pairs.project(series([76, None, 80, 82]), "2023Q4", PASS).status == "projected"
    # Gaps reaching outside the window leave too few.
    assert pairs.project(series([76, 78, None, None, 82]), "2024Q1", PASS).status == "too_few"


def test_a_village_already_past_the_mark():
    p = pairs.project(series([90, 88, 86]), "2023Q3", PASS)  # falling, but already there
    assert p.status == "reached" and p.text == "已达标"
    assert pairs.project(series([85]), "2023Q1", PASS).status == "reached"  # even with one quarter


def test_projections_put_target_stars_first():
    scores = scores_frame({"B": {"ecology": [76, 78, 80, 82], "branch": [90, 90, 90, 90]}})
    targets = pd.DataFrame(
        {"code": ["B"], "year": [2023], "level": [2], "stars": ["ecology,branch"]}
    )
    ds = Dataset.of(villages=village_frame("B"), scores=scores, targets=targets)
    frame = pairs.projections(ds, "B", "2023Q3", PASS)
    assert list(frame["star"])[:2] == ["branch", "ecology"]
    by_star = frame.set_index("star")
    assert by_star.loc["branch", "text"] == "已达标"
    # 76, 78, 80 (Q1–Q3): +2 a quarter reaches 85 in 2024Q2, after 2023: one quarter left.
    assert (
        by_star.loc["ecology", "text"]
        == "需每季度提高 5.0 分才能2023年内达标（按近期趋势2024年第二季度达标）"
    )
    assert by_star.loc["safety", "text"] == pairs.NO_SCORE  # never scored
    table = pairs.projection_table(frame)
    assert list(table.columns)[-1] == "预计达标" and "2023年目标星" in table


# -- pairs, matchups and standings ------------------------------------------------------------


def test_pair_options_and_matchups_on_the_sample():
    ds = sample.build()
    options = pairs.pair_options(ds)
    assert len(options) == 4
    assert "赵家村 → 乙村（2022年第三季度起）" in list(options["label"])
    key = options.loc[options["mentee_name"] == "乙村", "key"].iloc[0]
    m = pairs.pair_matchup(ds, key)
    assert (m.first_name, m.second_name, m.roles, m.since) == (
        "赵家村",
        "乙村",
        pairs.PAIR_ROLES,
        "2022Q3",
    )
    assert pairs.pair_matchup(ds, "nope~nothing") is None
    # Chosen freely but stored as a pair (either way round): shown as that pair.
    again = pairs.free_matchup(ds, m.second, m.first)
    assert (again.first_name, again.roles) == ("赵家村", pairs.PAIR_ROLES)
    names = dict(zip(ds.villages["name"], ds.villages["code"], strict=True))
    free = pairs.free_matchup(ds, names["甲村"], names["壬村"])
    assert free.roles == pairs.FREE_ROLES and free.since is None
    assert pairs.pair_notes(ds, names["乙村"]) == ["由 赵家村 帮带（2022年第三季度起）"]
    assert pairs.pair_notes(ds, names["甲村"]) == []
    assert pairs.pair_notes_line(ds, names["乙村"]) == "乙村：由 赵家村 帮带（2022年第三季度起）"
    assert pairs.pair_notes_line(ds, names["甲村"]) == "甲村：暂无结对帮带记录"
    assert pairs.matchup_caption(m, "2023Q4", 85) == (
        "赵家村（导师村） → 乙村（帮带村） · 2022年第三季度起结对 · 2023年第四季度"
        " · 达标线 85 分 · 差距 = 导师村 − 帮带村"
    )
    assert pairs.indicator_rule(free).startswith(
        "差距 = 参照村 − 比较村，差距（%）相对比较村的数值"
    )


def test_star_comparison_and_standing():
    scores = scores_frame(
        {"A": {"branch": [90], "industry": [80]}, "B": {"branch": [86], "industry": [88]}}
    )
    awards = pd.DataFrame(
        {
            "code": ["A", "B"],
            "year": [2022, 2022],
            "star": ["branch", "industry"],
            "awarded": [True, True],
        }
    )
    targets = pd.DataFrame(
        {"code": ["B"], "year": [2023], "level": [2], "stars": ["branch,industry"]}
    )
    ds = Dataset.of(villages=village_frame("A", "B"), scores=scores, awards=awards, targets=targets)
    m = pairs.free_matchup(ds, "A", "B")
    comparison = pairs.star_comparison(ds, m, "2023Q1", PASS).set_index("star")
    assert comparison.loc["branch", "gap"] == 4 and comparison.loc["branch", "leader"] == "A村"
    assert comparison.loc["industry", "leader"] == "B村"
    assert comparison.loc["industry", "second_held"] and comparison.loc["branch", "second_target"]
    assert not comparison.loc["industry", "first_passes"]
    assert math.isnan(comparison.loc["safety", "gap"]) and comparison.loc["safety", "leader"] == "—"
    table = pairs.standing_table(ds, m, "2023Q1")
    assert list(table["已获评"]) == ["2022年度 一星：支部过硬", "2022年度 一星：产业兴旺"]
    assert list(table["创星目标"]) == [
        "尚未报送2023年创星目标",
        "2023年 目标二星：支部过硬、产业兴旺",
    ]


def test_a_comparison_without_any_score_says_so():
    comparison = pd.DataFrame({"first": [float("nan")] * 5, "second": [float("nan")] * 5})
    assert not pairs.any_scored(comparison)
    assert pairs.any_scored(comparison.assign(second=[float("nan")] * 4 + [81.0]))


# -- outlook against the year's target -------------------------------------------------------


def test_a_mentee_gaining_two_points_a_quarter_is_projected_to_a_quarter():
    # 76, 78, 80 (2023Q3–2024Q1): 82 in Q2, 84 in Q3, 86 in Q4 → within 2024.
    o = pairs.outlook(series([76, 78, 80], first="2023Q3"), "2024Q1", PASS, 2024)
    assert (o.status, o.quarter, o.slope) == ("on_track", "2024Q4", pytest.approx(2.0))
    assert o.text == "预计2024年第四季度达标"


def test_a_flat_mentee_is_told_the_gain_needed_within_the_target_year():
    # Flat at 80 in 2024Q1: 5 points in the three quarters left of 2024.
    o = pairs.outlook(series([80, 80, 80], first="2023Q3"), "2024Q1", PASS, 2024)
    assert o.status == "needs_gain" and o.quarter is None
    assert o.needed == pytest.approx(5 / 3)
    assert o.text == "需每季度提高 1.7 分才能2024年内达标"


@pytest.mark.parametrize(
    ("values", "period", "status", "text"),
    [
        # Rising too slowly for 2024: the gain still needed, and when the trend gets there.
        (
            [78, 79, 80],
            "2024Q1",
            "needs_gain",
            "需每季度提高 1.7 分才能2024年内达标（按近期趋势2025年第二季度达标）",
        ),
        # +0.5 a quarter: ten quarters away, past the two-year horizon: no quarter named.
        ([79, 79.5, 80], "2024Q1", "needs_gain", "需每季度提高 1.7 分才能2024年内达标"),
        # One quarter: no trend, but the gain needed is still known.
        ([80], "2024Q1", "needs_gain", "需每季度提高 1.7 分才能2024年内达标"),
        # The fourth quarter of the target year: nothing left but to say how far short it fell.
        ([80, 80, 80], "2024Q4", "missed", "2024年内未达标（差 5.0 分）"),
        (
            [80, 81, 82],
            "2024Q4",
            "missed",
            "2024年内未达标（差 3.0 分），按近期趋势预计2025年第三季度达标",
        ),
        ([80, 86], "2024Q2", "reached", "已达标"),
        ([80, None], "2024Q2", "no_score", "本季度无评分"),
    ],
)
def test_outlook_cases(values, period, status, text):
    first = periods.shift(period, -(len(values) - 1))
    o = pairs.outlook(series(values, first=first), period, PASS, 2024)
    assert (o.status, o.text) == (status, text)


def mentee_dataset(targets: pd.DataFrame, last: str = "2024Q1") -> Dataset:
    scores = scores_frame(
        {
            "M": {"industry": [90, 90, 90, 90], "ecology": [90, 90, 90, 90]},
            "E": {"industry": [74, 76, 78, 80], "ecology": [80, 80, 80, 80]},
        },
        first=periods.shift(last, -3),
    )
    pair_rows = pd.DataFrame({"mentor": ["M"], "mentee": ["E"], "since": ["2023Q2"]})
    return Dataset.of(
        villages=village_frame("M", "E"), scores=scores, targets=targets, pairs=pair_rows
    )


def test_target_outlook_names_each_missing_target_star_and_the_target_year():
    targets = pd.DataFrame(
        {"code": ["E"], "year": [2024], "level": [2], "stars": ["industry,ecology"]}
    )
    text = pairs.target_outlook(mentee_dataset(targets), "E", "2024Q1", PASS)
    assert text == (
        "2024年目标二星 · 产业兴旺：预计2024年第四季度达标；"
        "生态宜居：需每季度提高 1.7 分才能2024年内达标"
    )


def test_last_years_target_is_never_used_for_this_year():
    targets = pd.DataFrame(
        {"code": ["E"], "year": [2023], "level": [2], "stars": ["industry,ecology"]}
    )
    ds = mentee_dataset(targets)
    assert pairs.target_of(ds, "E", "2024Q1") == (None, None, [])
    assert pairs.target_of(ds, "E", "2023Q4")[0] == 2023
    assert pairs.target_outlook(ds, "E", "2024Q1", PASS) == "尚未报送2024年创星目标"
    assert pairs.standing(ds, "E", "2024Q1").target_text == "尚未报送2024年创星目标"
    frame = pairs.projections(ds, "E", "2024Q1", PASS)
    assert not frame["is_target"].any() and set(frame["year"]) == {2024}


def test_gap_at_pairing_and_now():
    # Paired in 2023Q2: the gap then (mean of both stars) was (16 + 10) / 2 = 13; now (10 + 10) / 2.
    targets = pd.DataFrame({"code": ["E"], "year": [2024], "level": [1], "stars": ["industry"]})
    ds = mentee_dataset(targets)
    row = pairs.pairs_overview(ds, "", "2024Q1").iloc[0]
    assert row["baseline"] == "2023Q2"
    assert row["gap_at_pairing"] == pytest.approx(13.0)
    assert row["gap"] == pytest.approx(10.0)
    assert row["change_since"] == pytest.approx(-3.0)
    assert row["change_quarter"] == pytest.approx(-1.0)
    assert (row["trend_since"], row["trend"]) == (pairs.CLOSING, pairs.CLOSING)
    board = pairs.pair_board(ds, "", "2024Q1", PASS)
    assert board.loc[0, "outlook"] == "2024年目标一星 · 产业兴旺：预计2024年第四季度达标"
    table = pairs.board_table(board)
    assert table.iloc[0].tolist() == [
        "M村 → E村",
        "2023年第二季度",
        "13.0",
        "10.0",
        "-3.0 分",
        "-1.0 分",
        "缩小",
        board.loc[0, "outlook"],
    ]


def test_the_board_puts_pairs_widening_since_pairing_first():
    scores = scores_frame(
        {
            "M": {"branch": [90, 90]},
            "E": {"branch": [88, 80]},  # widening: 2 → 10
            "N": {"branch": [90, 90]},
            "F": {"branch": [70, 75]},  # closing: 20 → 15
        }
    )
    pair_rows = pd.DataFrame({"mentor": ["N", "M"], "mentee": ["F", "E"], "since": ["2023Q1"] * 2})
    ds = Dataset.of(villages=village_frame("M", "E", "N", "F"), scores=scores, pairs=pair_rows)
    board = pairs.pair_board(ds, "", "2023Q2", PASS)
    assert list(board["mentee"]) == ["E", "F"]
    assert list(board["trend_since"]) == [pairs.WIDENING, pairs.CLOSING]
    assert list(board["outlook"]) == ["尚未报送2023年创星目标"] * 2
