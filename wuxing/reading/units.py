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
    """A number whose cell `(r, col)` wrote its own unit (`5000元` in a 万元 column, `5‰`), in the
    unit its header names (the header's factor is applied with the column's); a reminder says
    what is stored. NaN, reported, for a unit that does not convert; only an indicator column
    converts, any other keeps the number."""
    column = next((c for c in reader.layout.columns if c.index == col), None)
    if column is None or column.role != "indicator":
        return value
    ind = catalog.INDICATOR_BY_ID[column.target]
    header_unit = column.unit or ind.unit
    if unit in (ind.unit, header_unit) or (unit in ("%", "‰") and ind.unit == "%"):
        read = value * (0.1 if unit == "‰" else 1.0)
        _note_unit(reader, cell, read * _factor(ind, header_unit), ind, r, col, what)
        return read
    if unit in ind.unit_factors:
        # The cell's own unit wins over the header's; undo the header factor applied later.
        _note_unit(reader, cell, value * ind.unit_factors[unit], ind, r, col, what)
        return value * ind.unit_factors[unit] / _factor(ind, header_unit)
    reader.report(
        "unit_unknown",
        f"“{what}”的单元格写了单位“{unit}”，无法换算为{ind.unit}。"
        f"请只填数字，单位按表头（{ind.unit}）。",
        r,
        col,
    )
    return np.nan


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
