"""The hostile corpus: files an attacker or an unlucky clerk uploads, made by code, not kept as
blobs.

`python -m tests.hostile DIR` writes every file to DIR, to try them by hand against
`python -m wuxing import` or the upload page. Each file is small (a few KB): the danger is in what
a parser would build from it, not in its size.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from tests import builders as b

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OFFICE_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    f'<?xml version="1.0"?><Types xmlns="{_PACKAGE}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE_TYPES}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_OFFICE_TYPES}.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    f'<?xml version="1.0"?><Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_BOOK = (
    f'<?xml version="1.0"?><workbook xmlns="{_SHEET_NS}" xmlns:r="{_RELATIONSHIPS}">'
    '<sheets><sheet name="指标" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_BOOK_RELS = (
    f'<?xml version="1.0"?><Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def xlsx_with_cells(cells: dict[str, str]) -> bytes:
    """A minimal valid xlsx whose one sheet holds text `cells` ({"A1": "村名", …}), as Excel
    writes."""
    rows: dict[int, list[str]] = {}
    for ref, text in cells.items():
        row = int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        rows.setdefault(row, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    data = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(rows.items()))
    sheet = (
        f'<?xml version="1.0"?><worksheet xmlns="{_SHEET_NS}">'
        f"<sheetData>{data}</sheetData></worksheet>"
    )
    members = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _RELS,
        "xl/workbook.xml": _BOOK,
        "xl/_rels/workbook.xml.rels": _BOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def far_corner() -> bytes:
    """One value in A1 and one in XFD1048576: a 550 GB grid for a dense reader (1.6 KB)."""
    return xlsx_with_cells({"A1": "村名", "XFD1048576": "备注"})


def far_edges() -> bytes:
    """A note typed far right (XFD1) and one far down (A1048576)."""
    return xlsx_with_cells({"A1": "村名", "XFD1": "备注", "A1048576": "备注"})


def far_enough() -> bytes:
    """A1 and ZZ100000: 70 million cells, 3 GB for a dense reader."""
    return xlsx_with_cells({"A1": "村名", "ZZ100000": "备注"})


def far_ods() -> bytes:
    """An ODS sheet stretched by repeated empty rows and columns to 10,000 × 10,000 cells."""
    cell = (
        '<table:table-cell office:value-type="float" office:value="1">'
        "<text:p>1</text:p></table:table-cell>"
    )
    body = (
        f"<table:table-row>{cell}</table:table-row>"
        '<table:table-row table:number-rows-repeated="9998"><table:table-cell/></table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="9998"/>'
        f"{cell}</table:table-row>"
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="指标">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    return b.zip_of(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": content.encode(),
        }
    )


def million_rows_csv(rows: int = 1_000_000) -> bytes:
    """A CSV of a million short rows of six cells: 12 MB, under the upload size limit."""
    return "村名,一季度,二季度,三季度,四季度,全年\n".encode() + b"x,1,2,3,4,5\n" * rows


def unicode_text(grid: list[list[object]]) -> bytes:
    """Excel's "Unicode text" (.txt / .csv): UTF-16 with a byte-order mark, tab-separated."""
    text = "\r\n".join("\t".join("" if c is None else str(c) for c in row) for row in grid)
    return "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")


def web_page_as_xls() -> bytes:
    """What a "save as web page" or a system export named .xls really is: HTML."""
    return (
        "<html><head><meta charset='utf-8'></head><body><table>"
        "<tr><td>村名</td><td>季度</td></tr><tr><td>赵家村</td><td>2024Q1</td></tr>"
        "</table></body></html>"
    ).encode()


def xlsb() -> bytes:
    """An Excel binary workbook (.xlsb) container."""
    return b.zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00"})


def zip_from_the_future() -> bytes:
    """A workbook whose zip directory asks for a newer zip version (6.4) than Python reads."""
    content = bytearray(xlsx_with_cells({"A1": "村名"}))
    at = content.find(b"PK\x01\x02")
    while at != -1:  # "version needed to extract" of every central directory entry
        content[at + 6 : at + 8] = (64).to_bytes(2, "little")
        at = content.find(b"PK\x01\x02", at + 4)
    return bytes(content)


#: Every generated case: file name → bytes.
CORPUS = {
    "远角单元格.xlsx": far_corner,
    "远处备注.xlsx": far_edges,
    "ZZ100000.xlsx": far_enough,
    "重复行列.ods": far_ods,
    "一百万行.csv": million_rows_csv,
    "网页另存.xls": web_page_as_xls,
    "二进制工作簿.xlsb": xlsb,
    "新版压缩.xlsx": zip_from_the_future,
}


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")
    out.mkdir(parents=True, exist_ok=True)
    for name, make in CORPUS.items():
        (out / name).write_bytes(make())
        print(out / name)
