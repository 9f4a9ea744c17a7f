"""PowerPoint shapes drawn from a slide's data: text boxes, native charts (editable, with their
numbers in an embedded workbook that keeps village names as text), score tables coloured by
达标, and a Chinese typeface on every run so WPS and PowerPoint never fall back to a font
without Chinese. `deck` decides which slides there are; this draws what is on them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

import xlsxwriter
from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.chart.series import BarSeries, LineSeries
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.text import PP_ALIGN, PP_PARAGRAPH_ALIGNMENT
from pptx.oxml.ns import qn
from pptx.presentation import Presentation
from pptx.shapes.autoshape import Shape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide
from pptx.table import _Cell
from pptx.util import Emu, Inches, Pt

from wuxing.charts import style
from wuxing.formulas import TEXT_ONLY_XLSX
from wuxing.meeting.slide import ChartData, ScoreGrid, Series

FONT = "Microsoft YaHei"
TEXT_COLOR = RGBColor(0x1C, 0x28, 0x33)
#: Chart text (axes, labels, legend) and notes: read from the back of a meeting room.
CHART_PT = 16
PASS_FILL = RGBColor(0xAB, 0xEB, 0xC6)
FAIL_FILL = RGBColor(0xF5, 0xB7, 0xB1)
MISSING_FILL = RGBColor(0xEA, 0xEC, 0xEE)
_CHART_TYPES = {
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}
# What may follow a:latin / a:ea inside a run's properties (the schema fixes the order).
_AFTER_EA = tuple(
    qn(t) for t in ("a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")
)
_AFTER_LATIN = (qn("a:ea"), *_AFTER_EA)
_RUN_STYLES = tuple(qn(t) for t in ("a:rPr", "a:defRPr", "a:endParaRPr"))


def fill(
    shape: Shape,
    box: tuple[float, float, float, float],
    lines: list[tuple[str, int, bool]],
    *,
    color: RGBColor = TEXT_COLOR,
    align: PP_PARAGRAPH_ALIGNMENT = PP_ALIGN.LEFT,
) -> None:
    """Place `shape` at `box` (inches) and write one paragraph per (text, size in pt, bold)."""
    shape.left, shape.top, shape.width, shape.height = (Inches(v) for v in box)
    frame = shape.text_frame
    frame.clear()
    frame.word_wrap = True
    for i, (text, size, bold) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        run.font.size, run.font.bold = Pt(size), bold
        run.font.color.rgb = color


def fitting_pt(text: str, width_in: float, largest: int) -> int:
    """The largest size up to `largest` pt at which `text` stays on one line of a text box
    `width_in` inches wide, by a bold typeface's usual widths (a Chinese character 1 em, a space
    0.3, the rest 0.55): "306.7 万元" at 40 pt filled its 2.8-inch box exactly (measured in Noto
    Sans CJK), so it could break in two in Microsoft YaHei, and a county's "12,345.6 万元" did."""
    usable = width_in * 72 - 14.4  # the box's own margins, 0.1 in a side
    ems = sum(1.0 if ord(c) > 0x2E7F else 0.3 if c == " " else 0.55 for c in text) or 1.0
    return max(12, min(largest, int(usable / ems)))


def text_box(
    slide: Slide,
    box: tuple[float, float, float, float],
    lines: list[tuple[str, int, bool]],
    *,
    color: RGBColor = TEXT_COLOR,
    align: PP_PARAGRAPH_ALIGNMENT = PP_ALIGN.LEFT,
) -> Shape:
    """A text box (inches) with one paragraph per (text, size in pt, bold) line."""
    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    fill(shape, box, lines, color=color, align=align)
    return shape


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


