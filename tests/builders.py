"""Data built in code for the tests: spreadsheet files (xlsx, xls, ods, csv, broken ones) for the
importer, and small datasets of scores and values for the metrics."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile

import openpyxl
import pandas as pd
import xlsxwriter

from wuxing import catalog
from wuxing.dataset import Dataset

Grid = list[list[object]]

# Villages every importer test can name: two 赵家村 (different towns) to test ambiguity,
# and a code with a leading zero.
TOWN, OTHER_TOWN = "马庄桥镇", "韩村镇"
KNOWN_VILLAGES = pd.DataFrame(
    [
        ("410922104001", "南永固村", TOWN, 120.0),
        ("410922104002", "永固集村", TOWN, 300.0),
        ("410922104003", "甲村", TOWN, 280.0),
        ("410922104004", "赵家村", TOWN, 760.0),
        ("410922105001", "赵家村", OTHER_TOWN, 410.0),
        ("010922104005", "金魏旧寨村", TOWN, 500.0),
    ],
    columns=["code", "name", "town", "households"],
).assign(county="清丰县", city="濮阳市", population=1000.0, cluster="")
CODE = dict(zip(KNOWN_VILLAGES["name"], KNOWN_VILLAGES["code"], strict=False))
CODE["赵家村"] = "410922104004"


def known_dataset() -> Dataset:
    """The base data of the importer tests: the villages and one quarter of a few values."""
    values = pd.DataFrame(
        [
            (CODE["南永固村"], "2023Q1", "collective_income", 12.0),
            (CODE["南永固村"], "2023Q1", "toilet_upgrades", 100.0),
            (CODE["永固集村"], "2023Q1", "collective_income", 30.0),
        ],
        columns=["code", "period", "indicator", "value"],
    )
    awards = pd.DataFrame(
        [(CODE["甲村"], 2023, "industry", True)], columns=["code", "year", "star", "awarded"]
    )
    return Dataset.of(villages=KNOWN_VILLAGES, values=values, awards=awards)


def xlsx(
    sheets: dict[str, Grid], merges: dict[str, list[tuple[int, int, int, int]]] | None = None
) -> bytes:
    """An xlsx with the given sheets; strings stay text (leading zeros), None is an empty cell."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, grid in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                else:
                    sheet.write(r, c, value)
        for r1, c1, r2, c2 in (merges or {}).get(name, []):
            sheet.merge_range(r1, c1, r2, c2, grid[r1][c1])
    book.close()
    return buffer.getvalue()


def xlsx_with_formula(grid: Grid, formula_cell: tuple[int, int], formula: str) -> bytes:
    """An xlsx written by openpyxl, whose formulas carry no cached value (as scripts write them)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "指标"
    for row in grid:
        sheet.append(row)
    sheet.cell(formula_cell[0] + 1, formula_cell[1] + 1, formula)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls(sheets: dict[str, Grid]) -> bytes:
    """A legacy .xls (BIFF8) file."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for name, grid in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ods(sheets: dict[str, Grid]) -> bytes:
    """An OpenDocument spreadsheet (.ods)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), pd.ExcelWriter(buffer, engine="odf") as writer:
        for name, grid in sheets.items():
            pd.DataFrame(grid).to_excel(writer, sheet_name=name, header=False, index=False)
    return buffer.getvalue()


def csv_bytes(grid: Grid, encoding: str = "utf-8") -> bytes:
    """A CSV file in the given encoding (utf-8-sig writes the BOM)."""
    lines = [",".join("" if v is None else str(v) for v in row) for row in grid]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def zip_of(members: dict[str, bytes]) -> bytes:
    """A plain zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def replace_member(content: bytes, member: str, new: bytes) -> bytes:
    """A copy of a zip file with one member's bytes replaced."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, new if info.filename == member else source.read(info))
    return buffer.getvalue()


def encrypted_office_file() -> bytes:
    """The shape of a password-protected xlsx: an OLE container with an EncryptedPackage stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "Root Entry".encode("utf-16-le").ljust(128, b"\x00")
    directory += "EncryptionInfo".encode("utf-16-le").ljust(128, b"\x00")
    directory += "EncryptedPackage".encode("utf-16-le").ljust(128, b"\x00")
    return header + directory + b"\x00" * 2048


def values_sheet(rows: Grid, header: list[object] | None = None) -> Grid:
    """A 指标 sheet in the template's shape: 村名, 乡镇, 季度, then the given indicator headers."""
    head = header or [
        "村名",
        "乡镇",
        "季度",
        "村集体经济收入（万元）",
        "卫生厕所改造（户）",
        "群众满意度（%）",
    ]
    return [head, *rows]


#: The villages that leave 卫生厕所改造 blank in `with_blank_toilets` (pinyin order: 丙 甲 乙).
BLANK_TOILETS = ("丙村", "甲村", "乙村")


def with_blank_toilets(ds: Dataset, period: str = "2024Q1", added: float = 5.0) -> Dataset:
    """`ds` (the sample) with a new quarter where every village but BLANK_TOILETS reports
    卫生厕所改造 as its 2023Q4 figure + `added`: over the villages that reported both quarters the
    township gained 10 × `added`, while the plain totals fall by the three blanks."""
    names = ds.villages.set_index("code")["name"]
    last = ds.values[
        (ds.values["period"] == "2023Q4") & (ds.values["indicator"] == "toilet_upgrades")
    ]
    reported = last[~last["code"].map(names).isin(BLANK_TOILETS)]
    new = reported.assign(period=period, value=reported["value"] + added)
    return ds.with_frames(values=pd.concat([ds.values, new], ignore_index=True))


def with_a_still_village(ds: Dataset, village: str = "南永固村") -> Dataset:
    """`ds` (the sample) where `village` scores in 2023Q4 what it scored in 2023Q3, less 0.04 on
    支部过硬星: a change that rounds to -0.0 分, to show it is written as no change."""
    code = ds.villages.loc[ds.villages["name"] == village, "code"].iloc[0]
    scores = ds.scores[~((ds.scores["code"] == code) & (ds.scores["period"] == "2023Q4"))]
    still = ds.scores[(ds.scores["code"] == code) & (ds.scores["period"] == "2023Q3")]
    still = still.assign(period="2023Q4", score=still["score"] - 0.04 * (still["star"] == "branch"))
    return ds.with_frames(scores=pd.concat([scores, still], ignore_index=True))


def rows_dataset(villages: pd.DataFrame, scores=(), values=()) -> Dataset:
    """`villages` with score rows (code, period, star, score) and value rows (code, period,
    indicator, value)."""
    return Dataset.of(
        villages=villages,
        scores=pd.DataFrame(list(scores), columns=["code", "period", "star", "score"]),
        values=pd.DataFrame(list(values), columns=["code", "period", "indicator", "value"]),
    )


def five_stars(code: str, period: str, score: float) -> list[tuple[str, str, str, float]]:
    """Score rows giving a village `score` in every star for `period`."""
    return [(code, period, star, score) for star in catalog.STAR_IDS]
