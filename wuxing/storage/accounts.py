"""Accounts as the store keeps them (hashing and policy: `wuxing.access`; login tries: `logins`).

`AccountStore` is a part of `wuxing.storage.store.Store`: its methods write through the store's
transactions, each change with its audit event in the same transaction.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import TYPE_CHECKING, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from wuxing.access.credentials import account_key
from wuxing.access.roles import role_label
from wuxing.errors import StoreError
from wuxing.storage.events import aware as _aware
from wuxing.storage.events import log_event as _log
from wuxing.storage.events import now as _now
from wuxing.storage.schema import login_throttle, sessions, users


@dataclass(frozen=True)
class Account:
    """One login account as stored (the hash never leaves `wuxing.access.auth`)."""

    name: str
    role: str
    disabled: bool
    created_at: datetime
    password_hash: str = dataclass_field(default="", repr=False)
    #: The name as logins compare it (`auth.account_key`).
    key: str = ""
    #: Raised by every password change; a session remembers the one it signed in under.
    credential_version: int = 0
    #: The area whose data it may write ("" everything) and the one it may browse (`wuxing.scopes`).
    area: str = ""
    view_area: str = ""
    #: Its password was set for it (one-time): it must choose its own before using the app.
    must_change: bool = False
    last_login_at: datetime | None = None


class StorePart:
    """What a part mixed into `Store` uses of it: declared here so each part type-checks alone."""

    engine: Engine

    if TYPE_CHECKING:  # declared only: `Store` defines them

        def transaction(self, *, key_checks: bool = True) -> AbstractContextManager[Connection]:
            """One write transaction (`Store.transaction`)."""
            ...

        def _authorise(self, needed: str, user: str) -> None: ...


class AccountStore(StorePart):
    """The account part of `Store` (mixed in; uses its transactions)."""

    # -- accounts (hashing and policy live in wuxing.access.auth; this only stores) -------------

    def account(self, name: str) -> Account | None:
        """The account `name` stands for, compared as `auth.account_key` does (`ADMIN`: `admin`)."""
        with self.engine.connect() as conn:
            return account_named(conn, name)

    def accounts(self) -> list[Account]:
        """Every account, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(users).order_by(users.c.name)).all()
        return [_account(row) for row in rows]

    def has_admin(self) -> bool:
        """True when an enabled admin account exists."""
        with self.engine.connect() as conn:
            query = sa.select(users.c.name).where(users.c.role == "admin", ~users.c.disabled)
            return conn.execute(query.limit(1)).first() is not None

    def add_account(
        self,
        name: str,
        password_hash: str,
        role: str,
        *,
        by: str,
        area: str = "",
        view_area: str | None = None,
        must_change: bool = False,
    ) -> None:
        """Create an account (StoreError if the name, or one differing only in case or width, is
        taken). `area` is what it may write, `view_area` what it may browse (default: `area`);
        `must_change`: a one-time password, to be replaced at the first login."""
        self._authorise("admin", by)
        with self.transaction() as conn:
            _insert_account(
                conn,
                name,
                password_hash,
                role,
                by=by,
                area=area,
                view_area=view_area,
                must_change=must_change,
            )

    def add_accounts(self, accounts: list[tuple[str, str, str, str]], *, by: str) -> None:
        """Create accounts (name, password hash, role, area) in one transaction, each with a
        one-time password and its audit event: all of them, or none (StoreError) when a name
        is taken meanwhile."""
        self._authorise("admin", by)
        with self.transaction() as conn:
            for name, password_hash, role, area in accounts:
                _insert_account(
                    conn,
                    name,
                    password_hash,
                    role,
                    by=by,
                    area=area,
                    must_change=True,
                    how="批量新建",
                )

    def set_password(
        self, name: str, password_hash: str, *, by: str, one_time: bool = False
    ) -> None:
        """Replace an account's password hash: its sessions end and its login pauses lift.
        `one_time`: the account must choose its own password at its next login."""
        self._authorise("admin", by)
        with self.transaction() as conn:
            self._update_account(
                conn,
                name,
                password_hash=password_hash,
                credential_version=users.c.credential_version + 1,
                must_change=one_time,
            )
            key = conn.execute(sa.select(users.c.name_key).where(users.c.name == name)).scalar()
            conn.execute(login_throttle.delete().where(login_throttle.c.name == key))
            _end_sessions(conn, name, "password")
            _log(conn, by, "user_passwd", None, name)

    def change_own_password(self, name: str, password_hash: str, *, keep: str) -> None:
        """The account `name` chose a new password: its other sessions end; the session whose
        token digest is `keep` (the one it changed it in) goes on under the new password."""
        self._authorise("viewer", name)
        with self.transaction() as conn:
            self._update_account(
                conn,
                name,
                password_hash=password_hash,
                must_change=False,
                credential_version=users.c.credential_version + 1,
            )
            version = conn.execute(
                sa.select(users.c.credential_version).where(users.c.name == name)
            ).scalar_one()
            kept = sessions.c.token_hash == keep
            _end_sessions(conn, name, "password", ~kept)
            conn.execute(sessions.update().where(kept).values(credential_version=version))
            _log(conn, name, "user_passwd", None, f"{name}（本人修改）")

    def set_disabled(self, name: str, disabled: bool, *, by: str) -> None:
        """Disable an account (it can no longer log in, its sessions end) or enable it again."""
        self._authorise("admin", by)
        with self.transaction() as conn:
            self._update_account(conn, name, disabled=disabled)
            if disabled:
                _end_sessions(conn, name, "disabled")
            _log(conn, by, "user_disable" if disabled else "user_enable", None, name)

    def set_scope(self, name: str, *, area: str, view_area: str, by: str) -> None:
        """Set the area an account may write and the one it may browse (可查看范围)."""
        self._authorise("admin", by)
        with self.transaction() as conn:
            before = conn.execute(
                sa.select(users.c.area, users.c.view_area).where(users.c.name == name)
            ).first()
            self._update_account(conn, name, area=area, view_area=view_area)
            old = f"{before.area or '全部'} / {before.view_area or '全部'}" if before else ""
            _log(
                conn,
                by,
                "user_scope",
                None,
                f"{name}：可改动 {area or '全部'}，可查看 {view_area or '全部'}（原为 {old}）",
            )

    def set_role(self, name: str, role: str, *, by: str) -> None:
        """Change an account's role."""
        self._authorise("admin", by)
        with self.transaction() as conn:
            self._update_account(conn, name, role=role)
            _log(conn, by, "user_role", None, f"{name}（{role_label(role)}）")

    @staticmethod
    def _update_account(conn: Connection, name: str, **values: object) -> None:
        done = conn.execute(users.update().where(users.c.name == name).values(**values))
        if done.rowcount == 0:
            raise StoreError(f"账号“{name}”不存在，请用 `python -m wuxing users list` 查看已有账号")


