"""The stored snapshot of the current data always equals a rebuild from the revisions."""

import pandas as pd
import pytest
import sqlalchemy as sa

from wuxing.dataset import Dataset
from wuxing.samples import sample
from wuxing.storage import schema as tables
from wuxing.storage import snapshot
from wuxing.storage.store import open_store

VILLAGES = pd.DataFrame(
    [
        {"code": "A", "name": "甲村", "town": "某镇", "households": 100.0},
        {"code": "B", "name": "乙村", "town": "某镇", "households": 50.0},
        {"code": "C", "name": "丙村", "town": "某镇"},
    ]
)


def _data(values=(), scores=(), awards=(), pairs=(), villages=True) -> Dataset:
    return Dataset.of(
        villages=VILLAGES if villages else VILLAGES.iloc[:0],
        values=pd.DataFrame(list(values), columns=["code", "period", "indicator", "value"]),
        scores=pd.DataFrame(list(scores), columns=["code", "period", "star", "score"]),
        awards=pd.DataFrame(list(awards), columns=["code", "year", "star", "awarded"]),
        pairs=pd.DataFrame(list(pairs), columns=["mentor", "mentee"]),
    )


def _rebuilt(store) -> Dataset:
    """What a store without snapshots loads: every live revision deduplicated."""
    with store.engine.begin() as conn:
        conn.execute(tables.snapshots.delete())
        conn.execute(tables.snapshot_version.delete())
    return store.load()


def _assert_same(a: Dataset, b: Dataset) -> None:
    for kind, frame in a.frames().items():
        key = list(tables.SCHEMAS[kind].key)
        left = frame.sort_values(key).reset_index(drop=True)
        right = b.frame(kind).sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(left, right, check_categorical=False, obj=kind)


def _snapshot_versions(store) -> set[int]:
    with store.engine.connect() as conn:
        return set(conn.execute(sa.select(tables.snapshot_version.c.version)).scalars())


def _cells(ds: Dataset) -> dict:
    return {(r.code, r.period, r.indicator): r.value for r in ds.values.itertuples()}


def test_snapshot_follows_commits_rollbacks_and_restores(store):
    first = store.commit(
        _data(
            values=[("A", "2023Q1", "volunteers", 1.0), ("B", "2023Q1", "volunteers", 2.0)],
            scores=[("A", "2023Q1", "party", 80.0)],
            awards=[("A", 2023, "party", True)],
            pairs=[("A", "B")],
        ),
        content=b"1",
        filename="1.xlsx",
        user="u",
    )
    second = store.commit(
        _data(
            values=[("A", "2023Q1", "volunteers", 10.0), ("C", "2023Q2", "volunteers", 3.0)],
            scores=[("A", "2023Q1", "party", 90.0), ("B", "2023Q2", "party", 70.0)],
        ),
        content=b"2",
        filename="2.xlsx",
        user="u",
    )
    third = store.commit(
        _data(values=[("A", "2023Q1", "volunteers", 100.0)], villages=False),
        content=b"3",
        filename="3.xlsx",
        user="u",
    )
    steps = [
        lambda: store.rollback(second, user="u"),  # A's value stays third's; C disappears
        lambda: store.rollback(third, user="u"),  # A falls back to the first revision
        lambda: store.restore(second, user="u"),  # second wins again where it is newer
        lambda: store.rollback(first, user="u"),  # B's value and the pair go
        lambda: store.restore(third, user="u"),
        lambda: store.restore(first, user="u"),  # first is oldest: only keys no one else set
    ]
    expected = [
        {("A", "2023Q1", "volunteers"): 100.0, ("B", "2023Q1", "volunteers"): 2.0},
        {("A", "2023Q1", "volunteers"): 1.0, ("B", "2023Q1", "volunteers"): 2.0},
        {
            ("A", "2023Q1", "volunteers"): 10.0,
            ("B", "2023Q1", "volunteers"): 2.0,
            ("C", "2023Q2", "volunteers"): 3.0,
        },
        {("A", "2023Q1", "volunteers"): 10.0, ("C", "2023Q2", "volunteers"): 3.0},
        {("A", "2023Q1", "volunteers"): 100.0, ("C", "2023Q2", "volunteers"): 3.0},
        {
            ("A", "2023Q1", "volunteers"): 100.0,
            ("B", "2023Q1", "volunteers"): 2.0,
            ("C", "2023Q2", "volunteers"): 3.0,
        },
    ]
    assert _cells(store.load()) == {
        ("A", "2023Q1", "volunteers"): 100.0,
        ("B", "2023Q1", "volunteers"): 2.0,
        ("C", "2023Q2", "volunteers"): 3.0,
    }
    for step, cells in zip(steps, expected, strict=True):
        step()
        # Written by the write itself (incrementally), not rebuilt by a reader.
        assert _snapshot_versions(store) == {store.data_version()}
        from_snapshot = store.load()
        assert _cells(from_snapshot) == cells
        _assert_same(from_snapshot, _rebuilt(store))
    assert list(store.load().pairs["mentee"]) == ["B"]


