"""A township clerk's 2024Q1 ledger, as filled by hand in Excel (built with openpyxl).

The sample's 13 villages with the headline indicators, carrying on from 2023Q4, and three
things a clerk really writes: 赵家村 as "赵家", 甲村's 卫生厕所改造 left blank, and 南永固村's
collective income typed as "12万元".
"""

from __future__ import annotations

import io

import openpyxl

from wuxing import catalog
from wuxing.dataset import Dataset

QUARTER = "2024Q1"
HEADLINE = list(catalog.HEADLINE_INDICATORS)
SPELLED = ("赵家村", "赵家")
BLANK = ("甲村", catalog.TOILET_UPGRADES)
WITH_UNIT = ("南永固村", catalog.COLLECTIVE_INCOME, "12万元")


def ledger_rows(ds: Dataset) -> list[list[object]]:
    """The 指标 sheet: header, then one row per village (the three quirks included)."""
    names = dict(zip(ds.villages["code"], ds.villages["name"], strict=True))
    last = ds.values[ds.values["period"] == "2023Q4"]
    before = {
        (names[c], i): v
        for c, i, v in zip(last["code"], last["indicator"], last["value"], strict=True)
    }
    header = ["村名", "季度"] + [
        f"{catalog.INDICATOR_BY_ID[i].label}（{catalog.INDICATOR_BY_ID[i].unit}）" for i in HEADLINE
    ]
    rows: list[list[object]] = [header]
    for name in ds.villages["name"]:
        row: list[object] = [SPELLED[1] if name == SPELLED[0] else name, QUARTER]
        for ind in HEADLINE:
            value: object = before[(name, ind)]
            if ind == catalog.COLLECTIVE_INCOME:
                value = round(float(value) / 4, 1)  # a new year: the first quarter's share
            if ind == catalog.TOILET_UPGRADES:
                value = float(value) + 5
            if (name, ind) == BLANK:
                value = None
            if (name, ind) == WITH_UNIT[:2]:
                value = WITH_UNIT[2]
            row.append(value)
        rows.append(row)
    return rows


def ledger(ds: Dataset) -> bytes:
    """The 2024Q1 ledger as .xlsx bytes."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "指标"
    for row in ledger_rows(ds):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
