"""The current-data snapshot: Parquet files of the current rows, one per kind and quarter.

At province scale (11 M values) deduplicating every live revision on each load is far too slow, so
each data change also stores, in the same transaction, a snapshot of the current rows (keyed by
the data version: the id of the newest upload/rollback/restore event), built from the previous
snapshot by the change's rule (`wuxing.storage.overlay`). The kinds with a quarter (values,
scores) are kept one part per quarter, the others whole: a quarter's upload rewrites its quarter's
part and copies the rest inside the database, so its cost follows the upload, not the years
already stored. These functions run inside `wuxing.storage.store`'s transactions; they never open
their own.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Collection, Iterable, Mapping

import pandas as pd
import pyarrow as pa
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
    column = PART_COLUMN.get(kind)
    if column is None or frame.empty:
        return {""}
    return {str(part) for part in frame[column].unique()}


def exists(conn: Connection, version: int) -> bool:
    """True when any kind of `version`'s snapshot is stored."""
    query = sa.select(snapshots.c.kind).where(snapshots.c.version == version).limit(1)
    return conn.execute(query).first() is not None


def is_complete(conn: Connection, version: int) -> bool:
    """True when `version` has a snapshot of every kind (version 0, no data, always has)."""
    if version == 0:
        return True
    query = sa.select(snapshots.c.kind).distinct().where(snapshots.c.version == version)
    return set(conn.execute(query).scalars()) == set(KINDS)


def read(
    conn: Connection, version: int, kinds: Iterable[str] = KINDS, *, revision: bool = True
) -> dict[str, pd.DataFrame] | None:
    """The snapshot of `version` for `kinds` (with revision_id unless `revision` is False), or None
    when there is none."""
    kinds = list(kinds)
    if version == 0:
        return {kind: _empty_of(kind, revision).copy() for kind in kinds}
    stored = _stored_parts(conn, version, kinds)
    if set(stored) != set(kinds):
        return None
    # Kind by kind: one kind's bytes and arrow tables are gone before the next is read.
    frames = {kind: _frame(conn, version, kind, stored[kind], revision) for kind in kinds}
    # Arrow's allocator keeps what the decoding freed (a province's values take ~400 MB on the
    # way): give it back now, before the pages start using memory of their own.
    pa.default_memory_pool().release_unused()
    return frames


def values_in(
    conn: Connection, version: int, periods: list[str], indicators: list[str]
) -> pd.DataFrame | None:
    """The values of these quarters and indicators in the snapshot of `version` (without
    revision_id), or None when it has none."""
    stored = _stored_parts(conn, version, ["values"]).get("values")
    if stored is None:
        return None
    wanted = {part: size for part, size in stored.items() if part in set(periods)}
    frame = _frame(conn, version, "values", wanted, revision=False)
    chosen = frame["indicator"].isin(indicators).to_numpy()
    return frame if chosen.all() else frame[chosen].reset_index(drop=True)


def _stored_parts(conn: Connection, version: int, kinds: list[str]) -> dict[str, dict[str, int]]:
    """Per kind of `kinds` stored for `version`: its parts' names and sizes in bytes."""
    query = (
        sa.select(snapshots.c.kind, snapshots.c.part, sa.func.length(snapshots.c.data))
        .where(snapshots.c.version == version, snapshots.c.kind.in_(kinds))
        .order_by(snapshots.c.kind, snapshots.c.part)
    )
    stored: dict[str, dict[str, int]] = {}
    for kind, part, size in conn.execute(query):
        stored.setdefault(kind, {})[part] = size
    return stored


def _frame(
    conn: Connection, version: int, kind: str, parts: Mapping[str, int], revision: bool
) -> pd.DataFrame:
    """One kind's rows in `parts` (names and sizes) of the snapshot of `version`."""
    columns = None if revision else list(SCHEMAS[kind].columns)
    tables = [
        # ParquetFile, not read_table: its dataset layer doubled the time of a county's read.
        pq.ParquetFile(pa.py_buffer(data)).read(columns=columns)
        for part, size in parts.items()
        if (data := _bytes(conn, version, kind, part, size)) != _empty_parquet(kind)
    ]
    if not tables:  # a kind without rows (most stores have no awards yet…)
        return _empty_of(kind, revision).copy()
    table = pa.concat_tables([_wide_codes(t) for t in tables]) if len(tables) > 1 else tables[0]
    del tables
    # Each column's arrow memory goes as soon as it is converted: the table and the frame are
    # never both whole at once (a province's values: peak 900 → 700 MB).
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    return as_stored(kind, frame)


