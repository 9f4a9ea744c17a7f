"""Units: a header's unit and a cell's own unit, converted to the catalog unit and said so."""

import pytest

from tests import builders as b
from wuxing.config import Settings
from wuxing.reading.importer import parse_files

SETTINGS = Settings()
Q = "2023Q2"
NYG, YGJ = "南永固村", "永固集村"


def _read(header: str, cells: list[object]):
    grid = [["村名", "季度", header]] + [[n, Q, c] for n, c in zip((NYG, YGJ), cells, strict=False)]
    return parse_files([("台账.xlsx", b.xlsx({"指标": grid}))], b.known_dataset(), SETTINGS)


def _stored(result) -> list[float]:
    return sorted(result.data.values["value"].tolist())


def test_a_header_in_yuan_is_one_reminder_for_the_column():
    result = _read("村集体经济收入（元）", [120000, 300000])
    assert [p.code for p in result.warnings] == ["read_as_header_unit"]
    assert _stored(result) == pytest.approx([12.0, 30.0])


@pytest.mark.parametrize(
    ("header", "cell", "stored", "said"),
    [
        # The cell's own unit wins over the header's.
        ("村集体经济收入（万元）", "42000元", 4.2, "4.2 万元"),
        ("村集体经济收入（千元）", "42000元", 4.2, "4.2 万元"),
        # The header's unit written again in the cell, converted as the column is.
        ("村集体经济收入（元）", "42000元", 4.2, "4.2 万元"),
        ("党员联户覆盖率（%）", "905‰", 90.5, "90.5 %"),
        # The catalog's unit in a column headed in another: the cell says what it is.
        ("村集体经济收入（元）", "12万元", 12.0, "12 万元"),
        ("村集体经济收入（千元）", "12万元", 12.0, "12 万元"),
    ],
)
def test_a_unit_in_the_cell_is_converted_and_said(header, cell, stored, said):
    result = _read(header, [cell])
    assert result.ok and _stored(result) == pytest.approx([stored])
    [reminder] = [p for p in result.warnings if p.code == "read_as_unit"]
    assert (reminder.original, reminder.stored, reminder.cell) == (cell, said, "C2")


def test_a_unit_that_does_not_convert_is_an_error_at_its_cell():
    result = _read("村集体经济收入（万元）", ["12头"])
    [error] = result.errors
    assert error.code == "unit_unknown" and error.cell == "C2" and "万元" in error.message


@pytest.mark.parametrize(
    ("unit", "cell", "stored", "said"),
    [
        ("万元", "42000元", 4.2, "4.2 万元"),  # the cell's own unit wins over the row's 单位
        ("元", "42000元", 4.2, "4.2 万元"),
        ("元", "12万元", 12.0, "12 万元"),
    ],
)
def test_a_unit_in_a_long_sheets_value_cell_is_converted_and_said(unit, cell, stored, said):
    grid = [["村名", "季度", "指标", "单位", "数值"], [NYG, Q, "村集体经济收入", unit, cell]]
    result = parse_files([("台账.xlsx", b.xlsx({"指标": grid}))], b.known_dataset(), SETTINGS)
    assert result.ok and _stored(result) == pytest.approx([stored])
    [reminder] = [p for p in result.warnings if p.code == "read_as_unit"]
    assert (reminder.original, reminder.stored, reminder.cell) == (cell, said, "E2")
    assert "村集体经济收入" in reminder.message


def test_a_unit_that_does_not_convert_in_a_long_sheet_is_an_error_at_its_cell():
    grid = [["村名", "季度", "指标", "单位", "数值"], [NYG, Q, "村集体经济收入", "万元", "12头"]]
    result = parse_files([("台账.xlsx", b.xlsx({"指标": grid}))], b.known_dataset(), SETTINGS)
    [error] = result.errors
    assert error.code == "unit_unknown" and error.cell == "E2"
    assert result.data.values.empty
