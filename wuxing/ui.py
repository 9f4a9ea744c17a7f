"""The only module of `wuxing` that imports streamlit: cached loaders and shared widgets."""

from __future__ import annotations

import dataclasses
import gc
import re
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from wuxing import auth, catalog, connection, excel, navigation, periods, sample
from wuxing.charts import style
from wuxing.config import Settings
from wuxing.dataset import Dataset
from wuxing.errors import StoreUnavailable
from wuxing.importer import ImportResult, parse_files
from wuxing.memo import Memory, fingerprint
from wuxing.metrics import areas as area_metrics
from wuxing.metrics import profile as profile_metrics
from wuxing.metrics import villages as village_metrics
from wuxing.store import Account, Store, open_store

ALL_STARS = "all"
_FILTER_KEYS = ("area", "period", "star")
_USER_KEY, _ACCOUNT_KEY = "_user", "_account"
#: The account's credential version at sign-in: a password change signs the session out.
_CREDENTIAL_KEY = "_credential"


# -- loading -------------------------------------------------------------------------------------


def settings() -> Settings:
    """The settings of this process (read from WUXING_* variables)."""
    return Settings.from_env()


@contextmanager
def database_problems_explained() -> Iterator[None]:
    """Run the page; a database that cannot be used (down, wrong password …) shows what to check
    instead of a traceback, and the next rerun tries again."""
    try:
        yield
    except StoreUnavailable as exc:
        _unavailable(exc)
    except connection.CONNECTION_ERRORS as exc:  # the server went away after the store opened
        _unavailable(connection.unavailable(settings().store_url, exc))


def _unavailable(exc: StoreUnavailable) -> None:
    st.error(plain(str(exc)), icon=":material/database:")  # names the host and user from the URL
    st.stop()


@st.cache_resource(show_spinner=False)
def _store(url: str, seed_sample: bool) -> Store:
    store = open_store(url)
    if seed_sample and store.is_empty():
        sample.seed(store)
    return store


def _shared_store() -> Store:
    s = settings()
    return _store(s.store_url, s.is_default_store)


def get_store() -> Store:
    """The store of this process (sample-seeded once), bound to this session's account.

    Every write through it is checked against the signed-in role, so a page cannot write as a
    viewer or as nobody even by mistake (see `Store.acting_as`).
    """
    account = st.session_state.get(_ACCOUNT_KEY)
    if account is None:
        return _shared_store().acting_as("", None)
    return _shared_store().acting_as(account.name, account.role)


# A resource, not data: cache_data would pickle the dataset back on every rerun (5 s for a
# province's 11 M values). The frames are shared by all sessions, so pages never modify them
# in place (the Dataset is frozen; pandas copy-on-write keeps derived frames separate).
@st.cache_resource(show_spinner="正在读取数据…", max_entries=1)
def _load(url: str, version: int) -> Dataset:
    # A new version, or a cleared cache: datasets loaded before may live on, held by sessions that
    # have not rerun yet (their last run's widget callbacks keep the page's variables). What they
    # remembered is of no further use: free it before reading another half gigabyte (province
    # scale). Only the newest version is cached: sessions move to it at their next rerun.
    for memory in list(_loaded):
        memory.clear()
    if len(_loaded) > 1:
        # Several older ones alive: besides the one sessions may still hold, closed sessions'
        # ones, in reference cycles that only a full collection frees (0.3 s, once per load; a
        # province's dataset is ~400 MB, and three were seen alive at once).
        gc.collect()
    ds = _store_for(url).load()
    _loaded.add(ds.memory)
    return ds


_loaded: weakref.WeakSet[Memory] = weakref.WeakSet()


@st.cache_resource(show_spinner=False, max_entries=2)
def _area_choices(url: str, version: int, _villages: pd.DataFrame) -> list[str]:
    # 46,000 villages' area paths in pinyin order: once per data version, not on every rerun.
    return [village_metrics.ALL_AREAS, *village_metrics.area_options(_villages)]


def _store_for(url: str) -> Store:
    s = settings()
    return _store(url, s.is_default_store and url == s.store_url)


def load_dataset() -> Dataset:
    """The current data, cached per store version: a write on any server invalidates it."""
    if not (settings().public_view or st.session_state.get(_ACCOUNT_KEY)):
        # A page started without dashboard.py's login gate (legacy pages/ mode on a fresh
        # server, see _through_entry_script) must not read data: route it through the gate.
        _through_entry_script()
    store = get_store()
    return _load(store.url, store.data_version())


