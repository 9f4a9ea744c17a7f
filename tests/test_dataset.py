import pandas as pd

from wuxing.dataset import plain_strings


def test_plain_strings_turns_categoricals_into_strings_and_keeps_gaps():
    frame = pd.DataFrame(
        {
            "code": pd.Categorical(["B", "A", None, "B"], categories=["A", "B", "C"]),
            "period": ["2023Q1", "2023Q2", "2023Q3", "2023Q4"],
            "value": [1.0, 2.0, 3.0, 4.0],
        },
        index=[10, 11, 12, 13],
    )
    plain = plain_strings(frame)
    assert plain["code"].dtype == "str"
    assert plain["code"].tolist()[:2] == ["B", "A"] and pd.isna(plain["code"].iloc[2])
    assert list(plain.index) == [10, 11, 12, 13]
    assert (plain["code"] <= "A").tolist() == [False, True, False, False]
    pd.testing.assert_series_equal(plain["value"], frame["value"])
