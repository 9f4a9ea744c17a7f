"""Per revision, the rows it set per village and kind (what a village's profile lists)."""

import pandas as pd

from wuxing.dataset import Dataset
from wuxing.storage import schema as tables

VILLAGES = pd.DataFrame(
    [
        {"code": "A", "name": "甲村", "town": "某镇"},
        {"code": "B", "name": "乙村", "town": "某镇"},
        {"code": "C", "name": "丙村", "town": "某镇"},
    ]
)
VALUES = ["code", "period", "indicator", "value"]


def test_touches_count_each_revisions_rows_per_village_even_after_rollback(store):
    first = store.commit(
        Dataset.of(
            villages=VILLAGES,
            values=pd.DataFrame(
                [("A", "2023Q1", "volunteers", 1.0), ("A", "2023Q2", "volunteers", 2.0)],
                columns=VALUES,
            ),
            pairs=pd.DataFrame([("A", "B")], columns=["mentor", "mentee"]),
        ),
        content=b"1",
        filename="1",
        user="u",
    )
    store.rollback(first, user="u")
    with store.engine.begin() as conn:  # a store written before counts were kept
        conn.execute(tables.revision_touches.delete())
    second = store.commit(
        Dataset.of(values=pd.DataFrame([("C", "2023Q1", "volunteers", 1.0)], columns=VALUES)),
        content=b"2",
        filename="2",
        user="u",
    )
    for _ in range(2):  # counted from the rows once, then read back
        got = store.touches().sort_values(["revision", "kind", "code"])
        assert list(got.itertuples(index=False, name=None)) == [
            (first, "A", "pairs", 1),
            (first, "B", "pairs", 1),
            (first, "A", "values", 2),
            (first, "A", "villages", 1),
            (first, "B", "villages", 1),
            (first, "C", "villages", 1),
            (second, "C", "values", 1),
        ]
