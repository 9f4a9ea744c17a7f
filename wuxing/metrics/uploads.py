"""Tables of the upload and history pages: problem reports, change previews, revisions."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from wuxing import catalog, formatting, scopes
from wuxing.dataset import Dataset
from wuxing.metrics.villages import sort_by_pinyin

if TYPE_CHECKING:  # display tables of what reading and storage hand over: types only
    from wuxing.reading.changes import ChangeSummary
    from wuxing.reading.importer import ImportResult
    from wuxing.storage.store import Revision

HEADLINE = list(catalog.HEADLINE_INDICATORS)
_SEVERITY = {"error": "错误", "warning": "提醒"}
_STATUS = {"live": "生效中", "rolled_back": "已撤销"}


def problem_table(result: ImportResult, describe: Mapping[str, str]) -> pd.DataFrame:
    """Every problem of an upload, errors first, with Chinese headers and the cell to fix.

    `describe`: what each problem code means in Chinese (`reading.problems.description`'s table).
    """
    rows = sorted(result.problems, key=lambda p: (not p.is_error,))
    return pd.DataFrame(
        {
            "类型": [_SEVERITY[p.severity] for p in rows],
            "文件": [p.file for p in rows],
            "位置": [p.place for p in rows],
            "问题": [describe.get(p.code, p.code) for p in rows],
            "原文": [p.original for p in rows],
            "读取为": [p.stored for p in rows],
            "说明": [p.message for p in rows],
        }
    )


# A sheet lists at most a few hundred problems of one kind and counts the rest in one line.
_MORE = re.compile(r"^另有 (\d+) 处同类问题")


def reminder_kinds(result: ImportResult, describe: Mapping[str, str]) -> pd.DataFrame:
    """The reminders (warnings) grouped by kind, most frequent first: 问题, 处数."""
    counts: Counter[str] = Counter()
    for p in result.warnings:
        more = _MORE.match(p.message)
        counts[p.code] += int(more.group(1)) if more else 1
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return pd.DataFrame(
        {"问题": [describe.get(c, c) for c, _ in ordered], "处数": [n for _, n in ordered]}
    )


def reminders_by_kind(
    result: ImportResult, describe: Mapping[str, str], limit: int = 50
) -> list[tuple[str, int, list[str]]]:
    """Per kind of reminder: its description, how many, and up to `limit` lines `位置：说明`."""
    kinds = reminder_kinds(result, describe)
    lines: dict[str, list[str]] = {}
    for p in result.warnings:
        listed = lines.setdefault(describe.get(p.code, p.code), [])
        if len(listed) < limit:
            where = (
                f"{p.file} {p.place}" if len(result.files) > 1 and p.place != p.file else p.place
            )
            listed.append(f"{where}：{p.message}")
    return [
        (k, int(n), lines.get(k, [])) for k, n in zip(kinds["问题"], kinds["处数"], strict=True)
    ]


def blank_headlines(upload: Dataset, current: Dataset) -> pd.DataFrame:
    """Per village and quarter the upload reports, the headline indicators left blank (neither
    in the upload nor stored before): 村名, 季度, 未填指标. Empty when all are filled."""
    columns = ["村名", "季度", "未填指标"]
    values = upload.values
    if values.empty:
        return pd.DataFrame(columns=columns)
    reported = values[["code", "period"]].drop_duplicates()
    quarters = set(reported["period"].tolist())
    stored = current.values
    stored = stored[stored["period"].isin(quarters) & stored["indicator"].isin(HEADLINE)]
    mine = values[values["indicator"].isin(HEADLINE)]
    have = {
        (c, q, i)
        for frame in (stored, mine)
        for c, q, i in zip(
            frame["code"].tolist(),
            frame["period"].tolist(),
            frame["indicator"].tolist(),
            strict=True,
        )
    }
    names = dict(
        zip(current.villages["code"].tolist(), current.villages["name"].tolist(), strict=True)
    )
    names.update(
        zip(upload.villages["code"].tolist(), upload.villages["name"].tolist(), strict=True)
    )
    rows = []
    for code, quarter in zip(reported["code"].tolist(), reported["period"].tolist(), strict=True):
        missing = [i for i in HEADLINE if (code, quarter, i) not in have]
        if missing:
            labels = "、".join(catalog.INDICATOR_BY_ID[i].label for i in missing)
            rows.append((names.get(code, code), quarter, labels))
    order = {n: k for k, n in enumerate(sort_by_pinyin({r[0] for r in rows}))}
    rows.sort(key=lambda r: (r[1], order[r[0]]))
    return pd.DataFrame(rows, columns=columns)


def upload_verdict(result: ImportResult) -> str:
    """One sentence on the whole upload: how many errors and warnings, and what happens."""
    errors, warnings = len(result.errors), len(result.warnings)
    if errors:
        return f"文件未导入：发现 {errors} 处错误（{warnings} 处提醒），已全部列在下表。数据库没有任何改动，请改正后重新上传。"
    if warnings:
        return f"检查通过，另有 {warnings} 处提醒（不影响保存），请核对后确认。"
    return "检查通过，没有发现问题。"


def change_counts(summary: ChangeSummary) -> pd.DataFrame:
    """Per data kind: new, changed and unchanged rows."""
    return pd.DataFrame(
        {
            "数据类别": summary.counts["label"],
            "新增（行）": summary.counts["new"].astype(int),
            "修改（行）": summary.counts["changed"].astype(int),
            "不变（行）": summary.counts["unchanged"].astype(int),
        }
    )


def change_sentence(summary: ChangeSummary) -> str:
    """What a stored upload changed, in words: `指标 新增 52 行、修改 1 行；评分 新增 65 行`."""
    parts = []
    for label, new, changed in zip(
        summary.counts["label"].tolist(),
        summary.counts["new"].tolist(),
        summary.counts["changed"].tolist(),
        strict=True,
    ):
        done = [f"{what} {int(n):,} 行" for what, n in (("新增", new), ("修改", changed)) if n]
        if done:
            parts.append(f"{label} {'、'.join(done)}")
    return "；".join(parts) or "没有改动"


def newest_quarter(data: Dataset) -> str | None:
    """The latest quarter an upload holds values or scores for (None: it holds no quarter)."""
    found = [q for f in (data.values, data.scores) if not f.empty for q in f["period"].unique()]
    return max(found) if found else None


def changed_cells(summary: ChangeSummary) -> pd.DataFrame:
    """Every changed cell: old → new."""
    cells = summary.cells
    return pd.DataFrame(
        {
            "数据类别": cells["label"],
            "村名": cells["village"],
            "期间": cells["period"],
            "项目": cells["item"],
            "原值": cells["old"].astype(str),
            "新值": cells["new"].astype(str),
        }
    )


# One way of writing times for people (history, conflicts, the CLI): see wuxing/formatting.py.
local_time = formatting.local_time


def summary_text(revision: Revision) -> str:
    """What a revision changed: a correction typed in the browser in its words; else what it
    changed (`修改 1 项，不变 376 项：甲村 2023Q4 …`); for a revision stored before changes were
    recorded, what it set (`指标 152 行，评分 65 行`); else its note."""
    summary: dict[str, Any] = revision.summary  # parsed JSON: the shape the store wrote
    if correction := summary.get("correction"):
        return str(correction)
    if "changes" in summary:
        return _changes_text(summary)
    counts = summary.get("counts", {})
    labels = {
        "villages": "村庄",
        "values": "指标",
        "scores": "评分",
        "awards": "评定",
        "targets": "目标",
        "pairs": "结对",
    }
    parts = [f"{labels.get(k, k)} {n} 行" for k, n in counts.items() if n]
    note = summary.get("note")
    return "，".join(parts) or str(note or "—")


def _changes_text(summary: dict) -> str:
    per_kind = summary["changes"].values()
    totals = {what: sum(int(k[what]) for k in per_kind) for what in ("new", "changed", "unchanged")}
    words = {"changed": "修改", "new": "新增", "unchanged": "不变"}
    text = "，".join(f"{words[w]} {totals[w]} 项" for w in words if totals[w]) or "没有改动"
    cells = summary.get("changed_cells") or []
    shown = "；".join(
        f"{c['village']} {c['period']} {c['item']}：{c['old'] or '空'} → {c['new'] or '空'}"
        for c in cells
    )
    return f"{text}（{shown}）" if shown else text


def history_table(revisions: Sequence[Revision]) -> pd.DataFrame:
    """The revisions, newest first: who, when, which file, what it set, whether it counts."""
    return pd.DataFrame(
        {
            "版本": [r.id for r in revisions],
            "时间": [local_time(r.created_at) for r in revisions],
            "上传人": [r.user for r in revisions],
            "文件": [r.filename for r in revisions],
            "内容": [summary_text(r) for r in revisions],
            "状态": [_STATUS.get(r.status, r.status) for r in revisions],
        }
    )


def revision_label(revision: Revision) -> str:
    """How a revision is named in a picker."""
    return f"第 {revision.id} 版 · {local_time(revision.created_at)} · {revision.user} · {revision.filename}（{_STATUS.get(revision.status, revision.status)}）"


def villages_outside_scope(data: Dataset, current: Dataset, area: str) -> list[str]:
    """The villages an upload's rows name that lie outside `area` (an editor's scope), as
    `乡镇/村名`, its own village rows first telling where a village lies."""
    villages = pd.concat([data.villages, current.villages], ignore_index=True)
    return scopes.villages_outside(
        area, scopes.codes_of(data.frames()), villages.drop_duplicates("code")
    )
