import io

import openpyxl
import pandas as pd

from tests import builders as b
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
