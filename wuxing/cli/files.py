"""Commands that write files or set up the store: export, template, sample, setup, synth."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from wuxing import catalog
from wuxing.cli.data import default_user
from wuxing.cli.outcome import EXIT_OK, EXIT_USAGE, Register, open_cli_store
from wuxing.config import Settings

if TYPE_CHECKING:
    import pandas as pd

    from wuxing.dataset import Dataset

EXPORT_KINDS = ("values", "scores", "awards", "targets", "pairs", "villages")
_PLACE = ["city", "county", "town", "village"]


def register(command: Register) -> None:
    """Add export, template, setup, sample and synth to the parser."""
    p = command("export", cmd_export, "导出当前数据（长表）")
    p.add_argument("--what", choices=EXPORT_KINDS, default="values")
    p.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    p.add_argument("-o", "--output")
    p = command("template", cmd_template, "生成某季度的上传模板（每村一行，已填季度）")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--period", help="季度，如 2024Q1（默认：已有数据最新季度的下一季度）")
    p.add_argument(
        "--area", help="只含这个地区的村，如 清丰县/马庄桥镇 或 马庄桥镇/赵家村（默认：全部）"
    )
    command("setup", cmd_setup, "创建数据库（内置库首次运行时写入示例数据）")
    p = command("sample", cmd_sample, "生成马庄桥镇示例数据工作簿；--remove 去掉库中的示例数据")
    p.add_argument("-o", "--output")
    p.add_argument(
        "--remove", action="store_true", help="撤销示例数据的版本（保留真实数据用到的村）"
    )
    p.add_argument("--user", default=default_user(), help="记录在版本中的操作人")
    p = command("synth", cmd_synth, "生成大规模合成数据工作簿（地名均标“合成”）")
    p.add_argument("--villages", type=int, required=True)
    p.add_argument("--quarters", type=int, default=8)
    p.add_argument("-o", "--output", required=True)


def export_frame(ds: Dataset, what: str) -> pd.DataFrame:
    """Current data of one kind in the long layout, with the place columns spelled out."""
    villages = ds.villages.rename(columns={"name": "village"}).set_index("code")
    frame = ds.frame(what)
    if what == "villages":
        return ds.villages.rename(columns={"name": "village"})[
            ["city", "county", "town", "village", "code", "households", "population", "cluster"]
        ]
    if what == "pairs":
        names = villages["village"]
        return frame.assign(
            mentor_village=frame["mentor"].map(names), mentee_village=frame["mentee"].map(names)
        )[["mentor_village", "mentor", "mentee_village", "mentee", "since", "until", "note"]]
    placed = frame.join(villages[_PLACE[:-1] + ["village"]], on="code")
    rest = [c for c in frame.columns if c != "code"]
    placed = placed[[*_PLACE, "code", *rest]]
    if what == "values":
        # The unit makes a bare number readable (万元 vs 元); ids stay the catalog's.
        units = {i.id: i.unit for i in catalog.INDICATORS}
        placed = placed.assign(unit=placed["indicator"].map(units))
    return placed.sort_values(["code", *rest[:2]]).reset_index(drop=True)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Print or write the current data of one kind (csv or xlsx)."""
    from wuxing.formulas import guarded_table
    from wuxing.meeting import excel

    frame = export_frame(open_cli_store(args, settings).load(), args.what)
    if args.format == "xlsx":
        if not args.output:
            print("导出 xlsx 需要用 -o 指定文件名", file=sys.stderr)
            return EXIT_USAGE
        Path(args.output).write_bytes(excel.to_xlsx(frame, sheet=args.what))
        return EXIT_OK
    # A CSV opened in Excel or WPS would run a village named "=HYPERLINK(…)": text goes guarded.
    frame = guarded_table(frame)
    if args.output:
        frame.to_csv(args.output, index=False, encoding="utf-8-sig", float_format="%.10g")
    else:
        frame.to_csv(sys.stdout, index=False, lineterminator="\n", float_format="%.10g")
    return EXIT_OK


def cmd_template(args: argparse.Namespace, settings: Settings) -> int:
    """Write the template for a quarter: one row per village of the store (or of --area), in
    pinyin order, the quarter filled in (default: the one after the newest stored)."""
    from wuxing import periods, scopes
    from wuxing.metrics import villages
    from wuxing.reading import template

    known = open_cli_store(args, settings).load()
    period = periods.parse_quarter(args.period) if args.period else template.next_period(known)
    if not period:
        print(f"看不懂的季度：{args.period}（请写作 2024Q1）", file=sys.stderr)
        return EXIT_USAGE
    area = None
    if args.area:  # any level, from any level down: 马庄桥镇/赵家村 is one village's template
        try:
            area = villages.scope(known, scopes.resolve(args.area, known.villages)).villages
        except ValueError as exc:
            area, problem = known.villages.iloc[:0], str(exc)
        else:
            problem = f"没有找到地区：{args.area}（写作 市/县/乡镇/村，如 清丰县/马庄桥镇）"
        if area.empty:
            print(problem, file=sys.stderr)
            return EXIT_USAGE
    Path(args.output).write_bytes(template.for_period(known, period, area))
    count = len(known.villages if area is None else area)
    print(f"已生成 {periods.label(period)} 模板：{args.output}（{count} 个村）")
    return EXIT_OK


def cmd_sample(args: argparse.Namespace, settings: Settings) -> int:
    """Write the sample workbook (the same bytes as data/ ships), or take the sample out of the
    store (--remove: a rollback of its version, undoable with `restore`)."""
    from wuxing.samples import sample

    if args.remove:
        store = open_cli_store(args, settings)
        removal = sample.remove(store, args.user)
        if not removal.rolled_back:
            print("数据库中没有生效的示例数据，无需去掉。")
            return EXIT_OK
        ids = "、".join(f"第 {i} 版" for i in removal.rolled_back)
        print(f"已去掉示例数据：撤销了{ids}（可用 restore 恢复）。")
        if removal.kept_revision is not None:
            print(
                f"真实数据用到的 {removal.kept_villages} 个村已另存为第 {removal.kept_revision} 版"
                "（户数、人口待上传“村庄”表补上）。"
            )
        return EXIT_OK
    if not args.output:
        print("请用 -o 指定要生成的文件，或用 --remove 去掉数据库中的示例数据", file=sys.stderr)
        return EXIT_USAGE
    Path(args.output).write_bytes(sample.workbook_bytes())
    print(f"已生成示例数据：{args.output}")
    return EXIT_OK


def cmd_setup(args: argparse.Namespace, settings: Settings) -> int:
    """Create the store (seeding the embedded default with the sample) and say where it is."""
    from wuxing.access import auth

    store = open_cli_store(args, settings)
    print(f"数据库：{store!r}，当前版本 {store.version()}")
    hint = auth.admin_hint(store, settings.public_view)
    if hint:
        print(hint)
    return EXIT_OK


def cmd_synth(args: argparse.Namespace, settings: Settings) -> int:
    """Write a large synthetic workbook (places marked 合成) for scale tests."""
    from wuxing.reading import template
    from wuxing.samples import synthetic

    data = synthetic.build(args.villages, args.quarters)
    template.write_workbook(data, args.output)
    counts = data.counts()
    print(
        f"已生成合成数据：{args.output}（{counts['villages']} 个村，{counts['values']} 个指标值）"
    )
    return EXIT_OK
