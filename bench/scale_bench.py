"""Page benchmark at township, county and province scale, on SQLite and PostgreSQL.

Builds stores of 13 (the sample), 500 and 46,000 villages × 8 quarters × every catalog indicator
(synthetic data, about 11 M values at the top), then, per store and in a fresh process each (so
peak memory is the pages' own, not the data generator's), runs every page the public view shows
with AppTest: a cold run (all Streamlit caches cleared: the data is read from the store) and warm
reruns of the same session, beside an empty page as the floor. Prints medians and peak RSS, each
against its target (`TARGETS`).

    .venv/bin/python bench/scale_bench.py [--sizes 13,500,46000] [--backends sqlite,postgresql]
                                          [--runs 3] [--keep DIR] [--pages reporting,...]

--pages runs only the pages whose file name contains one of the given words (the empty page, the
floor, always runs): e.g. `--pages reporting` to measure 填报进度 alone.

PostgreSQL runs on a throwaway cluster (initdb/pg_ctl on 127.0.0.1, as the tests do). Stores are
kept under --keep (default /tmp/wuxing-scale-bench) and reused when their size matches.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.postgres import ThrowawayPostgres  # noqa: E402 — found through ROOT

QUARTERS = 8
EMPTY_PAGE = "import streamlit as st\n\nst.title('空白页')\n"


# -- stores ----------------------------------------------------------------------------------------


def build_store(url: str, villages: int) -> None:
    """Fill an empty store at `url` with the sample (13) or synthetic data of `villages`."""
    from wuxing.samples import sample, synthetic
    from wuxing.storage.store import open_store

    store = open_store(url)
    if not store.is_empty():
        return
    started = time.perf_counter()
    if villages == 13:
        sample.seed(store)
    else:
        data = synthetic.build(villages, QUARTERS)
        built = time.perf_counter()
        store.commit(
            data,
            content=f"synthetic-{villages}".encode(),
            filename=f"合成{villages}村.xlsx",
            user="bench",
        )
        print(
            f"  built {villages} villages in {built - started:.0f} s, "
            f"stored in {time.perf_counter() - built:.0f} s",
            file=sys.stderr,
        )
    store.dispose()


# -- measuring (in a fresh process per store) ------------------------------------------------------


def measure(url: str, runs: int, home: Path, only: str = "") -> dict[str, object]:
    """Cold and warm AppTest times per page, and this process's peak RSS."""
    os.environ.update(WUXING_DB=url, WUXING_PUBLIC_VIEW="1", WUXING_HOME=str(home))
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest, app_test

    from wuxing.ui import navigation

    # AppTest resets `PagesManager.uses_pages_directory` before every run, so its reruns of a
    # pages/ file ran that file alone (legacy pages/ mode), without dashboard.py's gate, menu and
    # sidebar: clear the flag as the server's first st.navigation call does (tests/accounts.py).
    served = PagesManager.__init__

    def as_served(self: PagesManager, *args: object, **kwargs: object) -> None:
        served(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = as_served  # type: ignore[method-assign]

    # AppTest compiles the scripts again on every run (a new ScriptCache each time), where a
    # server compiles each once (its Runtime's ScriptCache): share one, as the server does, so a
    # page's length in lines does not count as rerun time.
    compiled = ScriptCache()
    app_test.ScriptCache = lambda: compiled

    empty = home / "empty_page.py"
    empty.parent.mkdir(parents=True, exist_ok=True)
    empty.write_text(EMPTY_PAGE, encoding="utf-8")
    pages = [p.path for p in navigation.PAGES if p.role == "viewer"]
    if only:
        pages = [p for p in pages if any(word in p for word in only.split(","))]
    # The floor: an empty page inside the dashboard (login gate, menu, sidebar filters, data load
    # from the cache), registered for this process only. It is the default page, because AppTest
    # can only switch to a page outside pages/ after a first run (which would be the overview's).
    navigation.PAGES = (
        *(dataclasses.replace(p, default=False) for p in navigation.PAGES),
        navigation.PageSpec(
            str(empty), "空白页", ":material/crop_square:", "bench_empty", "看板", default=True
        ),
    )
    for page in [str(empty), *pages]:  # warm-up: imports and first-use costs are not the page's
        _run_page(AppTest, page)
    rows = {}
    for page in [str(empty), *pages]:
        cold, warm, errors = [], [], []
        for _ in range(runs):
            st.cache_data.clear()
            st.cache_resource.clear()
            started = time.perf_counter()
            at = _run_page(AppTest, page)
            cold.append(time.perf_counter() - started)
            for _ in range(runs):
                started = time.perf_counter()
                at.run()
                warm.append(time.perf_counter() - started)
            errors += [e.message for e in at.exception]
        rows["(空白页)" if page == str(empty) else page] = {
            "cold": statistics.median(cold),
            "warm": statistics.median(warm),
            "errors": errors[:1],
            "rss_mb": _rss_mb(),  # after the page's runs: where the peak builds up
        }
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"pages": rows, "peak_mb": peak_mb}


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def _run_page(app_test: type, page: str) -> object:
    at = app_test.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    if page.startswith("pages/"):  # the empty page is the default: no switch
        at.switch_page(page)
    at.run()
    ran_empty = "空白页" in [t.value for t in at.title]
    if ran_empty != (not page.startswith("pages/")):
        raise SystemExit(
            f"bench meant to run {page} but ran {'the empty page' if ran_empty else 'another'}"
        )
    return at


