from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wuxing.reading.names import (
    NotANumberError,
    Number,
    clean_text,
    is_missing,
    parse_number,
    split_header,
    town_key,
    village_key,
    village_name,
)


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("赵家村", "赵家"),
        ("赵家", "赵家"),
        ("赵 家 村", "赵家"),
        ("  赵家村\u3000", "赵家"),
        ("赵家村委会", "赵家"),
        ("赵家村民委员会", "赵家"),
        ("甲村", "甲"),
        ("村", "村"),
        ("ＡＢ村", "AB"),
    ],
)
def test_village_key(written: str, key: str) -> None:
    assert village_key(written) == key


def test_village_name_is_tidied_but_keeps_its_suffix() -> None:
    assert village_name(" 南 永固村 ") == "南永固村"


@pytest.mark.parametrize(
    ("written", "key"),
    [("马庄桥镇", "马庄桥"), ("马庄桥", "马庄桥"), ("城关街道", "城关"), ("韩村乡", "韩村")],
)
def test_town_key(written: str, key: str) -> None:
    assert town_key(written) == key


@pytest.mark.parametrize(
    ("header", "label", "unit"),
    [
        ("村集体经济收入（万元）", "村集体经济收入", "万元"),
        ("村集体经济收入(元)", "村集体经济收入", "元"),
        ("食用菌产量【公斤】", "食用菌产量", "公斤"),
        ("食用菌产量[吨]", "食用菌产量", "吨"),
        ("卫生厕所改造\n（户）", "卫生厕所改造", "户"),
        ("群众满意度（%）", "群众满意度", "%"),
        ("收入（单位：万元）", "收入", "万元"),
        ("村名", "村名", ""),
        ("", "", ""),
    ],
)
def test_split_header(header: str, label: str, unit: str) -> None:
    assert split_header(header) == (label, unit)


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        (12, Number(12.0)),
        (12.5, Number(12.5)),
        ("12", Number(12.0)),
        (" 12.5 ", Number(12.5)),
        ("1,234", Number(1234.0)),
        ("1,234,567.5", Number(1234567.5)),
        ("１２３", Number(123.0)),
        ("１，２３４", Number(1234.0)),
        ("85%", Number(85.0, "%")),
        ("85％", Number(85.0, "%")),
        ("5000元", Number(5000.0, "元")),
        ("3 万元", Number(3.0, "万元")),
        ("-2", Number(-2.0)),
        ("1e3", Number(1000.0)),
        (".5", Number(0.5)),
    ],
)
def test_parse_number(cell: object, number: Number) -> None:
    assert parse_number(cell) == number


@pytest.mark.parametrize(
    "cell", [None, "", "  ", "—", "——", "-", "--", "/", "无", "N/A", float("nan")]
)
def test_missing_markers_are_missing_not_zero(cell: object) -> None:
    assert parse_number(cell) is None
    assert is_missing(cell)


@pytest.mark.parametrize("cell", ["约五十", "12abc3", "1.2.3", "abc", "十二", "inf", True])
def test_not_a_number(cell: object) -> None:
    with pytest.raises(NotANumberError):
        parse_number(cell)


def test_zero_is_a_value() -> None:
    assert parse_number(0) == Number(0.0)
    assert parse_number("0") == Number(0.0)
    assert not is_missing(0)


def test_clean_text_drops_the_float_tail_of_typed_codes() -> None:
    assert clean_text(410922104001.0) == "410922104001"
    assert clean_text("０１２") == "012"


@given(
    st.one_of(
        st.text(max_size=20), st.floats(allow_nan=True), st.integers(), st.none(), st.booleans()
    )
)
def test_parse_number_raises_only_its_own_error(cell: object) -> None:
    try:
        result = parse_number(cell)
    except NotANumberError:
        return
    assert result is None or (isinstance(result.value, float) and not math.isinf(result.value))


@given(st.text(max_size=30))
def test_header_and_name_normalisers_never_fail(text: str) -> None:
    label, unit = split_header(text)
    assert isinstance(label, str) and isinstance(unit, str)
    assert isinstance(village_key(text), str)
