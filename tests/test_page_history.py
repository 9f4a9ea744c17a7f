"""版本记录: confirmations that reset after each action, and what each version changed."""

import pandas as pd
import pytest

from tests.accounts import run_as
from wuxing.config import Settings
from wuxing.dataset import Dataset
from wuxing.reading import importer, template

pytestmark = pytest.mark.usefixtures("served_navigation")


def _history_page():
    at = run_as("小王")
    at.switch_page("pages/history.py").run()
    assert not at.exception and at.title[0].value == "版本记录"
    return at


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_after_a_rollback_the_restore_box_is_unticked(township):
    at = _history_page()
    at.checkbox[0].check().run()
    _button(at, "撤销此版本").click().run()
    assert not at.exception and "已撤销第 1 版" in at.success[0].value
    # The same version is now offered for 恢复: its box must not stand ticked from the rollback.
    assert "我确认要恢复第 1 版" in at.checkbox[0].label
    assert at.checkbox[0].value is False
    assert _button(at, "恢复此版本").disabled
    at.checkbox[0].check().run()
    _button(at, "恢复此版本").click().run()
    assert "已恢复第 1 版" in at.success[0].value
    assert at.checkbox[0].value is False and _button(at, "撤销此版本").disabled


def _correction(ds: Dataset) -> bytes:
    """甲村's 2023Q4 toilet upgrades, one more than stored, and nothing else."""
    code = ds.villages.set_index("name").loc["甲村", "code"]
    values = ds.values
    row = values[
        (values["code"] == code)
        & (values["period"] == "2023Q4")
        & (values["indicator"] == "toilet_upgrades")
    ]
    old = float(row["value"].iloc[0])
    fixed = pd.DataFrame(
        {"code": [code], "period": "2023Q4", "indicator": "toilet_upgrades", "value": [old + 1]}
    )
    return template.write_workbook(Dataset.of(villages=ds.villages, values=fixed)), old


def test_a_one_value_correction_says_it_changed_one_value(township):
    content, old = _correction(township.load())
    outcome = importer.import_files(
        township, [("更正.xlsx", content)], user="小王", settings=Settings.from_env()
    )
    assert outcome.stored
    at = _history_page()
    table = at.dataframe[0].value.set_index("版本")
    text = table.loc[2, "内容"]
    assert text.startswith("修改 1 项") and "不变 13 项" in text, text
    assert f"甲村 2023Q4 卫生厕所改造（户）：{old:g} → {old + 1:g}" in text
    assert "指标 1 行" not in text and "村庄 13 行" not in text
    assert table.loc[1, "内容"] == "马庄桥镇示例数据（模拟数值）"  # the sample keeps its note


def _real_upload(store) -> None:
    """A clerk's 2024Q1 ledger naming two sample villages, without a 村庄 sheet."""
    from tests import builders as b

    ledger = b.xlsx(
        {
            "指标": b.values_sheet(
                [
                    ["南永固村", "马庄桥镇", "2024Q1", 15, 110, 90],
                    ["赵家村", "马庄桥镇", "2024Q1", 25, 300, 95],
                ]
            )
        }
    )
    outcome = importer.import_files(
        store, [("台账.xlsx", ledger)], user="小王", settings=Settings.from_env()
    )
    assert outcome.stored


def test_the_sample_alone_is_announced_as_the_sample(township):
    at = run_as("小王")
    assert any("示例数据：当前显示的是马庄桥镇示例数据" in i.value for i in at.info)
    assert not any("混在" in w.value for w in at.warning)


def test_once_real_data_is_stored_the_banner_says_the_sample_is_mixed_in(township, monkeypatch):
    _real_upload(township)
    viewer = run_as("老李")
    (warning,) = [w.value for w in viewer.warning if "示例数据" in w.value]
    assert "示例数据仍混在当前数据中：第 1 版" in warning and "编辑人员可去掉示例数据" in warning
    assert not [b for b in viewer.button if b.label == "去掉示例数据"]  # viewers only read

    at = run_as("小王")
    assert _button(at, "去掉示例数据").disabled  # not without the confirmation
    at.checkbox(key="sample_remove_sure").check().run()
    _button(at, "去掉示例数据").click().run()
    assert not at.exception
    assert any("已去掉示例数据" in s.value for s in at.success)
    assert not any("示例数据" in w.value for w in [*at.warning, *at.info])
    data = township.load()
    assert not data.is_sample and set(data.periods()) == {"2024Q1"}
    # The villages the real ledger named are kept (without the sample's simulated households).
    assert sorted(data.villages["name"]) == ["南永固村", "赵家村"]
    assert data.villages["households"].isna().all()
    assert [r.status for r in township.history() if r.user == "示例数据"] == ["rolled_back"]


def test_after_rolling_back_the_quarter_on_screen_the_sidebar_says_so(township):
    """The quarter a leader was looking at is gone with its rollback: the sidebar falls back to
    the newest quarter and says the choice went, without blaming a link nobody touched."""
    ds = township.load()
    code = ds.villages["code"].iloc[0]
    values = pd.DataFrame(
        {"code": [code], "period": "2024Q1", "indicator": "volunteers", "value": [321.0]}
    )
    revision = township.commit(
        Dataset.of(villages=ds.villages, values=values),
        content=b"2024Q1",
        filename="2024一季度.xlsx",
        user="小王",
    )
    at = run_as("小王")
    at.sidebar.selectbox(key="period").select("2024Q1").run()
    assert at.query_params["period"] == "2024Q1"
    township.rollback(revision, "小王")
    at.run()
    assert not at.exception
    assert [w.value for w in at.sidebar.warning] == ["所选的季度已不在可选范围内，已改为默认值。"]
    assert at.sidebar.selectbox(key="period").value == "2023Q4"
    assert at.query_params["period"] == "2023Q4"


def test_the_version_picker_says_in_chinese_what_to_type_once_cleared(township):
    # Streamlit's own words for an emptied picker were "Choose an option".
    at = _history_page()
    assert {s.proto.placeholder for s in at.selectbox} == {"输入文字搜索"}
