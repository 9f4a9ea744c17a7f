"""The database: the only module that writes. Every write is one revision in one transaction.

Nothing is overwritten in place. Each accepted upload adds a revision (its file bytes, sha256,
user, time, summary) and the rows it set; the current value of a cell is the one from the newest
revision that is not rolled back. Every write also appends an event (the audit trail); the newest
event id is the store's `version`, which caches key on, so a rollback on another server is seen too.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from wuxing.auth import require
from wuxing.dataset import KINDS, SCHEMAS, Dataset, conform
from wuxing.errors import PermissionDenied, StoreError

SAMPLE_USER = "示例数据"

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
)

# Per login name, known or not: throttling only real accounts would tell an attacker which exist.
login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
)

_SQL_TYPES = {
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
    cols = [
        sa.Column("revision_id", sa.Integer, sa.ForeignKey("revisions.id"), primary_key=True),
        *(
            sa.Column(name, _SQL_TYPES[dtype], primary_key=name in schema.key)
            for name, dtype in schema.columns.items()
        ),
    ]
    return sa.Table(_TABLE_NAMES[kind], metadata, *cols)


DATA_TABLES: dict[str, sa.Table] = {kind: _data_table(kind) for kind in KINDS}


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


@dataclass(frozen=True)
class Account:
    """One login account as stored (the hash never leaves `wuxing.auth`)."""

    name: str
    role: str
    disabled: bool
    created_at: datetime
    password_hash: str = dataclass_field(default="", repr=False)


@dataclass(frozen=True)
class Actor:
    """Who a bound store writes as: every write it makes is checked against this role."""

    name: str
    role: str | None


def sha256_of(content: bytes) -> str:
    """Hex sha256 of a file's bytes: how a repeated upload is recognised."""
    return hashlib.sha256(content).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


