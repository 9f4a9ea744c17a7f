import pandas as pd

from wuxing import keys


def test_positions_find_each_value_and_mark_the_absent():
    reference = pd.Index(["甲村", "乙村", "丙村"])
    values = pd.Series(["丙村", "丁村", None, "甲村"])
    assert keys.positions(values, reference).tolist() == [2, -1, -1, 0]
    assert keys.positions(values.astype("category"), reference).tolist() == [2, -1, -1, 0]
    assert keys.positions(values, pd.Index([])).tolist() == [-1, -1, -1, -1]
    # A stored column's categories may hold values no row has any more, in any order.
    stored = pd.Series(pd.Categorical(values, categories=["戊村", "甲村", "丁村", "丙村"]))
    assert keys.positions(stored, reference).tolist() == [2, -1, -1, 0]
    assert keys.positions(stored, pd.Index([])).tolist() == [-1, -1, -1, -1]


def test_key_numbers_are_equal_exactly_when_the_keys_are():
    frame = pd.DataFrame({"code": ["A", "B", "A", "C"], "year": [2023, 2023, 2024, 2023]})
    numbers = keys.key_numbers(
        frame, ["code", "year"], [pd.Index(["A", "B"]), pd.Index([2023, 2024])]
    )
    assert numbers.tolist() == [0, 2, 1, -1]  # C is not in the reference
