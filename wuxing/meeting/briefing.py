"""季度通报: the quarter's briefing in the form a township office sends (标题, sections 总体情况,
各星进展, 先进与后进, 结对帮带, 存在问题, 下一步工作, then 发文单位 and 日期), written from the
numbers: every sentence is built from metrics, so it cannot go stale when the data changes.

Statements with nothing to say (被摘星 0 颗) are left out; data that is missing is said to be
missing (2024年创星目标尚未报送) rather than a section quietly dropped. Numbers are written as a
notice writes them: 1712户, 306.7万元, 由84.0分升至86.4分.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from wuxing import catalog, formatting, periods
from wuxing.dataset import Dataset
from wuxing.meeting import excel
from wuxing.meeting.letterhead import Letterhead, title
from wuxing.memo import remembered
from wuxing.metrics import headline, meeting, pairs, ranking, reporting, stars, targets, villages
from wuxing.metrics.aggregation import Compared

_NUMERALS = "一二三四五六七八九十"
#: How many risers, fallers and leaders the briefing names.
MOVERS = 3
#: A list longer than this names its first entries and says how many there are in all.
LIST_LIMIT = 12
HEADINGS = ("总体情况", "各星进展", "先进与后进", "结对帮带", "存在问题", "下一步工作")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Section:
    """One numbered part of the briefing: its heading and its sentences."""

    heading: str
    sentences: tuple[str, ...]


def _join(items: list[str]) -> str:
    if len(items) > LIST_LIMIT:
        return "、".join(items[:LIST_LIMIT]) + f"等{len(items)}个"
    return "、".join(items)


def _stars(ids: list[str]) -> str:
    return "、".join(catalog.STAR_BY_ID[s].label for s in ids)


def _points(value: float) -> str:
    return formatting.prose(value, "分")


def _moved(change: float, unit: str, up: str = "增加", down: str = "减少") -> str:
    """`增加30.1万元`, `减少9次`, or `持平` when it rounds to zero."""
    if formatting.is_zero(change, unit):
        return "持平"
    return f"{up if change > 0 else down}{formatting.prose(abs(change), unit)}"


@remembered
def sections(ds: Dataset, area: str, period: str, pass_mark: float) -> list[Section]:
    """The briefing's six parts for `area` in `period`; empty when the area has no villages."""
    view = villages.scope(ds, area)
    if view.villages.empty:
        return []
    place = villages.area_label(area)
    problems, steps = _problems(view, period, pass_mark)
    said = (
        _overall(view, place, period, pass_mark),
        _stars_progress(view, period, pass_mark),
        _leaders(view, period),
        _pairs(view, period),
        problems,
        steps,
    )
    return [Section(h, s) for h, s in zip(HEADINGS, said, strict=True)]


def _overall(view: Dataset, place: str, period: str, pass_mark: float) -> tuple[str, ...]:
    said = [*_partial(view, place, period), _awards(view, place, period)]
    said += _award_changes(view, period)
    status = targets.target_status(view, period, pass_mark)
    if not status.empty:
        counts = targets.on_track_counts(status)
        on, off = counts[targets.STATUS_ON_TRACK], counts[targets.STATUS_OFF_TRACK]
        sentence = (
            f"{periods.year_of(period)}年共{len(status)}个村定有创星目标，其中{on}个村按目标推进"
        )
        said.append(sentence + (f"，{off}个村未达目标进度。" if off else "。"))
    figures = [_figure(f) for f in headline.headlines(view, period)]
    if figures:
        said.append("主要指标：" + "；".join(figures) + "。")
    return tuple(said)


def _partial(view: Dataset, place: str, period: str) -> list[str]:
    """A quarter not every village has reported: said first, since its totals, counts of stars
    passing, rankings and changes on last quarter are those of the villages that reported."""
    reported, count = reporting.reported_in(view, period), len(view.villages)
    if reported >= count:
        return []
    return [
        f"请注意：截至本通报，{place}{count}个村中只有{reported}个村上报了{periods.label(period)}"
        "的数据，下文的合计、达标、排名及与上季度的比较只反映已上报的村，待各村上报后再作全面通报。"
    ]