def test_a_missing_snapshot_is_rebuilt_and_stored(sample_store, sample_dataset):
    with sample_store.engine.begin() as conn:
        conn.execute(tables.snapshots.delete())
    loaded = sample_store.load()
    assert _snapshot_versions(sample_store) == {sample_store.data_version()}
    _assert_same(loaded, sample_store.load())
    assert loaded.counts() == sample_dataset.counts()


def test_big_kinds_load_as_categoricals_with_sorted_categories(sample_store):
    values = sample_store.load().values
    for column in ("code", "indicator"):
        assert isinstance(values[column].dtype, pd.CategoricalDtype)
        categories = list(values[column].cat.categories)
        assert categories == sorted(categories)
    # pandas 3 groups categoricals by observed values only, so no empty combinations appear.
    counts = values.groupby(["code", "indicator"]).size()
    assert (counts > 0).all()


def test_logins_do_not_move_the_data_version(sample_store):
    data_version = sample_store.data_version()
    sample_store.log("某人", "login")
    newest_event = int(sample_store.events()["id"].iloc[0])
    assert newest_event > data_version == sample_store.data_version()


def test_a_load_has_exactly_the_canonical_columns_in_the_stored_dtypes(sample_store):
    # revision_id is not even read from the snapshot (a province's values: 85 MB less).
    for rebuilt in (False, True):
        ds = _rebuilt(sample_store) if rebuilt else sample_store.load()
        for kind, frame in ds.frames().items():
            assert list(frame.columns) == list(tables.SCHEMAS[kind].columns), kind
        assert isinstance(ds.values["code"].dtype, pd.CategoricalDtype)
        assert ds.values["period"].dtype == "str" and ds.values["value"].dtype == "float64"
        assert isinstance(ds.scores["star"].dtype, pd.CategoricalDtype)
        assert ds.villages["households"].dtype == "Float64"


@pytest.mark.postgres
def test_a_snapshot_read_in_pieces_is_the_same(pg_url, monkeypatch):
    # On PostgreSQL a snapshot larger than a piece is read in pieces (libpq would otherwise keep
    # a buffer as large as the whole blob per pooled connection); SQLite reads it whole, so only
    # PostgreSQL can tell.
    store = open_store(pg_url)
    try:
        sample.seed(store)
        whole = store.load()
        monkeypatch.setattr(snapshot, "PIECE", 1000)
        _assert_same(store.load(), whole)
    finally:
        store.dispose()


def _parts(store, kind: str) -> dict[str, bytes]:
    with store.engine.connect() as conn:
        query = sa.select(tables.snapshots.c.part, tables.snapshots.c.data).where(
            tables.snapshots.c.kind == kind
        )
        return {part: bytes(data) for part, data in conn.execute(query)}


