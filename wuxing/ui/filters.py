"""The filters every page shares (area, quarter, star), kept in the URL, and page choices too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import streamlit as st

from wuxing import catalog, scopes
from wuxing.charts import style
from wuxing.dataset import Dataset
from wuxing.metrics import areas as area_metrics
from wuxing.metrics import reporting
from wuxing.metrics import villages as village_metrics
from wuxing.ui.loading import ACCOUNT_KEY, area_choices, get_store, through_entry_script
from wuxing.ui.text import plain

ALL_STARS = "all"
#: What a picker shows once its text is cleared to search (Streamlit's own is "Choose an option").
SEARCH_HINT = "输入文字搜索"
#: The quarter the sidebar moves to on the next run (a user asked for it).
NEXT_PERIOD = "_next_period"
#: The newer quarter a save just added (see `sidebar_filters` for when pages follow it).
SAVED_PERIOD = "_saved_period"


@dataclass(frozen=True)
class Filters:
    """The sidebar's choices: area path, quarter, star (or ALL_STARS)."""

    area: str
    period: str | None
    star: str


def _star_label(star: str) -> str:
    return catalog.star_label(None if star == ALL_STARS else star)


#: What a link with an invalid value is told. The value is not echoed: a crafted link's value
#: would be the attacker's text (a picture, a link to a look-alike login) in the app's own words.
INVALID_LINK = "链接中的{}无效，已改为默认值。"
#: A choice of this session no longer offered (a rollback took its quarter away, a sign-in
#: narrowed the areas): the link is not to blame.
GONE_CHOICE = "所选的{}已不在可选范围内，已改为默认值。"


def _adopt_url(key: str, options: Sequence[str], default: str, what: str) -> None:
    """On a session's first run, take a filter from the URL if valid, else default and say so;
    later, a choice the data no longer offers falls back to the default, said as such."""
    notices = st.session_state.setdefault("_url_notices", [])
    if key in st.session_state:
        if st.session_state[key] not in options:
            notices.append(GONE_CHOICE.format(what))
            st.session_state[key] = default
        return
    wanted = st.query_params.get(key)
    if wanted is not None and wanted not in options:
        notices.append(INVALID_LINK.format(what))
        wanted = None
    st.session_state[key] = wanted if wanted is not None else default


def picker(where: Any, label: str, options: Sequence[Any], **kwargs: Any) -> Any:
    """`where.selectbox` (`where`: st, st.sidebar or a column) as every page shows it: typing
    searches, and a cleared box says so in Chinese (`SEARCH_HINT`); `kwargs` go to it."""
    return where.selectbox(label, options, placeholder=SEARCH_HINT, **kwargs)


def sidebar_filters(ds: Dataset) -> Filters:
    """Area, quarter and star pickers in the sidebar; the URL carries them so links reopen views."""
    store = get_store()
    areas = area_choices(store.url, ds.data_version, ds.villages)
    # A signed-in account browses its 可查看范围 only (a village, for a village's account), and
    # starts at the area it answers for.
    account = st.session_state.get(ACCOUNT_KEY)
    start = village_metrics.default_area(ds.villages)
    if account is not None:
        view, own = scopes.view_scope_of(account), scopes.scope_of(account)
        areas = village_metrics.browsable_areas(areas, view, own)
        if own and own in areas:
            start = own
        elif view:
            start = view
    quarters = list(reversed(ds.periods()))
    stars = [ALL_STARS, *catalog.STAR_IDS]
    if st.session_state.get("_drill_area") in areas:  # a click on a sub-area (see drill_into)
        st.session_state["area"] = st.session_state.pop("_drill_area")
    _adopt_url("area", areas, start, "地区")
    _adopt_url("star", stars, ALL_STARS, "星")
    # The area's villages and how many reported each quarter: a quarter only a few have reported
    # so far is offered (marked so), but is not where pages open.
    villages = village_metrics.village_count(ds, st.session_state["area"])
    reported = reporting.reported_counts(ds, st.session_state["area"])
    opening = (reporting.opening_quarter(reported, villages) or quarters[0]) if quarters else None
    # A user asked for it (`show_quarter`, a save's 在总览中查看 button).
    if st.session_state.get(NEXT_PERIOD) in quarters:
        st.session_state["period"] = st.session_state.pop(NEXT_PERIOD)
    # A save added it (ui/reports.py): followed once pages open there, not while two of 13
    # villages make its totals and rankings.
    saved = st.session_state.pop(SAVED_PERIOD, None)
    if saved is not None and saved == opening:
        st.session_state["period"] = saved
    if opening is not None:
        _adopt_url("period", quarters, opening, "季度")
    with st.sidebar:
        picker(st, "地区", areas, key="area", format_func=_area_option_label)
        if quarters:
            picker(
                st,
                "季度",
                quarters,
                key="period",
                format_func=partial(reporting.quarter_choice, counts=reported, villages=villages),
            )
        else:
            st.caption("尚无季度数据")
        picker(st, "星", stars, key="star", format_func=_star_label)
    for notice in st.session_state.pop("_url_notices", []):
        st.toast(plain(notice))
        st.sidebar.warning(plain(notice))
    filters = Filters(
        area=st.session_state["area"],
        period=st.session_state.get("period") if quarters else None,
        star=st.session_state["star"],
    )
    sync_url(area=filters.area, period=filters.period or "", star=filters.star)
    return filters


