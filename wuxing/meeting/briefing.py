"""季度通报: the quarter's briefing in the plain style of a township notice, written from the
numbers (every sentence is built from metrics, so it cannot go stale when the data changes)."""

from __future__ import annotations

from dataclasses import dataclass

from wuxing import catalog, formatting, periods
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics import headline, meeting, pairs, ranking, stars, targets, villages

_NUMERALS = "一二三四五六七八九十"
#: How many risers and fallers the briefing names.
MOVERS = 3


@dataclass(frozen=True)
class Section:
    """One numbered part of the briefing: its heading and its sentences."""

    heading: str
    sentences: tuple[str, ...]


#: A list longer than this names its first entries and says how many there are in all.
LIST_LIMIT = 12


def _join(items: list[str]) -> str:
    if len(items) > LIST_LIMIT:
        return "、".join(items[:LIST_LIMIT]) + f"等 {len(items)} 项"
    return "、".join(items)


def _stars(ids: list[str]) -> str:
    return "、".join(catalog.STAR_BY_ID[s].label for s in ids)


def title(area: str, period: str) -> str:
    """`马庄桥镇2023年第一季度“五星”支部创建工作通报`."""
    return f"{villages.area_label(area)}{periods.label(period)}“五星”支部创建工作通报"


@remembered
def sections(ds: Dataset, area: str, period: str, pass_mark: float) -> list[Section]:
    """The briefing's parts for `area` in `period`; empty when the area has no villages."""
    view = villages.scope(ds, area)
    if view.villages.empty:
        return []
    parts = [_awards(view, area, period), _passing(view, period, pass_mark),
             _ranking(view, period), _pairs(view, period), _targets(view, period, pass_mark),
             _headlines(view, period)]  # fmt: skip
    return [p for p in parts if p is not None]


def _awards(view: Dataset, area: str, period: str) -> Section:
    count = len(view.villages)
    year = stars.latest_award_year(view, period)
    place = villages.area_label(area)
    if year is None:
        return Section("总体情况", (f"{place}共 {count} 个村，尚无年度星级评定结果。",))
    dist = stars.level_distribution(view, year)
    levels = [f"{label}村 {n} 个" for label, n in zip(dist["label"][::-1], dist["villages"][::-1],
                                                       strict=True) if n]  # fmt: skip
    said = [f"{place}共 {count} 个村。{year}年度评星定级结果：{_join(levels)}。"]
    if year - 1 not in stars.award_years(view):
        said.append(f"{year}年度为首次评定，暂无与上年的比较。")
        return Section("总体情况", tuple(said))
    changes = meeting.award_year_changes(view, year)
    gained = [(r.village, r.gained) for r in changes.itertuples(index=False) if r.gained]
    lost = [(r.village, r.lost) for r in changes.itertuples(index=False) if r.lost]
    n_gained, n_lost = sum(len(s) for _, s in gained), sum(len(s) for _, s in lost)
    if not gained and not lost:
        said.append(f"与{year - 1}年度相比，各村星级没有变化。")
    else:
        said.append(f"与{year - 1}年度相比，新获评 {n_gained} 颗星，被摘星 {n_lost} 颗。")
    if gained:
        said.append("新获评：" + _join([f"{v}（{_stars(s)}）" for v, s in gained]) + "。")
    if lost:
        said.append("被摘星：" + _join([f"{v}（{_stars(s)}）" for v, s in lost]) + "。")
    return Section("总体情况", tuple(said))


def _passing(view: Dataset, period: str, pass_mark: float) -> Section:
    before = periods.previous(period)
    now = meeting.passing_total(view, period, pass_mark)
    then = meeting.passing_total(view, before, pass_mark)
    head = f"本季度达标情况（达标线 {pass_mark:g} 分）"
    said = [f"本季度各村五颗星合计达标 {now} 颗次，{periods.label(before)}为 {then} 颗次，"
            + ("持平。" if now == then else f"{'增加' if now > then else '减少'} {abs(now - then)} 颗次。")]  # fmt: skip
    changes = meeting.pass_changes(view, period, pass_mark)
    for kind in (meeting.NEWLY_PASSING, meeting.FELL_BELOW):
        rows = changes[changes["change"] == kind]
        if rows.empty:
            said.append(f"本季度没有{kind}的星。")
            continue
        items = [f"{r.village}{r.label}（{r.previous:.1f} → {r.score:.1f} 分）"
                 for r in rows.itertuples(index=False)]  # fmt: skip
        said.append(f"{kind} {len(rows)} 颗：{_join(items)}。")
    return Section(head, tuple(said))


