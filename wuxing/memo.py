"""Results remembered per dataset: a page rerun asks the same questions of the same data.

A dataset is immutable once built and the app keeps one per data version (`ui.load_dataset`), so
a function of a dataset and a few plain arguments (an area, a quarter, a pass mark) can keep its
answer on the dataset itself. The memory goes when the dataset goes: a new upload, rollback or
restore gives a new dataset with nothing remembered, and clearing Streamlit's caches clears this
too. At a province's 11 M values this is what turns a rerun from seconds into milliseconds.

This is one of three caches, each kept for a measured reason: Streamlit's loads each data version
once (ui/loading.py), and figures of the same numbers are drawn once (charts/figure_cache.py:
without it a township's 结对比较 reruns in 0.38 s against its 150 ms target). Display tables are
made again on every rerun, which costs a township page a few milliseconds (bench/scale_bench.py).
"""

from __future__ import annotations

import functools
import itertools
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar, cast

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from wuxing.dataset import Dataset

P = ParamSpec("P")
R = TypeVar("R")

#: Answers kept per dataset, least recently used dropped first.
MAX_ENTRIES = 512
#: And at most about this many bytes: a province's village-sized answers are megabytes each and
#: an area's scoped dataset tens of them, so browsing many areas must not grow without end. Every
#: page once at province scale remembers ~240 MB; the data itself is ~350 MB.
MAX_BYTES = 384 * 2**20

_DEPTH = 3  # how deep `size_of` looks into nested containers and objects
_SAMPLE = 32  # and how many items of each it measures

_lock = threading.Lock()


class Memory:
    """The remembered answers of one dataset (bounded, least recently used dropped first)."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every answer."""
        with _lock:
            self._entries.clear()
            self._bytes = 0

    def get(self, key: Hashable) -> tuple[bool, object]:
        """(True, answer) when `key` is remembered, else (False, None)."""
        with _lock:
            if key not in self._entries:
                return False, None
            self._entries.move_to_end(key)
            return True, self._entries[key][0]

    def put(self, key: Hashable, answer: object) -> None:
        """Remember `answer` under `key` (an answer larger than the whole budget is not kept)."""
        size = size_of(answer)
        if size > self._max_bytes:
            return
        with _lock:
            if key in self._entries:
                self._bytes -= self._entries.pop(key)[1]
            self._entries[key] = (answer, size)
            self._bytes += size
            while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
                self._bytes -= self._entries.popitem(last=False)[1][1]


def remembered(
    function: Callable[Concatenate[Dataset, P], R],
) -> Callable[Concatenate[Dataset, P], R]:
    """Decorate a function whose first argument is a Dataset so each dataset answers once per
    combination of the other (hashable) arguments; frames come back as copies, so a caller that
    changes one cannot change the remembered answer."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(ds: Dataset, /, *args: P.args, **kwargs: P.kwargs) -> R:
        key = (name, args, tuple(sorted(kwargs.items())))
        try:
            found, answer = ds.memory.get(key)
        except TypeError as unhashable:  # a frame or list: a caller's mistake, not a cache miss
            raise TypeError(
                f"{name} is remembered per dataset: its arguments must be hashable "
                f"(got {args!r}, {kwargs!r})"
            ) from unhashable
        if not found:
            answer = function(ds, *args, **kwargs)
            # Never the dataset itself (`scope` of everything): a dataset remembering itself is
            # a reference cycle, freed only by a full garbage collection, so each data version
            # would outlive its cache entry (seen as 4 GB at province scale instead of 1).
            if answer is not ds:
                ds.memory.put(key, answer)
        # What `function` returned for this key (or a copy): an R, though the memory keeps objects.
        return cast(R, _copied(answer))

    return wrapper


def size_of(answer: object, depth: int = 0) -> int:
    """Bytes an answer holds, roughly: frames with their text (a dataset counts all of its frames),
    containers and plain objects (slides, labels) from a sample of their items."""
    if isinstance(answer, pd.DataFrame | pd.Series):
        # deep: text columns are most of a village table (names, areas), and cheap to measure
        # since pandas 3 keeps them in arrow buffers.
        return int(np.sum(answer.memory_usage(index=True, deep=True)))
    if isinstance(answer, pd.Index):
        return int(answer.memory_usage(deep=True))
    if isinstance(answer, np.ndarray):
        return int(answer.nbytes)
    frames = getattr(answer, "frames", None)
    if callable(frames):
        return sum(size_of(f) for f in frames().values())
    own = sys.getsizeof(answer)
    if depth >= _DEPTH:
        return own
    if isinstance(answer, dict):
        items: Collection[object] = answer.items()
    elif isinstance(answer, list | tuple | set | frozenset):
        items = answer
    elif hasattr(answer, "__dict__"):
        items = vars(answer).values()
    else:
        return own
    # A sample is enough for a size budget: measuring every item of 46,000 village labels would
    # cost more than remembering them saves.
    sample = list(itertools.islice(items, _SAMPLE))
    if not sample:
        return own
    measured = sum(size_of(item, depth + 1) for item in sample)
    return own + measured * len(items) // len(sample)


def _copied(answer: object) -> object:
    if isinstance(answer, pd.DataFrame | pd.Series):
        # Copy-on-write (pandas 3): a change to the copy copies first, never the answer kept.
        return answer.copy(deep=False)
    if isinstance(answer, list):
        return list(answer)
    if isinstance(answer, dict):
        return dict(answer)
    return answer
