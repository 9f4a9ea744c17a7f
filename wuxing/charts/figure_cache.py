"""Figures drawn once per distinct input: a rerun shows the same charts of the same numbers.

Building a plotly figure validates every property as it is set (10–20 ms a chart), and even a
figure rebuilt without validating, then turned into JSON, costs a few milliseconds a chart: most
of a page rerun at a township's size. A builder decorated with `drawn_once` keeps, per distinct
arguments (frames compared by content), the validated figure as a plain dict and as the JSON it
sends, and hands out a figure that is only made when someone looks inside it: drawing it
(`to_dict`, which is all `st.plotly_chart` asks of it) reads the kept JSON. Every caller gets its
own figure, so changing it cannot change what is kept.

Why it stays (issue 19 asked to remove it unless a target is missed without it): with it, a
township's 结对比较 reruns in 0.05 s; without it, 0.38 s against the 150 ms target (its five small
multiples and board are validated anew on every rerun); other pages 0.05–0.13 s
(bench/scale_bench.py --sizes 13, same run conditions, Dec 2026).
"""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import ParamSpec

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

P = ParamSpec("P")

#: Figures kept across sessions, least recently used dropped first (charts hold aggregated
#: tables, a few kB to a few hundred kB each).
MAX_FIGURES = 256

_lock = threading.Lock()


@dataclass(frozen=True)
class _Kept:
    spec: dict  # the validated properties, to make the figure from without validating again
    wire: str  # the JSON of `to_dict()`: what the chart sends


_kept: OrderedDict[Hashable, _Kept] = OrderedDict()


def drawn_once(builder: Callable[P, go.Figure]) -> Callable[P, go.Figure]:
    """Decorate a figure builder so each distinct input is drawn once; see the module docstring."""
    name = f"{builder.__module__}.{builder.__qualname__}"

    @functools.wraps(builder)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> go.Figure:
        try:
            key = (name, fingerprint(args), fingerprint(tuple(sorted(kwargs.items()))))
        except TypeError as unknown:  # a caller's mistake, not a cache miss
            raise TypeError(
                f"{name} is drawn once per content: pass frames, tuples, lists, "
                f"dicts or hashable values (got {args!r})"
            ) from unknown
        with _lock:
            kept = _kept.get(key)
            if kept is not None:
                _kept.move_to_end(key)
        if kept is None:
            kept = _keep(builder(*args, **kwargs))
            with _lock:
                _kept[key] = kept
                while len(_kept) > MAX_FIGURES:
                    _kept.popitem(last=False)
        # Every caller, the first included, gets a figure made from what is kept: the JSON a
        # chart sends is then the same on every rerun, so Streamlit keeps its element (and a
        # clicked selection) instead of remounting it.
        return _DrawnFigure(kept)

    return wrapper


def forget() -> None:
    """Drop every kept figure (tests, and after the chart code itself changed)."""
    with _lock:
        _kept.clear()


class _DrawnFigure(go.Figure):
    """A kept figure nobody has looked into yet. `to_dict` answers from the kept JSON; any other
    use (reading `fig.data`, changing the layout, exporting an image) first makes the real figure
    from the kept properties, and from then on this is a plain `go.Figure`."""

    def __init__(self, kept: _Kept) -> None:
        # plotly's own __init__ runs on first use (below), not here
        object.__setattr__(self, "_kept", kept)

    def __getattribute__(self, name: str) -> object:
        if name in _ANSWERED_FROM_JSON:
            return object.__getattribute__(self, name)
        kept = object.__getattribute__(self, "_kept")
        # From here on the object is an ordinary figure: plotly's own attribute machinery.
        object.__setattr__(self, "__class__", go.Figure)
        del self.__dict__["_kept"]
        go.Figure.__init__(self, kept.spec, _validate=False)  # copies what it is given
        return getattr(self, name)

    def to_dict(self) -> dict:
        """The figure as plotly's dict (typed arrays in base64), fresh from the kept JSON."""
        return json.loads(object.__getattribute__(self, "_kept").wire)

    to_plotly_json = to_dict


_ANSWERED_FROM_JSON = frozenset({"to_dict", "to_plotly_json", "__class__"})


def _keep(fig: go.Figure) -> _Kept:
    if fig.frames:
        raise ValueError("animated figures are not kept")  # none of ours is animated
    # numpy arrays stay arrays in the spec: code reading `fig.data[0].y` expects them, where
    # `to_dict` would have turned them into base64 text.
    spec = {"data": fig._data, "layout": fig._layout}
    rebuilt = go.Figure(spec, _validate=False)  # what every caller's figure will be made of
    return _Kept(
        spec={"data": rebuilt._data, "layout": rebuilt._layout},
        wire=pio.to_json(rebuilt.to_dict(), validate=False),
    )


def fingerprint(value: object) -> Hashable:
    """A hashable stand-in for an argument: frames and series by their content (TypeError for
    what has neither a fingerprint nor a hash)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return _frame_fingerprint(value)
    if isinstance(value, tuple | list):
        return (type(value).__name__, *(fingerprint(v) for v in value))
    if isinstance(value, dict):
        return ("dict", *((k, fingerprint(v)) for k, v in sorted(value.items())))
    hash(value)
    return value


def _frame_fingerprint(frame: pd.DataFrame | pd.Series) -> Hashable:
    # Pickled, a frame is its values, dtypes, index and labels, lists in cells included, in one C
    # pass: a tenth of what hashing it column by column costs. Equal frames laid out differently
    # in memory may pickle differently: that only computes one answer twice.
    try:
        content = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError) as unpicklable:
        raise TypeError("no fingerprint") from unpicklable
    return (type(frame).__name__, hashlib.blake2b(content, digest_size=16).digest())
