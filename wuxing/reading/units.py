"""Units: a column's header unit (元 where the catalog keeps 万元) and a unit written in a cell
itself (`5000元`, `5‰`), converted to the catalog unit of the column's indicator. A conversion is
a reminder at its cell, so whoever uploaded can check what was stored; a unit that does not
convert is a problem. The sheet's reader is passed in: its problem list is where they go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from wuxing import catalog
from wuxing.reading.headers import Column
from wuxing.reading.names import clean_text

if TYPE_CHECKING:
    from wuxing.reading.sheets import SheetReader


def unit_factor(reader: SheetReader, column: Column, r: int) -> float | None:
    """The factor that converts a header's unit to the catalog unit; None (reported) if none."""
    ind = catalog.INDICATOR_BY_ID[column.target]
    unit = column.unit
    if not unit or unit == ind.unit or (unit in ("%", "百分比") and ind.unit == "%"):
        return 1.0
    if unit in ind.unit_factors:
        reader.report(
            "read_as_header_unit",
            f"表头“{column.header}”的单位是{unit}，这一列已换算为"
            f"{ind.unit}保存（乘以 {ind.unit_factors[unit]:g}）。",
            r,
            column.index,
            original=unit,
            stored=ind.unit,
        )
        return ind.unit_factors[unit]
    accepted = "、".join([ind.unit, *ind.unit_factors]) if ind.unit_factors else ind.unit
    reader.report(
        "unit_unknown",
        f"表头“{column.header}”的单位“{unit}”无法换算为{ind.label}的单位"
        f"“{ind.unit}”。可用单位：{accepted}。请改正表头单位。",
        r,
        column.index,
    )
    return None


def in_cell_unit(
    reader: SheetReader, value: float, unit: str, col: int, r: int, what: str, cell: object = ""
) -> float:
    """A number whose cell `(r, col)` of an indicator column wrote its own unit (`5000元` in a
    万元 column, `5‰`), in the unit its header names (`cell_unit` says how); a number in any
    other column is kept as it is."""
    column = next((c for c in reader.layout.columns if c.index == col), None)
    if column is None or column.role != "indicator":
        return value
    ind = catalog.INDICATOR_BY_ID[column.target]
    return cell_unit(reader, value, unit, ind, column.unit, r, col, what, cell)


def cell_unit(
    reader: SheetReader,
    value: float,
    unit: str,
    ind: catalog.Indicator,
    header_unit: str,
    r: int,
    col: int,
    what: str,
    cell: object = "",
) -> float:
    """A number of `ind` written with its own `unit` in a cell, in the `header_unit` its column
    (or its row's 单位) names: the caller applies the header's factor, so the cell's own unit
    wins. A reminder says what is stored; NaN, reported, for a unit that does not convert."""
    header_unit = header_unit or ind.unit
    header = _factor(ind, header_unit)
    if unit == header_unit:
        factor = header
    elif unit == ind.unit:  # 12万元 in a column headed （元）: 12 万元, not 0.0012
        factor = 1.0
    elif unit == "‰" and ind.unit == "%":
        factor = 0.1
    elif unit in ind.unit_factors:
        factor = ind.unit_factors[unit]
    else:
        reader.report(
            "unit_unknown",
            f"“{what}”的单元格写了单位“{unit}”，无法换算为{ind.unit}。"
            f"请只填数字，单位按表头（{ind.unit}）。",
            r,
            col,
        )
        return np.nan
    _note_unit(reader, cell, value * factor, ind, r, col, what)
    return value * factor / header


def _note_unit(
    reader: SheetReader,
    cell: object,
    stored: float,
    ind: catalog.Indicator,
    r: int,
    col: int,
    what: str,
) -> None:
    written = clean_text(cell)
    reader.report(
        "read_as_unit",
        f"“{what}”填的是“{written}”，按 {stored:g} {ind.unit} 保存。",
        r,
        col,
        original=written,
        stored=f"{stored:g} {ind.unit}",
    )


def _factor(ind: catalog.Indicator, unit: str) -> float:
    if not unit or unit == ind.unit:
        return 1.0
    return ind.unit_factors.get(unit, 1.0)
