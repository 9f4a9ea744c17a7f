"""The meeting deck: a 16:9 PowerPoint with native, editable charts (not pictures), so the
office can restyle them: a title slide, the 季度通报, the 会议模式 slides and every village.

Every slide's title sits in its layout's title placeholder ("Title Slide", "Title Only"), so
PowerPoint's and WPS's outline and navigator list the slides by name.

Chinese must render in PowerPoint and in WPS, which pick the East Asian font from `a:ea`:
every run and every default run style of the file gets one (see `_typefaces`).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

import pandas as pd
import pptx
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

from wuxing import formatting, periods
from wuxing.charts import style
from wuxing.dataset import Dataset
from wuxing.formulas import TEXT_ONLY_XLSX
from wuxing.meeting import briefing, slides
from wuxing.meeting.slide import ChartData, KeyFigure, ScoreGrid, Series
from wuxing.meeting.slide import Slide as MeetingSlide
from wuxing.metrics import meeting, villages

FONT = "Microsoft YaHei"
MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
#: Rows of villages per table slide, and characters of briefing per slide, at readable sizes.
TABLE_ROWS = 14
BRIEFING_CHARS = 520
TITLE_COLOR = RGBColor(0xA9, 0x32, 0x26)  # the red of a Party notice heading
TEXT_COLOR = RGBColor(0x1C, 0x28, 0x33)
#: Chart text (axes, labels, legend) and notes: read from the back of a meeting room.
CHART_PT = 16
#: The default template's layouts: a title slide, and a title with nothing else.
TITLE_SLIDE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5
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


def build(ds: Dataset, area: str, period: str, pass_mark: float) -> bytes:
    """The deck for `area` in `period` as .pptx bytes."""
    prs = pptx.Presentation()
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


def _titled(prs: Presentation, title: str) -> Slide:
    """A "Title Only" slide with `title` in its title placeholder, placed and styled for 16:9
    (the default template's layouts are laid out for 4:3)."""
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    _fill(_title_of(slide), (0.5, 0.25, 12.3, 0.9), [(title, 28, True)], color=TITLE_COLOR)
    return slide


def _title_of(slide: Slide) -> Shape:
    title = slide.shapes.title
    assert title is not None  # both layouts the deck uses have a title placeholder
    return title


def _fill(
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


def _text(
    slide: Slide,
    box: tuple[float, float, float, float],
    lines: list[tuple[str, int, bool]],
    *,
    color: RGBColor = TEXT_COLOR,
    align: PP_PARAGRAPH_ALIGNMENT = PP_ALIGN.LEFT,
) -> Shape:
    """A text box (inches) with one paragraph per (text, size in pt, bold) line."""
    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    _fill(shape, box, lines, color=color, align=align)
    return shape


def _title_slide(prs: Presentation, ds: Dataset, area: str, period: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_SLIDE_LAYOUT])
    _fill(
        _title_of(slide),
        (0.8, 2.0, 11.7, 1.4),
        [(briefing.title(area, period), 36, True)],
        color=TITLE_COLOR,
        align=PP_ALIGN.CENTER,
    )
    lines = [(f"{villages.area_label(area)} · {periods.label(period)} · 会议材料", 22, False)]
    if ds.is_sample:
        lines.append(
            ("示例数据：4 个村名取自公开报道，其余为占位村名，数值为模拟，仅供演示。", 16, False)
        )
    subtitle = next(p for p in slide.placeholders if p.placeholder_format.idx == 1)
    _fill(subtitle, (0.8, 3.6, 11.7, 2.0), lines, color=TITLE_COLOR, align=PP_ALIGN.CENTER)


def _briefing_slide(prs: Presentation, title: str, parts: list[briefing.Section]) -> None:
    slide = _titled(prs, title)
    lines: list[tuple[str, int, bool]] = []
    for part in parts:
        lines.append((part.heading, 20, True))
        lines += [(s, 16, False) for s in part.sentences]
    _text(slide, (0.6, 1.2, 12.1, 6.0), lines)


def _content_slide(prs: Presentation, shown: MeetingSlide) -> None:
    slide = _titled(prs, shown.title)
    if shown.chart is not None:
        _chart(slide, shown.chart)
    elif shown.grid is not None:
        _score_grid(slide, shown.grid)
    elif shown.figures:
        _key_figures(slide, shown.figures)
    if shown.note:
        _text(slide, (0.6, 6.85, 12.1, 0.5), [(shown.note, CHART_PT, False)])


def _key_figures(slide: Slide, figures: tuple[KeyFigure, ...]) -> None:
    columns = min(len(figures), 4)
    width = 12.1 / columns
    for i, figure in enumerate(figures):
        row, col = divmod(i, columns)
        lines = [(figure.label, 18, False), (figure.value, 40, True)]
        if figure.caption:
            lines.append((figure.caption, 16, False))
        lines += [(detail, CHART_PT, False) for detail in figure.details]
        _text(
            slide,
            (0.6 + col * width, 2.0 + row * 2.4, width - 0.2, 2.2),
            lines,
            align=PP_ALIGN.CENTER,
        )


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


def _chart(slide: Slide, data: ChartData) -> None:
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


def _score_grid(slide: Slide, grid: ScoreGrid) -> None:
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
    _cell(table.cell(0, 0), "村", bold=True, size=size)
    for c, star in enumerate(grid.stars, start=1):
        _cell(table.cell(0, c), star, bold=True, size=size, align=PP_ALIGN.CENTER)
    for r, (village, scores) in enumerate(zip(grid.villages, grid.scores, strict=True), start=1):
        _cell(table.cell(r, 0), village, size=size)
        for c, score in enumerate(scores, start=1):
            cell = table.cell(r, c)
            _cell(
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


def _cell_text(value: str | float | None, column: str) -> str:
    if isinstance(value, str):
        return value
    unit = "万元" if "万元" in column else ("分" if "（分）" in column else "")
    return formatting.number(value, unit)


def _table_slide(prs: Presentation, title: str, table: pd.DataFrame) -> None:
    slide = _titled(prs, title)
    rows, cols = len(table) + 1, len(table.columns)
    shape = slide.shapes.add_table(
        rows, cols, Inches(0.4), Inches(1.2), Inches(12.5), Emu(int(Inches(0.4)) * rows)
    )
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


def _cell(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    numeric: bool = False,
    size: int = 13,
    align: PP_PARAGRAPH_ALIGNMENT | None = None,
) -> None:
    paragraph = cell.text_frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold = Pt(size), bold
    if align is None:
        align = PP_ALIGN.RIGHT if numeric else PP_ALIGN.LEFT
    paragraph.alignment = align


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
