"""The current-data snapshot: Parquet files of the current rows, one per kind and quarter.

At province scale (11 M values) deduplicating every live revision on each load is far too slow, so
each data change also moves on, in the same transaction, a snapshot of the current rows, built
from what it held by the change's rule (`wuxing.storage.overlay`); `snapshot_version` says which
data version (the id of the newest upload/rollback/restore event) it holds. The kinds with a
quarter (values, scores) are kept one part per quarter, the others whole: a quarter's upload
rewrites its quarter's part and leaves the rest alone, so its cost follows the upload, not the
years already stored. These functions run inside `wuxing.storage.store`'s transactions (readers
in one consistent view); they never open their own.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from wuxing.dataset import KINDS, SCHEMAS, conform, empty_frame
from wuxing.storage.schema import DATA_TABLES, revisions, snapshot_version, snapshots

# Columns of the big kinds held as pandas categoricals: 11 M village codes and indicator ids take
# 100 MB this way instead of 500 MB as strings. Quarters stay strings: pages compare them with
# `<=`, which unordered categoricals refuse.
CATEGORICAL: dict[str, tuple[str, ...]] = {
    "values": ("code", "indicator"),
    "scores": ("code", "star"),
}

#: The column whose value names a row's part, for the kinds kept one part per quarter. Other kinds
#: (and a kind without rows) are one part named "".
PART_COLUMN: dict[str, str] = {"values": "period", "scores": "period"}

#: Bytes per read of a snapshot part from PostgreSQL (see `_bytes`).
PIECE = 4 * 2**20

#: Parts of some kinds, or None for every part of each.
Touched = Mapping[str, Collection[str] | None]


def parquet(frame: pd.DataFrame) -> bytes:
    """A frame as zstd-compressed Parquet bytes (how snapshots and touch counts are kept)."""
    # Below ~100k rows arrow's conversion threads cost more to start than they save.
    threads = 1 if len(frame) < 100_000 else None
    table = pa.Table.from_pandas(
        frame.reset_index(drop=True), preserve_index=False, nthreads=threads
    )
    buffer = io.BytesIO()
    # No column statistics: nothing reads them, and they cost a quarter of the writing.
    pq.write_table(table, buffer, compression="zstd", write_statistics=False)
    return buffer.getvalue()


def parts_of(kind: str, frame: pd.DataFrame) -> set[str]:
    """The names of the parts rows of `kind` belong to."""
    column = _part_column(kind, frame)
    return {""} if column is None else {str(part) for part in frame[column].unique()}


def _part_column(kind: str, frame: pd.DataFrame) -> str | None:
    """The column naming the part of each of these rows, or None when they are one part ("")."""
    return None if frame.empty else PART_COLUMN.get(kind)


def holds(conn: Connection, version: int) -> bool:
    """True when the stored snapshot is the one of data version `version`, every kind in it
    (0, no data: always)."""
    return version == 0 or _held_parts(conn, version) is not None


def _held_parts(conn: Connection, version: int) -> dict[str, dict[str, int]] | None:
    """Per kind, its parts' names and sizes in bytes, when the stored snapshot is the one of
    data version `version` with every kind in it; else None."""
    if conn.execute(sa.select(snapshot_version.c.version)).scalar() != version:
        return None
    query = sa.select(snapshots.c.kind, snapshots.c.part, sa.func.length(snapshots.c.data))
    stored: dict[str, dict[str, int]] = {}
    for kind, part, size in conn.execute(query.order_by(snapshots.c.kind, snapshots.c.part)):
        stored.setdefault(kind, {})[part] = size
    return stored if set(stored) == set(KINDS) else None


def read(
    conn: Connection, version: int, kinds: Iterable[str] = KINDS, *, revision: bool = True
) -> dict[str, pd.DataFrame] | None:
    """The snapshot of `version` for `kinds` (with revision_id unless `revision` is False), or None
    when there is none."""
    kinds = list(kinds)
    if version == 0:
        return {kind: _empty_of(kind, revision).copy() for kind in kinds}
    stored = _held_parts(conn, version)
    if stored is None:
        return None
    # Kind by kind: one kind's bytes and arrow tables are gone before the next is read.
    frames = {kind: _frame(conn, kind, stored[kind], revision) for kind in kinds}
    # Arrow's allocator keeps what the decoding freed (a province's values take ~400 MB on the
    # way): give it back now, before the pages start using memory of their own.
    pa.default_memory_pool().release_unused()
    return frames


def values_in(
    conn: Connection, version: int, periods: list[str], indicators: list[str]
) -> pd.DataFrame | None:
    """The values of these quarters and indicators in the snapshot of `version` (without
    revision_id), or None when it has none."""
    stored = _held_parts(conn, version)
    if stored is None:
        return None
    wanted = {part: size for part, size in stored["values"].items() if part in periods}
    frame = _frame(conn, "values", wanted, revision=False)
    chosen = frame["indicator"].isin(indicators).to_numpy()
    return frame if chosen.all() else frame[chosen].reset_index(drop=True)


def _frame(conn: Connection, kind: str, parts: Mapping[str, int], revision: bool) -> pd.DataFrame:
    """One kind's rows in `parts` (names and sizes) of the snapshot."""
    columns = None if revision else list(SCHEMAS[kind].columns)
    tables = [
        # ParquetFile, not read_table: its dataset layer doubled the time of a county's read.
        # Threads only for a big part: starting them costs a small one twice its read (0.3 ms).
        pq.ParquetFile(pa.py_buffer(data)).read(columns=columns, use_threads=len(data) > 2**20)
        for data in _bytes(conn, kind, parts)
        if data != _empty_parquet(kind)
    ]
    if not tables:  # a kind without rows (most stores have no awards yet…)
        return _empty_of(kind, revision).copy()
    # Permissive: parts written at different times may hold int8, int16 or int32 category codes.
    table = pa.concat_tables(tables, promote_options="permissive")
    del tables
    # Each column's arrow memory goes as soon as it is converted: the table and the frame are
    # never both whole at once (a province's values: peak 900 → 700 MB).
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    return as_stored(kind, frame)


