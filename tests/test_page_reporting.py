import pytest

from tests import cycle
from tests.accounts import run_as
from wuxing.access import auth
from wuxing.config import Settings
from wuxing.metrics import reporting
from wuxing.reading import importer
from wuxing.ui import navigation

pytestmark = pytest.mark.usefixtures("served_navigation")


@pytest.fixture
def reported(township):
    """The sample, then the clerk's 2024Q1 ledger (甲村's 卫生厕所改造 blank) stored."""
    content = cycle.ledger(township.load())
    outcome = importer.import_files(
        township, [("2024一季度台账.xlsx", content)], user="小王", settings=Settings.from_env()
    )
    assert outcome.stored
    return township


def test_viewers_and_editors_get_the_page():
    for role in ("viewer", "editor"):
        assert "pages/reporting.py" in {p.path for p in navigation.pages_for(role)}


def test_the_quarter_shows_13_of_13_reported_with_the_blank_flagged(reported):
    at = run_as("老李")
    at.selectbox(key="period").select(cycle.QUARTER).run()
    at.switch_page("pages/reporting.py").run()
    assert not at.exception and at.title[0].value == "填报进度"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["已报村数（个）"] == "13 / 13" and metrics["有缺项的村（个）"] == "1"
    # (the first warning may be the sample banner: the sample is still mixed in here)
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("已报 13/13 个村，缺 0 个村；已报的村中 1 个有缺项" in w for w in warnings)
    grid = at.dataframe[0].value.set_index("村名")
    assert (
        grid.loc["甲村", "生态宜居星指标"] == "未报" and grid.loc["甲村", "缺项"] == "卫生厕所改造"
    )
    assert grid.loc["赵家村", "生态宜居星指标"] == "已报"
    assert grid.loc["甲村", "最近上传"].startswith("第 2 版 · ")
    reminder = at.code[0].value
    assert "甲村：缺 卫生厕所改造" in reminder and "赵家村" not in reminder
    assert any("星级评分" in c.value for c in at.caption)  # nobody has reported scores yet


def test_a_complete_quarter_says_so(reported):
    at = run_as("小王")
    at.selectbox(key="period").select("2023Q4").run()
    at.switch_page("pages/reporting.py").run()
    assert not at.exception
    assert "全部报齐" in at.code[0].value


def test_a_village_account_sees_its_own_village_only(reported):
    """Issue 17 §2: 甲村's secretary starts at 甲村, and 填报进度 is 甲村's."""
    auth.change_scope(reported, "老李", "马庄桥镇/甲村", "马庄桥镇/甲村", by="测试")
    at = run_as("老李")
    assert at.selectbox(key="area").options == ["濮阳市 › 清丰县 › 马庄桥镇 › 甲村"]
    at.selectbox(key="period").select(cycle.QUARTER).run()
    at.switch_page("pages/reporting.py").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["已报村数（个）"] == "1 / 1"
    grid = at.dataframe[0].value
    assert grid["村名"].tolist() == ["甲村"] and grid["缺项"].tolist() == ["卫生厕所改造"]
    assert at.code[0].value.splitlines()[1:] == ["甲村：缺 卫生厕所改造", "请尽快补报，谢谢！"]


def test_a_wider_sidebar_area_keeps_the_accounts_own_villages(reported):
    # 赵家村's account may browse the township: 填报进度 stays its own village, and says so.
    auth.change_scope(reported, "老李", "马庄桥镇/赵家村", "马庄桥镇", by="测试")
    at = run_as("老李")
    at.selectbox(key="area").select("濮阳市/清丰县/马庄桥镇").run()
    at.switch_page("pages/reporting.py").run()
    assert not at.exception
    assert at.dataframe[0].value["村名"].tolist() == ["赵家村"]
    assert any("按您账号负责的范围（赵家村）显示" in c.value for c in at.caption)


def test_a_wide_area_leads_with_the_summary_and_a_county_lists_its_villages(reported, monkeypatch):
    # A province's 46,000 villages are not listed one by one: pick a smaller area; Excel has all.
    monkeypatch.setattr(reporting, "LIST_LIMIT", 5)
    at = run_as("老李")
    at.selectbox(key="period").select(cycle.QUARTER).run()
    at.selectbox(key="area").select("").run()
    at.switch_page("pages/reporting.py").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["已报村数（个）"] == "13 / 13"
    assert not at.dataframe and not at.code  # no village list, no 催报 text
    assert any("共 13 个村" in i.value and "县（区）或乡镇" in i.value for i in at.info)
    assert [b.proto.label for b in at.get("download_button")] == ["下载 Excel"]
    at.selectbox(key="area").select("濮阳市/清丰县").run()
    assert not at.info
    assert len(at.dataframe[0].value) == 13 and "甲村：缺 卫生厕所改造" in at.code[0].value


def test_a_quarter_being_collected_is_offered_where_the_page_opens_on_the_last_full_one(township):
    from tests.builders import xlsx

    first_two = cycle.ledger_rows(township.load())[:3]  # the header and two villages' rows
    outcome = importer.import_files(
        township,
        [("两个村.xlsx", xlsx({"指标": first_two}))],
        user="小王",
        settings=Settings.from_env(),
    )
    assert outcome.stored
    at = run_as("老李", "pages/reporting.py")
    assert not at.exception
    assert at.query_params["period"] == "2023Q4"  # where every page opens: 2 of 13 is too few
    notes = [i.value.replace("\\", "") for i in at.info]
    assert "2024年第一季度（已报 2/13 村）正在上报，这里显示的是2023年第四季度。" in notes
    offered = [b for b in at.button if b.label == "查看2024年第一季度的填报进度"]
    offered[0].click().run()
    assert not at.exception and at.query_params["period"] == cycle.QUARTER
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["已报村数（个）"] == "2 / 13" and metrics["未报村数（个）"] == "11"
    assert not [i for i in at.info if "正在上报" in i.value]
