"""The indicator value sheets → values rows: wide (村名, 季度, one column per indicator) and long
(村名, 季度, 指标[, 单位], 数值); header units converted (`units`), impossible values and totals
that do not add up reported."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from wuxing import catalog
from wuxing.reading.cells import cell_at, read_numbers
from wuxing.reading.headers import INDICATOR_BY_HEADER, Column, suggest_header
from wuxing.reading.names import compact, is_missing, split_header
from wuxing.reading.sheets import SheetReader
from wuxing.reading.units import cell_unit, unit_factor

# Money may legitimately be negative (a loss); counts, areas and rates may not.
_SIGNED_UNITS = frozenset({"万元"})


def read_values(reader: SheetReader) -> pd.DataFrame:
    """A wide indicator sheet (村名, 季度, one column per indicator) → values rows."""
    layout = reader.layout
    fallback = reader.sheet_period()
    rows_kinds = reader.data_rows()
    seen: dict[str, Column] = {}
    indicator_cols: list[tuple[Column, float]] = []
    for column in layout.all("indicator"):
        if column.target in seen:
            reader.report(
                "header_duplicate",
                f"指标“{catalog.INDICATOR_BY_ID[column.target].label}”出现在两列"
                f"（{seen[column.target].header} 和 {column.header}）。请删除重复的一列。",
                layout.header_row,
                column.index,
            )
            continue
        seen[column.target] = column
        factor = unit_factor(reader, column, layout.header_row)
        if factor is not None:
            indicator_cols.append((column, factor))
    _report_unknown_headers(reader, [r for r, k in rows_kinds if k == "data"])
    data = [r for r, k in rows_kinds if k == "data"]
    codes = reader.villages(data)
    quarters = reader.periods(data, fallback)
    valid = np.array(
        [c is not None and q is not None for c, q in zip(codes, quarters, strict=True)], dtype=bool
    )
    # One transposition instead of a Python lookup per cell.
    table = reader.columns_of(data)
    blocks, oks = [], []
    # No total row is the common case: decided once, not once per indicator column.
    has_totals = any(kind != "data" for _, kind in rows_kinds)
    for column, factor in indicator_cols:
        ind = catalog.INDICATOR_BY_ID[column.target]
        raw: list[object] = table[column.index] if column.index < len(table) else [""] * len(data)
        values = reader.numbers(column.index, data, ind.label, raw) * factor
        oks.append(_validate(reader, ind, values, data, column.index) & valid)
        blocks.append(values)
        if has_totals:
            _check_totals(reader, rows_kinds, data, values, column, ind, factor)
    if not blocks or not data:
        return pd.DataFrame()
    # Row-major in key order: villages (then quarters) ascending, indicators by id, keeping only
    # the filled cells. Rows in key order let the importer skip its duplicate search and sort.
    keys = list(zip([c or "" for c in codes], [q or "" for q in quarters], strict=True))
    order = np.array(sorted(range(len(data)), key=keys.__getitem__), dtype=np.int64)
    by_id = np.array(
        sorted(range(len(indicator_cols)), key=lambda j: indicator_cols[j][0].target),
        dtype=np.int64,
    )
    matrix = np.column_stack(blocks)[order][:, by_id].ravel()
    mask = np.column_stack(oks)[order][:, by_id].ravel()
    width = len(blocks)
    row_of = np.repeat(order, width)[mask]
    col_of = np.tile(by_id, len(data))[mask]
    ids = np.array([c.target for c, _ in indicator_cols], dtype=object)
    places = np.array([c.index for c, _ in indicator_cols], dtype=np.int64)
    return pd.DataFrame(
        {
            "code": _take(codes, row_of),
            "period": _take(quarters, row_of),
            "indicator": _take(list(ids), col_of),
            "value": matrix[mask],
            "_row": np.asarray(data, dtype=np.int64)[row_of],
            "_col": places[col_of],
        }
    )


def read_values_long(reader: SheetReader) -> pd.DataFrame:
    """The long layout (村名, 季度, 指标[, 单位], 数值) → values rows."""
    layout = reader.layout
    fallback = reader.sheet_period()
    ind_col, value_col = layout.first("long_indicator"), layout.first("long_value")
    unit_col = layout.first("long_unit")
    assert ind_col is not None and value_col is not None
    data = [r for r, k in reader.data_rows() if k == "data"]
    # A unit written in a 数值 cell (`42000元`) converts by the row's indicator, not the column.
    values, units = reader.numbers_and_units(value_col.index, data, "数值")
    out = []
    for pos, r in enumerate(data):
        row = reader.sheet.rows[r]
        label, unit = split_header(cell_at(row, ind_col.index))
        indicator = INDICATOR_BY_HEADER.get(label.lower())
        code, quarter = reader.village(r), reader.period(r, fallback)
        if indicator is None:
            close = suggest_header(label)
            hint = f"是否是：{'、'.join(close)}？" if close else ""
            reader.report(
                "indicator_unknown",
                f"无法识别指标“{label}”。{hint}请使用模板中的指标名称。",
                r,
                ind_col.index,
            )
            continue
        ind = catalog.INDICATOR_BY_ID[indicator]
        if unit_col is not None and not is_missing(cell_at(row, unit_col.index)):
            unit = compact(cell_at(row, unit_col.index))
        factor = unit_factor(
            reader,
            Column(
                ind_col.index if not unit_col else unit_col.index,
                "indicator",
                f"{label}（{unit}）",
                indicator,
                unit,
            ),
            r,
        )
        if factor is None or np.isnan(values[pos]):
            continue
        value = values[pos]
        if pos in units:
            written, cell = units[pos]
            value = cell_unit(reader, value, written, ind, unit, r, value_col.index, label, cell)
        value *= factor
        if np.isnan(value):
            continue
        ok = _validate(reader, ind, np.array([value]), [r], value_col.index)[0]
        if ok and code and quarter:
            out.append(
                {
                    "code": code,
                    "period": quarter,
                    "indicator": indicator,
                    "value": value,
                    "_row": r,
                    "_col": value_col.index,
                }
            )
    return pd.DataFrame(out)


def _validate(
    reader: SheetReader, ind: catalog.Indicator, values: np.ndarray, rows: list[int], col: int
) -> np.ndarray:
    """Report negative counts and rates over 100 %; returns the mask of acceptable values."""
    ok = ~np.isnan(values)
    if ind.unit not in _SIGNED_UNITS:
        for pos in np.flatnonzero(values < 0):
            reader.report(
                "negative_value",
                f"“{ind.label}”不能为负数，这里是 {values[pos]:g}{ind.unit}。请核对数值。",
                rows[pos],
                col,
            )
            ok[pos] = False
    limit = ind.max_value
    if limit is not None:
        for pos in np.flatnonzero(values > limit + 1e-9):
            if ind.unit == "%":
                reader.report(
                    "rate_over_100",
                    f"“{ind.label}”是比率，不能超过 100%，这里是 {values[pos]:g}。"
                    "请核对（应填 0–100 之间的百分数）。",
                    rows[pos],
                    col,
                )
            else:
                reader.report(
                    "value_invalid",
                    f"“{ind.label}”只能填 0 或 1（否/是），这里是 {values[pos]:g}。",
                    rows[pos],
                    col,
                )
            ok[pos] = False
    return ok


def _take(items: Sequence[object], positions: np.ndarray) -> pd.Series:
    """Strings repeated by position, built as an arrow string column (the canonical dtype)."""
    if not len(positions):
        return pd.Series([], dtype="str")
    codes, uniques = pd.factorize(pd.Series(items, dtype=object))
    labels = pd.array(np.asarray(uniques, dtype=object), dtype="str")
    # Positions only point at resolved rows, so no code is the -1 of a missing value.
    return pd.Series(labels.take(codes[positions]))


def _report_unknown_headers(reader: SheetReader, data: list[int]) -> None:
    for column in reader.layout.unknown:
        if all(is_missing(cell_at(reader.sheet.rows[r], column.index)) for r in data):
            continue  # an empty column with an odd header carries nothing to lose
        close = suggest_header(column.header)
        hint = f"是否是：{'、'.join(close)}？" if close else "请使用模板中的指标名称。"
        reader.report(
            "header_unknown",
            f"无法识别表头“{column.header}”，这一列的数据无法导入。{hint}",
            reader.layout.header_row,
            column.index,
        )


def _check_totals(
    reader: SheetReader,
    rows_kinds: list[tuple[int, str]],
    data: list[int],
    values: np.ndarray,
    column: Column,
    ind: catalog.Indicator,
    factor: float,
) -> None:
    """Compare 合计/小计 rows with the sum of the rows they cover (warning when they differ)."""
    if ind.is_rate or ind.direction == "bool":
        return  # a rate's total row is an average or a ratio, not a sum
    position = {r: i for i, r in enumerate(data)}
    start = 0
    done = 0
    for r, kind in rows_kinds:
        if kind == "data":
            done = position[r] + 1
            continue
        lo = start if kind == "subtotal" else 0
        covered = values[lo:done]
        expected = float(np.nansum(covered))
        parsed = read_numbers([cell_at(reader.sheet.rows[r], column.index)])
        total = parsed.values[0] * factor
        if kind == "subtotal":
            start = done
        if np.isnan(total):
            continue
        if abs(total - expected) > max(0.011, abs(expected) * 1e-6):
            reader.report(
                "total_mismatch",
                f"合计行“{ind.label}”为 {total:g}，各村相加为 {expected:g}，"
                "两者不一致。合计行不会导入，请核对各村数值。",
                r,
                column.index,
            )
