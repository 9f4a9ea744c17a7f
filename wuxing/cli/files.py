"""Commands that write files or set up the store: export, template, sample, setup, synth."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from wuxing import catalog
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
    p = command("template", cmd_template, "生成空白上传模板")
    p.add_argument("-o", "--output", required=True)
    command("setup", cmd_setup, "创建数据库（内置库首次运行时写入示例数据）")
    p = command("sample", cmd_sample, "生成马庄桥镇示例数据工作簿")
    p.add_argument("-o", "--output", required=True)
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
    """Write the blank template, with the villages of the store in its dropdowns."""
    from wuxing.dataset import Dataset
    from wuxing.reading import template

    known = open_cli_store(args, settings).load()
    template.write_workbook(Dataset.of(villages=known.villages), args.output)
    print(f"已生成模板：{args.output}")
    return EXIT_OK


def cmd_sample(args: argparse.Namespace, settings: Settings) -> int:
    """Write the sample workbook (the same bytes as data/ ships)."""
    from wuxing.samples import sample

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
