import io

import openpyxl
import pandas as pd
import pytest

from tests import builders as b
from tests.accounts import PASSWORD, add_accounts, run_as
from wuxing import formatting
from wuxing.access import auth
from wuxing.dataset import Dataset

pytestmark = pytest.mark.usefixtures("served_navigation")


@pytest.fixture
def accounts(named_store, monkeypatch):
    monkeypatch.setenv("WUXING_PUBLIC_VIEW", "0")
    add_accounts(named_store, 张三="viewer", 管理员="admin")
    return named_store


def _admin_page():
    at = run_as("管理员")
    at.switch_page("pages/admin.py").run()
    assert not at.exception and at.title[0].value == "账号与审计"
    return at


def test_an_admin_adds_a_user_through_the_page(accounts):
    at = _admin_page()
    at.text_input[0].input("新同事")
    role_box = next(s for s in at.selectbox if s.label == "角色")
    role_box.select("editor")
    next(t for t in at.text_input if t.label == "初始密码").input("long enough")
    next(b for b in at.button if b.label == "新建账号").click().run()
    assert not at.exception
    assert "已新建账号“新同事”（编辑）" in at.success[0].value
    created = accounts.account("新同事")
    assert created.role == "editor" and created.password_hash.startswith("$argon2")
    assert created.must_change  # the admin knows it: changed at the first login, as in bulk
    assert auth.login(accounts, "新同事", "long enough").name == "新同事"
    event = accounts.events().iloc[1]  # the newest is the login just made
    assert (event["user"], event["action"], event["detail"]) == (
        "管理员",
        "user_add",
        "新同事（编辑）",
    )
    accounts_table = at.dataframe[0].value
    assert list(accounts_table["用户名"]) == sorted(["张三", "管理员", "新同事"])


def test_an_admin_gives_a_new_account_its_area_in_the_same_form(accounts):
    at = _admin_page()
    at.text_input[0].input("镇编辑")
    next(s for s in at.selectbox if s.label == "角色").select("editor")
    next(t for t in at.text_input if t.label == "初始密码").input("long enough")
    next(t for t in at.text_input if t.label.startswith("地区")).input("某镇")
    next(b for b in at.button if b.label == "新建账号").click().run()
    assert not at.exception and not at.error
    made = accounts.account("镇编辑")
    assert (made.role, made.area, made.view_area) == ("editor", "某镇", "某镇")


def test_a_weak_password_is_refused_in_chinese_and_nothing_is_added(accounts):
    at = _admin_page()
    at.text_input[0].input("新同事")
    next(t for t in at.text_input if t.label == "初始密码").input("short")
    next(b for b in at.button if b.label == "新建账号").click().run()
    assert "至少需要 10 个字符" in at.error[0].value
    assert accounts.account("新同事") is None


def test_an_admin_disables_and_resets_an_account(accounts):
    at = _admin_page()
    next(s for s in at.selectbox if s.label == "账号").select("张三")
    at.radio[0].set_value("停用").run()
    next(b for b in at.button if b.label == "停用账号").click().run()
    assert "已停用“张三”" in at.success[0].value
    assert accounts.account("张三").disabled
    at.radio[0].set_value("重置密码").run()
    next(t for t in at.text_input if t.label == "新密码").input("another password")
    next(b for b in at.button if b.label == "重置密码").click().run()
    assert auth.verify_password(accounts.account("张三").password_hash, "another password")
    assert not auth.verify_password(accounts.account("张三").password_hash, PASSWORD)


def test_the_audit_log_shows_and_filters(accounts):
    auth.login(accounts, "张三", PASSWORD)
    at = _admin_page()
    log = at.dataframe[-1].value
    assert {"时间", "用户", "操作", "详情"} <= set(log.columns)
    assert "登录" in set(log["操作"]) and "新建账号" in set(log["操作"])
    next(m for m in at.multiselect if m.label == "操作").select("login").run()
    log = at.dataframe[-1].value
    assert set(log["操作"]) == {"登录"} and set(log["用户"]) == {"张三"}
    assert any("共 1 条" in c.value for c in at.caption)


