import re

import pandas as pd
import pytest

from tests.conftest import figure_titled, figures, run_app, title_of
from wuxing.dataset import Dataset
from wuxing.metrics import pairs
from wuxing.samples import sample

PAGE = "pages/pairs.py"


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return sample.build()


def code_of(ds: Dataset, name: str) -> str:
    return ds.villages.loc[ds.villages["name"] == name, "code"].iloc[0]


def param(at, key: str) -> str:
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else value


def table_with_column(at, column: str) -> pd.DataFrame:
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with column {column}")


def test_a_sample_pair_shows_the_right_scores_and_indicators(default_home, ds):
    key = pairs.pair_key(code_of(ds, "赵家村"), code_of(ds, "乙村"))
    at = run_app(PAGE, query={"pair": key, "period": "2023Q3"})
    assert not at.exception
    assert at.title[0].value == "结对比较"
    assert at.selectbox(key="pair").value == key
    m = pairs.pair_matchup(ds, key)
    expected = pairs.star_comparison(ds, m, "2023Q3", 85.0)
    radar = figure_titled(at, "五星得分对比")
    traces = {t["name"]: t for t in radar["data"]}
    assert list(traces["赵家村（导师村）"]["r"])[:5] == pytest.approx(list(expected["first"]))
    assert list(traces["乙村（帮带村）"]["r"])[:5] == pytest.approx(list(expected["second"]))
    assert "达标线 85 分" in traces
    stars = table_with_column(at, "差距（分）")
    assert list(stars["星"]) == [
        "支部过硬星",
        "产业兴旺星",
        "生态宜居星",
        "平安法治星",
        "文明幸福星",
    ]
    shown = table_with_column(at, "差距（%）")
    want = pairs.indicator_table(pairs.indicator_gaps(ds, m, "2023Q3"), m)
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), want, check_dtype=False)
    assert "万元" in " ".join(shown["赵家村（导师村）"])
    standing = table_with_column(at, "创星目标")
    assert list(standing["村"]) == ["赵家村（导师村）", "乙村（帮带村）"]
    # Trend rule, projection and the township's pairs are all on the page.
    assert any("差距减少 1 分及以上" in i.value for i in at.info)
    assert any("最小二乘法" in c.value for c in at.caption)
    assert "预计达标" in table_with_column(at, "预计达标").columns
    gaps = figure_titled(at, "各星差距走势")
    # Small multiples: one panel (x axis) per star.
    assert {t.get("xaxis", "x") for t in gaps["data"][:5]} == {"x", "x2", "x3", "x4", "x5"}
    assert len(table_with_column(at, "帮带村预计达标")) == 4


def test_two_arbitrary_villages(default_home, ds):
    first, second = code_of(ds, "甲村"), code_of(ds, "壬村")
    at = run_app(PAGE, query={"mode": "any", "v1": first, "v2": second})
    assert not at.exception
    radar = figure_titled(at, "五星得分对比")
    names = [t["name"] for t in radar["data"]]
    assert "甲村（参照村）" in names and "壬村（比较村）" in names
    assert any("暂无结对帮带记录" in c.value for c in at.caption)
    # Choosing another village updates the chart and the URL.
    at.selectbox(key="v2").set_value(code_of(ds, "乙村")).run()
    assert not at.exception
    assert at.query_params["v2"] == [code_of(ds, "乙村")] or at.query_params["v2"] == code_of(
        ds, "乙村"
    )
    names = [t["name"] for t in figure_titled(at, "五星得分对比")["data"]]
    assert "乙村（比较村）" in names
    assert any("由 赵家村 帮带" in c.value for c in at.caption)


def test_the_same_village_twice_asks_for_two(default_home, ds):
    code = code_of(ds, "甲村")
    at = run_app(PAGE, query={"mode": "any", "v1": code, "v2": code})
    assert not at.exception
    assert any("两个不同的村" in i.value for i in at.info)
    assert [e.key for e in at.get("plotly_chart")] == ["pair_board"]  # the township's pairs only


