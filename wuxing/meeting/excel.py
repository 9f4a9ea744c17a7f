"""Downloads people open in Office or WPS: tables to Excel (Chinese headers kept, no formula
injection) and a notice to Word."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import docx
import pandas as pd
import xlsxwriter
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from wuxing.formulas import TEXT_ONLY_XLSX
from wuxing.meeting import letterhead


def to_xlsx(table: pd.DataFrame, sheet: str = "数据") -> bytes:
    """The table as .xlsx bytes; text is always written as text, never as a formula."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "nan_inf_to_errors": True, **TEXT_ONLY_XLSX}
    )
    sheet_name = "".join(c for c in sheet if c not in "[]:*?/\\")[:31] or "数据"
    ws = book.add_worksheet(sheet_name)
    head = book.add_format({"bold": True, "bg_color": "#F2F3F4", "border": 1})
    for c, name in enumerate(table.columns):
        ws.write_string(0, c, str(name), head)
        ws.set_column(c, c, max(10, min(40, len(str(name)) * 2 + 2)))
    for r, row in enumerate(table.itertuples(index=False, name=None), start=1):
        for c, value in enumerate(row):
            _write(ws, r, c, value)
    ws.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def _write(ws: xlsxwriter.worksheet.Worksheet, r: int, c: int, value: object) -> None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return
    if isinstance(value, bool):
        ws.write_string(r, c, "是" if value else "否")
    elif isinstance(value, int | float):
        ws.write_number(r, c, float(value))
    else:
        text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        # write_string never makes a formula; the apostrophe-free text stays exactly as given.
        ws.write_string(r, c, text)


#: Word and WPS pick Chinese glyphs from the East Asian font; 仿宋 body, 黑体 headings and a 宋体
#: title are what a township notice uses.
_BODY_FONT, _HEADING_FONT, _TITLE_FONT = "仿宋", "黑体", "宋体"
# Characters XML 1.0 cannot hold (a control character in a name would make Word refuse the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def to_docx(
    title: str, sections: Sequence[tuple[str, Sequence[str]]], signature: Sequence[str] = ()
) -> bytes:
    """A notice as .docx bytes: a centred title, each section's heading and paragraphs, and the
    signature lines (发文单位, 日期) right-aligned at the foot. All text goes in as plain runs:
    nothing in it is read as a field, a link or formatting."""
    document = docx.Document()
    letterhead.stamp(document.core_properties, _NOT_XML.sub("", title))
    # A4 with the margins of a Party and government notice (GB/T 9704): the default is Letter.
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = _BODY_FONT, Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _BODY_FONT)

    def paragraph(
        text: str,
        font: str,
        size: int,
        bold: bool = False,
        align: WD_ALIGN_PARAGRAPH | None = None,
        indent: bool = False,
        style: str | None = None,
    ) -> None:
        par = document.add_paragraph(style=style)
        if align is not None:  # a new paragraph has none of its own: it follows its style
            par.alignment = align
        if indent:
            par.paragraph_format.first_line_indent = Pt(size * 2)  # two characters, as notices do
        run = par.add_run(_NOT_XML.sub("", text))
        run.bold, run.font.name, run.font.size = bold, font, Pt(size)
        run.font.color.rgb = RGBColor(0, 0, 0)  # a heading style's own colour is blue
        run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)

    paragraph(title, _TITLE_FONT, 22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for heading, sentences in sections:
        # A Word heading (level 1), so the navigation pane lists 一、二、…; it looks as before.
        paragraph(heading, _HEADING_FONT, 16, indent=True, style="Heading 1")
        for sentence in sentences:
            paragraph(sentence, _BODY_FONT, 16, indent=True)
    for line in signature:
        if line:
            paragraph(line, _BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