def _wide_codes(table: pa.Table) -> pa.Table:
    """`table` with its dictionary columns' codes as int32: parts written from frames of
    different sizes have int8 or int16 codes, and arrow joins only tables of one schema."""
    fields = [
        field.with_type(pa.dictionary(pa.int32(), field.type.value_type))
        if pa.types.is_dictionary(field.type)
        else field
        for field in table.schema
    ]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def _bytes(conn: Connection, version: int, kind: str, part: str, size: int) -> bytes | bytearray:
    """The stored bytes of one part of a snapshot."""
    where = (snapshots.c.version == version, snapshots.c.kind == kind, snapshots.c.part == part)
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
    """Store `frames` as the snapshot of `version`, dropping every older one."""
    # Only the newest snapshot is kept: readers of an older version rebuild nothing, they simply
    # read the newer one on their next load (their cache key changes with the data version).
    conn.execute(snapshots.delete().where(snapshots.c.version != version))
    for kind, frame in frames.items():
        _insert(conn, version, kind, frame)


def advance(
    conn: Connection,
    previous: int,
    version: int,
    change: Callable[[str, pd.DataFrame], pd.DataFrame],
    touched: Touched,
) -> None:
    """Snapshot of `version` = the one of `previous` with `change` (a function from a kind's
    rows to their new rows, see `wuxing.storage.overlay`) applied to the `touched` parts (per
    kind: the part names, or None for all of them).

    Every other part keeps the previous snapshot's bytes, copied inside the database: a quarter's
    values need not decode and re-encode the other quarters, nor the villages, scores and awards.
    Without a complete previous snapshot nothing is written: the next `load` rebuilds from the
    revisions.
    """
    if not is_complete(conn, previous):
        return
    stored = _stored_parts(conn, previous, list(KINDS)) if previous else {}
    kept: list[sa.ColumnElement[bool]] = []
    for kind in KINDS:
        parts = stored.get(kind, {})
        if kind not in touched:
            if previous:
                kept.append(snapshots.c.kind == kind)
            else:
                _insert(conn, version, kind, empty(kind))
            continue
        wanted = touched[kind]
        # The "" part of a kind kept by quarter is its empty marker: read, so that it goes.
        changed = {p: s for p, s in parts.items() if wanted is None or p in wanted or p == ""}
        unchanged = [p for p in parts if p not in changed]
        if unchanged:
            kept.append(sa.and_(snapshots.c.kind == kind, snapshots.c.part.in_(unchanged)))
        rows = change(kind, _frame(conn, previous, kind, changed, revision=True))
        # A kind with rows in unchanged parts needs no empty marker.
        if not (rows.empty and unchanged):
            _insert(conn, version, kind, rows)
    if kept:
        columns = (sa.literal(version, sa.Integer), snapshots.c.kind, snapshots.c.part)
        same = sa.select(*columns, snapshots.c.data).where(
            snapshots.c.version == previous, sa.or_(*kept)
        )
        conn.execute(snapshots.insert().from_select(["version", "kind", "part", "data"], same))
    if previous:  # without a data change before there is no older snapshot to drop
        conn.execute(snapshots.delete().where(snapshots.c.version != version))


def split_whole(conn: Connection) -> None:
    """Store the snapshots of an older store, one Parquet file per kind, as today's parts."""
    whole = conn.execute(sa.text("SELECT version, kind, data FROM snapshots")).all()
    conn.execute(sa.text("DROP TABLE snapshots"))
    snapshots.create(conn)
    for version, kind, data in whole:
        table = pq.ParquetFile(pa.py_buffer(data)).read()
        _insert(conn, version, kind, as_stored(kind, table.to_pandas()))


def _insert(conn: Connection, version: int, kind: str, frame: pd.DataFrame) -> None:
    """Store one kind's rows as its parts of the snapshot of `version` (one empty part if none)."""
    column = PART_COLUMN.get(kind)
    if frame.empty or column is None:
        parts = {"": frame}
    else:
        parts = {str(p): rows for p, rows in frame.groupby(column, sort=True, observed=True)}
    conn.execute(
        snapshots.insert(),
        [
            {"version": version, "kind": kind, "part": part, "data": _bytes_of(kind, rows)}
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
