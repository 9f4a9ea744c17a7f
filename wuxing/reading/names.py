"""Normalising what people type into spreadsheets: village names, header text, numbers."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wuxing.formulas import unguarded

#: Cell texts that mean "not reported": read as missing, never as zero.
MISSING_MARKERS: frozenset[str] = frozenset(
    {
        "",
        "—",
        "——",
        "-",
        "--",
        "－",
        "/",
        "／",
        "无",
        "空",
        "暂无",
        "n/a",
        "na",
        "null",
        "none",
        "nan",
        "…",
    }
)
# Suffixes an official village name may carry that people drop or add at will.
_VILLAGE_SUFFIXES = ("村民委员会", "村委会", "村委", "社区", "村")
_TOWN_SUFFIXES = ("街道办事处", "街道", "镇", "乡")
_WHITESPACE = re.compile(r"\s+")
# A header's unit sits in brackets at the end: 收入（万元）, 收入(万元), 收入【万元】, 收入[万元].
_HEADER_UNIT = re.compile(r"^(.*?)[(\[【〔]\s*([^()\[\]【】〔〕]*?)\s*[)\]】〕]\s*$")
_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*?)$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")


def clean_text(value: object) -> str:
    """A cell as text: NFKC (full-width → half-width), outer spaces trimmed, the ' that guards a
    formula-like CSV field (`formulas.guarded`) removed; '' for empty cells."""
    if type(value) is str:
        # Most cells are already normal: checking is much cheaper than normalising.
        if not unicodedata.is_normalized("NFKC", value):
            value = unicodedata.normalize("NFKC", value)
        value = value.strip()
        # Our own CSV export wrote "'=…" for "=…"; read back, it is the text it was.
        return unguarded(value).strip() if value[:1] == "'" else value
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def compact(value: object) -> str:
    """`clean_text` with every inner space removed too (how names and headers are compared)."""
    text = clean_text(value)
    return "".join(text.split()) if _WHITESPACE.search(text) else text


def already_compact(texts: Iterable[str]) -> bool:
    """True when `compact` returns each of these texts unchanged (normalised, no whitespace).

    One check of the texts joined, in C: NUL is no whitespace and composes with nothing, so the
    joined text is normalised exactly when every part is.
    """
    joined = "\0".join(texts)
    if joined[:1] == "'" or "\0'" in joined:
        return False  # perhaps a guarded CSV field, which `compact` unguards
    return unicodedata.is_normalized("NFKC", joined) and not _WHITESPACE.search(joined)


def compact_all(values: Sequence[object]) -> list[str]:
    """`compact` of each cell of a column; a column of compact text passes in one check."""
    if _only_text(values) and already_compact(values):  # type: ignore[arg-type]
        return list(values)  # type: ignore[arg-type]
    return [compact(v) for v in values]


def clean_all(values: Sequence[object]) -> list[str]:
    """`clean_text` of each cell of a column; a column of compact text passes in one check."""
    if _only_text(values) and already_compact(values):  # type: ignore[arg-type]
        return list(values)  # type: ignore[arg-type]
    return [clean_text(v) for v in values]


def _only_text(values: Sequence[object]) -> bool:
    return set(map(type, values)) <= {str}


def is_missing(value: object) -> bool:
    """True for an empty cell or one of the missing markers (—, -, /, 无 …)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return compact(value).lower() in MISSING_MARKERS


def village_name(value: object) -> str:
    """A village name as written, tidied: no spaces, half-width characters."""
    return compact(value)


@functools.lru_cache(maxsize=262_144)
def _key_of(text: str, suffixes: tuple[str, ...]) -> str:
    name = compact(text)
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def village_key(value: object) -> str:
    """The part of a village name that identifies it: `赵家村`, `赵 家`, `赵家村委会` → `赵家`."""
    # Cached: a province's names are looked up several times per upload (scope, sheet, rows).
    return _key_of(value if type(value) is str else clean_text(value), _VILLAGE_SUFFIXES)


def town_key(value: object) -> str:
    """The part of a town name that identifies it: `马庄桥镇`, `马庄桥` → `马庄桥`."""
    return _key_of(value if type(value) is str else clean_text(value), _TOWN_SUFFIXES)


def split_header(value: object) -> tuple[str, str]:
    """A header's label and unit: `村集体经济收入（元）` → (`村集体经济收入`, `元`); unit ''
    if none."""
    text = compact(value)
    match = _HEADER_UNIT.match(text)
    if not match:
        return text, ""
    label, unit = match.group(1), match.group(2)
    unit = unit.removeprefix("单位:").removeprefix("单位")
    return label, unit


@dataclass(frozen=True)
class Number:
    """A number read from a cell, with the unit written in the cell itself (`5000元` → 元)."""

    value: float
    unit: str = ""


class NotANumberError(ValueError):
    """A cell meant to hold a number holds text that is not one."""


def parse_number(value: object) -> Number | None:
    """The number a cell holds (`1,234`, `１２`, `85%`, `5000元`), None when missing.

    Raises NotANumberError for text that is not a number (e.g. `约五十`).
    """
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise NotANumberError(str(value))
        return None
    if isinstance(value, int | float):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            raise NotANumberError(str(value))
        return Number(number)
    text = compact(value)
    if text.lower() in MISSING_MARKERS:
        return None
    text = _THOUSANDS.sub("", text)
    match = _NUMBER.match(text)
    if not match:
        raise NotANumberError(text)
    unit = match.group(2)
    # A unit in the cell is letters or CJK only; "12abc3" or "1.2.3" are not numbers.
    if unit and (
        any(ch.isdigit() for ch in unit) or not re.fullmatch(r"[%‰A-Za-z\u4e00-\u9fff²³]+", unit)
    ):
        raise NotANumberError(text)
    number = float(match.group(1))
    if math.isinf(number) or math.isnan(number):
        raise NotANumberError(text)
    return Number(number, unit)
