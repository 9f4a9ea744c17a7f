"""Bringing a store made by an older version up to the current tables, keeping its data.

`Store.create` asks `needs_upgrade` on every start (a few catalogue queries) and runs `upgrade`
in one write transaction when it says so. Each step is idempotent: two app servers starting on
one older store may both try.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from wuxing.access.credentials import account_key
from wuxing.storage import snapshot
from wuxing.storage.schema import DATA_TABLES, RETIRED_TABLES, users

#: Columns added to `users` after stores existed, with how an older store gets them.
_NEW_COLUMNS = {
    "area": "VARCHAR(300) NOT NULL DEFAULT ''",
    "view_area": "VARCHAR(300) NOT NULL DEFAULT ''",
    "must_change": "BOOLEAN NOT NULL DEFAULT FALSE",
    "last_login_at": "TIMESTAMP WITH TIME ZONE",
}


def upgrade(conn: Connection) -> None:
    """Bring a store made by an older version up to these tables, keeping its data."""
    columns = {column["name"] for column in sa.inspect(conn).get_columns("users")}
    if "credential_version" not in columns:
        conn.execute(
            sa.text("ALTER TABLE users ADD COLUMN credential_version INTEGER NOT NULL DEFAULT 0")
        )
    if "name_key" not in columns:
        conn.execute(sa.text("ALTER TABLE users ADD COLUMN name_key VARCHAR(100)"))
        conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_users_name_key ON users (name_key)"))
    for column, ddl in _NEW_COLUMNS.items():
        if column not in columns:  # existing accounts keep everything in scope, as before
            conn.execute(sa.text(f"ALTER TABLE users ADD COLUMN {column} {ddl}"))
    unkeyed = sa.select(users.c.name).where(users.c.name_key.is_(None))
    for name in conn.execute(unkeyed).scalars().all():
        conn.execute(users.update().where(users.c.name == name).values(name_key=account_key(name)))
    for table in RETIRED_TABLES:
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
    if not _snapshots_in_parts(sa.inspect(conn)):
        snapshot.split_whole(conn)
    preparer = conn.dialect.identifier_preparer
    dropped = _old_data_keys(sa.inspect(conn))
    for table, constraint in dropped:
        conn.execute(
            sa.text(
                f"ALTER TABLE {preparer.quote(table)} DROP CONSTRAINT {preparer.quote(constraint)}"
            )
        )
    if dropped:  # rows found by revision as in new stores (see `schema._data_table`)
        for data_table in DATA_TABLES.values():
            for index in data_table.indexes:
                index.create(conn, checkfirst=True)


def needs_upgrade(conn: Connection) -> bool:
    """True when the store predates a column, still holds a retired table, keeps snapshots
    whole (before parts) or declares keys on the data tables (see `schema._data_table`)."""
    inspector = sa.inspect(conn)
    columns = {column["name"] for column in inspector.get_columns("users")}
    retired = set(RETIRED_TABLES) & set(inspector.get_table_names())
    outdated = not {"credential_version", "name_key", *_NEW_COLUMNS} <= columns
    stale = bool(retired) or outdated or not _snapshots_in_parts(inspector)
    return stale or bool(_old_data_keys(inspector))


def _snapshots_in_parts(inspector: sa.Inspector) -> bool:
    """True when the snapshots table is today's: parts kept in place, not a copy per version."""
    return "version" not in {column["name"] for column in inspector.get_columns("snapshots")}


def _old_data_keys(inspector: sa.Inspector) -> list[tuple[str, str]]:
    """(table, constraint) of the keys older stores declare on the data tables, on PostgreSQL:
    their primary key and their foreign key to revisions.

    SQLite cannot drop a constraint without copying the table; there older stores keep both. The
    primary key then finds a revision's rows (its first column), and the commit switches the
    foreign-key checks off (`connection.writing(key_checks=False)`).
    """
    if inspector.dialect.name != "postgresql":
        return []
    names = [table.name for table in DATA_TABLES.values()]
    foreign = inspector.get_multi_foreign_keys(filter_names=names)  # one query for all
    primary = inspector.get_multi_pk_constraint(filter_names=names)
    return [
        (table, key["name"])
        for (_schema, table), keys in foreign.items()
        for key in keys
        if key["referred_table"] == "revisions" and key["name"]
    ] + [
        (table, name)
        for (_schema, table), key in primary.items()
        if (name := key.get("name")) and key["constrained_columns"]
    ]
