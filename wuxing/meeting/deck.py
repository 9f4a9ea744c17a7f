"""The meeting deck: a 16:9 PowerPoint with native, editable charts (not pictures), so the
office can restyle them: a title slide, the 季度通报, the 会议模式 slides and every village.

Every slide's title sits in its layout's title placeholder ("Title Slide", "Title Only"), so
PowerPoint's and WPS's outline and navigator list the slides by name.

Chinese must render in PowerPoint and in WPS, which pick the East Asian font from `a:ea`:
every run and every default run style of the file gets one (see `shapes.typefaces`).
"""

from __future__ import annotations

import io
import math

import pandas as pd
import pptx
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.presentation import Presentation
from pptx.shapes.autoshape import Shape
from pptx.slide import Slide
from pptx.util import Emu, Inches

from wuxing import formatting, periods
from wuxing.dataset import Dataset
from wuxing.meeting import briefing, letterhead, shapes, slides
from wuxing.meeting.slide import KeyFigure
from wuxing.meeting.slide import Slide as MeetingSlide
from wuxing.metrics import meeting, villages

MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
#: Rows of villages per table slide, and characters of briefing per slide, at readable sizes.
TABLE_ROWS = 14
BRIEFING_CHARS = 520
TITLE_COLOR = RGBColor(0xA9, 0x32, 0x26)  # the red of a Party notice heading
#: The default template's layouts: a title slide, and a title with nothing else.
TITLE_SLIDE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5


def build(ds: Dataset, area: str, period: str, pass_mark: float) -> bytes:
    """The deck for `area` in `period` as .pptx bytes."""
    prs = pptx.Presentation()
    letterhead.stamp(prs.core_properties, f"{letterhead.title(area, period)} 会议材料")
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
    shapes.typefaces(prs)
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
    out = [letterhead.title(area, period)]
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
    shapes.fill(_title_of(slide), (0.5, 0.25, 12.3, 0.9), [(title, 28, True)], color=TITLE_COLOR)
    return slide


def _title_of(slide: Slide) -> Shape:
    title = slide.shapes.title
    assert title is not None  # both layouts the deck uses have a title placeholder
    return title


def _title_slide(prs: Presentation, ds: Dataset, area: str, period: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_SLIDE_LAYOUT])
    shapes.fill(
        _title_of(slide),
        (0.8, 2.0, 11.7, 1.4),
        [(letterhead.title(area, period), 36, True)],
        color=TITLE_COLOR,
        align=PP_ALIGN.CENTER,
    )
    lines = [(f"{villages.area_label(area)} · {periods.label(period)} · 会议材料", 22, False)]
    if ds.is_sample:
        lines.append(
            ("示例数据：4 个村名取自公开报道，其余为占位村名，数值为模拟，仅供演示。", 16, False)
        )
    subtitle = next(p for p in slide.placeholders if p.placeholder_format.idx == 1)
    shapes.fill(subtitle, (0.8, 3.6, 11.7, 2.0), lines, color=TITLE_COLOR, align=PP_ALIGN.CENTER)


def _briefing_slide(prs: Presentation, title: str, parts: list[briefing.Section]) -> None:
    slide = _titled(prs, title)
    lines: list[tuple[str, int, bool]] = []
    for part in parts:
        lines.append((part.heading, 20, True))
        lines += [(s, 16, False) for s in part.sentences]
    shapes.text_box(slide, (0.6, 1.2, 12.1, 6.0), lines)


def _content_slide(prs: Presentation, shown: MeetingSlide) -> None:
    slide = _titled(prs, shown.title)
    if shown.chart is not None:
        shapes.native_chart(slide, shown.chart)
    elif shown.grid is not None:
        shapes.score_grid(slide, shown.grid)
    elif shown.figures:
        _key_figures(slide, shown.figures)
    if shown.note:
        shapes.text_box(slide, (0.6, 6.85, 12.1, 0.5), [(shown.note, shapes.CHART_PT, False)])


def _key_figures(slide: Slide, figures: tuple[KeyFigure, ...]) -> None:
    columns = min(len(figures), 4)
    width = 12.1 / columns
    for i, figure in enumerate(figures):
        row, col = divmod(i, columns)
        value_pt = shapes.fitting_pt(figure.value, width - 0.2, 40)
        lines = [(figure.label, 18, False), (figure.value, value_pt, True)]
        if figure.caption:
            lines.append((figure.caption, 16, False))
        lines += [(detail, shapes.CHART_PT, False) for detail in figure.details]
        shapes.text_box(
            slide,
            (0.6 + col * width, 2.0 + row * 2.4, width - 0.2, 2.2),
            lines,
            align=PP_ALIGN.CENTER,
        )


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
        shapes.table_cell(grid.cell(0, c), str(name), bold=True)
    for r, row in enumerate(table.itertuples(index=False), start=1):
        for c, (value, name) in enumerate(zip(row, table.columns, strict=True)):
            shapes.table_cell(grid.cell(r, c), _cell_text(value, str(name)), numeric=c > 0)
