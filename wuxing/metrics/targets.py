"""创星目标: each village's target for the year against where its scores stand now."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wuxing import catalog
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics.stars import id_lists, score_grid
from wuxing.metrics.villages import with_names

STATUS_ON_TRACK = "按目标推进"
STATUS_OFF_TRACK = "未达目标进度"

_COLUMNS = [
    "code",
    "village",
    "target_level",
    "target_stars",
    "passing",
    "missing",
    "points_short",
    "on_track",
    "status",
]


@remembered
def has_targets(ds: Dataset, period: str) -> bool:
    """True when a village has a target for `period`'s year (`target_status` is then not empty)."""
    return bool((ds.targets["year"] == int(period[:4])).any())


@remembered
def target_status(ds: Dataset, period: str, pass_mark: float) -> pd.DataFrame:
    """Per village with a target in `period`'s year: which target stars are not yet at the pass
    mark in `period`, by how many points in total, and whether it is on track.

    A target given as a level only (no stars named) is on track when as many stars pass.
    """
    year = int(period[:4])
    targets = ds.targets[ds.targets["year"] == year]
    if targets.empty:
        return pd.DataFrame(columns=_COLUMNS)
    grid = score_grid(ds, period).reindex(targets["code"].astype(str)).to_numpy(dtype=float)
    # Village × star arrays, whole columns at a time: a Python loop over a province's 46,000
    # targets took seconds on a page's first view.
    stars_text = targets["stars"].astype(str).tolist()
    spelled = {text: [s in text.split(",") for s in catalog.STAR_IDS] for text in set(stars_text)}
    aimed = np.array([spelled[text] for text in stars_text], dtype=bool).reshape(
        -1, len(catalog.STAR_IDS)
    )
    named = aimed.any(axis=1)
    passing = grid >= pass_mark  # NaN (not scored) never passes
    missing = aimed & ~passing
    on_track = np.where(
        named, ~missing.any(axis=1), passing.sum(axis=1) >= targets["level"].to_numpy()
    )
    short = np.where(missing, np.maximum(0.0, pass_mark - np.nan_to_num(grid, nan=0.0)), 0.0)
    frame = pd.DataFrame(
        {
            "code": targets["code"].astype(str).to_numpy(),
            "target_level": targets["level"].astype(int).to_numpy(),
            "target_stars": id_lists(aimed, catalog.STAR_IDS),
            "passing": id_lists(passing, catalog.STAR_IDS),
            "missing": id_lists(missing, catalog.STAR_IDS),
            "points_short": short.sum(axis=1).round(1),
            "on_track": on_track,
            "status": np.where(on_track, STATUS_ON_TRACK, STATUS_OFF_TRACK),
        }
    )
    frame = with_names(frame, ds)
    return frame[_COLUMNS].reset_index(drop=True)


def target_table(status: pd.DataFrame) -> pd.DataFrame:
    """The status as a Chinese table: star ids become labels, lists become 、-joined text."""

    def labels(ids: list[str]) -> str:
        return "、".join(catalog.STAR_BY_ID[s].short for s in ids) or "—"

    return pd.DataFrame(
        {
            "村名": status["village"],
            "目标星级": [catalog.LEVEL_LABELS[n] for n in status["target_level"]],
            "当前达标星": status["passing"].map(labels),
            "尚缺星": status["missing"].map(labels),
            "差距（分）": status["points_short"],
            "状态": status["status"],
        }
    )


def shortfall(status: pd.DataFrame) -> list[str]:
    """Per row of `target_status`, what the village still lacks, in words:
    `缺生态宜居星，差 9.0 分`, `缺产业兴旺星、生态宜居星，共差 12.3 分`, `还需 1 颗星达标` (a level-only target), or the
    status when on track."""
    out = []
    for missing, short, level, passing, ok, status_text in zip(
        status["missing"],
        status["points_short"],
        status["target_level"],
        status["passing"],
        status["on_track"],
        status["status"],
        strict=True,
    ):
        if ok:
            out.append(status_text)
        elif missing:
            names = "、".join(catalog.STAR_BY_ID[s].label for s in missing)
            total = "共差" if len(missing) > 1 else "差"
            out.append(f"缺{names}，{total} {float(short):.1f} 分")
        else:
            out.append(f"还需 {int(level) - len(passing)} 颗星达标")
    return out


def on_track_counts(status: pd.DataFrame) -> dict[str, int]:
    """How many villages are on and off track."""
    on = int(status["on_track"].sum()) if not status.empty else 0
    return {STATUS_ON_TRACK: on, STATUS_OFF_TRACK: len(status) - on}


@remembered
def villages_targeting(ds: Dataset, year: int, level: int) -> list[str]:
    """Names of the villages whose target for `year` is `level` stars, in pinyin order."""
    targets = ds.targets[(ds.targets["year"] == year) & (ds.targets["level"] == level)]
    return list(with_names(targets[["code"]], ds)["village"])
