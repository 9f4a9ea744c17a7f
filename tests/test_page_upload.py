import pandas as pd
import pytest

from tests.accounts import CHEAP_HASHER, add_accounts, navigation_as_served, run_as
from wuxing.access import auth
from wuxing.dataset import Dataset
from wuxing.reading import importer, template
from wuxing.samples import sample

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    monkeypatch.setattr(auth, "_hasher", CHEAP_HASHER)
    navigation_as_served(monkeypatch)


@pytest.fixture
def township(named_store, monkeypatch):
    monkeypatch.setenv("WUXING_PUBLIC_VIEW", "0")
    sample.seed(named_store)
    add_accounts(named_store, 小王="editor", 老李="viewer")
    return named_store


def _new_quarter_file(ds: Dataset) -> bytes:
    """A ledger for 2024Q1 with 赵家村's and 甲村's toilet upgrades, in the template format."""
    codes = dict(zip(ds.villages["name"], ds.villages["code"], strict=True))
    values = pd.DataFrame({"code": [codes["赵家村"], codes["甲村"]], "period": "2024Q1",
                           "indicator": "toilet_upgrades", "value": [600.0, 400.0]})  # fmt: skip
    return template.write_workbook(Dataset.of(villages=ds.villages, values=values))


def _upload_page(name="小王"):
    at = run_as(name)
    at.switch_page("pages/upload.py").run()
    assert not at.exception and at.title[0].value == "数据上传"
    return at


def test_good_file_previews_then_stores_and_the_overview_shows_it(township, monkeypatch):
    at = _upload_page()
    content = _new_quarter_file(township.load())
    at.file_uploader(key="upload_files").set_value(("2024一季度台账.xlsx", content, XLSX))
    at.run()
    assert not at.exception
    assert "检查通过" in at.success[0].value
    counts = at.dataframe[0].value
    assert counts.loc[0, "数据类别"] == "村庄" or "指标" in set(counts["数据类别"])
    assert counts.set_index("数据类别").loc["指标", "新增（行）"] == 2
    assert len(township.history()) == 1  # nothing stored before confirming
    # Confirming stores what the preview checked: the file is not read again.
    monkeypatch.setattr(importer, "read_workbook", _read_again)
    next(b for b in at.button if b.label == "确认保存").click().run()
    assert not at.exception
    assert any("已保存为第 2 版" in s.value for s in at.success)
    assert len(township.history()) == 2 and township.history()[0].user == "小王"

    overview = run_as("小王")
    overview.selectbox(key="period").select("2024Q1").run()
    metrics = {m.label: m.value for m in overview.metric}
    assert metrics["卫生厕所改造（户）"] == "1,000 户"


def _read_again(*_args, **_kwargs):
    raise AssertionError("the file was read again")


def test_bad_file_gets_a_report_and_changes_nothing(township):
    before = township.load().values.copy()
    at = _upload_page()
    at.file_uploader(key="upload_files").set_value(
        ("台账.xlsx", b"this is not a spreadsheet", XLSX)
    )
    at.run()
    assert not at.exception
    assert "文件未导入" in at.error[0].value and "数据库没有任何改动" in at.error[0].value
    report = at.dataframe[0].value
    assert list(report.columns) == ["类型", "文件", "位置", "问题代码", "说明"]
    assert report.loc[0, "类型"] == "错误" and report.loc[0, "文件"] == "台账.xlsx"
    assert not [b for b in at.button if b.label == "确认保存"]
    assert len(township.history()) == 1
    pd.testing.assert_frame_equal(township.load().values, before)


def test_the_same_data_again_is_recognised_as_no_change(township):
    at = _upload_page()
    at.file_uploader(key="upload_files").set_value(("示例.xlsx", sample.workbook_bytes(), XLSX))
    at.run()
    assert any("完全相同" in i.value for i in at.info)


def test_history_rolls_back_after_confirmation(township):
    at = run_as("小王")
    at.switch_page("pages/history.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["上传人"]) == ["示例数据"] and list(table["状态"]) == ["生效中"]
    act = next(b for b in at.button if b.label == "撤销此版本")
    assert act.disabled  # nothing happens without ticking the confirmation
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == "撤销此版本").click().run()
    assert not at.exception
    assert "已撤销第 1 版" in at.success[0].value
    assert township.load().values.empty
    assert township.events().iloc[0]["action"] == "rollback"


def test_a_viewer_gets_no_upload_or_history_page():
    from wuxing.ui import navigation

    viewer_paths = {p.path for p in navigation.pages_for("viewer")}
    assert "pages/upload.py" not in viewer_paths and "pages/history.py" not in viewer_paths
    editor_paths = {p.path for p in navigation.pages_for("editor")}
    assert {"pages/upload.py", "pages/history.py"} <= editor_paths


def test_one_setting_sets_the_limit_the_page_states_and_the_uploader_checks(township, monkeypatch):
    monkeypatch.setenv("WUXING_MAX_UPLOAD_MB", "50")
    at = _upload_page()
    [uploader] = at.get("file_uploader")
    assert uploader.proto.max_upload_size_mb == 50  # config.toml's 20 would refuse 21–50 MB
    assert "单个不超过 50 MB" in uploader.proto.label  # next to the uploader, in Chinese
    assert any("单个文件不超过 50 MB" in m.value for m in at.markdown)


def test_a_village_account_is_refused_in_the_preview_for_another_village(township):
    # 赵家村's secretary: the template's roster is fine, 甲村's values are not.
    auth.change_scope(township, "小王", "马庄桥镇/赵家村", "马庄桥镇/赵家村", by="测试")
    at = _upload_page()
    content = _new_quarter_file(township.load())
    at.file_uploader(key="upload_files").set_value(("台账.xlsx", content, XLSX))
    at.run()
    assert not at.exception
    assert "甲村" in at.error[0].value and "赵家村" in at.error[0].value  # its scope, the other
    assert not any(b.label == "确认保存" for b in at.button)
    assert len(township.history()) == 1
