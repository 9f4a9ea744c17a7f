"""deploy/nginx.conf in front of two real `streamlit run` servers on loopback: health check, the
WebSocket upgrade, and the dashboard drawing its charts in Chromium through the proxy."""

import base64
import os
import shutil
import socket
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, serve, wait_for_charts, wait_healthy
from wuxing.samples import sample
from wuxing.storage.store import open_store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(shutil.which("nginx") is None, reason="no nginx: apt-get install nginx"),
]


def _config(tmp: Path, port: int, upstreams: list[int]) -> tuple[Path, Path]:
    site = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    site = site.replace("server 127.0.0.1:8501;", f"server 127.0.0.1:{upstreams[0]};")
    site = site.replace("server 127.0.0.1:8502;", f"server 127.0.0.1:{upstreams[1]};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    assert f"127.0.0.1:{port}" in site and str(upstreams[1]) in site
    (tmp / "site.conf").write_text(site, encoding="utf-8")
    # nginx started as root serves from workers running as `nobody`, which cannot enter pytest's
    # root-private tmp dir: a response too large for the memory buffers (the 4 MB plotly bundle)
    # is spooled to the temp path, and there it failed now and then ("Permission denied", a chart
    # reading "Failed to fetch dynamically imported module"). The spool lives where they can write.
    spool = Path(tempfile.mkdtemp(prefix="wuxing-nginx-"))
    spool.chmod(0o777)
    main = tmp / "nginx.conf"
    main.write_text(
        f"daemon off;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
        f"http {{\n access_log {tmp}/access.log;\n client_body_temp_path {spool}/body;\n"
        f" proxy_temp_path {spool}/proxy;\n include {tmp}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    return main, spool


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx")
    url = f"sqlite:///{tmp / 'shared.sqlite'}"  # both servers share one store, like PostgreSQL
    store = open_store(url)
    sample.seed(store)
    store.dispose()
    env = {"WUXING_DB": url, "WUXING_HOME": str(tmp / "home"), "WUXING_PUBLIC_VIEW": "1"}
    with serve(env, tmp) as first, serve(env, tmp) as second:
        port = free_port()
        upstreams = [int(first.rsplit(":", 1)[1]), int(second.rsplit(":", 1)[1])]
        config, spool = _config(tmp, port, upstreams)
        check = subprocess.run(
            ["nginx", "-t", "-c", str(config), "-p", str(tmp)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stderr
        log = tmp / "error.log"
        out = (tmp / "out.log").open("w")
        proc = subprocess.Popen(
            ["nginx", "-c", str(config), "-p", str(tmp)],
            cwd=tmp,
            stderr=subprocess.STDOUT,
            stdout=out,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            log.touch()
            wait_healthy(base, proc, log)
            yield base
        finally:
            proc.terminate()
            proc.wait(10)
            out.close()
            shutil.rmtree(spool, ignore_errors=True)


def test_health_check_passes_through_the_proxy(proxied):
    with urllib.request.urlopen(proxied + "/_stcore/health", timeout=10) as reply:
        assert reply.status == 200 and reply.read() == b"ok"


def test_the_websocket_upgrade_passes_through_the_proxy(proxied):
    host, port = proxied.removeprefix("http://").split(":")
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\nOrigin: " + proxied + "\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request.encode())
        head = conn.recv(4096).decode("latin-1")
    assert head.startswith("HTTP/1.1 101"), head
    assert "upgrade: websocket" in head.lower()


@pytest.mark.parametrize("path", ["/", "/_stcore/health"])
def test_the_proxy_sends_each_security_header_once(proxied, path):
    with urllib.request.urlopen(proxied + path, timeout=10) as reply:
        headers = reply.headers
    assert headers.get_all("X-Frame-Options") == ["DENY"]
    assert headers.get_all("Content-Security-Policy") == ["frame-ancestors 'none'"]
    assert headers.get_all("X-Content-Type-Options") == ["nosniff"]
    assert headers.get_all("Referrer-Policy") == ["same-origin"]


def test_the_dashboard_draws_through_the_proxy(proxied, page):
    page.goto(proxied)
    wait_for_charts(page, 2)
    assert page.get_by_text("总览").first.is_visible()
