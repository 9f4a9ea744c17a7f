"""Tables to Excel files people can open safely: Chinese headers kept, no formula injection."""

from __future__ import annotations

import io

import pandas as pd
import xlsxwriter

from wuxing.formulas import TEXT_ONLY_XLSX


def to_xlsx(table: pd.DataFrame, sheet: str = "数据") -> bytes:
    """The table as .xlsx bytes; text is always written as text, never as a formula."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "nan_inf_to_errors": True, **TEXT_ONLY_XLSX}
    )
    sheet_name = "".join(c for c in sheet if c not in "[]:*?/\\")[:31] or "数据"
    ws = book.add_worksheet(sheet_name)
    head = book.add_format({"bold": True, "bg_color": "#F2F3F4", "border": 1})
    for c, name in enumerate(table.columns):
        ws.write_string(0, c, str(name), head)
        ws.set_column(c, c, max(10, min(40, len(str(name)) * 2 + 2)))
    for r, row in enumerate(table.itertuples(index=False, name=None), start=1):
        for c, value in enumerate(row):
            _write(ws, r, c, value)
    ws.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def _write(ws: xlsxwriter.worksheet.Worksheet, r: int, c: int, value: object) -> None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return
    if isinstance(value, bool):
        ws.write_string(r, c, "是" if value else "否")
    elif isinstance(value, int | float):
        ws.write_number(r, c, float(value))
    else:
        text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        # write_string never makes a formula; the apostrophe-free text stays exactly as given.
        ws.write_string(r, c, text)
