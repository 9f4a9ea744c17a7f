"""Tables of the upload and history pages: problem reports, change previews, revisions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from wuxing import formatting, scopes
from wuxing.dataset import Dataset

if TYPE_CHECKING:  # display tables of what reading and storage hand over: types only
    from wuxing.reading.changes import ChangeSummary
    from wuxing.reading.importer import ImportResult
    from wuxing.storage.store import Revision

_SEVERITY = {"error": "错误", "warning": "提醒"}
_STATUS = {"live": "生效中", "rolled_back": "已撤销"}


def problem_table(result: ImportResult) -> pd.DataFrame:
    """Every problem of an upload, errors first, with Chinese headers and the cell to fix."""
    rows = sorted(result.problems, key=lambda p: (not p.is_error,))
    return pd.DataFrame(
        {
            "类型": [_SEVERITY[p.severity] for p in rows],
            "文件": [p.file for p in rows],
            "位置": [p.place for p in rows],
            "问题代码": [p.code for p in rows],
            "说明": [p.message for p in rows],
        }
    )


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
    """What a revision set, in words (`指标 152 行，评分 65 行`), else its note."""
    counts = revision.summary.get("counts", {})
    labels = {"villages": "村庄", "values": "指标", "scores": "评分", "awards": "评定",
              "targets": "目标", "pairs": "结对"}  # fmt: skip
    parts = [f"{labels.get(k, k)} {n} 行" for k, n in counts.items() if n]
    note = revision.summary.get("note")
    return "，".join(parts) or str(note or "—")


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
