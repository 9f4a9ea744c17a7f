"""Uploaded files → canonical tables and problems; and, when clean, one stored revision.

`parse_files` never writes and never raises for bad input: every finding is a `Problem`.
`import_files` parses against the store's current data and commits only when there is no error.
The problem codes are declared in `wuxing.reading.problems.CODES`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from wuxing import catalog, periods
from wuxing.config import Settings
from wuxing.dataset import KINDS, SCHEMAS, Dataset, empty_frame
from wuxing.errors import ImportRejected, Problem
from wuxing.keys import key_numbers, positions
from wuxing.reading import changes
from wuxing.reading.cells import cell_ref
from wuxing.reading.headers import find_layout
from wuxing.reading.kinds import KIND_OF, READERS, read_villages
from wuxing.reading.names import compact, town_key, village_key
from wuxing.reading.problems import problem
from wuxing.reading.scope import VillageScope
from wuxing.reading.sheets import SheetReader
from wuxing.reading.workbook import RawSheet, cell_count, cells_over_message, read_workbook
from wuxing.storage.bulk_insert import in_key_order
from wuxing.storage.store import Store, sha256_of

# Sheets that hold instructions or dropdown lists, never data.
_SKIPPED_SHEETS = ("说明", "选项", "填写说明", "填表说明", "指标说明")
# Stocks that only ever grow: counted since the campaign began (DESIGN.md: toilet upgrades).
CUMULATIVE_STOCKS: frozenset[str] = frozenset({catalog.TOILET_UPGRADES})
# A value more than this many times the previous quarter's smells of 元 written as 万元.
JUMP_FACTOR = 5.0
_MONEY = frozenset(i.id for i in catalog.INDICATORS if "元" in i.unit_factors)
_FALLING_WATCH = frozenset(i.id for i in catalog.INDICATORS if i.kind == "ytd") | CUMULATIVE_STOCKS
_WATCHED = pd.Index(sorted(_MONEY | _FALLING_WATCH), dtype=object)


@dataclass(frozen=True)
class ImportResult:
    """What a set of files holds, in canonical tables, and everything found wrong with them."""

    data: Dataset
    problems: list[Problem]
    files: list[str]

    @property
    def errors(self) -> list[Problem]:
        """Problems that block the import."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """Problems worth a look that do not block."""
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        """True when nothing blocks storing the data."""
        return not self.errors

    def problems_frame(self) -> pd.DataFrame:
        """The problem report as a table (for the page and its Excel download)."""
        columns = ["severity", "file", "sheet", "row", "column", "cell", "code", "message"]
        return pd.DataFrame([p.as_dict() for p in self.problems], columns=columns)


@dataclass(frozen=True)
class ImportOutcome:
    """The result of `import_files`: the parse, and the revision stored (if any)."""

    result: ImportResult
    revision: int | None = None
    #: True when a new revision was written by this call.
    stored: bool = False
    #: True when the same bytes were already stored (nothing written).
    duplicate: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when the files had no error (stored, or would be on a dry run)."""
        return self.result.ok

    def as_json(self) -> dict[str, object]:
        """The one JSON object the command line prints."""
        keys = ("file", "sheet", "row", "column", "cell", "code", "message")
        return {
            "ok": self.ok,
            "revision": self.revision,
            "stored": self.stored,
            "duplicate": self.duplicate,
            "dry_run": self.dry_run,
            "counts": self.result.data.counts(),
            "errors": [{k: getattr(p, k) for k in keys} for p in self.result.errors],
            "warnings": [{k: getattr(p, k) for k in keys} for p in self.result.warnings],
        }


@dataclass
class _Parsed:
    frames: dict[str, list[pd.DataFrame]] = field(default_factory=lambda: {k: [] for k in KINDS})
    problems: list[Problem] = field(default_factory=list)


#: Reads the current values of some quarters and indicators (like `Store.values_in`).
EarlierValues = Callable[[set[str], set[str]], pd.DataFrame]


