import pandas as pd
import pytest

from wuxing.dataset import Dataset
from wuxing.errors import StoreError
from wuxing.storage import bulk_insert, snapshot
from wuxing.storage import schema as tables
from wuxing.storage import store as store_module


def _values(*rows):
    return Dataset.of(
        villages=pd.DataFrame(
            [
                {"code": "A", "name": "甲村", "town": "某镇"},
                {"code": "B", "name": "乙村", "town": "某镇"},
            ]
        ),
        values=pd.DataFrame(rows, columns=["code", "period", "indicator", "value"]),
    )


def _current(store):
    v = store.load().values
    return {(r.code, r.period, r.indicator): r.value for r in v.itertuples()}


def test_empty_store_loads_empty_dataset(store):
    ds = store.load()
    assert ds.is_empty and store.is_empty() and store.data_version() == 0


def test_newest_live_revision_wins_and_rollback_restores_the_earlier_value(store):
    first = store.commit(
        _values(("A", "2023Q1", "volunteers", 10.0)), content=b"1", filename="a.xlsx", user="张三"
    )
    second = store.commit(
        _values(("A", "2023Q1", "volunteers", 12.0), ("B", "2023Q1", "volunteers", 5.0)),
        content=b"2",
        filename="b.xlsx",
        user="李四",
    )
    assert _current(store) == {
        ("A", "2023Q1", "volunteers"): 12.0,
        ("B", "2023Q1", "volunteers"): 5.0,
    }
    store.rollback(second, user="王五")
    assert _current(store) == {("A", "2023Q1", "volunteers"): 10.0}
    store.restore(second, user="王五")
    assert _current(store)[("A", "2023Q1", "volunteers")] == 12.0
    history = store.history()
    assert [r.id for r in history] == [second, first]
    assert history[0].user == "李四" and history[0].filename == "b.xlsx" and history[0].is_live


def test_revision_keeps_original_bytes_and_sha256(store):
    rid = store.commit(
        _values(("A", "2023Q1", "volunteers", 1.0)),
        content=b"raw bytes",
        filename="x.csv",
        user="u",
    )
    assert store.content(rid) == b"raw bytes"
    assert store.revision(rid).sha256 == store_module.sha256_of(b"raw bytes")


def test_the_same_file_twice_changes_nothing(store):
    data = _values(("A", "2023Q1", "volunteers", 1.0))
    first = store.commit(data, content=b"same", filename="x.xlsx", user="u")
    version = store.data_version()
    assert store.commit(data, content=b"same", filename="x.xlsx", user="u") == first
    assert len(store.history()) == 1 and store.data_version() == version


def test_every_write_moves_the_data_version_so_caches_refresh(store):
    rid = store.commit(
        _values(("A", "2023Q1", "volunteers", 1.0)), content=b"v", filename="x", user="u"
    )
    after_commit = store.data_version()
    store.rollback(rid, user="u")
    assert store.data_version() > after_commit
    events = store.events()
    assert list(events["action"]) == ["rollback", "upload"]
    assert set(events["user"]) == {"u"}


def test_failure_halfway_leaves_the_store_as_it_was(store, monkeypatch):
    store.commit(
        _values(("A", "2023Q1", "volunteers", 1.0)), content=b"before", filename="x", user="u"
    )
    before = (store.load().values.copy(), store.data_version(), len(store.history()))
    real_insert = bulk_insert.insert_rows
    calls = []

    def crash_on_second_table(conn, table, frame, revision_id):
        calls.append(table.name)
        real_insert(conn, table, frame, revision_id)  # the first table's rows really are written
        if len(calls) == 2:
            raise RuntimeError("进程被中止")

    monkeypatch.setattr(bulk_insert, "insert_rows", crash_on_second_table)
    with pytest.raises(RuntimeError):
        store.commit(
            _values(("A", "2023Q1", "volunteers", 99.0), ("B", "2023Q2", "volunteers", 3.0)),
            content=b"after",
            filename="y",
            user="u",
        )
    assert len(calls) == 2
    pd.testing.assert_frame_equal(store.load().values, before[0])
    assert (store.data_version(), len(store.history())) == before[1:]


def test_a_failure_building_the_snapshot_after_the_insert_leaves_the_store_as_it_was(
    store, monkeypatch
):
    """The new snapshot is built after the rows are inserted: its failure must still undo them."""
    store.commit(
        _values(("A", "2023Q1", "volunteers", 1.0)), content=b"before", filename="x", user="u"
    )
    before = (store.load().values.copy(), store.data_version(), len(store.history()))
    inserted = []
    real_insert = bulk_insert.insert_rows

    def counted_insert(conn, table, frame, revision_id):
        real_insert(conn, table, frame, revision_id)
        inserted.append(len(frame))

    def broken_encoding(frame):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(bulk_insert, "insert_rows", counted_insert)
    monkeypatch.setattr(snapshot, "parquet", broken_encoding)
    with pytest.raises(RuntimeError, match="磁盘已满"):
        store.commit(
            _values(("A", "2023Q1", "volunteers", 99.0)), content=b"after", filename="y", user="u"
        )
    assert inserted  # rows were written, then undone
    pd.testing.assert_frame_equal(store.load().values, before[0])
    assert (store.data_version(), len(store.history())) == before[1:]


