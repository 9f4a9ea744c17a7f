"""Finding the header of a messy sheet and saying what each column means.

A sheet may carry title rows, a two-row header (a star over its indicators), header spellings
from the catalog's aliases, units in (), （）or 【】, and columns nobody asked for. This module
turns that into a `Layout`: which kind of data the sheet holds, where its data starts, and one
`Column` per meaningful column.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass, field

from wuxing import catalog
from wuxing.reading.names import compact, split_header

# How far down a header may sit under title rows.
_HEADER_SEARCH_ROWS = 25

# Column roles that identify rows or carry non-indicator data, with the spellings people use.
_ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "村名",
        "村庄",
        "村庄名称",
        "村名称",
        "行政村",
        "行政村名称",
        "村",
        "村别",
        "单位名称",
        "村委会",
        "村(社区)",
        "村居",
        "村庄名",
        "所在村",
    ),
    "town": ("乡镇", "乡镇名称", "所属乡镇", "镇", "乡", "乡镇(街道)", "乡镇街道", "街道", "镇名"),
    "code": (
        "村代码",
        "代码",
        "区划代码",
        "统计用区划代码",
        "行政区划代码",
        "村庄代码",
        "村编码",
        "编码",
    ),
    "county": ("县区", "县", "县(区)", "县(市、区)", "区县", "所属县区", "县市区"),
    "city": ("市", "地市", "所属市", "市(地)", "省辖市"),
    "period": ("季度", "时间", "期间", "统计期", "报告期", "统计季度", "填报季度", "所属季度"),
    "year": ("年度", "年份", "年", "评定年度", "目标年度", "创建年度"),
    "serial": ("序号", "编号", "no", "no.", "序", "排序"),
    "households": ("户数", "总户数", "农户数", "户籍户数"),
    "population": ("人口", "总人口", "户籍人口", "人口数", "人数"),
    "cluster": ("片区", "所属片区", "联村支部", "片区名称"),
    "long_indicator": ("指标", "指标名称", "项目", "统计项目", "指标项", "指标名"),
    "long_unit": ("单位", "计量单位"),
    "long_value": ("数值", "值", "数量", "完成值", "完成情况", "指标值", "完成数"),
    "long_star": ("星级", "星", "星级名称", "星名"),
    "long_score": ("得分", "分数", "评分"),
    "target_level": ("目标星级", "目标等级", "创星目标", "目标", "争创星级", "目标级别"),
    "target_stars": ("目标星", "争创星", "拟创星", "创建星", "目标星名称"),
    "mentor": ("导师村", "导师", "帮带导师村", "先进村", "帮扶村"),
    "mentor_town": ("导师村乡镇", "导师村所属乡镇"),
    "mentee": ("帮带村", "被帮带村", "结对村", "后进村", "被帮扶村"),
    "mentee_town": ("帮带村乡镇", "帮带村所属乡镇", "被帮带村乡镇"),
    "since": ("结对时间", "开始时间", "结对季度", "起始时间"),
    "until": ("结束时间", "截止时间", "终止时间"),
    "note": ("备注", "说明", "填报人", "联系电话", "联系人"),
}
# The column names of `python -m wuxing export` (villages and values), so that what the app
# hands out reads back in.
_EXPORT_HEADERS = {
    "village": "name",
    "town": "town",
    "code": "code",
    "county": "county",
    "city": "city",
    "period": "period",
    "households": "households",
    "population": "population",
    "cluster": "cluster",
    "indicator": "long_indicator",
    "value": "long_value",
    "unit": "long_unit",
}
# Village metadata columns that a values sheet may carry and that are then simply ignored.
_VILLAGE_FIELDS = ("code", "households", "population", "county", "city", "cluster")
# Units that may trail a header without brackets: 村集体经济收入万元.
_BARE_UNITS = sorted(
    {i.unit for i in catalog.INDICATORS} | {u for i in catalog.INDICATORS for u in i.unit_factors},
    key=len,
    reverse=True,
)


def _key(text: str) -> str:
    return compact(text).lower().removeprefix("其中:").removeprefix("其中")


ROLE_BY_HEADER: dict[str, str] = {
    _key(alias): role for role, aliases in _ROLE_ALIASES.items() for alias in aliases
} | _EXPORT_HEADERS
INDICATOR_BY_HEADER: dict[str, str] = {}
for _ind in catalog.INDICATORS:
    # The id too: the export names indicators by id.
    for _alias in (_ind.label, *_ind.aliases, _ind.id):
        INDICATOR_BY_HEADER.setdefault(_key(_alias), _ind.id)
STAR_BY_HEADER: dict[str, str] = {}
for _star in catalog.STARS:
    for _alias in (
        _star.label,
        _star.short,
        f"{_star.label}得分",
        f"{_star.short}得分",
        f"{_star.label}评分",
        f"{_star.short}星",
    ):
        STAR_BY_HEADER[_key(_alias)] = _star.id


@dataclass(frozen=True)
class Column:
    """One meaningful column: its position, what it holds and the unit its header names."""

    index: int
    role: str  # a key of _ROLE_ALIASES, "indicator", "star" or "unknown"
    header: str
    target: str = ""  # indicator or star id
    unit: str = ""


@dataclass
class Layout:
    """What a sheet holds: its kind, its header rows and its columns."""

    kind: str  # villages, values, values_long, scores, scores_long, awards, targets, pairs
    header_top: int  # first header row (0-based)
    header_row: int  # last header row; data starts on the next row
    columns: list[Column]
    title: str = ""
    unknown: list[Column] = field(default_factory=list)

    def first(self, role: str) -> Column | None:
        """The first column with this role, or None."""
        return next((c for c in self.columns if c.role == role), None)

    def all(self, role: str) -> list[Column]:
        """Every column with this role."""
        return [c for c in self.columns if c.role == role]


@functools.lru_cache(maxsize=4096)
def _classify_text(text: str) -> Column:
    return classify_header(text)


def classify_header(text: object) -> Column:
    """What one header cell means (index 0; the caller sets the position)."""
    raw = compact(text)
    if not raw:
        return Column(0, "", "")
    label, unit = split_header(raw)
    key = _key(label)
    if key in INDICATOR_BY_HEADER:
        return Column(0, "indicator", raw, INDICATOR_BY_HEADER[key], unit)
    if key in STAR_BY_HEADER:
        return Column(0, "star", raw, STAR_BY_HEADER[key], unit)
    if key in ROLE_BY_HEADER:
        return Column(0, ROLE_BY_HEADER[key], raw, unit=unit)
    whole = _key(raw)
    if whole in ROLE_BY_HEADER:  # "村(社区)" is a name, not 村 with unit 社区
        return Column(0, ROLE_BY_HEADER[whole], raw)
    if not unit:
        for bare in _BARE_UNITS:
            if key.endswith(bare.lower()) and key[: -len(bare)] in INDICATOR_BY_HEADER:
                return Column(0, "indicator", raw, INDICATOR_BY_HEADER[key[: -len(bare)]], bare)
    return Column(0, "unknown", raw)


def suggest_header(text: str) -> list[str]:
    """The catalog's closest header spellings to an unrecognised one."""
    label = _key(split_header(text)[0])
    choices = list(INDICATOR_BY_HEADER) + [s.label for s in catalog.STARS]
    found = difflib.get_close_matches(label, choices, n=3, cutoff=0.5)
    out = []
    for f in found:
        name = (
            catalog.INDICATOR_BY_ID[INDICATOR_BY_HEADER[f]].display
            if f in INDICATOR_BY_HEADER
            else f
        )
        if name not in out:
            out.append(name)
    return out


