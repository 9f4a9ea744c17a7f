"""The canonical tables (villages, values, scores, awards, targets, pairs) declared once, and a
`Dataset` that holds one frame per kind: what an upload carries and what the store returns."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field, fields, replace
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from wuxing.memo import Memory, remembered

Kind = Literal["villages", "values", "scores", "awards", "targets", "pairs"]


@dataclass(frozen=True)
class TableSchema:
    """Columns of one canonical table, their dtypes, and the columns that identify a row."""

    kind: Kind
    label: str
    columns: dict[str, str]
    key: tuple[str, ...]


SCHEMAS: dict[str, TableSchema] = {
    s.kind: s
    for s in (
        TableSchema(
            "villages",
            "村庄",
            {
                "code": "str",
                "name": "str",
                "town": "str",
                "county": "str",
                "city": "str",
                "households": "Float64",
                "population": "Float64",
                "cluster": "str",
            },
            ("code",),
        ),
        TableSchema(
            "values",
            "指标",
            {"code": "str", "period": "str", "indicator": "str", "value": "float64"},
            ("code", "period", "indicator"),
        ),
        TableSchema(
            "scores",
            "星级评分",
            {"code": "str", "period": "str", "star": "str", "score": "float64"},
            ("code", "period", "star"),
        ),
        TableSchema(
            "awards",
            "星级评定",
            {"code": "str", "year": "int64", "star": "str", "awarded": "bool"},
            ("code", "year", "star"),
        ),
        TableSchema(
            "targets",
            "创星目标",
            # `stars` lists the star ids aimed for, comma-separated; empty when only a level is set.
            {"code": "str", "year": "int64", "level": "int64", "stars": "str"},
            ("code", "year"),
        ),
        TableSchema(
            "pairs",
            "结对帮带",
            {"mentor": "str", "mentee": "str", "since": "str", "until": "str", "note": "str"},
            ("mentor", "mentee"),
        ),
    )
}
KINDS: tuple[str, ...] = tuple(SCHEMAS)


def empty_frame(kind: str) -> pd.DataFrame:
    """An empty frame with the canonical columns and dtypes of `kind`."""
    # A copy of one built once: building six from typed Series took 14 ms per empty Dataset,
    # a tenth of a whole county's import.
    return _empty_prototype(kind).copy()


@functools.cache
def _empty_prototype(kind: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in SCHEMAS[kind].columns.items()})


def conform(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with exactly the canonical columns of `kind`, in order, cast to their dtypes."""
    schema = SCHEMAS[kind]
    if frame.empty:
        return empty_frame(kind)
    if _is_canonical(schema, frame):
        # The importer and the store build canonical frames: rebuilding them column by column
        # cost a third of a small import.
        return frame.reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    for column, dtype in schema.columns.items():
        if column in frame.columns:
            series = frame[column]
        else:
            series = pd.Series(pd.NA if dtype != "str" else "", index=frame.index)
        # Already canonical strings without gaps (the importer builds them so): skip the
        # round trip through Python objects, which costs seconds at a province's size.
        if dtype == "str" and not (isinstance(series.dtype, pd.StringDtype) and not series.hasnans):
            series = series.astype("object").where(series.notna(), "").astype(str)
        out[column] = series.astype(dtype)
    return out.reset_index(drop=True)


def in_key_order(frame: pd.DataFrame, key: list[str]) -> bool:
    """True when the rows ascend strictly by `key` (compared as the database does: code points)."""
    if len(frame) < 2:
        return True
    undecided = None  # where row i+1 equals row i on the key columns so far
    for column in key:
        try:
            values = _arrow(frame[column])
        except (pa.ArrowException, TypeError):  # a column arrow cannot take: undecided
            return False
        if values.null_count:  # a gap compares as nothing: undecided
            return False
        after, before = values.slice(1), values.slice(0, len(values) - 1)
        less = pc.less(after, before)
        if undecided is not None:
            less = pc.and_(undecided, less)
        if pc.any(less).as_py():
            return False
        equal = pc.equal(after, before)
        undecided = equal if undecided is None else pc.and_(undecided, equal)
        if not pc.any(undecided).as_py():
            return True
    return False  # a key repeated


