"""Row keys as integers: a value's position in a reference index, and a multi-column key numbered
from those positions. Comparing integers instead of tuples of Python strings is what keeps
matching a province's rows (snapshot overlays, score grids) fast."""

from __future__ import annotations

import numpy as np
import pandas as pd


def positions(values: pd.Series, reference: pd.Index) -> np.ndarray:
    """Where each value sits in `reference` (-1 if absent), looked up once per distinct value."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        # Its codes already number its distinct values: a province's 11 M village codes in 0.13 s,
        # where factorizing them again takes 0.35 s.
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
    else:
        codes, uniques = pd.factorize(values)
    where = reference.get_indexer(pd.Index(np.asarray(uniques, dtype=object)))
    out = where[codes] if len(where) else np.full(len(codes), -1)
    out[codes < 0] = -1
    return out


def key_numbers(frame: pd.DataFrame, key: list[str], references: list[pd.Index]) -> np.ndarray:
    """One integer per row of `frame` for its key, numbered by the distinct values of each key
    column in `references` (-1 when a value is not there)."""
    number = np.zeros(len(frame), dtype=np.int64)
    missing = np.zeros(len(frame), dtype=bool)
    for column, reference in zip(key, references, strict=True):
        position = positions(frame[column], reference)
        missing |= position < 0
        number = number * len(reference) + position
    number[missing] = -1
    return number