def test_a_quarter_upload_rewrites_only_its_quarter_and_keeps_the_others_bytes(store):
    store.commit(
        _data(values=[("A", "2023Q1", "volunteers", 1.0), ("B", "2023Q2", "volunteers", 2.0)]),
        content=b"1",
        filename="1.xlsx",
        user="u",
    )
    before = _parts(store, "values")
    assert set(before) == {"2023Q1", "2023Q2"}
    store.commit(
        _data(
            values=[("C", "2023Q3", "volunteers", 3.0), ("B", "2023Q2", "volunteers", 4.0)],
            villages=False,
        ),
        content=b"2",
        filename="2.xlsx",
        user="u",
    )
    after = _parts(store, "values")
    assert set(after) == {"2023Q1", "2023Q2", "2023Q3"}
    assert after["2023Q1"] == before["2023Q1"]  # copied, not decoded and written again
    assert after["2023Q2"] != before["2023Q2"]
    assert _cells(store.load()) == {
        ("A", "2023Q1", "volunteers"): 1.0,
        ("B", "2023Q2", "volunteers"): 4.0,
        ("C", "2023Q3", "volunteers"): 3.0,
    }
    _assert_same(store.load(), _rebuilt(store))


def test_rolling_back_a_quarter_touches_only_that_quarter(store):
    store.commit(
        _data(values=[("A", "2023Q1", "volunteers", 1.0)], scores=[("A", "2023Q1", "party", 80.0)]),
        content=b"1",
        filename="1.xlsx",
        user="u",
    )
    second = store.commit(
        _data(values=[("A", "2023Q2", "volunteers", 2.0)], villages=False),
        content=b"2",
        filename="2.xlsx",
        user="u",
    )
    before = _parts(store, "values")
    store.rollback(second, user="u")
    after = _parts(store, "values")
    assert set(after) == {"2023Q1"} and after["2023Q1"] == before["2023Q1"]
    store.rollback(1, user="u")  # nothing left: each kind keeps one empty part
    assert set(_parts(store, "values")) == {""}
    assert store.load().values.empty and store.load().scores.empty
    store.restore(second, user="u")
    assert set(_parts(store, "values")) == {"2023Q2"}
    _assert_same(store.load(), _rebuilt(store))


def test_quarters_with_different_villages_load_with_sorted_categories(store):
    store.commit(
        _data(values=[("C", "2023Q1", "volunteers", 1.0), ("B", "2023Q1", "toilets", 2.0)]),
        content=b"1",
        filename="1.xlsx",
        user="u",
    )
    store.commit(
        _data(values=[("A", "2023Q2", "meetings", 3.0)], villages=False),
        content=b"2",
        filename="2.xlsx",
        user="u",
    )
    values = store.load().values
    assert list(values["code"].cat.categories) == ["A", "B", "C"]
    assert list(values["indicator"].cat.categories) == ["meetings", "toilets", "volunteers"]
    by_code = dict(zip(values["code"].astype(str), values["value"], strict=True))
    assert by_code == {"A": 3.0, "B": 2.0, "C": 1.0}


def test_quarters_written_with_few_and_many_villages_load_together(store):
    # 130 villages' codes take int16 in Parquet, one village's int8: the parts still join.
    many = pd.DataFrame({"code": [f"V{i:03d}" for i in range(130)], "name": "村", "town": "某镇"})
    values = [(code, "2023Q1", "volunteers", 1.0) for code in many["code"]]
    store.commit(
        Dataset.of(
            villages=many,
            values=pd.DataFrame(values, columns=["code", "period", "indicator", "value"]),
        ),
        content=b"1",
        filename="1.xlsx",
        user="u",
    )
    store.commit(
        _data(values=[("A", "2023Q2", "volunteers", 2.0)], villages=False),
        content=b"2",
        filename="2.xlsx",
        user="u",
    )
    loaded = store.load().values
    assert len(loaded) == 131
    assert list(loaded["code"].cat.categories) == ["A", *many["code"]]
    _assert_same(store.load(), _rebuilt(store))
