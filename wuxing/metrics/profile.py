"""村庄档案: everything about one village — its stars, indicators with trends, rank among its
peers, its mentor pair, and the uploads that touched it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from wuxing import catalog, formatting, periods
from wuxing.dataset import Dataset, plain_strings
from wuxing.memo import remembered
from wuxing.metrics import ranking
from wuxing.metrics.aggregation import comparison_period
from wuxing.metrics.villages import area_parts, names

if TYPE_CHECKING:
    from wuxing.storage.store import Revision

MENTOR, MENTEE = "导师村", "帮带村"
_KIND_LABELS = {
    "villages": "村庄",
    "values": "指标",
    "scores": "星级评分",
    "awards": "星级评定",
    "targets": "创星目标",
    "pairs": "结对帮带",
}


def _village_rows(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    """The rows of one village, as plain strings: picked out first, because converting a
    province's 10 M values to strings took 20 s and a gigabyte for the sake of a few hundred."""
    return plain_strings(frame[frame["code"] == code])


@dataclass(frozen=True)
class Facts:
    """The village's name and where it sits, with its size."""

    code: str
    name: str
    town: str
    county: str
    city: str
    households: float | None
    population: float | None
    cluster: str

    @property
    def place(self) -> str:
        """Where it sits, `清丰县 › 马庄桥镇` (levels left blank are skipped)."""
        return " › ".join(p for p in (self.county, self.town) if p)


@remembered
def facts(ds: Dataset, code: str) -> Facts:
    """Name, place, households and population of one village."""
    row = ds.villages.set_index("code").loc[code]

    def number(value: float | None) -> float | None:
        return None if value is None or formatting.is_missing(value) else float(value)

    return Facts(
        code,
        str(names(ds)[code]),
        row["town"],
        row["county"],
        row["city"],
        number(row["households"]),
        number(row["population"]),
        row["cluster"],
    )


@remembered
def stars(ds: Dataset, code: str, period: str, pass_mark: float) -> pd.DataFrame:
    """Per star (fixed order): this quarter's score and the area's mean, the previous quarter's
    score, whether it passes, whether it was awarded in the latest year up to `period`, and
    whether it is in this year's target.

    Columns: star, label, score, previous, area_mean, passing, held, award_year, targeted.
    """
    year = periods.year_of(period)
    scores = _village_rows(ds.scores, code).dropna(subset=["score"])
    mine = scores[scores["period"] == period].set_index("star")["score"]
    before = scores[scores["period"] == periods.previous(period)].set_index("star")["score"]
    means = star_means(ds, period)
    awards = ds.awards[(ds.awards["code"] == code) & (ds.awards["year"] <= year)]
    award_year = int(awards["year"].max()) if not awards.empty else None
    held = set(awards[(awards["year"] == award_year) & awards["awarded"]]["star"])
    target = ds.targets[(ds.targets["code"] == code) & (ds.targets["year"] == year)]
    aimed = {s for s in target["stars"].iloc[0].split(",") if s} if not target.empty else set()
    rows = []
    for s in catalog.STARS:
        score = mine.get(s.id, float("nan"))
        rows.append(
            {
                "star": s.id,
                "label": s.label,
                "score": score,
                "previous": before.get(s.id, float("nan")),
                "area_mean": means.get(s.id, float("nan")),
                "passing": bool(score >= pass_mark),
                "held": s.id in held,
                "award_year": award_year,
                "targeted": s.id in aimed,
            }
        )
    return pd.DataFrame(rows)


@remembered
def star_means(ds: Dataset, period: str) -> pd.Series:
    """Per star, the mean score in `period` of the villages in view that were scored (star →
    score); once per area and quarter, whichever village is shown."""
    scores = ranking.quarter_scores(ds, period)  # the same pass as the peer ranks
    return scores.groupby("star")["score"].mean()


def mean_name(ds: Dataset, area: str) -> str:
    """What the area whose mean a village is compared with is called (`马庄桥镇平均`): the
    chosen area, else the one place all villages in view share (a township's store: the town)."""
    parts = area_parts(area)
    if parts:
        return f"{parts[-1]}平均"
    for level in ("town", "county", "city"):
        places = ds.villages[level].dropna().unique()
        if len(places) == 1 and places[0]:
            return f"{places[0]}平均"
    return "全部地区平均"


@remembered
def target(ds: Dataset, code: str, year: int) -> int | None:
    """The village's target level for `year`, None if it has none."""
    rows = ds.targets[(ds.targets["code"] == code) & (ds.targets["year"] == year)]
    return int(rows["level"].iloc[0]) if not rows.empty else None


