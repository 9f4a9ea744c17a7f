import pandas as pd
import pytest

from tests import builders as b
from wuxing.config import Settings
from wuxing.dataset import Dataset
from wuxing.reading.importer import parse_files

SETTINGS = Settings()
NYG = "南永固村"
INCOME = "村集体经济收入（万元）"
TOILETS = "卫生厕所改造（户）"


def _store_holding(*values: tuple[str, str, float]) -> Dataset:
    """The test villages and, for 南永固村, these (quarter, indicator id, value)."""
    rows = [(b.CODE[NYG], period, indicator, value) for period, indicator, value in values]
    frame = pd.DataFrame(rows, columns=["code", "period", "indicator", "value"])
    return Dataset.of(villages=b.KNOWN_VILLAGES, values=frame)


def _warnings(known: Dataset, rows: b.Grid, header: str) -> list[tuple[str, str, str]]:
    content = b.xlsx({"指标": [["村名", "季度", header], *rows]})
    result = parse_files([("a.xlsx", content)], known, SETTINGS)
    assert result.ok, [(p.code, p.message) for p in result.errors]
    return [(p.code, p.place, p.message) for p in result.warnings]


def test_income_five_times_the_previous_quarter_is_a_suspected_unit_mix_up() -> None:
    known = _store_holding(("2023Q1", "collective_income", 12.0))
    ((code, place, message),) = _warnings(known, [[NYG, "2023Q2", 120000]], INCOME)
    assert (code, place) == ("jump_suspect", "指标!C2")
    assert "2023Q2 为 120000万元" in message and "上季度（12万元）的 10000 倍" in message


@pytest.mark.parametrize(
    ("before", "now"), [(12.0, 60.0), (0.0, 500.0)], ids=["five-times-exactly", "from-zero"]
)
def test_no_jump_warning_at_five_times_or_from_zero(before: float, now: float) -> None:
    known = _store_holding(("2023Q1", "collective_income", before))
    assert _warnings(known, [[NYG, "2023Q2", now]], INCOME) == []


def test_an_upload_of_two_quarters_compares_the_second_with_the_first() -> None:
    known = _store_holding(("2023Q1", "toilet_upgrades", 200.0))
    rows = [[NYG, "2023Q1", 100], [NYG, "2023Q2", 90]]
    (fall,) = _warnings(known, rows, TOILETS)  # 2023Q1 is compared with the stored 2022Q4: none
    assert fall[:2] == ("cumulative_fall", "指标!C3")
    # Compared with the upload's own 100, not the store's 200.
    assert "2023Q2 为 90户，比上季度（100户）还少" in fall[2]


def test_a_year_to_date_figure_starts_again_in_the_first_quarter_a_stock_does_not() -> None:
    known = _store_holding(("2022Q4", "collective_income", 40.0), ("2022Q4", "toilet_upgrades", 90))
    assert _warnings(known, [[NYG, "2023Q1", 5]], INCOME) == []
    ((code, place, message),) = _warnings(known, [[NYG, "2023Q1", 80]], TOILETS)
    assert (code, place) == ("cumulative_fall", "指标!C2")
    assert "是累计数" in message


def test_nothing_to_compare_with_gives_no_warning() -> None:
    known = _store_holding()
    assert _warnings(known, [[NYG, "2023Q2", 120000]], INCOME) == []
