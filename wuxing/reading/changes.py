"""What an upload would change against the current data: the preview shown before confirming."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wuxing import catalog
from wuxing.dataset import KINDS, SCHEMAS, Dataset
from wuxing.reading.template import VILLAGE_HEADERS

CELL_COLUMNS = ["kind", "label", "code", "village", "period", "item", "old", "new"]
COUNT_COLUMNS = ["kind", "label", "new", "changed", "unchanged"]
_FIELD_LABELS = {
    **VILLAGE_HEADERS,
    "level": "目标星级",
    "stars": "目标星",
    "since": "结对时间",
    "until": "结束时间",
    "note": "备注",
}


@dataclass(frozen=True)
class ChangeSummary:
    """Per kind, how many rows are new, changed or unchanged; and every changed cell."""

    counts: pd.DataFrame  # COUNT_COLUMNS, one row per kind the upload carries
    cells: pd.DataFrame  # CELL_COLUMNS, one row per changed cell: old → new

    @property
    def new(self) -> int:
        """Rows that did not exist before."""
        return int(self.counts["new"].sum())

    @property
    def changed(self) -> int:
        """Rows whose value differs from the current one."""
        return int(self.counts["changed"].sum())

    @property
    def unchanged(self) -> int:
        """Rows identical to the current ones."""
        return int(self.counts["unchanged"].sum())

    @property
    def is_noop(self) -> bool:
        """True when storing the upload would change nothing."""
        return self.new == 0 and self.changed == 0


def preview(current: Dataset, incoming: Dataset) -> ChangeSummary:
    """Compare an upload with the current data, kind by kind."""
    names = _names(current, incoming)
    counts, cells = [], []
    for kind in KINDS:
        new_rows = incoming.frame(kind)
        if new_rows.empty:
            continue
        n_new, n_changed, n_same, changed_cells = _compare(
            kind, current.frame(kind), new_rows, names
        )
        counts.append(
            {
                "kind": kind,
                "label": SCHEMAS[kind].label,
                "new": n_new,
                "changed": n_changed,
                "unchanged": n_same,
            }
        )
        cells.append(changed_cells)
    cell_frame = (
        pd.concat(cells, ignore_index=True) if cells else pd.DataFrame(columns=CELL_COLUMNS)
    )
    return ChangeSummary(pd.DataFrame(counts, columns=COUNT_COLUMNS), cell_frame[CELL_COLUMNS])


# A version's record lists the cells it changed when there are at most this many (else counts).
CELLS_RECORDED = 10


def change_record(summary: ChangeSummary) -> dict[str, object]:
    """What a revision changes, as kept in its summary: per kind new / changed / unchanged rows,
    and the changed cells themselves when there are few (a correction, not a quarter's upload)."""
    per_kind = {
        str(row.kind): {
            "new": int(row.new),
            "changed": int(row.changed),
            "unchanged": int(row.unchanged),
        }
        for row in summary.counts.itertuples(index=False)
    }
    cells = summary.cells
    kept = (
        []
        if len(cells) > CELLS_RECORDED
        else [
            {k: str(v) for k, v in cell.items()}
            for cell in cells[["label", "village", "period", "item", "old", "new"]].to_dict(
                "records"
            )
        ]
    )
    return {"changes": per_kind, "changed_cells": kept}


def _names(*datasets: Dataset) -> dict[str, str]:
    out: dict[str, str] = {}
    for ds in datasets:
        out.update(zip(ds.villages["code"].tolist(), ds.villages["name"].tolist(), strict=True))
    return out


def _differs(old: pd.Series, new: pd.Series) -> np.ndarray:
    if pd.api.types.is_float_dtype(new.dtype) or pd.api.types.is_float_dtype(old.dtype):
        a = pd.to_numeric(old, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        b = pd.to_numeric(new, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return ~np.isclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True)
    both_missing = old.isna().to_numpy() & new.isna().to_numpy()
    return ~(old.astype(object).to_numpy() == new.astype(object).to_numpy()) & ~both_missing


def _compare(
    kind: str, old: pd.DataFrame, new: pd.DataFrame, names: dict[str, str]
) -> tuple[int, int, int, pd.DataFrame]:
    if old.empty:  # the first upload of its kind: every row is new, nothing to compare
        return len(new), 0, 0, pd.DataFrame(columns=CELL_COLUMNS)
    key = list(SCHEMAS[kind].key)
    fields = [c for c in SCHEMAS[kind].columns if c not in key]
    merged = new.merge(old, on=key, how="left", suffixes=("", "_old"), indicator=True)
    exists = (merged["_merge"] == "both").to_numpy()
    diff = {f: _differs(merged[f"{f}_old"], merged[f]) & exists for f in fields}
    any_diff = np.logical_or.reduce(list(diff.values())) if diff else np.zeros(len(merged), bool)
    n_new = int((~exists).sum())
    n_changed = int(any_diff.sum())
    parts = []
    for f in fields:
        rows = merged[diff[f]]
        if rows.empty:
            continue
        parts.append(
            pd.DataFrame(
                {
                    "kind": kind,
                    "label": SCHEMAS[kind].label,
                    "code": _code(kind, rows),
                    "village": _village(kind, rows, names),
                    "period": _period(kind, rows),
                    "item": _item(kind, rows, f),
                    "old": _shown(kind, f, rows[f"{f}_old"]),
                    "new": _shown(kind, f, rows[f]),
                }
            )
        )
    cells = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=CELL_COLUMNS)
    return n_new, n_changed, len(merged) - n_new - n_changed, cells


def _code(kind: str, rows: pd.DataFrame) -> pd.Series:
    return rows["mentee"] if kind == "pairs" else rows["code"]


def _village(kind: str, rows: pd.DataFrame, names: dict[str, str]) -> pd.Series:
    if kind == "pairs":
        return (
            rows["mentor"].map(names).fillna(rows["mentor"])
            + " → "
            + rows["mentee"].map(names).fillna(rows["mentee"])
        )
    return rows["code"].map(names).fillna(rows["code"])


def _period(kind: str, rows: pd.DataFrame) -> pd.Series:
    if "period" in rows:
        return rows["period"]
    if "year" in rows:
        return rows["year"].astype(int).astype(str)
    return pd.Series("", index=rows.index)


def _item(kind: str, rows: pd.DataFrame, field: str) -> pd.Series:
    if kind == "values":
        return rows["indicator"].map({i.id: i.display for i in catalog.INDICATORS})
    if kind in ("scores", "awards"):
        return rows["star"].map({s.id: s.label for s in catalog.STARS})
    return pd.Series(_FIELD_LABELS.get(field, field), index=rows.index)


def _shown(kind: str, field: str, values: pd.Series) -> pd.Series:
    """Old and new values as the page shows them (是/否, star names), as text."""
    if field == "awarded":
        return values.map(lambda v: "" if pd.isna(v) else ("是" if v else "否"))
    if field == "stars":
        return values.map(
            lambda v: (
                ""
                if pd.isna(v)
                else "、".join(catalog.STAR_BY_ID[s].label for s in str(v).split(",") if s)
            )
        )
    return values.map(
        lambda v: "" if pd.isna(v) else (f"{v:g}" if isinstance(v, float) else str(v))
    )
