"""What frames 季度通报: its title (from a template with {地区} and {季度}), and the 发文单位 and
日期 it is signed with, from the settings or their defaults. The deck's title slide carries the
same title."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from wuxing import formatting, periods
from wuxing.config import Settings
from wuxing.metrics import villages

DEFAULT_TITLE = "{地区}{季度}“五星”支部创建工作通报"


@dataclass(frozen=True)
class Letterhead:
    """What frames the briefing: its title, and the 发文单位 and 日期 it is signed with."""

    title: str
    issuer: str
    date: str


def title(area: str, period: str, template: str = "") -> str:
    """`马庄桥镇2023年第一季度“五星”支部创建工作通报` (or `template` with {地区} and {季度})."""
    place, quarter = villages.area_label(area), periods.label(period)
    return (template or DEFAULT_TITLE).replace("{地区}", place).replace("{季度}", quarter)


def letterhead(area: str, period: str, settings: Settings, today: date | None = None) -> Letterhead:
    """The title, 发文单位 and 日期 from the settings; the defaults are the usual title, the
    area's name + 党委, and `today` (Beijing time when not given)."""
    issuer = settings.briefing_issuer or f"{villages.area_label(area)}党委"
    day = settings.briefing_date or formatting.chinese_date(today or formatting.today())
    return Letterhead(title(area, period, settings.briefing_title), issuer, day)


#: Who a downloaded file says made it (its 作者 under 属性 in WPS or Word).
MADE_BY = "五星支部创建数据看板"


def stamp(properties: Any, title: str) -> None:
    """Fill a Word or PowerPoint file's properties (python-docx and python-pptx share their
    names): its title, made now by the dashboard. Left alone, they named the libraries' own
    authors and dates from 2013."""
    now = datetime.now(UTC)  # stored as UTC (…Z): a naive local time would be read as UTC
    properties.title, properties.subject = title, title
    properties.author = properties.last_modified_by = MADE_BY
    properties.comments = properties.keywords = properties.category = ""
    properties.created = properties.modified = now
    properties.revision = 1
