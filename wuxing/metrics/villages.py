"""Which villages are in view (the area filter) and in which order they are listed (pinyin)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from wuxing import scopes
from wuxing.collation import pinyin_key, sort_by_pinyin  # noqa: F401  (re-exported)
from wuxing.dataset import Dataset
from wuxing.memo import remembered

AREA_LEVELS: tuple[str, ...] = ("city", "county", "town")
#: The columns an area path is matched on: it may end at a village (a village account's scope).
_PATH_LEVELS = (*AREA_LEVELS, "name")
AREA_LEVEL_LABELS = {"city": "市", "county": "县（区）", "town": "乡镇", "village": "村"}
ALL_AREAS = ""


# Area paths are `wuxing.scopes`' (the store checks scopes with them too); re-exported here.
AREA_SEPARATOR = scopes.AREA_SEPARATOR
escape_part = scopes.escape_part
join_area = scopes.join_area
area_parts = scopes.area_parts


def escape_parts(names: pd.Series) -> pd.Series:
    """`escape_part` of a column of names."""
    return names.str.replace("%", "%25", regex=False).str.replace("/", "%2F", regex=False)


def area_label(area: str) -> str:
    """The name to show for an area: its last part, or 全部 for everything."""
    parts = area_parts(area)
    return parts[-1] if parts else "全部地区"


def area_options(villages: pd.DataFrame) -> list[str]:
    """Every area path (city, county, town) that has villages, in pinyin order within levels."""
    options: set[str] = set()
    for row in villages[list(AREA_LEVELS)].drop_duplicates().itertuples(index=False):
        path: list[str] = []
        for part in row:
            if not part:
                break
            path.append(part)
            options.add(join_area(path))
    return sorted(options, key=lambda a: [pinyin_key(p) for p in area_parts(a)])


def default_area(villages: pd.DataFrame) -> str:
    """The narrowest area that still holds every village (the township for the sample)."""
    path: list[str] = []
    for level in AREA_LEVELS:
        found = villages[level].unique() if not villages.empty else []
        if len(found) != 1 or not found[0]:
            break
        path.append(str(found[0]))
    return join_area(path)


def browsable_areas(options: list[str], view: str, own: str = ALL_AREAS) -> list[str]:
    """The sidebar's areas for an account that may browse `view` and answers for `own`: the
    options inside `view`, and `view` and `own` themselves even below the options' levels (a
    village), each right after its parent, in the options' order."""
    if not area_parts(view):
        kept = list(options)
    else:
        kept = [a for a in options if scopes.within(a, view)]
    for extra in (view, own):
        if extra in kept or not scopes.within(extra, view):
            continue
        parent = join_area(area_parts(extra)[:-1])
        kept.insert(kept.index(parent) + 1 if parent in kept else len(kept), extra)
    return kept


def in_area(villages: pd.DataFrame, area: str) -> pd.Series:
    """Boolean mask of the villages inside `area` (市/县/乡镇, or down to one 村)."""
    mask = pd.Series(True, index=villages.index)
    for level, part in zip(_PATH_LEVELS, area_parts(area), strict=False):
        mask &= villages[level] == part
    return mask


@remembered
def village_count(ds: Dataset, area: str) -> int:
    """How many villages `area` holds (counted once per dataset, not on every rerun)."""
    return int(in_area(ds.villages, area).sum())


@remembered
def scope(ds: Dataset, area: str) -> Dataset:
    """The dataset restricted to the villages of `area` (pairs kept when the mentee is inside)."""
    if not area_parts(area):
        return ds
    villages = ds.villages[in_area(ds.villages, area)]
    codes = set(villages["code"])
    return replace(
        ds,
        villages=villages.reset_index(drop=True),
        values=ds.values[ds.values["code"].isin(codes)].reset_index(drop=True),
        scores=ds.scores[ds.scores["code"].isin(codes)].reset_index(drop=True),
        awards=ds.awards[ds.awards["code"].isin(codes)].reset_index(drop=True),
        targets=ds.targets[ds.targets["code"].isin(codes)].reset_index(drop=True),
        pairs=ds.pairs[ds.pairs["mentee"].isin(codes)].reset_index(drop=True),
    )


