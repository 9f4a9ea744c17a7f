"""Uploaded files → canonical tables and problems; and, when clean, one stored revision.

`parse_files` never writes and never raises for bad input: every finding is a `Problem`.
`import_files` parses against the store's current data and commits only when there is no error.
The problem codes are declared in `wuxing.reading.problems.CODES`.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from wuxing.config import Settings
from wuxing.dataset import KINDS, SCHEMAS, Dataset, empty_frame
from wuxing.errors import ImportRejected, Problem
from wuxing.reading import changes, checks
from wuxing.reading.checks import EarlierValues
from wuxing.reading.headers import Layout, find_layout
from wuxing.reading.kinds import KIND_OF, READERS, read_villages
from wuxing.reading.names import compact, town_key, village_key
from wuxing.reading.problems import problem
from wuxing.reading.scope import VillageScope
from wuxing.reading.sheets import SheetReader
from wuxing.reading.workbook import RawSheet, cell_count, cells_over_message, read_workbook
from wuxing.storage.store import Store, sha256_of

# Sheets that hold instructions or dropdown lists, never data.
_SKIPPED_SHEETS = ("说明", "选项", "填写说明", "填表说明", "指标说明")


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
    recognised: list[tuple[RawSheet, Layout]] = []
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
        kind: checks.combine(kind, parts, parsed.problems) for kind, parts in parsed.frames.items()
    }
    frames = {kind: frame for kind, (frame, _) in combined.items()}
    stored = earlier if earlier is not None else (lambda _periods, _ids: known.values)
    parsed.problems.extend(checks.jumps_and_falls(frames["values"], stored))
    parsed.problems.extend(checks.branch_alone(frames["awards"], known.awards))
    checks.no_data(files, frames, parsed.problems)
    data = Dataset.of(**{k: _canonical(k, f, ordered) for k, (f, ordered) in combined.items()})
    order = {name: i for i, name in enumerate(names)}
    problems = sorted(
        parsed.problems, key=lambda p: (order.get(p.file, len(order)), p.sheet, p.row or 0)
    )
    return ImportResult(data, problems, names)


def _widened(stored: pd.DataFrame, uploaded: list[pd.DataFrame]) -> pd.DataFrame:
    """Store villages plus the upload's; where both name one (town, village), the upload wins."""
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


def _layouts(sheets: list[RawSheet], problems: list[Problem]) -> list[tuple[RawSheet, Layout]]:
    out = []
    for sheet in sheets:
        if compact(sheet.name) in _SKIPPED_SHEETS:
            continue
        layout = find_layout(sheet.rows, sheet.name)
        if layout is None:
            if any(compact(c) for row in sheet.rows[:50] for c in row):
                problems.append(
                    problem(
                        "sheet_unrecognised",
                        f"工作表“{sheet.name}”中找不到可识别的表头（如 村名、季度、指标名称），已跳过。"
                        "如果这张表有数据，请按模板填写表头。",
                        file=sheet.file,
                        sheet=sheet.name,
                    )
                )
            continue
        for ref in sheet.uncached_formulas:
            problems.append(
                problem(
                    "formula_no_value",
                    f"单元格 {ref} 是公式，但文件中没有保存计算结果，系统无法得知其数值。"
                    "请用 Excel 或 WPS 打开文件、保存一次后再上传（或把公式粘贴为数值）。",
                    file=sheet.file,
                    sheet=sheet.name,
                    cell=ref,
                    row=int("".join(ch for ch in ref if ch.isdigit())),
                )
            )
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
