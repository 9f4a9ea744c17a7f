"""Putting user-supplied text (names, file names, URL values) on screen literally, never as
markup."""

from __future__ import annotations

import re

_WORD_JOINER = "\u2060"
_LINK_STARTS = re.compile(r"(?i)(:|@|www(?=\.))")
# ASCII punctuation but the comma (no meaning in Markdown: numbers keep 1,430 as written).
_MARKDOWN_PUNCTUATION = re.compile(r"([!-+\-./:-@\[-`{-~])")
_NEGATIVE = re.compile(r"^\\-(?=\d)")


def plain(text: object) -> str:
    """`text` shown literally by st.markdown/caption/info/error/toast/metric: user-typed names
    never become bold, colour, pictures or links. Every page puts uploaded text on screen
    through this (tests/test_architecture.py checks the pages)."""
    # A word joiner (invisible) after every ':' and '@' and between 'www' and '.': GFM turns
    # http://…, www.… and a@b.c into links even when their punctuation is backslash-escaped
    # (it links the text after parsing), so the escapes below alone do not stop it.
    text = _LINK_STARTS.sub(lambda m: m.group(1) + _WORD_JOINER, str(text))
    # CommonMark lets a backslash escape any ASCII punctuation; that also covers streamlit's
    # :colour[…] and :material/…: directives and $…$ maths.
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    # Except the minus of a leading negative number (no markup: a list needs a space after the
    # dash): st.metric reads a delta's direction from its first character.
    return _NEGATIVE.sub("-", text)
