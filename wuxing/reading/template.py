"""The spreadsheet format the app hands out and reads back: the blank template, and any
dataset written in that format (the shipped sample workbook is one)."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from wuxing import catalog, periods
from wuxing.collation import pinyin_key
from wuxing.dataset import Dataset
from wuxing.formulas import TEXT_ONLY_XLSX

# Sheet names, in the order they are written; the importer also recognises them by headers.
SHEET_VILLAGES = "村庄"
SHEET_VALUES = "指标"
SHEET_SCORES = "星级评分"
SHEET_AWARDS = "星级评定"
SHEET_TARGETS = "创星目标"
SHEET_PAIRS = "结对帮带"
SHEET_README = "说明"

VILLAGE_HEADERS = {
    "code": "村代码",
    "name": "村名",
    "town": "乡镇",
    "county": "县区",
    "city": "市",
    "households": "户数（户）",
    "population": "人口（人）",
    "cluster": "片区",
}
AWARD_YES, AWARD_NO = "是", "否"
TARGET_HEADERS = ("村名", "乡镇", "年度", "目标星级", "目标星")
PAIR_HEADERS = ("导师村", "导师村乡镇", "帮带村", "帮带村乡镇", "结对时间", "结束时间", "备注")
# Fixed so that regenerating the sample from its seed gives the same bytes.
_FIXED_TIME = datetime(2023, 5, 15, 0, 0, 0)

_README = [
    "“五星”支部创建数据台账 填写说明",
    "",
    "1. 每个工作表对应一类数据，可只上传其中几张表；表名或表头能被识别即可。",
    "2. 村名须与“村庄”表或系统中已有村名一致；重名村请同时填写“乡镇”。",
    "3. 季度写作 2023Q1、2023-Q1 或 2023年第一季度；年度写 4 位数字。",
    "4. 数值只填数字，不要带单位；单位以表头括号内为准（如 万元、户、次、吨）。",
    "   表头单位写“元”“公斤”时系统自动换算为 万元、吨。",
    "5. 空白、“—”“/”“无”表示缺报，不会当作 0。",
    "6. 星级评分为百分制（可含加分，超过 100），达标线默认 85 分。",
    "7. 星级评定、目标星填“是/否”；目标星用顿号分隔，如：产业兴旺星、生态宜居星。",
    "8. 结对时间填季度，如 2022Q3；结束时间可空。",
    "",
    "指标一览（指标名｜所属星｜单位｜口径）：",
]
_KIND_TEXT = {"flow": "当季发生数", "ytd": "年内累计数", "stock": "季末存量"}


def value_header(indicator: catalog.Indicator) -> str:
    """Header of an indicator column in the 指标 sheet: label with unit in full-width brackets."""
    return f"{indicator.label}（{indicator.unit}）"


def score_header(star: catalog.Star) -> str:
    """Header of a star's column in the 星级评分 sheet."""
    return f"{star.label}（分）"


def write_workbook(dataset: Dataset, target: str | Path | io.BytesIO | None = None) -> bytes:
    """Write `dataset` in the template format; with an empty dataset this is the blank template."""
    quarters = dataset.periods() or periods.quarter_range("2023Q1", "2023Q4")
    return _write(dataset, target, quarters=quarters, blank_rows={})


def next_period(known: Dataset) -> str:
    """The quarter a template is made for by default: the one after the newest stored."""
    stored = known.periods()
    if stored:
        return periods.shift(stored[-1], 1)
    today = datetime.now()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def quarter_choices(stored: list[str], period: str) -> list[str]:
    """The 季度 drop-down: the stored quarters, the four after the newest of them, and `period`."""
    newest = max(stored) if stored else period
    coming = [periods.shift(newest, n) for n in range(1, 5)]
    return periods.sorted_quarters([*stored, *coming, period])


