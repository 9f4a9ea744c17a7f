from __future__ import annotations

import datetime as dt
import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest

from tests import builders as b
from wuxing.config import Settings
from wuxing.errors import ImportRejected
from wuxing.reading.workbook import read_workbook

SETTINGS = Settings()
GRID = [["村代码", "村名", "数值"], ["010922104005", "金魏旧寨村", 12.5]]


def rejected_code(content: bytes, settings: Settings = SETTINGS) -> str:
    with pytest.raises(ImportRejected) as info:
        read_workbook(content, "f.xlsx", settings)
    (problem,) = info.value.problems
    assert problem.file == "f.xlsx" and problem.is_error
    return problem.code


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.xlsx", b.xlsx({"表": GRID})),
        ("a.xlsm", b.xlsx({"表": GRID})),
        ("a.xls", b.xls({"表": GRID})),
        ("a.ods", b.ods({"表": GRID})),
        ("a.csv", b.csv_bytes(GRID)),
        ("a.csv", b.csv_bytes(GRID, "utf-8-sig")),
        ("a.csv", b.csv_bytes(GRID, "gbk")),
        ("a.csv", b.csv_bytes(GRID, "gb18030")),
        ("wrong-extension.csv", b.xlsx({"表": GRID})),
        ("no-extension", b.xls({"表": GRID})),
    ],
)
def test_every_format_reads_with_codes_keeping_leading_zeros(name: str, content: bytes) -> None:
    (sheet,) = read_workbook(content, name, SETTINGS)
    assert sheet.rows[1][0] == "010922104005"
    assert sheet.rows[1][1] == "金魏旧寨村"
    assert float(sheet.rows[1][2]) == 12.5
    assert sheet.file == name


def test_csv_sheet_is_named_after_the_file() -> None:
    (sheet,) = read_workbook(b.csv_bytes(GRID), "uploads/2023Q1指标.csv", SETTINGS)
    assert sheet.name == "2023Q1指标"


def test_rows_keep_their_place_under_leading_blank_rows_and_columns() -> None:
    (sheet,) = read_workbook(b.xlsx({"表": [[], [], [None, None, "标题"]]}), "a.xlsx", SETTINGS)
    assert sheet.rows[2][2] == "标题"


def test_all_sheets_are_read_in_order() -> None:
    sheets = read_workbook(b.xlsx({"村庄": GRID, "指标": GRID}), "a.xlsx", SETTINGS)
    assert [s.name for s in sheets] == ["村庄", "指标"]


def test_dates_come_back_as_dates() -> None:
    (sheet,) = read_workbook(
        b.xlsx({"表": [["日期"], [dt.datetime(2023, 3, 31)]]}), "a.xlsx", SETTINGS
    )
    assert isinstance(sheet.rows[1][0], dt.date)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "file_empty"),
        (b"\n\n  ", "file_empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "file_not_spreadsheet"),
        (b"\x00\x01\x02" * 100, "file_not_spreadsheet"),
        (b.zip_of({"a.txt": b"x"}), "file_not_spreadsheet"),
        (b.xlsx({"表": GRID})[:800], "file_corrupt"),
        (b.xlsx({"表": GRID})[:-30], "file_corrupt"),
        (b.encrypted_office_file(), "file_encrypted"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600, "file_corrupt"),
        (b.xlsx({"空": []}), "file_empty"),
    ],
)
def test_bad_files_are_rejected_with_a_code(content: bytes, code: str) -> None:
    assert rejected_code(content) == code


def test_size_limit_is_checked_before_reading() -> None:
    assert (
        rejected_code(b"not even a spreadsheet" * 100, Settings(max_upload_mb=0.001))
        == "file_too_large"
    )


def test_messages_are_chinese() -> None:
    with pytest.raises(ImportRejected) as info:
        read_workbook(b"", "f.xlsx", SETTINGS)
    assert "空" in info.value.problems[0].message


@pytest.fixture(scope="module")
def gigabyte_bomb() -> bytes:
    """A real zip whose one member inflates to 1 GiB of zeros (about 5 MB). The deflate stream is
    one compressed 16 MiB block of zeros repeated 64 times (each ends on a full flush, so each
    stands alone), then an empty final block: zipfile would compress the whole GiB, ~5 s."""
    zeros = bytes(16 * 1024 * 1024)
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(64):
        crc = zlib.crc32(zeros, crc)
    members = [
        ("[Content_Types].xml", b"<Types/>", 0, zlib.crc32(b"<Types/>"), 8),
        ("xl/workbook.xml", b"<workbook/>", 0, zlib.crc32(b"<workbook/>"), 11),
        ("xl/worksheets/sheet1.xml", block * 64 + b"\x03\x00", 8, crc, 64 * len(zeros)),
    ]
    local, central = b"", b""
    for name, data, method, checksum, size in members:
        head = struct.pack(
            "<HHHHHLLLHH", 20, 0, method, 0, 0x21, checksum, len(data), size, len(name.encode()), 0
        )
        central += (
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + head
            + struct.pack("<HHHLL", 0, 0, 0, 0, len(local))
            + name.encode()
        )
        local += b"PK\x03\x04" + head + name.encode() + data
    end = struct.pack("<4sHHHHLLH", b"PK\x05\x06", 0, 0, 3, 3, len(central), len(local), 0)
    return local + central + end


def test_a_gigabyte_zip_bomb_is_rejected_without_inflating(
    gigabyte_bomb: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(gigabyte_bomb) < 20 * 1024 * 1024
    opened: list[str] = []
    original = zipfile.ZipFile.open

    def opening(archive: zipfile.ZipFile, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return original(archive, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", opening)
    tracemalloc.start()
    code = rejected_code(gigabyte_bomb)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert code == "file_zip_bomb"
    # Refused on the sizes the archive states: no member was opened, so none was inflated.
    assert opened == []
    assert peak < 20 * 1024 * 1024


def test_formulas_without_cached_values_are_listed() -> None:
    content = b.xlsx_with_formula(
        [["村名", "数值"], ["甲村", 1], ["乙村", 2]], (3, 1), "=SUM(B2:B3)"
    )
    (sheet,) = read_workbook(content, "a.xlsx", SETTINGS)
    assert sheet.uncached_formulas == ("B4",)


def test_formulas_with_cached_values_are_fine() -> None:
    buffer = io.BytesIO()
    import xlsxwriter

    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("表")
    sheet.write_row(0, 0, ["村名", "数值"])
    sheet.write_formula(1, 1, "=1+1", None, 2)
    book.close()
    (raw,) = read_workbook(buffer.getvalue(), "a.xlsx", SETTINGS)
    assert raw.uncached_formulas == ()
    assert raw.rows[1][1] == 2