def _classify_row(row: list[object]) -> list[Column]:
    out = []
    for i, cell in enumerate(row):
        # Headers are text; the numbers of data rows scanned for a header are skipped cheaply.
        if type(cell) is not str or not cell:
            continue
        col = _classify_text(cell)
        if col.role:
            out.append(Column(i, col.role, col.header, col.target, col.unit))
    return out


def _score(columns: list[Column]) -> int:
    return sum(1 for c in columns if c.role not in ("unknown", ""))


def _merge(upper: list[Column], lower: list[Column]) -> list[Column]:
    """A two-row header read as one: the upper row fills the gaps of the lower one.

    Cells merged down over both rows (村名, 季度 …) keep their text in the upper row only;
    group labels over several columns (a star over its indicators) are not columns themselves.
    """
    columns = {c.index: c for c in lower}
    for col in upper:
        below = columns.get(col.index)
        if below is None:
            if col.role not in ("star", "unknown"):
                columns[col.index] = col
        elif below.role == "unknown":
            merged = classify_header(f"{col.header}{below.header}")
            if merged.role not in ("unknown", ""):
                columns[col.index] = Column(
                    col.index, merged.role, merged.header, merged.target, merged.unit
                )
    return [columns[i] for i in sorted(columns)]


def find_layout(rows: list[list[object]], sheet_name: str) -> Layout | None:
    """The layout of a sheet, or None when no header row can be recognised."""
    limit = min(len(rows), _HEADER_SEARCH_ROWS)
    classified = [_classify_row(rows[r]) for r in range(limit)]
    best, best_score, best_columns, best_top = -1, 1, [], -1
    for r in range(limit):
        columns, top = classified[r], r
        if r > 0 and _score(classified[r]) > 0 and _score(classified[r - 1]) > 0:
            merged = _merge(classified[r - 1], classified[r])
            if _score(merged) > _score(columns):
                columns, top = merged, r - 1
        if _score(columns) > best_score:
            best, best_score, best_columns, best_top = r, _score(columns), columns, top
    if best < 0:
        return None
    ordered = best_columns
    top = best_top
    kind = _kind(ordered, sheet_name, rows, best)
    if kind is None:
        return None
    title = " ".join(compact(c) for r in rows[:top] for c in r if compact(c))
    known = [c for c in ordered if c.role not in ("unknown", "")]
    if kind == "values_long":
        # In the long layout 单位 is the unit column; elsewhere a lone 单位 names the village.
        known = [c for c in known if c.role != "name" or c.header != "单位"]
    else:
        known = [
            Column(c.index, "name", c.header)
            if c.role == "long_unit" and not _has(ordered, "name")
            else c
            for c in known
        ]
    unknown = [c for c in ordered if c.role == "unknown"]
    return Layout(kind, top, best, known, title, unknown)