def parse_files(
    files: list[tuple[str, bytes]],
    known: Dataset,
    settings: Settings,
    earlier: EarlierValues | None = None,
) -> ImportResult:
    """Read and check uploaded files against the current data; nothing is written.

    `earlier`, when given, supplies the stored values the jump and fall checks compare with
    (instead of `known.values`, which may then be left empty).
    """
    return _parse_files(files, known, settings, earlier)


def _parse_files(
    files: list[tuple[str, bytes]],
    known: Dataset,
    settings: Settings,
    earlier: EarlierValues | None,
) -> ImportResult:
    parsed = _Parsed()
    names = [name for name, _ in files]
    recognised: list[tuple[RawSheet, object]] = []
    cells = 0
    for name, content in files:
        try:
            sheets = read_workbook(content, name, settings)
        except ImportRejected as rejected:
            parsed.problems.extend(rejected.problems)
            continue
        cells += cell_count(sheets)
        if cells > settings.max_cells:  # each file fits, together they are too much work
            message = cells_over_message(cells, settings)
            parsed.problems.append(problem("file_too_many_cells", message, file=name))
            break
        recognised.extend(_layouts(sheets, parsed.problems))
    # Villages first: the upload's own 村庄 sheet widens the scope the other sheets resolve in.
    store_scope = VillageScope(known.villages)
    for sheet, layout in recognised:
        if layout.kind == "villages":
            reader = SheetReader(sheet, layout, None)
            _add(parsed, "villages", read_villages(reader, store_scope), sheet)
            parsed.problems.extend(reader.finish())
    uploaded = [
        f.drop(columns=[c for c in f.columns if c.startswith("_")])
        for f in parsed.frames["villages"]
    ]
    scope = VillageScope(_widened(known.villages, uploaded)) if uploaded else store_scope
    for sheet, layout in recognised:
        if layout.kind == "villages":
            continue
        reader = SheetReader(sheet, layout, scope)
        _add(parsed, KIND_OF.get(layout.kind, layout.kind), READERS[layout.kind](reader), sheet)
        parsed.problems.extend(reader.finish())
    combined = {
        kind: _combine(kind, parts, parsed.problems) for kind, parts in parsed.frames.items()
    }
    frames = {kind: frame for kind, (frame, _) in combined.items()}
    stored = earlier if earlier is not None else (lambda _periods, _ids: known.values)
    parsed.problems.extend(_jumps_and_falls(frames["values"], stored))
    parsed.problems.extend(_branch_alone(frames["awards"], known.awards))
    _no_data(files, frames, parsed.problems)
    data = Dataset.of(**{k: _canonical(k, f, ordered) for k, (f, ordered) in combined.items()})
    order = {name: i for i, name in enumerate(names)}
    problems = sorted(
        parsed.problems, key=lambda p: (order.get(p.file, len(order)), p.sheet, p.row or 0)
    )
    return ImportResult(data, problems, names)


def _widened(stored: pd.DataFrame, uploaded: list[pd.DataFrame]) -> pd.DataFrame:
    """Store villages plus the upload's; where both name the same (town, village), the upload wins."""
    upload = pd.concat(uploaded, ignore_index=True) if len(uploaded) > 1 else uploaded[0]
    if stored.empty:
        return upload
    redefined = {
        (town_key(t), village_key(n))
        for t, n in zip(upload["town"].tolist(), upload["name"].tolist(), strict=True)
    }
    keys = zip(stored["town"].tolist(), stored["name"].tolist(), strict=True)
    keep = np.array([(town_key(t), village_key(n)) not in redefined for t, n in keys], dtype=bool)
    if not keep.any():  # the upload names every stored village again (a full roster)
        return upload
    return pd.concat([stored[keep], upload], ignore_index=True)


def import_files(
    store: Store,
    files: list[tuple[str, bytes]],
    *,
    user: str,
    settings: Settings,
    dry_run: bool = False,
    base_version: int | None = None,
) -> ImportOutcome:
    """Check files against the store's current data and, when clean, store them as one revision.

    `base_version`: the store version a preview showed the user (default: the data read here).
    """
    return _import_files(store, files, user, settings, dry_run, base_version)


