"""How each data change alters a kind's current rows (the snapshot, `wuxing.storage.snapshot`).

- a commit: its rows replace the current rows of the same key, new keys are added;
- a rollback: keys whose current row came from the rolled-back revision fall back to the newest
  live row of another revision (or go, when there is none);
- a restore: the restored revision's rows win wherever the current row is older (or missing).

Each is a function from a kind's current frame (with revision_id) to the new one, which
`snapshot.advance` applies to the kinds the change touched. The result always equals a rebuild
from the live revisions (`snapshot.rebuild`); tests/test_snapshot.py holds them to it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from wuxing.dataset import SCHEMAS, Dataset, conform
from wuxing.storage import snapshot
from wuxing.storage.schema import DATA_TABLES, frame_of, revisions

#: A kind and its current frame → its new frame.
Change = Callable[[str, pd.DataFrame], pd.DataFrame]


def of_commit(data: Dataset, revision_id: int) -> Change:
    """The change a commit of `data` as revision `revision_id` makes."""

    def change(kind: str, current: pd.DataFrame) -> pd.DataFrame:
        rows = data.frame(kind)
        if rows.empty:
            return current
        return _overlay(kind, current, _as_snapshot_rows(kind, rows, revision_id))

    return change


def of_rollback(conn: Connection, revision_id: int) -> Change:
    """The change rolling back revision `revision_id` makes (reads the fallback rows on `conn`)."""

    def change(kind: str, current: pd.DataFrame) -> pd.DataFrame:
        gone = current["revision_id"] == revision_id
        if not gone.any():
            return current
        table = DATA_TABLES[kind]
        key = list(SCHEMAS[kind].key)
        mine = table.alias("mine")
        # Only rows of live revisions sharing a key with the rolled-back one: a small set unless
        # the revision was a whole province, and then it is the same size as a rebuild.
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
        fallback = frame_of(conn.execute(query))
        kept = current[~gone]
        if fallback.empty:
            return kept.reset_index(drop=True)
        newest = fallback.drop_duplicates(key, keep="last")
        return _overlay(kind, kept, _as_snapshot_rows(kind, newest, newest["revision_id"]))

    return change


def of_restore(conn: Connection, revision_id: int) -> Change:
    """The change restoring revision `revision_id` makes (reads its rows on `conn`)."""

    def change(kind: str, current: pd.DataFrame) -> pd.DataFrame:
        table = DATA_TABLES[kind]
        query = sa.select(table).where(table.c.revision_id == revision_id)
        rows = frame_of(conn.execute(query))
        if rows.empty:
            return current
        rows = _as_snapshot_rows(kind, rows, revision_id)
        key = list(SCHEMAS[kind].key)
        owner = pd.Series(current["revision_id"].to_numpy(), index=_key_index(current, key))
        found = owner.reindex(_key_index(rows, key)).to_numpy(dtype="float64", na_value=0)
        return _overlay(kind, current, rows[found < revision_id])

    return change


def _as_snapshot_rows(kind: str, rows: pd.DataFrame, revision_id: object) -> pd.DataFrame:
    """Rows of `kind` (canonical or as read from its table) in the snapshot's columns and dtypes,
    with their revision_id (one for all, or one per row)."""
    if not np.isscalar(revision_id):
        revision_id = np.asarray(revision_id)
    return snapshot.categorised(kind, conform(kind, rows).assign(revision_id=revision_id))


def _overlay(kind: str, current: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """`current` with `rows` replacing its rows of the same key, new keys appended."""
    if rows.empty:
        return current
    if current.empty:
        return rows.reset_index(drop=True)
    replaced = _replaced(current, rows, list(SCHEMAS[kind].key))
    return snapshot.concat(kind, [current[~replaced], rows])


def _replaced(current: pd.DataFrame, rows: pd.DataFrame, key: list[str]) -> np.ndarray:
    """Which rows of `current` have the key of one of `rows`."""
    return _key_index(current, key).isin(_key_index(rows, key))


def _key_index(frame: pd.DataFrame, key: list[str]) -> pd.MultiIndex:
    # As text: a categorical and a plain column holding the same words compare equal.
    return pd.MultiIndex.from_frame(frame[key].astype(str))