@remembered
def names(ds: Dataset) -> pd.Series:
    """Village name by code; a name shared by villages of different towns gets its town added."""
    villages = ds.villages
    duplicated = villages["name"].duplicated(keep=False)
    label = villages["name"].where(~duplicated, villages["name"] + "（" + villages["town"] + "）")
    return pd.Series(label.to_numpy(), index=villages["code"].to_numpy(), name="village")


@remembered
def ordered_codes(ds: Dataset) -> list[str]:
    """Village codes in pinyin order of their names."""
    label = names(ds)
    keys = [pinyin_key(name) for name in label.tolist()]
    codes = label.index.tolist()
    return [codes[i] for i in sorted(range(len(keys)), key=keys.__getitem__)]


@remembered
def code_index(ds: Dataset) -> pd.Index:
    """`ordered_codes` as an index (immutable, so shared rather than copied)."""
    return pd.Index(ordered_codes(ds), name="code")


def with_names(frame: pd.DataFrame, ds: Dataset, code_column: str = "code") -> pd.DataFrame:
    """`frame` with a `village` column of display names, rows in pinyin order."""
    label = names(ds)
    out = frame.assign(village=frame[code_column].map(label).fillna(frame[code_column]))
    # Each distinct name keyed once, rows sorted by the rank of their name: keying every row took
    # most of a second for a province's village-years. Keys differ for different names (the name
    # is part of the key), so this is the same stable order.
    ranked = pd.Index(sorted(pd.unique(out["village"].to_numpy()), key=pinyin_key))
    order = ranked.get_indexer(out["village"].to_numpy())
    return out.iloc[np.argsort(order, kind="stable")]


# -- the village picker ---------------------------------------------------------------------------

#: More villages in view than this: the picker asks for the township first. A browser takes
#: ten seconds to apply a pick among a province's 46,000 options (0.6 s among a county's 437).
PICKER_LIMIT = 1000


@remembered
def labels(ds: Dataset) -> dict[str, str]:
    """Display name by code (`villages.names`) as a plain dict, for a picker that formats every
    option on every rerun: 46,000 lookups in a Series of strings took over a second."""
    label_of = names(ds)
    return dict(zip(label_of.index.tolist(), label_of.tolist(), strict=True))


def _town_paths(villages: pd.DataFrame) -> pd.Series:
    city, county, town = (escape_parts(villages[level]) for level in ("city", "county", "town"))
    return city + AREA_SEPARATOR + county + AREA_SEPARATOR + town


@remembered
def towns(ds: Dataset) -> list[str]:
    """The townships of the villages in view as paths (市/县/乡镇), in pinyin order."""
    paths = pd.unique(_town_paths(ds.villages))
    return sorted(paths, key=lambda p: [pinyin_key(part) for part in p.split("/")])


def town_label(path: str) -> str:
    """`平新市/南和县/西高镇` → `平新市 › 南和县 › 西高镇` (parts left blank are skipped)."""
    return " › ".join(area_parts(path)) or "未填写乡镇"


@remembered
def town_of(ds: Dataset, code: str | None) -> str | None:
    """The township path of one village, None when it is not in view."""
    rows = ds.villages[ds.villages["code"] == code]
    return None if rows.empty else str(_town_paths(rows).iloc[0])


@remembered
def codes_in_town(ds: Dataset, town: str) -> list[str]:
    """The codes of one township's villages, in pinyin order of their names."""
    inside = ds.villages.loc[_town_paths(ds.villages) == town, "code"]
    label_of = names(ds)
    return sorted(inside.tolist(), key=lambda c: pinyin_key(label_of[c]))