def show_quarter(period: str) -> None:
    """Switch the sidebar's quarter to `period` from the next run on (a button's `on_click`)."""
    st.session_state[NEXT_PERIOD] = period


def _area_option_label(area: str) -> str:
    return " › ".join(village_metrics.area_parts(area)) or "全部地区"


def sync_url(**params: str) -> None:
    """Write parameters into the URL (empty values removed), keeping the others."""
    for key, value in params.items():
        if value:
            if st.query_params.get(key) != value:
                st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]


def current_filters() -> Filters:
    """The filters chosen in the sidebar this run (set by the entry script)."""
    if "_filters" not in st.session_state:
        through_entry_script()
    return st.session_state["_filters"]


def remember_filters(filters: Filters) -> None:
    """Store this run's filters so pages can read them with `current_filters`."""
    st.session_state["_filters"] = filters


def url_choice(key: str, options: Sequence[str], default: str | None, what: str) -> str | None:
    """A page-specific choice kept in the URL: the URL's value if valid, else `default` + notice."""
    if not options:
        return None
    _adopt_url(
        key, options, default if default is not None and default in options else options[0], what
    )
    for notice in st.session_state.pop("_url_notices", []):
        st.warning(plain(notice))
    return st.session_state[key]


def open_picked_pair(source: str, picked: str | None) -> None:
    """Open the pair picked on 结对比较's board (`source`: its chart or its table), once per pick:
    a selection stays until cleared, and the picker below must stay free to choose another pair
    meanwhile."""
    memory = f"_pair_picked_{source}"
    if picked is None:
        st.session_state.pop(memory, None)
    elif st.session_state.get(memory) != picked:
        st.session_state[memory] = picked
        st.session_state["pair"], st.session_state["mode"] = picked, "pair"


def drop_stale_choice(key: str, options: Sequence[str]) -> None:
    """Forget a page choice that another filter made invalid (e.g. the star changed), so the
    page falls back to its default quietly instead of calling the link invalid."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]
        if key in st.query_params:
            del st.query_params[key]


def _forget_village() -> None:
    # Another township was picked: its first village follows, not the one left behind.
    st.session_state.pop("village", None)
    if "village" in st.query_params:
        del st.query_params["village"]


def village_picker(view: Dataset) -> str:
    """村庄档案's village (kept in the URL), in pinyin order; past `PICKER_LIMIT` villages in
    view (a city, a province) the township is picked first."""
    label_of = village_metrics.labels(view)
    if len(label_of) <= village_metrics.PICKER_LIMIT:
        codes = village_metrics.ordered_codes(view)
    else:  # no pinyin order of 46,000 names needed
        towns = village_metrics.towns(view)
        asked = st.session_state.get("village") or st.query_params.get("village")
        chosen = village_metrics.town_of(view, asked)
        if chosen is not None:  # the village asked for (a link, a click elsewhere): its township
            st.session_state["village_town"] = chosen
        elif st.session_state.get("village_town") not in towns:
            st.session_state["village_town"] = towns[0]
        town = picker(
            st,
            "乡镇（可输入文字搜索）",
            towns,
            key="village_town",
            format_func=village_metrics.town_label,
            on_change=_forget_village,
        )
        codes = village_metrics.codes_in_town(view, town)
    drop_stale_choice("village", codes)  # left behind by a change of area: no "invalid link"
    url_choice("village", codes, codes[0], "村庄")
    # A bound method, not a lambda: a lambda would keep the caller's data alive as long as the
    # session is idle, even after a new upload replaced it.
    code = picker(
        st,
        "村庄（可输入村名搜索）",
        codes,
        key="village",
        format_func=label_of.__getitem__,
    )
    sync_url(village=code)
    return code


def drill_into(area: str) -> None:
    """Narrow the sidebar's area filter to `area` (a clicked county or township) and rerun."""
    # The area picker already exists in this run, so its value can only change before the next.
    st.session_state["_drill_area"] = area
    st.rerun()


def drill_on_click(view: Dataset, area: str, event: object) -> None:
    """Drill into the sub-area a user clicked in a chart of sub-areas (drawn with `on_select`)."""
    if picked := area_metrics.picked_area(view, area, selected_points(event)):
        drill_into(picked)


def open_profile(code: str) -> None:
    """Open 村庄档案 for one village, keeping the sidebar filters in the link."""
    st.session_state["village"] = code  # the profile's picker; the URL alone would not win
    f = current_filters()
    params = {"village": code, "area": f.area, "period": f.period or "", "star": f.star}
    st.switch_page("pages/profile.py", query_params={k: v for k, v in params.items() if v})


def selected_rows(key: str) -> list[int]:
    """Row positions picked in the 数据 table of the chart drawn with `key` and `select_rows`."""
    state = st.session_state.get(f"{key}_rows")
    try:
        return list(state["selection"]["rows"])  # type: ignore[index]
    except (KeyError, TypeError):
        return []


def selected_points(event: object) -> list[dict[str, object]]:
    """The points a user clicked in a chart drawn with `on_select`, their labels as the data
    has them (a chart shows names escaped, `style.label`, and a click gives that back)."""
    try:
        points = list(event.selection.points)  # type: ignore[attr-defined]
    except AttributeError:
        return []
    return [
        {k: style.unlabel(v) if isinstance(v, str) else v for k, v in p.items()} for p in points
    ]
