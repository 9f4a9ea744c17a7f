"""The database: the only module that writes. Every write is one revision in one transaction.

Nothing is overwritten in place. Each accepted upload adds a revision (`wuxing.storage.revisions`:
its file bytes, sha256, user, time, summary, and the rows it set); the current value of a cell is
the one from the newest revision that is not rolled back. Every write also appends an event (the
audit trail); the newest event id is the store's `version`, which caches key on, so a rollback on
another server is seen too.

`load` reads the current data from the snapshot (`wuxing.storage.snapshot`, about a second at
11 M values; each data change moves on the quarters it touched by its rule in
`wuxing.storage.overlay`) and rebuilds
it from the revisions when it is missing (a store written before snapshots existed). The parts:
`schema` (tables), `connection` (engine and transactions), `bulk_insert`, `touches` (rows per
village of each revision), `conflicts` (two uploads on the same cells); accounts and login
throttling in `accounts`, signed-in sessions in `sessions` (both mixed into `Store`).

A store bound to a signed-in account (`acting_as`) checks every write against its role and its
scope (`wuxing.scopes`): an upload or a rollback touching a village outside is refused, naming it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from wuxing import scopes
from wuxing.access.roles import require
from wuxing.dataset import KINDS, SCHEMAS, Dataset
from wuxing.errors import PermissionDenied, StoreError
from wuxing.storage import connection, overlay, revisions, snapshot, touches
from wuxing.storage.accounts import Account, AccountStore  # noqa: F401 — known as store.Account
from wuxing.storage.conflicts import refuse_conflicts
from wuxing.storage.events import log_event, sha256_of  # noqa: F401 — callers know it as store.*
from wuxing.storage.events import now as _now
from wuxing.storage.logins import LoginStore
from wuxing.storage.revisions import Revision  # noqa: F401 — callers know it as store.*
from wuxing.storage.schema import events, metadata
from wuxing.storage.sessions import SessionStore
from wuxing.storage.upgrades import needs_upgrade, upgrade

SAMPLE_USER = "示例数据"

# The kinds `load_for_import` reads: what resolving village names and the award check need.
_FOR_IMPORT = ("villages", "awards")


@dataclass(frozen=True)
class Actor:
    """Who a bound store writes as: every write it makes is checked against this role."""

    name: str
    role: str | None
    #: The area its writes must stay in ("" everything; see `wuxing.scopes`).
    area: str = scopes.EVERYTHING


class Store(AccountStore, LoginStore, SessionStore):
    """A connection to the database at `url` (any SQLAlchemy URL; SQLite by default)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = connection.make_engine(url)
        #: None for trusted callers (command line, seeding); set on a store bound by `acting_as`.
        self.actor: Actor | None = None

    def acting_as(self, name: str, role: str | None, area: str = scopes.EVERYTHING) -> Store:
        """This store (same engine) for one signed-in user: its writes need `role` and `name`,
        and may touch only villages in `area`."""
        bound = copy.copy(self)
        bound.actor = Actor(name, role, area)
        return bound

    def _authorise(self, needed: str, user: str) -> None:
        # Defence in depth: the web app only ever holds bound stores, so a page bug that offers
        # a write to the wrong session is still refused here.
        if self.actor is None:
            return
        require(self.actor.role, needed)
        if user != self.actor.name:
            raise PermissionDenied(f"不能以“{user}”的名义操作，当前登录用户是“{self.actor.name}”")

    def _authorise_villages(
        self, conn: Connection, frames: dict[str, pd.DataFrame], *, rollback: bool = False
    ) -> None:
        """PermissionDenied naming the villages whose rows `frames` set outside the actor's
        area (their places from the roster rows among `frames`, else the current villages).
        Roster rows equal to today's change nothing when stored (not so when rolled back)."""
        if self.actor is None or not scopes.area_parts(self.actor.area):
            return
        current = snapshot.read(conn, revisions.data_version(conn), ("villages",), revision=False)
        if current is not None:
            known = current["villages"]
        else:
            known = snapshot.rebuild(conn, "villages").drop(columns="revision_id")
        own = frames.get("villages", known.iloc[:0])
        villages = pd.concat([own, known], ignore_index=True).drop_duplicates("code")
        codes = scopes.codes_of(frames, None if rollback else known)
        outside = scopes.villages_outside(self.actor.area, codes, villages)
        if outside:
            raise PermissionDenied(scopes.refusal(self.actor.area, outside))

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

    def is_empty(self) -> bool:
        """True when no revision was ever stored."""
        with self.engine.connect() as conn:
            return revisions.none_stored(conn)

    def data_version(self) -> int:
        """The data version: id of the newest event that changed the data (an upload, rollback or
        restore; 0 before any). Caches key on it and an upload's conflict check starts from it;
        logins and account changes leave it alone."""
        with self.engine.connect() as conn:
            return revisions.data_version(conn)

    def load(self) -> Dataset:
        """The current data: per key, the row of the newest live revision (from the snapshot)."""
        with connection.reading(self.engine) as conn:
            data_version = revisions.data_version(conn)
            # Without revision_id: a dataset does not show it (a province's values: 85 MB less).
            frames = snapshot.read(conn, data_version, revision=False)
            rebuilt = None
            if frames is None:  # a store written before snapshots existed
                rebuilt = {kind: snapshot.rebuild(conn, kind) for kind in KINDS}
            is_sample = revisions.any_live_by(conn, SAMPLE_USER)
        if rebuilt is not None:
            if data_version:
                self._save_snapshot(data_version, rebuilt)
            frames = {kind: frame.drop(columns="revision_id") for kind, frame in rebuilt.items()}
        assert frames is not None  # read above, or rebuilt
        return Dataset(data_version=data_version, is_sample=is_sample, **frames)

    def load_for_import(self) -> Dataset:
        """What checking an upload needs up front: villages and awards, the data version and the
        sample flag. Values, scores, targets and pairs stay empty: `values_in` reads just the
        quarters a check compares with, so checking one quarter does not decode a province's every
        value."""
        with connection.reading(self.engine) as conn:
            version = revisions.data_version(conn)
            if version == 0:  # no data stored yet: nothing more to ask
                return Dataset()
            # Without revision_id: not read at all rather than dropped after (copying the frames).
            frames = snapshot.read(conn, version, _FOR_IMPORT, revision=False)
            is_sample = revisions.any_live_by(conn, SAMPLE_USER)
        if frames is None:  # no snapshot yet: the full load rebuilds (and stores) it
            full = self.load()
            frames = {kind: full.frame(kind) for kind in _FOR_IMPORT}
            version, is_sample = full.data_version, full.is_sample
        return Dataset(data_version=version, is_sample=is_sample, **frames)

    def values_in(self, periods: Iterable[str], indicators: Iterable[str]) -> pd.DataFrame:
        """The current values of these quarters and indicators (the columns of `load().values`)."""
        periods, indicators = sorted(set(periods)), sorted(set(indicators))
        with connection.reading(self.engine) as conn:
            data_version = revisions.data_version(conn)
            if data_version == 0 or not periods or not indicators:
                return snapshot.empty("values").drop(columns="revision_id")
            found = snapshot.values_in(conn, data_version, periods, indicators)
        if found is not None:
            return found
        values = self.load().values  # no snapshot yet: the full load rebuilds (and stores) it
        chosen = values["period"].isin(periods) & values["indicator"].isin(indicators)
        return values[chosen].reset_index(drop=True)

    def _save_snapshot(self, data_version: int, frames: dict[str, pd.DataFrame]) -> None:
        """Store a snapshot rebuilt by a reader, unless a writer moved on meanwhile."""
        with self.transaction() as conn:
            if revisions.data_version(conn) != data_version or snapshot.holds(conn, data_version):
                return
            snapshot.write(conn, data_version, frames)

    def history(self) -> list[Revision]:
        """All revisions, newest first."""
        with self.engine.connect() as conn:
            return revisions.listed(conn)

    def revision(self, revision_id: int) -> Revision:
        """One revision (StoreError if it does not exist)."""
        with self.engine.connect() as conn:
            found = revisions.listed(conn, revision_id)
        if not found:
            raise revisions.missing(revision_id)
        return found[0]

    def content(self, revision_id: int) -> bytes:
        """The original bytes of the file a revision stored."""
        with self.engine.connect() as conn:
            return revisions.content(conn, revision_id)

    def touches(self) -> pd.DataFrame:
        """Per revision, village and kind, how many rows the revision set (rolled back or not).

        Columns: revision, code, kind, rows. Counted once per revision at commit time.
        """
        with self.engine.connect() as conn:
            uncounted = touches.uncounted(conn)
        if uncounted:  # revisions stored before counts were kept: counted once, then kept
            with self.transaction() as conn:
                touches.count_uncounted(conn)
        with self.engine.connect() as conn:
            return touches.read_all(conn)

    def find_live_upload(self, sha256: str) -> int | None:
        """Id of a live revision that stored a file with these bytes, if any."""
        with self.engine.connect() as conn:
            return revisions.live_twin(conn, sha256)

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
        with connection.writing(self.engine, key_checks=key_checks) as conn:
            yield conn

    def commit(
        self,
        data: Dataset,
        *,
        content: bytes,
        filename: str,
        user: str,
        summary: dict[str, object] | None = None,
        checked_version: int | None = None,
    ) -> int:
        """Store `data` as one new revision; return its id (or the live twin of identical bytes).

        `checked_version` is the data version the upload was checked against (its preview): when a
        data change stored since then set any of the same cells, ConflictError is raised and
        nothing is written, so the later of two concurrent uploads never silently overwrites.
        """
        self._authorise("editor", user)
        digest = sha256_of(content)
        counts = data.counts()
        # Without SQLite's foreign-key lookups: every row written here refers to the revision row
        # this transaction inserts first, so no row can be an orphan. Stores made before 2026-12
        # still declare the data tables' key to revisions (see schema), and looking the revision
        # up again for each of a province's 1.3 M values cost a sixth to a third of the insert.
        with self.transaction(key_checks=False) as conn:
            self._authorise_villages(conn, data.frames())
            twin = revisions.live_twin(conn, digest)
            if twin is not None:
                return twin
            previous = revisions.data_version(conn)
            # Only a data change since the checked version can have set the same cells.
            if checked_version is not None and previous > checked_version:
                refuse_conflicts(conn, data, checked_version)
            at = _now()
            revision_id = revisions.add(
                conn,
                data,
                content=content,
                sha256=digest,
                filename=filename,
                user=user,
                summary=summary or {"counts": counts},
                at=at,
            )
            touches.record(conn, revision_id, data.frames())
            detail = f"{filename}（{_count_text(counts)}）"
            event = log_event(conn, user, "upload", revision_id, detail, at=at)
            touched = {
                k: snapshot.parts_of(k, rows) for k, rows in data.frames().items() if len(rows)
            }
            snapshot.advance(conn, previous, event, overlay.of_commit(data, revision_id), touched)
        return revision_id

    def rollback(self, revision_id: int, user: str) -> None:
        """Undo a revision: its rows stop counting; earlier values show again."""
        self._set_status(revision_id, "rolled_back", user, "rollback")

    def restore(self, revision_id: int, user: str) -> None:
        """Undo a rollback."""
        self._set_status(revision_id, "live", user, "restore")

    def _set_status(self, revision_id: int, status: str, user: str, action: str) -> None:
        self._authorise("editor", user)
        with self.transaction() as conn:
            found = revisions.listed(conn, revision_id)
            if not found:
                raise revisions.missing(revision_id)
            if found[0].status == status:
                state = "已撤销" if status == "rolled_back" else "生效中"
                raise StoreError(f"版本 {revision_id} 已经是“{state}”状态，无需重复操作")
            # Every row of it counts: undoing a roster row the same as today's changes it.
            self._authorise_villages(conn, revisions.rows_of(conn, revision_id), rollback=True)
            previous = revisions.data_version(conn)
            revisions.set_status(conn, revision_id, status)
            event = log_event(conn, user, action, revision_id, found[0].filename, at=_now())
            rule = overlay.of_rollback if action == "rollback" else overlay.of_restore
            change = rule(conn, revision_id)
            snapshot.advance(conn, previous, event, change, revisions.parts_of(conn, revision_id))

    def log(self, user: str, action: str, detail: str = "") -> None:
        """Append an event that is not a data change (login, account change …)."""
        with self.transaction() as conn:
            log_event(conn, user, action, None, detail, at=_now())


def _count_text(counts: dict[str, int]) -> str:
    return "，".join(f"{SCHEMAS[k].label} {n} 行" for k, n in counts.items() if n) or "无数据"


def open_store(url: str) -> Store:
    """Connect to the store at `url` and create its tables if missing."""
    store = Store(url)
    try:
        store.create()
    except connection.CONNECTION_ERRORS as exc:
        store.dispose()
        raise connection.unavailable(url, exc) from None
    return store
