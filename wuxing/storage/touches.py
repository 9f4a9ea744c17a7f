"""Per revision, how many rows it set per village and kind (what a village's profile lists).

Counted once, when the revision is stored, and kept as Parquet bytes in `revision_touches`:
counting an 11 M-row revision again on every server start would take seconds. A revision stored
before counts were kept is counted from its rows the first time the counts are asked for.
"""

from __future__ import annotations

import io

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from wuxing.storage import snapshot
from wuxing.storage.schema import DATA_TABLES, frame_of, revision_touches, revisions

#: The columns of `read_all`.
COLUMNS = ["revision", "code", "kind", "rows"]


def counted(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows per village and kind of one revision's frames (pairs count for both villages).

    Columns: code, kind, rows.
    """
    parts = [_counted(kind, frame) for kind, frame in frames.items() if not frame.empty]
    if not parts:
        return pd.DataFrame({"code": [], "kind": [], "rows": []}).astype(_TYPES)
    return pd.concat(parts, ignore_index=True)


_TYPES = {"code": "str", "kind": "str", "rows": "int64"}


def _counted(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    if kind == "pairs":
        codes = pd.concat([frame["mentor"], frame["mentee"]], ignore_index=True)
    else:
        codes = frame["code"]
    counts = codes.astype(str).value_counts()
    rows = counts.to_numpy(dtype="int64")
    return pd.DataFrame({"code": counts.index.astype(str), "kind": kind, "rows": rows})


def record(conn: Connection, revision_id: int, frames: dict[str, pd.DataFrame]) -> None:
    """Keep the counts of the rows revision `revision_id` set (`frames`, per kind)."""
    data = snapshot.parquet(counted(frames))
    conn.execute(revision_touches.insert().values(revision_id=revision_id, data=data))


def uncounted(conn: Connection) -> list[int]:
    """Ids of the revisions without kept counts (stored before counts were kept)."""
    query = sa.select(revisions.c.id).where(
        revisions.c.id.not_in(sa.select(revision_touches.c.revision_id))
    )
    return [int(rid) for rid in conn.execute(query).scalars()]


def count_uncounted(conn: Connection) -> None:
    """Count and keep, from their stored rows, the rows of each revision without kept counts."""
    for revision_id in uncounted(conn):
        frames = {
            kind: _village_columns(conn, table, revision_id) for kind, table in DATA_TABLES.items()
        }
        record(conn, revision_id, frames)


def _village_columns(conn: Connection, table: sa.Table, revision_id: int) -> pd.DataFrame:
    """A revision's village columns of one data table (code; a pair's mentor and mentee)."""
    names = ["mentor", "mentee"] if "mentor" in table.c else ["code"]
    query = sa.select(*(table.c[name] for name in names)).where(table.c.revision_id == revision_id)
    return frame_of(conn.execute(query))


def read_all(conn: Connection) -> pd.DataFrame:
    """The kept counts of every revision (columns `COLUMNS`)."""
    frames = [
        pd.read_parquet(io.BytesIO(bytes(row.data))).assign(revision=row.revision_id)
        for row in conn.execute(sa.select(revision_touches))
    ]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)[COLUMNS]
