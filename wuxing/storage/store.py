"""The database: the only module that writes. Every write is one revision in one transaction.

Nothing is overwritten in place. Each accepted upload adds a revision (its file bytes, sha256,
user, time, summary) and the rows it set; the current value of a cell is the one from the newest
revision that is not rolled back. Every write also appends an event (the audit trail); the newest
event id is the store's `version`, which caches key on, so a rollback on another server is seen too.

`load` reads the current data from the snapshot (`wuxing.storage.snapshot`, about a second at 11 M values)
and rebuilds it from the revisions when it is missing (a store written before snapshots existed).
The tables are in `wuxing.storage.schema`, the bulk insert in `wuxing.storage.bulk_insert`;
accounts and login throttling in `wuxing.storage.accounts`, signed-in sessions in
`wuxing.storage.sessions` (both mixed into `Store`).

A store bound to a signed-in account (`acting_as`) checks every write against its role and its
scope (`wuxing.scopes`): an upload or a rollback touching a village outside is refused, naming it.
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from wuxing import formatting, scopes
from wuxing.access.roles import require
from wuxing.dataset import KINDS, SCHEMAS, Dataset, conform
from wuxing.errors import ConflictError, PermissionDenied, StoreError
from wuxing.storage import bulk_insert, connection, snapshot
from wuxing.storage.accounts import (  # noqa: F401 — callers know them as store.*
    PAUSE_USER,
    Account,
    AccountStore,
    LoginTry,
    needs_upgrade,
    upgrade,
)
from wuxing.storage.events import log_event, sha256_of
from wuxing.storage.events import now as _now
from wuxing.storage.schema import (
    DATA_TABLES,
    events,
    frame_of,
    metadata,
    revision_touches,
    revisions,
)
from wuxing.storage.sessions import SessionStore

SAMPLE_USER = "示例数据"

# The kinds `load_for_import` reads: what resolving village names and the award check need.
_FOR_IMPORT = ("villages", "awards")

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


@dataclass(frozen=True)
class Actor:
    """Who a bound store writes as: every write it makes is checked against this role."""

    name: str
    role: str | None
    #: The area its writes must stay in ("" everything; see `wuxing.scopes`).
    area: str = scopes.EVERYTHING


class Store(AccountStore, SessionStore):
    """A connection to the database at `url` (any SQLAlchemy URL; SQLite by default)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)
        #: None for trusted callers (command line, seeding); set on a store bound by `acting_as`.
        self.actor: Actor | None = None

    def acting_as(self, name: str, role: str | None, area: str = scopes.EVERYTHING) -> Store:
        """This store (same engine) for one signed-in user: its writes need `role` and `name`,
        and may touch only villages in `area`."""
        bound = copy.copy(self)
        bound.actor = Actor(name, role, area)
        return bound

    def _authorise_villages(
        self, conn: Connection, frames: dict[str, pd.DataFrame], *, rollback: bool = False
    ) -> None:
        """PermissionDenied naming the villages whose rows `frames` set outside the actor's
        area (their places from the roster rows among `frames`, else the current villages).
        Roster rows equal to today's change nothing when stored (not so when rolled back)."""
        if self.actor is None or not scopes.area_parts(self.actor.area):
            return
        current = snapshot.read(conn, _data_version(conn), ("villages",), revision=False)
        known = current["villages"] if current is not None else self._current_villages(conn)
        own = frames.get("villages", known.iloc[:0])
        villages = pd.concat([own, known], ignore_index=True).drop_duplicates("code")
        codes = scopes.codes_of(frames, None if rollback else known)
        outside = scopes.villages_outside(self.actor.area, codes, villages)
        if outside:
            raise PermissionDenied(scopes.refusal(self.actor.area, outside))

    @staticmethod
    def _rows_of(conn: Connection, revision_id: int) -> dict[str, pd.DataFrame]:
        """The rows one revision set, per kind (without revision_id)."""
        return {
            kind: frame_of(
                conn.execute(sa.select(table).where(table.c.revision_id == revision_id))
            ).drop(columns="revision_id")
            for kind, table in DATA_TABLES.items()
        }

    @staticmethod
    def _current_villages(conn: Connection) -> pd.DataFrame:
        return snapshot.rebuild(conn, "villages").drop(columns="revision_id")

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
        """Create missing tables and add what older stores lack (idempotent, keeps the data)."""
        metadata.create_all(self.engine)
        with self.engine.connect() as conn:
            if not needs_upgrade(conn):
                return
        with self.transaction() as conn:  # again inside: another process may have upgraded
            if needs_upgrade(conn):
                upgrade(conn)

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
            # Without revision_id: a dataset does not show it (a province's values: 85 MB less).
            frames = snapshot.read(conn, data_version, revision=False)
            if frames is None:
                frames = {kind: snapshot.rebuild(conn, kind) for kind in KINDS}
                built = True
            else:
                built = False
            sample_live = conn.execute(
                sa.select(revisions.c.id).where(
                    revisions.c.user == SAMPLE_USER, revisions.c.status == "live"
                )
            ).first()
        if built:
            if data_version:
                self._save_snapshot(data_version, frames)
            frames = {kind: frame.drop(columns="revision_id") for kind, frame in frames.items()}
        return Dataset(revision=version, is_sample=sample_live is not None, **frames)

    def load_for_import(self) -> Dataset:
        """What checking an upload needs up front: villages and awards, the version and the sample
        flag. Values, scores, targets and pairs stay empty: `values_in` reads just the quarters a
        check compares with, so checking one quarter does not decode a province's every value."""
        with self._reading() as conn:
            version = int(conn.execute(_LATEST_EVENT).scalar() or 0)
            if version == 0:  # not a single event yet: nothing stored, nothing more to ask
                return Dataset()
            # Without revision_id: not read at all rather than dropped after (copying the frames).
            frames = snapshot.read(conn, _data_version(conn), _FOR_IMPORT, revision=False)
            sample_live = conn.execute(_LIVE_SAMPLE, {"user": SAMPLE_USER}).first()
        if frames is None:  # no snapshot yet: the full load rebuilds (and stores) it
            full = self.load()
            return Dataset(
                revision=full.revision,
                is_sample=full.is_sample,
                **{kind: full.frame(kind) for kind in _FOR_IMPORT},
            )
        return Dataset(revision=version, is_sample=sample_live is not None, **frames)

    def values_in(self, periods: Iterable[str], indicators: Iterable[str]) -> pd.DataFrame:
        """The current values of these quarters and indicators (the columns of `load().values`)."""
        periods, indicators = sorted(set(periods)), sorted(set(indicators))
        with self._reading() as conn:
            data_version = _data_version(conn)
            data = snapshot.stored_or_none(conn, data_version, "values")
        if data_version == 0 or not periods or not indicators:
            return snapshot.empty("values").drop(columns="revision_id")
        if data is not None:
            return _values_of(bytes(data), periods, indicators)
        values = self.load().values  # no snapshot yet: the full load rebuilds (and stores) it
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
            if _data_version(conn) != data_version or snapshot.exists(conn, data_version):
                return
            snapshot.write(conn, data_version, frames)

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
                            revision_touches.insert().values(
                                revision_id=rid, data=snapshot.parquet(frame)
                            )
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
            out[kind] = frame_of(conn.execute(query))
        return out

    def find_live_upload(self, sha256: str) -> int | None:
        """Id of a live revision that stored a file with these bytes, if any."""
        with self.engine.connect() as conn:
            return conn.execute(_LIVE_TWIN, {"sha256": sha256}).scalar()

    def events(self, limit: int = 1000) -> pd.DataFrame:
        """The audit trail, newest first."""
        with self.engine.connect() as conn:
            result = conn.execute(sa.select(events).order_by(events.c.id.desc()).limit(limit))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    # -- writing -----------------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, key_checks: bool = True) -> Iterator[Connection]:
        """One write transaction, serialised against other writers (also across processes).

        `key_checks=False` skips SQLite's per-row foreign-key lookups, for a writer whose every
        reference is to a row it inserted itself in this same transaction.
        """
        with self.engine.connect() as conn:
            unchecked = not key_checks and self.dialect == "sqlite"
            if unchecked:
                _foreign_keys(conn, on=False)  # before BEGIN: inside a transaction it is a no-op
            try:
                with conn.execution_options(wuxing_write=True).begin():
                    if self.dialect == "postgresql":
                        # One writer at a time: two uploads touching the same cells must not
                        # interleave.
                        conn.execute(sa.text("SELECT pg_advisory_xact_lock(580051)"))
                    yield conn
            finally:
                if unchecked:
                    _foreign_keys(conn, on=True)

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
        # Without SQLite's foreign-key lookups: every row written here refers to the revision row
        # this transaction inserts first (its id written into the statements), so no row can be
        # an orphan; looking the revision up again for each of a province's 1.3 M values cost
        # a sixth to a third of the insert (46,000 villages: 0.3-0.8 s).
        with self.transaction(key_checks=False) as conn:
            self._authorise_villages(conn, data.frames())
            twin = conn.execute(_LIVE_TWIN, {"sha256": digest}).scalar()
            if twin is not None:
                return int(twin)
            previous = _data_version(conn)
            # No data change since the preview (the usual case): nothing can conflict.
            if base_version is not None and previous > base_version:
                _refuse_conflicts(conn, data, base_version)
            counts = data.counts()
            revision_id = conn.execute(
                _NEW_REVISION,
                {
                    "created_at": _now(),
                    "user": user,
                    "filename": filename,
                    "sha256": digest,
                    "size": len(content),
                    "summary": json.dumps(summary or {"counts": counts}, ensure_ascii=False),
                    "content": content,
                },
            ).scalar_one()
            frames = data.frames()
            touched = [kind for kind, frame in frames.items() if not frame.empty]
            before = snapshot.previous_of(conn, previous, touched)
            overlay = snapshot.overlay_commit(data, revision_id)
            # The touch counts and the new snapshot are encoded on the other core while this one
            # inserts the rows: SQLite and Arrow both let go of Python's lock for their own work.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="wuxing-encode") as encoder:
                counted = encoder.submit(_touch_parquet, frames)
                encoded = None if before is None else encoder.submit(overlay.encoded_all, before)
                for kind in touched:
                    bulk_insert.insert_rows(conn, DATA_TABLES[kind], frames[kind], revision_id)
                touches = counted.result()
                snapshot_bytes = None if encoded is None else encoded.result()
            conn.execute(_NEW_TOUCHES, {"revision_id": revision_id, "data": touches})
            event = _log(conn, user, "upload", revision_id, f"{filename}（{_count_text(counts)}）")
            if snapshot_bytes is not None:  # else no complete snapshot to build on
                snapshot.advance(conn, previous, event, snapshot_bytes, touched)
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
            # Every row of it counts: undoing a roster row the same as today's changes it.
            self._authorise_villages(conn, self._rows_of(conn, revision_id), rollback=True)
            previous = _data_version(conn)
            conn.execute(
                revisions.update().where(revisions.c.id == revision_id).values(status=status)
            )
            event = _log(conn, user, action, revision_id, row.filename)
            patch = snapshot.patch_rollback if action == "rollback" else snapshot.patch_restore
            snapshot.advance(
                conn,
                previous,
                event,
                lambda kind, snap: patch(conn, kind, snap, revision_id),
                snapshot.kinds_of(conn, revision_id),
            )

    def log(self, user: str, action: str, detail: str = "") -> None:
        """Append an event that is not a data change (login, account change …)."""
        with self.transaction() as conn:
            _log(conn, user, action, None, detail)


