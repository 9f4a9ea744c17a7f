"""Revisions: one per stored upload (its file's bytes, who, when, a summary, live or rolled back)
and the rows it set, one table per data kind. Nothing is overwritten in place: the current value
of a cell is the one from the newest live revision (the snapshot keeps it ready).

Also the data version: the id of the newest event that changed the data (an upload, rollback or
restore), what the snapshot and the dataset cache key on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from wuxing.dataset import SCHEMAS, Dataset, repeated_key
from wuxing.errors import StoreError
from wuxing.storage import bulk_insert, snapshot
from wuxing.storage.schema import DATA_TABLES, events, frame_of, revisions

#: Events that change the data (and so the snapshot); logins and account changes do not.
DATA_ACTIONS = ("upload", "rollback", "restore")


@dataclass(frozen=True)
class Revision:
    """One stored upload, as the history lists it."""

    id: int
    created_at: datetime
    user: str
    filename: str
    sha256: str
    size: int
    summary: dict[str, object]
    status: str

    @property
    def is_live(self) -> bool:
        """False once rolled back."""
        return self.status == "live"


def data_version(conn: Connection) -> int:
    """Id of the newest event that changed the data (0 when there is none)."""
    query = sa.select(sa.func.max(events.c.id)).where(events.c.action.in_(DATA_ACTIONS))
    return int(conn.execute(query).scalar() or 0)


def live_twin(conn: Connection, sha256: str) -> int | None:
    """Id of a live revision that stored a file with this sha256, if any."""
    query = sa.select(revisions.c.id).where(
        revisions.c.sha256 == sha256, revisions.c.status == "live"
    )
    found = conn.execute(query.limit(1)).scalar()
    return None if found is None else int(found)


def any_live_by(conn: Connection, user: str) -> bool:
    """True when a revision stored by `user` is live."""
    query = sa.select(revisions.c.id).where(revisions.c.user == user, revisions.c.status == "live")
    return conn.execute(query.limit(1)).first() is not None


def add(
    conn: Connection,
    data: Dataset,
    *,
    content: bytes,
    sha256: str,
    filename: str,
    user: str,
    summary: dict[str, object],
    at: datetime,
) -> int:
    """Store a new live revision made at `at`: its file and summary, then the rows of `data`;
    returns its id. StoreError, and nothing stored, when a kind's rows repeat a key."""
    for kind, frame in data.frames().items():
        if (key := repeated_key(kind, frame)) is not None:
            label = SCHEMAS[kind].label
            raise StoreError(
                f"{label}数据中有两行是同一格（{'、'.join(map(str, key))}），一格只能有一个值："
                "请删去重复的一行后再保存。"
            )
    revision_id = conn.execute(
        revisions.insert()
        .values(
            created_at=at,
            user=user,
            filename=filename,
            sha256=sha256,
            size=len(content),
            summary=json.dumps(summary, ensure_ascii=False),
            status="live",
            content=content,
        )
        .returning(revisions.c.id)
    ).scalar_one()
    for kind, frame in data.frames().items():
        if not frame.empty:
            bulk_insert.insert_rows(conn, DATA_TABLES[kind], frame, revision_id)
    return int(revision_id)


def none_stored(conn: Connection) -> bool:
    """True when no revision was ever stored."""
    return conn.execute(sa.select(revisions.c.id).limit(1)).first() is None


def set_status(conn: Connection, revision_id: int, status: str) -> None:
    """Mark a revision live or rolled back."""
    conn.execute(revisions.update().where(revisions.c.id == revision_id).values(status=status))


def rows_of(conn: Connection, revision_id: int) -> dict[str, pd.DataFrame]:
    """The rows one revision set, per kind (without revision_id)."""
    return {
        kind: frame_of(
            conn.execute(sa.select(table).where(table.c.revision_id == revision_id))
        ).drop(columns="revision_id")
        for kind, table in DATA_TABLES.items()
    }


def parts_of(conn: Connection, revision_id: int) -> dict[str, set[str]]:
    """Per kind a revision set rows of, the snapshot parts they are in (`snapshot.PART_COLUMN`):
    only those change when it is rolled back or restored."""
    found: dict[str, set[str]] = {}
    for kind, table in DATA_TABLES.items():
        mine = table.c.revision_id == revision_id
        column = snapshot.PART_COLUMN.get(kind)
        if column is None:
            if conn.execute(sa.select(table.c.revision_id).where(mine).limit(1)).first():
                found[kind] = {""}
        elif parts := set(
            conn.execute(sa.select(table.c[column]).where(mine).distinct()).scalars()
        ):
            found[kind] = parts
    return found


def listed(conn: Connection, revision_id: int | None = None) -> list[Revision]:
    """Every revision newest first, or only the one of `revision_id` (none if it does not exist)."""
    query = sa.select(*(c for c in revisions.c if c.name != "content"))
    if revision_id is not None:
        query = query.where(revisions.c.id == revision_id)
    return [_revision(row) for row in conn.execute(query.order_by(revisions.c.id.desc()))]


def content(conn: Connection, revision_id: int) -> bytes:
    """The original bytes of the file a revision stored."""
    query = sa.select(revisions.c.content).where(revisions.c.id == revision_id)
    found = conn.execute(query).scalar()
    if found is None:
        raise missing(revision_id)
    return bytes(found)


def missing(revision_id: int) -> StoreError:
    """The error for a revision id that does not exist."""
    return StoreError(f"版本 {revision_id} 不存在，请用“版本记录”查看已有版本号")


def _revision(row: sa.Row) -> Revision:
    return Revision(
        id=row.id,
        created_at=row.created_at,
        user=row.user,
        filename=row.filename,
        sha256=row.sha256,
        size=row.size,
        summary=json.loads(row.summary or "{}"),
        status=row.status,
    )
