"""The database: the only module that writes. Every write is one revision in one transaction.

Nothing is overwritten in place. Each accepted upload adds a revision (its file bytes, sha256,
user, time, summary) and the rows it set; the current value of a cell is the one from the newest
revision that is not rolled back. Every write also appends an event (the audit trail); the newest
event id is the store's `version`, which caches key on, so a rollback on another server is seen too.

At province scale (11 M values) deduplicating every live revision on each load is far too slow, so
each data change also stores, in the same transaction, a Parquet snapshot of the current rows per
kind (`snapshots`, keyed by the data version: the id of the newest upload/rollback/restore event).
A commit overlays the previous snapshot with the new rows; a rollback or restore patches only the
keys its revision set. `load` reads the snapshot (about a second at 11 M values) and rebuilds it from
the revisions when it is missing (a store written before snapshots existed).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import json
import math
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, datetime, timedelta
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from wuxing.auth import require
from wuxing.dataset import KINDS, SCHEMAS, Dataset, conform, empty_frame
from wuxing.errors import ConflictError, PermissionDenied, StoreError

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

# The current data of one data version, one Parquet file per kind (with each row's revision_id, so a
# rollback or restore can patch the snapshot instead of rebuilding it).
snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(20), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

# Per revision, how many rows it set per village and kind (what a village's profile lists), kept
# because counting an 11 M-row revision again on every server start would take seconds.
revision_touches = sa.Table(
    "revision_touches",
    metadata,
    sa.Column("revision_id", sa.Integer, sa.ForeignKey("revisions.id"), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

# The kinds `load_for_import` reads: what resolving village names and the award check need.
_FOR_IMPORT = ("villages", "awards")

#: Events that change the data (and so the snapshot); logins and account changes do not.
DATA_ACTIONS = ("upload", "rollback", "restore")

# Columns of the big kinds held as pandas categoricals: 11 M village codes and indicator ids take
# 100 MB this way instead of 500 MB as strings. Quarters stay strings: pages compare them with
# `<=`, which unordered categoricals refuse.
CATEGORICAL: dict[str, tuple[str, ...]] = {
    "values": ("code", "indicator"),
    "scores": ("code", "star"),
}

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
    # WITHOUT ROWID on SQLite: the rows live in the primary-key B-tree itself instead of in a rowid
    # table plus a separate key index, so an upload writes half the pages (11 M values: 2× less).
    return sa.Table(_TABLE_NAMES[kind], metadata, *cols, sqlite_with_rowid=False)


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

    def data_version(self) -> int:
        """Id of the newest event that changed the data: what the dataset cache keys on."""
        with self.engine.connect() as conn:
            return _data_version(conn)

    def load(self) -> Dataset:
        """The current data: per key, the row of the newest live revision (from the snapshot)."""
        with self._reading() as conn:
            version = int(conn.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0)
            data_version = _data_version(conn)
            frames = _read_snapshot(conn, data_version)
            if frames is None:
                frames = {kind: _current(conn, kind) for kind in KINDS}
                built = True
            else:
                built = False
            sample_live = conn.execute(
                sa.select(revisions.c.id).where(
                    revisions.c.user == SAMPLE_USER, revisions.c.status == "live"
                )
            ).first()
        if built and data_version:
            self._save_snapshot(data_version, frames)
        return Dataset(
            revision=version,
            is_sample=sample_live is not None,
            **{kind: frame.drop(columns="revision_id") for kind, frame in frames.items()},
        )

    def load_for_import(self) -> Dataset:
        """What checking an upload needs up front: villages and awards, the version and the sample
        flag. Values, scores, targets and pairs stay empty: `values_in` reads just the quarters a
        check compares with, so checking one quarter does not decode a province's every value."""
        with self._reading() as conn:
            version = int(conn.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0)
            if version == 0:  # not a single event yet: nothing stored, nothing more to ask
                return Dataset()
            frames = _read_snapshot(conn, _data_version(conn), _FOR_IMPORT)
            sample_live = conn.execute(
                sa.select(revisions.c.id).where(
                    revisions.c.user == SAMPLE_USER, revisions.c.status == "live"
                )
            ).first()
        if frames is None:  # no snapshot yet: the full load rebuilds (and stores) it
            full = self.load()
            return Dataset(
                revision=full.revision,
                is_sample=full.is_sample,
                **{kind: full.frame(kind) for kind in _FOR_IMPORT},
            )
        return Dataset(
            revision=version,
            is_sample=sample_live is not None,
            **{kind: frame.drop(columns="revision_id") for kind, frame in frames.items()},
        )

    def values_in(self, periods: Iterable[str], indicators: Iterable[str]) -> pd.DataFrame:
        """The current values of these quarters and indicators (the columns of `load().values`)."""
        periods, indicators = sorted(set(periods)), sorted(set(indicators))
        with self._reading() as conn:
            data_version = _data_version(conn)
            data = conn.execute(
                sa.select(snapshots.c.data).where(
                    snapshots.c.version == data_version, snapshots.c.kind == "values"
                )
            ).scalar()
        if data_version == 0 or not periods or not indicators:
            return _empty_snapshot("values").drop(columns="revision_id")
        if data is None:  # no snapshot yet: the full load rebuilds (and stores) it
            values = self.load().values
        else:
            wanted = [("period", "in", periods), ("indicator", "in", indicators)]
            read = pd.read_parquet(io.BytesIO(bytes(data)), filters=wanted)
            values = _as_stored("values", read).drop(columns="revision_id")
        chosen = values["period"].isin(periods) & values["indicator"].isin(indicators)
        return values[chosen].reset_index(drop=True)

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        # One consistent view for the version and the rows (PostgreSQL's default would let a
        # commit land between the two statements; SQLite's WAL read transaction already is one).
        with self.engine.connect() as conn:
            if self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    def _save_snapshot(self, data_version: int, frames: dict[str, pd.DataFrame]) -> None:
        """Store a snapshot rebuilt by a reader, unless a writer moved on meanwhile."""
        with self.transaction() as conn:
            if _data_version(conn) != data_version or _has_snapshot(conn, data_version):
                return
            _write_snapshot(conn, data_version, frames)

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

    def touches(self) -> pd.DataFrame:
        """Per revision, village and kind, how many rows the revision set (rolled back or not).

        Columns: revision, code, kind, rows. Counted once per revision at commit time.
        """
        with self.engine.connect() as conn:
            stored = {
                row.revision_id: row.data for row in conn.execute(sa.select(revision_touches))
            }
            missing = (
                conn.execute(
                    sa.select(revisions.c.id).where(revisions.c.id.not_in(list(stored) or [0]))
                )
                .scalars()
                .all()
            )
            counted = {rid: _touch_counts(self._counts_of(conn, rid)) for rid in missing}
        if counted:
            with self.transaction() as conn:
                for rid, frame in counted.items():
                    if (
                        conn.execute(
                            sa.select(revision_touches.c.revision_id).where(
                                revision_touches.c.revision_id == rid
                            )
                        ).first()
                        is None
                    ):
                        conn.execute(
                            revision_touches.insert().values(revision_id=rid, data=_parquet(frame))
                        )
        frames = [
            pd.read_parquet(io.BytesIO(bytes(data))).assign(revision=rid)
            for rid, data in stored.items()
        ]
        frames += [frame.assign(revision=rid) for rid, frame in counted.items()]
        columns = ["revision", "code", "kind", "rows"]
        if not frames:
            return pd.DataFrame(columns=columns)
        return pd.concat(frames, ignore_index=True)[columns]

    @staticmethod
    def _counts_of(conn: Connection, revision_id: int) -> dict[str, pd.DataFrame]:
        """One revision's village columns per kind (for counting a revision stored before counts)."""
        out = {}
        for kind, table in DATA_TABLES.items():
            columns = ["mentor", "mentee"] if kind == "pairs" else ["code"]
            query = sa.select(*(table.c[c] for c in columns)).where(
                table.c.revision_id == revision_id
            )
            out[kind] = _frame(conn.execute(query))
        return out

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
        base_version: int | None = None,
    ) -> int:
        """Store `data` as one new revision; return its id (or the live twin of identical bytes).

        `base_version` is the store version the upload was checked against (its preview): when a
        data change stored since then set any of the same cells, ConflictError is raised and
        nothing is written, so the later of two concurrent uploads never silently overwrites.
        """
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
            if base_version is not None:
                _refuse_conflicts(conn, data, base_version)
            previous = _data_version(conn)
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
            conn.execute(
                revision_touches.insert().values(
                    revision_id=revision_id, data=_parquet(_touch_counts(data.frames()))
                )
            )
            event = _log(conn, user, "upload", revision_id, f"{filename}（{_count_text(counts)}）")
            touched = [kind for kind, frame in data.frames().items() if not frame.empty]
            _advance_snapshot(conn, previous, event, _overlay_commit(data, revision_id), touched)
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
            previous = _data_version(conn)
            conn.execute(
                revisions.update().where(revisions.c.id == revision_id).values(status=status)
            )
            event = _log(conn, user, action, revision_id, row.filename)
            patch = _patch_rollback if action == "rollback" else _patch_restore
            _advance_snapshot(
                conn,
                previous,
                event,
                lambda kind, snap: patch(conn, kind, snap, revision_id),
                _kinds_of(conn, revision_id),
            )

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