def native_chart(slide: Slide, data: ChartData) -> None:
    """A native PowerPoint chart of `data` filling the slide under its title."""
    chart_data = _TextChartData(number_format=data.number_format)
    chart_data.categories = list(data.categories)
    for series in data.series:
        chart_data.add_series(series.name, list(series.values))
    # python-pptx annotates add_chart as taking ChartData (its deprecated alias of
    # CategoryChartData) and returning a Chart; it returns the GraphicFrame holding the chart,
    # as its own docstring says.
    shape = slide.shapes.add_chart(
        _CHART_TYPES[data.kind],
        Inches(0.6),
        Inches(1.2),
        Inches(12.1),
        Inches(5.6),
        chart_data,  # type: ignore[arg-type]
    )
    chart = cast(GraphicFrame, shape).chart
    chart.font.size = Pt(CHART_PT)
    chart.font.name = FONT
    chart.has_title = False  # the slide's heading is the title
    chart.has_legend = len(data.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    for axis, text in (
        (chart.category_axis, data.category_title),
        (chart.value_axis, data.value_title),
    ):
        axis.has_title = True
        axis.axis_title.text_frame.text = text
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(CHART_PT)
    chart.value_axis.has_major_gridlines = True
    if data.kind == "bar":
        # PowerPoint draws the first category at the bottom; ranked lists read top down.
        chart.category_axis.reverse_order = True
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = data.number_format
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.font.size = Pt(CHART_PT)
    if data.kind != "line":
        plot.gap_width = 60
    for series, spec in zip(plot.series, data.series, strict=True):
        _colour(series, spec, data.kind)
        _label(series, spec)


def _label(series: BarSeries | LineSeries, spec: Series) -> None:
    """Data labels in words where the slide has them (`缺生态宜居星，差 9.0 分`)."""
    for i, text in enumerate(spec.labels):
        frame = series.points[i].data_label.text_frame
        frame.text = text
        frame.paragraphs[0].runs[0].font.size = Pt(CHART_PT)


def score_grid(slide: Slide, grid: ScoreGrid) -> None:
    """Village × star scores as a table, each cell green (达标), red (not) or grey (缺报)."""
    rows, cols = len(grid.villages) + 1, len(grid.stars) + 1
    height = min(0.4, 5.6 / rows)
    shape = slide.shapes.add_table(
        rows, cols, Inches(0.6), Inches(1.2), Inches(12.1), Emu(int(Inches(height)) * rows)
    )
    table = shape.table
    table.columns[0].width = Inches(2.1)
    for c in range(1, cols):
        table.columns[c].width = Emu((Inches(12.1) - Inches(2.1)) // (cols - 1))
    size = CHART_PT if rows <= 16 else 12
    table_cell(table.cell(0, 0), "村", bold=True, size=size)
    for c, star in enumerate(grid.stars, start=1):
        table_cell(table.cell(0, c), star, bold=True, size=size, align=PP_ALIGN.CENTER)
    for r, (village, scores) in enumerate(zip(grid.villages, grid.scores, strict=True), start=1):
        table_cell(table.cell(r, 0), village, size=size)
        for c, score in enumerate(scores, start=1):
            cell = table.cell(r, c)
            table_cell(
                cell, "缺报" if score is None else f"{score:.1f}", size=size, align=PP_ALIGN.CENTER
            )
            cell.fill.solid()
            passed = score is not None and score >= grid.pass_mark
            cell.fill.fore_color.rgb = (
                MISSING_FILL if score is None else PASS_FILL if passed else FAIL_FILL
            )


def _colour(series: BarSeries | LineSeries, spec: Series, kind: str) -> None:
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


def table_cell(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    numeric: bool = False,
    size: int = 13,
    align: PP_PARAGRAPH_ALIGNMENT | None = None,
) -> None:
    """Write `text` into a table cell: numbers right-aligned unless `align` says otherwise."""
    paragraph = cell.text_frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold = Pt(size), bold
    if align is None:
        align = PP_ALIGN.RIGHT if numeric else PP_ALIGN.LEFT
    paragraph.alignment = align


def typefaces(prs: Presentation) -> None:
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
