"""Results remembered per dataset: a page rerun asks the same questions of the same data.

A dataset is immutable once built and the app keeps one per data version (`ui.load_dataset`), so
a function of a dataset and a few plain arguments (an area, a quarter, a pass mark) can keep its
answer on the dataset itself. The memory goes when the dataset goes: a new upload, rollback or
restore gives a new dataset with nothing remembered, and clearing Streamlit's caches clears this
too. At a province's 11 M values this is what turns a rerun from seconds into milliseconds.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import pandas as pd

if TYPE_CHECKING:
    from wuxing.dataset import Dataset

P = ParamSpec("P")
R = TypeVar("R")

#: Answers kept per dataset, least recently used dropped first (each is a small aggregate or a
#: village-sized table; the few village-scoped datasets of `scope` count as one each).
MAX_ENTRIES = 512

_lock = threading.Lock()


class Memory:
    """The remembered answers of one dataset (bounded, least recently used dropped first)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._max_entries = max_entries

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> tuple[bool, object]:
        """(True, answer) when `key` is remembered, else (False, None)."""
        with _lock:
            if key not in self._entries:
                return False, None
            self._entries.move_to_end(key)
            return True, self._entries[key]

    def put(self, key: Hashable, answer: object) -> None:
        """Remember `answer` under `key`."""
        with _lock:
            self._entries[key] = answer
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)


def remembered(function: Callable[P, R]) -> Callable[P, R]:
    """Decorate a function whose first argument is a Dataset so each dataset answers once per
    combination of the other (hashable) arguments; frames come back as copies, so a caller that
    changes one cannot change the remembered answer."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(ds: Dataset, *args: P.args, **kwargs: P.kwargs) -> R:
        key = (name, args, tuple(sorted(kwargs.items())))
        try:
            found, answer = ds.memory.get(key)
        except TypeError:  # an unhashable argument (a frame): nothing to remember it by
            return function(ds, *args, **kwargs)
        if not found:
            answer = function(ds, *args, **kwargs)
            ds.memory.put(key, answer)
        return _copied(answer)

    return wrapper


def _copied(answer: R) -> R:
    if isinstance(answer, pd.DataFrame | pd.Series):
        return answer.copy()
    if isinstance(answer, list):
        return list(answer)
    if isinstance(answer, dict):
        return dict(answer)
    return answer
