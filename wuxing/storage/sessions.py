"""Signed-in sessions as the store keeps them: shared by every app server of a deployment.

The browser holds a random token in an HttpOnly cookie (`wuxing.ui.web`); the store keeps only
its sha256, so reading the database (a backup, a copy) signs nobody in. A session is refused once
it was ended (logout, an admin), after `idle` without use, when its account's password changed
since it began (the credential version moved on), or when the account was disabled or removed.
`SessionStore` is a part of `wuxing.storage.store.Store` (mixed in; uses its transactions).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import cast

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from wuxing.errors import StoreError
from wuxing.storage.accounts import Account, StorePart, account_named
from wuxing.storage.events import aware, log_event, now, sha256_of
from wuxing.storage.schema import sessions, users

#: Bytes of randomness in a token (256 bits, as URL-safe base64: 43 characters).
TOKEN_BYTES = 32
#: A session's last use is written at most this often (not on every rerun of every page).
SEEN_EVERY = timedelta(minutes=1)


def token_digest(token: str) -> str:
    """What the store keeps of a token."""
    return sha256_of(token.encode())


def _end(conn: Connection, where: sa.ColumnElement[bool], why: str, at: datetime) -> int:
    done = conn.execute(
        sessions.update()
        .where(where, sessions.c.ended_at.is_(None))
        .values(ended_at=at, ended_why=why)
    )
    return done.rowcount


class SessionStore(StorePart):
    """The signed-in sessions part of `Store` (mixed in; uses its transactions)."""

    def open_session(self, name: str, *, client: str = "", at: datetime | None = None) -> str:
        """Begin a session for account `name` (after its password proved right); returns the
        token for the cookie, which the store never keeps."""
        at = at or now()
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self.transaction() as conn:
            account = account_named(conn, name)
            if account is None or account.disabled:
                raise StoreError(f"账号“{name}”不存在或已停用")
            conn.execute(
                sessions.insert().values(
                    token_hash=token_digest(token), user=account.name, client=client[:64],
                    credential_version=account.credential_version, created_at=at, last_seen=at,
                    ended_why="",
                )
            )  # fmt: skip
            conn.execute(
                users.update().where(users.c.name == account.name).values(last_login_at=at)
            )
        return token

    def session_account(
        self, token: str, *, idle: timedelta, at: datetime | None = None
    ) -> Account | None:
        """The account a session token signs in, or None when the session is unknown, ended,
        idle for longer than `idle`, from before a password change, or its account is disabled.
        A use is recorded (at most every `SEEN_EVERY`): the idle time counts from it."""
        if not token:
            return None
        at = at or now()
        digest = token_digest(token)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(sessions).where(sessions.c.token_hash == digest)).first()
            if row is None or row.ended_at is not None:
                return None
            account = account_named(conn, row.user)
        why = _refusal(row, account, idle, at)
        if why or _last_seen(row) < at - SEEN_EVERY:
            with self.transaction() as conn:
                where = sessions.c.token_hash == digest
                if why:
                    _end(conn, where, why, at)
                else:
                    conn.execute(sessions.update().where(where).values(last_seen=at))
        return None if why else account

    def end_session(self, token: str, *, at: datetime | None = None) -> str | None:
        """Log out: end the session of `token`; the name of its account (None if none was open)."""
        digest = token_digest(token)
        with self.transaction() as conn:
            row = conn.execute(
                sa.select(sessions.c.user, sessions.c.ended_at).where(
                    sessions.c.token_hash == digest
                )
            ).first()
            if row is None or row.ended_at is not None:
                return None
            _end(conn, sessions.c.token_hash == digest, "logout", at or now())
            log_event(conn, row.user, "logout", None, "")
        return row.user

    def end_session_by_id(self, session_id: int, *, by: str) -> None:
        """An admin ends one session (listed by `open_sessions`)."""
        self._authorise("admin", by)
        with self.transaction() as conn:
            user = conn.execute(
                sa.select(sessions.c.user).where(sessions.c.id == session_id)
            ).scalar()
            if user is None or not _end(conn, sessions.c.id == session_id, "admin", now()):
                raise StoreError(f"会话 {session_id} 不存在或已结束")
            log_event(conn, by, "session_end", None, f"{user}（会话 {session_id}）")

    def open_sessions(self, *, idle: timedelta, at: datetime | None = None) -> pd.DataFrame:
        """Sessions not ended and used within `idle`, newest use first: id, user, client,
        created_at, last_seen (tokens are not kept, so none is listed)."""
        since = (at or now()) - idle
        columns = [sessions.c[c] for c in ("id", "user", "client", "created_at", "last_seen")]
        query = (
            sa.select(*columns)
            .where(sessions.c.ended_at.is_(None), sessions.c.last_seen >= since)
            .order_by(sessions.c.last_seen.desc())
        )
        with self.engine.connect() as conn:
            result = conn.execute(query)
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _refusal(row: sa.Row, account: Account | None, idle: timedelta, at: datetime) -> str:
    """Why a stored open session no longer signs in ("" when it still does)."""
    if account is None or account.name != row.user:
        return "account"
    if account.disabled:
        return "disabled"
    if account.credential_version != row.credential_version:
        return "password"
    if _last_seen(row) + idle < at:
        return "idle"
    return ""


def _last_seen(row: sa.Row) -> datetime:
    return cast(datetime, aware(row.last_seen))  # NOT NULL: stays a datetime
