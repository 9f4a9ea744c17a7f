"""The current-data snapshot: one Parquet file per kind of the rows of the newest live revisions.

At province scale (11 M values) deduplicating every live revision on each load is far too slow, so
each data change also stores, in the same transaction, a Parquet snapshot of the current rows per
kind (keyed by the data version: the id of the newest upload/rollback/restore event), built from
the previous snapshot by the change's rule (`wuxing.storage.overlay`). These functions run inside
`wuxing.storage.store`'s transactions; they never open their own.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from wuxing.dataset import KINDS, SCHEMAS, conform, empty_frame
from wuxing.storage.schema import DATA_TABLES, revisions, snapshots

# Columns of the big kinds held as pandas categoricals: 11 M village codes and indicator ids take
# 100 MB this way instead of 500 MB as strings. Quarters stay strings: pages compare them with
# `<=`, which unordered categoricals refuse.
CATEGORICAL: dict[str, tuple[str, ...]] = {
    "values": ("code", "indicator"),
    "scores": ("code", "star"),
}

#: Bytes per read of a snapshot from PostgreSQL (see `_bytes`).
PIECE = 4 * 2**20


def parquet(frame: pd.DataFrame) -> bytes:
    """A frame as zstd-compressed Parquet bytes (how snapshots and touch counts are kept)."""
    # Below ~100k rows arrow's conversion threads cost more to start than they save.
    threads = 1 if len(frame) < 100_000 else None
    table = pa.Table.from_pandas(
        frame.reset_index(drop=True), preserve_index=False, nthreads=threads
    )
    buffer = io.BytesIO()
    # Statistics of the quarter only: the only ones read (`values_in` skips row groups by them);
    # the others cost a quarter of the writing.
    statistics = ["period"] if "period" in frame.columns else False
    pq.write_table(table, buffer, compression="zstd", write_statistics=statistics)
    return buffer.getvalue()


def exists(conn: Connection, version: int) -> bool:
    """True when any kind of `version`'s snapshot is stored."""
    query = sa.select(snapshots.c.kind).where(snapshots.c.version == version).limit(1)
    return conn.execute(query).first() is not None


def is_complete(conn: Connection, version: int) -> bool:
    """True when `version` has a snapshot of every kind (version 0, no data, always has)."""
    if version == 0:
        return True
    query = sa.select(snapshots.c.kind).where(snapshots.c.version == version)
    return set(conn.execute(query).scalars()) == set(KINDS)


def read(
    conn: Connection, version: int, kinds: Iterable[str] = KINDS, *, revision: bool = True
) -> dict[str, pd.DataFrame] | None:
    """The snapshot of `version` for `kinds` (with revision_id unless `revision` is False), or None
    when there is none."""
    kinds = list(kinds)
    if version == 0:
        return {kind: _empty_of(kind, revision).copy() for kind in kinds}
    sizes = dict(
        conn.execute(
            sa.select(snapshots.c.kind, sa.func.length(snapshots.c.data)).where(
                snapshots.c.version == version, snapshots.c.kind.in_(kinds)
            )
        ).all()
    )
    if set(sizes) != set(kinds):
        return None
    # Kind by kind: one kind's bytes and arrow table are gone before the next is read.
    frames = {
        kind: decode(kind, _bytes(conn, version, kind, sizes[kind]), revision) for kind in kinds
    }
    # Arrow's allocator keeps what the decoding freed (a province's values take ~400 MB on the
    # way): give it back now, before the pages start using memory of their own.
    pa.default_memory_pool().release_unused()
    return frames


def _bytes(conn: Connection, version: int, kind: str, size: int) -> bytes | bytearray:
    """The stored bytes of one kind of a snapshot."""
    where = (snapshots.c.version == version, snapshots.c.kind == kind)
    if conn.dialect.name != "postgresql" or size <= PIECE:
        return conn.execute(sa.select(snapshots.c.data).where(*where)).scalar_one()
    # In pieces: libpq keeps a connection's receive buffer as large as the largest row it ever
    # got, for the connection's life: a province's values blob (60 MB as text) held again by
    # every pooled connection that once loaded the data.
    data = bytearray(size)
    for start in range(0, size, PIECE):
        piece = sa.func.substr(snapshots.c.data, start + 1, PIECE, type_=sa.LargeBinary)
        data[start : start + PIECE] = conn.execute(sa.select(piece).where(*where)).scalar_one()
    return data


def decode(kind: str, data: bytes | bytearray, revision: bool = True) -> pd.DataFrame:
    """One kind's snapshot bytes as a frame in today's dtypes (revision_id only if `revision`)."""
    if data == _empty_parquet(kind):  # a kind without rows (most stores have no awards yet…)
        return _empty_of(kind, revision).copy()
    columns = None if revision else list(SCHEMAS[kind].columns)
    # ParquetFile, not read_table: its dataset layer doubled the time of a county's read.
    table = pq.ParquetFile(pa.py_buffer(data)).read(columns=columns)
    # Each column's arrow memory goes as soon as it is converted: the table and the frame are
    # never both whole at once (a province's values: peak 900 → 700 MB).
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    return as_stored(kind, frame)


def values_in(
    conn: Connection, version: int, periods: list[str], indicators: list[str]
) -> pd.DataFrame | None:
    """The values of these quarters and indicators in the snapshot of `version` (without
    revision_id), or None when it has none."""
    where = (snapshots.c.version == version, snapshots.c.kind == "values")
    data = conn.execute(sa.select(snapshots.c.data).where(*where)).scalar()
    if data is None:
        return None
    book = pq.ParquetFile(pa.py_buffer(bytes(data)))
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
    return as_stored("values", table.filter(wanted).to_pandas())


