"""What one slide carries: a title and a figure with the same numbers as a native PowerPoint chart
(`ChartData`), a score grid, or key figures, and the table behind it. Built by `slides` (the
pairs slide by `pair_slides`), shown by the meeting page and written by `deck`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

from wuxing.charts import meeting as meeting_charts


@dataclass(frozen=True)
class KeyFigure:
    """One big number: what it is, its value with unit, its signed change and against what."""

    label: str
    value: str
    change: str = ""
    note: str = ""
    #: Further lines under the caption: 本季度新增, and how many villages reported (on the card
    #: itself, never only in a tooltip).
    details: tuple[str, ...] = ()

    @property
    def caption(self) -> str:
        """`同比 +5.4 万元（+10.8%）`: the comparison word and the change, or the note alone."""
        return f"{self.note} {self.change}".strip()


@dataclass(frozen=True)
class Series:
    """One chart series: its name, values per category (None = missing) and colours."""

    name: str
    values: tuple[float | None, ...]
    color: str | None = None
    #: One colour per category (bars coloured by level, star or better/worse).
    point_colors: tuple[str, ...] = ()
    #: One data label per category, in words (`缺生态宜居星，差 9.0 分`), instead of the number.
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChartData:
    """A chart as plain numbers, for a native PowerPoint chart: kind is column, bar or line."""

    kind: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    category_title: str
    value_title: str
    #: Excel number format of the values (integers for counts, one decimal for scores).
    number_format: str = "0"


@dataclass(frozen=True)
class ScoreGrid:
    """Village × star scores against the pass mark, for a table whose cells are coloured by
    达标 (the deck's form of the heat map: PowerPoint has no native heat map)."""

    villages: tuple[str, ...]
    stars: tuple[str, ...]
    #: One row per village, one score per star (None = not reported).
    scores: tuple[tuple[float | None, ...], ...]
    pass_mark: float


@dataclass(frozen=True)
class Slide:
    """One slide: a stable key, a title, and a figure with its chart data or key figures."""

    key: str
    title: str
    #: Draws the slide's figure as the dashboard's pages draw it. Only the slide on screen is
    #: drawn: drawing all of a province's slides at projector size was most of the meeting
    #: page's first view.
    draw: Callable[[], go.Figure] | None = field(default=None, repr=False, compare=False)
    chart: ChartData | None = None
    grid: ScoreGrid | None = None
    figures: tuple[KeyFigure, ...] = ()
    table: pd.DataFrame | None = None
    note: str = ""
    #: The drawing a projector shows where it differs from the page's: words beside the bars
    #: (a projector is wide; on a phone they ran off the chart). Else `draw`'s is projected.
    draw_wide: Callable[[], go.Figure] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def page_figure(self) -> go.Figure | None:
        """The slide's figure as a page shows it (drawn on first use), None for key figures: what
        a phone or a desk shows when not presenting."""
        return self.draw() if self.draw is not None else None

    @cached_property
    def figure(self) -> go.Figure | None:
        """The slide's figure at projector size, None for key figures."""
        if self.draw_wide is not None:
            return meeting_charts.projector(self.draw_wide())
        page = self.page_figure
        return meeting_charts.projector(page) if page is not None else None


def series_values(column: pd.Series) -> tuple[float | None, ...]:
    """A column's numbers as a chart `Series` holds them: floats, None where missing."""
    return tuple(None if pd.isna(v) else float(v) for v in column)
