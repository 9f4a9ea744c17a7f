"""The database tables: revisions, the audit trail, accounts, sessions, snapshots and one table
per data kind.

Only `wuxing.storage.store` (with its parts: revisions, snapshot, touches, accounts, sessions …)
writes to them, each write in one of its transactions.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from wuxing.dataset import KINDS, SCHEMAS

metadata = sa.MetaData()

revisions = sa.Table(
    "revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user", sa.String(100), nullable=False),
    sa.Column("filename", sa.String(300), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False, default="live"),
    sa.Column("content", sa.LargeBinary, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user", sa.String(100), nullable=False),
    sa.Column("action", sa.String(40), nullable=False, index=True),
    sa.Column("revision_id", sa.Integer, nullable=True),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # The name as logins compare it (NFKC, case-folded: `auth.account_key`), so `ADMIN` finds
    # `admin` and `ａｄｍｉｎ` cannot be created beside it. Not unique: a store from before the
    # rule may hold two such names, and upgrading it must not fail.
    sa.Column("name_key", sa.String(100), nullable=True, index=True),
    # Raised by every password change: a session signed in under an older one is signed out.
    sa.Column("credential_version", sa.Integer, nullable=False, default=0, server_default="0"),
    # The area whose data the account may write (an area path, `wuxing.scopes`; "" everything)
    # and the one it may browse (可查看范围: "" everything). Added by `Store.create` to older
    # stores.
    sa.Column("area", sa.String(300), nullable=False, default="", server_default=""),
    sa.Column("view_area", sa.String(300), nullable=False, default="", server_default=""),
    # Set for a one-time password (bulk creation, a reset): the next login must choose a new one.
    sa.Column("must_change", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
)

# Signed-in browsers. The cookie holds a random token; only its sha256 is stored, so a copy of
# the database signs nobody in. A session ends on logout, after the idle time, and when the
# account's password changes (its credential version moves on) or the account is disabled.
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user", sa.String(100), nullable=False, index=True),
    sa.Column("credential_version", sa.Integer, nullable=False),
    sa.Column("client", sa.String(64), nullable=False, default=""),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("ended_why", sa.String(40), nullable=False, default=""),
)

# Failed logins per (account key, client address), and per client address over all names
# (name = ""). An unknown name is kept as a short digest (`auth`), never as the typed text,
# which is sometimes a password typed into the wrong field. `refused` counts tries turned
# away during a pause: one number per row instead of one audit event per try.
login_throttle = sa.Table(
    "login_throttle",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("client", sa.String(64), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("refused", sa.Integer, nullable=False, default=0),
    sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True),
)

#: Tables of older stores that `Store.create` drops: `login_failures` counted per name alone
#: and kept unknown names as typed (passwords typed into the name field among them).
RETIRED_TABLES = ("login_failures",)

# The current data, one Parquet file per kind and part (the quarter of values and scores, ""
# otherwise; see `wuxing.storage.snapshot`), with each row's revision_id, so a rollback or restore
# can patch the snapshot instead of rebuilding it. Each data change rewrites the parts it touched
# in place, in its own transaction, and moves `snapshot_version` on.
snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("kind", sa.String(20), primary_key=True),
    sa.Column("part", sa.String(20), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

# One row: the data version the snapshot holds. A reader that finds another (a store written
# before snapshots existed, or whose last change could not move it on) rebuilds it.
snapshot_version = sa.Table(
    "snapshot_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
)

# Per revision, how many rows it set per village and kind (what a village's profile lists), kept
# because counting an 11 M-row revision again on every server start would take seconds.
revision_touches = sa.Table(
    "revision_touches",
    metadata,
    sa.Column("revision_id", sa.Integer, sa.ForeignKey("revisions.id"), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)


_SQL_TYPES: dict[str, sa.types.TypeEngine[Any] | type[sa.types.TypeEngine[Any]]] = {
    "str": sa.String(300),
    "Float64": sa.Float,
    "float64": sa.Float,
    "int64": sa.Integer,
    "bool": sa.Boolean,
}
_TABLE_NAMES = {
    "villages": "villages",
    "values": "indicator_values",
    "scores": "star_scores",
    "awards": "star_awards",
    "targets": "targets",
    "pairs": "pairs",
}


def _data_table(kind: str) -> sa.Table:
    schema = SCHEMAS[kind]
    name = _TABLE_NAMES[kind]
    # No primary key and no declared key to revisions: the rows are written only by
    # `revisions.add`, in the transaction that inserts their revision, which refuses a key given
    # twice; revisions are never deleted. Every read picks rows by revision, and rows are only
    # ever appended in revision order, so on PostgreSQL a BRIN index (a few pages per 128 of
    # table) finds them: a province quarter's COPY took 3.7-4.4 s with the four-column key and
    # 1.0-1.7 s with BRIN (1.33 M rows, binary COPY). SQLite gets an ordinary index.
    return sa.Table(
        name,
        metadata,
        sa.Column("revision_id", sa.Integer, nullable=False),
        *(
            sa.Column(column, _SQL_TYPES[dtype], nullable=column not in schema.key)
            for column, dtype in schema.columns.items()
        ),
        sa.Index(
            f"ix_{name}_revision_id",
            "revision_id",
            postgresql_using="brin",
            postgresql_with={"autosummarize": "on"},
        ),
    )


DATA_TABLES: dict[str, sa.Table] = {kind: _data_table(kind) for kind in KINDS}


def frame_of(result: sa.CursorResult) -> pd.DataFrame:
    """A query's rows as a frame with the query's column names."""
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
