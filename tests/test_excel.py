import io

import openpyxl
import pandas as pd

from wuxing.meeting import excel


def test_headers_units_and_values_survive():
    table = pd.DataFrame({"村名": ["赵家村"], "村集体经济收入（万元）": [21.5], "达标": [True]})
    sheet = openpyxl.load_workbook(io.BytesIO(excel.to_xlsx(table, "收入"))).active
    assert sheet.title == "收入"
    assert [c.value for c in sheet[1]] == ["村名", "村集体经济收入（万元）", "达标"]
    assert [c.value for c in sheet[2]] == ["赵家村", 21.5, "是"]


def test_formula_like_text_is_written_as_text():
    evil = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"]
    sheet = openpyxl.load_workbook(io.BytesIO(excel.to_xlsx(pd.DataFrame({"备注": evil})))).active
    cells = [sheet.cell(row=r, column=1) for r in range(2, 6)]
    assert [c.value for c in cells] == evil
    assert all(c.data_type == "s" for c in cells)