def store_checked(
    store: Store,
    files: list[tuple[str, bytes]],
    result: ImportResult,
    *,
    user: str,
    base_version: int,
    change_summary: changes.ChangeSummary | None = None,
    correction: str | None = None,
) -> ImportOutcome:
    """Store files that `parse_files` already checked (the preview a user confirmed) as one
    revision, without reading them again; `base_version` is the store version they were
    checked against (a data change since then that set the same cells: ConflictError);
    what it changes (`change_summary`, else compared here) is recorded with the revision.
    `correction`: what a correction typed in the browser changed, kept in the summary."""
    if not result.ok or not files:
        return ImportOutcome(result)
    content, filename = bundle(files)
    twin = store.find_live_upload(sha256_of(content))
    if twin is not None:
        return ImportOutcome(result, revision=twin, duplicate=True)
    if change_summary is None:
        change_summary = changes.preview(
            _current_for(store, store.load_for_import(), result.data), result.data
        )
    summary = {
        "counts": result.data.counts(),
        "files": result.files,
        "warnings": len(result.warnings),
        # What the version changes (a one-value correction reads as one, not as 232 rows).
        **changes.change_record(change_summary),
    }
    if correction:
        summary["correction"] = correction
    revision = store.commit(
        result.data,
        content=content,
        filename=filename,
        user=user,
        summary=summary,
        base_version=base_version,
    )
    return ImportOutcome(result, revision=revision, stored=True)


def _import_files(
    store: Store,
    files: list[tuple[str, bytes]],
    user: str,
    settings: Settings,
    dry_run: bool,
    base_version: int | None,
) -> ImportOutcome:
    # Not the whole store: the villages and awards, then only the quarters the checks compare with.
    known = store.load_for_import()
    # A store without a single event holds no values to compare with: no need to ask.
    earlier = store.values_in if known.revision else None
    result = parse_files(files, known, settings, earlier=earlier)
    if dry_run:
        return ImportOutcome(result, dry_run=True)
    # Checked against the data read here unless told otherwise: if another upload set the same
    # cells meanwhile, the store refuses (ConflictError) rather than silently overwriting.
    base = known.revision if base_version is None else base_version
    preview = (
        changes.preview(_current_for(store, known, result.data), result.data) if result.ok else None
    )
    return store_checked(store, files, result, user=user, base_version=base, change_summary=preview)


def _current_for(store: Store, known: Dataset, data: Dataset) -> Dataset:
    """The stored rows an upload is compared with: its quarters' values, and the other kinds it
    carries (a quarter's upload does not decode a province's every value)."""
    values = store.values_in(data.values["period"].unique(), data.values["indicator"].unique())
    others = [k for k in ("scores", "targets", "pairs") if not data.frame(k).empty]
    full = store.load() if others else None
    return replace(known, values=values, **{k: full.frame(k) for k in others if full is not None})