class Store:
    """A connection to the database at `url` (any SQLAlchemy URL; SQLite by default)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)
        #: None for trusted callers (command line, seeding); set on a store bound by `acting_as`.
        self.actor: Actor | None = None

    def acting_as(self, name: str, role: str | None) -> Store:
        """This store (same engine) for one signed-in user: its writes need `role` and `name`."""
        bound = copy.copy(self)
        bound.actor = Actor(name, role)
        return bound

    def _authorise(self, needed: str, user: str) -> None:
        # Defence in depth: the web app only ever holds bound stores, so a page bug that offers
        # a write to the wrong session is still refused here.
        if self.actor is None:
            return
        require(self.actor.role, needed)
        if user != self.actor.name:
            raise PermissionDenied(f"不能以“{user}”的名义操作，当前登录用户是“{self.actor.name}”")

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    def create(self) -> None:
        """Create missing tables (idempotent)."""
        metadata.create_all(self.engine)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()

    # -- reading -----------------------------------------------------------------------------

    def version(self) -> int:
        """Id of the newest event: changes on every write, rollback included."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0)

    def is_empty(self) -> bool:
        """True when no revision was ever stored."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(revisions.c.id).limit(1)).first() is None

    def load(self) -> Dataset:
        """The current data: per key, the row of the newest live revision."""
        with self.engine.connect() as conn:
            version = int(conn.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0)
            frames = {kind: self._current(conn, kind) for kind in KINDS}
            sample_live = conn.execute(
                sa.select(revisions.c.id).where(
                    revisions.c.user == SAMPLE_USER, revisions.c.status == "live"
                )
            ).first()
        return Dataset.of(revision=version, is_sample=sample_live is not None, **frames)

    def _current(self, conn: Connection, kind: str) -> pd.DataFrame:
        table = DATA_TABLES[kind]
        query = (
            sa.select(table)
            .join(revisions, revisions.c.id == table.c.revision_id)
            .where(revisions.c.status == "live")
            .order_by(table.c.revision_id)
        )
        result = conn.execute(query)
        frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        if frame.empty:
            return conform(kind, frame)
        frame = frame.drop_duplicates(list(SCHEMAS[kind].key), keep="last")
        return conform(kind, frame.drop(columns="revision_id"))

    def history(self) -> list[Revision]:
        """All revisions, newest first."""
        cols = [c for c in revisions.c if c.name != "content"]
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(*cols).order_by(revisions.c.id.desc())).all()
        return [_revision(row) for row in rows]

    def revision(self, revision_id: int) -> Revision:
        """One revision (StoreError if it does not exist)."""
        cols = [c for c in revisions.c if c.name != "content"]
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*cols).where(revisions.c.id == revision_id)).first()
        if row is None:
            raise StoreError(f"版本 {revision_id} 不存在，请用“版本记录”查看已有版本号")
        return _revision(row)

    def content(self, revision_id: int) -> bytes:
        """The original bytes of the file a revision stored."""
        self.revision(revision_id)
        with self.engine.connect() as conn:
            return bytes(
                conn.execute(
                    sa.select(revisions.c.content).where(revisions.c.id == revision_id)
                ).scalar_one()
            )

    def rows_of(self, revision_id: int) -> Dataset:
        """The rows one revision set (whether or not they are still current)."""
        with self.engine.connect() as conn:
            frames = {}
            for kind, table in DATA_TABLES.items():
                result = conn.execute(sa.select(table).where(table.c.revision_id == revision_id))
                frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
                frames[kind] = frame.drop(columns="revision_id")
        return Dataset.of(revision=revision_id, **frames)

    def find_live_upload(self, sha256: str) -> int | None:
        """Id of a live revision that stored a file with these bytes, if any."""
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(revisions.c.id).where(
                    revisions.c.sha256 == sha256, revisions.c.status == "live"
                )
            ).scalar()

    def events(self, limit: int = 1000) -> pd.DataFrame:
        """The audit trail, newest first."""
        with self.engine.connect() as conn:
            result = conn.execute(sa.select(events).order_by(events.c.id.desc()).limit(limit))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    # -- writing -----------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction, serialised against other writers (also across processes)."""
        with self.engine.connect() as conn, conn.execution_options(wuxing_write=True).begin():
            if self.dialect == "postgresql":
                # One writer at a time: two uploads touching the same cells must not interleave.
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(580051)"))
            yield conn

    def commit(
        self,
        data: Dataset,
        *,
        content: bytes,
        filename: str,
        user: str,
        summary: dict[str, object] | None = None,
    ) -> int:
        """Store `data` as one new revision; return its id (or the live twin of identical bytes)."""
        self._authorise("editor", user)
        digest = sha256_of(content)
        with self.transaction() as conn:
            twin = conn.execute(
                sa.select(revisions.c.id).where(
                    revisions.c.sha256 == digest, revisions.c.status == "live"
                )
            ).scalar()
            if twin is not None:
                return int(twin)
            counts = data.counts()
            revision_id = conn.execute(
                revisions.insert().values(
                    created_at=_now(),
                    user=user,
                    filename=filename,
                    sha256=digest,
                    size=len(content),
                    summary=json.dumps(summary or {"counts": counts}, ensure_ascii=False),
                    status="live",
                    content=content,
                )
            ).inserted_primary_key[0]
            for kind, frame in data.frames().items():
                if not frame.empty:
                    _insert_rows(conn, DATA_TABLES[kind], frame, revision_id)
            _log(conn, user, "upload", revision_id, f"{filename}（{_count_text(counts)}）")
        return int(revision_id)

    def rollback(self, revision_id: int, user: str) -> None:
        """Undo a revision: its rows stop counting; earlier values show again."""
        self._set_status(revision_id, "rolled_back", user, "rollback")

    def restore(self, revision_id: int, user: str) -> None:
        """Undo a rollback."""
        self._set_status(revision_id, "live", user, "restore")

    def _set_status(self, revision_id: int, status: str, user: str, action: str) -> None:
        self._authorise("editor", user)
        with self.transaction() as conn:
            row = conn.execute(
                sa.select(revisions.c.status, revisions.c.filename).where(
                    revisions.c.id == revision_id
                )
            ).first()
            if row is None:
                raise StoreError(f"版本 {revision_id} 不存在，请用“版本记录”查看已有版本号")
            if row.status == status:
                state = "已撤销" if status == "rolled_back" else "生效中"
                raise StoreError(f"版本 {revision_id} 已经是“{state}”状态，无需重复操作")
            conn.execute(
                revisions.update().where(revisions.c.id == revision_id).values(status=status)
            )
            _log(conn, user, action, revision_id, row.filename)

    def log(self, user: str, action: str, detail: str = "") -> None:
        """Append an event that is not a data change (login, account change …)."""
        with self.transaction() as conn:
            _log(conn, user, action, None, detail)

    # -- accounts (hashing and policy live in wuxing.auth; this only stores) -------------------

    def account(self, name: str) -> Account | None:
        """The account called `name`, if any."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name)).first()
        return None if row is None else _account(row)

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

    def add_account(self, name: str, password_hash: str, role: str, *, by: str) -> None:
        """Create an account (StoreError if the name is taken)."""
        self._authorise("admin", by)
        with self.transaction() as conn:
            if conn.execute(sa.select(users.c.name).where(users.c.name == name)).first():
                raise StoreError(f"账号“{name}”已存在，请换一个名字，或重置它的密码")
            conn.execute(
                users.insert().values(
                    name=name, password_hash=password_hash, role=role, disabled=False,
                    created_at=_now(),
                )
            )  # fmt: skip
            _log(conn, by, "user_add", None, f"{name}（{role}）")

    def set_password(self, name: str, password_hash: str, *, by: str) -> None:
        """Replace an account's password hash (also clears its failed logins)."""
        self._authorise("admin", by)
        with self.transaction() as conn:
            self._update_account(conn, name, password_hash=password_hash)
            conn.execute(login_failures.delete().where(login_failures.c.name == name))
            _log(conn, by, "user_passwd", None, name)

    def set_disabled(self, name: str, disabled: bool, *, by: str) -> None:
        """Disable an account (it can no longer log in) or enable it again."""
        self._authorise("admin", by)
        with self.transaction() as conn:
            self._update_account(conn, name, disabled=disabled)
            _log(conn, by, "user_disable" if disabled else "user_enable", None, name)

    def set_role(self, name: str, role: str, *, by: str) -> None:
        """Change an account's role."""
        self._authorise("admin", by)
        with self.transaction() as conn:
            self._update_account(conn, name, role=role)
            _log(conn, by, "user_role", None, f"{name}（{role}）")

    @staticmethod
    def _update_account(conn: Connection, name: str, **values: object) -> None:
        done = conn.execute(users.update().where(users.c.name == name).values(**values))
        if done.rowcount == 0:
            raise StoreError(f"账号“{name}”不存在，请用 `python -m wuxing users list` 查看已有账号")

    def locked_until(self, name: str) -> datetime | None:
        """Until when logins for `name` are refused after failures (None: not locked)."""
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(login_failures.c.locked_until).where(login_failures.c.name == name)
            ).scalar()
        return _aware(value)

    def login_failed(
        self,
        name: str,
        lock_for: Callable[[int], timedelta],
        detail: str = "",
        *,
        at: datetime | None = None,
    ) -> tuple[int, datetime | None]:
        """Count a failed login for `name`; lock it for `lock_for(failures)` from `at` (now)."""
        with self.transaction() as conn:
            failures = 1 + int(
                conn.execute(
                    sa.select(login_failures.c.failures).where(login_failures.c.name == name)
                ).scalar()
                or 0
            )
            wait = lock_for(failures)
            until = (at or _now()) + wait if wait > timedelta(0) else None
            conn.execute(login_failures.delete().where(login_failures.c.name == name))
            conn.execute(
                login_failures.insert().values(name=name, failures=failures, locked_until=until)
            )
            _log(conn, name, "login_failed", None, detail or f"第 {failures} 次失败")
        return failures, until

    def login_succeeded(self, name: str) -> None:
        """Forget failed logins for `name` and record the login."""
        with self.transaction() as conn:
            conn.execute(login_failures.delete().where(login_failures.c.name == name))
            _log(conn, name, "login", None, "")


