"""Quarters (`2023Q1`) and years: parsing every spelling people write, ordering, stepping."""

from __future__ import annotations

import re
from collections.abc import Iterable

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_FULLWIDTH = str.maketrans("０１２３４５６７８９ＱｑＳｓ－", "0123456789QqSs-")

# Each pattern captures (year, quarter); the quarter may be out of range so that
# "2023Q5" is reported as an impossible quarter rather than as "no quarter found".
_PATTERNS = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-_/.年 ]?\s*[Qq]\s*(\d)(?!\d)"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*第?\s*([一二三四五六七八九\d])\s*季度?"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-_/.]\s*(\d)\s*季"),
)
QUARTER_ID = re.compile(r"^(\d{4})Q([1-4])$")


class PeriodError(ValueError):
    """A text that names a quarter that cannot exist (e.g. 2023Q5)."""


def parse_quarter(text: object) -> str | None:
    """The quarter id a text names (`2023年第一季度` → `2023Q1`), None if it names none.

    Raises PeriodError when the text names a quarter outside 1–4.
    """
    if text is None:
        return None
    s = str(text).translate(_FULLWIDTH).strip()
    for pattern in _PATTERNS:
        m = pattern.search(s)
        if m:
            year, q = m.group(1), m.group(2)
            number = _CN_DIGITS.get(q)
            if number is None:
                number = int(q) if q.isdigit() else {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}[q]
            if not 1 <= number <= 4:
                raise PeriodError(f"{year}年第{q}季度不存在（季度只有 1–4）")
            return f"{year}Q{number}"
    return None


def is_quarter(period: str) -> bool:
    """True for a canonical quarter id such as `2023Q1`."""
    return bool(QUARTER_ID.match(period))


def year_of(period: str) -> int:
    """The year of a quarter id."""
    return int(period[:4])


def quarter_of(period: str) -> int:
    """The quarter number (1–4) of a quarter id."""
    return int(period[5])


def shift(period: str, quarters: int) -> str:
    """The quarter `quarters` steps after (or before, if negative) `period`."""
    index = year_of(period) * 4 + quarter_of(period) - 1 + quarters
    return f"{index // 4}Q{index % 4 + 1}"


def previous(period: str) -> str:
    """The quarter before."""
    return shift(period, -1)


def quarter_range(first: str, last: str) -> list[str]:
    """All quarters from `first` to `last`, inclusive."""
    out, q = [], first
    while q <= last:
        out.append(q)
        q = shift(q, 1)
    return out


def label(period: str) -> str:
    """Chinese label: `2023Q1` → `2023年第一季度`."""
    return f"{year_of(period)}年第{'一二三四'[quarter_of(period) - 1]}季度"


def short_label(period: str) -> str:
    """Compact label for axes: `2023Q1` → `2023年Q1`."""
    return f"{year_of(period)}年Q{quarter_of(period)}"


def sorted_quarters(periods: Iterable[str]) -> list[str]:
    """Unique quarter ids in time order (ids sort lexically in time order)."""
    return sorted(set(periods))


def quarter_index(period: str) -> int:
    """A running number of the quarter, so differences count quarters."""
    return year_of(period) * 4 + quarter_of(period) - 1
