"""Shared fixtures: stores in tmp_path, the sample dataset, AppTest runs and figure reading."""

from __future__ import annotations

import base64
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings as hypothesis_settings

# The data stack is imported where a fixture needs it: under xdist the controlling process
# imports this file only to schedule tests (~2 s of CPU saved, ~6 s with uncompiled packages).
if TYPE_CHECKING:
    import pandas as pd
    from streamlit.testing.v1 import AppTest

    from wuxing.dataset import Dataset
    from wuxing.storage.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard.py")

# Property tests: a quick search in `make test`, a long one on demand with
# `pytest --hypothesis-profile=thorough`. No deadline: a loaded 2-core machine is not a bug. The
# numbers live here only (no test names its own max_examples), so one flag deepens every search.
hypothesis_settings.register_profile("quick", max_examples=30, deadline=None)
hypothesis_settings.register_profile("thorough", max_examples=1_000, deadline=None)
hypothesis_settings.load_profile("quick")


@pytest.fixture(scope="session", autouse=True)
def libraries_left_out_of_garbage_collection():
    """A full garbage collection walks every object alive, in a test process mostly what the
    libraries made on import (pypinyin's phrase dictionary alone is ~200,000 lists), which lives
    until the process ends. The app collects fully when a dataset loads while older ones live
    (`wuxing.ui.loading`), which in page tests is nearly every new test's first run. Frozen once
    (`gc.freeze`), the libraries are left out of every collection: the page tests' time in full
    collections went from 4.7 s to 2.2 s. What the tests make is collected as before."""
    import gc

    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401
    import pypinyin  # noqa: F401
    import sqlalchemy  # noqa: F401
    import streamlit.testing.v1  # noqa: F401

    import wuxing.ui.loading  # noqa: F401

    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once():
    """Every new AppTest scans the metadata of every installed package for Streamlit components:
    ~0.3 s, the larger part of a page test. The installed packages do not change during a run, so
    the scan runs once per test process."""
    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as patch:
        scan = functools.cache(manifest_scanner.scan_component_manifests)
        patch.setattr(manifest_scanner, "scan_component_manifests", scan)
        yield


@pytest.fixture(scope="session", autouse=True)
def scripts_compiled_once():
    """Every AppTest run makes a new script cache, so dashboard.py and the page it shows are
    read and compiled again on every run (~3 ms a run). The scripts do not change during a test
    run (AppTest.from_function names its file after the script's hash), so one cache serves every
    run of the process."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app_test, "ScriptCache", lambda: shared)
        patch.setattr(local_script_runner, "ScriptCache", lambda: shared)
        yield


@pytest.fixture(scope="session", autouse=True)
def apptest_waits_for_its_script():
    """AppTest waits for a script run by waking every millisecond to look (`time.sleep(0.001)`),
    and each wake takes the GIL from the script it waits for. Waiting on the script's thread
    instead lets the script run undisturbed; the original check then returns at once (or, if
    the thread is still running after the timeout, reports the timeout as before)."""
    from streamlit.testing.v1 import local_script_runner

    polling = local_script_runner.require_widgets_deltas

    def waiting(runner: local_script_runner.LocalScriptRunner, timeout: float = 3) -> None:
        thread = runner._script_thread
        if thread is not None:
            thread.join(timeout)
        polling(runner, timeout)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(local_script_runner, "require_widgets_deltas", waiting)
        yield


@pytest.fixture(autouse=True)
def session_cookie_in_apptest(monkeypatch):
    """AppTest sends no cookies: the session token a test put in the session state
    (`tests.accounts.signed_in`) stands in for the browser's cookie."""
    import streamlit as st

    from wuxing.ui import session

    real = session.presented_token

    def presented_token() -> str | None:
        return st.session_state.get("_test_session_token") or real()

    monkeypatch.setattr(session, "presented_token", presented_token)


@pytest.fixture(scope="session")
def sample_dataset() -> Dataset:
    from wuxing.samples import sample

    return sample.build()


# -- PostgreSQL: a throwaway cluster on 127.0.0.1, started once per test process ------------------


