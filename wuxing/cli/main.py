"""The command line, `python -m wuxing …`: everything the pages do with data, for scripts and tests.

Exit codes: 0 done, 1 rejected (nothing written), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from wuxing.cli import accounts as account_commands
from wuxing.cli import data as commands
from wuxing.cli import deck as deck_command
from wuxing.cli import files
from wuxing.cli.outcome import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, open_cli_store  # noqa: F401
from wuxing.config import Settings
from wuxing.errors import WuxingError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m wuxing", description="五星支部创建数据看板命令行"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Callable[..., int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--db", help="SQLAlchemy 数据库地址（默认取 WUXING_DB 或内置库）")
        p.set_defaults(handler=handler)
        return p

    files.register(command)  # export, template, setup, sample, synth
    commands.register(command)  # import, history, rollback, restore
    account_commands.register(command)  # users add|list|passwd|disable|enable
    deck_command.register(command)  # deck
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    try:
        return int(args.handler(args, Settings.from_env()))
    except WuxingError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_REJECTED
    except BrokenPipeError:
        # `… | head` closed the pipe: not an error of ours.
        sys.stderr.close()
        return EXIT_OK
