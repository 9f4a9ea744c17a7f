import pandas as pd
import pytest

from wuxing.formulas import guarded, guarded_table, unguarded
from wuxing.reading.names import clean_text, compact_all


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://evil","点我")', '\'=HYPERLINK("http://evil","点我")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-", "'-"),
        ("'=x", "''=x"),  # already quoted text gets one more, so it reads back as written
        ("赵家村", "赵家村"),
        ("'引号村", "'引号村"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_guarded_and_back(text, written):
    assert guarded(text) == written
    assert unguarded(written) == text


@pytest.mark.parametrize(
    ("cell", "read"),
    [("'=SUM(A1)", "=SUM(A1)"), ("  '-乙村 ", "-乙村"), ("'\t甲村", "甲村"), ("'甲村", "'甲村")],
)
def test_cells_are_read_unguarded(cell, read):
    assert clean_text(cell) == read
    assert compact_all([cell]) == [read]


def test_guarded_table_guards_text_and_leaves_numbers():
    table = pd.DataFrame(
        {
            "village": pd.array(["=A1", "甲村", None], dtype="str"),
            "value": [-3.5, 2.0, None],
            "note": ["-", 5, None],
        }
    )
    out = guarded_table(table)
    assert out["village"].tolist()[:2] == ["'=A1", "甲村"] and pd.isna(out["village"].iloc[2])
    pd.testing.assert_series_equal(out["value"], table["value"])
    assert out["note"].tolist()[:2] == ["'-", 5]
    assert table["village"].iloc[0] == "=A1"  # the input is left alone