def _arrow(series: pd.Series) -> pa.Array:
    """A column as one arrow array (a frame built by concat holds several chunks)."""
    values = pa.array(series)
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def repeated_key(kind: str, frame: pd.DataFrame) -> tuple[object, ...] | None:
    """The first key of `kind` that two rows of `frame` share, or None when every key is its own."""
    key = list(SCHEMAS[kind].key)
    # A frame in key order (the importer writes its rows so) repeats no key: comparing
    # neighbours is several times cheaper than hashing every key to look for repeats.
    if in_key_order(frame, key):
        return None
    repeated = frame[key][frame.duplicated(key)]
    return None if repeated.empty else tuple(repeated.iloc[0])


def _is_canonical(schema: TableSchema, frame: pd.DataFrame) -> bool:
    """True when `frame` has exactly the schema's columns, in order, dtypes, no gaps in text."""
    if list(frame.columns) != list(schema.columns):
        return False
    for column, dtype in schema.columns.items():
        series = frame[column]
        if series.dtype != _dtype(dtype):
            return False
        if dtype == "str" and series.hasnans:
            return False
    return True


@functools.cache
def _dtype(name: str) -> object:
    return pd.api.types.pandas_dtype(name)


def generated_code(city: str, county: str, town: str, name: str) -> str:
    """A stable code for a village whose official 12-digit code is unknown (`X` + 11 digits)."""
    digest = hashlib.sha256(f"{city}|{county}|{town}|{name}".encode()).hexdigest()
    return "X" + str(int(digest[:16], 16))[-11:].rjust(11, "0")


def _empty(kind: str) -> pd.DataFrame:
    return empty_frame(kind)


@dataclass(frozen=True)
class Dataset:
    """One frame per data kind, plus where it came from (the store's data version)."""

    villages: pd.DataFrame = field(default_factory=lambda: _empty("villages"))
    values: pd.DataFrame = field(default_factory=lambda: _empty("values"))
    scores: pd.DataFrame = field(default_factory=lambda: _empty("scores"))
    awards: pd.DataFrame = field(default_factory=lambda: _empty("awards"))
    targets: pd.DataFrame = field(default_factory=lambda: _empty("targets"))
    pairs: pd.DataFrame = field(default_factory=lambda: _empty("pairs"))
    #: The store's data version this reflects (`Store.data_version`; 0 for data not from a store).
    data_version: int = 0
    #: True while the shipped sample data is part of what is shown.
    is_sample: bool = False
    #: Answers remembered for this data (`memo.remembered`); a changed copy starts empty.
    memory: Memory = field(default_factory=Memory, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, data_version: int = 0, is_sample: bool = False, **frames: pd.DataFrame) -> Dataset:
        """A dataset from whichever frames are given, each conformed to its schema."""
        unknown = set(frames) - set(KINDS)
        if unknown:
            raise TypeError(f"unknown data kinds: {sorted(unknown)}")
        conformed = {k: conform(k, f) for k, f in frames.items()}
        return cls(data_version=data_version, is_sample=is_sample, **conformed)

    def frame(self, kind: str) -> pd.DataFrame:
        """The frame of one data kind."""
        return getattr(self, kind)

    def frames(self) -> dict[str, pd.DataFrame]:
        """All frames by kind."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in KINDS}

    def counts(self) -> dict[str, int]:
        """Number of rows per kind."""
        return {k: len(f) for k, f in self.frames().items()}

    @property
    def is_empty(self) -> bool:
        """True when no kind has a row."""
        return not any(self.counts().values())

    def with_frames(self, **frames: pd.DataFrame) -> Dataset:
        """A copy with some frames replaced (conformed to their schemas)."""
        return replace(self, **{k: conform(k, f) for k, f in frames.items()})

    @remembered
    def periods(self) -> list[str]:
        """All quarters that have values or scores, in time order."""
        # unique() first: a Python set over 11 M cells takes half a minute.
        found = set(self.values["period"].unique()) | set(self.scores["period"].unique())
        return sorted(p for p in found if p)

    @remembered
    def years(self) -> list[int]:
        """All years that have awards, targets, values or scores, ascending."""
        found = {int(p[:4]) for p in self.periods()}
        found |= set(self.awards["year"].unique().tolist())
        found |= set(self.targets["year"].unique().tolist())
        return sorted(found)


def plain_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its categorical columns (how the store hands out codes and ids, for memory at
    a province's scale) as plain strings, for comparing quarters with <= and joining on codes."""
    changes = {}
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            # Each category converted once, then taken by code: 5× faster than astype(str).
            labels = pd.array(values.cat.categories.astype(str), dtype="str")
            taken = labels.take(values.cat.codes.to_numpy(), allow_fill=True)
            changes[column] = pd.Series(taken, index=frame.index)
    return frame.assign(**changes) if changes else frame