def for_period(known: Dataset, period: str, villages: pd.DataFrame | None = None) -> bytes:
    """The template to fill for quarter `period`: one row per village (of `villages`, default
    every known one) in pinyin order, with the quarter (and its year) already filled in.

    Args:
        known: the stored data (its quarters make the drop-down; its villages the default).
        period: a quarter id such as `2024Q1`.
        villages: the villages of the area the template is for (an account's, a town's …).
    """
    chosen = known.villages if villages is None else villages
    chosen = chosen.iloc[
        sorted(range(len(chosen)), key=lambda i: pinyin_key(str(chosen["name"].iloc[i])))
    ]
    year = periods.year_of(period)
    places = list(zip(chosen["name"], chosen["town"], strict=True))
    blank_rows = {
        SHEET_VALUES: [[name, town, period] for name, town in places],
        SHEET_SCORES: [[name, town, period] for name, town in places],
        SHEET_AWARDS: [[name, town, year] for name, town in places],
        SHEET_TARGETS: [[name, town, year] for name, town in places],
    }
    return _write(
        Dataset.of(villages=chosen),
        None,
        quarters=quarter_choices(known.periods(), period),
        blank_rows=blank_rows,
    )


def _write(
    dataset: Dataset,
    target: str | Path | io.BytesIO | None,
    *,
    quarters: list[str],
    blank_rows: dict[str, list[list[object]]],
) -> bytes:
    buffer = io.BytesIO()
    # Village names reach the hidden 选项 sheet through write_column: they must stay text.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, **TEXT_ONLY_XLSX})
    book.set_properties({"title": "五星支部创建台账", "created": _FIXED_TIME})
    head = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True})
    names = _names_by_code(dataset)
    town_of = dataset.villages.set_index("code")["town"].to_dict()
    # In pinyin order, as every list of villages (丁村、丙村、乙村 by code point helps nobody).
    village_names = sorted(set(names.values()), key=pinyin_key)

    lists = book.add_worksheet("选项")
    lists.hide()
    lists.write_column(0, 0, village_names or [""])
    lists.write_column(0, 1, quarters)

    _write_villages(book, head, dataset)
    values = {i.id: value_header(i) for i in catalog.INDICATORS}
    _write_quarterly(
        book, head, SHEET_VALUES, dataset.values, "indicator", "value", values, names, town_of
    )
    scores = {s.id: score_header(s) for s in catalog.STARS}
    _write_quarterly(
        book, head, SHEET_SCORES, dataset.scores, "star", "score", scores, names, town_of
    )
    _write_awards(book, head, dataset, names, town_of)
    _write_targets(book, head, dataset, names, town_of)
    _write_pairs(book, head, dataset, names, town_of)
    _write_readme(book)
    for sheet_name, rows in blank_rows.items():
        _write_rows(book.get_worksheet_by_name(sheet_name), rows)

    village_ref = f"=选项!$A$1:$A${max(1, len(village_names))}"
    quarter_ref = f"=选项!$B$1:$B${len(quarters)}"
    # Drop-downs that help without refusing: a village spelled otherwise, or a quarter not yet
    # in the list, gets a warning the clerk may accept (the importer judges what it means).
    for sheet_name, quarter_col in ((SHEET_VALUES, 2), (SHEET_SCORES, 2)):
        sheet = book.get_worksheet_by_name(sheet_name)
        for col, ref, what in ((0, village_ref, "村名"), (quarter_col, quarter_ref, "季度")):
            sheet.data_validation(
                1,
                col,
                5000,
                col,
                {
                    "validate": "list",
                    "source": ref,
                    "error_type": "warning",
                    "error_title": f"{what}不在下拉列表中",
                    "error_message": f"这个{what}不在下拉列表中。确认无误可点“是”继续填写，上传时系统会再检查。",
                },
            )
    book.close()
    content = buffer.getvalue()
    if isinstance(target, io.BytesIO):
        target.write(content)
    elif target is not None:
        Path(target).write_bytes(content)
    return content


def _names_by_code(dataset: Dataset) -> dict[str, str]:
    return dict(zip(dataset.villages["code"], dataset.villages["name"], strict=True))


def _sheet(book: xlsxwriter.Workbook, name: str, head: object, headers: list[str]) -> object:
    sheet = book.add_worksheet(name)
    sheet.write_row(0, 0, headers, head)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, len(headers) - 1, 14)
    return sheet


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    return value


def _write_rows(sheet: Worksheet, rows: list[list[object]]) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            value = _cell(value)
            if value is None:
                continue
            if isinstance(value, str):
                # Codes like 410922104001 must stay text so their leading zeros survive.
                sheet.write_string(r, c, value)
            else:
                # _cell lets only numbers reach here; mypy sees `object`.
                sheet.write_number(r, c, float(value))  # type: ignore[arg-type]


