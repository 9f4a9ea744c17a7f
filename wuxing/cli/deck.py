"""`python -m wuxing deck`: write the meeting deck (.pptx) for a quarter and an area."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from wuxing import periods
from wuxing.cli.outcome import EXIT_OK, EXIT_USAGE, Register, open_cli_store
from wuxing.config import Settings

if TYPE_CHECKING:
    import pandas as pd  # imported when the command runs: --help stays light


def register(command: Register) -> None:
    """Add `deck --period Q [--area|--town A] -o FILE.pptx` to the parser."""
    p = command("deck", cmd_deck, "生成会议材料（PowerPoint，图表可编辑）")
    p.add_argument("--period", help="季度，如 2023Q1（默认最新季度）")
    # DESIGN names the option --town, the issue --area: both name the same area filter.
    p.add_argument(
        "--area",
        "--town",
        dest="area",
        default=None,
        help="地区：乡镇名或“市/县/乡镇”路径（默认包含全部村的最小地区）",
    )
    p.add_argument("-o", "--output", required=True)


def resolve_area(villages_frame: pd.DataFrame, wanted: str | None) -> str | None:
    """The area path `wanted` names: a full path, or the last part (a town or county name) when
    it names exactly one area; the default area when not given; None when unknown or ambiguous."""
    from wuxing.metrics import villages

    if wanted is None:
        return villages.default_area(villages_frame)
    options = villages.area_options(villages_frame)
    if wanted in options:
        return wanted
    found = [a for a in options if villages.area_parts(a)[-1] == wanted]
    return found[0] if len(found) == 1 else None


def cmd_deck(args: argparse.Namespace, settings: Settings) -> int:
    """Build the deck from the store's current data and write it to -o."""
    from wuxing.meeting import deck
    from wuxing.metrics import villages

    ds = open_cli_store(args, settings).load()
    quarters = ds.periods()
    period = args.period or (quarters[-1] if quarters else None)
    if period is None or period not in quarters:
        known = "、".join(quarters) or "无"
        print(f"没有季度“{args.period}”的数据（已有：{known}）", file=sys.stderr)
        return EXIT_USAGE
    area = resolve_area(ds.villages, args.area)
    if area is None:
        print(
            f"找不到地区“{args.area}”，或该名称对应多个地区；请写完整路径，如 濮阳市/清丰县/马庄桥镇",
            file=sys.stderr,
        )
        return EXIT_USAGE
    data = deck.build(ds, area, period, settings.pass_mark)
    Path(args.output).write_bytes(data)
    count = len(deck.titles(ds, area, period, settings.pass_mark))
    print(
        f"已生成会议材料：{args.output}（{villages.area_label(area)} · {periods.label(period)} · {count} 页）"
    )
    return EXIT_OK
