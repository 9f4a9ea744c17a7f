"""The meeting deck: a 16:9 PowerPoint with native, editable charts (not pictures), so the
office can restyle them: a title slide, the 季度通报, the 会议模式 slides and every village.

Chinese must render in PowerPoint and in WPS, which pick the East Asian font from `a:ea`:
every run and every default run style of the file gets one (see `_typefaces`).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import xlsxwriter
from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from wuxing import formatting, periods
from wuxing.charts import style
from wuxing.dataset import Dataset
from wuxing.formulas import TEXT_ONLY_XLSX
from wuxing.meeting import briefing, slides
from wuxing.metrics import meeting, villages

FONT = "Microsoft YaHei"
MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
#: Rows of villages per table slide, and characters of briefing per slide, at readable sizes.
TABLE_ROWS = 14
BRIEFING_CHARS = 520
TITLE_COLOR = RGBColor(0xA9, 0x32, 0x26)  # the red of a Party notice heading
TEXT_COLOR = RGBColor(0x1C, 0x28, 0x33)
_CHART_TYPES = {
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}
# What may follow a:latin / a:ea inside a run's properties (the schema fixes the order).
_AFTER_EA = tuple(qn(t) for t in ("a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver",
                                  "a:rtl", "a:extLst"))  # fmt: skip
_AFTER_LATIN = (qn("a:ea"), *_AFTER_EA)
_RUN_STYLES = tuple(qn(t) for t in ("a:rPr", "a:defRPr", "a:endParaRPr"))


def build(ds: Dataset, area: str, period: str, pass_mark: float) -> bytes:
    """The deck for `area` in `period` as .pptx bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    shown = slides.build(ds, area, period, pass_mark)
    _title_slide(prs, ds, area, period)
    parts = briefing.sections(ds, area, period, pass_mark)
    pages = briefing_pages(parts)
    for n, page in enumerate(pages, start=1):
        _briefing_slide(prs, briefing_title(n, len(pages)), page)
    for slide in shown:
        _content_slide(prs, slide)
    view = villages.scope(ds, area)
    table = meeting.village_table(view, period, pass_mark) if not view.villages.empty else None
    if table is not None:
        chunks = table_pages(table)
        for n, chunk in enumerate(chunks, start=1):
            _table_slide(prs, table_title(period, n, len(chunks)), chunk)
    _typefaces(prs)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def briefing_pages(parts: list[briefing.Section]) -> list[list[briefing.Section]]:
    """The briefing's sections packed onto slides of about BRIEFING_CHARS characters each (a
    section longer than that gets a slide of its own)."""
    pages: list[list[briefing.Section]] = []
    size = 0
    for part in parts:
        length = len(part.heading) + sum(len(s) for s in part.sentences)
        if pages and size + length <= BRIEFING_CHARS:
            pages[-1].append(part)
            size += length
        else:
            pages.append([part])
            size = length
    return pages


def briefing_title(n: int, total: int) -> str:
    """`季度通报（1/3）`."""
    return f"季度通报（{n}/{total}）"


def table_pages(table: pd.DataFrame) -> list[pd.DataFrame]:
    """The village table cut into slides of TABLE_ROWS rows."""
    count = max(1, math.ceil(len(table) / TABLE_ROWS))
    return [table.iloc[i * TABLE_ROWS : (i + 1) * TABLE_ROWS] for i in range(count)]


def table_title(period: str, n: int, total: int) -> str:
    """`2023年第一季度各村情况一览（1/2）`."""
    return f"{periods.label(period)}各村情况一览（{n}/{total}）"


def titles(ds: Dataset, area: str, period: str, pass_mark: float) -> list[str]:
    """The title of every slide `build` makes, in order (for tests and the page's outline)."""
    pages = briefing_pages(briefing.sections(ds, area, period, pass_mark))
    out = [briefing.title(area, period)]
    out += [briefing_title(n, len(pages)) for n in range(1, len(pages) + 1)]
    out += [s.title for s in slides.build(ds, area, period, pass_mark)]
    view = villages.scope(ds, area)
    if not view.villages.empty:
        chunks = table_pages(meeting.village_table(view, period, pass_mark))
        out += [table_title(period, n, len(chunks)) for n in range(1, len(chunks) + 1)]
    return out


