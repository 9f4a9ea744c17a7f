"""Appending to the audit trail, and the time and digest helpers every part of the store shares."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy.engine import Connection

from wuxing.storage.schema import events


def sha256_of(content: bytes) -> str:
    """Hex sha256 of some bytes: how a repeated upload, and a session's token, is recognised."""
    return hashlib.sha256(content).hexdigest()


def now() -> datetime:
    """The time now, in UTC (every time the store keeps is UTC)."""
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """`value` with its UTC zone (SQLite hands back naive datetimes; every time we store is UTC)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def log_event(
    conn: Connection,
    user: str,
    action: str,
    revision_id: int | None,
    detail: str,
    at: datetime | None = None,
) -> int:
    """Append one event in the transaction of `conn` (at `at`, default now); returns its id."""
    event = events.insert().values(
        at=at or now(), user=user, action=action, revision_id=revision_id, detail=detail
    )
    return conn.execute(event.returning(events.c.id)).scalar_one()
