"""How numbers are written for people: units, sensible rounding, thousands separators."""

from __future__ import annotations

import math
from zoneinfo import ZoneInfo

import pandas as pd

#: Township staff read times in Beijing time, whatever the server's clock says.
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
MISSING = "—"
# Money keeps one decimal (10.5 万元); rates one decimal; everything counted is an integer.
_DECIMALS = {"万元": 1, "%": 1, "分": 1, "吨": 0, "亩": 1, "平方米": 0, "立方米": 0}


def decimals(unit: str) -> int:
    """Decimal places shown for a unit."""
    return _DECIMALS.get(unit, 0)


def is_missing(value: object) -> bool:
    """None, NaN and pandas NA all count as missing."""
    if value is None:
        return True
    try:
        return bool(math.isnan(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def number(value: float | None, unit: str = "") -> str:
    """`1430.0, 户` → `1,430`; missing → `—`."""
    if is_missing(value):
        return MISSING
    return f"{float(value):,.{decimals(unit)}f}"  # type: ignore[arg-type]


def quantity(value: float | None, unit: str) -> str:
    """`12.34, 万元` → `12.3 万元`; `%` sticks to the number."""
    text = number(value, unit)
    if text == MISSING:
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def change(value: float | None, unit: str) -> str:
    """Signed change with unit: `+12 户`, `-0.5 万元`."""
    if is_missing(value):
        return MISSING
    sign = "+" if float(value) > 0 else ""  # type: ignore[arg-type]
    return sign + quantity(value, unit)


def percent_change(value: float | None) -> str:
    """Signed percentage: `+3.2%`."""
    if is_missing(value):
        return MISSING
    return f"{float(value):+.1f}%"  # type: ignore[arg-type]


def local_time(moment: object) -> str:
    """A stored time (UTC, or naive meaning UTC) as Beijing time to the minute: `2024-03-02 04:30`."""
    stamp = pd.Timestamp(moment)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.tz_convert(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")