# A resource: only read, and copying a province's counts (millions of rows) back on every
# village looked up would cost more than the lookup.
@st.cache_resource(show_spinner=False, max_entries=4)
def _upload_touches(url: str, version: int) -> tuple[list, pd.DataFrame]:
    store = _store_for(url)
    revisions = store.history()
    # Counts per revision, village and kind, stored at commit time: reading every revision's rows
    # (11 M at province scale) would take seconds and gigabytes.
    return revisions, store.touches()


@st.cache_resource(show_spinner=False, max_entries=64)
def _village_uploads(url: str, version: int, code: str) -> pd.DataFrame:
    return profile_metrics.uploads_touching(*_upload_touches(url, version), code)


def village_uploads(code: str) -> pd.DataFrame:
    """The uploads that set rows of one village, newest first (`profile.uploads_touching`),
    cached per store version."""
    store = get_store()
    # A copy-on-write copy (pandas 3): cheaper than cache_data's pickled one, just as safe.
    return _village_uploads(store.url, store.data_version(), code).copy(deep=False)


@st.cache_data(show_spinner="正在检查文件…", max_entries=8)
def _parse_upload(files: tuple[tuple[str, bytes], ...], url: str, version: int) -> ImportResult:
    return parse_files(list(files), _load(url, version), settings())


def parse_upload(files: Sequence[tuple[str, bytes]]) -> ImportResult:
    """Check uploaded files against the current data (cached per file bytes and store version)."""
    store = get_store()
    return _parse_upload(tuple(files), store.url, store.data_version())


def refresh_after_write() -> None:
    """Forget cached data after this session wrote (other servers see the new store version)."""
    _load.clear()
    _upload_touches.clear()
    _village_uploads.clear()
    _parse_upload.clear()


# -- filters shared by every page (kept in the URL) --------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The sidebar's choices: area path, quarter, star (or ALL_STARS)."""

    area: str
    period: str | None
    star: str


def _star_label(star: str) -> str:
    return "全部五星" if star == ALL_STARS else catalog.STAR_BY_ID[star].label


#: What a link with an invalid value is told. The value is not echoed: a crafted link's value
#: would be the attacker's text (a picture, a link to a look-alike login) in the app's own words.
INVALID_LINK = "链接中的{}无效，已改为默认值。"


def _adopt_url(key: str, options: Sequence[str], default: str, what: str) -> None:
    """On a session's first run, take a filter from the URL if valid, else default and say so."""
    if key in st.session_state and st.session_state[key] in options:
        return
    wanted = st.query_params.get(key)
    if wanted is not None and wanted not in options:
        st.session_state.setdefault("_url_notices", []).append(what)
        wanted = None
    st.session_state[key] = wanted if wanted is not None else default


def sidebar_filters(ds: Dataset) -> Filters:
    """Area, quarter and star pickers in the sidebar; the URL carries them so links reopen views."""
    store = get_store()
    areas = _area_choices(store.url, ds.revision, ds.villages)
    quarters = list(reversed(ds.periods()))
    stars = [ALL_STARS, *catalog.STAR_IDS]
    if st.session_state.get("_drill_area") in areas:  # a click on a sub-area (see drill_into)
        st.session_state["area"] = st.session_state.pop("_drill_area")
    _adopt_url("area", areas, village_metrics.default_area(ds.villages), "地区")
    _adopt_url("star", stars, ALL_STARS, "星")
    if quarters:
        _adopt_url("period", quarters, quarters[0], "季度")
    with st.sidebar:
        st.selectbox("地区", areas, key="area", format_func=_area_option_label)
        if quarters:
            st.selectbox("季度", quarters, key="period", format_func=periods.label)
        else:
            st.caption("尚无季度数据")
        st.selectbox("星", stars, key="star", format_func=_star_label)
    for what in st.session_state.pop("_url_notices", []):
        st.toast(INVALID_LINK.format(plain(what)))
        st.sidebar.warning(INVALID_LINK.format(plain(what)))
    filters = Filters(
        area=st.session_state["area"],
        period=st.session_state.get("period") if quarters else None,
        star=st.session_state["star"],
    )
    sync_url(area=filters.area, period=filters.period or "", star=filters.star)
    return filters


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
        _through_entry_script()
    return st.session_state["_filters"]