def test_url_parameters_round_trip(default_home, ds):
    at = run_app(PAGE)
    assert not at.exception
    assert param(at, "mode") == "pair"
    other = pairs.pair_key(code_of(ds, "永固集村"), code_of(ds, "丙村"))
    at.selectbox(key="pair").set_value(other).run()
    assert param(at, "pair") == other
    # A link with that parameter reopens the same pair.
    again = run_app(PAGE, query={"pair": other})
    assert again.selectbox(key="pair").value == other
    assert "永固集村 与 丙村" in figure_titled(again, "五星得分对比")["layout"]["title"]["text"]


def test_an_invalid_pair_in_the_url_falls_back_with_a_notice(default_home):
    at = run_app(PAGE, query={"pair": "nobody~nothing"})
    assert not at.exception
    assert any("无效" in w.value for w in at.warning)
    figure_titled(at, "五星得分对比")


def test_star_filter_narrows_the_indicators(default_home, ds):
    at = run_app(PAGE, query={"star": "ecology"})
    assert not at.exception
    shown = table_with_column(at, "差距（%）")
    assert set(shown["星"]) == {"生态宜居"}
    lines = figure_titled(at, "各星得分走势")
    assert len(lines["data"]) == 2


def test_villages_without_pairs_show_a_helpful_empty_state(named_store):
    villages = pd.DataFrame({"code": ["A", "B"], "name": ["甲村", "乙村"], "town": "某镇"})
    scores = pd.DataFrame(
        {
            "code": ["A", "B"],
            "period": ["2024Q1"] * 2,
            "star": ["safety"] * 2,
            "score": [90.0, 80.0],
        }
    )
    named_store.commit(
        Dataset.of(villages=villages, scores=scores), content=b"np", filename="np.xlsx", user="测试"
    )
    at = run_app(PAGE)
    assert not at.exception
    assert any("还没有结对帮带记录" in i.value and "任选两个村" in i.value for i in at.info)
    assert not at.get("plotly_chart")
    at.radio(key="mode").set_value("any").run()
    assert not at.exception
    radar = figure_titled(at, "五星得分对比")
    assert [t["name"] for t in radar["data"]][1:] == ["甲村（参照村）", "乙村（比较村）"]
    assert any("暂无结对帮带记录" in c.value for c in at.caption)


def test_a_county_counts_its_pairs_per_township(county_store, county):
    at = run_app(PAGE)
    assert not at.exception
    chart = figure_titled(at, "各乡镇结对差距变化")
    # Every stored pair counted once, in the township of its mentee.
    assert sum(sum(trace["x"]) for trace in chart["data"]) == len(county.pairs)
    towns = set(county.villages.set_index("code").loc[county.pairs["mentee"], "town"])
    assert set(chart["data"][0]["y"]) == towns
    assert not [f for f in figures(at) if "各结对平均差距" in title_of(f)]


# -- the first screen: every pair of the township ----------------------------------------------

PROJECTED = re.compile(
    r"^(预计\d{4}年第[一二三四]季度达标|需每季度提高 \d+\.\d 分才能\d{4}年内达标)"
)


def first_content(at):
    """The first element of the page after its title and the sample-data notice."""
    elements = [at.main.children[i] for i in sorted(at.main.children)]
    assert elements[0].type == "title"
    rest = [e for e in elements[1:] if "示例数据" not in str(getattr(e, "value", ""))]
    return rest[0]


def board_traces(fig: dict) -> dict:
    return {t.get("name", f"#{i}"): t for i, t in enumerate(fig["data"])}