@pytest.fixture(scope="session")
def pg_server():
    """Base URL of a throwaway PostgreSQL cluster (tests/postgres.py)."""
    from tests.postgres import ThrowawayPostgres, server_binaries

    if server_binaries() is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but PostgreSQL (initdb) is missing: apt-get install postgresql")
        pytest.skip("no PostgreSQL server binaries here: apt-get install postgresql")
    with ThrowawayPostgres() as cluster:
        yield cluster.base_url


@pytest.fixture(scope="session")
def pg_admin(pg_server):
    """A connection to the cluster's `postgres` database, for creating the tests' databases."""
    import sqlalchemy as sa

    admin = sa.create_engine(f"{pg_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        yield conn
    admin.dispose()


_database_numbers = iter(range(1, 1_000_000))


def _new_database(pg_server: str, admin, template: str = "template1") -> str:
    """The URL of a new database on the cluster, a copy of `template`."""
    name = f"t{os.getpid()}_{next(_database_numbers)}"
    admin.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {template}")
    return f"{pg_server}/{name}"


@pytest.fixture(scope="session")
def pg_schema_template(pg_server, pg_admin) -> str:
    """A database holding the store's empty tables, made once per test process: creating them
    takes ~0.3 s, copying the database a few tens of milliseconds. Disposed at once (PostgreSQL
    refuses to copy a database anyone is connected to)."""
    from wuxing.storage.store import open_store

    url = _new_database(pg_server, pg_admin)
    open_store(url).dispose()
    return url.rsplit("/", 1)[1]


@pytest.fixture(scope="session")
def pg_sample_template(pg_server, pg_admin, pg_schema_template) -> str:
    """A database holding the sample as its one revision, like `sample_file` (seeding takes
    ~0.4 s, copying the database a few tens of milliseconds)."""
    from wuxing.samples import sample
    from wuxing.storage.store import open_store

    url = _new_database(pg_server, pg_admin, pg_schema_template)
    s = open_store(url)
    sample.seed(s)
    s.dispose()
    return url.rsplit("/", 1)[1]


@pytest.fixture
def pg_url(pg_server, pg_admin) -> str:
    """A fresh, empty database on the throwaway cluster."""
    return _new_database(pg_server, pg_admin)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path: Path) -> str:
    """Every store test runs on SQLite and on PostgreSQL with the same assertions.

    On PostgreSQL a fresh database, copied from a template made once per test process: holding
    the sample when the test uses `sample_store`, the store's empty tables when it uses `store`,
    and nothing otherwise (a test that builds an older store's tables needs it empty)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    server, admin = request.getfixturevalue("pg_server"), request.getfixturevalue("pg_admin")
    if "sample_store" in request.fixturenames:
        return _new_database(server, admin, request.getfixturevalue("pg_sample_template"))
    if "store" in request.fixturenames:
        return _new_database(server, admin, request.getfixturevalue("pg_schema_template"))
    return _new_database(server, admin)


@pytest.fixture
def store(store_url: str) -> Store:
    from wuxing.storage.store import open_store

    s = open_store(store_url)
    yield s
    s.dispose()


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory) -> Path:
    """A SQLite store holding the sample, seeded once per test process: seeding takes ~0.4 s,
    copying the file a few milliseconds."""
    from wuxing.samples import sample
    from wuxing.storage.store import open_store

    path = tmp_path_factory.mktemp("sample") / "sample.sqlite"
    s = open_store(f"sqlite:///{path}")
    sample.seed(s)
    s.dispose()  # the last connection checkpoints the journal into the file
    return path


@pytest.fixture
def sample_store(store_url: str, sample_file: Path) -> Store:
    """`store` holding the sample as its one revision (a copy of `sample_file` on SQLite)."""
    from wuxing.samples import sample
    from wuxing.storage.store import open_store

    if store_url.startswith("sqlite:///"):
        shutil.copyfile(sample_file, store_url.removeprefix("sqlite:///"))
    s = open_store(store_url)
    if s.is_empty():
        sample.seed(s)
    yield s
    s.dispose()


@pytest.fixture
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The embedded default store in an empty WUXING_HOME: the app seeds the sample on first use."""
    monkeypatch.setenv("WUXING_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("WUXING_DB", raising=False)
    monkeypatch.setenv("WUXING_PUBLIC_VIEW", "1")
    return tmp_path / "home"


@pytest.fixture
def default_home(fresh_home: Path, sample_file: Path) -> Path:
    """The embedded default store as a first visit leaves it: holding the sample."""
    fresh_home.mkdir()
    shutil.copyfile(sample_file, fresh_home / "wuxing.sqlite")
    return fresh_home


def _named_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copy_of: Path | None = None):
    from wuxing.storage.store import open_store

    url = f"sqlite:///{tmp_path / 'named.sqlite'}"
    if copy_of is not None:
        shutil.copyfile(copy_of, tmp_path / "named.sqlite")
    monkeypatch.setenv("WUXING_DB", url)
    monkeypatch.setenv("WUXING_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WUXING_PUBLIC_VIEW", "1")
    return open_store(url)


