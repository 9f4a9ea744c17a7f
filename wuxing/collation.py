"""The order in which Chinese names are listed: by pinyin (赵 after 甲), never by code point."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=200_000)
def pinyin_key(name: str) -> str:
    """Sort key that orders Chinese names by pinyin (赵 after 甲), not by code point."""
    # Character by character (a few thousand distinct characters, each converted once): pypinyin
    # on whole names took 40 s for a province's 46,000 villages; phrase-aware readings of
    # polyphones hardly matter for ordering place names.
    return " ".join(_char_pinyin(c) for c in name) + "\0" + name


@lru_cache(maxsize=20_000)
def _char_pinyin(char: str) -> str:
    return "".join(lazy_pinyin(char, style=Style.TONE3, errors="default"))


def sort_by_pinyin(names: Iterable[str]) -> list[str]:
    """Names in pinyin order."""
    return sorted(names, key=pinyin_key)
