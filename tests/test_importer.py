from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from tests import builders as b
from wuxing.config import Settings
from wuxing.dataset import SCHEMAS, Dataset
from wuxing.errors import ConflictError
from wuxing.reading import importer, problems, template
from wuxing.reading.importer import import_files, parse_files
from wuxing.samples import sample
from wuxing.storage import bulk_insert
from wuxing.storage.store import Store, open_store

SETTINGS = Settings()
Q = "2023Q2"
NYG, YGJ, JIA = "南永固村", "永固集村", "甲村"


@pytest.fixture(scope="module")
def base_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store holding the known dataset as its one revision, made once per module:
    creating the tables and storing the dataset take ~40 ms, copying the file a few."""
    path = tmp_path_factory.mktemp("base") / "importer.sqlite"
    store = open_store(f"sqlite:///{path}")
    store.commit(b.known_dataset(), content=b"base", filename="base.xlsx", user="测试")
    store.dispose()  # the last connection checkpoints the journal into the file
    return path


@pytest.fixture
def base_store(tmp_path: Path, base_file: Path) -> Store:
    # The corpus runs on SQLite only; the store's own behaviour is tested on both backends below.
    shutil.copyfile(base_file, tmp_path / base_file.name)
    store = open_store(f"sqlite:///{tmp_path / base_file.name}")
    yield store
    store.dispose()


@pytest.fixture
def any_base_store(store: Store) -> Store:
    store.commit(b.known_dataset(), content=b"base", filename="base.xlsx", user="测试")
    return store


def snapshot(store: Store) -> tuple[dict[str, pd.DataFrame], int]:
    return store.load().frames(), len(store.history())


def assert_unchanged(store: Store, before: tuple[dict[str, pd.DataFrame], int]) -> None:
    frames, revisions = snapshot(store)
    assert revisions == before[1]
    for kind, frame in frames.items():
        pd.testing.assert_frame_equal(frame, before[0][kind])


@dataclass(frozen=True)
class Bad:
    id: str
    files: Callable[[], list[tuple[str, bytes]]]
    code: str
    cell: str = ""  # expected `sheet!C7`-style place, or '' when the problem has no cell
    settings: Settings = SETTINGS


def one(name: str, content: bytes) -> Callable[[], list[tuple[str, bytes]]]:
    return lambda: [(name, content)]


def sheet(rows: b.Grid, header: list[object] | None = None, name: str = "指标") -> bytes:
    return b.xlsx({name: b.values_sheet(rows, header)})


_OK_ROW = [NYG, "马庄桥镇", Q, 15, 110, 90]
_TEMPLATE_BLANK = template.write_workbook(Dataset())

BAD_FILES = [
    # the file as a whole
    Bad("empty", one("a.xlsx", b""), "file_empty"),
    Bad("whitespace", one("a.csv", b"  \r\n\t\n"), "file_empty"),
    Bad(
        "png-named-xlsx",
        one("a.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        "file_not_spreadsheet",
    ),
    Bad("pdf", one("a.xlsx", b"%PDF-1.4\n" + bytes(range(256)) * 8), "file_not_spreadsheet"),
    Bad("zip-of-text", one("a.xlsx", b.zip_of({"readme.txt": b"hello"})), "file_not_spreadsheet"),
    Bad(
        "docx",
        one("a.xlsx", b.zip_of({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"})),
        "file_not_spreadsheet",
    ),
    Bad("truncated", one("a.xlsx", sheet([_OK_ROW])[:1500]), "file_corrupt"),
    Bad(
        "garbled-sheet-xml",
        one(
            "a.xlsx",
            b.replace_member(
                sheet([_OK_ROW]), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>"
            ),
        ),
        "file_corrupt",
    ),
    Bad(
        "ole-garbage",
        one("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 3000),
        "file_corrupt",
    ),
    Bad("password", one("a.xlsx", b.encrypted_office_file()), "file_encrypted"),
    Bad(
        "too-large",
        one("a.xlsx", sheet([_OK_ROW])),
        "file_too_large",
        settings=Settings(max_upload_mb=0.001),
    ),
    Bad(
        "zip-bomb",
        one("a.xlsx", sheet([_OK_ROW])),
        "file_zip_bomb",
        settings=Settings(max_uncompressed_mb=0.001),
    ),
    Bad("only-empty-sheet", one("a.xlsx", b.xlsx({"Sheet1": []})), "file_empty"),
    Bad("no-header", one("a.xlsx", b.xlsx({"Sheet1": [["你好"], ["随便写的"]]})), "no_data"),
    Bad("blank-template", one("模板.xlsx", _TEMPLATE_BLANK), "no_data"),
    # villages
    Bad(
        "unknown-village",
        one("a.xlsx", sheet([["赵家庄", "", Q, 1, 2, 3]])),
        "village_unknown",
        "指标!A2",
    ),
    Bad(
        "ambiguous-village",
        one("a.xlsx", sheet([["赵家村", Q, 1]], ["村名", "季度", "村集体经济收入（万元）"])),
        "village_ambiguous",
        "指标!A2",
    ),
    Bad(
        "unknown-town",
        one("a.xlsx", sheet([[NYG, "马庄镇", Q, 1, 2, 3]])),
        "town_unknown",
        "指标!B2",
    ),
    Bad(
        "village-missing",
        one("a.xlsx", sheet([_OK_ROW, [None, "马庄桥镇", Q, 1, 2, 3]])),
        "village_missing",
        "指标!A3",
    ),
    Bad(
        "unknown-code",
        one(
            "a.xlsx", sheet([["410922999999", Q, 5]], ["村代码", "季度", "村集体经济收入（万元）"])
        ),
        "village_unknown",
        "指标!A2",
    ),
    Bad(
        "csv-gbk-unknown-village",
        one("a.csv", b.csv_bytes([["村名", "季度", "集体收入（万元）"], ["乙村", Q, "5"]], "gbk")),
        "village_unknown",
        "a!A2",
    ),
    # values
    Bad(
        "negative-count",
        one("a.xlsx", sheet([[NYG, "", Q, 15, -5, 90]])),
        "negative_value",
        "指标!E2",
    ),
    Bad(
        "rate-over-100",
        one("a.xlsx", sheet([[NYG, "", Q, 15, 5, 120]])),
        "rate_over_100",
        "指标!F2",
    ),
    Bad(
        "rate-over-100-text",
        one("a.xlsx", sheet([[NYG, "", Q, 15, 5, "120%"]])),
        "rate_over_100",
        "指标!F2",
    ),
    Bad(
        "text-for-number",
        one("a.xlsx", sheet([[NYG, "", Q, "约五十", 5, 90]])),
        "not_a_number",
        "指标!D2",
    ),
    Bad(
        "text-for-number-csv",
        one("a.csv", b.csv_bytes([["村名", "季度", "卫生厕所改造（户）"], [NYG, Q, "很多"]])),
        "not_a_number",
        "a!C2",
    ),
    Bad(
        "unit-in-cell-unknown",
        one("a.xlsx", sheet([[NYG, "", Q, 15, "12头", 90]])),
        "unit_unknown",
        "指标!E2",
    ),
    Bad(
        "header-unit-unknown",
        one("a.xlsx", sheet([[NYG, Q, 5]], ["村名", "季度", "村集体经济收入（斤）"])),
        "unit_unknown",
        "指标!C1",
    ),
    Bad(
        "header-unknown",
        one(
            "a.xlsx",
            sheet(
                [[NYG, Q, 5, 7]], ["村名", "季度", "村集体经济收入（万元）", "集体收益分红（万元）"]
            ),
        ),
        "header_unknown",
        "指标!D1",
    ),
    Bad(
        "header-duplicate",
        one(
            "a.xlsx",
            sheet([[NYG, Q, 5, 7]], ["村名", "季度", "村集体经济收入（万元）", "集体收入（万元）"]),
        ),
        "header_duplicate",
        "指标!D1",
    ),
    Bad(
        "formula-no-value",
        one(
            "a.xlsx",
            b.xlsx_with_formula(b.values_sheet([_OK_ROW, [YGJ, "", Q, 1, 2, 3]]), (2, 3), "=D2*2"),
        ),
        "formula_no_value",
        "指标!D3",
    ),
    # periods
    Bad(
        "quarter-5-in-column",
        one("a.xlsx", sheet([[NYG, "", "2023Q5", 15, 5, 90]])),
        "period_invalid",
        "指标!C2",
    ),
    Bad(
        "quarter-unreadable",
        one("a.xlsx", sheet([[NYG, "", "上半年", 15, 5, 90]])),
        "period_invalid",
        "指标!C2",
    ),
    Bad(
        "quarter-5-in-sheet-name",
        one("a.xlsx", b.xlsx({"2023年第五季度": [["村名", "村集体经济收入（万元）"], [NYG, 5]]})),
        "period_invalid",
    ),
    Bad(
        "quarter-missing",
        one("a.xlsx", sheet([[NYG, 5]], ["村名", "村集体经济收入（万元）"])),
        "period_missing",
        "指标!A2",
    ),
    # duplicates
    Bad(
        "duplicate-disagrees",
        one("a.xlsx", sheet([_OK_ROW, [NYG, "", Q, 16, 110, 90]])),
        "duplicate_conflict",
        "指标!D3",
    ),
    Bad(
        "duplicate-across-files",
        lambda: [
            ("a.xlsx", sheet([_OK_ROW])),
            ("b.csv", b.csv_bytes([["村名", "季度", "村集体经济收入（万元）"], [NYG, Q, "17"]])),
        ],
        "duplicate_conflict",
        "b!C2",
    ),
    # other kinds
    Bad(
        "score-negative",
        one("a.xlsx", b.xlsx({"星级评分": [["村名", "季度", "产业兴旺星（分）"], [NYG, Q, -3]]})),
        "negative_value",
        "星级评分!C2",
    ),
    Bad(
        "score-absurd",
        one("a.xlsx", b.xlsx({"星级评分": [["村名", "季度", "产业兴旺星（分）"], [NYG, Q, 855]]})),
        "value_invalid",
        "星级评分!C2",
    ),
    Bad(
        "score-long-unknown-star",
        one("a.xlsx", b.xlsx({"评分": [["村名", "季度", "星级", "得分"], [NYG, Q, "富裕星", 80]]})),
        "star_unknown",
        "评分!C2",
    ),
    Bad(
        "award-not-yes-no",
        one("a.xlsx", b.xlsx({"星级评定": [["村名", "年度", "产业兴旺星"], [NYG, 2023, "可能"]]})),
        "value_invalid",
        "星级评定!C2",
    ),
    Bad(
        "award-year-unreadable",
        one(
            "a.xlsx",
            b.xlsx({"星级评定": [["村名", "年度", "产业兴旺星"], [NYG, "二〇二三", "是"]]}),
        ),
        "period_invalid",
        "星级评定!B2",
    ),
    Bad(
        "target-level-6",
        one("a.xlsx", b.xlsx({"创星目标": [["村名", "年度", "目标星级"], [NYG, 2023, "六星"]]})),
        "value_invalid",
        "创星目标!C2",
    ),
    Bad(
        "target-star-unknown",
        one(
            "a.xlsx",
            b.xlsx({"创星目标": [["村名", "年度", "目标星"], [NYG, 2023, "产业兴旺星、富裕星"]]}),
        ),
        "star_unknown",
        "创星目标!C2",
    ),
    Bad(
        "long-unknown-indicator",
        one(
            "a.xlsx", b.xlsx({"长表": [["村名", "季度", "指标", "数值"], [NYG, Q, "集体收益", 5]]})
        ),
        "indicator_unknown",
        "长表!C2",
    ),
    Bad(
        "long-bad-unit",
        one(
            "a.xlsx",
            b.xlsx(
                {
                    "长表": [
                        ["村名", "季度", "指标", "单位", "数值"],
                        [NYG, Q, "村集体经济收入", "美元", 5],
                    ]
                }
            ),
        ),
        "unit_unknown",
        "长表!D2",
    ),
    Bad(
        "pair-unknown-mentee",
        one(
            "a.xlsx",
            b.xlsx({"结对帮带": [["导师村", "帮带村", "结对时间"], [NYG, "癸村", "2022Q3"]]}),
        ),
        "village_unknown",
        "结对帮带!B2",
    ),
    Bad(
        "pair-impossible-since",
        one(
            "a.xlsx", b.xlsx({"结对帮带": [["导师村", "帮带村", "结对时间"], [NYG, JIA, "2022Q7"]]})
        ),
        "period_invalid",
        "结对帮带!C2",
    ),
    Bad(
        "village-negative-households",
        one("a.xlsx", b.xlsx({"村庄": [["村名", "乡镇", "户数"], ["新村", "马庄桥镇", -10]]})),
        "negative_value",
        "村庄!C2",
    ),
]


@pytest.mark.parametrize("case", BAD_FILES, ids=[c.id for c in BAD_FILES])
def test_bad_file_is_rejected_with_its_code_and_cell_and_changes_nothing(
    base_store: Store, case: Bad
) -> None:
    before = snapshot(base_store)
    outcome = import_files(base_store, case.files(), user="测试", settings=case.settings)
    assert not outcome.ok
    assert not outcome.stored and outcome.revision is None
    found = [p for p in outcome.result.errors if p.code == case.code]
    assert found, [(p.code, p.place, p.message) for p in outcome.result.problems]
    if case.cell:
        assert case.cell in {p.place for p in found}, [(p.code, p.place) for p in found]
    for p in outcome.result.problems:
        assert p.code in problems.CODES
        assert p.message and any("\u4e00" <= ch <= "\u9fff" for ch in p.message)
        assert p.file
    assert_unchanged(base_store, before)


def test_corpus_is_at_least_forty_files() -> None:
    assert len(BAD_FILES) + len(MESSY_FILES) >= 40


def test_all_problems_of_a_file_are_reported_together(base_store: Store) -> None:
    content = sheet(
        [["赵家庄", "", Q, 1, 2, 3], [NYG, "", Q, "x", -1, 150], [YGJ, "", "2023Q9", 1, 1, 1]]
    )
    result = import_files(base_store, [("a.xlsx", content)], user="t", settings=SETTINGS).result
    places = {(p.code, p.place) for p in result.errors}
    assert places >= {
        ("village_unknown", "指标!A2"),
        ("not_a_number", "指标!D3"),
        ("negative_value", "指标!E3"),
        ("rate_over_100", "指标!F3"),
        ("period_invalid", "指标!C4"),
    }


def test_unknown_village_suggests_the_closest_names(base_store: Store) -> None:
    result = import_files(
        base_store, [("a.xlsx", sheet([["南永国村", "", Q, 1, 2, 3]]))], user="t", settings=SETTINGS
    ).result
    (p,) = [p for p in result.errors if p.code == "village_unknown"]
    assert "南永固村" in p.message and "南永国村" in p.message


def test_ambiguous_village_lists_both_candidates(base_store: Store) -> None:
    content = sheet([["赵家村", Q, 1]], ["村名", "季度", "村集体经济收入（万元）"])
    result = import_files(base_store, [("a.xlsx", content)], user="t", settings=SETTINGS).result
    (p,) = [p for p in result.errors if p.code == "village_ambiguous"]
    assert "马庄桥镇" in p.message and "韩村镇" in p.message and "乡镇" in p.message


# -- messy files that must import --------------------------------------------------------------


@dataclass(frozen=True)
class Messy:
    id: str
    files: Callable[[], list[tuple[str, bytes]]]
    expect: dict[tuple[str, str, str], float]  # (village name, period, indicator) → value
    warning: str = ""  # expected warning code
    cell: str = ""


_TITLE = "马庄桥镇2023年第二季度“五星”支部创建指标统计表"
MESSY_FILES = [
    Messy(
        "title-and-blank-rows",
        one(
            "a.xlsx",
            b.xlsx(
                {
                    "Sheet1": [
                        [_TITLE],
                        [None],
                        ["填报单位：马庄桥镇", None, "单位：万元、户"],
                        ["村名", "村集体经济收入（万元）", "卫生厕所改造（户）"],
                        [NYG, 15, 120],
                    ]
                }
            ),
        ),
        {(NYG, Q, "collective_income"): 15, (NYG, Q, "toilet_upgrades"): 120},
    ),
    Messy(
        "two-row-merged-header",
        one(
            "a.xlsx",
            b.xlsx(
                {
                    "指标": [
                        ["村名", "季度", "产业兴旺星", None, "生态宜居星"],
                        [
                            None,
                            None,
                            "村集体经济收入（万元）",
                            "食用菌产量（吨）",
                            "卫生厕所改造（户）",
                        ],
                        [NYG, Q, 15, 300, 120],
                    ]
                },
                merges={"指标": [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3)]},
            ),
        ),
        {
            (NYG, Q, "collective_income"): 15,
            (NYG, Q, "mushroom_output"): 300,
            (NYG, Q, "toilet_upgrades"): 120,
        },
    ),
    Messy(
        "yuan-converted",
        one("a.xlsx", sheet([[NYG, Q, 150000]], ["村名", "季度", "集体收入(元)"])),
        {(NYG, Q, "collective_income"): 15},
    ),
    Messy(
        "kg-in-square-brackets",
        one("a.xlsx", sheet([[NYG, Q, 300000]], ["村名", "季度", "茶树菇产量【公斤】"])),
        {(NYG, Q, "mushroom_output"): 300},
    ),
    Messy(
        "bare-unit-suffix",
        one("a.xlsx", sheet([[NYG, Q, 150000]], ["村名", "季度", "村集体经济收入元"])),
        {(NYG, Q, "collective_income"): 15},
    ),
    Messy(
        "serial-and-total",
        one(
            "a.xlsx",
            sheet(
                [[1, NYG, Q, 15], [2, YGJ, Q, 35], ["合计", None, None, 50]],
                ["序号", "村名", "季度", "村集体经济收入（万元）"],
            ),
        ),
        {(NYG, Q, "collective_income"): 15, (YGJ, Q, "collective_income"): 35},
    ),
    Messy(
        "total-mismatch-warns",
        one(
            "a.xlsx",
            sheet(
                [[1, NYG, Q, 15], [2, YGJ, Q, 35], [None, "总计", None, 60]],
                ["序号", "村名", "季度", "村集体经济收入（万元）"],
            ),
        ),
        {(NYG, Q, "collective_income"): 15},
        "total_mismatch",
        "指标!D4",
    ),
    Messy(
        "subtotals",
        one(
            "a.xlsx",
            sheet(
                [
                    [NYG, Q, 15],
                    [YGJ, Q, 35],
                    ["小计", None, 50],
                    [JIA, Q, 5],
                    ["小计", None, 5],
                    ["合计", None, 55],
                ],
                ["村名", "季度", "村集体经济收入（万元）"],
            ),
        ),
        {(JIA, Q, "collective_income"): 5},
    ),
    Messy(
        "header-repeated-between-tables",
        one(
            "a.xlsx",
            sheet(
                [[NYG, Q, 15], ["村 名", "季度", "村集体经济收入（万元）"], [YGJ, Q, 35]],
                ["村名", "季度", "村集体经济收入（万元）"],
            ),
        ),
        {(NYG, Q, "collective_income"): 15, (YGJ, Q, "collective_income"): 35},
    ),
    Messy(
        "signature-rows",
        one(
            "a.xlsx",
            sheet(
                [
                    [NYG, Q, 15],
                    [None, None, None],
                    ["填表人：张三", None, "审核人：李四"],
                    ["备注：收入为年内累计", None, None],
                ],
                ["村名", "季度", "村集体经济收入（万元）"],
            ),
        ),
        {(NYG, Q, "collective_income"): 15},
    ),
    Messy(
        "numbers-as-text",
        one(
            "a.xlsx",
            sheet(
                [[NYG, Q, "1,234", "１２", "85%"], [YGJ, Q, " 35.5 ", "2,000户", "90.5％"]],
                ["村名", "季度", "土地流转面积（亩）", "卫生厕所改造（户）", "群众满意度（%）"],
            ),
        ),
        {
            (NYG, Q, "land_transferred"): 1234,
            (NYG, Q, "toilet_upgrades"): 12,
            (NYG, Q, "mass_satisfaction"): 85,
            (YGJ, Q, "land_transferred"): 35.5,
            (YGJ, Q, "toilet_upgrades"): 2000,
        },
    ),
    Messy(
        "unit-in-cell-converted",
        one(
            "a.xlsx",
            sheet(
                [[NYG, Q, "5000元"], [YGJ, Q, "3万元"]], ["村名", "季度", "村集体经济收入（万元）"]
            ),
        ),
        {(NYG, Q, "collective_income"): 0.5, (YGJ, Q, "collective_income"): 3},
    ),
    Messy(
        "missing-markers",
        one(
            "a.xlsx",
            sheet(
                [[NYG, Q, "—", "-", 120], [YGJ, Q, "/", "无", 0]],
                ["村名", "季度", "村集体经济收入（万元）", "群众满意度（%）", "卫生厕所改造（户）"],
            ),
        ),
        {(NYG, Q, "toilet_upgrades"): 120, (YGJ, Q, "toilet_upgrades"): 0},
    ),
    Messy(
        "name-spellings",
        one(
            "a.xlsx",
            sheet(
                [
                    ["南 永固", Q, 1],
                    ["永固集", Q, 2],
                    ["甲村\u3000", Q, 3],
                    ["金魏旧寨村委会", Q, 4],
                ],
                ["村名", "季度", "卫生厕所改造（户）"],
            ),
        ),
        {
            (NYG, Q, "toilet_upgrades"): 1,
            (YGJ, Q, "toilet_upgrades"): 2,
            (JIA, Q, "toilet_upgrades"): 3,
            ("金魏旧寨村", Q, "toilet_upgrades"): 4,
        },
    ),
    Messy(
        "quarter-spellings",
        one(
            "a.xlsx",
            sheet(
                [
                    [NYG, "2023-Q2", 1],
                    [YGJ, "2023年第二季度", 2],
                    [JIA, "2023年2季度", 3],
                    ["金魏旧寨村", "２０２３Ｑ２", 4],
                ],
                ["村名", "季度", "卫生厕所改造（户）"],
            ),
        ),
        {
            (NYG, Q, "toilet_upgrades"): 1,
            (YGJ, Q, "toilet_upgrades"): 2,
            (JIA, Q, "toilet_upgrades"): 3,
            ("金魏旧寨村", Q, "toilet_upgrades"): 4,
        },
    ),
    Messy(
        "sheet-per-quarter",
        one(
            "a.xlsx",
            b.xlsx(
                {
                    "2023Q2": [["村名", "卫生厕所改造（户）"], [NYG, 110]],
                    "2023年第三季度": [["村名", "卫生厕所改造（户）"], [NYG, 130]],
                }
            ),
        ),
        {(NYG, Q, "toilet_upgrades"): 110, (NYG, "2023Q3", "toilet_upgrades"): 130},
    ),
    Messy(
        "long-layout",
        one(
            "a.xlsx",
            b.xlsx(
                {
                    "长表": [
                        ["村名", "季度", "指标", "单位", "数值"],
                        [NYG, Q, "村集体经济收入", "元", 150000],
                        [NYG, Q, "改厕户数", "户", 120],
                        [YGJ, Q, "志愿服务活动（次）", None, 7],
                    ]
                }
            ),
        ),
        {
            (NYG, Q, "collective_income"): 15,
            (NYG, Q, "toilet_upgrades"): 120,
            (YGJ, Q, "volunteer_activities"): 7,
        },
    ),
    Messy(
        "csv-utf8-bom",
        one(
            "a.csv",
            b.csv_bytes([["村名", "季度", "注册志愿者（人）"], [NYG, Q, "45"]], "utf-8-sig"),
        ),
        {(NYG, Q, "volunteers"): 45},
    ),
    Messy(
        "csv-gb18030",
        one(
            "报表.csv",
            b.csv_bytes([["村名", "季度", "注册志愿者（人）"], ["金魏旧寨村", Q, "45"]], "gb18030"),
        ),
        {("金魏旧寨村", Q, "volunteers"): 45},
    ),
    Messy(
        "xls",
        one("a.xls", b.xls({"指标": [["村名", "季度", "注册志愿者（人）"], [NYG, Q, 45]]})),
        {(NYG, Q, "volunteers"): 45},
    ),
    Messy(
        "ods",
        one("a.ods", b.ods({"指标": [["村名", "季度", "注册志愿者（人）"], [NYG, Q, 45]]})),
        {(NYG, Q, "volunteers"): 45},
    ),
    Messy(
        "xlsm-and-wrong-extension",
        lambda: [
            ("a.xlsm", sheet([[NYG, Q, 45]], ["村名", "季度", "注册志愿者（人）"])),
            ("b.csv", sheet([[YGJ, Q, 46]], ["村名", "季度", "注册志愿者（人）"])),
        ],
        {(NYG, Q, "volunteers"): 45, (YGJ, Q, "volunteers"): 46},
    ),
    Messy(
        "ambiguous-resolved-by-town-column",
        one("a.xlsx", sheet([["赵家村", "韩村镇", Q, 1, 2, 3]])),
        {("赵家村@韩村镇", Q, "collective_income"): 1},
    ),
    Messy(
        "ambiguous-resolved-by-title",
        one(
            "a.xlsx",
            b.xlsx({"Sheet1": [[_TITLE], ["村名", "村集体经济收入（万元）"], ["赵家村", 9]]}),
        ),
        {("赵家村", Q, "collective_income"): 9},
    ),
    Messy(
        "code-with-leading-zero",
        one(
            "a.xlsx", sheet([["010922104005", Q, 5]], ["村代码", "季度", "村集体经济收入（万元）"])
        ),
        {("金魏旧寨村", Q, "collective_income"): 5},
    ),
    Messy(
        "village-sheet-widens-scope",
        one(
            "a.xlsx",
            b.xlsx(
                {
                    "村庄": [["村名", "乡镇", "户数"], ["癸村", "马庄桥镇", 200]],
                    "指标": [["村名", "季度", "卫生厕所改造（户）"], ["癸村", Q, 20]],
                }
            ),
        ),
        {("癸村", Q, "toilet_upgrades"): 20},
    ),
    Messy(
        "jump-warns",
        one("a.xlsx", sheet([[NYG, Q, 150000]], ["村名", "季度", "村集体经济收入（万元）"])),
        {(NYG, Q, "collective_income"): 150000},
        "jump_suspect",
        "指标!C2",
    ),
    Messy(
        "cumulative-falls-warns",
        one("a.xlsx", sheet([[NYG, Q, 50]], ["村名", "季度", "卫生厕所改造（户）"])),
        {(NYG, Q, "toilet_upgrades"): 50},
        "cumulative_fall",
        "指标!C2",
    ),
    Messy(
        "ytd-falls-warns",
        one("a.xlsx", sheet([[YGJ, Q, 20]], ["村名", "季度", "村集体经济收入（万元）"])),
        {(YGJ, Q, "collective_income"): 20},
        "cumulative_fall",
        "指标!C2",
    ),
    Messy(
        "branch-alone-warns",
        one(
            "a.xlsx",
            b.xlsx(
                {"星级评定": [["村名", "年度", "支部过硬星", "产业兴旺星"], [JIA, 2023, "是", "√"]]}
            ),
        ),
        {},
        "branch_without_others",
        "星级评定!C2",
    ),
    Messy(
        "unknown-empty-column-ignored",
        one(
            "a.xlsx",
            sheet([[NYG, Q, 5, None]], ["村名", "季度", "村集体经济收入（万元）", "填报说明"]),
        ),
        {(NYG, Q, "collective_income"): 5},
    ),
]


def _code_of(name: str) -> str:
    if "@" in name:
        village, town = name.split("@")
        villages = b.KNOWN_VILLAGES
        return villages[(villages["name"] == village) & (villages["town"] == town)]["code"].iloc[0]
    return b.CODE.get(name, "")


@pytest.mark.parametrize("case", MESSY_FILES, ids=[c.id for c in MESSY_FILES])
def test_messy_file_imports_with_the_meaning_it_has(base_store: Store, case: Messy) -> None:
    outcome = import_files(base_store, case.files(), user="测试", settings=SETTINGS)
    assert outcome.ok, [(p.code, p.place, p.message) for p in outcome.result.errors]
    assert outcome.stored
    values = base_store.load().values.set_index(["code", "period", "indicator"])["value"]
    names = base_store.load().villages.set_index("name")["code"].to_dict()
    for (village, period, indicator), expected in case.expect.items():
        code = _code_of(village) or names[village]
        assert values[(code, period, indicator)] == pytest.approx(expected)
    if case.id == "missing-markers":
        assert (b.CODE[NYG], Q, "collective_income") not in values.index
        assert (b.CODE[YGJ], Q, "mass_satisfaction") not in values.index
    if case.warning:
        found = [p for p in outcome.result.warnings if p.code == case.warning]
        assert found, [(p.code, p.place) for p in outcome.result.problems]
        assert case.cell in {p.place for p in found}


def test_sample_workbook_round_trips_exactly(sample_dataset: Dataset) -> None:
    content = template.write_workbook(sample_dataset)
    result = parse_files([(sample.FILENAME, content)], Dataset(), SETTINGS)
    assert result.ok, result.errors[:5]
    assert result.warnings == []
    for kind, expected in sample_dataset.frames().items():
        key = list(SCHEMAS[kind].key)
        got = result.data.frame(kind).sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected.sort_values(key).reset_index(drop=True))


def test_sample_workbook_imports_into_an_empty_store(store: Store, sample_dataset: Dataset) -> None:
    content = template.write_workbook(sample_dataset)
    outcome = import_files(store, [(sample.FILENAME, content)], user="测试", settings=SETTINGS)
    assert outcome.stored
    loaded = store.load()
    for kind, expected in sample_dataset.frames().items():
        key = list(SCHEMAS[kind].key)
        got = loaded.frame(kind).sort_values(key).reset_index(drop=True)
        # The store hands back codes, quarters and ids of the big kinds as categoricals.
        want = expected.sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, check_categorical=False)


def test_dry_run_checks_but_writes_nothing(base_store: Store) -> None:
    before = snapshot(base_store)
    outcome = import_files(
        base_store, [("a.xlsx", sheet([_OK_ROW]))], user="t", settings=SETTINGS, dry_run=True
    )
    assert outcome.ok and not outcome.stored and outcome.dry_run
    assert outcome.result.data.counts()["values"] == 3
    assert_unchanged(base_store, before)


def test_same_file_twice_is_one_revision(any_base_store: Store) -> None:
    content = sheet([_OK_ROW])
    first = import_files(any_base_store, [("a.xlsx", content)], user="t", settings=SETTINGS)
    before = snapshot(any_base_store)
    second = import_files(any_base_store, [("again.xlsx", content)], user="t", settings=SETTINGS)
    assert first.stored and not second.stored and second.duplicate
    assert second.revision == first.revision
    assert_unchanged(any_base_store, before)


def test_several_files_make_one_revision_holding_a_zip(any_base_store: Store) -> None:
    files = [
        ("a.xlsx", sheet([_OK_ROW])),
        ("b.csv", b.csv_bytes([["村名", "季度", "注册志愿者（人）"], [YGJ, Q, "45"]])),
    ]
    outcome = import_files(any_base_store, files, user="t", settings=SETTINGS)
    assert outcome.stored
    revision = any_base_store.history()[0]
    assert revision.id == outcome.revision and len(any_base_store.history()) == 2
    assert "a.xlsx" in revision.filename and "b.csv" in revision.filename
    assert any_base_store.content(outcome.revision).startswith(b"PK")
    again = import_files(any_base_store, files, user="t", settings=SETTINGS)
    assert again.duplicate and again.revision == outcome.revision


def test_one_bad_file_blocks_the_others(base_store: Store) -> None:
    before = snapshot(base_store)
    files = [("good.xlsx", sheet([_OK_ROW])), ("bad.xlsx", b"")]
    outcome = import_files(base_store, files, user="t", settings=SETTINGS)
    assert not outcome.ok
    assert_unchanged(base_store, before)


def test_a_confirmed_preview_is_stored_without_reading_the_files_again(
    any_base_store: Store, monkeypatch
) -> None:
    files = [("a.xlsx", sheet([[NYG, "", Q, 15, 110, 90]]))]
    known = any_base_store.load_for_import()
    checked = parse_files(files, known, SETTINGS, earlier=any_base_store.values_in)
    monkeypatch.setattr(importer, "read_workbook", _read_again)
    outcome = importer.store_checked(
        any_base_store, files, checked, user="t", checked_version=known.data_version
    )
    assert outcome.stored and any_base_store.history()[0].filename == "a.xlsx"
    values = any_base_store.load().values.set_index(["code", "period", "indicator"])["value"]
    assert values[(b.CODE[NYG], Q, "collective_income")] == 15


def test_a_confirmed_preview_does_not_overwrite_a_newer_upload_of_the_same_cells(
    any_base_store: Store,
) -> None:
    known = any_base_store.load_for_import()
    files = [("mine.xlsx", sheet([[NYG, "", Q, 15, 110, 90]]))]
    checked = parse_files(files, known, SETTINGS, earlier=any_base_store.values_in)
    # Meanwhile someone else stores other figures for the same cells.
    newer = import_files(
        any_base_store,
        [("theirs.xlsx", sheet([[NYG, "", Q, 16, 111, 91]]))],
        user="other",
        settings=SETTINGS,
    )
    before = snapshot(any_base_store)
    with pytest.raises(ConflictError, match="theirs.xlsx"):
        importer.store_checked(
            any_base_store, files, checked, user="t", checked_version=known.data_version
        )
    assert_unchanged(any_base_store, before)
    assert any_base_store.history()[0].id == newer.revision


def _read_again(*_args, **_kwargs):
    raise AssertionError("the files were read again")


def test_rollback_and_restore_of_an_import(any_base_store: Store) -> None:
    outcome = import_files(
        any_base_store,
        [("a.xlsx", sheet([[NYG, "", Q, 15, 110, 90]]))],
        user="t",
        settings=SETTINGS,
    )
    newer = import_files(
        any_base_store,
        [("b.xlsx", sheet([[NYG, "", Q, 16, 111, 91]]))],
        user="t",
        settings=SETTINGS,
    )

    def income() -> float:
        values = any_base_store.load().values.set_index(["code", "period", "indicator"])["value"]
        return values[(b.CODE[NYG], Q, "collective_income")]

    assert income() == 16
    any_base_store.rollback(newer.revision, "t")
    assert income() == 15
    any_base_store.rollback(outcome.revision, "t")
    assert (b.CODE[NYG], Q, "collective_income") not in any_base_store.load().values.set_index(
        ["code", "period", "indicator"]
    ).index
    any_base_store.restore(newer.revision, "t")
    assert income() == 16


def test_a_crash_halfway_through_the_insert_leaves_the_store_as_it_was(
    any_base_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = bulk_insert.insert_rows

    def half_then_crash(conn, table, frame, revision_id):  # noqa: ANN001, ANN202
        if table.name == "indicator_values":
            original(conn, table, frame.iloc[: len(frame) // 2], revision_id)
            raise RuntimeError("进程在写入一半时被终止")
        original(conn, table, frame, revision_id)

    monkeypatch.setattr(bulk_insert, "insert_rows", half_then_crash)
    before = snapshot(any_base_store)
    content = template.write_workbook(sample.build())
    with pytest.raises(RuntimeError):
        import_files(any_base_store, [("sample.xlsx", content)], user="t", settings=SETTINGS)
    assert_unchanged(any_base_store, before)
    monkeypatch.undo()
    assert import_files(
        any_base_store, [("sample.xlsx", content)], user="t", settings=SETTINGS
    ).stored


def test_agreeing_duplicates_collapse_silently(base_store: Store) -> None:
    outcome = import_files(
        base_store, [("a.xlsx", sheet([_OK_ROW, list(_OK_ROW)]))], user="t", settings=SETTINGS
    )
    assert outcome.ok and outcome.result.data.counts()["values"] == 3


def test_problems_frame_and_json_carry_every_place(base_store: Store) -> None:
    outcome = import_files(
        base_store, [("a.xlsx", sheet([["赵家庄", "", Q, 1, 2, 3]]))], user="t", settings=SETTINGS
    )
    frame = outcome.result.problems_frame()
    assert list(frame.columns) == [
        "severity",
        "file",
        "sheet",
        "row",
        "column",
        "cell",
        "code",
        "message",
    ]
    payload = outcome.as_json()
    assert payload["ok"] is False and payload["revision"] is None
    (error,) = payload["errors"]
    assert error == {
        **error,
        "file": "a.xlsx",
        "sheet": "指标",
        "row": 2,
        "column": "村名",
        "cell": "A2",
        "code": "village_unknown",
    }


# -- cells read as something else: reminders with the text as written and what is stored --------


@pytest.mark.parametrize(
    ("name", "quarter", "income", "code", "original", "stored"),
    [
        ("南永固", Q, 12.0, "read_as_name", "南永固", NYG),
        (" 南 永固村", Q, 12.0, "read_as_name", " 南 永固村", NYG),
        (NYG, Q, "12万元", "read_as_unit", "12万元", "12 万元"),
        (NYG, Q, "42000元", "read_as_unit", "42000元", "4.2 万元"),
        (NYG, "2023年第二季度", 12.0, "read_as_quarter", "2023年第二季度", Q),
    ],
)
def test_a_reinterpreted_cell_is_a_reminder_naming_what_was_read(
    name, quarter, income, code, original, stored
):
    grid = [["村名", "季度", "村集体经济收入（万元）"], [name, quarter, income]]
    result = parse_files([("台账.xlsx", b.xlsx({"指标": grid}))], b.known_dataset(), SETTINGS)
    assert result.ok
    found = [p for p in result.warnings if p.code == code]
    assert [(p.original, p.stored, p.severity) for p in found] == [(original, stored, "warning")]
    assert code in problems.READ_AS and problems.CODES[code][1]  # a Chinese description


def test_one_reminder_per_quarter_spelling_not_per_row():
    grid = [["村名", "季度", "村集体经济收入（万元）"]] + [
        [n, "2023年第二季度", 40.0] for n in (NYG, YGJ, JIA)
    ]
    result = parse_files([("台账.xlsx", b.xlsx({"指标": grid}))], b.known_dataset(), SETTINGS)
    [reminder] = result.warnings
    assert reminder.code == "read_as_quarter" and "共 3 行" in reminder.message


def test_a_file_written_as_stored_carries_no_reminder():
    result = parse_files([("示例.xlsx", sample.workbook_bytes())], Dataset.of(), SETTINGS)
    assert result.ok and not [p for p in result.problems if p.code in problems.READ_AS]


def test_two_files_that_disagree_name_both_and_which_to_remove():
    first = b.xlsx({"指标": [["村名", "季度", "村集体经济收入（万元）"], [NYG, Q, 10.0]]})
    second = b.xlsx({"指标": [["村名", "季度", "村集体经济收入（万元）"], [NYG, Q, 11.0]]})
    result = parse_files([("旧.xlsx", first), ("新.xlsx", second)], b.known_dataset(), SETTINGS)
    [conflict] = result.errors
    assert conflict.code == "duplicate_conflict"
    assert "“旧.xlsx”和“新.xlsx”" in conflict.message and "移除另一个" in conflict.message
    assert "“旧.xlsx”" in conflict.message.split("多半是先选的")[1]