@pytest.fixture
def named_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A store named with WUXING_DB: never seeded, so tests fill it themselves."""
    s = _named_store(tmp_path, monkeypatch)
    yield s
    s.dispose()


@pytest.fixture
def named_sample_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample_file: Path) -> Store:
    """`named_store` holding the sample as its one revision (a copy of `sample_file`)."""
    s = _named_store(tmp_path, monkeypatch, copy_of=sample_file)
    yield s
    s.dispose()


@pytest.fixture(scope="session")
def county() -> Dataset:
    """A synthetic county: 120 villages in 7 townships, 8 quarters to 2023Q4 (built once)."""
    from wuxing.samples import synthetic

    return synthetic.build(120, 8)


@pytest.fixture(scope="session")
def county_file(county: Dataset, tmp_path_factory) -> Path:
    from wuxing.storage.store import open_store

    path = tmp_path_factory.mktemp("county") / "county.sqlite"
    s = open_store(f"sqlite:///{path}")
    s.commit(county, content=b"county", filename="county.xlsx", user="测试")
    s.dispose()
    return path


@pytest.fixture
def county_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, county_file: Path) -> Store:
    """`named_store` holding `county` as its one revision."""
    s = _named_store(tmp_path, monkeypatch, copy_of=county_file)
    yield s
    s.dispose()


# -- shared by the page tests with accounts -------------------------------------------------------


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """argon2 at its cheapest (~1 ms a hash instead of ~0.5 s): verifying reads the parameters
    from each hash, so logins work the same. tests/test_auth.py checks the real parameters."""
    from tests.accounts import CHEAP_HASHER
    from wuxing.access import auth

    monkeypatch.setattr(auth, "password_hasher", CHEAP_HASHER)


@pytest.fixture
def served_navigation(monkeypatch):
    """Every AppTest run goes through dashboard.py's login gate, as on the server
    (see `tests.accounts.navigation_as_served`)."""
    from tests.accounts import navigation_as_served

    navigation_as_served(monkeypatch)


@pytest.fixture
def township(named_sample_store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """`named_sample_store` behind a login: editor 小王 and viewer 老李 (password
    `tests.accounts.PASSWORD`)."""
    from tests.accounts import add_accounts

    monkeypatch.setenv("WUXING_PUBLIC_VIEW", "0")
    add_accounts(named_sample_store, 小王="editor", 老李="viewer")
    return named_sample_store


def run_app(page: str | None = None, query: dict[str, str] | None = None) -> AppTest:
    """Run the dashboard (optionally switching to `page`) and return the finished AppTest."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page:
        # Opened directly, as a link to the page is: a page's URL path is its file's name.
        at.switch_page(page)
    return at.run()


