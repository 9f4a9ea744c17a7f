"""The table an editor corrects one village's quarter in, and what the edits amount to."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from wuxing import catalog, formatting, periods
from wuxing.dataset import Dataset

#: The editable column of `editable_values`; the others are shown for reference only.
NEW = "新值"
CURRENT = "当前值"


def editable_values(ds: Dataset, code: str, period: str) -> pd.DataFrame:
    """Every catalog indicator (by star) with the village's current value for the quarter and an
    empty 新值; indexed by indicator id."""
    values = ds.values
    mine = values[(values["code"] == code) & (values["period"] == period)]
    current = dict(zip(mine["indicator"].tolist(), mine["value"].tolist(), strict=True))
    ids = [i.id for i in catalog.INDICATORS]
    return pd.DataFrame(
        {
            "星": [catalog.STAR_BY_ID[catalog.INDICATOR_BY_ID[i].star].label for i in ids],
            "指标": [catalog.INDICATOR_BY_ID[i].label for i in ids],
            "单位": [catalog.INDICATOR_BY_ID[i].unit for i in ids],
            CURRENT: [current.get(i, math.nan) for i in ids],
            NEW: [math.nan] * len(ids),
        },
        index=pd.Index(ids, name="indicator"),
    )


def edits(table: pd.DataFrame) -> dict[str, float]:
    """The indicators given a 新值 that differs from the current one: id → new value."""
    out = {}
    for ind, old, new in zip(table.index, table[CURRENT], table[NEW], strict=True):
        if new is None or pd.isna(new):
            continue
        if pd.isna(old) or not math.isclose(float(old), float(new), rel_tol=1e-12, abs_tol=1e-12):
            out[str(ind)] = float(new)
    return out


def note(name: str, period: str, changed: Mapping[str, float], table: pd.DataFrame) -> str:
    """What a correction changed, for the version history: `在线改正 甲村 2024年第一季度：…`."""
    parts = []
    for ind, new in changed.items():
        meta = catalog.INDICATOR_BY_ID[ind]
        old = table.loc[ind, CURRENT]
        before = "空" if pd.isna(old) else formatting.quantity(float(old), meta.unit)
        parts.append(f"{meta.label} {before} → {formatting.quantity(new, meta.unit)}")
    return f"在线改正 {name} {periods.label(period)}：" + "；".join(parts)
