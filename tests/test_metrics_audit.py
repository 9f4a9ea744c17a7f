from datetime import UTC, date, datetime

import pandas as pd
import pytest

from wuxing.metrics import audit
from wuxing.storage.accounts import Account


def _events() -> pd.DataFrame:
    """Four events as `Store.events` returns them, newest first."""
    return pd.DataFrame(
        {
            "id": [4, 3, 2, 1],
            "at": [
                datetime(2024, 4, 3, 9, 0, tzinfo=UTC),
                datetime(2024, 4, 2, 23, 59, tzinfo=UTC),
                datetime(2024, 4, 2, 8, 0, tzinfo=UTC),
                datetime(2024, 4, 1, 8, 0, tzinfo=UTC),
            ],
            "user": ["管理员", "张三", "管理员", "管理员"],
            "action": ["user_scope", "upload", "user_role", "user_add"],
            "revision_id": [None, 7, None, None],
            "detail": ["张三：可改动 某镇", "台账.xlsx", "张三（editor）", "张三（viewer）"],
        }
    )


def test_the_event_table_has_chinese_headers_and_action_names():
    table = audit.event_table(_events())
    assert list(table.columns) == ["时间", "用户", "操作", "版本", "详情"]
    assert table.to_dict("records")[1] == {
        "时间": "2024-04-03 07:59:00",  # Beijing time: 23:59 UTC is 07:59 next morning
        "用户": "张三",
        "操作": "上传数据",
        "版本": "7",
        "详情": "台账.xlsx",
    }
    assert list(table["操作"]) == ["修改范围", "上传数据", "修改角色", "新建账号"]


def test_an_unknown_action_keeps_its_id():
    assert audit.action_label("something_new") == "something_new"


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        ({}, [4, 3, 2, 1]),
        ({"users": ["张三"]}, [3]),
        ({"actions": ["user_role", "user_add"]}, [2, 1]),
        ({"since": date(2024, 4, 2)}, [4, 3, 2]),
        # Beijing days: event 3, at 23:59 UTC on 2 April, is 07:59 on 3 April there.
        ({"until": date(2024, 4, 2)}, [2, 1]),
        ({"since": date(2024, 4, 2), "until": date(2024, 4, 2)}, [2]),
        ({"since": date(2024, 4, 3), "until": date(2024, 4, 3)}, [4, 3]),
        ({"text": "张三"}, [4, 2, 1]),
        ({"users": ["管理员"], "since": date(2024, 4, 3)}, [4]),
        ({"until": date(2024, 3, 31)}, []),
    ],
)
def test_filters_combine(filters, ids):
    assert audit.filter_events(_events(), **filters)["id"].tolist() == ids


def test_users_in_lists_each_name_once():
    assert audit.users_in(_events()) == ["张三", "管理员"]


def test_the_account_table_names_role_scope_and_last_login():
    made = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
    accounts = [
        Account(
            "张三",
            "editor",
            False,
            made,
            area="濮阳市/清丰县/马庄桥镇",
            view_area="濮阳市/清丰县",
            last_login_at=datetime(2024, 4, 2, 9, 30, tzinfo=UTC),
        ),
        Account("李四", "viewer", True, made),
    ]
    table = audit.account_table(accounts)
    assert table.to_dict("records") == [
        {
            "用户名": "张三",
            "角色": "编辑",
            "状态": "正常",
            "可改动范围": "濮阳市 › 清丰县 › 马庄桥镇",
            "可查看范围": "濮阳市 › 清丰县",
            "最近登录": "2024-04-02 17:30",  # Beijing time
            "创建时间": "2024-01-01 16:00",
        },
        {
            "用户名": "李四",
            "角色": "查看",
            "状态": "已停用",
            "可改动范围": "全部地区",
            "可查看范围": "全部地区",
            "最近登录": "从未登录",
            "创建时间": "2024-01-01 16:00",
        },
    ]


def test_the_session_table_shows_no_token():
    at = datetime(2024, 4, 2, 9, 30, tzinfo=UTC)
    sessions = pd.DataFrame(
        {"id": [5], "user": ["张三"], "client": ["10.0.0.9"], "created_at": [at], "last_seen": [at]}
    )
    assert audit.session_table(sessions).to_dict("records") == [
        {
            "会话": 5,
            "用户": "张三",
            "来自": "10.0.0.9",
            "登录时间": "2024-04-02 17:30",
            "最近使用": "2024-04-02 17:30",
        }
    ]
