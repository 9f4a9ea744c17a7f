"""The bulk account table (用户名, 角色, 地区) read from a spreadsheet, for `users import` and
账号与审计: the same safe reader as a ledger, the first sheet, its first non-blank row the
header."""

from __future__ import annotations

import pandas as pd

from wuxing.config import Settings
from wuxing.errors import ImportRejected
from wuxing.reading.problems import problem
from wuxing.reading.workbook import read_workbook

#: Where `read_account_table` puts the sheet row number of the table's first row (for messages).
FIRST_ROW = "first_row"


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a name typed as a number: 1001, not 1001.0
    return "" if value is None else str(value).strip()


def read_account_table(content: bytes, filename: str, settings: Settings) -> pd.DataFrame:
    """Every row under the header of the file's first sheet, as text ("" for a blank cell);
    ImportRejected (Chinese) for a file that is no spreadsheet or holds no table."""
    sheets = read_workbook(content, filename, settings)
    for sheet in sheets:
        rows = [[_text(v) for v in row] for row in sheet.rows]
        start = next((i for i, row in enumerate(rows) if any(row)), None)
        if start is None:
            continue
        header, body = rows[start], rows[start + 1 :]
        width = len(header)
        table = pd.DataFrame(
            [(row + [""] * width)[:width] for row in body], columns=header, dtype=object
        )
        table.attrs[FIRST_ROW] = start + 2  # the sheet's rows count from 1, the header is one
        return table
    raise ImportRejected(
        [
            problem(
                "file_empty",
                "表格是空的：请在第一行写上“用户名、角色、地区”，下面每行一个账号。",
                file=filename,
            )
        ]
    )
