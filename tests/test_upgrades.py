"""Stores made by older versions open in place: tables gain what they lack, data stays."""

import pandas as pd
import pytest
import sqlalchemy as sa

from wuxing.dataset import SCHEMAS, Dataset
from wuxing.errors import StoreError
from wuxing.storage import snapshot
from wuxing.storage.schema import DATA_TABLES, snapshots
from wuxing.storage.store import open_store
from wuxing.storage.upgrades import needs_upgrade


def test_a_store_from_before_name_keys_upgrades_and_keeps_its_accounts(store_url):
    # The users and login_failures tables as earlier versions made them, with one account.
    older = [
        "CREATE TABLE users (name VARCHAR(100) PRIMARY KEY, password_hash VARCHAR(300) NOT NULL,"
        " role VARCHAR(20) NOT NULL, disabled BOOLEAN NOT NULL, created_at TIMESTAMP NOT NULL)",
        "CREATE TABLE login_failures (name VARCHAR(100) PRIMARY KEY, failures INTEGER NOT NULL,"
        " locked_until TIMESTAMP)",
        "INSERT INTO users VALUES ('Admin', '$argon2id$old', 'admin', false, '2024-01-02 03:04')",
        "INSERT INTO login_failures VALUES ('my password', 2, NULL)",
    ]
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        for statement in older:
            conn.execute(sa.text(statement))
    engine.dispose()
    upgraded = open_store(store_url)
    try:
        account = upgraded.account("ADMIN")
        assert (account.name, account.role, account.key) == ("Admin", "admin", "admin")
        assert account.password_hash == "$argon2id$old" and account.credential_version == 0
        assert "login_failures" not in sa.inspect(upgraded.engine).get_table_names()
        with pytest.raises(StoreError, match="只差大小写"):
            upgraded.add_account("admin", "$argon2id$new", "viewer", by="测试")
        open_store(store_url).dispose()  # a second start finds nothing to upgrade
    finally:
        upgraded.dispose()


@pytest.mark.postgres
def test_an_older_postgresql_store_drops_the_data_tables_keys_and_keeps_its_rows(pg_url):
    store = open_store(pg_url)
    store.commit(_volunteers(3.0), content=b"1", filename="一季度.xlsx", user="u")
    store.dispose()
    # As stores made before 2026-12: every data table's revision_id a declared foreign key, and
    # revision_id with the row's key its primary key, without today's BRIN index.
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        for kind, table in DATA_TABLES.items():
            key = ", ".join(["revision_id", *(f'"{c}"' for c in SCHEMAS[kind].key)])
            conn.execute(sa.text(f"DROP INDEX ix_{table.name}_revision_id"))
            conn.execute(
                sa.text(
                    f"ALTER TABLE {table.name} ADD FOREIGN KEY (revision_id)"
                    " REFERENCES revisions (id)"
                )
            )
            conn.execute(sa.text(f"ALTER TABLE {table.name} ADD PRIMARY KEY ({key})"))
    engine.dispose()

    upgraded = open_store(pg_url)
    try:
        inspector = sa.inspect(upgraded.engine)
        assert [t.name for t in DATA_TABLES.values() if inspector.get_foreign_keys(t.name)] == []
        keyed = [
            t.name for t in DATA_TABLES.values() if inspector.get_pk_constraint(t.name)["name"]
        ]
        assert keyed == []
        with upgraded.engine.connect() as conn:
            methods = conn.execute(
                sa.text(
                    "SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                    " JOIN pg_am am ON am.oid = c.relam WHERE c.relname = :name"
                ),
                {"name": "ix_indicator_values_revision_id"},
            )
            assert methods.scalars().all() == ["brin"]
        assert upgraded.load().values["value"].tolist() == [3.0]
        upgraded.commit(_volunteers(4.0), content=b"2", filename="更正.xlsx", user="u")
        assert upgraded.load().values["value"].tolist() == [4.0]
        with upgraded.engine.connect() as conn:
            assert not needs_upgrade(conn)  # the next start has nothing to do
    finally:
        upgraded.dispose()


def _volunteers(count: float) -> Dataset:
    return Dataset.of(
        villages=pd.DataFrame([{"code": "A", "name": "甲村", "town": "某镇"}]),
        values=pd.DataFrame(
            [("A", "2023Q1", "volunteers", count)], columns=["code", "period", "indicator", "value"]
        ),
    )


def test_a_store_with_whole_snapshots_splits_them_into_quarters_without_a_rebuild(store_url):
    store = open_store(store_url)
    store.commit(_volunteers(3.0), content=b"1", filename="一季度.xlsx", user="u")
    second = _volunteers(5.0)
    second = Dataset.of(villages=second.villages, values=second.values.assign(period="2023Q2"))
    store.commit(second, content=b"2", filename="二季度.xlsx", user="u")
    before = store.load()
    version = store.data_version()
    with store.engine.connect() as conn:
        frames = snapshot.read(conn, version)
    store.dispose()
    # As stores made before 2026-12 kept them: one Parquet file per kind, every quarter in it.
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE snapshots"))
        conn.execute(sa.text("DROP TABLE snapshot_version"))
        conn.execute(
            sa.text(
                "CREATE TABLE snapshots (version INTEGER NOT NULL, kind VARCHAR(20) NOT NULL,"
                " data BYTEA NOT NULL, PRIMARY KEY (version, kind))".replace(
                    "BYTEA", "BLOB" if engine.dialect.name == "sqlite" else "BYTEA"
                )
            )
        )
        for kind, frame in frames.items():
            conn.execute(
                sa.text("INSERT INTO snapshots VALUES (:v, :k, :d)"),
                {"v": version, "k": kind, "d": snapshot.parquet(frame)},
            )
    engine.dispose()

    upgraded = open_store(store_url)
    try:
        with upgraded.engine.connect() as conn:
            parts = conn.execute(sa.select(snapshots.c.part).where(snapshots.c.kind == "values"))
            assert sorted(parts.scalars()) == ["2023Q1", "2023Q2"]
            assert snapshot.holds(conn, version)
            assert not needs_upgrade(conn)
        loaded = upgraded.load()
        assert loaded.data_version == version  # read from the split snapshot, not rebuilt
        assert sorted(loaded.values["value"].tolist()) == sorted(before.values["value"].tolist())
        assert sorted(loaded.values["period"].tolist()) == ["2023Q1", "2023Q2"]
    finally:
        upgraded.dispose()
