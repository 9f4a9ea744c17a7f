"""Login throttling: how long a client pauses after failed logins, per account name and per client.

Failures are counted per (name, client address) and per client address over all names, never per
name alone: a stranger's failures must not lock the owner out of the owner's account. So a client
that has not been failing can always try the password, and one that keeps failing waits longer
and longer, whichever names it tries. The store counts a try before the password is checked (in
one transaction with the check of the pause), so parallel guesses cannot slip past the count.
"""

from __future__ import annotations

import math
from datetime import timedelta

#: Failed logins in a row on one name from one client that cost nothing (typos).
FREE_PER_NAME = 3
#: Failed logins from one client over all names that cost nothing (a shared office address).
FREE_PER_CLIENT = 10
FIRST_PAUSE = timedelta(seconds=30)
LONGEST_PAUSE = timedelta(minutes=15)
#: A count with no failure for this long (and no pause running) is forgotten.
FORGET_AFTER = timedelta(hours=1)
#: The row key of a client's count over all names (account keys are never empty).
ANY_NAME = ""


def pause(failures: int, free: int) -> timedelta:
    """How long to pause after `failures` failures when `free` cost nothing (doubling, capped)."""
    if failures < free:
        return timedelta(0)
    return min(FIRST_PAUSE * 2 ** (failures - free), LONGEST_PAUSE)


def name_pause(failures: int) -> timedelta:
    """The pause of one client on one name after `failures` failures."""
    return pause(failures, FREE_PER_NAME)


def client_pause(failures: int) -> timedelta:
    """The pause of one client on every name after `failures` failures over all names."""
    return pause(failures, FREE_PER_CLIENT)


def wait_text(delta: timedelta) -> str:
    """A wait in Chinese, rounded up: `30 秒`, `2 分钟`."""
    seconds = max(1, math.ceil(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} 秒"
    return f"{math.ceil(seconds / 60)} 分钟"
