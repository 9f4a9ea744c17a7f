"""Formula injection: user text that Excel, WPS or LibreOffice would run as a formula.

Everything the app writes carries user text (village names, notes, clusters) as text. In an
xlsx that is the writer's job (`TEXT_ONLY_XLSX`); a CSV has no types, so a text field that starts
like a formula gets OWASP's leading apostrophe (`guarded`), which the importer takes off again
(`unguarded`, applied where cells are normalised: `names.clean_text`).
"""

from __future__ import annotations

import pandas as pd

#: A cell starting with one of these is run as a formula (or a DDE command) by a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: xlsxwriter options under which `write`, `write_row` and `write_column` keep every str as
#: text: never a formula, never a link (its defaults turn "=…" into a formula, "http…" into a link).
TEXT_ONLY_XLSX = {"strings_to_formulas": False, "strings_to_urls": False}
_GUARD = "'"


def _needs_guard(text: str) -> bool:
    # Texts that already start with apostrophes before a formula start get one more, so that
    # `unguarded(guarded(text)) == text` for every text, "'=x" included.
    return text.lstrip(_GUARD).startswith(FORMULA_START)


def guarded(text: str) -> str:
    """`text` safe in a CSV field: one leading ' when it would start a formula, else unchanged."""
    return _GUARD + text if _needs_guard(text) else text


def unguarded(text: str) -> str:
    """`guarded` undone: the leading ' of a guarded field removed, any other text unchanged."""
    return text[1:] if text.startswith(_GUARD) and _needs_guard(text) else text


def guarded_table(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of `table` ready for CSV: every text cell `guarded`; numbers (negative ones too)
    stay numbers, so `-3.5` is still written as the number it is."""
    out = table.copy()
    for column in out.columns:
        if pd.api.types.is_numeric_dtype(out[column]):
            continue
        out[column] = out[column].map(lambda v: guarded(v) if isinstance(v, str) else v)
    return out