def _account(row: sa.Row) -> Account:
    return Account(
        name=row.name,
        role=row.role,
        disabled=bool(row.disabled),
        created_at=cast(datetime, _aware(row.created_at)),  # NOT NULL: stays a datetime
        password_hash=row.password_hash,
        key=row.name_key or account_key(row.name),
        credential_version=int(row.credential_version or 0),
        area=row.area or "",
        view_area=row.view_area or "",
        must_change=bool(row.must_change),
        last_login_at=_aware(row.last_login_at),
    )


def _insert_account(
    conn: Connection,
    name: str,
    password_hash: str,
    role: str,
    *,
    by: str,
    area: str,
    view_area: str | None = None,
    must_change: bool = False,
    how: str = "",
) -> None:
    key = account_key(name)
    taken = conn.execute(
        sa.select(users.c.name).where(sa.or_(users.c.name == name, users.c.name_key == key))
    ).scalar()
    if taken == name:
        raise StoreError(f"账号“{name}”已存在，请换一个名字，或重置它的密码")
    if taken is not None:
        raise StoreError(
            f"账号“{name}”与已有账号“{taken}”只差大小写或全角半角，容易混淆，请换一个名字"
        )
    conn.execute(
        users.insert().values(
            name=name,
            password_hash=password_hash,
            role=role,
            disabled=False,
            created_at=_now(),
            name_key=key,
            credential_version=0,
            area=area,
            view_area=area if view_area is None else view_area,
            must_change=must_change,
        )
    )
    where = f"，范围：{area}" if area else ""
    how = f"，{how}" if how else ""
    _log(conn, by, "user_add", None, f"{name}（{role_label(role)}{where}{how}）")


def _end_sessions(
    conn: Connection, name: str, why: str, also: sa.ColumnElement[bool] | None = None
) -> None:
    """End the open sessions of `name` (those matching `also` too, when given)."""
    where = [sessions.c.user == name, sessions.c.ended_at.is_(None)]
    if also is not None:
        where.append(also)
    conn.execute(sessions.update().where(*where).values(ended_at=_now(), ended_why=why))


def account_named(conn: Connection, name: str) -> Account | None:
    """The account `name` stands for: its own, else the one whose key is `name`'s key (a store
    from before the key rule may hold two such; then only the exact name finds one)."""
    rows = conn.execute(
        sa.select(users).where(sa.or_(users.c.name == name, users.c.name_key == account_key(name)))
    ).all()
    exact = [row for row in rows if row.name == name]
    if exact or len(rows) == 1:
        return _account((exact or rows)[0])
    return None