def star_table(
    card: pd.DataFrame, period: str, pass_mark: float, mean: str = "全部地区平均"
) -> pd.DataFrame:
    """`stars` as a Chinese table (`mean`: what the area mean is called, see `mean_name`)."""
    year = card["award_year"].dropna()
    held = f"{int(year.iloc[0])}年度获评" if not year.empty else "年度获评"
    return pd.DataFrame(
        {
            "星": card["label"],
            f"{periods.short_label(period)}得分（分）": card["score"].round(1),
            "上季得分（分）": card["previous"].round(1),
            f"{mean}（分）": card["area_mean"].round(1),
            f"达标（≥{pass_mark:g}）": card["passing"].map({True: "达标", False: "未达标"}),
            held: card["held"].map({True: "★ 已获评", False: "—"}),
            "今年目标": card["targeted"].map({True: "目标星", False: "—"}),
        }
    )


@remembered
def indicator_trends(ds: Dataset, code: str, period: str) -> pd.DataFrame:
    """Every indicator the village has reported, in catalog order: its value in `period`, the
    comparison value (环比, or 同比 for ytd figures in Q1), and its quarterly series through
    `period` (None where a quarter is missing, so a gap is a gap).

    Columns: indicator, star, label, unit, value, previous, comparison, change, trend.
    """
    mine = _village_rows(ds.values, code)
    mine = mine[mine["period"] <= period].dropna(subset=["value"])
    columns = [
        "indicator",
        "star",
        "label",
        "unit",
        "value",
        "previous",
        "comparison",
        "change",
        "trend",
    ]
    if mine.empty:
        return pd.DataFrame(columns=columns)
    quarters = periods.quarter_range(mine["period"].min(), period)
    rows = []
    for meta in catalog.INDICATORS:
        series = mine[mine["indicator"] == meta.id].set_index("period")["value"]
        if series.empty:
            continue
        before, word = comparison_period(meta.id, period)
        value, previous = series.get(period, float("nan")), series.get(before, float("nan"))
        trend = [None if pd.isna(v) else float(v) for v in series.reindex(quarters)]
        rows.append(
            {
                "indicator": meta.id,
                "star": meta.star,
                "label": meta.label,
                "unit": meta.unit,
                "value": value,
                "previous": previous,
                "comparison": word,
                "change": value - previous,
                "trend": trend,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def trend_table(trends: pd.DataFrame, with_trend: bool = True) -> pd.DataFrame:
    """`indicator_trends` as a Chinese table with units in the cells (rows mix units);
    `with_trend=False` leaves out the sparkline column (for Excel)."""
    table = pd.DataFrame(
        {
            "星": trends["star"].map(lambda s: catalog.STAR_BY_ID[s].short),
            "指标": trends["label"],
            "本期": [
                formatting.quantity(v, u)
                for v, u in zip(trends["value"], trends["unit"], strict=True)
            ],
            "对比": trends["comparison"],
            "变化": [
                formatting.change(v, u)
                for v, u in zip(trends["change"], trends["unit"], strict=True)
            ],
        }
    )
    if with_trend:
        table["趋势"] = trends["trend"]
    return table


@remembered
def peer_ranks(ds: Dataset, code: str, period: str) -> pd.DataFrame:
    """The village's rank among the villages in view: by total score and by each star.

    Columns: by, label, rank (<NA> when it has no score), tied, of (villages ranked), value.
    """
    rows = []
    for by in (ranking.TOTAL, *catalog.STAR_IDS):
        # The area's values are remembered per quarter; one village's place is one comparison
        # over them (ranking all 46,000 villages of a province, names and all, took seconds).
        scored = ranking.values(ds, by, period)
        rank, tied, of = ranking.rank_of(scored, code, by)
        rows.append(
            {
                "by": by,
                "label": ranking.label(by),
                "rank": rank,
                "tied": tied,
                "of": of,
                "value": scored.get(code, float("nan")),
            }
        )
    frame = pd.DataFrame(rows)
    frame["rank"] = frame["rank"].astype("Int64")
    return frame


def rank_text(rank: float | None, tied: bool) -> str:
    """`第2名`, `并列第1名`, `第12,345名`, or 无评分 (short enough for a metric tile)."""
    if rank is None or formatting.is_missing(rank):
        return "无评分"
    return f"{'并列' if tied else ''}第{int(rank):,}名"


@remembered
def pairs(ds: Dataset, code: str) -> pd.DataFrame:
    """The village's mentor pairs (导师帮带), as mentor or mentee, with the partner's name.

    Columns: role (this village's part), partner, partner_name, since, until, note.
    """
    label_of = names(ds)
    rows = []
    for p in ds.pairs.itertuples(index=False):
        if code not in (p.mentor, p.mentee):
            continue
        partner = p.mentee if p.mentor == code else p.mentor
        rows.append(
            {
                "role": MENTOR if p.mentor == code else MENTEE,
                "partner": partner,
                "partner_name": label_of.get(partner, partner),
                "since": p.since,
                "until": p.until,
                "note": p.note,
            }
        )
    return pd.DataFrame(rows, columns=["role", "partner", "partner_name", "since", "until", "note"])


def uploads_touching(
    revisions: Sequence[Revision], touched: pd.DataFrame, code: str
) -> pd.DataFrame:
    """The uploads that set rows of one village, newest first, with what they set.

    Columns: revision, created_at, user, filename, status, what (e.g. `指标 12 行；星级评分 5 行`).
    """
    columns = ["revision", "created_at", "user", "filename", "status", "what"]
    mine = touched[touched["code"] == code]
    if mine.empty:
        return pd.DataFrame(columns=columns)
    # A village has a few rows here (revisions × kinds): plain Python, not a groupby per rerun.
    order = {k: i for i, k in enumerate(_KIND_LABELS)}
    parts: dict[int, list[tuple[int, str]]] = {}
    for rev, kind, n in zip(
        mine["revision"].tolist(), mine["kind"].tolist(), mine["rows"].tolist(), strict=True
    ):
        parts.setdefault(rev, []).append(
            (order.get(kind, len(order)), f"{_KIND_LABELS.get(kind, kind)} {int(n):,} 行")
        )
    what = {rev: "；".join(text for _, text in sorted(kinds)) for rev, kinds in parts.items()}
    found = [r for r in revisions if r.id in what]
    found.sort(key=lambda r: r.id, reverse=True)
    return pd.DataFrame(
        [
            {
                "revision": r.id,
                "created_at": r.created_at,
                "user": r.user,
                "filename": r.filename,
                "status": "有效" if r.is_live else "已撤销",
                "what": what[r.id],
            }
            for r in found
        ],
        columns=columns,
    )


def uploads_table(uploads: pd.DataFrame) -> pd.DataFrame:
    """`uploads_touching` as a Chinese table."""
    return pd.DataFrame(
        {
            "版本": uploads["revision"],
            "时间": [formatting.local_time(t) for t in uploads["created_at"]],
            "上传人": uploads["user"],
            "文件": uploads["filename"],
            "状态": uploads["status"],
            "涉及本村": uploads["what"],
        }
    )


@remembered
def score_history(ds: Dataset, code: str, last: str) -> pd.DataFrame:
    """The village's scores per star and quarter through `last`: rows (period, star, score)."""
    scores = _village_rows(ds.scores, code)
    scores = scores[scores["period"] <= last]
    scores = scores.dropna(subset=["score"]).sort_values(["period", "star"])
    return scores[["period", "star", "score"]].reset_index(drop=True)


def score_history_table(history: pd.DataFrame) -> pd.DataFrame:
    """`score_history` as a Chinese wide table: one row per quarter, one column per star."""
    if history.empty:
        return pd.DataFrame(columns=["季度"])
    wide = history.pivot_table(index="period", columns="star", values="score", aggfunc="last")
    wide = wide.reindex(columns=[s for s in catalog.STAR_IDS if s in wide.columns])
    wide = wide.rename(columns={s.id: f"{s.label}（分）" for s in catalog.STARS})
    wide.index = [periods.short_label(p) for p in wide.index]
    return wide.rename_axis("季度").reset_index().rename_axis(None, axis=1)


@remembered
def code_of(ds: Dataset, name: str) -> str | None:
    """The code of a village by its display name (as charts and tables show it), or None."""
    label_of = names(ds)
    found = label_of.index[label_of == name]
    return str(found[0]) if len(found) else None


def picked_village(
    ds: Dataset, points: Sequence[dict], rows: Sequence[int] = (), table: pd.DataFrame | None = None
) -> str | None:
    """The village a user clicked: a chart point (its code in customdata, or its name on the
    x or y axis), else a picked table row (its 村名 column); None if nothing names one."""
    known = set(ds.villages["code"])
    for point in points:
        custom = point.get("customdata")
        if isinstance(custom, list | tuple) and custom and str(custom[0]) in known:
            return str(custom[0])
        for axis in ("y", "x"):
            code = code_of(ds, str(point.get(axis, "")))
            if code is not None:
                return code
    if table is not None and "村名" in table.columns:
        for row in rows:
            if 0 <= row < len(table):
                return code_of(ds, str(table["村名"].iloc[row]))
    return None
