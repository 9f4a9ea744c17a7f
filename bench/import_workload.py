"""What the import bench imports, and into what: a workbook of one quarter (QUARTER) of N villages,
and a store holding the SEED_QUARTERS before it of the same villages.

Both come from `bench_villages` (one seeded random generator, drawn in one order), so the seed's
villages are exactly those the workbook's 村庄 sheet declares and its last quarter is exactly the
workbook's values divided by GROWTH: the `next` import then changes no village and trips no check.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from wuxing.dataset import Dataset

QUARTER = "2023Q1"
#: Quarters of history in the store the `next` case imports into: two years, as the scale bench's.
SEED_QUARTERS = 8
# Each stored quarter's values are the next one's divided by this: a plausible growth that trips
# no jump or fall warning, so the `next` import does the same work a clean quarterly upload does.
GROWTH = 1.05


def bench_villages(villages: int) -> tuple[pd.DataFrame, np.ndarray]:
    """The benchmark's villages (the 村庄 sheet's columns) and their QUARTER values (one row per
    village, one column per catalog indicator): deterministic, and the one source of both the
    workbook and the seed store, so the two cannot drift apart."""
    import numpy as np
    import pandas as pd

    from wuxing import catalog

    rng = np.random.default_rng(villages)
    per_town = 100
    # One draw per village, in turn: the order the workbook has always drawn them in.
    households = [float(rng.integers(200, 900)) for _ in range(villages)]
    surnames = "赵钱孙李周吴郑王冯陈"
    roster = pd.DataFrame(
        {
            "code": [f"41{i:010d}" for i in range(villages)],
            "name": [f"{surnames[i % 10]}{i // 10 % 100}庄村" for i in range(villages)],
            "town": [f"第{i // per_town + 1}镇" for i in range(villages)],
            "county": "某县",
            "city": "某市",
            "households": households,
            "population": [hh * 3.7 for hh in households],
        }
    )
    values = rng.uniform(0, 100, size=(villages, len(catalog.INDICATORS))).round(1)
    return roster, values


def build_workbook(villages: int, path: Path) -> None:
    """Write the benchmark workbook (QUARTER, deterministic: `bench_villages`) to `path`."""
    import xlsxwriter

    from wuxing import catalog
    from wuxing.reading.template import value_header

    roster, values = bench_villages(villages)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("村庄")
    sheet.write_row(0, 0, ["村代码", "村名", "乡镇", "县区", "市", "户数（户）", "人口（人）"])
    for i, row in enumerate(roster.itertuples(index=False)):
        sheet.write_row(i + 1, 0, [row.code, row.name, row.town, row.county, row.city])
        sheet.write_number(i + 1, 5, row.households)
        sheet.write_number(i + 1, 6, row.population)
    sheet = book.add_worksheet("指标")
    headers = ["村名", "乡镇", "季度", *(value_header(ind) for ind in catalog.INDICATORS)]
    sheet.write_row(0, 0, headers)
    for i, row in enumerate(roster.itertuples(index=False)):
        sheet.write_string(i + 1, 0, row.name)
        sheet.write_string(i + 1, 1, row.town)
        sheet.write_string(i + 1, 2, QUARTER)
        for j, value in enumerate(values[i]):
            sheet.write_number(i + 1, 3 + j, value)
    book.close()


def seed_quarters(villages: int) -> Iterator[Dataset]:
    """The benchmark's villages with their values of each of the SEED_QUARTERS before QUARTER,
    oldest first: QUARTER's values divided by GROWTH once per quarter back, so every figure grows
    from one quarter to the next and nothing the checks compare jumps or falls."""
    import numpy as np
    import pandas as pd

    from wuxing import catalog, periods
    from wuxing.dataset import Dataset

    roster, values = bench_villages(villages)
    # In key order (code, then indicator id), as an import hands its rows over: the insert would
    # otherwise sort them first.
    ids = np.array([ind.id for ind in catalog.INDICATORS], dtype=object)
    order = np.argsort(ids)
    codes = np.repeat(roster["code"].to_numpy(dtype=object), len(ids))
    indicators = np.tile(ids[order], villages)
    for back in range(SEED_QUARTERS, 0, -1):
        earlier = (values[:, order] / GROWTH**back).round(1).ravel()
        quarter = periods.shift(QUARTER, -back)
        rows = {"code": codes, "period": quarter, "indicator": indicators, "value": earlier}
        yield Dataset.of(villages=roster, values=pd.DataFrame(rows))
