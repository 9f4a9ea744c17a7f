"""Checks across the sheets of an upload and against the store's data: duplicates that
disagree, files that yield nothing, values that jumped or fell since the previous quarter, and
支部过硬星 awarded alone. Each finding is a `Problem`; only the duplicates block an import."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from wuxing import catalog, periods
from wuxing.dataset import SCHEMAS, in_key_order
from wuxing.errors import Problem
from wuxing.reading.cells import cell_ref
from wuxing.reading.problems import problem

# Stocks that only ever grow: counted since the campaign began (DESIGN.md: toilet upgrades).
CUMULATIVE_STOCKS: frozenset[str] = frozenset({catalog.TOILET_UPGRADES})
# A value more than this many times the previous quarter's smells of 元 written as 万元.
JUMP_FACTOR = 5.0
_MONEY = frozenset(i.id for i in catalog.INDICATORS if "元" in i.unit_factors)
_FALLING_WATCH = frozenset(i.id for i in catalog.INDICATORS if i.kind == "ytd") | CUMULATIVE_STOCKS
_KEY = ["code", "period", "indicator"]

#: Reads the current values of some quarters and indicators (like `Store.values_in`).
EarlierValues = Callable[[set[str], set[str]], pd.DataFrame]


def combine(
    kind: str, parts: list[pd.DataFrame], problems: list[Problem]
) -> tuple[pd.DataFrame, bool]:
    """One frame per kind; duplicate keys that agree collapse, those that disagree are errors.

    Also says whether the rows already ascend strictly by key (then unique and in order).
    """
    if not parts:
        return pd.DataFrame(), True
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    key = list(SCHEMAS[kind].key)
    # A sheet read in key order (read_values writes its rows so) repeats no key: comparing
    # neighbours is several times cheaper than hashing every key to look for repeats.
    if in_key_order(frame, key):
        return frame, True
    repeated = frame.duplicated(key, keep=False)
    if repeated.any():
        # Optional columns (a 村庄 sheet without 户数) are absent, not conflicting.
        fields = [c for c in SCHEMAS[kind].columns if c not in key and c in frame.columns]
        for _, group in frame[repeated].groupby(key, sort=False):
            first = group.iloc[0]
            for _, other in group.iloc[1:].iterrows():
                if _same(first, other, fields):
                    continue
                where = f"{first['_sheet']}!{cell_ref(int(first['_row']), int(first['_col']))}"
                shown = "、".join(
                    f"{_show(first[f])} 与 {_show(other[f])}"
                    for f in fields
                    if not _equal(first[f], other[f])
                )
                if first["_file"] != other["_file"]:
                    # Most often a corrected file chosen next to the one it corrects.
                    fix = (
                        f"两个文件“{first['_file']}”和“{other['_file']}”含有同一项数据但数值不同"
                        f"（{first['_file']} 的 {where} 与这里分别为 {shown}）。如果其中一个是改正后的文件，"
                        f"请在上传框中移除另一个（多半是先选的“{first['_file']}”，点文件名右侧的 ×），再重新检查。"
                    )
                else:
                    fix = f"这一项数据重复出现且不一致：{where} 与这里分别为 {shown}。请删除重复行或改正其中一个。"
                problems.append(
                    problem(
                        "duplicate_conflict",
                        fix,
                        file=other["_file"],
                        sheet=other["_sheet"],
                        row=int(other["_row"]) + 1,
                        cell=cell_ref(int(other["_row"]), int(other["_col"])),
                    )
                )
        frame = frame.drop_duplicates(key, keep="first")
    return frame, False


def _equal(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return bool(np.isclose(a, b, equal_nan=True))
    return a == b or (pd.isna(a) and pd.isna(b)) if not isinstance(a, str) else a == b


def _same(a: pd.Series, b: pd.Series, fields: list[str]) -> bool:
    return all(_equal(a[f], b[f]) for f in fields)


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def no_data(
    files: list[tuple[str, bytes]], frames: dict[str, pd.DataFrame], problems: list[Problem]
) -> None:
    """A file that yields no row and no error is reported: most likely the wrong file."""
    found = {f for frame in frames.values() if not frame.empty for f in frame["_file"].unique()}
    blamed = {p.file for p in problems if p.is_error}
    for name, _ in files:
        if name not in found and name not in blamed:
            problems.append(
                problem(
                    "no_data",
                    "文件中没有找到可导入的数据。应至少包含一张按模板填写的表"
                    "（村庄、指标、星级评分、星级评定、创星目标、结对帮带），且表头下有数据行。",
                    file=name,
                )
            )


def jumps_and_falls(incoming: pd.DataFrame, earlier: EarlierValues) -> list[Problem]:
    """Warnings: money up more than 5× on the previous quarter; cumulative figures that fall.

    `earlier(periods, indicators)` gives the stored values to compare with (it may return more).
    """
    if incoming.empty:
        return []
    watched = incoming[incoming["indicator"].isin(_MONEY | _FALLING_WATCH)]
    if watched.empty:
        return []
    previous = {p: periods.previous(p) for p in watched["period"].unique()}
    # Only the quarters compared with, and only watched indicators: the store may hold a
    # province's every quarter, and the first upload has nothing earlier at all.
    stored = earlier(set(previous.values()), set(watched["indicator"].unique()))
    # The upload's own earlier quarter counts too (an upload of two quarters compares its second
    # with its first), and wins where the store holds the same cell.
    own = watched[watched["period"].isin(previous.values())]
    if stored.empty and own.empty:  # nothing earlier to compare with (a first upload)
        return []
    before = pd.concat([_keyed(stored), _keyed(own)]).drop_duplicates(_KEY, keep="last")
    before = before.rename(columns={"period": "previous", "value": "before"})
    rows = watched.astype(dict.fromkeys(_KEY, str))
    rows["previous"] = rows["period"].map(previous).astype(str)
    pairs = rows.merge(before, on=["code", "previous", "indicator"])
    money = pairs["indicator"].isin(_MONEY)
    jumps = money & (pairs["before"] > 0) & (pairs["value"] > JUMP_FACTOR * pairs["before"])
    # A year-to-date figure starts again in the first quarter; a stock never does.
    same_year = pairs["period"].str[:4] == pairs["previous"].str[:4]
    falls = pairs["indicator"].isin(_FALLING_WATCH) & (pairs["value"] < pairs["before"] - 1e-9)
    falls &= same_year | pairs["indicator"].isin(CUMULATIVE_STOCKS)
    flagged = pairs.assign(jump=jumps)[jumps | falls].sort_values(["_row", "_col"], kind="stable")
    out = []
    for row in flagged.rename(columns=lambda c: c.lstrip("_")).itertuples(index=False):
        ind = catalog.INDICATOR_BY_ID[row.indicator]
        where = {
            "file": row.file,
            "sheet": row.sheet,
            "row": int(row.row) + 1,
            "cell": cell_ref(int(row.row), int(row.col)),
        }
        now, before, unit = row.value, row.before, ind.unit
        if row.jump:
            out.append(
                problem(
                    "jump_suspect",
                    f"“{ind.label}”{row.period} 为 {now:g}{unit}，是上季度（{before:g}{unit}）的 "
                    f"{now / before:.0f} 倍。是否把“元”当成了“{unit}”？若表头单位是元，请在表头写明（元），"
                    "系统会自动换算；数值无误可忽略此提示。",
                    **where,
                )
            )
        else:
            kind = "年内累计数" if ind.kind == "ytd" else "累计数"
            out.append(
                problem(
                    "cumulative_fall",
                    f"“{ind.label}”是{kind}，{row.period} 为 {now:g}{unit}，比上季度（{before:g}{unit}）"
                    "还少。累计数一般不会减少，请核对是否填成了当季数。",
                    **where,
                )
            )
    return out


def _keyed(values: pd.DataFrame) -> pd.DataFrame:
    """The key (as plain text: the store hands back categoricals) and value of values rows."""
    return values[_KEY].astype(str).assign(value=values["value"].astype(float))


def branch_alone(incoming: pd.DataFrame, current: pd.DataFrame) -> list[Problem]:
    """Warnings: 支部过硬星 awarded while the other four stars are not all held that year."""
    if incoming.empty:
        return []
    branch = incoming[(incoming["star"] == "branch") & incoming["awarded"].astype(bool)]
    if branch.empty:
        return []
    # Only the villages and years of those rows: the rest cannot change the answer.
    codes, years = set(branch["code"].unique()), set(branch["year"].unique())
    columns = ["code", "year", "star", "awarded"]
    merged = pd.concat(
        [f.loc[f["code"].isin(codes) & f["year"].isin(years), columns] for f in (current, incoming)]
    )
    held = merged.drop_duplicates(["code", "year", "star"], keep="last")
    held = held[held["awarded"].astype(bool)].groupby(["code", "year"])["star"].agg(set).to_dict()
    others = set(catalog.STAR_IDS) - {"branch"}
    out = []
    for row in branch.rename(columns=lambda c: c.lstrip("_")).itertuples(index=False):
        missing = others - held.get((row.code, int(row.year)), set())
        if missing:
            names = "、".join(catalog.STAR_BY_ID[s].label for s in catalog.STAR_IDS if s in missing)
            out.append(
                problem(
                    "branch_without_others",
                    f"{row.year} 年评定了支部过硬星，但未评定{names}。支部过硬星一般在其他四星都评定后才授予，请核对。",
                    file=row.file,
                    sheet=row.sheet,
                    row=int(row.row) + 1,
                    cell=cell_ref(int(row.row), int(row.col)),
                )
            )
    return out
