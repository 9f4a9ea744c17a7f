import io

import openpyxl
import pandas as pd
import pytest

from tests import cycle
from tests.accounts import run_as
from wuxing import catalog
from wuxing.access import auth
from wuxing.config import Settings
from wuxing.dataset import Dataset
from wuxing.reading import importer, template
from wuxing.samples import sample

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


pytestmark = pytest.mark.usefixtures("served_navigation")


def _new_quarter_file(ds: Dataset) -> bytes:
    """A ledger for 2024Q1 with 赵家村's and 甲村's toilet upgrades, in the template format."""
    codes = dict(zip(ds.villages["name"], ds.villages["code"], strict=True))
    values = pd.DataFrame(
        {
            "code": [codes["赵家村"], codes["甲村"]],
            "period": "2024Q1",
            "indicator": "toilet_upgrades",
            "value": [600.0, 400.0],
        }
    )
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
    counts = next(d.value for d in at.dataframe if "数据类别" in d.value.columns)
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
    assert list(report.columns) == ["类型", "文件", "位置", "问题", "原文", "读取为", "说明"]
    assert report.loc[0, "问题"] == "文件中没有可识别的数据表"  # what the code means, not no_data
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
    # The uploader's own line ("50MB per file • XLSX…" in English) is overwritten in Chinese.
    [words] = [h.proto.body for h in at.get("html") if "stFileUploaderDropzone" in h.proto.body]
    assert 'content: "选择文件"' in words
    assert (
        "单个文件不超过 50 MB（超过的显示为红色，不会上传）；格式：xlsx、xlsm、xls、ods、csv"
        in words
    )


def test_the_template_is_for_the_coming_quarter_and_can_be_for_another(township, deferred):
    """Issue 16 §1: the download is the coming quarter's template, one row per village."""
    import io

    import openpyxl

    at = _upload_page()
    picker = at.selectbox(key="template_period")
    assert picker.value == "2024Q1"
    assert "2024Q4" in picker.options or "2024年第四季度" in picker.options
    picker.select("2024Q2").run()
    assert not at.exception
    button = at.get("download_button")
    (label,) = [b.proto.label for b in button if "模板" in b.proto.label]
    assert "2024年第二季度" in label and "13 个村" in label
    # The last template made (the first run made 2024Q1's): its rows carry the chosen quarter.
    made = list(deferred.values())[-1]
    book = openpyxl.load_workbook(io.BytesIO(made()))
    rows = list(book["指标"].iter_rows(min_row=2, max_col=3, values_only=True))
    assert len(rows) == 13 and {r[2] for r in rows} == {"2024Q2"}


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_a_clerks_ledger_previews_what_to_check_then_a_save_clears_the_page(township):
    at = _upload_page()
    content = cycle.ledger(township.load())
    at.file_uploader(key="upload_files").set_value(("2024一季度台账.xlsx", content, XLSX))
    at.run()
    assert not at.exception
    assert "检查通过" in at.warning[0].value and "2 处提醒" in at.warning[0].value
    # The blank headline indicator, per village.
    assert "未填写的主要指标" in [h.value for h in at.subheader]
    blanks = at.dataframe[0].value
    assert blanks.to_dict("records") == [
        {"村名": "甲村", "季度": "2024Q1", "未填指标": "卫生厕所改造"}
    ]
    # Every reinterpreted cell, with what was written and what is stored, grouped by kind.
    shown = _markdown(at)
    assert "村名“赵家”已对应到“赵家村”" in shown
    assert "“12万元”，按 12 万元 保存" in shown
    kinds = [e.label for e in at.expander]
    assert "村名写法不同，已对应到系统中的村（1 处）" in kinds
    assert "单元格带单位，已换算（1 处）" in kinds
    assert "将要发生的变化" in [h.value for h in at.subheader]

    next(b for b in at.button if b.label == "确认保存").click().run()
    assert not at.exception
    # Saved: the uploader is empty (a new one), no preview, no 确认保存; the notice names the
    # version and what it changed, and the sidebar has moved to the new quarter.
    assert len(township.history()) == 2
    assert not at.file_uploader[0].value
    assert "将要发生的变化" not in [h.value for h in at.subheader]
    assert not [b for b in at.button if b.label == "确认保存"]
    notice = at.success[0].value
    assert "已保存为第 2 版" in notice and "指标 新增 51 行" in notice
    assert at.selectbox(key="period").value == "2024Q1"
    opened = next(b for b in at.button if b.label == "在总览中查看2024年第一季度")
    opened.click().run()
    assert not at.exception
    assert at.title[0].value == "总览"
    assert at.selectbox(key="period").value == "2024Q1"


def test_the_sidebar_stays_on_its_quarter_when_a_save_adds_none(township):
    at = _upload_page()
    at.selectbox(key="period").select("2023Q2").run()
    ds = township.load()
    codes = dict(zip(ds.villages["name"], ds.villages["code"], strict=True))
    values = pd.DataFrame(
        {"code": [codes["赵家村"]], "period": "2023Q3", "indicator": "volunteers", "value": [999.0]}
    )
    content = template.write_workbook(Dataset.of(villages=ds.villages, values=values))
    at.file_uploader(key="upload_files").set_value(("改正.xlsx", content, XLSX))
    at.run()
    next(b for b in at.button if b.label == "确认保存").click().run()
    assert not at.exception and "已保存为第 2 版" in at.success[0].value
    assert at.selectbox(key="period").value == "2023Q2"


