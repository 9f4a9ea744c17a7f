from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import builders as b
from wuxing import catalog
from wuxing.config import Settings
from wuxing.dataset import Dataset
from wuxing.errors import WuxingError
from wuxing.reading.importer import import_files, parse_files
from wuxing.reading.problems import CODES
from wuxing.storage.store import Store, open_store

SETTINGS = Settings()
KNOWN = b.known_dataset()
_WORDS = [
    "村名",
    "乡镇",
    "季度",
    "年度",
    "合计",
    "小计",
    "序号",
    "指标",
    "数值",
    "单位",
    "是",
    "否",
    "—",
    "备注",
    "2023Q1",
    "2023Q5",
    "2023年第一季度",
    "南永固村",
    "赵家村",
    "马庄桥镇",
    "填表人：",
    "1,234",
    "85%",
    "5000元",
    "产业兴旺星",
    "村集体经济收入（元）",
    "卫生厕所改造【户】",
    "导师村",
    "帮带村",
    "目标星级",
    "=SUM(A1)",
]
cells = st.one_of(
    st.none(),
    st.sampled_from(_WORDS),
    st.text(max_size=8),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)
grids = st.lists(st.lists(cells, max_size=7), max_size=8)


@pytest.fixture(scope="module")
def prop_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.sqlite'}")
    store.commit(KNOWN, content=b"base", filename="base.xlsx", user="t")
    yield store
    store.dispose()


def check(result) -> None:  # noqa: ANN001
    for p in result.problems:
        assert p.code in CODES and p.message
    if result.ok:
        assert not result.data.is_empty


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    grid=grids,
    sheet_name=st.sampled_from(["指标", "Sheet1", "2023Q2", "星级评定", "村庄", "结对帮带"]),
)
def test_random_grids_in_xlsx_never_crash(grid: b.Grid, sheet_name: str) -> None:
    cleaned = [
        [
            c
            for c in row
            if not (isinstance(c, float) and c != c)
            and not (isinstance(c, str) and c.startswith("="))
        ]
        for row in grid
    ]
    check(parse_files([("g.xlsx", b.xlsx({sheet_name: cleaned}))], KNOWN, SETTINGS))


@given(grid=grids)
def test_random_grids_in_csv_never_crash(grid: b.Grid) -> None:
    text = [
        [
            ("" if c is None else str(c)).replace(",", "，").replace("\n", " ").replace('"', "")
            for c in row
        ]
        for row in grid
    ]
    check(parse_files([("g.csv", b.csv_bytes(text))], KNOWN, SETTINGS))


@given(
    content=st.binary(max_size=3000),
    name=st.sampled_from(["a.xlsx", "a.xls", "a.csv", "a.ods", "a"]),
)
def test_random_bytes_are_a_problem_not_a_crash(content: bytes, name: str) -> None:
    check(parse_files([(name, content)], KNOWN, SETTINGS))


@given(
    prefix=st.sampled_from([b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    body=st.binary(max_size=2000),
)
def test_random_containers_are_a_problem_not_a_crash(prefix: bytes, body: bytes) -> None:
    result = parse_files([("a.xlsx", prefix + body)], KNOWN, SETTINGS)
    assert not result.ok


# Built once: xlsxwriter stamps the time, and hypothesis needs the same length on every run.
_REAL_FILE = b.xlsx({"指标": b.values_sheet([["南永固村", "马庄桥镇", "2023Q2", 15, 110, 90]])})


@given(data=st.data())
def test_mangled_real_files_never_crash(data: st.DataObject) -> None:
    content = bytearray(_REAL_FILE)
    for _ in range(data.draw(st.integers(1, 5))):
        content[data.draw(st.integers(0, len(content) - 1))] = data.draw(st.integers(0, 255))
    check(parse_files([("a.xlsx", bytes(content))], KNOWN, SETTINGS))


_OPEN_CLOSE = [("（", "）"), ("(", ")"), ("【", "】"), ("[", "]"), ("", "")]


@given(
    indicator=st.sampled_from(catalog.INDICATORS),
    spelling=st.integers(0, 20),
    brackets=st.sampled_from(_OPEN_CLOSE),
    spaces=st.booleans(),
    use_other_unit=st.booleans(),
)
def test_any_catalog_spelling_with_any_bracket_is_recognised(
    indicator: catalog.Indicator,
    spelling: int,
    brackets: tuple[str, str],
    spaces: bool,
    use_other_unit: bool,
) -> None:
    names = (indicator.label, *indicator.aliases)
    label = names[spelling % len(names)]
    units = [indicator.unit, *indicator.unit_factors] if use_other_unit else [indicator.unit]
    unit = units[spelling % len(units)]
    header = f"{label}{brackets[0]}{unit}{brackets[1]}" if brackets[0] else label
    if spaces:
        header = " ".join(header)
    value = 1.0
    result = parse_files(
        [("h.xlsx", b.xlsx({"指标": [["村名", "季度", header], ["南永固村", "2023Q2", value]]}))],
        KNOWN,
        SETTINGS,
    )
    assert result.ok, [(p.code, p.message) for p in result.errors]
    (row,) = result.data.values.to_dict("records")
    assert row["indicator"] == indicator.id
    factor = indicator.unit_factors.get(unit, 1.0) if brackets[0] else 1.0
    assert row["value"] == pytest.approx(value * factor)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grid=grids)
def test_a_rejected_import_never_writes(prop_store: Store, grid: b.Grid) -> None:
    before = prop_store.load().frames(), len(prop_store.history())
    text = [
        [
            ("" if c is None else str(c)).replace(",", "，").replace("\n", " ").replace('"', "")
            for c in row
        ]
        for row in grid
    ]
    try:
        outcome = import_files(
            prop_store, [("g.csv", b.csv_bytes(text) + b"\x00")], user="t", settings=SETTINGS
        )
    except WuxingError:
        outcome = None
    if outcome is None or not outcome.ok:
        assert len(prop_store.history()) == before[1]
        for kind, frame in prop_store.load().frames().items():
            pd.testing.assert_frame_equal(frame, before[0][kind])


def test_an_empty_call_reads_nothing_and_reports_nothing() -> None:
    result = parse_files([], Dataset(), SETTINGS)
    assert result.data.is_empty and result.problems == []
