import pandas as pd
import pytest

from tests import builders as b
from wuxing.access import auth
from wuxing.cli.main import main
from wuxing.dataset import Dataset
from wuxing.errors import AuthError, StoreError, WuxingError
from wuxing.storage.store import open_store


@pytest.fixture
def county(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    store = open_store(url)
    villages = pd.DataFrame(
        {
            "code": ["A", "B"],
            "name": ["赵家村", "乙村"],
            "town": ["马庄桥镇", "阳邵镇"],
            "county": "清丰县",
            "city": "濮阳市",
        }
    )
    store.commit(Dataset.of(villages=villages), content=b"r", filename="r.xlsx", user="测试")
    yield url, store
    store.dispose()


def test_users_add_with_an_area_resolves_it_and_users_scope_changes_it(county, monkeypatch, capsys):
    url, store = county
    monkeypatch.setenv("WUXING_ADMIN_PASSWORD", "a good password")
    assert (
        main(["users", "add", "小王", "--role", "editor", "--area", "清丰县/马庄桥镇", "--db", url])
        == 0
    )
    assert store.account("小王").area == "濮阳市/清丰县/马庄桥镇" == store.account("小王").view_area
    assert (
        main(["users", "scope", "小王", "--area", "赵家村", "--view-area", "清丰县", "--db", url])
        == 0
    )
    account = store.account("小王")
    assert (account.area, account.view_area) == ("濮阳市/清丰县/马庄桥镇/赵家村", "濮阳市/清丰县")
    assert main(["users", "add", "小李", "--area", "南乐县", "--db", url]) != 0
    assert (
        "没有找到地区" in capsys.readouterr().err + capsys.readouterr().out
        or store.account("小李") is None
    )


def test_bulk_accounts_get_one_time_passwords_printed_once(county, tmp_path, capsys):
    url, store = county
    sheet = tmp_path / "accounts.csv"
    pd.DataFrame(
        {"用户名": ["甲", "乙"], "角色": ["编辑", "viewer"], "地区": ["清丰县/马庄桥镇/赵家村", ""]}
    ).to_csv(sheet, index=False)
    assert main(["users", "import", str(sheet), "--db", url]) == 0
    printed = capsys.readouterr().out
    passwords = [line.split("\t")[-1] for line in printed.splitlines()[1:]]
    assert len(passwords) == 2 and all(len(p) == 12 for p in passwords)
    first = store.account("甲")
    assert first.must_change and first.role == "editor" and first.area.endswith("赵家村")
    assert auth.login(store, "甲", passwords[0]).name == "甲"
    with pytest.raises(AuthError, match="第 2 行"):  # nothing is made when a row is wrong
        auth.create_accounts(
            store, pd.DataFrame({"用户名": ["甲", "丙"], "角色": ["编辑", "编辑"]}), by="测试"
        )
    assert store.account("丙") is None


def _xlsx(rows: list[list[object]]) -> bytes:
    return b.xlsx({"账号": rows})


def test_the_table_is_read_from_any_spreadsheet_its_header_the_first_filled_row(county, tmp_path):
    from wuxing.config import Settings
    from wuxing.reading.accounts import read_account_table

    content = _xlsx([[], ["用户名", "角色", "地区"], [1001, "编辑", None], ["乙", "查看"]])
    table = read_account_table(content, "账号.xlsx", Settings())
    assert table.to_dict("records") == [
        {"用户名": "1001", "角色": "编辑", "地区": ""},
        {"用户名": "乙", "角色": "查看", "地区": ""},
    ]
    assert table.attrs["first_row"] == 3  # the header is the sheet's row 2
    with pytest.raises(WuxingError, match="不是电子表格"):
        read_account_table(b"\x00\x01 not a sheet", "账号.xlsx", Settings())


def test_every_problem_names_its_row_and_the_fix_and_nothing_is_made(county):
    url, store = county
    auth.create_account(store, "已有", "long enough", "viewer", by="测试")
    table = pd.DataFrame(
        {
            "用户名": ["甲", "已有", "丙", "ＡＢ", "ab", "", "丁"],
            "角色": ["编辑", "查看", "组长", "查看", "查看", "", "查看"],
            "地区": ["", "", "", "", "", "", "南乐县"],
        }
    )
    table.loc[2, "地区"] = "南乐县"  # a row with two problems gets both
    plan = auth.check_accounts(store, table)
    assert plan.problems == (
        "第 3 行：账号“已有”已存在：请换一个名字，或删去这一行",
        "第 4 行：角色“组长”未知：请改为查看、编辑、管理员之一；"
        "没有找到地区“南乐县”，请写出它的县、乡镇名（用 / 分隔）",
        "第 6 行：用户名“ab”与第 5 行重复：请删去其中一行，或换一个名字",
        "第 8 行：没有找到地区“南乐县”，请写出它的县、乡镇名（用 / 分隔）",
    )  # the blank row 7 is skipped
    assert [a.name for a in plan.accounts] == ["甲", "AB"] and not plan.ok
    with pytest.raises(AuthError, match="未新建任何账号"):
        auth.create_accounts(store, table, by="测试")
    assert [a.name for a in store.accounts()] == ["已有"]
    assert auth.check_accounts(store, pd.DataFrame({"账号": ["甲"]})).problems == (
        "表格须有“用户名”和“角色”两列（可选“地区”列）：请在第一行写上这些列名",
    )


def test_accounts_are_made_in_one_transaction(county):
    """A name taken between the check and the write (another admin): none of the rows is made."""
    url, store = county
    hashed = auth.hash_password("long enough")
    store.add_account("乙", hashed, "viewer", by="测试")
    with pytest.raises(StoreError, match="已存在"):
        store.add_accounts([("甲", hashed, "editor", ""), ("乙", hashed, "viewer", "")], by="测试")
    assert store.account("甲") is None
    store.add_accounts([("甲", hashed, "editor", "濮阳市/清丰县/马庄桥镇")], by="测试")
    made = store.account("甲")
    assert made.must_change and made.area == made.view_area == "濮阳市/清丰县/马庄桥镇"
    assert store.events()["detail"].iloc[0] == "甲（编辑，范围：濮阳市/清丰县/马庄桥镇，批量新建）"
