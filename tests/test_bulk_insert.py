"""The revision rows a commit writes: exactly the rows given, however they are sent to the
database."""

import pandas as pd
import sqlalchemy as sa

from wuxing.dataset import Dataset
from wuxing.storage import schema as tables


def _stored(store, kind: str) -> pd.DataFrame:
    table = tables.DATA_TABLES[kind]
    with store.engine.connect() as conn:
        key = [table.c[column] for column in tables.SCHEMAS[kind].key]
        rows = conn.execute(sa.select(table).order_by(*key)).all()
    return pd.DataFrame(rows, columns=[c.name for c in table.columns]).drop(columns="revision_id")


def _commit(store, **frames: pd.DataFrame) -> Dataset:
    data = Dataset.of(**frames)
    store.commit(data, content=repr(frames).encode(), filename="x.xlsx", user="u")
    return data


def test_a_quarter_of_values_is_stored_row_for_row(store):
    """One quarter throughout (the usual upload), over more rows than one statement takes."""
    rows = [
        (f"41{v:04d}", "2023Q1", ind, v + i / 10)
        for v in range(40)
        for i, ind in enumerate(["volunteers", "toilets", "income"])
    ]
    data = _commit(
        store, values=pd.DataFrame(rows, columns=["code", "period", "indicator", "value"])
    )
    stored = _stored(store, "values")
    assert len(stored) == 120
    assert set(stored["period"]) == {"2023Q1"}
    expected = data.values.sort_values(["code", "period", "indicator"], ignore_index=True)
    assert stored["value"].tolist() == expected["value"].tolist()
    assert stored["code"].tolist() == expected["code"].tolist()


def test_text_the_same_on_every_row_is_stored_as_written(store):
    """Quotes, spaces and Chinese repeated on every row come back exactly (never cut or run)."""
    villages = pd.DataFrame(
        {
            "code": ["A", "B", "C"],
            "name": ["甲村", "乙村", "丙村"],
            "town": ["马庄桥镇"] * 3,
            "county": ["O'Brien'); DROP TABLE revisions; --"] * 3,
            "city": ["新乡 市"] * 3,
        }
    )
    _commit(store, villages=villages)
    stored = _stored(store, "villages")
    assert stored["county"].tolist() == ["O'Brien'); DROP TABLE revisions; --"] * 3
    assert stored["town"].tolist() == ["马庄桥镇"] * 3
    assert stored["city"].tolist() == ["新乡 市"] * 3
    assert len(store.history()) == 1


def test_a_single_row_and_several_quarters_are_stored(store):
    _commit(
        store,
        values=pd.DataFrame(
            [("A", "2023Q1", "volunteers", 1.0)], columns=["code", "period", "indicator", "value"]
        ),
    )
    _commit(
        store,
        values=pd.DataFrame(
            [("A", "2023Q2", "volunteers", 2.0), ("A", "2023Q3", "volunteers", 3.0)],
            columns=["code", "period", "indicator", "value"],
        ),
    )
    stored = _stored(store, "values")
    assert list(zip(stored["period"], stored["value"], strict=True)) == [
        ("2023Q1", 1.0),
        ("2023Q2", 2.0),
        ("2023Q3", 3.0),
    ]


def test_text_cells_are_stored_as_written_and_a_missing_one_as_empty(store):
    """Each distinct word is sent once and repeated (a province repeats its quarters and indicator
    ids a million times): every cell still arrives as its own text."""
    villages = pd.DataFrame(
        {
            "code": ["A", "B", "C", "D"],
            "name": ["甲村", "乙村", "丙村", "丁村"],
            "town": ["马庄桥镇", None, "", "马庄桥镇"],
        }
    )
    _commit(store, villages=villages)
    stored = _stored(store, "villages")
    assert stored["town"].tolist() == ["马庄桥镇", "", "", "马庄桥镇"]
    assert stored["name"].tolist() == ["甲村", "乙村", "丙村", "丁村"]


def test_names_with_commas_quotes_tabs_and_line_breaks_and_exact_numbers_come_back_as_written(
    store,
):
    """What a clerk may type into a name (PostgreSQL receives the rows as CSV), and numbers to
    their last digit, a missing one stored as missing."""
    names = ["甲村,东头", '乙村"新"', "丙村\t组", "丁村\n二组", "戊村\\旧", "=1+2", ""]
    codes = [f"V{i}" for i in range(len(names))]
    villages = pd.DataFrame({"code": codes, "name": names, "town": ["某镇"] * len(names)})
    values = pd.DataFrame(
        {
            "code": codes,
            "period": "2023Q1",
            "indicator": "collective_income",
            "value": [0.1, 123456789.12345679, 1e-20, -0.0, float("nan"), 2.5, 7.0],
        }
    )
    _commit(store, villages=villages, values=values)
    stored = _stored(store, "villages").set_index("code")
    assert stored.loc[codes, "name"].tolist() == names
    numbers = _stored(store, "values").set_index("code").loc[codes, "value"]
    assert numbers.iloc[:4].tolist() == [0.1, 123456789.12345679, 1e-20, 0.0]
    assert pd.isna(numbers.iloc[4]) and numbers.iloc[5:].tolist() == [2.5, 7.0]