def test_the_page_opens_on_every_pair_of_the_township(default_home, ds):
    at = run_app(PAGE, query={"period": "2023Q2"})
    assert not at.exception
    area = param(at, "area")
    assert area.endswith("马庄桥镇")
    first = first_content(at)
    assert first.key == "pair_board"
    fig = figures(at)[0]
    assert "各结对差距与帮带村达标预计" in title_of(fig)
    board = pairs.pair_board(ds, area, "2023Q2", 85.0)
    assert len(board) == len(ds.pairs) == 4
    names = [f"{a} → {b}" for a, b in zip(board["mentor_name"], board["mentee_name"], strict=True)]
    traces = board_traces(fig)
    now, before = traces["当前差距"], traces["结对时差距"]
    assert list(now["y"]) == names and list(before["y"]) == names
    assert now["x"] == pytest.approx(list(board["gap"]))
    assert before["x"] == pytest.approx(list(board["gap_at_pairing"]))
    assert now["customdata"] == list(board["key"])
    colours = {pairs.CLOSING: "#1E8449", pairs.WIDENING: "#C0392B", pairs.STABLE: "#5D6D7E"}
    assert now["marker"]["color"] == [colours[t] for t in board["trend_since"]]
    notes = next(t for t in fig["data"] if t.get("mode") == "text")["text"]
    for note, trend, outlook in zip(notes, board["trend_since"], board["outlook"], strict=True):
        assert f"结对以来差距{trend}" in note and "较结对时" in note and "较上季度" in note
        assert outlook.split(" · ")[0] in note  # 2023年目标二星
    # Each mentee's missing target stars: a projected quarter or the gain needed, in 2023.
    for outlook in board["outlook"]:
        head, _, stars = outlook.partition(" · ")
        assert head.startswith("2023年目标")
        if stars != "目标星均已达标":
            for part in stars.split("；"):
                assert PROJECTED.match(part.split("：", 1)[1]), part
    assert any("预计2023年第三季度达标" in o for o in board["outlook"])
    assert any("需每季度提高" in o for o in board["outlook"])
    shown = table_with_column(at, "帮带村预计达标")
    pd.testing.assert_frame_equal(
        shown.reset_index(drop=True), pairs.board_table(board), check_dtype=False
    )
    assert list(shown.columns[2:7]) == [
        "结对时差距（分）",
        "当前差距（分）",
        "较结对时（分）",
        "较上季度（分）",
        "结对以来",
    ]


def test_selecting_a_pair_on_the_board_opens_its_detail(default_home, ds):
    at = run_app(PAGE)
    board = table_with_column(at, "帮带村预计达标")
    row = list(board["结对（导师村 → 帮带村）"]).index("南永固村 → 丁村")
    assert at.selectbox(key="pair").value != pairs.pair_key(
        code_of(ds, "南永固村"), code_of(ds, "丁村")
    )
    at.session_state["pair_board_rows"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    key = pairs.pair_key(code_of(ds, "南永固村"), code_of(ds, "丁村"))
    assert at.selectbox(key="pair").value == key and param(at, "pair") == key
    assert "南永固村 与 丁村" in title_of(figure_titled(at, "五星得分对比"))
    assert "丁村" in title_of(figure_titled(at, "各星差距走势"))
    # The picker stays free: choosing another pair while the row is still selected wins.
    other = pairs.pair_key(code_of(ds, "赵家村"), code_of(ds, "乙村"))
    at.selectbox(key="pair").set_value(other).run()
    assert at.selectbox(key="pair").value == other
    assert "赵家村 与 乙村" in title_of(figure_titled(at, "五星得分对比"))


def test_a_year_without_targets_says_so_instead_of_using_last_years(named_store):
    data = sample.build()
    later = data.scores[data.scores["period"] == "2023Q4"].assign(period="2024Q1")
    frames = {k: data.frame(k) for k in ("villages", "values", "awards", "targets", "pairs")}
    named_store.commit(
        Dataset.of(**frames, scores=pd.concat([data.scores, later])),
        content=b"2024",
        filename="2024.xlsx",
        user="测试",
    )
    at = run_app(PAGE)
    assert not at.exception
    assert param(at, "period") == "2024Q1"
    notes = next(t for t in figures(at)[0]["data"] if t.get("mode") == "text")["text"]
    notes = [n.replace("<br>", "") for n in notes]  # broken into short lines for a phone
    assert len(notes) == 4 and all("尚未报送2024年创星目标" in n for n in notes)
    assert "2023年目标" not in " ".join(notes)
    shown = table_with_column(at, "帮带村预计达标")
    assert set(shown["帮带村预计达标"]) == {"尚未报送2024年创星目标"}
    standing = table_with_column(at, "创星目标")
    assert set(standing["创星目标"]) == {"尚未报送2024年创星目标"}
    assert any("尚未报送2024年创星目标" in m.value for m in at.markdown)