def _write_villages(book: xlsxwriter.Workbook, head: object, ds: Dataset) -> None:
    sheet = _sheet(book, SHEET_VILLAGES, head, list(VILLAGE_HEADERS.values()))
    rows = [[row[k] for k in VILLAGE_HEADERS] for row in ds.villages.to_dict("records")]
    _write_rows(sheet, rows)


def _wide(frame: pd.DataFrame, when: str, item: str, value: str, ids: list[str]) -> list[tuple]:
    """(code, period or year, [value per id]) for each village and period of a long frame."""
    wide = frame.pivot_table(index=["code", when], columns=item, values=value, aggfunc="first")
    wide = wide.reindex(columns=ids)
    return [
        (code, when_, list(values))
        for (code, when_), values in zip(wide.index, wide.to_numpy(dtype=object), strict=True)
    ]


def _write_quarterly(
    book: xlsxwriter.Workbook,
    head: object,
    sheet_name: str,
    long: pd.DataFrame,
    item: str,
    value: str,
    headers: dict[str, str],
    names: dict,
    towns: dict,
) -> None:
    """指标 or 星级评分: one row per village and quarter, a column per item (`headers`: id →
    column header, in order) holding the long frame's `value`."""
    sheet = _sheet(book, sheet_name, head, ["村名", "乡镇", "季度", *headers.values()])
    if long.empty:
        return
    wide = _wide(long, "period", item, value, list(headers))
    _write_rows(sheet, [[names.get(c, c), towns.get(c, ""), p, *v] for c, p, v in wide])


def _write_awards(
    book: xlsxwriter.Workbook, head: object, ds: Dataset, names: dict, towns: dict
) -> None:
    headers = ["村名", "乡镇", "年度", *(s.label for s in catalog.STARS)]
    sheet = _sheet(book, SHEET_AWARDS, head, headers)
    if ds.awards.empty:
        return
    wide = _wide(ds.awards, "year", "star", "awarded", list(catalog.STAR_IDS))
    marks = [
        [None if pd.isna(f) else (AWARD_YES if f else AWARD_NO) for f in v] for _, _, v in wide
    ]
    _write_rows(
        sheet,
        [
            [names.get(c, c), towns.get(c, ""), int(y), *m]
            for (c, y, _), m in zip(wide, marks, strict=True)
        ],
    )


def _write_targets(
    book: xlsxwriter.Workbook, head: object, ds: Dataset, names: dict, towns: dict
) -> None:
    sheet = _sheet(book, SHEET_TARGETS, head, list(TARGET_HEADERS))
    rows = []
    for t in ds.targets.to_dict("records"):
        stars = "、".join(catalog.STAR_BY_ID[s].label for s in t["stars"].split(",") if s)
        rows.append(
            [
                names.get(t["code"], t["code"]),
                towns.get(t["code"], ""),
                int(t["year"]),
                int(t["level"]),
                stars or None,
            ]
        )
    _write_rows(sheet, rows)


def _write_pairs(
    book: xlsxwriter.Workbook, head: object, ds: Dataset, names: dict, towns: dict
) -> None:
    sheet = _sheet(book, SHEET_PAIRS, head, list(PAIR_HEADERS))
    rows = [
        [
            names.get(p["mentor"], p["mentor"]),
            towns.get(p["mentor"], ""),
            names.get(p["mentee"], p["mentee"]),
            towns.get(p["mentee"], ""),
            p["since"] or None,
            p["until"] or None,
            p["note"] or None,
        ]
        for p in ds.pairs.to_dict("records")
    ]
    _write_rows(sheet, rows)


def _write_readme(book: xlsxwriter.Workbook) -> None:
    sheet = book.add_worksheet(SHEET_README)
    sheet.set_column(0, 0, 90)
    lines = list(_README)
    for i in catalog.INDICATORS:
        star = catalog.STAR_BY_ID[i.star].label
        lines.append(f"  {i.label}｜{star}｜{i.unit}｜{_KIND_TEXT[i.kind]}")
    sheet.write_column(0, 0, lines)