def _awards(view: Dataset, place: str, period: str) -> str:
    count = len(view.villages)
    year = stars.latest_award_year(view, period)
    if year is None:
        return f"{place}共有{count}个村，尚无年度星级评定结果。"
    dist = stars.level_distribution(view, year)
    levels = [
        f"{label}村{n}个"
        for label, n in zip(dist["label"][::-1], dist["villages"][::-1], strict=True)
        if n
    ]
    return f"{place}共有{count}个村。按{year}年度评星定级结果，现有{_join(levels)}。"


def _award_changes(view: Dataset, period: str) -> list[str]:
    year = stars.latest_award_year(view, period)
    if year is None:
        return []
    if year - 1 not in stars.award_years(view):
        return [f"{year}年度为首次评星定级，暂无与上年度的比较。"]
    changes = meeting.award_year_changes(view, year)
    gained = [(r.village, r.gained) for r in changes.itertuples(index=False) if r.gained]
    lost = [(r.village, r.lost) for r in changes.itertuples(index=False) if r.lost]
    if not gained and not lost:
        return [f"与{year - 1}年度相比，各村星级没有变化。"]
    counted = []
    if gained:
        counted.append(f"新获评{sum(len(s) for _, s in gained)}颗星")
    if lost:
        counted.append(f"被摘{sum(len(s) for _, s in lost)}颗星")
    said = [f"与{year - 1}年度相比，" + "，".join(counted) + "。"]
    if gained:
        said.append("新获评星的村：" + _join([f"{v}（{_stars(s)}）" for v, s in gained]) + "。")
    if lost:
        said.append("被摘星的村：" + _join([f"{v}（{_stars(s)}）" for v, s in lost]) + "。")
    return said


def _figure(f: headline.Headline) -> str:
    """`村集体经济收入年内累计306.7万元，同比增加30.1万元，增长10.9%，其中本季度新增85.8万元`."""
    meta = catalog.indicator(f.indicator)
    if f.value is None:
        return f"{f.label}本季度各村均未报"
    running = "年内累计" if meta.kind == "ytd" else ""
    text = f"{f.label}{running}{formatting.prose(f.value, f.unit)}"
    if f.reporting < f.villages:
        text += f"（{f.villages}个村中{f.reporting}个村已报）"
    return (
        text
        + _comparison(f, f.comparison, periods.label(f.previous_period), f.unit)
        + (f"，其中本季度新增{formatting.prose(f.added, f.unit)}" if f.added is not None else "")
    )


def _comparison(f: Compared, word: str, before: str, unit: str) -> str:
    """`，同比增加30.1万元，增长10.9%`; over the villages that reported both when not all did."""
    if f.previous_reporting == 0:
        return f"，{before}无可比数据"
    if f.change is None:
        return f"，两期都填报的村为0，无法与{before}比较"
    basis = "" if f.like_for_like else f"，按两季度都填报的{f.matched}个村计"
    moved = _moved(f.change, unit)
    if moved == "持平":
        return f"{basis}，{word}持平"
    text = f"{basis}，{word}{moved}"
    if f.change_pct is not None and not formatting.is_zero(f.change_pct, "%"):
        grew = "增长" if f.change_pct > 0 else "下降"
        text += f"，{grew}{formatting.prose(abs(f.change_pct), '%')}"
    return text


def _stars_progress(view: Dataset, period: str, pass_mark: float) -> tuple[str, ...]:
    grid = stars.score_grid(view, period)
    if grid.isna().all().all():
        return (f"{periods.label(period)}各村星级评分尚未报送。",)
    before = periods.previous(period)
    now = meeting.passing_total(view, period, pass_mark)
    then = meeting.passing_total(view, before, pass_mark)
    said = f"按达标线{pass_mark:g}分计，本季度各村五颗星合计达标{now}颗次"
    if not stars.score_grid(view, before).isna().all().all():
        said += "，与上季度持平" if now == then else f"，比上季度{_moved(now - then, '颗次')}"
    per_star = [f"{s.label}{int(grid[s.id].ge(pass_mark).sum())}个村" for s in catalog.STARS]
    out = [said + "。", "各星达标村数：" + "，".join(per_star) + "。"]
    changes = meeting.pass_changes(view, period, pass_mark)
    rows = changes[changes["change"] == meeting.NEWLY_PASSING]
    if not rows.empty:
        items = [
            f"{r.village}{r.label}（由{_points(r.previous)}升至{_points(r.score)}）"
            for r in rows.itertuples(index=False)
        ]
        out.append(f"新达标{len(rows)}颗：{_join(items)}。")
    return tuple(out)


