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
from xml.etree import ElementTree

import python_calamine as calamine

from wuxing.config import Settings
from wuxing.errors import ImportRejected
from wuxing.problems import problem

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# An encrypted xlsx is an OLE container holding these streams (MS-OFFCRYPTO).
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_MB = 1024 * 1024
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
        _reject(filename, "file_too_large",
                f"文件大小 {size:.1f} MB，超过上限 {settings.max_upload_mb:g} MB。"
                "请删去无关的工作表或拆成几个文件后再上传。")  # fmt: skip
    if not content.strip():
        _reject(filename, "file_empty", "文件是空的（0 字节或只有空白）。请检查是否选错了文件。")
    if content.startswith(_ZIP_MAGIC):
        return _read_zip(content, filename, settings)
    if content.startswith(_OLE_MAGIC):
        if any(stream in content for stream in _ENCRYPTED_STREAMS):
            _reject(filename, "file_encrypted",
                    "文件设置了打开密码，系统无法读取。请在 Excel 中取消密码（文件→信息→保护工作簿）后另存再上传。")  # fmt: skip
        return _read_calamine(content, filename)
    text = _decode_text(content)
    if text is None:
        _reject(filename, "file_not_spreadsheet",
                "这不是电子表格文件（内容既不是 Excel/WPS 表格，也不是 CSV 文本）。"
                "请上传 .xlsx、.xls、.ods 或 .csv 文件。")  # fmt: skip
    return _read_csv(text, filename)


def _reject(filename: str, code: str, message: str) -> None:
    raise ImportRejected([problem(code, message, file=filename)])


def _read_zip(content: bytes, filename: str, settings: Settings) -> list[RawSheet]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        _reject(filename, "file_corrupt",
                "文件已损坏或不完整（可能下载或拷贝中断）。请用 Excel 打开确认后重新保存再上传。")  # fmt: skip
    # The central directory states every member's inflated size: checked before inflating.
    inflated = sum(info.file_size for info in infos)
    if inflated > settings.max_uncompressed_mb * _MB:
        _reject(filename, "file_zip_bomb",
                f"文件解压后约 {inflated / _MB:,.0f} MB，超过上限 {settings.max_uncompressed_mb:g} MB，"
                "疑似异常文件，已拒收。请确认文件来源，或删去无关内容后重新保存。")  # fmt: skip
    names = {info.filename for info in infos}
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        sheets = _read_calamine(content, filename)
        try:
            formulas = _uncached_formulas(archive, names)
        except Exception:  # noqa: BLE001 — calamine coped, but a damaged member is still damage
            _reject(filename, "file_corrupt",
                    "文件已损坏或不完整，无法读取。请用 Excel 打开确认后重新保存再上传。")  # fmt: skip
        return [RawSheet(s.file, s.name, s.rows, tuple(formulas.get(s.name, ()))) for s in sheets]
    if "content.xml" in names:
        mimetype = archive.read("mimetype") if "mimetype" in names else b""
        if b"spreadsheet" in mimetype or not mimetype:
            return _read_calamine(content, filename)
    _reject(filename, "file_not_spreadsheet",
            "这是一个压缩包或 Word/PPT 文档，不是电子表格。请上传 .xlsx、.xls、.ods 或 .csv 文件。")  # fmt: skip
    return []  # unreachable: _reject raises


def _read_calamine(content: bytes, filename: str) -> list[RawSheet]:
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = []
        for meta in book.sheets_metadata:
            if str(meta.typ) != str(calamine.SheetTypeEnum.WorkSheet):
                continue
            sheet = book.get_sheet_by_name(meta.name)
            sheets.append(RawSheet(filename, meta.name, sheet.to_python(skip_empty_area=False)))
    except calamine.PasswordError:
        _reject(filename, "file_encrypted",
                "文件设置了打开密码，系统无法读取。请取消密码后另存再上传。")  # fmt: skip
    except Exception:  # noqa: BLE001 — any parser failure on foreign bytes means the same thing
        _reject(filename, "file_corrupt",
                "文件已损坏或不完整，无法读取。请用 Excel 打开确认后重新保存再上传。")  # fmt: skip
    if not sheets or all(_is_blank(s.rows) for s in sheets):
        _reject(filename, "file_empty", "文件里没有任何数据（所有工作表都是空的）。")
    return sheets


def _is_blank(rows: list[list[object]]) -> bool:
    return all(cell in ("", None) for row in rows for cell in row)


def _uncached_formulas(archive: zipfile.ZipFile, names: set[str]) -> dict[str, list[str]]:
    """Per sheet name, the cells holding a formula without a cached value."""
    try:
        paths = _sheet_paths(archive, names)
    except (KeyError, ElementTree.ParseError, ValueError):
        return {}
    found: dict[str, list[str]] = {}
    for sheet_name, path in paths.items():
        if path not in names:
            continue
        xml = archive.read(path)
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
    """The text of a CSV file in UTF-8 (BOM or not) or GBK/GB18030; None if it is not text."""
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


def _read_csv(text: str, filename: str) -> list[RawSheet]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows: list[list[object]] = [
            list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
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