def _decode(node):
    """Plotly 7 ships numeric arrays as {"dtype", "bdata"(, "shape")}; turn them into lists."""
    import numpy as np

    if isinstance(node, dict):
        if "bdata" in node and "dtype" in node:
            array = np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"])
            if "shape" in node:
                array = array.reshape([int(n) for n in str(node["shape"]).split(",")])
            return array.tolist()
        return {k: _decode(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_decode(v) for v in node]
    return node


def figures(at: AppTest) -> list[dict]:
    """Every plotly figure the run drew, as the spec sent to the browser with arrays decoded."""
    return [_decode(json.loads(e.proto.spec)) for e in at.get("plotly_chart")]


def title_of(fig: dict) -> str:
    title = fig["layout"].get("title", {})
    return title.get("text", "") if isinstance(title, dict) else str(title)


def figure_titled(at: AppTest, text: str) -> dict:
    """The figure whose title contains `text`."""
    found = figures(at)
    for fig in found:
        if text in title_of(fig):
            return fig
    raise AssertionError(f"no chart titled …{text}…; have {[title_of(f) for f in found]}")


def frame(**columns: list) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns)


# -- browser tests: `streamlit run` on a free 127.0.0.1 port, Playwright on the system Chromium --

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            "CI is set but /usr/bin/chromium is missing: install it (see .ci/run)"
        )
    skip = pytest.mark.skip(
        reason="no /usr/bin/chromium here: apt-get install chromium fonts-noto-cjk"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    """Return once the streamlit server at `url` answers its health check (RuntimeError with its
    log when it exits or takes over 90 s)."""
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"streamlit did not start:\n{log.read_text()[-3000:]}") from None
            # Polling the health endpoint is how a readiness check works; not a test sleep.
            time.sleep(0.2)


@contextmanager
def serve(env: dict[str, str], tmp: Path):
    """`streamlit run app.py` (dashboard.py as served, its client options from
    .streamlit/config.toml as in production) with extra environment; yields its URL."""
    port = free_port()
    log = tmp / f"streamlit-{port}.log"
    log_file = log.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log_file.close()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The dashboard on the embedded default store (seeded with the sample), public view."""
    tmp = tmp_path_factory.mktemp("served")
    env = {"WUXING_HOME": str(tmp / "home"), "WUXING_PUBLIC_VIEW": "1", "WUXING_DB": ""}
    with serve(env, tmp) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    # Generous: a loaded 2-core CI machine can take many seconds to rerun a script after a click.
    context.set_default_timeout(60_000)
    pg = context.new_page()
    yield pg
    context.close()


#: What a phone's browser says it is (iPhone Safari): the app tells phones by "Mobi" in it.
PHONE_USER_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


def wait_for_charts(page, count: int = 1) -> None:
    """Wait until `count` plotly charts have drawn their titles."""
    page.locator('[data-testid="stPlotlyChart"] .gtitle').nth(count - 1).wait_for(timeout=60_000)


# True once the page has stopped changing: no stale elements of a rerun, and every chart's drawing
# (bars and points move during plotly's transitions, text when fonts arrive) the same for ten
# animation frames in a row. Polled every frame by wait_for_function.
_STILL = """() => {
  if (document.querySelector('[data-stale=true]')) return false;
  const drawn = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .map(c => c.innerHTML).join('\\u0000');
  if (drawn !== window.__wuxingDrawn) { window.__wuxingDrawn = drawn; window.__wuxingStill = 0; }
  return ++window.__wuxingStill >= 10;
}"""


def wait_until_still(page) -> None:
    """Wait until the page's rerun is over and its charts have stopped moving (a condition, not
    a pause: a picture or a measurement then sees the final drawing)."""
    page.evaluate("() => { window.__wuxingDrawn = undefined; window.__wuxingStill = 0; }")
    page.wait_for_function(_STILL, timeout=60_000)


def wait_until_idle(page) -> None:
    """Wait until the app's script run is over (Streamlit marks it on its root element; the
    running indicator that showed it is off: config.toml's toolbarMode = "minimal")."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def deferred(monkeypatch):
    """Capture the callables given to download buttons (AppTest's runtime is thrown away after
    each run, so the data of a deferred download can only be read this way)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    found: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = original(
            self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs
        )
        found[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return found