def _log(conn: Connection, user: str, action: str, revision_id: int | None, detail: str) -> int:
    return log_event(conn, user, action, revision_id, detail, at=_now())


def _count_text(counts: dict[str, int]) -> str:
    return "，".join(f"{SCHEMAS[k].label} {n} 行" for k, n in counts.items() if n) or "无数据"


def _counts_by_kind(frames: dict[str, pd.DataFrame]) -> Iterator[tuple[str, pd.Series]]:
    """Per data kind with rows, its rows per village code (pairs count for both villages)."""
    for kind, frame in frames.items():
        if frame.empty:
            continue
        if kind == "pairs":
            codes = pd.concat([frame["mentor"], frame["mentee"]], ignore_index=True)
        else:
            codes = frame["code"]
        yield kind, codes.astype(str).value_counts()


def _touch_counts(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows per village and kind of one revision (pairs count for both villages)."""
    parts = [pd.DataFrame({"code": counts.index.astype(str), "kind": kind,
                           "rows": counts.to_numpy(dtype="int64")})
             for kind, counts in _counts_by_kind(frames)]  # fmt: skip
    if not parts:
        return pd.DataFrame({"code": pd.Series(dtype=str), "kind": pd.Series(dtype=str),
                             "rows": pd.Series(dtype="int64")})  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def _touch_parquet(frames: dict[str, pd.DataFrame]) -> bytes:
    """`_touch_counts` as the Parquet bytes `touches` reads: counted by pandas, written by Arrow
    (pandas' Parquet writer cost a county's upload ~5 ms; Arrow's value_counts took 2 s of a
    province's 1.3 M values, pandas' 0.06 s)."""
    parts = [pa.table({"code": pa.array(counts.index.to_numpy(dtype=object), pa.large_string()),
                       "kind": pa.array([kind] * len(counts), pa.large_string()),
                       "rows": pa.array(counts.to_numpy(dtype="int64"))})
             for kind, counts in _counts_by_kind(frames)]  # fmt: skip
    if not parts:
        return snapshot.parquet(_touch_counts(frames))
    buffer = pa.BufferOutputStream()
    pq.write_table(pa.concat_tables(parts), buffer, compression="zstd")
    return buffer.getvalue().to_pybytes()


# The few statements every import runs, as plain SQL (the same text on SQLite and PostgreSQL):
# compiling their Core forms cost ~0.5 ms each per new engine, a tenth of a county's import in
# a fresh process (the command line).
_LATEST_EVENT = sa.text("SELECT max(id) FROM events")
_LATEST_DATA_CHANGE = sa.text(
    "SELECT max(id) FROM events WHERE action IN ({})".format(  # noqa: S608 — constants, not input
        ", ".join(f"'{action}'" for action in DATA_ACTIONS)
    )
)
_NEW_REVISION = sa.text(
    'INSERT INTO revisions (created_at, "user", filename, sha256, size, summary, status, content)'
    " VALUES (:created_at, :user, :filename, :sha256, :size, :summary, 'live', :content)"
    " RETURNING id"
).bindparams(
    sa.bindparam("created_at", type_=revisions.c.created_at.type),
    sa.bindparam("content", type_=revisions.c.content.type),
)
_NEW_TOUCHES = sa.text(
    "INSERT INTO revision_touches (revision_id, data) VALUES (:revision_id, :data)"
).bindparams(sa.bindparam("data", type_=revision_touches.c.data.type))
_LIVE_TWIN = sa.text("SELECT id FROM revisions WHERE sha256 = :sha256 AND status = 'live'")
_LIVE_SAMPLE = sa.text("SELECT id FROM revisions WHERE \"user\" = :user AND status = 'live'")


def _data_version(conn: Connection) -> int:
    return int(conn.execute(_LATEST_DATA_CHANGE).scalar() or 0)


def _values_of(data: bytes, periods: list[str], indicators: list[str]) -> pd.DataFrame:
    """The rows of a values snapshot for these quarters and indicators, without revision_id."""
    book = pq.ParquetFile(pa.py_buffer(data))
    # Only row groups whose quarters may hold one wanted (what a filtered read_parquet skips too),
    # filtered in arrow before any row becomes pandas: pandas' filtered read costs 3× more on a
    # county's snapshot, the dataset machinery more than the rows.
    column = book.schema_arrow.get_field_index("period")
    groups = []
    for group in range(book.num_row_groups):
        stats = book.metadata.row_group(group).column(column).statistics
        bounds = (stats.min, stats.max) if stats is not None and stats.has_min_max else None
        if not bounds or not all(isinstance(b, str) for b in bounds):
            groups.append(group)
        elif any(bounds[0] <= p <= bounds[1] for p in periods):
            groups.append(group)
    table = book.read_row_groups(groups, columns=list(SCHEMAS["values"].columns))
    wanted = pc.and_(
        pc.is_in(table["period"].cast(pa.string()), pa.array(periods, pa.string())),
        pc.is_in(table["indicator"].cast(pa.string()), pa.array(indicators, pa.string())),
    )
    return snapshot.as_stored("values", table.filter(wanted).to_pandas())


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
            theirs = frame_of(conn.execute(query))
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
                    f"未导入：在您预览之后，{change.user} 于 {formatting.local_time(change.at)} "
                    f"导入（或撤销、恢复）的“{change.filename}”改动了相同的 {int(differs.sum())} 项"
                    f"{SCHEMAS[kind].label}数据（如 {example}），且与本文件的值不同。为避免覆盖对方的"
                    "修改，请重新上传本文件，核对新的变更预览后再导入。"
                )


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


def _foreign_keys(conn: Connection, *, on: bool) -> None:
    """Turn SQLite's foreign-key enforcement on or off for this connection (outside a transaction)."""
    # On the driver connection: SQLAlchemy would begin a transaction first, where the pragma is
    # ignored. A connection that cannot be switched back is dropped, never pooled unchecked.
    try:
        conn.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    except Exception:
        conn.invalidate()
        raise


def open_store(url: str) -> Store:
    """Connect to the store at `url` and create its tables if missing."""
    store = Store(url)
    try:
        store.create()
    except connection.CONNECTION_ERRORS as exc:
        store.dispose()
        raise connection.unavailable(url, exc) from None
    return store