def _through_entry_script() -> None:
    """Rerun through dashboard.py when a page was started without it.

    Streamlit (1.67) treats an app with a `pages/` folder as a legacy multipage app until the
    entry script first calls `st.navigation`: on a freshly started server, a first request for
    a link such as /progress runs that page alone, without the sidebar filters. Declaring the
    navigation turns the legacy mode off for the process; switching to the page the URL names
    then runs it through dashboard.py (which registers only what the session's role may see).
    """
    pages = [st.Page(p.path, title=p.title, url_path=p.url_path, default=p.default)
             for p in navigation.PAGES]  # fmt: skip
    wanted = st.navigation(pages, position="hidden")
    st.switch_page(wanted, query_params=st.query_params.to_dict())


def remember_filters(filters: Filters) -> None:
    """Store this run's filters so pages can read them with `current_filters`."""
    st.session_state["_filters"] = filters


def url_choice(key: str, options: Sequence[str], default: str | None, what: str) -> str | None:
    """A page-specific choice kept in the URL: the URL's value if valid, else `default` + notice."""
    if not options:
        return None
    _adopt_url(key, options, default if default in options else options[0], what)
    for what in st.session_state.pop("_url_notices", []):
        st.warning(INVALID_LINK.format(plain(what)))
    return st.session_state[key]


def drop_stale_choice(key: str, options: Sequence[str]) -> None:
    """Forget a page choice that another filter made invalid (e.g. the star changed), so the
    page falls back to its default quietly instead of calling the link invalid."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]
        if key in st.query_params:
            del st.query_params[key]


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


# -- shared display pieces ---------------------------------------------------------------------


NO_DATA = "当前地区还没有数据。请在“数据上传”页上传季度台账，或换一个地区。"


@dataclass(frozen=True)
class PageView:
    """What a dashboard page works on: all data, the chosen area's, the filters, the pass mark."""

    dataset: Dataset
    view: Dataset
    filters: Filters
    period: str
    pass_mark: float


def open_page(title: str) -> PageView:
    """Title, sample banner and the chosen area's data; stops with an empty state when none."""
    st.title(title)
    ds = load_dataset()
    sample_banner(ds)
    filters = current_filters()
    view = village_metrics.scope(ds, filters.area)
    if view.villages.empty or filters.period is None:
        empty_state(NO_DATA)
        st.stop()
    return PageView(ds, view, filters, filters.period, settings().pass_mark)


def sample_banner(ds: Dataset) -> None:
    """Say so whenever the shipped sample data is on screen."""
    if ds.is_sample:
        st.info(
            "示例数据：当前显示的是马庄桥镇示例数据（4 个村名取自公开报道，其余为占位村名，数值为模拟），"
            "仅供演示。上传本镇台账后即显示真实数据。",
            icon=":material/info:",
        )


def empty_state(message: str) -> None:
    """A friendly note instead of an empty chart."""
    st.info(message, icon=":material/inbox:")


def chart(
    fig: go.Figure,
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    *,
    key: str,
    name: str,
    on_select: Callable[[], None] | str = "ignore",
    select_rows: bool = False,
) -> object:
    """A figure with its PNG button named after it, and the table behind it one click away
    (with `select_rows`, a row can be picked: read it with `selected_rows(key)`). `table` may
    be a function making it, called only when the box is open."""
    event = st.plotly_chart(
        fig,
        key=key,
        width="stretch",
        theme=None,  # our own template, so what is exported looks like what is shown
        config=style.png_config(name),
        on_select=on_select,
        selection_mode="points",
    )
    # Lazy: the table (and its Excel) is built and sent only while the box is open, so a rerun
    # of a page with many charts does not ship every table behind them to the browser.
    with st.expander("数据", key=f"{key}_data", on_change="rerun") as box:
        if not box.open:
            return event
        if callable(table):
            table = table()
        if select_rows:
            show_table(table, key=f"{key}_rows", on_select="rerun", selection_mode="single-row")
        else:
            show_table(table)
        excel_download(table, name, key=f"{key}_xlsx")
    return event


def show_table(frame: pd.DataFrame, **options: object) -> object:
    """A table as every page shows it (no index, full width); the same content is converted for
    the browser once, not on every rerun (`options` go to `st.dataframe`)."""
    return st.dataframe(_arrow(frame), hide_index=True, width="stretch", **options)


def _arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    try:
        key = fingerprint(frame)
    except TypeError:
        return frame
    return _arrow_table(key, frame)


