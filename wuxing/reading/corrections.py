"""A correction typed in the browser, as the file an upload would be: so it goes through the very
same reading and checks (`importer.parse_files`) and is stored as one revision like any upload."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from wuxing import catalog
from wuxing.reading.template import value_header


def correction_file(
    code: str, name: str, period: str, values: Mapping[str, float], remark: str = ""
) -> tuple[str, bytes]:
    """One village's corrected indicator values for one quarter: (file name, UTF-8 CSV bytes).

    The village is named by its code (no name lookup can go astray); the name is only a label.
    `remark` (who and when) goes into a 备注 row, which reading skips: the same values typed
    again later are a new correction, not a repeat of the earlier file.
    """
    ids = [i.id for i in catalog.INDICATORS if i.id in values]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["村代码", "村名", "季度", *[value_header(catalog.INDICATOR_BY_ID[i]) for i in ids]]
    )
    writer.writerow([code, name, period, *[f"{float(values[i]):.12g}" for i in ids]])
    if remark:
        writer.writerow([f"备注：{remark}"])
    return f"在线改正-{name}-{period}.csv", buffer.getvalue().encode("utf-8")