def test_a_save_two_villages_into_a_new_quarter_leaves_the_pages_on_the_last_full_one(township):
    """Two of 13 villages' 2024Q1: the editor's pages stay on 2023Q4 (totals and rankings of two
    villages would read as the township's); the new quarter is offered, marked, and the notice's
    button opens it on request."""
    at = _upload_page()
    content = _new_quarter_file(township.load())
    at.file_uploader(key="upload_files").set_value(("两村一季度.xlsx", content, XLSX))
    at.run()
    next(b for b in at.button if b.label == "确认保存").click().run()
    assert not at.exception and "已保存为第 2 版" in at.success[0].value
    quarter = at.selectbox(key="period")
    assert quarter.value == "2023Q4"
    assert quarter.format_func("2024Q1") == "2024年第一季度（已报 2/13 村）"
    next(b for b in at.button if b.label == "在总览中查看2024年第一季度").click().run()
    assert not at.exception and at.title[0].value == "总览"
    assert at.selectbox(key="period").value == "2024Q1"


def test_a_corrected_file_beside_the_old_one_says_which_to_remove(township):
    ds = township.load()
    old = cycle.ledger(ds)
    rows = cycle.ledger_rows(ds)
    rows[2][2] = 99.0  # 南永固村's income, corrected
    book = openpyxl.Workbook()
    book.active.title = "指标"
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    at = _upload_page()
    at.file_uploader(key="upload_files").set_value(
        [("台账.xlsx", old, XLSX), ("台账（改）.xlsx", buffer.getvalue(), XLSX)]
    )
    at.run()
    assert not at.exception
    report = at.dataframe[0].value
    message = report.loc[report["问题"] == "同一项数据重复出现且数值不一致", "说明"].iloc[0]
    assert "“台账.xlsx”和“台账（改）.xlsx”" in message and "请在上传框中移除另一个" in message


def test_an_editor_corrects_one_value_in_the_browser_and_it_is_a_new_version(township):
    ds = township.load()
    importer.import_files(
        township, [("台账.xlsx", cycle.ledger(ds))], user="小王", settings=Settings.from_env()
    )
    at = _upload_page()
    at.session_state["upload_mode"] = "在线改正数值"
    at.run()
    codes = dict(zip(ds.villages["name"], ds.villages["code"], strict=True))
    at.selectbox(key="correction_village").select(codes["甲村"]).run()
    at.selectbox(key="correction_period").select(cycle.QUARTER).run()
    assert not at.exception and not [b for b in at.button if b.label == "保存改正"]
    row = [i.id for i in catalog.INDICATORS].index(catalog.TOILET_UPGRADES)
    at.session_state[f"correction_0_{codes['甲村']}_{cycle.QUARTER}"] = {
        "edited_rows": {row: {"新值": 610.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    assert "将要改正的数值" in [h.value for h in at.subheader]
    next(b for b in at.button if b.label == "保存改正").click().run()
    assert not at.exception
    [latest, *_] = township.history()
    assert latest.id == 3 and latest.user == "小王" and latest.filename.startswith("在线改正-甲村")
    assert latest.summary["correction"] == "在线改正 甲村 2024年第一季度：卫生厕所改造 空 → 610 户"
    assert "已保存为第 3 版" in at.success[0].value
    values = township.load().values
    mine = values[(values["code"] == codes["甲村"]) & (values["period"] == cycle.QUARTER)]
    assert mine.set_index("indicator").loc[catalog.TOILET_UPGRADES, "value"] == 610.0

    # A negative count is refused like in a file, and nothing is stored.
    at.session_state[f"correction_1_{codes['甲村']}_{cycle.QUARTER}"] = {
        "edited_rows": {row: {"新值": -3.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert "文件未导入" in at.error[0].value and len(township.history()) == 3


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


VILLAGE = "濮阳市/清丰县/马庄桥镇/赵家村"


def _template_rows(deferred) -> list[tuple]:
    """The 指标 rows of the last template the page made (village, town, quarter)."""
    made = list(deferred.values())[-1]
    book = openpyxl.load_workbook(io.BytesIO(made()))
    return list(book["指标"].iter_rows(min_row=2, max_col=3, values_only=True))


def test_a_village_accounts_template_holds_its_own_village_only(township, deferred):
    """Issue 17 §2: 赵家村's secretary starts at 赵家村 and gets a template of 赵家村's row."""
    auth.change_scope(township, "小王", "马庄桥镇/赵家村", "马庄桥镇/赵家村", by="测试")
    at = _upload_page()
    area = at.selectbox(key="area")
    assert area.value == VILLAGE and area.options == ["濮阳市 › 清丰县 › 马庄桥镇 › 赵家村"]
    (label,) = [b.proto.label for b in at.get("download_button") if "模板" in b.proto.label]
    assert "赵家村，1 个村" in label
    assert _template_rows(deferred) == [("赵家村", "马庄桥镇", "2024Q1")]


def test_a_wider_sidebar_area_still_gives_the_accounts_own_villages(township, deferred):
    # May browse the township, answers for 赵家村: the township's template would invite an
    # upload the store refuses, so the template stays 赵家村's.
    auth.change_scope(township, "小王", "马庄桥镇/赵家村", "马庄桥镇", by="测试")
    at = _upload_page()
    assert at.selectbox(key="area").value == VILLAGE
    at.selectbox(key="area").select("濮阳市/清丰县/马庄桥镇").run()
    assert not at.exception
    assert _template_rows(deferred) == [("赵家村", "马庄桥镇", "2024Q1")]


def test_the_correction_tables_empty_cells_are_blank_where_streamlit_wrote_none(township):
    at = _upload_page()
    at.session_state["upload_mode"] = "在线改正数值"
    at.run()
    assert not at.exception
    editor = next(d for d in at.dataframe if "新值" in d.value.columns)
    assert editor.value["新值"].isna().all()  # 留空表示不改: every cell starts empty
    assert editor.proto.HasField("placeholder") and editor.proto.placeholder == ""
