"""Shared fixtures: stores in tmp_path, the sample dataset, AppTest runs and figure reading."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from wuxing import sample
from wuxing.dataset import Dataset
from wuxing.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard.py")


@pytest.fixture(scope="session")
def sample_dataset() -> Dataset:
    return sample.build()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield s
    s.dispose()


@pytest.fixture
def sample_store(store: Store) -> Store:
    sample.seed(store)
    return store


@pytest.fixture
def default_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The embedded default store in a fresh WUXING_HOME: seeded with the sample on first use."""
    monkeypatch.setenv("WUXING_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("WUXING_DB", raising=False)
    monkeypatch.setenv("WUXING_PUBLIC_VIEW", "1")
    return tmp_path / "home"


@pytest.fixture
def named_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A store named with WUXING_DB: never seeded, so tests fill it themselves."""
    url = f"sqlite:///{tmp_path / 'named.sqlite'}"
    monkeypatch.setenv("WUXING_DB", url)
    monkeypatch.setenv("WUXING_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WUXING_PUBLIC_VIEW", "1")
    s = open_store(url)
    yield s
    s.dispose()


def run_app(page: str | None = None, query: dict[str, str] | None = None) -> AppTest:
    """Run the dashboard (optionally switching to `page`) and return the finished AppTest."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def _decode(node):
    """Plotly 7 ships numeric arrays as {"dtype", "bdata"(, "shape")}; turn them into lists."""
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
    return pd.DataFrame(columns)


# -- browser tests: `streamlit run` on a free 127.0.0.1 port, Playwright on the system Chromium --

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
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
    """`streamlit run dashboard.py` with extra environment; yields its base URL."""
    port = _free_port()
    log = tmp / f"streamlit-{port}.log"
    log_file = log.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env={**os.environ, **env}, stdout=log_file, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
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
    pg = context.new_page()
    yield pg
    context.close()


def wait_for_charts(page, count: int = 1) -> None:
    """Wait until `count` plotly charts have drawn their titles."""
    page.locator('[data-testid="stPlotlyChart"] .gtitle').nth(count - 1).wait_for(timeout=60_000)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
