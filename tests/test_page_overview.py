from tests.builders import with_blank_toilets
from tests.conftest import figure_titled, run_app
from wuxing.metrics import villages
from wuxing.samples import sample


def test_overview_draws_the_sample_with_the_right_numbers(fresh_home):
    at = run_app()  # the first visit seeds the empty default store with the sample
    assert not at.exception
    assert at.title[0].value == "总览"
    assert any("示例数据" in i.value for i in at.info)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["卫生厕所改造（户）"] == "1,712 户"  # 2023Q4, the latest quarter
    levels = figure_titled(at, "年度星级分布")
    assert list(levels["data"][0]["x"]) == ["无星", "一星", "二星", "三星", "四星", "五星"]
    assert sum(levels["data"][0]["y"]) == 13
    held = figure_titled(at, "各星获评村数")
    assert list(held["data"][0]["x"])[0] == "支部过硬星"
    heat = figure_titled(at, "各村星级评分")
    assert len(heat["data"][0]["y"]) == 13 and list(heat["data"][0]["x"])[:2] == [
        "支部过硬",
        "产业兴旺",
    ]
    assert "达标线 85" in heat["layout"]["title"]["text"]


def test_overview_follows_the_quarter_in_the_url(default_home):
    at = run_app(query={"period": "2023Q1"})
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["卫生厕所改造（户）"] == "1,430 户"
    assert metrics["志愿服务活动（次）"].endswith("次")
    assert at.query_params["period"] == "2023Q1"


def test_invalid_url_parameters_fall_back_with_a_notice(default_home):
    at = run_app(query={"period": "2023Q9", "star": "nonsense"})
    assert not at.exception
    assert any("无效" in w.value for w in at.sidebar.warning)
    assert at.query_params["period"] == "2023Q4"


def test_a_chart_table_is_built_only_while_its_box_is_open(default_home):
    at = run_app()
    assert [e.label for e in at.expander].count("数据") == 4
    assert not at.dataframe and not at.get("download_button")  # closed: nothing sent
    at.session_state["levels_data"] = True  # what clicking the “数据” box does
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["星级", "村数（个）"] and table["村数（个）"].sum() == 13
    assert at.get("download_button")[0].proto.label == "下载 Excel"


def _unescaped(text: str) -> str:
    return text.replace("\\", "")  # ui.plain escapes markdown; the screen shows the plain text


def _card(at, label: str):
    """The headline card (a column of the first row) whose metric has `label`."""
    return next(c for c in at.columns if c.metric and c.metric[0].label == label)


def test_a_running_total_is_compared_with_the_same_quarter_last_year(default_home):
    at = run_app(query={"period": "2023Q4"})
    assert not at.exception
    card = _card(at, "村集体经济收入（万元）")
    income = card.metric[0]
    assert income.value == "306.7 万元"
    # Against 2022Q4's 276.6, not against 2023Q3's running total (+85.8 万元 环比).
    assert _unescaped(income.delta) == "+30.1 万元（同比）"
    assert "2022年第四季度" in income.proto.help
    assert [_unescaped(c.value) for c in card.caption] == ["本季度新增 85.8 万元"]
    toilets = _card(at, "卫生厕所改造（户）")
    assert _unescaped(toilets.metric[0].delta) == "+94 户（环比）"
    assert not toilets.caption  # every village reported both quarters: nothing to say


def test_a_gap_is_compared_over_villages_that_reported_both_and_shown_on_the_card(named_store):
    named_store.commit(
        with_blank_toilets(sample.build()), content=b"gaps", filename="g.xlsx", user="测试"
    )
    at = run_app(query={"period": "2024Q1"})
    assert not at.exception
    card = _card(at, "卫生厕所改造（户）")
    assert _unescaped(card.metric[0].delta) == "+50 户（环比）"  # not the plain totals' fall
    assert [_unescaped(c.value) for c in card.caption] == [
        "10/13 个村已报，按两季度都填报的 10 个村比较"
    ]


def test_a_village_account_sees_its_village_not_the_township(named_sample_store, monkeypatch):
    """Issue 17 §2: a viewer whose 可查看范围 is 赵家村 gets 赵家村's numbers, no neighbours."""
    from tests.accounts import CHEAP_HASHER, navigation_as_served, run_as
    from wuxing import formatting
    from wuxing.metrics import headline, villages

    navigation_as_served(monkeypatch)
    monkeypatch.setenv("WUXING_PUBLIC_VIEW", "0")
    named_sample_store.add_account(
        "赵书记",
        CHEAP_HASHER.hash("correct horse"),
        "viewer",
        by="测试",
        area="濮阳市/清丰县/马庄桥镇/赵家村",
    )
    at = run_as("赵书记")
    assert not at.exception and at.title[0].value == "总览"
    assert at.selectbox(key="area").options == ["濮阳市 › 清丰县 › 马庄桥镇 › 赵家村"]
    period = at.selectbox(key="period").value
    assert any(c.value.startswith("赵家村 · ") and "共 1 个村" in c.value for c in at.caption)
    assert list(figure_titled(at, "各村星级评分")["data"][0]["y"]) == ["赵家村"]
    own = villages.scope(named_sample_store.load(), "濮阳市/清丰县/马庄桥镇/赵家村")
    expected = [formatting.quantity(f.value, f.unit) for f in headline.headlines(own, period)]
    assert [m.value for m in at.metric][:4] == expected


def test_the_goal_chart_reads_from_the_furthest_behind_and_names_those_on_track(default_home):
    at = run_app(query={"period": "2023Q4"})
    goals = figure_titled(at, "创星目标进度")
    bars = goals["data"][0]
    assert goals["layout"]["yaxis"]["autorange"] == "reversed"  # the first row on top
    short = list(bars["x"])
    assert short == sorted(short, reverse=True) and short[0] > 0 and short[-1] == 0
    on_track = [v for v, x in zip(bars["y"], short, strict=True) if x == 0]
    assert on_track == villages.sort_by_pinyin(on_track) and len(on_track) == 7
    # Each row's words under its name (a village on track has no bar), the number at each bar.
    names = goals["layout"]["yaxis"]["ticktext"]
    for x, text, name in zip(short, bars["text"], names, strict=True):
        assert "<br>" in name and (text == f"{x:.1f}" if x else text == "")
    assert all("按目标推进" in n for n in names[-7:])


def test_a_quarter_few_villages_reported_is_offered_but_not_opened(named_store):
    import pandas as pd

    ds = sample.build()
    first_two = ds.villages["code"].iloc[:2]
    early = ds.values[(ds.values["period"] == "2023Q4") & ds.values["code"].isin(first_two)]
    new = ds.with_frames(values=pd.concat([ds.values, early.assign(period="2024Q1")]))
    named_store.commit(new, content=b"early", filename="early.xlsx", user="测试")
    at = run_app()
    assert not at.exception
    # Opened on the last quarter every village reported, with the township's whole totals.
    assert at.query_params["period"] == "2023Q4"
    assert {m.label: m.value for m in at.metric}["卫生厕所改造（户）"] == "1,712 户"
    quarter = at.sidebar.selectbox(key="period")
    assert quarter.options[:2] == ["2024年第一季度（已报 2/13 村）", "2023年第四季度"]
    quarter.select("2024Q1").run()
    assert not at.exception and at.query_params["period"] == "2024Q1"
    assert "2/13 个村已报，按两季度都填报的 2 个村比较" in [_unescaped(c.value) for c in at.caption]