def test_the_admin_page_says_how_accounts_are_managed_from_the_command_line(accounts):
    """The command the login page no longer shows every visitor (issue 16 §7) lives here."""
    at = _admin_page()
    assert any("python -m wuxing users add 名字 --role admin" in c.value for c in at.caption)


def test_an_admin_sets_a_scope_and_ends_a_session_on_the_page(accounts):
    token = accounts.open_session("张三", client="10.0.0.9")
    at = _admin_page()
    next(r for r in at.radio if r.label == "操作").set_value("设置范围").run()
    next(s for s in at.selectbox if s.label == "账号").set_value("张三").run()
    next(t for t in at.text_input if t.label == "可改动范围").input("某镇")
    next(t for t in at.text_input if t.label == "可查看范围").input("")
    next(b for b in at.button if b.label == "保存范围").click().run()
    assert not at.exception and not at.error
    assert (accounts.account("张三").area, accounts.account("张三").view_area) == ("某镇", "")
    assert accounts.events()["action"].iloc[0] == "user_scope"
    # 在线会话 lists 张三's session (and the admin's own); ending it signs 张三 out.
    sessions = accounts.open_sessions(idle=auth.Settings().session_idle)
    mine = int(sessions.loc[sessions["user"] == "张三", "id"].iloc[0])
    next(s for s in at.selectbox if s.label == "会话").set_value(mine).run()
    next(b for b in at.button if b.label == "结束此会话").click().run()
    assert accounts.session_account(token, idle=auth.Settings().session_idle) is None
    assert any(f"已结束会话 {mine}（张三）" in s.value for s in at.success)
    listed = next(d.value for d in at.dataframe if "会话" in d.value.columns)
    assert "张三" not in set(listed["用户"])  # the list shows it gone, not as it was
    assert not any("张三" in o for o in next(s for s in at.selectbox if s.label == "会话").options)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(rows: list[list[object]]) -> bytes:
    return b.xlsx({"账号": rows})


def test_an_admin_makes_accounts_from_a_spreadsheet_and_gets_their_passwords_once(
    accounts, deferred
):
    """Issue 17 §3: upload → preview → confirm → one-time passwords, as text in the Excel too."""
    accounts.commit(
        Dataset.of(
            villages=pd.DataFrame(
                {
                    "code": ["A"],
                    "name": ["赵家村"],
                    "town": "马庄桥镇",
                    "county": "清丰县",
                    "city": "濮阳市",
                }
            )
        ),
        content=b"v",
        filename="v.xlsx",
        user="测试",
    )
    at = _admin_page()
    content = _sheet(
        [["用户名", "角色", "地区"], ["@小王", "编辑", "马庄桥镇/赵家村"], ["小李", "查看", ""]]
    )
    at.file_uploader(key="bulk_accounts_0").set_value(("账号.xlsx", content, XLSX)).run()
    assert not at.exception and not at.error
    preview = next(d.value for d in at.dataframe if "行号" in d.value.columns)
    assert preview.to_dict("records") == [
        {
            "行号": 2,
            "用户名": "@小王",
            "角色": "编辑",
            "可改动范围": "濮阳市 › 清丰县 › 马庄桥镇 › 赵家村",
        },
        {"行号": 3, "用户名": "小李", "角色": "查看", "可改动范围": "全部地区"},
    ]
    assert accounts.account("小李") is None  # nothing made before confirming
    next(b for b in at.button if b.label == "确认新建").click().run()
    assert not at.exception
    assert any("已新建 2 个账号" in s.value for s in at.success)
    shown = next(d.value for d in at.dataframe if "一次性密码（首次登录须修改）" in d.value.columns)
    passwords = dict(zip(shown["用户名"], shown["一次性密码（首次登录须修改）"], strict=True))
    button = next(
        b
        for b in at.get("download_button")
        if b.proto.label == "下载 Excel"
        and b.proto.deferred_file_id in deferred
        and "bulk" in str(b.proto.id)
    )
    book = openpyxl.load_workbook(io.BytesIO(deferred[button.proto.deferred_file_id]()))
    cells = [[c.value for c in row] for row in book.active.iter_rows(min_row=2)]
    assert cells[0][0] == "@小王" and book.active["A2"].data_type == "s"  # a name, not a formula
    assert {row[0]: row[3] for row in cells} == passwords
    made = accounts.account("@小王")
    assert made.must_change and made.role == "editor" and made.area.endswith("赵家村")
    assert auth.login(accounts, "小李", passwords["小李"]).name == "小李"
    added = accounts.events().query("action == 'user_add' and user == '管理员'")["detail"]
    assert sorted(added) == [
        "@小王（编辑，范围：濮阳市/清丰县/马庄桥镇/赵家村，批量新建）",
        "小李（查看，批量新建）",
    ]
    # Shown once: after "hidden", the passwords are gone and the uploader is empty again.
    next(b for b in at.button if b.label == "已保存，隐藏密码").click().run()
    assert not any("一次性密码（首次登录须修改）" in d.value.columns for d in at.dataframe)
    assert at.file_uploader(key="bulk_accounts_1").value is None