# Converting a frame to Arrow is about half of what showing a small table costs: a page with
# five tables spent 5 ms a rerun on it. Keyed by content; the frame itself is not hashed again.
# Bounded in number and age: an upload's problem report can be a large table seen once.
@st.cache_resource(show_spinner=False, max_entries=128, ttl="1h")
def _arrow_table(key: object, _frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    try:
        return pa.Table.from_pandas(_frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):  # mixed types: Streamlit's own conversion
        return _frame


def excel_download(
    table: pd.DataFrame | Callable[[], pd.DataFrame], name: str, *, key: str
) -> None:
    """An Excel download of `table`, or of what the function `table` makes (built on click, not
    on every rerun)."""
    st.download_button(
        "下载 Excel",
        data=lambda: excel.to_xlsx(table() if callable(table) else table, sheet=name[:31]),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


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


# -- the signed-in account ---------------------------------------------------------------------


def current_account() -> Account | None:
    """This session's account, re-read every run: a disabled or deleted account, or one whose
    password changed since this session signed in (on any app server: the version is in the
    store), is signed out."""
    name = st.session_state.get(_USER_KEY)
    account = _shared_store().account(name) if name else None
    if (
        account is None
        or account.disabled
        or account.name != name
        or account.credential_version != st.session_state.get(_CREDENTIAL_KEY)
    ):
        st.session_state.pop(_USER_KEY, None)
        st.session_state.pop(_CREDENTIAL_KEY, None)
        account = None
    else:
        account = dataclasses.replace(account, password_hash="")  # the hash stays in the store
    st.session_state[_ACCOUNT_KEY] = account
    return account


def require_page_role(needed: str) -> Account:
    """The signed-in account if it may use a page needing `needed`; otherwise the page stops.

    Pages are registered per role already; this is the page's own check, for a page started
    some other way (the legacy pages/ mode of a fresh server, a registry bug).
    """
    if _ACCOUNT_KEY not in st.session_state:
        _through_entry_script()  # dashboard.py never ran in this session: let its gate decide
    account = current_account()
    if account is None or not navigation.role_allows(account.role, needed):
        st.error(f"此页面需要“{auth.role_label(needed)}”及以上权限。")
        st.stop()
    return account


def sign_in(account: Account) -> None:
    """Remember `account` as this session's user (after `auth.login` accepted it)."""
    st.session_state[_USER_KEY] = account.name
    st.session_state[_CREDENTIAL_KEY] = account.credential_version
    st.session_state[_ACCOUNT_KEY] = dataclasses.replace(account, password_hash="")


def sign_out() -> None:
    """Forget this session's user and record the logout."""
    account = st.session_state.get(_ACCOUNT_KEY)
    if account is not None:
        auth.logout(_shared_store(), account.name)
    st.session_state.pop(_USER_KEY, None)
    st.session_state.pop(_CREDENTIAL_KEY, None)
    st.session_state[_ACCOUNT_KEY] = None


def client_address() -> str:
    """The address this session's browser connects from ("" when unknown), for login pauses."""
    address = st.context.ip_address
    return address if isinstance(address, str) else ""  # AppTest hands back a mock


def account_sidebar(account: Account | None) -> None:
    """The user's name and role in the sidebar, with a logout button (or a note when anonymous)."""
    with st.sidebar:
        if account is None:
            if settings().public_view:
                st.caption("未登录：仅可浏览。上传和管理请先登录。")
            return
        st.caption(f"当前用户：{plain(account.name)}（{auth.role_label(account.role)}）")
        st.button("退出登录", key="_logout", on_click=sign_out, icon=":material/logout:")


_WORD_JOINER = "\u2060"
_LINK_STARTS = re.compile(r"(?i)(:|@|www(?=\.))")
# ASCII punctuation but the comma (no meaning in Markdown: numbers keep 1,430 as written).
_MARKDOWN_PUNCTUATION = re.compile(r"([!-+\-./:-@\[-`{-~])")
_NEGATIVE = re.compile(r"^\\-(?=\d)")


def plain(text: object) -> str:
    """`text` shown literally by st.markdown/caption/info/error/toast/metric: user-typed names
    never become bold, colour, pictures or links. Every page puts uploaded text on screen
    through this (tests/test_architecture.py checks the pages)."""
    # A word joiner (invisible) after every ':' and '@' and between 'www' and '.': GFM turns
    # http://…, www.… and a@b.c into links even when their punctuation is backslash-escaped
    # (it links the text after parsing), so the escapes below alone do not stop it.
    text = _LINK_STARTS.sub(lambda m: m.group(1) + _WORD_JOINER, str(text))
    # CommonMark lets a backslash escape any ASCII punctuation; that also covers streamlit's
    # :colour[…] and :material/…: directives and $…$ maths.
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    # Except the minus of a leading negative number (no markup: a list needs a space after the
    # dash): st.metric reads a delta's direction from its first character.
    return _NEGATIVE.sub("-", text)
