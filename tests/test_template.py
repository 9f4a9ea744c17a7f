import io

import openpyxl
import pandas as pd

from tests import builders as b
from wuxing.collation import pinyin_key
from wuxing.dataset import Dataset
from wuxing.reading import template

EVIL = '=HYPERLINK("http://evil","点我")'


def test_village_names_in_the_hidden_options_sheet_stay_text():
    villages = pd.concat(
        [b.KNOWN_VILLAGES, b.KNOWN_VILLAGES.iloc[:1].assign(code="410922104099", name=EVIL)]
    )
    book = openpyxl.load_workbook(
        io.BytesIO(template.write_workbook(Dataset.of(villages=villages)))
    )
    options = book["选项"]
    cells = [row[0] for row in options.iter_rows(min_col=1, max_col=1) if row[0].value]
    evil = next(c for c in cells if c.value.startswith("="))
    assert evil.value == EVIL and evil.data_type == "s"
    assert all(c.data_type == "s" for c in cells)


# -- the template for a quarter (issue 16 §1) ----------------------------------------------------


def _rows(sheet, width: int = 3) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_col=width)]


def test_a_quarter_template_has_one_row_per_village_in_pinyin_order(sample_dataset):
    book = openpyxl.load_workbook(io.BytesIO(template.for_period(sample_dataset, "2024Q1")))
    names = sorted(sample_dataset.villages["name"], key=pinyin_key)
    assert names[:3] == ["丙村", "丁村", "庚村"] and names[-1] == "赵家村"
    for sheet in ("指标", "星级评分"):
        assert _rows(book[sheet]) == [[n, "马庄桥镇", "2024Q1"] for n in names]
    for sheet in ("星级评定", "创星目标"):
        assert _rows(book[sheet]) == [[n, "马庄桥镇", 2024] for n in names]
    assert [c.value for c in book["选项"]["A"]] == names


def test_the_quarter_list_holds_the_coming_year_and_only_warns(sample_dataset):
    book = openpyxl.load_workbook(io.BytesIO(template.for_period(sample_dataset, "2024Q1")))
    choices = [c.value for c in book["选项"]["B"] if c.value]
    assert choices == [*sample_dataset.periods(), "2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    for sheet in ("指标", "星级评分"):
        rules = {str(v.sqref): v for v in book[sheet].data_validations.dataValidation}
        quarter = rules["C2:C5001"]
        assert quarter.type == "list" and quarter.formula1 == f"选项!$B$1:$B${len(choices)}"
        # A strict list refuses 2024Q1 typed in Excel or WPS; a warning lets the clerk go on.
        assert quarter.errorStyle == "warning" and rules["A2:A5001"].errorStyle == "warning"


def test_the_default_quarter_is_the_one_after_the_newest_stored(sample_dataset):
    assert sample_dataset.periods()[-1] == "2023Q4"
    assert template.next_period(sample_dataset) == "2024Q1"


def test_a_template_for_some_villages_lists_only_them(sample_dataset):
    some = sample_dataset.villages[sample_dataset.villages["name"].isin(["赵家村", "甲村"])]
    book = openpyxl.load_workbook(io.BytesIO(template.for_period(sample_dataset, "2024Q2", some)))
    assert _rows(book["指标"]) == [["甲村", "马庄桥镇", "2024Q2"], ["赵家村", "马庄桥镇", "2024Q2"]]
