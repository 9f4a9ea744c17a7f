import pytest

from wuxing import periods


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023Q1", "2023Q1"),
        ("2023-Q1", "2023Q1"),
        ("2023 q2", "2023Q2"),
        ("2023年第一季度", "2023Q1"),
        ("2023年1季度", "2023Q1"),
        ("2023年第4季度", "2023Q4"),
        ("马庄桥镇2023年第三季度“五星”支部创建指标统计表", "2023Q3"),
        ("２０２３Ｑ２", "2023Q2"),
        ("2023.2季", "2023Q2"),
        ("村名", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_quarter_reads_every_spelling(text, expected):
    assert periods.parse_quarter(text) == expected


@pytest.mark.parametrize("text", ["2023Q5", "2023年第五季度", "2023年5季度"])
def test_impossible_quarters_are_errors_not_silence(text):
    with pytest.raises(periods.PeriodError, match="不存在"):
        periods.parse_quarter(text)


def test_stepping_crosses_years():
    assert periods.previous("2023Q1") == "2022Q4"
    assert periods.shift("2022Q3", 3) == "2023Q2"
    assert periods.quarter_range("2022Q3", "2023Q2") == ["2022Q3", "2022Q4", "2023Q1", "2023Q2"]
    assert periods.quarter_index("2023Q1") - periods.quarter_index("2022Q1") == 4


def test_labels_are_chinese():
    assert periods.label("2023Q1") == "2023年第一季度"
    assert periods.short_label("2023Q4") == "2023年Q4"
