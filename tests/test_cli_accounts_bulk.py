import pandas as pd
import pytest

from wuxing.access import auth
from wuxing.cli.main import main
from wuxing.dataset import Dataset
from wuxing.errors import AuthError
from wuxing.storage.store import open_store


@pytest.fixture
def county(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    store = open_store(url)
    villages = pd.DataFrame({"code": ["A", "B"], "name": ["赵家村", "乙村"],
                             "town": ["马庄桥镇", "阳邵镇"], "county": "清丰县", "city": "濮阳市"})  # fmt: skip
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
    pd.DataFrame({"用户名": ["甲", "乙"], "角色": ["编辑", "viewer"],
                  "地区": ["清丰县/马庄桥镇/赵家村", ""]}).to_csv(sheet, index=False)  # fmt: skip
    assert main(["users", "import", str(sheet), "--db", url]) == 0
    printed = capsys.readouterr().out
    passwords = [line.split("\t")[-1] for line in printed.splitlines()[1:]]
    assert len(passwords) == 2 and all(len(p) == 12 for p in passwords)
    first = store.account("甲")
    assert first.must_change and first.role == "editor" and first.area.endswith("赵家村")
    assert auth.login(store, "甲", passwords[0]).name == "甲"
    with pytest.raises(AuthError, match="第 2 行"):  # nothing is made when a row is wrong
        auth.create_accounts(store, pd.DataFrame({"用户名": ["甲", "丙"], "角色": ["编辑", "编辑"]}),
                             by="测试")  # fmt: skip
    assert store.account("丙") is None
