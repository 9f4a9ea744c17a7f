"""Readers of the sheets that are not indicator values: scores, awards, targets, pairs, villages."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from wuxing import catalog, periods
from wuxing.dataset import generated_code
from wuxing.reading.cells import cell_at, quarter_of_cell, yes_no
from wuxing.reading.headers import STAR_BY_HEADER, Column
from wuxing.reading.names import (
    clean_all,
    clean_text,
    compact,
    compact_all,
    is_missing,
    split_header,
)
from wuxing.reading.scope import VillageScope, village_code
from wuxing.reading.sheets import SheetReader
from wuxing.reading.values import read_values, read_values_long

_LEVELS = {"无星": 0, "一星": 1, "二星": 2, "两星": 2, "三星": 3, "四星": 4, "五星": 5}
_STAR_SPLIT = re.compile(r"[、,，;；/\s]+")


def read_scores(reader: SheetReader) -> pd.DataFrame:
    """Star scores, wide (one column per star) or long (星级, 得分) → scores rows."""
    layout = reader.layout
    fallback = reader.sheet_period()
    data = [r for r, k in reader.data_rows() if k == "data"]
    codes = [reader.village(r) for r in data]
    quarters = [reader.period(r, fallback) for r in data]
    out = []
    if layout.kind == "scores_long":
        star_col = layout.first("long_star")
        value_col = layout.first("long_score") or layout.first("long_value")
        assert star_col is not None and value_col is not None
        scores = reader.numbers(value_col.index, data, "得分")
        for pos, r in enumerate(data):
            text = split_header(cell_at(reader.sheet.rows[r], star_col.index))[0].lower()
            star = STAR_BY_HEADER.get(text)
            if star is None:
                reader.report(
                    "star_unknown",
                    f"无法识别星级“{text}”。应为：{_star_names()}。",
                    r,
                    star_col.index,
                )
                continue
            out.append((codes[pos], quarters[pos], star, scores[pos], r, value_col.index))
    else:
        for column in layout.all("star"):
            scores = reader.numbers(column.index, data, column.header)
            for pos, r in enumerate(data):
                out.append((codes[pos], quarters[pos], column.target, scores[pos], r, column.index))
    rows = []
    for code, quarter, star, score, r, col in out:
        if np.isnan(score):
            continue
        if score < 0 or score > 200:
            reader.report(
                "value_invalid" if score > 0 else "negative_value",
                f"星级评分应在 0–100 分之间（含加分可略超 100），这里是 {score:g}。请核对。",
                r,
                col,
            )
            continue
        if code and quarter:
            rows.append(
                {
                    "code": code,
                    "period": quarter,
                    "star": star,
                    "score": float(score),
                    "_row": r,
                    "_col": col,
                }
            )
    return pd.DataFrame(rows)


def _star_names() -> str:
    return "、".join(s.label for s in catalog.STARS)


def read_awards(reader: SheetReader) -> pd.DataFrame:
    """Yearly star awards (是/否 per star) → awards rows."""
    fallback = reader.sheet_year()
    rows = []
    for r, kind in reader.data_rows():
        if kind != "data":
            continue
        code, year = reader.village(r), reader.year(r, fallback)
        for column in reader.layout.all("star"):
            cell = cell_at(reader.sheet.rows[r], column.index)
            try:
                flag = yes_no(cell)
            except ValueError:
                reader.report(
                    "value_invalid",
                    f"“{column.header}”应填“是”或“否”，这里是“{clean_text(cell)[:20]}”。",
                    r,
                    column.index,
                )
                continue
            if flag is not None and code and year:
                rows.append(
                    {
                        "code": code,
                        "year": year,
                        "star": column.target,
                        "awarded": flag,
                        "_row": r,
                        "_col": column.index,
                    }
                )
    return pd.DataFrame(rows)


def read_targets(reader: SheetReader) -> pd.DataFrame:
    """创星目标 (target level and the stars aimed for) → targets rows."""
    fallback = reader.sheet_year()
    level_col, stars_col = reader.layout.first("target_level"), reader.layout.first("target_stars")
    rows = []
    for r, kind in reader.data_rows():
        if kind != "data":
            continue
        row = reader.sheet.rows[r]
        code, year = reader.village(r), reader.year(r, fallback)
        stars: list[str] = []
        if stars_col is not None and not is_missing(cell_at(row, stars_col.index)):
            for part in _STAR_SPLIT.split(clean_text(cell_at(row, stars_col.index))):
                star = STAR_BY_HEADER.get(compact(part).lower()) if part else None
                if part and star is None:
                    reader.report(
                        "star_unknown",
                        f"无法识别目标星“{part}”。应为：{_star_names()}，用顿号分隔。",
                        r,
                        stars_col.index,
                    )
                elif star:
                    stars.append(star)
        level = len(set(stars)) if stars else None
        if level_col is not None and not is_missing(cell_at(row, level_col.index)):
            level = _level(cell_at(row, level_col.index))
            if level is None:
                reader.report(
                    "value_invalid",
                    f"目标星级“{clean_text(cell_at(row, level_col.index))}”无法识别。"
                    "应为 一星…五星 或 1–5。",
                    r,
                    level_col.index,
                )
                continue
        if level is None:
            continue
        if code and year:
            ordered = ",".join(s for s in catalog.STAR_IDS if s in stars)
            where = level_col or stars_col  # the level came from one of them
            assert where is not None
            rows.append(
                {
                    "code": code,
                    "year": year,
                    "level": level,
                    "stars": ordered,
                    "_row": r,
                    "_col": where.index,
                }
            )
    return pd.DataFrame(rows)


def _level(value: object) -> int | None:
    text = compact(value).removesuffix("级")
    if text in _LEVELS:
        return _LEVELS[text]
    text = text.removesuffix("星")
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() and 0 <= number <= 5 else None


def read_pairs(reader: SheetReader) -> pd.DataFrame:
    """导师帮带 pairs (mentor village, mentee village, since, until, note) → pairs rows."""
    layout = reader.layout
    rows = []
    for r, kind in reader.data_rows():
        if kind != "data":
            continue
        row = reader.sheet.rows[r]
        mentor = reader.village(r, "mentor", "mentor_town")
        mentee = reader.village(r, "mentee", "mentee_town")
        dates: dict[str, str | None] = {}
        for role in ("since", "until"):
            col = layout.first(role)
            cell = cell_at(row, col.index) if col else ""
            try:
                dates[role] = quarter_of_cell(cell) or ""
            except periods.PeriodError as exc:
                reader.report(
                    "period_invalid",
                    f"时间“{clean_text(cell)}”不存在：{exc}。",
                    r,
                    col.index if col else None,
                )
                dates[role] = None
                continue
            if not dates[role] and not is_missing(cell):
                reader.report(
                    "period_invalid",
                    f"无法识别时间“{clean_text(cell)}”。应写季度，如 2022Q3。",
                    r,
                    col.index if col else None,
                )
                dates[role] = None
        note_col = layout.first("note")
        note = clean_text(cell_at(row, note_col.index)) if note_col else ""
        mentee_col = layout.first("mentee")
        if mentor and mentee and mentee_col and None not in dates.values():
            rows.append(
                {
                    "mentor": mentor,
                    "mentee": mentee,
                    "since": dates["since"],
                    "until": dates["until"],
                    "note": note,
                    "_row": r,
                    "_col": mentee_col.index,
                }
            )
    return pd.DataFrame(rows)


def read_villages(reader: SheetReader, known: VillageScope) -> pd.DataFrame:
    """村庄 sheet → village rows; codes generated for villages without an official one."""
    layout = reader.layout
    cols = {
        role: layout.first(role) for role in ("code", "name", "town", "county", "city", "cluster")
    }
    data = [r for r, k in reader.data_rows() if k == "data"]
    numbers = {}
    for role in ("households", "population"):
        col = layout.first(role)
        if col is not None:
            values = reader.numbers(col.index, data, col.header)
            for negative in np.flatnonzero(values < 0):
                reader.report(
                    "negative_value",
                    f"“{col.header}”不能为负数，这里是 {values[negative]:g}。",
                    data[negative],
                    col.index,
                )
                values[negative] = np.nan
            numbers[role] = values
    # Column by column (one transposition) rather than cell by cell.
    table = reader.columns_of(data)
    texts = {
        role: clean_all(table[c.index]) if c and c.index < len(table) else [""] * len(data)
        for role, c in cols.items()
    }
    if cols["code"] and cols["code"].index < len(table):
        raw = table[cols["code"].index]
        # Codes typed as text: compact, as `village_code` makes them (numbers lose their `.0`).
        texts["code"] = (
            compact_all(raw) if set(map(type, raw)) <= {str} else list(map(village_code, raw))
        )
    texts["name"] = compact_all(texts["name"])
    names, codes, towns = texts["name"], texts["code"], texts["town"]
    if all(names) and all(codes):  # every row named and coded (checked in C): nothing to fill in
        return _village_frame(texts, numbers, data, cols["name"])
    kept = []
    for pos, r in enumerate(data):
        if not names[pos]:
            reader.report(
                "village_missing",
                "村庄表这一行没有村名。请填写村名。",
                r,
                cols["name"].index if cols["name"] else None,
            )
            continue
        if not codes[pos]:
            existing = known.resolve(names[pos], towns[pos]) if towns[pos] else None
            if isinstance(existing, str):
                codes[pos] = existing
            else:
                codes[pos] = generated_code(
                    texts["city"][pos], texts["county"][pos], towns[pos], names[pos]
                )
        kept.append(pos)
    if not kept:
        return pd.DataFrame()
    return _village_frame(
        {role: [values[p] for p in kept] for role, values in texts.items()},
        {role: values[kept] for role, values in numbers.items()},
        [data[p] for p in kept],
        cols["name"],
    )


def _village_frame(
    texts: dict[str, list[str]],
    numbers: dict[str, np.ndarray],
    rows: list[int],
    name_col: Column | None,
) -> pd.DataFrame:
    # Built column by column: a dict per row costs a quarter of a second at a province's size.
    # In the canonical dtypes (arrow strings, nullable floats), so conforming has nothing to redo.
    columns: dict[str, object] = {role: pd.array(v, dtype="str") for role, v in texts.items()}
    columns |= {role: pd.array(v, dtype="Float64") for role, v in numbers.items()}
    columns["_row"] = rows
    columns["_col"] = name_col.index if name_col else 0
    return pd.DataFrame(columns)


READERS = {
    "values": read_values,
    "values_long": read_values_long,
    "scores": read_scores,
    "scores_long": read_scores,
    "awards": read_awards,
    "targets": read_targets,
    "pairs": read_pairs,
}
#: Layout kind → canonical data kind.
KIND_OF = {"values_long": "values", "scores_long": "scores"}
