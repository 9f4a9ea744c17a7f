"""The data-changing subcommands of `python -m wuxing`: import, history, rollback, restore.

`wuxing.cli.main` owns the parser and the shared options; `register` adds these commands to it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from wuxing.cli.outcome import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, Register, open_cli_store
from wuxing.config import Settings

if TYPE_CHECKING:
    from wuxing.errors import Problem
    from wuxing.storage.store import Store

_STATUS = {"live": "生效", "rolled_back": "已撤销"}


def register(command: Register) -> None:
    """Add import, history, rollback and restore to the parser `command` builds subparsers for."""
    p = command("import", cmd_import, "检查并导入台账文件（一个或多个）")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--user", default=default_user(), help="记录在版本中的上传人")
    p.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    p.add_argument(
        "--max-mb",
        type=float,
        metavar="MB",
        help="放宽大小上限（默认同网页上传，WUXING_MAX_UPLOAD_MB）：导入全县、全省的大文件时用，"
        "解压后大小、单元格数和读取内存上限按比例放宽",
    )
    p = command("history", cmd_history, "列出所有版本")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    for name, handler, text in (
        ("rollback", cmd_rollback, "撤销一个版本"),
        ("restore", cmd_restore, "恢复一个已撤销的版本"),
    ):
        p = command(name, handler, text)
        p.add_argument("revision", type=int, metavar="REV")
        p.add_argument("--user", default=default_user())


def default_user() -> str:
    """Who a command acts as: WUXING_USER, else the login name, else 命令行."""
    return os.environ.get("WUXING_USER") or os.environ.get("USER") or "命令行"


def _store(args: argparse.Namespace, settings: Settings) -> Store:
    return open_cli_store(args, settings)


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Check files and (unless --dry-run) store them as one revision."""
    from wuxing.reading.importer import import_files

    if args.max_mb:
        settings = settings.for_large_file(args.max_mb)
    files = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"找不到文件：{name}", file=sys.stderr)
            return EXIT_USAGE
        files.append((path.name, path.read_bytes()))
    outcome = import_files(
        _store(args, settings), files, user=args.user, settings=settings, dry_run=args.dry_run
    )
    if args.json:
        print(json.dumps(outcome.as_json(), ensure_ascii=False, indent=1))
    else:
        for p in outcome.result.problems:
            print(_line(p), file=sys.stderr if p.is_error else sys.stdout)
        counts = (
            "，".join(f"{k} {n}" for k, n in outcome.result.data.counts().items() if n) or "无数据"
        )
        if not outcome.ok:
            print(
                f"未导入：{len(outcome.result.errors)} 处错误，数据库未做任何修改。",
                file=sys.stderr,
            )
        elif outcome.dry_run:
            print(f"检查通过（未写入）：{counts}")
        elif outcome.duplicate:
            print(f"相同文件已导入过（版本 {outcome.revision}），未做修改。")
        else:
            print(f"已导入：版本 {outcome.revision}（{counts}）")
    return EXIT_OK if outcome.ok else EXIT_REJECTED


def _line(p: Problem) -> str:
    level = "错误" if p.is_error else "提示"
    place = " ".join(x for x in (p.file, p.place if p.place != p.file else "") if x)
    return f"[{level}] {place} {p.code}：{p.message}"


def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    """List the revisions, newest first."""
    from wuxing.metrics import uploads

    revisions = _store(args, settings).history()
    if args.json:
        rows = [
            {
                "id": r.id,
                "created_at": r.created_at.isoformat(),
                "user": r.user,
                "filename": r.filename,
                "sha256": r.sha256,
                "size": r.size,
                "status": r.status,
                "summary": r.summary,
            }
            for r in revisions
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return EXIT_OK
    if not revisions:
        print("还没有任何版本。")
    for r in revisions:
        # The same words as the 版本记录 page (a revision without counts, the sample, shows its
        # note).
        when, what = uploads.local_time(r.created_at), uploads.summary_text(r)
        print(f"{r.id}\t{when}\t{r.user}\t{_STATUS.get(r.status, r.status)}\t{r.filename}\t{what}")
    return EXIT_OK


def cmd_rollback(args: argparse.Namespace, settings: Settings) -> int:
    """Undo one revision (its values stop counting; earlier ones show again)."""
    _store(args, settings).rollback(args.revision, args.user)
    print(f"已撤销版本 {args.revision}。")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Undo a rollback."""
    _store(args, settings).restore(args.revision, args.user)
    print(f"已恢复版本 {args.revision}。")
    return EXIT_OK
