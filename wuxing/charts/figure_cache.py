"""Figures drawn once per distinct input: a rerun shows the same charts of the same numbers.

Building a plotly figure validates every property as it is set (10–20 ms a chart), which is most
of a page rerun's time at a township's size. A builder decorated with `drawn_once` keeps, per
distinct arguments (frames compared by content), the figure as a plain dict and hands out a new
figure made from it without validating again (it was valid when built): under a millisecond. The
caller gets its own figure, so changing it cannot change what is kept.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import ParamSpec

import pandas as pd
import plotly.graph_objects as go

P = ParamSpec("P")

#: Figures kept across sessions, least recently used dropped first (charts hold aggregated
#: tables, a few kB to a few hundred kB each).
MAX_FIGURES = 256

_kept: OrderedDict[Hashable, dict] = OrderedDict()
_lock = threading.Lock()


def drawn_once(builder: Callable[P, go.Figure]) -> Callable[P, go.Figure]:
    """Decorate a figure builder so each distinct input is drawn once; see the module docstring."""
    name = f"{builder.__module__}.{builder.__qualname__}"

    @functools.wraps(builder)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> go.Figure:
        try:
            key = (name, _fingerprint(args), _fingerprint(tuple(sorted(kwargs.items()))))
        except TypeError:  # an argument we cannot fingerprint: draw it every time
            return builder(*args, **kwargs)
        with _lock:
            spec = _kept.get(key)
            if spec is not None:
                _kept.move_to_end(key)
        if spec is None:
            spec = _spec(builder(*args, **kwargs))
            with _lock:
                _kept[key] = spec
                while len(_kept) > MAX_FIGURES:
                    _kept.popitem(last=False)
        # Every caller, the first included, gets a figure rebuilt from the kept dict: the JSON a
        # chart sends is then the same on every rerun, so Streamlit keeps its element (and a
        # clicked selection) instead of remounting it.
        return go.Figure(spec, _validate=False)  # copies what it is given

    return wrapper


def forget() -> None:
    """Drop every kept figure (tests, and after the chart code itself changed)."""
    with _lock:
        _kept.clear()


def _spec(fig: go.Figure) -> dict:
    """The figure's properties as validated (numpy arrays kept as they are, where `to_dict` would
    turn them into base64 text that code reading `fig.data[0].y` does not expect)."""
    if fig.frames:
        raise ValueError("animated figures are not kept")  # none of ours is animated
    return {"data": copy.deepcopy(fig._data), "layout": copy.deepcopy(fig._layout)}


def _fingerprint(value: object) -> Hashable:
    """A hashable stand-in for an argument: frames and series by their content."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return _frame_fingerprint(value)
    if isinstance(value, tuple | list):
        return (type(value).__name__, *(_fingerprint(v) for v in value))
    if isinstance(value, dict):
        return ("dict", *((k, _fingerprint(v)) for k, v in sorted(value.items())))
    hash(value)  # TypeError for anything else that cannot be a key
    return value


def _frame_fingerprint(frame: pd.DataFrame | pd.Series) -> Hashable:
    try:
        hashed = pd.util.hash_pandas_object(frame, index=True)
    except TypeError:  # lists in cells (a target's stars): hash their text instead
        hashed = pd.util.hash_pandas_object(frame.astype(str), index=True)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(hashed.to_numpy().tobytes())
    if isinstance(frame, pd.DataFrame):
        columns = tuple((str(c), str(t)) for c, t in frame.dtypes.items())
        names = tuple(map(str, frame.index.names))
        return ("frame", frame.shape, columns, names, digest.hexdigest())
    return ("series", len(frame), str(frame.name), str(frame.dtype), digest.hexdigest())
