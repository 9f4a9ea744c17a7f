"""How numbers are written for people: units, sensible rounding, thousands separators."""

from __future__ import annotations

import math
from datetime import date, datetime
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
        # float() is asked of anything on purpose: what it refuses (text, objects) is missing.
        return bool(math.isnan(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def rounded(value: float, unit: str = "") -> float:
    """`value` rounded as it is shown in `unit`, never a negative zero (-0.04 分 → 0.0)."""
    # Adding 0.0 turns -0.0 into 0.0, so nothing rounded to zero is ever written "-0.0".
    return round(float(value), decimals(unit)) + 0.0


def number(value: float | None, unit: str = "", separators: bool = True) -> str:
    """`1430.0, 户` → `1,430` (`1430` unseparated, as a written notice has it); missing → `—`."""
    if value is None or is_missing(value):
        return MISSING
    comma = "," if separators else ""
    return f"{rounded(value, unit):{comma}.{decimals(unit)}f}"


def quantity(value: float | None, unit: str) -> str:
    """`12.34, 万元` → `12.3 万元`; `%` sticks to the number."""
    text = number(value, unit)
    if text == MISSING:
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def prose(value: float | None, unit: str) -> str:
    """A quantity as a written notice puts it: `1712户`, `306.7万元`, `10.9%` (no separators, no
    space)."""
    text = number(value, unit, separators=False)
    return text if text == MISSING else f"{text}{unit}"


def is_zero(value: float | None, unit: str = "") -> bool:
    """A change that reads as zero once rounded for `unit` (-0.04 分 is no change)."""
    return value is not None and not is_missing(value) and rounded(value, unit) == 0


def change(value: float | None, unit: str) -> str:
    """Signed change with unit: `+12 户`, `-0.5 万元`; one that rounds to zero is `0 户`,
    unsigned."""
    if value is None or is_missing(value):
        return MISSING
    sign = "+" if rounded(value, unit) > 0 else ""
    return sign + quantity(value, unit)


def signed(value: float | None, unit: str, suffix: str = "") -> str:
    """A signed number with `suffix` after it (`+1.5 个百分点`), rounded for `unit`; zero
    unsigned."""
    if value is None or is_missing(value):
        return MISSING
    shown = rounded(value, unit)
    return (
        f"{shown:+.{decimals(unit)}f}{suffix}" if shown else f"{shown:.{decimals(unit)}f}{suffix}"
    )


def percent_change(value: float | None) -> str:
    """Signed percentage: `+3.2%`; one that rounds to zero is `0.0%`, unsigned."""
    return signed(value, "%", "%")


def local_times(moments: pd.Series, seconds: bool = False) -> pd.Series:
    """Stored times (UTC, or naive meaning UTC) in Beijing time, written as `local_time` does
    (`seconds`: to the second)."""
    stamps = pd.to_datetime(moments, utc=True).dt.tz_convert(LOCAL_TIME)
    return stamps.dt.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def local_days(moments: pd.Series) -> pd.Series:
    """The Beijing calendar day of stored times (UTC, or naive meaning UTC)."""
    return pd.to_datetime(moments, utc=True).dt.tz_convert(LOCAL_TIME).dt.date


def local_time(moment: object, *, day_only: bool = False) -> str:
    """A stored time (UTC, or naive meaning UTC) in Beijing time to the minute:
    `2024-03-02 04:30` (`day_only`: its Beijing day, `2024-03-02`)."""
    stamp = pd.Timestamp(moment)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.tz_convert(LOCAL_TIME).strftime("%Y-%m-%d" if day_only else "%Y-%m-%d %H:%M")


def chinese_date(day: date) -> str:
    """`date(2024, 1, 5)` → `2024年1月5日`, as a notice is dated."""
    return f"{day.year}年{day.month}月{day.day}日"


def today() -> date:
    """Today in Beijing time (a notice written at 01:00 Beijing is dated that day, not UTC's)."""
    return datetime.now(LOCAL_TIME).date()
