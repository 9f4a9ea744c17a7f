"""Reading any spreadsheet (xlsx, xlsm, xls, ods, csv) into raw sheets, safely.

The file type is told from the bytes, not the name. Every check that protects the server (size,
zip bomb, encryption) runs before a parser sees the file. Macros are never run: calamine only
reads cell values.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, NoReturn
from xml.etree import ElementTree

from wuxing.config import Settings
from wuxing.errors import ImportRejected
from wuxing.reading.cells import cell_ref
from wuxing.reading.isolated_reader import IsolatedReader, Limits, PendingRead
from wuxing.reading.problems import problem

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# An encrypted xlsx is an OLE container holding these streams (MS-OFFCRYPTO).
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_MB = 1024 * 1024
# One reader server per app process, started by the first workbook read (see isolated_reader).
_READER = IsolatedReader()
# Excel's "Unicode text" and WPS's "Unicode 文本" are UTF-16 with a byte-order mark.
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# What Excel and WPS write when a web page or an XML table is saved under an .xls name.
_WEB_PAGE = re.compile(
    rb"^\s*(?:<!doctype\s+html|<html|<table|<\?xml[^>]*>\s*(?:<\?mso|<workbook))", re.I
)
# A cell that has a formula but no cached value: `<c r="B2"><f>…</f></c>` (no `<v>`).
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+\d+)"')
# openpyxl writes `<v></v>` for a formula it never computed: as good as no value.
_CACHED = re.compile(rb"<v>[^<]+</v>")


@dataclass(frozen=True)
class RawSheet:
    """One sheet as read: cell values row by row (row 0 is the sheet's first row), no guessing.

    Cells are str (text as typed, so codes keep leading zeros), float, int, bool, date/datetime,
    or '' for an empty cell.
    """

    file: str
    name: str
    rows: list[list[object]]
    #: Cells (`B7`) whose formula has no saved result: the reader cannot know their value.
    uncached_formulas: tuple[str, ...] = field(default=())


def read_workbook(content: bytes, filename: str, settings: Settings) -> list[RawSheet]:
    """All sheets of a spreadsheet file; raises ImportRejected (Chinese message) for bad files."""
    if len(content) > settings.max_upload_mb * _MB:
        size = len(content) / _MB
        _reject(
            filename,
            "file_too_large",
            f"文件大小 {size:.1f} MB，超过上限 {settings.max_upload_mb:g} MB。"
            "请删去无关的工作表或拆成几个文件后再上传。",
        )
    if not content.strip():
        _reject(filename, "file_empty", "文件是空的（0 字节或只有空白）。请检查是否选错了文件。")
    if content.startswith(_ZIP_MAGIC):
        return _read_zip(content, filename, settings)
    if content.startswith(_OLE_MAGIC):
        if any(stream in content for stream in _ENCRYPTED_STREAMS):
            _reject(
                filename,
                "file_encrypted",
                "文件设置了打开密码，系统无法读取。请在 Excel 中取消密码（文件→信息→保护工作簿）后另存再上传。",
            )
        return _read_calamine(content, filename, settings)
    if _WEB_PAGE.match(content.removeprefix(b"\xef\xbb\xbf")[:4096]):
        _reject(
            filename,
            "file_web_page",
            "这是网页（HTML/XML）文件，只是扩展名像表格，系统无法当作工作簿读取。"
            "请用 Excel 或 WPS 打开它，再“另存为”Excel 工作簿（.xlsx）后上传。",
        )
    text = _decode_text(content)
    if text is None:
        _reject(
            filename,
            "file_not_spreadsheet",
            "这不是电子表格文件（内容既不是 Excel/WPS 表格，也不是 CSV 文本）。"
            "请上传 .xlsx、.xls、.ods 或 .csv 文件。",
        )
    return _read_csv(text, filename, settings)


def _reject(filename: str, code: str, message: str) -> NoReturn:
    raise ImportRejected([problem(code, message, file=filename)])


def _read_zip(content: bytes, filename: str, settings: Settings) -> list[RawSheet]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        _reject(
            filename,
            "file_corrupt",
            "文件已损坏或不完整（可能下载或拷贝中断）。请用 Excel 打开确认后重新保存再上传。",
        )
    # The central directory states every member's inflated size: checked before inflating.
    inflated = sum(info.file_size for info in infos)
    if inflated > settings.max_uncompressed_mb * _MB:
        _reject(
            filename,
            "file_zip_bomb",
            f"文件解压后约 {inflated / _MB:,.0f} MB，超过上限 {settings.max_uncompressed_mb:g} MB，"
            "疑似异常文件，已拒收。请确认文件来源，或删去无关内容后重新保存。",
        )
    names = {info.filename for info in infos}
    if "xl/workbook.bin" in names:
        _reject(
            filename,
            "file_not_spreadsheet",
            "这是 Excel 二进制工作簿（.xlsb），系统不读取这种格式。"
            "请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再上传。",
        )
    if "xl/workbook.xml" in names:
        with _parsing(content, settings) as pending:
            # Scanned here while the worker parses (a province's file: 0.25 s of 2.4).
            formulas = _uncached_formulas(archive, names)
            sheets = _sheets(pending.answer(), filename, settings, content)
        if formulas is None:  # calamine coped, but a damaged member is still damage
            _reject(
                filename,
                "file_corrupt",
                "文件已损坏或不完整，无法读取。请用 Excel 打开确认后重新保存再上传。",
            )
        return [RawSheet(s.file, s.name, s.rows, tuple(formulas.get(s.name, ()))) for s in sheets]
    if "content.xml" in names:
        mimetype = archive.read("mimetype") if "mimetype" in names else b""
        if b"spreadsheet" in mimetype or not mimetype:
            return _read_calamine(content, filename, settings)
    _reject(
        filename,
        "file_not_spreadsheet",
        "这是一个压缩包或 Word/PPT 文档，不是电子表格。请上传 .xlsx、.xls、.ods 或 .csv 文件。",
    )


def _read_calamine(content: bytes, filename: str, settings: Settings) -> list[RawSheet]:
    with _parsing(content, settings) as pending:
        return _sheets(pending.answer(), filename, settings, content)


def _parsing(content: bytes, settings: Settings) -> PendingRead:
    """The file handed to an isolated worker (see isolated_reader) under the settings' limits."""
    limits = Limits(settings.max_cells, settings.reader_memory_mb, settings.read_timeout_s)
    return _READER.start(content, limits)


def _sheets(
    answer: tuple[Any, ...], filename: str, settings: Settings, content: bytes
) -> list[RawSheet]:
    """The sheets the worker read, or the rejection its answer calls for."""
    if answer[0] == "timeout":
        _reject(
            filename,
            "file_too_complex",
            f"文件在 {settings.read_timeout_s:g} 秒内没有读完，疑似异常文件，已拒收。"
            "请用 Excel 打开确认后另存为 .xlsx 再上传。",
        )
    if answer[0] == "died":  # of its memory cap: a grid far too large
        _reject(filename, "file_too_many_cells", _far_cells_message(content, settings))
    if answer[0] == "encrypted":
        _reject(
            filename, "file_encrypted", "文件设置了打开密码，系统无法读取。请取消密码后另存再上传。"
        )
    if answer[0] == "corrupt":
        _reject(
            filename,
            "file_corrupt",
            "文件已损坏或不完整，无法读取。请用 Excel 打开确认后重新保存再上传。",
        )
    if answer[0] == "too_many_cells":
        _, sheet, height, width, last = answer
        _reject(
            filename,
            "file_too_many_cells",
            _too_many_cells_message(sheet, height, width, last, settings, content),
        )
    sheets = [RawSheet(filename, name, rows) for name, rows in answer[1]]
    if not sheets or all(_is_blank(s.rows) for s in sheets):
        _reject(filename, "file_empty", "文件里没有任何数据（所有工作表都是空的）。")
    cells = cell_count(sheets)
    if cells > settings.max_cells:
        _reject(filename, "file_too_many_cells", cells_over_message(cells, settings))
    return sheets


def cell_count(sheets: list[RawSheet]) -> int:
    """Cells of the sheets' grids (rows × widest row): the work an upload asks for."""
    return sum(len(s.rows) * max((len(r) for r in s.rows), default=0) for s in sheets)


def cells_over_message(cells: int, settings: Settings) -> str:
    """Why an upload of `cells` cells is refused, and what to do."""
    return (
        f"文件约有 {cells:,} 个单元格（行数×列数），超过一次上传的上限 {settings.max_cells:,} 个。"
        "请删去无关的行、列或工作表，或按乡镇拆成几个文件后再上传。"
    )


def _too_many_cells_message(
    sheet: str,
    height: int,
    width: int,
    last: tuple[int, int] | None,
    settings: Settings,
    content: bytes,
) -> str:
    if not sheet or last is None:
        return _far_cells_message(content, settings)
    return (
        f"工作表“{sheet}”的数据区从 A1 延伸到 {cell_ref(*last)}（{height:,} 行 × {width:,} 列），"
        f"超过上限 {settings.max_cells:,} 个单元格，疑似远处有误输入的内容。"
        f"请在 Excel 中删除 {cell_ref(*last)} 附近多余的行和列后重新保存再上传。"
    )


def _far_cells_message(content: bytes, settings: Settings) -> str:
    """Names the outermost cells holding a value (xlsx), which stretch the sheet's grid."""
    far = _outermost_cells(content)
    where = "、".join(f"工作表“{sheet}”的 {ref}" for sheet, ref in far)
    found = f"最远的内容在{where}，" if far else ""
    return (
        f"文件的数据区过大（超过 {settings.max_cells:,} 个单元格），系统拒收以免服务器内存耗尽。"
        f"{found}多半是远处误输入的内容：请删除这些单元格所在的行和列后重新保存再上传。"
    )


def _outermost_cells(content: bytes) -> list[tuple[str, str]]:
    """(sheet, ref) of the value cells furthest down and furthest right, per xlsx sheet."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
        paths = _sheet_paths(archive, names)
    except Exception:  # noqa: BLE001 — only a better message is at stake
        return []
    found: list[tuple[str, str]] = []
    for sheet, path in paths.items():
        if path not in names:
            continue
        cells = [
            _ref_position(ref.group(1))
            for match in _CELL.finditer(archive.read(path))
            if match.group(2) and (ref := _REF.search(match.group(1)))
        ]
        if not cells:
            continue
        lowest = max(cells)
        rightmost = max(cells, key=lambda rc: (rc[1], rc[0]))
        for row, column in dict.fromkeys([lowest, rightmost]):
            found.append((sheet, cell_ref(row, column)))
    return found


def _ref_position(ref: bytes) -> tuple[int, int]:
    letters = ref.rstrip(b"0123456789")
    column = 0
    for letter in letters.upper():
        column = column * 26 + letter - 64
    return int(ref[len(letters) :]) - 1, column - 1


def _is_blank(rows: list[list[object]]) -> bool:
    return all(cell in ("", None) for row in rows for cell in row)


def _uncached_formulas(archive: zipfile.ZipFile, names: set[str]) -> dict[str, list[str]] | None:
    """Per sheet name, the cells holding a formula without a cached value; None when a sheet's
    member is damaged."""
    try:
        paths = _sheet_paths(archive, names)
    except (KeyError, ElementTree.ParseError, ValueError):  # no sheet list: nothing to tell
        return {}
    except Exception:  # noqa: BLE001 — a member that cannot be inflated is damage, told as such
        return None
    found: dict[str, list[str]] = {}
    for sheet_name, path in paths.items():
        if path not in names:
            continue
        try:
            xml = archive.read(path)
        except Exception:  # noqa: BLE001 — as above
            return None
        if b"<f" not in xml:  # most sheets hold no formula at all: skip the scan
            continue
        for match in _CELL.finditer(xml):
            inner = match.group(2) or b""
            if (b"<f>" in inner or b"<f " in inner) and not _CACHED.search(inner):
                ref = _REF.search(match.group(1))
                if ref:
                    found.setdefault(sheet_name, []).append(ref.group(1).decode())
    return found


def _sheet_paths(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.findall("p:Relationship", ns)}
    out = {}
    for sheet in book.iter(f"{{{ns['m']}}}sheet"):
        target = targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out[sheet.get("name", "")] = path
    return out


def _decode_text(content: bytes) -> str | None:
    """The text of a CSV file in UTF-8 (BOM or not), UTF-16 (with BOM) or GBK/GB18030; else None."""
    if content.startswith(_UTF16_BOMS):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            return None
    head = content[:4096]
    if b"\x00" in head:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:4096]
        controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
        if controls > len(sample) // 100:
            return None
        return text
    return None


def _read_csv(text: str, filename: str, settings: Settings) -> list[RawSheet]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows: list[list[object]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            cells += max(len(row), 1)
            if cells > settings.max_cells:  # stop before a huge file fills memory
                _reject(
                    filename,
                    "file_too_many_cells",
                    f"CSV 文件超过一次上传的上限 {settings.max_cells:,} 个单元格"
                    f"（读到第 {len(rows) + 1:,} 行时）。请删去无关的行和列，"
                    "或按乡镇拆成几个文件后再上传。",
                )
            rows.append(list(row))
    except csv.Error:
        _reject(
            filename,
            "file_corrupt",
            "CSV 文件格式有误（引号不成对等），无法读取。请用 Excel 另存为 CSV 后再上传。",
        )
    if _is_blank(rows):
        _reject(filename, "file_empty", "文件里没有任何数据。")
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "CSV"
    return [RawSheet(filename, stem, rows)]
