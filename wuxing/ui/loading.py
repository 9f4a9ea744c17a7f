"""The data-access edge: the store of this process and the dataset per data version, cached here.

Streamlit's cache sits at this edge only: a dataset is loaded once per data version (a write on
any server changes the data version), and what pages derive from it is remembered on the dataset
itself (`wuxing/memo.py`).
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from wuxing.config import Settings
from wuxing.dataset import Dataset
from wuxing.errors import StoreUnavailable
from wuxing.memo import Memory
from wuxing.metrics import profile as profile_metrics
from wuxing.metrics import villages as village_metrics
from wuxing.reading.importer import ImportResult, parse_files
from wuxing.samples import sample
from wuxing.storage import connection
from wuxing.storage.store import SAMPLE_USER, Store, open_store
from wuxing.ui import navigation
from wuxing.ui.text import plain

#: Where this session's signed-in account is kept (set by wuxing/ui/session.py).
ACCOUNT_KEY = "_account"


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


def shared_store() -> Store:
    """The store of this process, not bound to an account (reads only)."""
    s = settings()
    return _store(s.store_url, s.is_default_store)


def get_store() -> Store:
    """The store of this process (sample-seeded once), bound to this session's account.

    Every write through it is checked against the signed-in role, so a page cannot write as a
    viewer or as nobody even by mistake (see `Store.acting_as`).
    """
    account = st.session_state.get(ACCOUNT_KEY)
    if account is None:
        return shared_store().acting_as("", None)
    return shared_store().acting_as(account.name, account.role, account.area)


# A resource, not data: cache_data would pickle the dataset back on every rerun (5 s for a
# province's 11 M values). The frames are shared by all sessions, so pages never modify them
# in place (the Dataset is frozen; pandas copy-on-write keeps derived frames separate).
@st.cache_resource(show_spinner="正在读取数据…", max_entries=1)
def dataset_at(url: str, version: int) -> Dataset:
    """The dataset of the store at `url` at data `version`, loaded once and shared by sessions."""
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
def area_choices(url: str, version: int, _villages: pd.DataFrame) -> list[str]:
    """Every area path for the picker, in pinyin order (once per data version)."""
    # 46,000 villages' area paths in pinyin order: once per data version, not on every rerun.
    return [village_metrics.ALL_AREAS, *village_metrics.area_options(_villages)]


def _store_for(url: str) -> Store:
    s = settings()
    return _store(url, s.is_default_store and url == s.store_url)


def load_dataset() -> Dataset:
    """The current data, cached per data version: a write on any server invalidates it."""
    if not (settings().public_view or st.session_state.get(ACCOUNT_KEY)):
        # A page started without dashboard.py's login gate (legacy pages/ mode on a fresh
        # server, see through_entry_script) must not read data: route it through the gate.
        through_entry_script()
    store = get_store()
    return dataset_at(store.url, store.data_version())


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
    cached per data version."""
    store = get_store()
    # A copy-on-write copy (pandas 3): cheaper than cache_data's pickled one, just as safe.
    return _village_uploads(store.url, store.data_version(), code).copy(deep=False)


def upload_touches() -> tuple[list, pd.DataFrame]:
    """The revisions and, per revision, village and kind, the rows each set (cached per version)."""
    store = get_store()
    return _upload_touches(store.url, store.data_version())


@st.cache_data(show_spinner="正在检查文件…", max_entries=8)
def _parse_upload(files: tuple[tuple[str, bytes], ...], url: str, version: int) -> ImportResult:
    return parse_files(list(files), dataset_at(url, version), settings())


def parse_upload(files: Sequence[tuple[str, bytes]]) -> ImportResult:
    """Check uploaded files against the current data (cached per file bytes and data version)."""
    store = get_store()
    return _parse_upload(tuple(files), store.url, store.data_version())


def sample_versions(ds: Dataset) -> tuple[list[int], bool]:
    """The sample's live revision ids, and whether real uploads count next to it (per version)."""
    return _sample_versions(settings().store_url, ds.data_version)


@st.cache_data(show_spinner=False, max_entries=16)
def _sample_versions(url: str, version: int) -> tuple[list[int], bool]:
    live = [r for r in shared_store().history() if r.is_live]
    ours = [r.id for r in live if r.user == SAMPLE_USER]
    return ours, len(ours) < len(live)


def refresh_after_write() -> None:
    """Forget cached data after this session wrote (other servers see the new data version)."""
    dataset_at.clear()
    _upload_touches.clear()
    _village_uploads.clear()
    _parse_upload.clear()


def through_entry_script() -> None:
    """Rerun through dashboard.py when a page was started without it.

    Streamlit (1.67) treats an app with a `pages/` folder as a legacy multipage app until the
    entry script first calls `st.navigation`: on a freshly started server, a first request for
    a link such as /progress runs that page alone, without the sidebar filters. Declaring the
    navigation turns the legacy mode off for the process; switching to the page the URL names
    then runs it through dashboard.py (which registers only what the session's role may see).
    """
    pages = [
        st.Page(p.path, title=p.title, url_path=p.url_path, default=p.default)
        for p in navigation.PAGES
    ]
    wanted = st.navigation(pages, position="hidden")
    st.switch_page(wanted, query_params=st.query_params.to_dict())