# -- slides --------------------------------------------------------------------------------------


def _blank(prs: Presentation):
    return prs.slides.add_slide(prs.slide_layouts[6])


def _text(slide, box: tuple[float, float, float, float], lines: list[tuple[str, int, bool]],
          *, color: RGBColor = TEXT_COLOR, align=PP_ALIGN.LEFT):  # fmt: skip
    """A text box (inches) with one paragraph per (text, size in pt, bold) line."""
    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    frame = shape.text_frame
    frame.word_wrap = True
    for i, (text, size, bold) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        run.font.size, run.font.bold = Pt(size), bold
        run.font.color.rgb = color
    return shape


def _heading(slide, title: str) -> None:
    _text(slide, (0.5, 0.25, 12.3, 0.9), [(title, 28, True)], color=TITLE_COLOR)


def _title_slide(prs: Presentation, ds: Dataset, area: str, period: str) -> None:
    slide = _blank(prs)
    lines = [(briefing.title(area, period), 36, True), ("", 12, False),
             (f"{villages.area_label(area)} · {periods.label(period)} · 会议材料", 22, False)]  # fmt: skip
    if ds.is_sample:
        lines.append(
            ("示例数据：4 个村名取自公开报道，其余为占位村名，数值为模拟，仅供演示。", 16, False)
        )
    _text(slide, (0.8, 2.4, 11.7, 3.0), lines, color=TITLE_COLOR, align=PP_ALIGN.CENTER)


def _briefing_slide(prs: Presentation, title: str, parts: list[briefing.Section]) -> None:
    slide = _blank(prs)
    _heading(slide, title)
    lines: list[tuple[str, int, bool]] = []
    for part in parts:
        lines.append((part.heading, 20, True))
        lines += [(s, 16, False) for s in part.sentences]
    _text(slide, (0.6, 1.2, 12.1, 6.0), lines)


def _content_slide(prs: Presentation, shown: slides.Slide) -> None:
    slide = _blank(prs)
    _heading(slide, shown.title)
    if shown.chart is not None:
        _chart(slide, shown.chart)
    elif shown.figures:
        _key_figures(slide, shown.figures)
    if shown.note:
        _text(slide, (0.6, 6.85, 12.1, 0.5), [(shown.note, 14, False)])


def _key_figures(slide, figures: tuple[slides.KeyFigure, ...]) -> None:
    columns = min(len(figures), 4)
    width = 12.1 / columns
    for i, figure in enumerate(figures):
        row, col = divmod(i, columns)
        lines = [(figure.label, 18, False), (figure.value, 40, True)]
        if figure.caption:
            lines.append((figure.caption, 16, False))
        lines += [(detail, 14, False) for detail in figure.details]
        _text(slide, (0.6 + col * width, 2.0 + row * 2.4, width - 0.2, 2.2), lines,
              align=PP_ALIGN.CENTER)  # fmt: skip


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