def _log(conn: Connection, user: str, action: str, revision_id: int | None, detail: str) -> int:
    return conn.execute(
        events.insert().values(
            at=_now(), user=user, action=action, revision_id=revision_id, detail=detail
        )
    ).inserted_primary_key[0]


# -- snapshots -------------------------------------------------------------------------------------


def _touch_counts(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows per village and kind of one revision (pairs count for both villages)."""
    parts = []
    for kind, frame in frames.items():
        if frame.empty:
            continue
        if kind == "pairs":
            codes = pd.concat([frame["mentor"], frame["mentee"]], ignore_index=True)
        else:
            codes = frame["code"]
        counts = codes.astype(str).value_counts()
        parts.append(pd.DataFrame({"code": counts.index.astype(str), "kind": kind,
                                   "rows": counts.to_numpy(dtype="int64")}))  # fmt: skip
    if not parts:
        return pd.DataFrame({"code": pd.Series(dtype=str), "kind": pd.Series(dtype=str),
                             "rows": pd.Series(dtype="int64")})  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def _parquet(frame: pd.DataFrame) -> bytes:
    # The bytes pandas' to_parquet writes, through pyarrow directly: below ~100k rows arrow's
    # conversion threads cost more to start than they save (a third of each small blob's time).
    threads = 1 if len(frame) < 100_000 else None
    table = pa.Table.from_pandas(
        frame.reset_index(drop=True), preserve_index=False, nthreads=threads
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def _data_version(conn: Connection) -> int:
    query = sa.select(sa.func.max(events.c.id)).where(events.c.action.in_(DATA_ACTIONS))
    return int(conn.execute(query).scalar() or 0)


def _has_snapshot(conn: Connection, version: int) -> bool:
    query = sa.select(snapshots.c.kind).where(snapshots.c.version == version).limit(1)
    return conn.execute(query).first() is not None


def _read_snapshot(
    conn: Connection, version: int, kinds: Iterable[str] = KINDS
) -> dict[str, pd.DataFrame] | None:
    """The snapshot of `version` for `kinds` (with revision_id), or None when there is none."""
    kinds = list(kinds)
    if version == 0:
        return {kind: _empty_snapshot(kind).copy() for kind in kinds}
    rows = conn.execute(
        sa.select(snapshots.c.kind, snapshots.c.data).where(
            snapshots.c.version == version, snapshots.c.kind.in_(kinds)
        )
    ).all()
    found = {row.kind: bytes(row.data) for row in rows}
    if set(found) != set(kinds):
        return None
    return {kind: _as_stored(kind, pd.read_parquet(io.BytesIO(found[kind]))) for kind in kinds}


def _snapshot_complete(conn: Connection, version: int) -> bool:
    """True when `version` has a snapshot of every kind (version 0, no data, always has)."""
    if version == 0:
        return True
    query = sa.select(snapshots.c.kind).where(snapshots.c.version == version)
    return set(conn.execute(query).scalars()) == set(KINDS)


@functools.cache
def _empty_snapshot(kind: str) -> pd.DataFrame:
    # Built once: an empty store is loaded before every first import.
    return _categorised(kind, _with_revision(empty_frame(kind)))


@functools.cache
def _empty_parquet(kind: str) -> bytes:
    return _parquet(_empty_snapshot(kind))


def _as_stored(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A snapshot frame in today's dtypes (one written by an older version may differ)."""
    for column, dtype in SCHEMAS[kind].columns.items():
        is_categorical = isinstance(frame[column].dtype, pd.CategoricalDtype)
        if is_categorical and column not in CATEGORICAL.get(kind, ()):
            frame[column] = frame[column].astype(dtype)
    return _categorised(kind, frame)


def _snapshot_bytes(kind: str, frame: pd.DataFrame) -> bytes:
    return _empty_parquet(kind) if frame.empty else _parquet(frame)


def _write_snapshot(conn: Connection, version: int, frames: dict[str, pd.DataFrame]) -> None:
    # Only the newest snapshot is kept: readers of an older version rebuild nothing, they simply
    # read the newer one on their next load (their cache key changes with the version).
    conn.execute(snapshots.delete().where(snapshots.c.version != version))
    for kind, frame in frames.items():
        conn.execute(
            snapshots.insert().values(version=version, kind=kind, data=_snapshot_bytes(kind, frame))
        )


def _advance_snapshot(
    conn: Connection,
    previous: int,
    version: int,
    change: Callable[[str, pd.DataFrame], pd.DataFrame],
    touched: Iterable[str],
) -> None:
    """Snapshot of `version` = the one of `previous` with `change` applied to the `touched` kinds.

    The other kinds keep the previous snapshot's bytes, copied inside the database: a quarter's
    values need not decode and re-encode a province's villages, scores and awards. Without a
    complete previous snapshot nothing is written: the next `load` rebuilds from the revisions.
    """
    if not _snapshot_complete(conn, previous):
        return
    touched = [kind for kind in KINDS if kind in set(touched)]
    frames = _read_snapshot(conn, previous, touched)
    assert frames is not None  # complete, checked above, in this same transaction
    kept = [kind for kind in KINDS if kind not in frames]
    if previous == 0:
        empty = [{"version": version, "kind": kind, "data": _empty_parquet(kind)} for kind in kept]
        if empty:
            conn.execute(snapshots.insert(), empty)
    elif kept:
        copied = sa.select(sa.literal(version), snapshots.c.kind, snapshots.c.data).where(
            snapshots.c.version == previous, snapshots.c.kind.in_(kept)
        )
        conn.execute(snapshots.insert().from_select(["version", "kind", "data"], copied))
    for kind, frame in frames.items():
        new = change(kind, frame)
        conn.execute(
            snapshots.insert().values(version=version, kind=kind, data=_snapshot_bytes(kind, new))
        )
    conn.execute(snapshots.delete().where(snapshots.c.version != version))


def _overlay_commit(data: Dataset, revision_id: int) -> Callable[[str, pd.DataFrame], pd.DataFrame]:
    def change(kind: str, snap: pd.DataFrame) -> pd.DataFrame:
        rows = data.frame(kind)
        if rows.empty:
            return snap
        rows = _categorised(kind, rows.assign(revision_id=revision_id))
        return _overlay(kind, snap, rows)

    return change


def _kinds_of(conn: Connection, revision_id: int) -> list[str]:
    """The kinds a revision set rows of (only those can change when it is rolled back or restored)."""
    return [
        kind
        for kind, table in DATA_TABLES.items()
        if conn.execute(
            sa.select(table.c.revision_id).where(table.c.revision_id == revision_id).limit(1)
        ).first()
        is not None
    ]


def _patch_rollback(
    conn: Connection, kind: str, snap: pd.DataFrame, revision_id: int
) -> pd.DataFrame:
    """Keys whose current row came from the rolled-back revision fall back to the newest live row."""
    gone = snap["revision_id"] == revision_id
    if not gone.any():
        return snap
    table = DATA_TABLES[kind]
    key = list(SCHEMAS[kind].key)
    mine = table.alias("mine")
    # Only rows of live revisions sharing a key with the rolled-back one: a small set unless the
    # revision was a whole province, and then it is the same size as a rebuild.
    query = (
        sa.select(table)
        .join(revisions, revisions.c.id == table.c.revision_id)
        .join(
            mine,
            sa.and_(mine.c.revision_id == revision_id, *(mine.c[k] == table.c[k] for k in key)),
        )
        .where(revisions.c.status == "live", table.c.revision_id != revision_id)
        .order_by(table.c.revision_id)
    )
    fallback = _frame(conn.execute(query))
    kept = snap[~gone]
    if fallback.empty:
        return kept.reset_index(drop=True)
    fallback = fallback.drop_duplicates(key, keep="last")
    fallback = _categorised(
        kind, conform(kind, fallback).assign(revision_id=fallback["revision_id"].to_numpy())
    )
    return _overlay(kind, kept, fallback)


def _patch_restore(
    conn: Connection, kind: str, snap: pd.DataFrame, revision_id: int
) -> pd.DataFrame:
    """The restored revision's rows win wherever the current row is older (or missing)."""
    table = DATA_TABLES[kind]
    rows = _frame(conn.execute(sa.select(table).where(table.c.revision_id == revision_id)))
    if rows.empty:
        return snap
    rows = _categorised(kind, conform(kind, rows).assign(revision_id=revision_id))
    key = list(SCHEMAS[kind].key)
    current = _key_index(snap, key)
    newer = pd.Series(snap["revision_id"].to_numpy(), index=current)
    found = newer.reindex(_key_index(rows, key)).to_numpy()
    wins = pd.isna(found) | (pd.Series(found).fillna(0).to_numpy() < revision_id)
    return _overlay(kind, snap, rows[wins])


def _key_index(frame: pd.DataFrame, key: list[str]) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([frame[k].astype(object).to_numpy() for k in key])


def _overlay(kind: str, snap: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """`snap` with the rows of `rows` replacing those of the same key, new keys appended."""
    if rows.empty:
        return snap
    if snap.empty:
        return rows.reset_index(drop=True)
    key = list(SCHEMAS[kind].key)
    # Narrow column by column (cheap: each compares distinct values only). A new quarter's upload
    # shares no quarter with the snapshot, so nothing is left to compare row by row.
    near = np.ones(len(snap), dtype=bool)
    for column in key:
        near &= _positions(snap[column], _distinct(rows[column])) >= 0
        if not near.any():
            return _concat(kind, [snap, rows])
    candidates = snap[near]
    references = [_distinct(rows[column]) for column in key]
    if math.prod(len(r) for r in references) < 2**62:
        numbers = _key_numbers(candidates, key, references)
        replaced = (numbers >= 0) & pd.Series(numbers).isin(_key_numbers(rows, key, references))
        replaced = replaced.to_numpy()
    else:  # too many distinct keys to number in 64 bits: compare tuples
        replaced = _key_index(candidates, key).isin(_key_index(rows, key))
    snap = snap.drop(index=candidates.index[replaced])
    return _concat(kind, [snap, rows])


def _distinct(values: pd.Series) -> pd.Index:
    """The distinct values of a column as a plain index (categories resolved to their values)."""
    return pd.Index(np.asarray(pd.unique(values), dtype=object))


def _positions(values: pd.Series, reference: pd.Index) -> np.ndarray:
    """Where each value sits in `reference` (-1 if absent), looked up once per distinct value."""
    codes, uniques = pd.factorize(values)
    where = reference.get_indexer(pd.Index(np.asarray(uniques, dtype=object)))
    out = where[codes] if len(where) else np.full(len(codes), -1)
    out[codes < 0] = -1
    return out


def _key_numbers(frame: pd.DataFrame, key: list[str], references: list[pd.Index]) -> np.ndarray:
    """One integer per row of `frame` for its key, numbered by the distinct values of each key
    column in `references` (-1 when a value is not there): comparing these instead of tuples of
    Python objects is what keeps a re-upload of a province's quarter fast."""
    number = np.zeros(len(frame), dtype=np.int64)
    missing = np.zeros(len(frame), dtype=bool)
    for column, reference in zip(key, references, strict=True):
        position = _positions(frame[column], reference)
        missing |= position < 0
        number = number * len(reference) + position
    number[missing] = -1
    return number


def _concat(kind: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate keeping categoricals (with the union of categories, sorted)."""
    for column in CATEGORICAL.get(kind, ()):
        union = sorted(set().union(*(f[column].cat.categories for f in frames)))
        frames = [f.assign(**{column: f[column].cat.set_categories(union)}) for f in frames]
    return pd.concat(frames, ignore_index=True)


def _with_revision(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(revision_id=pd.Series(0, index=frame.index, dtype="int64"))


def _categorised(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    changes: dict[str, object] = {}
    for column in CATEGORICAL.get(kind, ()):
        if not isinstance(frame[column].dtype, pd.CategoricalDtype):
            # Sorted categories, as `_concat` keeps them. From the codes of one factorize pass:
            # 6× faster at 1.3 M rows than mapping the values onto a sorted list of categories.
            codes, categories = pd.factorize(frame[column], sort=True)
            changes[column] = pd.Categorical.from_codes(codes, categories=pd.Index(categories))
    if frame["revision_id"].dtype != "int64":
        changes["revision_id"] = frame["revision_id"].astype("int64")
    return frame.assign(**changes) if changes else frame


def _frame(result: sa.CursorResult) -> pd.DataFrame:
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _current(conn: Connection, kind: str) -> pd.DataFrame:
    """The current rows of one kind rebuilt from every live revision (with revision_id)."""
    table = DATA_TABLES[kind]
    query = (
        sa.select(table)
        .join(revisions, revisions.c.id == table.c.revision_id)
        .where(revisions.c.status == "live")
        .order_by(table.c.revision_id)
    )
    result = conn.execution_options(stream_results=True, yield_per=200_000).execute(query)
    columns = list(result.keys())
    # Chunks conformed (and categorised) one by one: 11 M rows as Python tuples would not fit.
    parts = [
        _categorised(kind, conform(kind, frame).assign(revision_id=frame["revision_id"].to_numpy()))
        for chunk in result.partitions()
        if not (frame := pd.DataFrame(chunk, columns=columns)).empty
    ]
    if not parts:
        return _categorised(kind, _with_revision(empty_frame(kind)))
    frame = _concat(kind, parts)
    return frame.drop_duplicates(list(SCHEMAS[kind].key), keep="last").reset_index(drop=True)


def _refuse_conflicts(conn: Connection, data: Dataset, base_version: int) -> None:
    """ConflictError when a data change after `base_version` set a cell that `data` sets to
    something else (the same value twice, e.g. a roster both files carry, is no conflict)."""
    changed = conn.execute(
        sa.select(events.c.revision_id, events.c.user, events.c.at, revisions.c.filename)
        .join(revisions, revisions.c.id == events.c.revision_id)
        .where(events.c.id > base_version, events.c.action.in_(DATA_ACTIONS))
        .order_by(events.c.id)
    ).all()
    for change in changed:
        for kind, frame in data.frames().items():
            if frame.empty:
                continue
            table = DATA_TABLES[kind]
            query = sa.select(table).where(table.c.revision_id == change.revision_id)
            theirs = _frame(conn.execute(query))
            if theirs.empty:
                continue
            key = list(SCHEMAS[kind].key)
            both = frame.merge(conform(kind, theirs), on=key, suffixes=("", "_theirs"))
            differs = pd.Series(False, index=both.index)
            for column in frame.columns.difference(key):
                mine, other = both[column], both[f"{column}_theirs"]
                differs |= (mine != other).fillna(True) & ~(mine.isna() & other.isna())
            if differs.any():
                first = both[differs].iloc[0]
                example = " ".join(str(first[k]) for k in key)
                raise ConflictError(
                    f"未导入：在您预览之后，{change.user} 于 {_aware(change.at):%Y-%m-%d %H:%M} "
                    f"导入（或撤销、恢复）的“{change.filename}”改动了相同的 {int(differs.sum())} 项"
                    f"{SCHEMAS[kind].label}数据（如 {example}），且与本文件的值不同。为避免覆盖对方的"
                    "修改，请重新上传本文件，核对新的变更预览后再导入。"
                )


def _insert_rows(conn: Connection, table: sa.Table, frame: pd.DataFrame, revision_id: int) -> None:
    """Bulk insert: COPY on PostgreSQL, the driver's executemany on SQLite (SQLAlchemy's per-row
    path is far too slow for 11 M values)."""
    columns = [c.name for c in table.columns if c.name != "revision_id"]
    # In primary-key order the key index only ever appends (3× faster at 11 M rows on SQLite).
    # The importer hands over frames already in that order: checking is 4× cheaper than sorting.
    key = [c.name for c in table.primary_key if c.name != "revision_id"]
    if not _in_key_order(frame, key):
        frame = frame.sort_values(key)
    quoted = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in ["revision_id", *columns])
    cursor = conn.connection.driver_connection.cursor()
    try:
        for start in range(0, len(frame), 200_000):
            part = frame.iloc[start : start + 200_000]
            values = [_db_values(part[c]) for c in columns]
            if conn.dialect.name == "postgresql":
                with cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
                    for row in zip(repeat(revision_id), *values):
                        copy.write_row(row)
            else:
                _insert_sqlite(cursor, f"INSERT INTO {table.name} ({quoted}) VALUES ", values,
                               revision_id)  # fmt: skip
    finally:
        cursor.close()


# Rows per INSERT statement on SQLite: one statement per row spends more time in the driver's
# per-statement work than in SQLite itself; a few hundred rows per statement halves the insert.
_ROWS_PER_INSERT = 500


def _insert_sqlite(
    cursor: sqlite3.Cursor, head: str, values: list[list[object]], revision_id: int
) -> None:
    """Insert the rows given column by column, many rows per statement."""
    width, count = len(values), len(values[0])
    limit = cursor.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per_statement = max(1, min(_ROWS_PER_INSERT, limit // width))
    # Row-major parameters, interleaved by slice assignment (C speed, no tuple per row).
    flat: list[object] = [None] * (count * width)
    for position, column in enumerate(values):
        flat[position::width] = column
    # The revision id is written into the statement (an int from the database, never user
    # text): one parameter less to bind per row.
    group = "(" + ", ".join([str(int(revision_id)), *(["?"] * width)]) + ")"
    full = count // per_statement * per_statement
    step = per_statement * width
    if full:
        sql = head + ", ".join([group] * per_statement)
        cursor.executemany(sql, (flat[i : i + step] for i in range(0, full * width, step)))
    if full < count:
        cursor.execute(head + ", ".join([group] * (count - full)), flat[full * width :])


def _in_key_order(frame: pd.DataFrame, key: list[str]) -> bool:
    """True when the rows ascend strictly by `key` (compared as the database does: by code point)."""
    if len(frame) < 2:
        return True
    undecided = None  # where row i+1 equals row i on the key columns so far
    for column in key:
        try:
            values = _arrow(frame[column])
        except (pa.ArrowException, TypeError):  # a column arrow cannot take: just sort
            return False
        after, before = values.slice(1), values.slice(0, len(values) - 1)
        less = pc.less(after, before)
        if undecided is not None:
            less = pc.and_(undecided, less)
        if pc.any(less).as_py():
            return False
        equal = pc.equal(after, before)
        undecided = equal if undecided is None else pc.and_(undecided, equal)
        if not pc.any(undecided).as_py():
            return True
    return False  # repeated keys: let sort_values order them (the insert then refuses them)


def _arrow(series: pd.Series) -> pa.Array:
    """A column as one arrow array (a frame built by concat holds several chunks)."""
    values = pa.array(series)
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _db_values(series: pd.Series) -> list[object]:
    """A column as plain Python values with None for missing (column-wise: ~1 s less at 1.3 M rows
    than converting the frame to objects and iterating its rows)."""
    if isinstance(series.dtype, pd.StringDtype) and not series.hasnans:
        # Each distinct text made a Python string once and repeated: quarters and indicator ids
        # repeat a million times at a province's size (3× faster than one string per cell).
        encoded = _arrow(series).dictionary_encode()
        words = encoded.dictionary.to_pylist()
        return list(map(words.__getitem__, encoded.indices.to_numpy().tolist()))
    values = series.tolist()
    if not series.hasnans:
        return values
    missing = series.isna().to_numpy()
    return [None if gap else v for v, gap in zip(values, missing, strict=True)]


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
        # Under WAL, NORMAL never corrupts the database; a power cut (not a crash of the app) may
        # lose the last commits before a checkpoint. It spares an fsync of the log per commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
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
