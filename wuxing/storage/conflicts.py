"""Two uploads checked against the same data must not silently overwrite each other: the later
one is refused when a data change stored since its preview set any of the same cells to another
value."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from wuxing import formatting
from wuxing.dataset import SCHEMAS, Dataset, conform
from wuxing.errors import ConflictError
from wuxing.storage.revisions import DATA_ACTIONS
from wuxing.storage.schema import DATA_TABLES, events, frame_of, revisions


def refuse_conflicts(conn: Connection, data: Dataset, base_version: int) -> None:
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
