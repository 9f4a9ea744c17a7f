from __future__ import annotations

import pandas as pd

from wuxing.dataset import Dataset
from wuxing.reading.changes import CELL_COLUMNS, COUNT_COLUMNS, preview

VILLAGES = pd.DataFrame({"code": ["A", "B"], "name": ["甲村", "乙村"], "town": ["马庄桥镇"] * 2})


def values(*rows: tuple[str, str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["code", "period", "indicator", "value"])


def test_everything_is_new_against_an_empty_store() -> None:
    incoming = Dataset.of(villages=VILLAGES, values=values(("A", "2023Q1", "volunteers", 5.0)))
    summary = preview(Dataset(), incoming)
    assert list(summary.counts.columns) == COUNT_COLUMNS
    assert summary.new == 3 and summary.changed == 0 and summary.unchanged == 0
    assert list(summary.cells.columns) == CELL_COLUMNS and summary.cells.empty


def test_changed_cells_name_village_period_indicator_old_and_new() -> None:
    current = Dataset.of(
        villages=VILLAGES,
        values=values(("A", "2023Q1", "volunteers", 5.0), ("B", "2023Q1", "volunteers", 7.0)),
    )
    incoming = Dataset.of(
        values=values(
            ("A", "2023Q1", "volunteers", 6.0),
            ("B", "2023Q1", "volunteers", 7.0),
            ("B", "2023Q2", "volunteers", 8.0),
        )
    )
    summary = preview(current, incoming)
    row = summary.counts.set_index("kind").loc["values"]
    assert (row["new"], row["changed"], row["unchanged"]) == (1, 1, 1)
    (cell,) = summary.cells.to_dict("records")
    assert cell["village"] == "甲村" and cell["period"] == "2023Q1"
    assert cell["item"] == "注册志愿者（人）"
    assert (cell["old"], cell["new"]) == ("5", "6")
    assert not summary.is_noop


def test_float_noise_is_not_a_change() -> None:
    current = Dataset.of(values=values(("A", "2023Q1", "collective_income", 0.1 + 0.2)))
    incoming = Dataset.of(values=values(("A", "2023Q1", "collective_income", 0.3)))
    assert preview(current, incoming).is_noop


def test_awards_targets_and_pairs_are_shown_in_words() -> None:
    current = Dataset.of(
        villages=VILLAGES,
        awards=pd.DataFrame(
            [("A", 2023, "industry", True)], columns=["code", "year", "star", "awarded"]
        ),
        targets=pd.DataFrame(
            [("A", 2023, 2, "industry,ecology")], columns=["code", "year", "level", "stars"]
        ),
        pairs=pd.DataFrame(
            [("A", "B", "2022Q3", "", "")], columns=["mentor", "mentee", "since", "until", "note"]
        ),
    )
    incoming = Dataset.of(
        awards=pd.DataFrame(
            [("A", 2023, "industry", False)], columns=["code", "year", "star", "awarded"]
        ),
        targets=pd.DataFrame(
            [("A", 2023, 3, "industry,ecology,safety")], columns=["code", "year", "level", "stars"]
        ),
        pairs=pd.DataFrame(
            [("A", "B", "2022Q4", "", "")], columns=["mentor", "mentee", "since", "until", "note"]
        ),
    )
    cells = preview(current, incoming).cells.set_index("item")
    assert (cells.loc["产业兴旺星", "old"], cells.loc["产业兴旺星", "new"]) == ("是", "否")
    assert cells.loc["目标星", "new"] == "产业兴旺星、生态宜居星、平安法治星"
    assert cells.loc["目标星级", "period"] == "2023"
    assert cells.loc["结对时间", "village"] == "甲村 → 乙村"


def test_the_same_data_again_is_a_noop(sample_dataset: Dataset) -> None:
    summary = preview(sample_dataset, sample_dataset)
    assert summary.is_noop and summary.unchanged == sum(sample_dataset.counts().values())
