"""What every command shares: exit codes and the store its --db option names.

Command modules import this, not `wuxing.cli.main` (which imports them). Heavy modules (pandas,
SQLAlchemy, the readers) are imported by a command when it runs, so `python -m wuxing --help`
and a command that needs none of them start fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from wuxing.config import Settings

if TYPE_CHECKING:
    from wuxing.storage.store import Store

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2

#: What a command module's `register` is given: add a subcommand (name, handler, help).
Register = Callable[..., argparse.ArgumentParser]


def open_cli_store(args: argparse.Namespace, settings: Settings) -> Store:
    """The store named by --db, else WUXING_DB, else the embedded default (seeded once)."""
    from wuxing.samples import sample
    from wuxing.storage.store import open_store

    url = getattr(args, "db", None) or settings.store_url
    store = open_store(url)
    if not getattr(args, "db", None) and settings.is_default_store and store.is_empty():
        sample.seed(store)
    return store