def bundle(files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    """The bytes and name a revision keeps: the file itself, or a zip of several."""
    if len(files) == 1:
        return files[0][1], files[0][0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            # A fixed timestamp: the same files give the same bytes, so a repeat is recognised.
            archive.writestr(
                zipfile.ZipInfo(name.rsplit("/", 1)[-1], (1980, 1, 1, 0, 0, 0)), content
            )
    label = "、".join(name.rsplit("/", 1)[-1] for name, _ in files)
    if len(label) > 200:
        label = f"{files[0][0].rsplit('/', 1)[-1]} 等 {len(files)} 个文件"
    return buffer.getvalue(), label


def _layouts(sheets: list[RawSheet], problems: list[Problem]) -> list[tuple[RawSheet, object]]:
    out = []
    for sheet in sheets:
        if compact(sheet.name) in _SKIPPED_SHEETS:
            continue
        layout = find_layout(sheet.rows, sheet.name)
        if layout is None:
            if any(compact(c) for row in sheet.rows[:50] for c in row):
                problems.append(problem("sheet_unrecognised",
                                        f"工作表“{sheet.name}”中找不到可识别的表头（如 村名、季度、指标名称），已跳过。"
                                        "如果这张表有数据，请按模板填写表头。", file=sheet.file, sheet=sheet.name))  # fmt: skip
            continue
        for ref in sheet.uncached_formulas:
            problems.append(problem("formula_no_value",
                                    f"单元格 {ref} 是公式，但文件中没有保存计算结果，系统无法得知其数值。"
                                    "请用 Excel 或 WPS 打开文件、保存一次后再上传（或把公式粘贴为数值）。",
                                    file=sheet.file, sheet=sheet.name, cell=ref,
                                    row=int("".join(ch for ch in ref if ch.isdigit()))))  # fmt: skip
        out.append((sheet, layout))
    return out


def _add(parsed: _Parsed, kind: str, frame: pd.DataFrame, sheet: RawSheet) -> None:
    if frame.empty:
        return
    # One-category columns: a sheet's name repeated 14,500 times as text cost a county ~2 ms.
    same = np.zeros(len(frame), dtype=np.int8)
    frame["_file"] = pd.Categorical.from_codes(same, categories=[sheet.file])
    frame["_sheet"] = pd.Categorical.from_codes(same, categories=[sheet.name])
    parsed.frames[kind].append(frame)


def _combine(
    kind: str, parts: list[pd.DataFrame], problems: list[Problem]
) -> tuple[pd.DataFrame, bool]:
    """One frame per kind; duplicate keys that agree collapse, those that disagree are errors.

    Also says whether the rows already ascend strictly by key (then unique and in order).
    """
    if not parts:
        return pd.DataFrame(), True
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    key = list(SCHEMAS[kind].key)
    # A sheet read in key order (read_values writes its rows so) repeats no key: comparing
    # neighbours is several times cheaper than hashing every key to look for repeats.
    if in_key_order(frame, key):
        return frame, True
    repeated = frame.duplicated(key, keep=False)
    if repeated.any():
        # Optional columns (a 村庄 sheet without 户数) are absent, not conflicting.
        fields = [c for c in SCHEMAS[kind].columns if c not in key and c in frame.columns]
        for _, group in frame[repeated].groupby(key, sort=False):
            first = group.iloc[0]
            for _, other in group.iloc[1:].iterrows():
                if _same(first, other, fields):
                    continue
                where = f"{first['_sheet']}!{cell_ref(int(first['_row']), int(first['_col']))}"
                shown = "、".join(
                    f"{_show(first[f])} 与 {_show(other[f])}"
                    for f in fields
                    if not _equal(first[f], other[f])
                )
                if first["_file"] != other["_file"]:
                    # Most often a corrected file chosen next to the one it corrects.
                    fix = (f"两个文件“{first['_file']}”和“{other['_file']}”含有同一项数据但数值不同"
                           f"（{first['_file']} 的 {where} 与这里分别为 {shown}）。如果其中一个是改正后的文件，"
                           f"请在上传框中移除另一个（多半是先选的“{first['_file']}”，点文件名右侧的 ×），再重新检查。")  # fmt: skip
                else:
                    fix = f"这一项数据重复出现且不一致：{where} 与这里分别为 {shown}。请删除重复行或改正其中一个。"
                problems.append(problem("duplicate_conflict", fix, file=other["_file"], sheet=other["_sheet"],
                                        row=int(other["_row"]) + 1, cell=cell_ref(int(other["_row"]), int(other["_col"]))))  # fmt: skip
        frame = frame.drop_duplicates(key, keep="first")
    return frame, False


def _equal(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return bool(np.isclose(a, b, equal_nan=True))
    return a == b or (pd.isna(a) and pd.isna(b)) if not isinstance(a, str) else a == b


def _same(a: pd.Series, b: pd.Series, fields: list[str]) -> bool:
    return all(_equal(a[f], b[f]) for f in fields)


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _canonical(kind: str, frame: pd.DataFrame, ordered: bool) -> pd.DataFrame:
    if frame.empty:
        return empty_frame(kind)
    frame = frame[[c for c in SCHEMAS[kind].columns if c in frame.columns]]
    if ordered:
        return frame
    # Sorted by key: stable output, and the store's primary-key index fills in order.
    # lexsort on factorised keys is several times faster than sort_values on string columns.
    keys = [pd.factorize(frame[k], sort=True)[0] for k in reversed(SCHEMAS[kind].key)]
    return frame.iloc[np.lexsort(keys)]


def _no_data(
    files: list[tuple[str, bytes]], frames: dict[str, pd.DataFrame], problems: list[Problem]
) -> None:
    """A file that yields no row and no error is reported: most likely the wrong file."""
    found = {f for frame in frames.values() if not frame.empty for f in frame["_file"].unique()}
    blamed = {p.file for p in problems if p.is_error}
    for name, _ in files:
        if name not in found and name not in blamed:
            problems.append(problem("no_data",
                                    "文件中没有找到可导入的数据。应至少包含一张按模板填写的表"
                                    "（村庄、指标、星级评分、星级评定、创星目标、结对帮带），且表头下有数据行。", file=name))  # fmt: skip


def _jumps_and_falls(incoming: pd.DataFrame, earlier: EarlierValues) -> list[Problem]:
    """Warnings: money up more than 5× on the previous quarter; cumulative figures that fall.

    `earlier(periods, indicators)` gives the stored values to compare with (it may return more).
    """
    if incoming.empty:
        return []
    ids = set(incoming["indicator"].unique()) & set(_WATCHED)
    if not ids:
        return []
    uploaded = sorted(incoming["period"].unique())
    previous = {p: periods.previous(p) for p in uploaded}
    # Only the quarters compared with, and only watched indicators: the store may hold a
    # province's every quarter, and the first upload has nothing earlier at all.
    wanted = sorted(set(previous.values()))
    current = earlier(set(wanted), ids)
    if current.empty and not set(uploaded) & set(wanted):
        return []  # nothing to compare with (the first upload of a store, or of a village)
    # Keys as integers (village, quarter, indicator positions) and plain arrays: pandas' merge on
    # three string columns cost more than the rest of the check. Each of the upload's text
    # columns is numbered once (the positions are reused below).
    indicator_at = positions(incoming["indicator"], _WATCHED)
    chosen = indicator_at >= 0
    watched, indicator_at = incoming[chosen], indicator_at[chosen]
    village_at, distinct = pd.factorize(watched["code"])
    villages = pd.Index(np.asarray(distinct, dtype=object))
    quarters = pd.Index(sorted(set(uploaded) | set(wanted)))
    quarter_at = positions(watched["period"], quarters)
    step = len(_WATCHED)

    # The reference: the stored values, then the upload's own (an upload of two quarters compares
    # its second with its first; the upload wins where both hold a cell).
    mine = (village_at * len(quarters) + quarter_at) * step + indicator_at
    mine[(village_at < 0) | (quarter_at < 0)] = -1
    value = watched["value"].to_numpy(dtype=float)
    reference, held = mine, value
    if not current.empty:
        stored = key_numbers(
            current, ["code", "period", "indicator"], [villages, quarters, _WATCHED]
        )
        reference = np.concatenate([stored, mine])
        held = np.concatenate([current["value"].to_numpy(dtype=float), value])
    last = len(reference) - 1 - np.unique(reference[::-1], return_index=True)[1]
    last = last[reference[last] >= 0]
    known, known_value = reference[last], held[last]  # ascending (np.unique sorts)
    # The key of each watched row's previous quarter: same village and indicator, one quarter back.
    back = np.array([quarters.get_loc(previous[p]) - quarters.get_loc(p) for p in uploaded])
    uploaded_at = np.full(len(quarters), -1)
    uploaded_at[quarters.get_indexer(uploaded)] = np.arange(len(uploaded))
    quarter_of = uploaded_at[quarter_at]
    wanted_key = mine + back[quarter_of] * step
    if not len(known):
        return []
    at = np.minimum(np.searchsorted(known, wanted_key), len(known) - 1)
    found = known[at] == wanted_key
    prev = np.where(found, known_value[at], np.nan)
    ids = _WATCHED.to_numpy()[indicator_at]
    money = np.isin(ids, list(_MONEY))
    jumps = found & money & (prev > 0) & (value > JUMP_FACTOR * prev)
    same_year = np.array([p[:4] == previous[p][:4] for p in uploaded])[quarter_of]
    falls = found & np.isin(ids, list(_FALLING_WATCH)) & (value < prev - 1e-9)
    falls &= same_year | np.isin(ids, list(CUMULATIVE_STOCKS))
    flagged = np.flatnonzero(jumps | falls)
    if not len(flagged):
        return []
    rows, cols = watched["_row"].to_numpy()[flagged], watched["_col"].to_numpy()[flagged]
    # In sheet order (the rows arrive in key order): within a row, the columns left to right.
    flagged = flagged[np.lexsort((cols, rows))]
    out = []
    for pos in flagged.tolist():
        row = watched.iloc[pos]
        ind = catalog.INDICATOR_BY_ID[ids[pos]]
        where = {"file": row["_file"], "sheet": row["_sheet"], "row": int(row["_row"]) + 1,
                 "cell": cell_ref(int(row["_row"]), int(row["_col"]))}  # fmt: skip
        period, now, before = row["period"], value[pos], prev[pos]
        if jumps[pos]:
            out.append(problem("jump_suspect",
                               f"“{ind.label}”{period} 为 {now:g}{ind.unit}，是上季度（{before:g}{ind.unit}）的 "
                               f"{now / before:.0f} 倍。是否把“元”当成了“{ind.unit}”？若表头单位是元，请在表头写明（元），"
                               "系统会自动换算；数值无误可忽略此提示。", **where))  # fmt: skip
        else:
            kind = "年内累计数" if ind.kind == "ytd" else "累计数"
            out.append(problem("cumulative_fall",
                               f"“{ind.label}”是{kind}，{period} 为 {now:g}{ind.unit}，比上季度（{before:g}{ind.unit}）"
                               "还少。累计数一般不会减少，请核对是否填成了当季数。", **where))  # fmt: skip
    return out


def _branch_alone(incoming: pd.DataFrame, current: pd.DataFrame) -> list[Problem]:
    """Warnings: 支部过硬星 awarded while the other four stars are not all held that year."""
    if incoming.empty:
        return []
    branch = incoming[(incoming["star"] == "branch") & incoming["awarded"].astype(bool)]
    if branch.empty:
        return []
    # Only the villages and years of those rows: the rest cannot change the answer.
    codes, years = set(branch["code"].unique()), set(branch["year"].unique())
    columns = ["code", "year", "star", "awarded"]
    merged = pd.concat(
        [f.loc[f["code"].isin(codes) & f["year"].isin(years), columns] for f in (current, incoming)]
    )
    held = merged.drop_duplicates(["code", "year", "star"], keep="last")
    held = held[held["awarded"].astype(bool)].groupby(["code", "year"])["star"].agg(set).to_dict()
    others = set(catalog.STAR_IDS) - {"branch"}
    out = []
    for row in branch.rename(columns=lambda c: c.lstrip("_")).itertuples(index=False):
        missing = others - held.get((row.code, int(row.year)), set())
        if missing:
            names = "、".join(catalog.STAR_BY_ID[s].label for s in catalog.STAR_IDS if s in missing)
            out.append(problem("branch_without_others",
                               f"{row.year} 年评定了支部过硬星，但未评定{names}。支部过硬星一般在其他四星都评定后才授予，请核对。",
                               file=row.file, sheet=row.sheet, row=int(row.row) + 1,
                               cell=cell_ref(int(row.row), int(row.col))))  # fmt: skip
    return out
