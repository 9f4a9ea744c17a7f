"""Reading single cells and whole columns: numbers, quarters, years, yes/no, with their problems."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wuxing import periods
from wuxing.reading.names import (
    MISSING_MARKERS,
    NotANumberError,
    Number,
    clean_text,
    compact,
    is_missing,
    parse_number,
)

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_YES = frozenset(
    {"是", "√", "✓", "✔", "1", "有", "已获", "获得", "已评", "达标", "y", "yes", "true", "★"}
)
_NO = frozenset({"否", "×", "✗", "✘", "0", "未获", "未", "无星", "n", "no", "false", "不达标"})
_NOTE_MARKERS = (
    "填表人",
    "审核人",
    "备注",
    "制表人",
    "填报人",
    "负责人",
    "填表日期",
    "填报日期",
    "统计人",
    "联系电话",
    "注:",
    "说明:",
    "单位负责人",
    "审核:",
    "制表:",
    "日期:",
)
_TOTAL_MARKERS = ("合计", "总计", "小计", "汇总")


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based column index: 0 → A, 27 → AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(row: int, column: int) -> str:
    """The `C7` reference of a 0-based (row, column)."""
    return f"{column_letter(column)}{row + 1}"


def cell_at(row: list[object], index: int) -> object:
    """A row's cell, '' past its end (rows are ragged in CSV files)."""
    return row[index] if index < len(row) else ""


# A row whose first cells hold none of these characters can be neither a note nor a total.
_MARKER_CHARS = frozenset("".join(_NOTE_MARKERS + _TOTAL_MARKERS))


def row_kind(row: list[object], skip: set[int]) -> str:
    """`blank`, `note` (signature and remarks), `total` (合计/总计), `subtotal` or `data`."""
    # Only the first few filled cells decide, so a wide data row costs a handful of checks.
    head: list[str] = []
    first_text: str | None = None
    has_data = False
    for i, cell in enumerate(row):
        if cell == "" or cell is None:
            continue
        if type(cell) is str:
            if cell.strip().lower() in MISSING_MARKERS:
                continue
            if len(head) < 3:
                head.append(cell)
            if not has_data and i not in skip:
                first_text = cell
        elif isinstance(cell, float) and cell != cell:
            continue
        if i not in skip:
            has_data = True
        if has_data and (len(head) >= 3 or i > 4):
            break
    if not has_data:
        return "blank"
    if not _MARKER_CHARS.intersection("".join(head)):
        return "data"
    if first_text is not None and compact(first_text).startswith(_NOTE_MARKERS):
        return "note"
    # 合计 often sits in the 序号 column, so the markers are looked for there too.
    joined = "".join(compact(t) for t in head)
    if "小计" in joined:
        return "subtotal"
    if any(m in joined for m in _TOTAL_MARKERS):
        return "total"
    return "data"


def transposed(rows: list[list[object]]) -> list[list[object]]:
    """The columns of `rows`, '' where a short row ends."""
    if len(set(map(len, rows))) == 1:
        # Rows of one length (calamine's always are): one numpy pass, 2-4x quicker than zip.
        return np.array(rows, dtype=object).T.tolist()
    return [list(c) for c in itertools.zip_longest(*rows, fillvalue="")]


def quarter_of_cell(value: object) -> str | None:
    """The quarter a cell names (text in any spelling, or a date); None if it names none.

    Raises periods.PeriodError for an impossible quarter (2023Q5).
    """
    if isinstance(value, dt.date):
        return f"{value.year}Q{(value.month - 1) // 3 + 1}"
    if is_missing(value):
        return None
    return periods.parse_quarter(clean_text(value))


def year_of_cell(value: object) -> int | None:
    """The year a cell names (2023, 2023.0, 2023年, 2023年度), None if it names none."""
    if isinstance(value, dt.date):
        return value.year
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() and 1900 <= value <= 2100 else None
    match = _YEAR.search(clean_text(value))
    return int(match.group(1)) if match else None


def yes_no(value: object) -> bool | None:
    """是/否 (and √/×, 1/0 …) as True/False; None when missing. Raises ValueError otherwise."""
    if isinstance(value, bool):
        return value
    if is_missing(value):
        return None
    text = compact(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(text)


@dataclass
class NumberColumn:
    """A column of numbers as read: values (NaN = missing), in-cell units, the cells that failed."""

    values: np.ndarray
    units: dict[int, str]  # position → unit written in the cell
    failures: dict[int, str]  # position → the text that is not a number


def read_numbers(raw: list[object]) -> NumberColumn:
    """Parse a column of cells; vectorised for the plain numbers, cell by cell for the rest."""
    series = pd.Series(raw, dtype=object)
    values = pd.to_numeric(series, errors="coerce").to_numpy(
        dtype=float, na_value=np.nan, copy=True
    )
    # Only the cells pandas could not read need a closer look (1,234 / 85% / 5000元 / — …).
    suspect = np.isnan(values) | np.isinf(values)
    units: dict[int, str] = {}
    failures: dict[int, str] = {}
    for pos in np.flatnonzero(suspect):
        cell = raw[pos]
        if cell == "" or cell is None:
            continue
        try:
            number: Number | None = parse_number(cell)
        except NotANumberError:
            failures[int(pos)] = clean_text(cell)
            values[pos] = np.nan
            continue
        if number is None:
            values[pos] = np.nan
        else:
            values[pos] = number.value
            if number.unit:
                units[int(pos)] = number.unit
    return NumberColumn(values, units, failures)