class _Mover(Protocol):
    """A row of `ranking.movers` as `itertuples` gives it."""

    village: str
    change: float
    rank_change: float  # places gained; pandas NA when a quarter has no rank


def _leaders(view: Dataset, period: str) -> tuple[str, ...]:
    ranked = ranking.ranking(view, ranking.TOTAL, period)
    scored = ranked.dropna(subset=["rank"])
    if scored.empty:
        return ("本季度各村五颗星评分未报齐，暂不排名。",)
    top = scored[scored["rank"] <= MOVERS]
    said = [
        "五星总分居前的村："
        + _join([f"{r.village}（{_points(r.value)}）" for r in top.itertuples(index=False)])
        + "。"
    ]
    before, word = ranking.comparison(ranking.TOTAL, period)
    up, down = ranking.movers(ranked, ranking.TOTAL, n=MOVERS)

    def moved(r: _Mover, verb: str) -> str:
        places = 0 if formatting.is_missing(r.rank_change) else int(r.rank_change)
        where = (
            f"名次上升{places}位"
            if places > 0
            else f"名次下降{-places}位"
            if places < 0
            else "名次不变"
        )
        return f"{r.village}（{verb}{_points(abs(r.change))}，{where}）"

    if not up.empty:
        said.append(
            f"与{periods.label(before)}相比，进步最快的村："
            + _join([moved(r, "提高") for r in up.itertuples(index=False)])
            + "。"
        )
    if not down.empty:
        said.append(
            "退步最多的村："
            + _join([moved(r, "下降") for r in down.itertuples(index=False)])
            + "。"
        )
    if len(scored) > 2 * MOVERS:
        bottom = scored[scored["rank"] > scored["rank"].max() - MOVERS]
        said.append(
            "五星总分靠后的村："
            + _join([f"{r.village}（{_points(r.value)}）" for r in bottom.itertuples(index=False)])
            + "。"
        )
    return tuple(said)


def _gap_change(change: float) -> str:
    if formatting.is_missing(change):
        return ""
    if formatting.is_zero(change, "分"):
        return "，与上季度持平"
    return f"，比上季度{'缩小' if change < 0 else '扩大'}{_points(abs(change))}"


def _pairs(view: Dataset, period: str) -> tuple[str, ...]:
    if pairs.pair_options(view).empty:
        return ("尚未建立导师帮带结对。",)
    overview = pairs.pairs_overview(view, villages.ALL_AREAS, period)
    said = [f"共有导师帮带结对{len(overview)}对。"]
    for trend in (pairs.CLOSING, pairs.STABLE, pairs.WIDENING):
        rows = overview[overview["trend"] == trend]
        if rows.empty:
            continue
        items = [
            f"{r.mentor_name}帮带{r.mentee_name}（五星平均差距{_points(r.gap)}"
            f"{_gap_change(r.change_quarter)}）"
            for r in rows.itertuples(index=False)
        ]
        said.append(f"差距{trend}的{len(rows)}对：{_join(items)}。")
    unknown = overview[~overview["trend"].isin([pairs.CLOSING, pairs.WIDENING, pairs.STABLE])]
    if not unknown.empty:
        said.append(f"另有{len(unknown)}对缺少上季度评分，暂不判断差距变化。")
    return tuple(said)