def _has(columns: list[Column], role: str) -> bool:
    return any(c.role == role for c in columns)


def _kind(
    columns: list[Column], sheet_name: str, rows: list[list[object]], header: int
) -> str | None:
    has = {c.role for c in columns}
    name = compact(sheet_name)
    if "long_indicator" in has and "long_value" in has:
        return "values_long"
    if "long_star" in has and ("long_score" in has or "long_value" in has):
        return "scores_long"
    if "mentor" in has and "mentee" in has:
        return "pairs"
    if "target_level" in has or "target_stars" in has:
        return "targets"
    if "star" in has:
        if "period" in has:
            return "scores"
        if "year" in has:
            return "awards"
        if "评定" in name:
            return "awards"
        if _looks_like_yes_no(columns, rows, header):
            return "awards"
        return "scores"
    if "indicator" in has:
        return "values"
    if "name" in has and (has & set(_VILLAGE_FIELDS) or "村庄" in name):
        return "villages"
    return None


def _looks_like_yes_no(columns: list[Column], rows: list[list[object]], header: int) -> bool:
    stars = [c.index for c in columns if c.role == "star"]
    for row in rows[header + 1 : header + 20]:
        for i in stars:
            if i < len(row) and compact(row[i]) in ("是", "否", "√", "×", "✓", "✗"):
                return True
    return False