def _ranking(view: Dataset, period: str) -> Section | None:
    ranked = ranking.ranking(view, ranking.TOTAL, period)
    if ranked["rank"].isna().all():
        return None
    first = ranked[ranked["rank"] == 1]
    unit = "分"
    said = [f"五星总分第一名：{_join(list(first['village']))}，"
            f"{formatting.quantity(first['value'].iloc[0], unit)}。"]  # fmt: skip
    before, word = ranking.comparison(ranking.TOTAL, period)
    up, down = ranking.movers(ranked, ranking.TOTAL, n=MOVERS)

    def moved(r) -> str:
        places = 0 if formatting.is_missing(r.rank_change) else int(r.rank_change)
        where = {True: f"名次上升 {places} 位", False: f"名次下降 {-places} 位"}.get(
            places > 0 if places else None, "名次不变"
        )
        return f"{r.village}（{formatting.change(r.change, unit)}，{where}）"

    if up.empty and down.empty:
        said.append(f"与{periods.label(before)}相比，没有可比的总分变化。")
    if not up.empty:
        said.append(f"与{periods.label(before)}相比（{word}），进步最快：{_join([moved(r) for r in up.itertuples(index=False)])}。")  # fmt: skip
    if not down.empty:
        said.append(f"退步最多：{_join([moved(r) for r in down.itertuples(index=False)])}。")
    return Section("比学赶超", tuple(said))


def _pairs(view: Dataset, period: str) -> Section | None:
    options = pairs.pair_options(view)
    if options.empty:
        return None
    overview = pairs.pairs_overview(view, villages.ALL_AREAS, period)
    said = [f"共有导师帮带结对 {len(overview)} 对。"]
    for trend in (pairs.CLOSING, pairs.WIDENING, pairs.STABLE):
        rows = overview[overview["trend"] == trend]
        if rows.empty:
            said.append(f"差距{trend}的结对：无。")
            continue
        items = [f"{r.mentor_name}帮带{r.mentee_name}（平均差距 {formatting.quantity(r.gap, '分')}，"
                 f"较上季度 {formatting.change(r.change_quarter, '分')}）"
                 for r in rows.itertuples(index=False)]  # fmt: skip
        said.append(f"差距{trend}的结对 {len(rows)} 对：{_join(items)}。")
    missing = overview[~overview["trend"].isin([pairs.CLOSING, pairs.WIDENING, pairs.STABLE])]
    if not missing.empty:
        said.append(f"另有 {len(missing)} 对缺少上季度评分，暂不判断趋势。")
    return Section("结对帮带", tuple(said))


def _targets(view: Dataset, period: str, pass_mark: float) -> Section | None:
    status = targets.target_status(view, period, pass_mark)
    year = periods.year_of(period)
    if status.empty:
        return None
    counts = targets.on_track_counts(status)
    on, off_count = counts[targets.STATUS_ON_TRACK], counts[targets.STATUS_OFF_TRACK]
    said = [
        f"{year}年共 {len(status)} 个村定有创星目标，{on} 个村按目标推进，{off_count} 个村未达目标进度。"
    ]
    off = meeting.off_track(status)
    if not off.empty:
        items = []
        for r in off.itertuples(index=False):
            lacking = f"尚缺{_stars(r.missing)}，" if r.missing else ""
            items.append(f"{r.village}（目标{catalog.LEVEL_LABELS[r.target_level]}，{lacking}"
                         f"合计差 {formatting.quantity(r.points_short, '分')}）")  # fmt: skip
        said.append("未达目标进度：" + _join(items) + "。")
    return Section("创星目标", tuple(said))


def _headlines(view: Dataset, period: str) -> Section:
    said = []
    for f in headline.headlines(view, period):
        if f.value is None:
            said.append(f"{f.label}本季度未报。")
            continue
        text = f"{f.label} {formatting.quantity(f.value, f.unit)}"
        if f.change is None:
            text += f"，{periods.label(f.previous_period)}无可比数据"
        elif f.change == 0:
            text += f"，{f.comparison}持平"
        else:
            grew = "增加" if f.change > 0 else "减少"
            text += f"，{f.comparison}{grew} {formatting.quantity(abs(f.change), f.unit)}"
            if f.change_pct is not None:
                text += f"（{formatting.percent_change(f.change_pct)}）"
        if f.reporting < f.villages:
            text += f"（{f.reporting}/{f.villages} 个村已报）"
        said.append(text + "。")
    return Section("主要指标", tuple(said))


@remembered
def text(ds: Dataset, area: str, period: str, pass_mark: float) -> str:
    """The whole briefing as plain text: title, then 一、二、… sections (ready to paste)."""
    parts = sections(ds, area, period, pass_mark)
    lines = [title(area, period), ""]
    for number, part in zip(_NUMERALS, parts, strict=False):
        lines.append(f"{number}、{part.heading}")
        lines.extend(part.sentences)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