class _TextWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's writer of a chart's embedded workbook, opened with text kept as text: it
    writes categories (village names) with `write`, which by default makes "=…" a formula."""

    @contextmanager
    def _open_worksheet(self, xlsx_file: io.BytesIO) -> Iterator[tuple[object, object]]:
        workbook = xlsxwriter.Workbook(xlsx_file, {"in_memory": True, **TEXT_ONLY_XLSX})
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class _TextChartData(CategoryChartData):
    """Category chart data whose embedded workbook holds user text as text."""

    @property
    def _workbook_writer(self) -> CategoryWorkbookWriter:
        return _TextWorkbookWriter(self)


def _chart(slide, data: slides.ChartData) -> None:
    chart_data = _TextChartData(number_format=data.number_format)
    chart_data.categories = list(data.categories)
    for series in data.series:
        chart_data.add_series(series.name, list(series.values))
    frame = slide.shapes.add_chart(_CHART_TYPES[data.kind], Inches(0.6), Inches(1.2),
                                   Inches(12.1), Inches(5.6), chart_data)  # fmt: skip
    chart = frame.chart
    chart.font.size = Pt(14)
    chart.font.name = FONT
    chart.has_title = False  # the slide's heading is the title
    chart.has_legend = len(data.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    for axis, text in ((chart.category_axis, data.category_title),
                       (chart.value_axis, data.value_title)):  # fmt: skip
        axis.has_title = True
        axis.axis_title.text_frame.text = text
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
    chart.value_axis.has_major_gridlines = True
    if data.kind == "bar":
        # PowerPoint draws the first category at the bottom; ranked lists read top down.
        chart.category_axis.reverse_order = True
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = data.number_format
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.font.size = Pt(14)
    if data.kind != "line":
        plot.gap_width = 60
    for series, spec in zip(plot.series, data.series, strict=True):
        _colour(series, spec, data.kind)


def _colour(series, spec: slides.Series, kind: str) -> None:
    if kind == "line":
        series.format.line.color.rgb = _rgb(spec.color or style.NEUTRAL_COLOR)
        return
    if spec.color:
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(spec.color)
    for i, color in enumerate(spec.point_colors):
        point = series.points[i]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = _rgb(color)


def _cell_text(value: object, column: str) -> str:
    if isinstance(value, str):
        return value
    unit = "万元" if "万元" in column else ("分" if "（分）" in column else "")
    return formatting.number(value, unit)  # type: ignore[arg-type]


def _table_slide(prs: Presentation, title: str, table: pd.DataFrame) -> None:
    slide = _blank(prs)
    _heading(slide, title)
    rows, cols = len(table) + 1, len(table.columns)
    shape = slide.shapes.add_table(rows, cols, Inches(0.4), Inches(1.2), Inches(12.5),
                                   Emu(int(Inches(0.4)) * rows))  # fmt: skip
    grid = shape.table
    grid.columns[0].width = Inches(1.9)
    rest = (Inches(12.5) - Inches(1.9)) // max(1, cols - 1)
    for c in range(1, cols):
        grid.columns[c].width = Emu(rest)
    for c, name in enumerate(table.columns):
        _cell(grid.cell(0, c), str(name), bold=True)
    for r, row in enumerate(table.itertuples(index=False), start=1):
        for c, (value, name) in enumerate(zip(row, table.columns, strict=True)):
            _cell(grid.cell(r, c), _cell_text(value, str(name)), numeric=c > 0)


def _cell(cell, text: str, *, bold: bool = False, numeric: bool = False) -> None:
    paragraph = cell.text_frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold = Pt(13), bold
    paragraph.alignment = PP_ALIGN.RIGHT if numeric else PP_ALIGN.LEFT


# -- fonts ---------------------------------------------------------------------------------------


def _typefaces(prs: Presentation) -> None:
    """Give every run (and every default run style) of the slides and charts latin and East
    Asian typefaces, so WPS and PowerPoint never fall back to a font without Chinese."""
    roots = []
    for slide in prs.slides:
        roots.append(slide.shapes._spTree)
        roots += [shape.chart._chartSpace for shape in slide.shapes if shape.has_chart]
    for root in roots:
        for run in root.iter(qn("a:r")):
            if run.find(qn("a:rPr")) is None:
                run.insert(0, run.makeelement(qn("a:rPr"), {}))
        for props in root.iter(*_RUN_STYLES):
            _face(props, "a:latin", _AFTER_LATIN)
            _face(props, "a:ea", _AFTER_EA)


def _face(props: etree._Element, tag: str, successors: tuple[str, ...]) -> None:
    found = props.find(qn(tag))
    if found is None:
        found = props.makeelement(qn(tag), {})
        later = next((child for child in props if child.tag in successors), None)
        if later is None:
            props.append(found)
        else:
            later.addprevious(found)
    found.set("typeface", FONT)