def _problems(
    view: Dataset, period: str, pass_mark: float
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """存在问题 and the 下一步工作 that answers each of them."""
    problems: list[str] = []
    steps: list[str] = []
    changes = meeting.pass_changes(view, period, pass_mark)
    fell = changes[changes["change"] == meeting.FELL_BELOW]
    if not fell.empty:
        items = [
            f"{r.village}{r.label}（由{_points(r.previous)}降至{_points(r.score)}）"
            for r in fell.itertuples(index=False)
        ]
        problems.append(f"{len(fell)}颗星跌破达标线：{_join(items)}。")
    year = periods.year_of(period)
    status = targets.target_status(view, period, pass_mark)
    off = meeting.off_track(status) if not status.empty else status
    if not off.empty:
        items = []
        for r in off.itertuples(index=False):
            lacking = f"尚缺{_stars(r.missing)}，" if r.missing else ""
            items.append(
                f"{r.village}（目标{catalog.LEVEL_LABELS[r.target_level]}，{lacking}"
                f"合计差{_points(r.points_short)}）"
            )
        problems.append(f"{len(off)}个村未达{year}年创星目标进度：{_join(items)}。")
    behind = sorted(
        set(fell["village"]) | set(off["village"] if not off.empty else []), key=villages.pinyin_key
    )
    if behind:
        steps.append(f"对{_join(behind)}逐村分析原因，明确整改措施和完成时限，镇包村干部跟进督导。")
    widening = pd.DataFrame()
    if not pairs.pair_options(view).empty:
        overview = pairs.pairs_overview(view, villages.ALL_AREAS, period)
        widening = overview[overview["trend"] == pairs.WIDENING]
    if not widening.empty:
        named = [f"{r.mentor_name}帮带{r.mentee_name}" for r in widening.itertuples(index=False)]
        problems.append(f"{len(widening)}对结对差距扩大：{_join(named)}。")
        steps.append(
            f"{_join(list(widening['mentor_name'].unique()))}加强对结对村的帮带，"
            "逐项对照差距较大的星，缩小差距。"
        )
    missing = _missing_data(view, period)
    problems += missing
    late = _late_villages(view, period)
    if late:
        steps.append(f"督促{_join(late)}按时报送季度台账，确保数据完整准确。")
    if not targets.has_targets(view, period):
        steps.append(f"尽快组织各村报送{year}年创星目标。")
    if not problems:
        problems.append(
            "本季度未发现跌破达标线、未达目标进度或结对差距扩大的情况，各项数据已报齐。"
        )
    if periods.quarter_of(period) == 4:  # the year's rating is under way or done
        steps.append(f"各村对照“五星”创建标准查漏补缺，巩固已达标的星，谋划{year + 1}年创星目标。")
    else:
        steps.append("各村对照“五星”创建标准查漏补缺，巩固已达标的星，力争年底评星定级完成目标。")
    return tuple(problems), tuple(steps)


def _missing_data(view: Dataset, period: str) -> list[str]:
    """Data not reported this quarter, named village by village."""
    said = []
    year = periods.year_of(period)
    if not targets.has_targets(view, period):
        said.append(f"{year}年创星目标尚未报送。")
    else:
        lacking = meeting.without_targets(view, year)
        if lacking:
            said.append(f"{len(lacking)}个村未报{year}年创星目标：{_join(lacking)}。")
    unscored = meeting.unscored(view, period)
    if unscored:
        said.append(f"{len(unscored)}个村本季度星级评分未报齐：{_join(unscored)}。")
    for r in meeting.missing_reports(view, period).itertuples(index=False):
        said.append(f"{len(r.villages)}个村未报{r.label}：{_join(list(r.villages))}。")
    return said


def _late_villages(view: Dataset, period: str) -> list[str]:
    late = set(meeting.unscored(view, period))
    for names in meeting.missing_reports(view, period)["villages"]:
        late |= set(names)
    return sorted(late, key=villages.pinyin_key)


@remembered
def text(
    ds: Dataset, area: str, period: str, pass_mark: float, head: Letterhead | None = None
) -> str:
    """The whole briefing as plain text: title, 一、二、… sections, then 发文单位 and 日期 (ready to
    paste); without `head`, the default title and no signature."""
    head = head or Letterhead(title(area, period), "", "")
    lines = [head.title, ""]
    for number, part in zip(_NUMERALS, sections(ds, area, period, pass_mark), strict=False):
        lines.append(f"{number}、{part.heading}")
        lines.extend(part.sentences)
        lines.append("")
    lines += [line for line in (head.issuer, head.date) if line]
    return "\n".join(lines).rstrip() + "\n"


def document(ds: Dataset, area: str, period: str, pass_mark: float, head: Letterhead) -> bytes:
    """The briefing as a Word file (.docx) with the same words as `text`."""
    parts = sections(ds, area, period, pass_mark)
    numbered = [(f"{n}、{p.heading}", p.sentences) for n, p in zip(_NUMERALS, parts, strict=False)]
    return excel.to_docx(head.title, numbered, (head.issuer, head.date))
