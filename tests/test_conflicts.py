"""Two uploads checked against the same data: the later one never silently overwrites the
other's cells."""

import pandas as pd
import pytest

from wuxing.dataset import Dataset
from wuxing.errors import ConflictError

VILLAGES = pd.DataFrame(
    [
        {"code": "A", "name": "甲村", "town": "某镇"},
        {"code": "B", "name": "乙村", "town": "某镇"},
        {"code": "C", "name": "丙村", "town": "某镇"},
    ]
)


def _values(*rows, villages=True) -> Dataset:
    """A quarterly upload: `rows` of (code, period, indicator, value), with the roster or not."""
    return Dataset.of(
        villages=VILLAGES if villages else VILLAGES.iloc[:0],
        values=pd.DataFrame(list(rows), columns=["code", "period", "indicator", "value"]),
    )


def _value(store, code: str, period: str, indicator: str) -> float:
    values = store.load().values
    row = values[
        (values["code"] == code) & (values["period"] == period) & (values["indicator"] == indicator)
    ]
    return float(row["value"].iloc[0])


def test_a_commit_based_on_an_older_version_refuses_to_overwrite_newer_cells(store):
    store.commit(_values(("A", "2023Q1", "volunteers", 1.0)), content=b"0", filename="0", user="u")
    preview = store.load().data_version
    store.commit(
        _values(("A", "2023Q1", "volunteers", 5.0), villages=False),
        content=b"x",
        filename="张三.xlsx",
        user="张三",
    )
    with pytest.raises(ConflictError, match="张三.xlsx.*相同的 1 项指标数据"):
        store.commit(
            _values(("A", "2023Q1", "volunteers", 7.0), villages=False),
            content=b"y",
            filename="李四.xlsx",
            user="李四",
            checked_version=preview,
        )
    assert _value(store, "A", "2023Q1", "volunteers") == 5.0
    # Other cells, same base: no conflict.
    store.commit(
        _values(("B", "2023Q1", "volunteers", 7.0), villages=False),
        content=b"z",
        filename="王五.xlsx",
        user="王五",
        checked_version=preview,
    )
    assert _value(store, "B", "2023Q1", "volunteers") == 7.0


def test_a_conflict_names_the_other_upload_in_beijing_time_like_history(store):
    from wuxing.metrics import uploads

    store.commit(_values(("A", "2023Q1", "volunteers", 1.0)), content=b"0", filename="0", user="u")
    preview = store.load().data_version
    store.commit(
        _values(("A", "2023Q1", "volunteers", 5.0), villages=False),
        content=b"x",
        filename="张三.xlsx",
        user="张三",
    )
    with pytest.raises(ConflictError) as conflict:
        store.commit(
            _values(("A", "2023Q1", "volunteers", 7.0), villages=False),
            content=b"y",
            filename="李四.xlsx",
            user="李四",
            checked_version=preview,
        )
    stored_at = store.history()[0].created_at  # UTC, as the store keeps every time
    assert "于 " + uploads.local_time(stored_at) + " 导入" in str(conflict.value)
    # Beijing is 8 hours ahead, so the UTC reading of the same moment never matches.
    assert stored_at.strftime("%Y-%m-%d %H:%M") not in str(conflict.value)