def _count_text(counts: dict[str, int]) -> str:
    return "，".join(f"{SCHEMAS[k].label} {n} 行" for k, n in counts.items() if n) or "无数据"


def _log(conn: Connection, user: str, action: str, revision_id: int | None, detail: str) -> None:
    conn.execute(
        events.insert().values(
            at=_now(), user=user, action=action, revision_id=revision_id, detail=detail
        )
    )


def _insert_rows(conn: Connection, table: sa.Table, frame: pd.DataFrame, revision_id: int) -> None:
    """Bulk insert through the driver's executemany (SQLAlchemy's per-row path is too slow)."""
    columns = [c.name for c in table.columns if c.name != "revision_id"]
    body = frame[columns].astype(object).where(frame[columns].notna(), None)
    rows = [(revision_id, *r) for r in body.itertuples(index=False, name=None)]
    placeholders = ", ".join(
        ["?" if conn.dialect.paramstyle == "qmark" else "%s"] * (1 + len(columns))
    )
    quoted = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in ["revision_id", *columns])
    sql = f"INSERT INTO {table.name} ({quoted}) VALUES ({placeholders})"
    cursor = conn.connection.driver_connection.cursor()
    try:
        for start in range(0, len(rows), 50_000):
            cursor.executemany(sql, rows[start : start + 50_000])
    finally:
        cursor.close()


def _account(row: sa.Row) -> Account:
    return Account(
        name=row.name,
        role=row.role,
        disabled=bool(row.disabled),
        created_at=_aware(row.created_at),
        password_hash=row.password_hash,
    )


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every time we store is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


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


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        # pysqlite's own transaction handling would defer BEGIN; we issue it ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
        cursor.execute("PRAGMA busy_timeout=30000")  # a second writer waits instead of failing
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the lock at BEGIN (IMMEDIATE), so two importers queue instead of
        # deadlocking on lock upgrade; readers begin deferred and never wait under WAL.
        if conn.get_execution_options().get("wuxing_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def open_store(url: str) -> Store:
    """Connect to the store at `url` and create its tables if missing."""
    store = Store(url)
    store.create()
    return store