def empty(kind: str) -> pd.DataFrame:
    """The snapshot frame of a kind with no rows (shared: do not modify it)."""
    return _empty_of(kind, revision=True)


@functools.cache
def _empty_of(kind: str, revision: bool) -> pd.DataFrame:
    # Built once: every import's read of the store meets empty kinds (most stores have no awards).
    frame = categorised(kind, _with_revision(empty_frame(kind)))
    return frame if revision else frame.drop(columns="revision_id")


@functools.cache
def _empty_parquet(kind: str) -> bytes:
    return parquet(empty(kind))


def as_stored(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A snapshot frame in today's dtypes (one written by an older version may differ)."""
    for column, dtype in SCHEMAS[kind].columns.items():
        is_categorical = isinstance(frame[column].dtype, pd.CategoricalDtype)
        if is_categorical and column not in CATEGORICAL.get(kind, ()):
            frame[column] = frame[column].astype(dtype)
    return categorised(kind, frame)


def categorised(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the kind's big columns as categoricals (sorted categories) and an int64
    revision_id, as snapshots hold them."""
    changes: dict[str, object] = {}
    for column in CATEGORICAL.get(kind, ()):
        if not isinstance(frame[column].dtype, pd.CategoricalDtype):
            # Sorted categories, as `concat` keeps them. From the codes of one factorize pass:
            # 6× faster at 1.3 M rows than mapping the values onto a sorted list of categories.
            codes, categories = pd.factorize(frame[column], sort=True)
            changes[column] = pd.Categorical.from_codes(codes, categories=pd.Index(categories))
    if "revision_id" in frame and frame["revision_id"].dtype != "int64":
        changes["revision_id"] = frame["revision_id"].astype("int64")
    return frame.assign(**changes) if changes else frame


def concat(kind: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Snapshot frames one after the other, categoricals keeping the union of their (sorted)
    categories."""
    for column in CATEGORICAL.get(kind, ()):
        first = frames[0][column].cat.categories
        if all(f[column].cat.categories.equals(first) for f in frames[1:]):
            continue  # the same categories throughout (a new quarter of the same villages)
        # Index.union, not a Python set: iterating arrow-backed categories one by one cost 10 ms
        # per 500 villages.
        union = first
        for f in frames[1:]:
            union = union.union(f[column].cat.categories, sort=True)
        frames = [f.assign(**{column: f[column].cat.set_categories(union)}) for f in frames]
    return pd.concat(frames, ignore_index=True)


def _with_revision(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(revision_id=pd.Series(0, index=frame.index, dtype="int64"))


def _bytes_of(kind: str, frame: pd.DataFrame) -> bytes:
    return _empty_parquet(kind) if frame.empty else parquet(frame)


def write(conn: Connection, version: int, frames: dict[str, pd.DataFrame]) -> None:
    """Store `frames` as the snapshot of `version`, dropping every older one."""
    # Only the newest snapshot is kept: readers of an older version rebuild nothing, they simply
    # read the newer one on their next load (their cache key changes with the version).
    conn.execute(snapshots.delete().where(snapshots.c.version != version))
    for kind, frame in frames.items():
        conn.execute(
            snapshots.insert().values(version=version, kind=kind, data=_bytes_of(kind, frame))
        )


def advance(
    conn: Connection,
    previous: int,
    version: int,
    change: Callable[[str, pd.DataFrame], pd.DataFrame],
    touched: Iterable[str],
) -> None:
    """Snapshot of `version` = the one of `previous` with `change` (a function from a kind's
    previous frame to its new one, see `wuxing.storage.overlay`) applied to the `touched` kinds.

    The other kinds keep the previous snapshot's bytes, copied inside the database: a quarter's
    values need not decode and re-encode a province's villages, scores and awards. Without a
    complete previous snapshot nothing is written: the next `load` rebuilds from the revisions.
    """
    if not is_complete(conn, previous):
        return
    touched = [kind for kind in KINDS if kind in set(touched)]
    kept = [kind for kind in KINDS if kind not in touched]
    if previous == 0:
        for kind in kept:
            conn.execute(
                snapshots.insert().values(version=version, kind=kind, data=_empty_parquet(kind))
            )
    elif kept:
        same = sa.select(sa.literal(version, sa.Integer), snapshots.c.kind, snapshots.c.data)
        conn.execute(
            snapshots.insert().from_select(
                ["version", "kind", "data"],
                same.where(snapshots.c.version == previous, snapshots.c.kind.in_(kept)),
            )
        )
    for kind in touched:
        frames = read(conn, previous, [kind])
        assert frames is not None  # complete, checked above, in this same transaction
        data = _bytes_of(kind, change(kind, frames[kind]))
        conn.execute(snapshots.insert().values(version=version, kind=kind, data=data))
    if previous:  # without a data change before there is no older snapshot to drop
        conn.execute(snapshots.delete().where(snapshots.c.version != version))


def rebuild(conn: Connection, kind: str) -> pd.DataFrame:
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
        categorised(kind, conform(kind, frame).assign(revision_id=frame["revision_id"].to_numpy()))
        for chunk in result.partitions()
        if not (frame := pd.DataFrame(chunk, columns=columns)).empty
    ]
    if not parts:
        return categorised(kind, _with_revision(empty_frame(kind)))
    frame = concat(kind, parts)
    return frame.drop_duplicates(list(SCHEMAS[kind].key), keep="last").reset_index(drop=True)
