"""Reading one recognised sheet: which rows are data, the village, quarter and year of each, and
its columns of numbers, every problem placed at its cell (`SheetReader`); a unit written in a
number's cell is converted in `units`. The readers of each kind (`values`, `kinds`) build their
rows from it, each carrying `_row` and `_col` (0-based place of the value in the sheet) so later
checks (duplicates, jumps) can name the cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from wuxing import periods
from wuxing.errors import Problem
from wuxing.reading.cells import (
    cell_at,
    cell_ref,
    quarter_of_cell,
    read_numbers,
    row_kind,
    transposed,
    year_of_cell,
)
from wuxing.reading.headers import Column, Layout
from wuxing.reading.names import clean_text, compact, is_missing
from wuxing.reading.problems import problem
from wuxing.reading.scope import Unresolved, VillageScope
from wuxing.reading.units import in_cell_unit
from wuxing.reading.workbook import RawSheet

# At most this many problems of one code are listed per sheet; the rest are counted.
MAX_LISTED = 200
# Cells numpy reads as they are (bool is not one: a 是/否 cell in a number column is reported).
_PLAIN_NUMBERS = frozenset({float, int})


@dataclass
class SheetReader:
    """Reads one sheet of a known layout; collects its problems."""

    sheet: RawSheet
    layout: Layout
    scope: VillageScope | None
    problems: list[Problem] = field(default_factory=list)
    _listed: dict[str, int] = field(default_factory=dict)
    _found: dict[str, Column | None] = field(default_factory=dict)
    _hint: str | None = None
    _body: list[list[object]] | None = None

    # -- problems ----------------------------------------------------------------------------

    def report(
        self,
        code: str,
        message: str,
        row: int | None = None,
        col: int | None = None,
        **extra: str,
    ) -> None:
        """Add a problem placed at a 0-based (row, col) of this sheet (`extra`: the Problem's
        `original` and `stored` for a cell read as something else)."""
        count = self._listed.get(code, 0)
        self._listed[code] = count + 1
        if count >= MAX_LISTED:
            return
        where: dict[str, object] = {"file": self.sheet.file, "sheet": self.sheet.name, **extra}
        if row is not None:
            where["row"] = row + 1
        if col is not None:
            where["column"] = self.header_text(col)
            if row is not None:
                where["cell"] = cell_ref(row, col)
        self.problems.append(problem(code, message, **where))

    def finish(self) -> list[Problem]:
        """The problems, plus one line per code whose list was cut short."""
        for code, count in self._listed.items():
            if count > MAX_LISTED:
                more = f"另有 {count - MAX_LISTED} 处同类问题未逐一列出。"
                self.problems.append(
                    problem(code, more, file=self.sheet.file, sheet=self.sheet.name)
                )
        return self.problems

    def header_text(self, col: int) -> str:
        """The header of a column as written (for messages)."""
        for c in (*self.layout.columns, *self.layout.unknown):
            if c.index == col:
                return c.header
        return ""

    # -- rows --------------------------------------------------------------------------------

    def data_rows(self) -> list[tuple[int, str]]:
        """(row index, kind) of the rows under the header that are data, totals or subtotals."""
        skip = {c.index for c in self.layout.all("serial")}
        header_cells = {compact(c.header) for c in self.layout.columns}
        out = []
        for r in range(self.layout.header_row + 1, len(self.sheet.rows)):
            row = self.sheet.rows[r]
            kind = row_kind(row, skip)
            if kind in ("blank", "note"):
                continue
            if kind == "data" and _repeats_header(row, header_cells):
                continue  # the header repeated (tables pasted one under another)
            out.append((r, kind))
        return out

    def body(self) -> list[list[object]]:
        """The columns of the rows under the header (transposed once per sheet)."""
        if self._body is None:
            self._body = transposed(self.sheet.rows[self.layout.header_row + 1 :])
        return self._body

    def columns_of(self, rows: list[int]) -> list[list[object]]:
        """The columns of these rows (ascending, as `data_rows` gives them)."""
        start, end = self.layout.header_row + 1, len(self.sheet.rows) - 1
        if len(rows) == end + 1 - start and (not rows or (rows[0], rows[-1]) == (start, end)):
            return self.body()  # every row under the header
        return transposed([self.sheet.rows[r] for r in rows])

    def sheet_period(self) -> str | None:
        """The quarter named by the sheet name or the title rows, if any (None if neither)."""
        for text in (self.sheet.name, self.layout.title):
            try:
                found = periods.parse_quarter(text)
            except periods.PeriodError as exc:
                self.report("period_invalid", f"标题或表名“{text[:40]}”中的季度不存在：{exc}。")
                return None
            if found:
                return found
        return None

    def sheet_year(self) -> int | None:
        """The year named by the sheet name or the title rows, if any."""
        for text in (self.sheet.name, self.layout.title):
            year = year_of_cell(text)
            if year:
                return year
        return None

    def column(self, role: str) -> Column | None:
        """The layout's first column with this role, looked up once per sheet, not once per row."""
        if role not in self._found:
            self._found[role] = self.layout.first(role)
        return self._found[role]

    def title_town(self) -> str:
        """The one known town the title names, else '' (scanned once per sheet: a province has
        hundreds of towns)."""
        if self._hint is None:
            assert self.scope is not None
            self._hint = self.scope.town_in(self.layout.title) if self.layout.title else ""
        return self._hint

    def village(self, r: int, name_role: str = "name", town_role: str = "town") -> str | None:
        """The code of the village row `r` names, or None (the problem is reported)."""
        assert self.scope is not None
        row = self.sheet.rows[r]
        name_col = self.column(name_role)
        town_col = self.column(town_role)
        code_col = self.column("code") if name_role == "name" else None
        name = cell_at(row, name_col.index) if name_col else ""
        town = cell_at(row, town_col.index) if town_col else ""
        code = cell_at(row, code_col.index) if code_col else ""
        hint = self.title_town() if not town_col else ""
        found = self.scope.resolve(name, town, code, hint)
        if isinstance(found, Unresolved):
            where = code_col if (code_col and not is_missing(code)) else (name_col or code_col)
            if found.code == "town_unknown" and town_col:
                where = town_col
            self.report(found.code, found.message, r, where.index if where else None)
            return None
        if name_col is not None and (code_col is None or is_missing(code)):
            self._note_name(r, name_col.index, name, found)
        return found

    def _note_name(self, r: int, col: int, written: object, code: str) -> None:
        """A reminder when a row names its village otherwise than the store (`赵家` → 赵家村)."""
        assert self.scope is not None
        known = self.scope.name_of.get(code)
        if known is None or written == known:
            return
        shown = clean_text(written)
        text = f"“{written}”" if shown == str(written) else f"“{written}”（含空格或特殊字符）"
        self.report(
            "read_as_name",
            f"村名{text}已对应到“{known}”（代码 {code}），请核对是否是这个村。",
            r,
            col,
            original=str(written),
            stored=str(known),
        )

    def villages(self, rows: list[int]) -> list[str | None]:
        """`village` of each row (problems reported in row order), the columns read at once."""
        assert self.scope is not None
        name_col, town_col, code_col = self.column("name"), self.column("town"), self.column("code")
        hint = self.title_town() if not town_col else ""
        found = self.scope.resolve_all(
            self.cells(rows, name_col) if name_col else [""] * len(rows),
            self.cells(rows, town_col) if town_col else None,
            self.cells(rows, code_col) if code_col else None,
            hint,
        )
        if name_col is not None:
            self._note_names(rows, name_col, code_col, found)
        if set(map(type, found)) <= {str}:
            return found  # type: ignore[return-value]
        out: list[str | None] = []
        for r, result in zip(rows, found, strict=True):
            if isinstance(result, Unresolved):
                out.append(self.village(r))  # reports it, exactly as one row at a time does
            else:
                out.append(result)
        return out

    def _note_names(
        self, rows: list[int], name_col: Column, code_col: Column | None, found: Sequence[object]
    ) -> None:
        """`_note_name` for the rows resolved by name; one comparison per row, so a
        province's 46,000 rows written as the store has them cost a few milliseconds."""
        assert self.scope is not None
        known = self.scope.name_of
        written = self.cells(rows, name_col)
        by_code = self.cells(rows, code_col) if code_col else None
        for pos, (text, code) in enumerate(zip(written, found, strict=True)):
            if type(code) is not str or known.get(code, text) == text:
                continue
            if by_code is not None and not is_missing(by_code[pos]):
                continue  # the row was placed by its code; its name is only a label
            self._note_name(rows[pos], name_col.index, text, code)

    def cells(self, rows: list[int], column: Column) -> list[object]:
        """The cells of one column over `rows` ('' past a short row's end)."""
        at, sheet = column.index, self.sheet.rows
        return [row[at] if at < len(row) else "" for row in map(sheet.__getitem__, rows)]

    def periods(self, rows: list[int], fallback: str | None) -> list[str | None]:
        """The quarter of each row; a 季度 column usually repeats a handful of spellings."""
        col = self.column("period")
        if col is None:
            return (
                [self.period(r, fallback) for r in rows] if not fallback else [fallback] * len(rows)
            )
        # Each distinct cell read once; a row whose cell gives no quarter is read again by
        # `period`, row by row in order, which reports it.
        cells = self.cells(rows, col)
        keys = list(zip(map(type, cells), cells, strict=True))
        try:
            seen = {key: _quarter_or_none(key[1], fallback) for key in dict.fromkeys(keys)}
        except TypeError:  # an unhashable cell: row by row
            return [self.period(r, fallback) for r in rows]
        out = [seen[key] for key in keys]
        self._note_quarters(rows, col, keys, seen)
        if None in seen.values():
            pairs = zip(out, rows, strict=True)
            out = [q if q is not None else self.period(r, fallback) for q, r in pairs]
        return out

    def _note_quarters(
        self,
        rows: list[int],
        col: Column,
        keys: list[tuple[type, object]],
        seen: dict[tuple[type, object], str | None],
    ) -> None:
        """One reminder per quarter spelling that is not the stored form (`2024年第一季度`)."""
        odd = {k: q for k, q in seen.items() if q and k[0] is str and k[1] != q}
        if not odd:
            return
        for key, quarter in odd.items():
            at = [rows[i] for i, k in enumerate(keys) if k == key]
            count = f"共 {len(at)} 行，" if len(at) > 1 else ""
            self.report(
                "read_as_quarter",
                f"季度“{key[1]}”按 {quarter} 读取（{count}首次见于第 {at[0] + 1} 行）。",
                at[0],
                col.index,
                original=str(key[1]),
                stored=quarter,
            )

    def period(self, r: int, fallback: str | None) -> str | None:
        """The quarter of row `r` (its 季度 cell, else the sheet's), or None (reported)."""
        col = self.column("period")
        if col is not None:
            cell = cell_at(self.sheet.rows[r], col.index)
            try:
                found = quarter_of_cell(cell)
            except periods.PeriodError as exc:
                self.report(
                    "period_invalid",
                    f"季度“{clean_text(cell)}”不存在：{exc}。请改为 2023Q1 这样的写法。",
                    r,
                    col.index,
                )
                return None
            if found:
                return found
            if not is_missing(cell):
                self.report(
                    "period_invalid",
                    f"无法识别季度“{clean_text(cell)}”。应写作 2023Q1、2023-Q1 或 2023年第一季度。",
                    r,
                    col.index,
                )
                return None
        if fallback:
            return fallback
        name = self.column("name")
        self.report(
            "period_missing",
            "找不到这一行的季度：表中没有“季度”列，表名和标题里也没有写季度。"
            "请增加“季度”列（如 2023Q1），或在标题中写明“2023年第一季度”。",
            r,
            name.index if name else None,
        )
        return None

    def year(self, r: int, fallback: int | None) -> int | None:
        """The year of row `r` (its 年度 cell, else the sheet's), or None (reported)."""
        col = self.column("year") or self.column("period")
        if col is not None:
            cell = cell_at(self.sheet.rows[r], col.index)
            year = year_of_cell(cell)
            if year:
                return year
            if not is_missing(cell):
                self.report(
                    "period_invalid",
                    f"无法识别年度“{clean_text(cell)}”。应写 4 位年份，如 2023。",
                    r,
                    col.index,
                )
                return None
        if fallback:
            return fallback
        self.report(
            "period_missing",
            "找不到这一行的年度。请增加“年度”列（如 2023），或在标题中写明年份。",
            r,
        )
        return None

    # -- numbers -----------------------------------------------------------------------------

    def numbers(
        self, col: int, rows: list[int], what: str, raw: list[object] | None = None
    ) -> np.ndarray:
        """A column of numbers over `rows`, in its header's unit (a unit written in a cell of an
        indicator column converted); cells that are not numbers are reported and NaN."""
        values, units = self.numbers_and_units(col, rows, what, raw)
        for pos, (unit, cell) in units.items():
            values[pos] = in_cell_unit(self, values[pos], unit, col, rows[pos], what, cell)
        return values

    def numbers_and_units(
        self, col: int, rows: list[int], what: str, raw: list[object] | None = None
    ) -> tuple[np.ndarray, dict[int, tuple[str, object]]]:
        """The numbers of a column over `rows` as written, and the unit (with the cell) at each
        position whose cell wrote one (`5000元`); cells that are not numbers are reported, NaN."""
        if raw is None:
            raw = [
                row[col] if col < len(row) else "" for row in map(self.sheet.rows.__getitem__, rows)
            ]
        # The common case, a column of plain numbers, needs no parsing at all.
        if set(map(type, raw)) <= _PLAIN_NUMBERS:
            values = np.array(raw, dtype=np.float64)
            if np.isfinite(values).all():
                return values, {}
        parsed = read_numbers(raw)
        for pos, text in parsed.failures.items():
            self.report(
                "not_a_number",
                f"“{what}”应为数字，这里是文字“{text[:30]}”。请只填数字（缺报请留空或填“—”）。",
                rows[pos],
                col,
            )
        return parsed.values, {pos: (unit, raw[pos]) for pos, unit in parsed.units.items()}


def _quarter_or_none(cell: object, fallback: str | None) -> str | None:
    """What `SheetReader.period` gives for a cell, or None wherever it would report a problem."""
    try:
        found = quarter_of_cell(cell)
    except periods.PeriodError:
        return None
    if found:
        return found
    return (fallback or None) if is_missing(cell) else None


def _repeats_header(row: list[object], header_cells: set[str]) -> bool:
    first = next((c for c in row if c != "" and c is not None), "")
    if not isinstance(first, str) or compact(first) not in header_cells:
        return False
    return {compact(c) for c in row if compact(c)} <= header_cells