def test_unknown_revision_is_a_clear_error(store):
    with pytest.raises(StoreError, match="版本 42 不存在"):
        store.rollback(42, user="u")


def test_rolling_back_twice_is_refused(store):
    rid = store.commit(
        _values(("A", "2023Q1", "volunteers", 1.0)), content=b"x", filename="x", user="u"
    )
    store.rollback(rid, user="u")
    with pytest.raises(StoreError, match="已撤销"):
        store.rollback(rid, user="u")


def test_sample_revision_marks_the_dataset_as_sample(sample_store):
    assert sample_store.load().is_sample
    (rev,) = sample_store.history()
    sample_store.rollback(rev.id, user="admin")
    assert not sample_store.load().is_sample


def test_store_round_trips_every_kind(sample_store, sample_dataset):
    loaded = sample_store.load()
    for kind, expected in sample_dataset.frames().items():
        key = list(expected.columns[:3])
        got = loaded.frame(kind).sort_values(key).reset_index(drop=True)
        want = expected.sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(
            got, want, check_dtype=False, check_categorical=False, obj=kind
        )


def test_import_reads_match_the_full_load(sample_store):
    """What an import reads (villages, awards, some quarters' values) equals the same part of
    `load()`, with a snapshot and after the snapshot is gone (rebuilt from the revisions)."""
    full = sample_store.load()
    periods, indicators = {"2022Q4", "2023Q1"}, {"collective_income", "toilet_upgrades"}
    for drop_snapshot in (False, True):
        if drop_snapshot:
            with sample_store.engine.begin() as conn:
                conn.execute(tables.snapshots.delete())
        light = sample_store.load_for_import()
        assert (light.data_version, light.is_sample) == (full.data_version, full.is_sample)
        for kind in ("villages", "awards"):  # a rebuilt snapshot lists rows in key order
            key = list(tables.SCHEMAS[kind].key)
            pd.testing.assert_frame_equal(
                light.frame(kind).sort_values(key).reset_index(drop=True),
                full.frame(kind).sort_values(key).reset_index(drop=True),
                check_categorical=False,
            )
        assert light.values.empty and light.scores.empty
        some = sample_store.values_in(periods, indicators)
        expected = full.values[
            full.values["period"].isin(periods) & full.values["indicator"].isin(indicators)
        ]
        key = ["code", "period", "indicator"]
        pd.testing.assert_frame_equal(
            some.sort_values(key).reset_index(drop=True),
            expected.sort_values(key).reset_index(drop=True),
            check_categorical=False,
        )
        assert set(some["period"]) == periods


def test_import_reads_of_an_empty_store_are_empty(store):
    assert store.load_for_import().is_empty
    assert store.values_in({"2023Q1"}, {"volunteers"}).empty


def test_a_commit_leaves_its_connection_enforcing_foreign_keys(store, monkeypatch):
    """The commit skips SQLite's per-row key lookups; the pooled connection must get them back,
    after a commit and after a failed one alike."""
    if store.dialect != "sqlite":
        pytest.skip("a SQLite connection setting")
    store.commit(_values(("A", "2023Q1", "volunteers", 1.0)), content=b"1", filename="x", user="u")
    monkeypatch.setattr(bulk_insert, "insert_rows", _crash)
    with pytest.raises(RuntimeError):
        store.commit(
            _values(("A", "2023Q1", "volunteers", 2.0)), content=b"2", filename="y", user="u"
        )
    # Every pooled connection (the pool hands back the one the commits used).
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        orphan = tables.revision_touches.insert().values(revision_id=999, data=b"")
        with pytest.raises(Exception, match="FOREIGN KEY"):
            conn.execute(orphan)


def _crash(conn, table, frame, revision_id):
    raise RuntimeError("进程被中止")


# -- accounts: a password change raises the credential version


def test_a_password_change_raises_the_credential_version(store):
    store.add_account("张三", "$argon2id$one", "viewer", by="测试")
    assert store.account("张三").credential_version == 0
    store.set_password("张三", "$argon2id$two", by="测试")
    store.set_role("张三", "editor", by="测试")  # other changes keep it
    assert store.account("张三").credential_version == 1


def test_a_cell_given_twice_is_refused_and_nothing_is_stored(store):
    store.commit(
        _values(("A", "2023Q1", "volunteers", 1.0)), content=b"1", filename="a.xlsx", user="u"
    )
    twice = _values(
        ("B", "2023Q2", "volunteers", 2.0),
        ("A", "2023Q2", "volunteers", 3.0),
        ("B", "2023Q2", "volunteers", 4.0),
    )
    with pytest.raises(StoreError, match=r"指标数据中有两行是同一格（B、2023Q2、volunteers）"):
        store.commit(twice, content=b"2", filename="b.xlsx", user="u")
    assert [r.filename for r in store.history()] == ["a.xlsx"]
    assert _current(store) == {("A", "2023Q1", "volunteers"): 1.0}
