"""Import benchmark: our full import (read, validate, store) vs a bare pandas read of the same file.

For 13, 500 and 46,000 villages × 1 quarter × every catalog indicator (29 columns, plus 村名,
乡镇, 季度), the workbook also carrying a 村庄 sheet so the villages are in scope. Each measurement
runs in its own process so its peak RSS is its own. Prints medians, the ratio, and peak memory.

    .venv/bin/python bench/import_bench.py [--sizes 13,500,46000] [--runs 5]
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUARTER = "2023Q1"


def build_workbook(villages: int, path: Path) -> None:
    """Write the benchmark workbook (deterministic) to `path`."""
    import numpy as np
    import xlsxwriter

    from wuxing import catalog
    from wuxing.template import value_header

    rng = np.random.default_rng(villages)
    per_town = 100
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("村庄")
    sheet.write_row(0, 0, ["村代码", "村名", "乡镇", "县区", "市", "户数（户）", "人口（人）"])
    names = [f"{'赵钱孙李周吴郑王冯陈'[i % 10]}{i // 10 % 100}庄村" for i in range(villages)]
    towns = [f"第{i // per_town + 1}镇" for i in range(villages)]
    for i in range(villages):
        code = f"41{i:010d}"
        hh = int(rng.integers(200, 900))
        sheet.write_row(i + 1, 0, [code, names[i], towns[i], "某县", "某市"])
        sheet.write_number(i + 1, 5, hh)
        sheet.write_number(i + 1, 6, hh * 3.7)
    sheet = book.add_worksheet("指标")
    headers = ["村名", "乡镇", "季度", *(value_header(ind) for ind in catalog.INDICATORS)]
    sheet.write_row(0, 0, headers)
    values = rng.uniform(0, 100, size=(villages, len(catalog.INDICATORS))).round(1)
    for i in range(villages):
        sheet.write_string(i + 1, 0, names[i])
        sheet.write_string(i + 1, 1, towns[i])
        sheet.write_string(i + 1, 2, QUARTER)
        for j, value in enumerate(values[i]):
            sheet.write_number(i + 1, 3 + j, value)
    book.close()


def run_one(path: Path, method: str, runs: int) -> dict[str, object]:
    """Time `runs` runs of one method in this process; report times and peak RSS."""
    import pandas as pd

    from wuxing.config import Settings
    from wuxing.importer import import_files
    from wuxing.store import open_store

    content = path.read_bytes()
    settings = Settings(max_upload_mb=200, max_uncompressed_mb=2000)
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(f"sqlite:///{tmp}/bench.sqlite") if method == "ours" else None
            started = time.perf_counter()
            if method == "ours":
                outcome = import_files(
                    store, [(path.name, content)], user="bench", settings=settings
                )
                assert outcome.stored, outcome.result.errors[:3]
            else:
                pd.read_excel(io.BytesIO(content), sheet_name=None, engine="calamine")
            times.append(time.perf_counter() - started)
            if store is not None:
                store.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"times": times, "peak_mb": peak_mb}


def main() -> None:
    """Build the workbooks, measure each in a fresh process, print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="13,500,46000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--one", nargs=3, metavar=("PATH", "METHOD", "RUNS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(Path(args.one[0]), args.one[1], int(args.one[2]))))
        return
    print(
        f"{'villages':>9} {'file MB':>8} {'ours s':>8} {'pandas s':>9} {'ratio':>6} {'ours MB':>8} {'pandas MB':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"bench_{size}.xlsx"
            build_workbook(size, path)
            runs = args.runs if size < 10_000 else max(3, args.runs // 2)
            result = {}
            for method in ("ours", "pandas"):
                out = subprocess.run(
                    [sys.executable, __file__, "--one", str(path), method, str(runs)],
                    check=True, capture_output=True, text=True,
                )  # fmt: skip
                result[method] = json.loads(out.stdout.strip().splitlines()[-1])
            ours = statistics.median(result["ours"]["times"])
            bare = statistics.median(result["pandas"]["times"])
            print(
                f"{size:>9} {path.stat().st_size / 1e6:>8.2f} {ours:>8.3f} {bare:>9.3f} {ours / bare:>6.2f}"
                f" {result['ours']['peak_mb']:>8.0f} {result['pandas']['peak_mb']:>9.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