def test_a_bad_account_table_names_the_rows_and_makes_nothing(accounts):
    at = _admin_page()
    content = _sheet([["用户名", "角色"], ["新人", "组长"], ["张三", "查看"]])
    at.file_uploader(key="bulk_accounts_0").set_value(("账号.xlsx", content, XLSX)).run()
    assert not at.exception
    assert "2 处问题，未新建任何账号" in at.error[0].value
    problems = "\n".join(m.value for m in at.markdown)
    assert "第 2 行：角色“组长”未知：请改为查看、编辑、管理员之一" in problems
    assert "第 3 行：账号“张三”已存在" in problems
    assert not any(b.label == "确认新建" for b in at.button)
    assert accounts.account("新人") is None
    at.file_uploader(key="bulk_accounts_0").set_value(
        ("账号.xlsx", b"\x00\x01 not a sheet", XLSX)
    ).run()
    assert not at.exception and "不是电子表格" in at.error[0].value


def test_the_lists_show_last_login_and_the_log_filters_by_user_and_date_into_excel(
    accounts, deferred
):
    """Issue 17 §3: last login per account, and the log by user and date, downloaded as shown."""
    from datetime import UTC, datetime, timedelta

    accounts.open_session("张三", client="10.0.0.9")  # a login through the route opens one
    at = _admin_page()
    listed = at.dataframe[0].value.set_index("用户名")
    assert listed.loc["张三", "最近登录"] != "从未登录"
    today = datetime.now(UTC).astimezone(formatting.LOCAL_TIME).strftime("%Y-%m-%d")
    assert listed.loc["张三", "最近登录"].startswith(today)  # Beijing time, as 版本记录
    sessions = next(d.value for d in at.dataframe if "会话" in d.value.columns)
    assert "10.0.0.9" in set(sessions["来自"])
    auth.login(accounts, "张三", PASSWORD)  # an event of 张三's besides 测试's account changes
    at.run()
    who = next(m for m in at.multiselect if m.label == "用户")
    assert who.options == ["张三", "测试"]
    who.select("测试").run()
    log = at.dataframe[-1].value
    assert set(log["用户"]) == {"测试"} and set(log["操作"]) == {"新建账号"}
    today = datetime.now(UTC).astimezone(formatting.LOCAL_TIME).date()  # Beijing days
    at.date_input[0].set_value((today - timedelta(days=3), today - timedelta(days=1))).run()
    assert at.dataframe[-1].value.empty and any("共 0 条" in c.value for c in at.caption)
    at.date_input[0].set_value((today, today)).run()
    shown = at.dataframe[-1].value
    assert not shown.empty
    button = next(b for b in at.get("download_button") if "audit_xlsx" in str(b.proto.id))
    book = openpyxl.load_workbook(io.BytesIO(deferred[button.proto.deferred_file_id]()))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == list(shown.columns) and len(rows) - 1 == len(shown)
    assert {r[1] for r in rows[1:]} == {"测试"}


def test_the_admins_pickers_say_in_chinese_what_to_type_once_cleared(accounts):
    # Streamlit's own words for an emptied picker were "Choose an option".
    at = _admin_page()
    assert {s.label for s in at.selectbox} >= {"角色", "账号"}
    assert {s.proto.placeholder for s in at.selectbox} == {"输入文字搜索"}