def _bytes(conn: Connection, kind: str, parts: Mapping[str, int]) -> Iterator[bytes | bytearray]:
    """The stored bytes of these parts (names and sizes) of one kind, part by part."""
    where = snapshots.c.kind == kind
    big = [p for p, size in parts.items() if size > PIECE and conn.dialect.name == "postgresql"]
    small = [p for p in parts if p not in big]
    if small:
        query = sa.select(snapshots.c.data).where(where, snapshots.c.part.in_(small))
        yield from conn.execute(query.order_by(snapshots.c.part)).scalars()
    for part in big:
        # In pieces: libpq keeps a connection's receive buffer as large as the largest row it
        # ever got, for the connection's life: a province's values (60 MB as text) held again by
        # every pooled connection that once loaded the data.
        data = bytearray(parts[part])
        for start in range(0, len(data), PIECE):
            piece = sa.func.substr(snapshots.c.data, start + 1, PIECE, type_=sa.LargeBinary)
            chosen = sa.select(piece).where(where, snapshots.c.part == part)
            data[start : start + PIECE] = conn.execute(chosen).scalar_one()
        yield data


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
        elif not frame[column].cat.categories.is_monotonic_increasing:
            # Parts joined by arrow list a later part's new categories after the earlier ones'.
            categories = frame[column].cat.categories
            changes[column] = frame[column].cat.reorder_categories(categories.sort_values())
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
    """Store `frames` (every kind) as the snapshot of data version `version`."""
    conn.execute(snapshots.delete())
    for kind, frame in frames.items():
        _insert(conn, kind, frame)
    _mark(conn, version)


def advance(
    conn: Connection,
    previous: int,
    version: int,
    change: Callable[[str, pd.DataFrame], pd.DataFrame],
    touched: Touched,
) -> None:
    """Move the snapshot of `previous` on to `version` by `change` (a function from a kind's rows
    to their new rows, see `wuxing.storage.overlay`) applied to the `touched` parts (per kind: the
    part names, or None for all of them). The other parts stay as they are.

    When the snapshot does not hold `previous`, nothing is written: it then holds neither, and
    the next `load` rebuilds it from the revisions.
    """
    stored = {} if previous == 0 else _held_parts(conn, previous)
    if stored is None:
        return
    if previous == 0:  # the first data change: every kind starts empty
        conn.execute(snapshots.delete())
        for kind in KINDS:
            if kind not in touched:
                _insert(conn, kind, empty(kind))
    for kind, wanted in touched.items():
        parts = stored.get(kind, {})
        # The "" part of a kind kept by quarter is its empty marker: read, so that it goes.
        changed = {p: s for p, s in parts.items() if wanted is None or p in wanted or p == ""}
        rows = change(kind, _frame(conn, kind, changed, revision=True))
        conn.execute(
            snapshots.delete().where(snapshots.c.kind == kind, snapshots.c.part.in_(list(changed)))
        )
        # A kind with rows in other parts needs no empty marker.
        if not (rows.empty and len(changed) < len(parts)):
            _insert(conn, kind, rows)
    _mark(conn, version)


def split_whole(conn: Connection) -> None:
    """Store the snapshot of an older store (one Parquet file per kind and data version) as
    today's parts."""
    rows = conn.execute(sa.text("SELECT version, kind, data FROM snapshots")).all()
    conn.execute(sa.text("DROP TABLE snapshots"))
    snapshots.create(conn)
    snapshot_version.create(conn, checkfirst=True)
    newest = max((version for version, _kind, _data in rows), default=None)
    whole = {kind: data for version, kind, data in rows if version == newest}
    if newest is None or set(whole) != set(KINDS):
        return  # no complete snapshot: the next load rebuilds one
    for kind, data in whole.items():
        frame = pq.ParquetFile(pa.py_buffer(data)).read().to_pandas()
        _insert(conn, kind, as_stored(kind, frame))
    _mark(conn, newest)


def _mark(conn: Connection, version: int) -> None:
    """Record that the snapshot holds data version `version`."""
    conn.execute(snapshot_version.delete())
    conn.execute(snapshot_version.insert().values(version=version))


def _insert(conn: Connection, kind: str, frame: pd.DataFrame) -> None:
    """Store one kind's rows as its parts of the snapshot (one empty part if it has none)."""
    column = _part_column(kind, frame)
    if column is None:
        parts = {"": frame}
    else:
        parts = {str(p): rows for p, rows in frame.groupby(column, sort=True, observed=True)}
    conn.execute(
        snapshots.insert(),
        [
            {"kind": kind, "part": part, "data": _bytes_of(kind, rows)}
            for part, rows in parts.items()
        ],
    )


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