def _child(args: argparse.Namespace) -> None:
    if args.build:
        build_store(args.url, args.villages)
        return
    result = measure(args.url, args.runs, Path(args.home), args.pages)
    print(json.dumps(result, ensure_ascii=False))


def _in_process(*argv: str) -> str:
    done = subprocess.run(
        [sys.executable, __file__, *argv], capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(f"child failed: {argv}")
    sys.stderr.write("".join(line + "\n" for line in done.stderr.splitlines() if "built" in line))
    return done.stdout


#: Issue 19's targets: (warm rerun s, cold first view s, peak MB or None) for a township or county
#: (up to 500 villages) and for the province.
TARGETS = {"township": (0.15, 1.5, None), "province": (0.5, 5.0, 2_000)}


def _targets(villages: int) -> tuple[float, float, float | None]:
    return TARGETS["township" if villages <= 500 else "province"]


def _table(backend: str, villages: int, result: dict) -> str:
    pages = result["pages"]
    floor = pages["(空白页)"]["warm"]
    warm_target, cold_target, peak_target = _targets(villages)
    peak = result["peak_mb"]
    peak_verdict = (
        ""
        if peak_target is None
        else f" ({'ok' if peak < peak_target else 'MISS'}: < {peak_target:,} MB)"
    )
    lines = [
        f"\n{backend}, {villages:,} villages — peak RSS {peak:,.0f} MB{peak_verdict}",
        f"targets: warm < {warm_target:g} s, cold < {cold_target:g} s",
        f"{'page':<22}{'cold s':>9}{'warm s':>9}{'warm/empty':>12}{'RSS MB':>9}"
        f"{'verdict':>9}  error",
    ]
    for page, row in pages.items():
        error = (row["errors"] or [""])[0][:60]
        met = row["warm"] < warm_target and row["cold"] < cold_target
        lines.append(
            f"{page:<22}{row['cold']:>9.2f}{row['warm']:>9.2f}"
            f"{row['warm'] / floor:>11.1f}×{row.get('rss_mb', 0):>9,.0f}"
            f"{'ok' if met else 'MISS':>9}  {error}"
        )
    return "\n".join(lines)


def main() -> None:
    """Build the stores, measure each in its own process, print one table per store."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="13,500,46000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", default="/tmp/wuxing-scale-bench")
    parser.add_argument("--pages", default="", help="only pages whose path contains these words")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--villages", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    keep = Path(args.keep)
    keep.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = args.backends.split(",")
    print(
        f"scale bench: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
        "(other engineers share this machine)"
    )
    postgres = (
        ThrowawayPostgres("wuxing-bench-pg-").__enter__() if "postgresql" in backends else None
    )
    try:
        for backend in backends:
            for villages in sizes:
                if backend == "sqlite":
                    url = f"sqlite:///{keep / f'store-{villages}.sqlite'}"
                else:
                    url = postgres.database(f"bench{villages}")
                started = time.perf_counter()
                _in_process("--child", "--build", "--url", url, "--villages", str(villages))
                print(
                    f"[{backend} {villages}: store ready in {time.perf_counter() - started:.0f} s]",
                    file=sys.stderr,
                )
                out = _in_process(
                    "--child",
                    "--url",
                    url,
                    "--runs",
                    str(args.runs),
                    "--home",
                    str(keep / f"home-{backend}-{villages}"),
                    "--pages",
                    args.pages,
                )
                print(
                    _table(backend, villages, json.loads(out.strip().splitlines()[-1])), flush=True
                )
    finally:
        if postgres is not None:
            postgres.__exit__()


if __name__ == "__main__":
    main()
