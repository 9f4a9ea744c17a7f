"""The villages an upload may name, and resolving what a row writes (code, town, name) to a code."""

from __future__ import annotations

import difflib
import functools
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from wuxing.reading.names import clean_text, compact, compact_all, town_key, village_key

# Suggestions scan every name in scope; past this many unknown names a file is plainly from
# elsewhere and more suggestions would only cost time.
_MAX_SUGGESTED = 50


@dataclass(frozen=True)
class Unresolved:
    """Why a row's village could not be told: a problem code and a Chinese message."""

    code: str
    message: str


def village_code(value: object) -> str:
    """A village code as text: numbers typed into Excel lose their `.0`, text keeps its zeros."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return compact(value)


class VillageScope:
    """Known villages (store + upload), indexed by code, by name and by (town, name)."""

    def __init__(self, villages: pd.DataFrame) -> None:
        self._source = villages
        self._suggested = 0
        self._cache: dict[tuple[str, str, str, str], str | Unresolved] = {}

    @functools.cached_property
    def villages(self) -> pd.DataFrame:
        """The known villages, one row per code (the last one given wins)."""
        if self._source["code"].is_unique:
            return self._source
        return self._source.drop_duplicates("code", keep="last")

    @functools.cached_property
    def name_of(self) -> dict[str, str]:
        """Each known village's name as stored, by code."""
        return dict(
            zip(self.villages["code"].tolist(), self.villages["name"].tolist(), strict=True)
        )

    @functools.cached_property
    def codes(self) -> set[str]:
        """Every known code."""
        return set(self.villages["code"].tolist())

    @functools.cached_property
    def by_name(self) -> dict[str, list[str]]:
        """Codes by village key (built on first use, like the indexes below: an upload whose
        村庄 sheet gives every code never indexes the store's, and rows that name their town
        never need this one)."""
        index: dict[str, list[str]] = defaultdict(list)
        # tolist(): iterating arrow-backed columns element by element is many times slower.
        names = self.villages["name"].tolist()
        for code, name in zip(self.villages["code"].tolist(), names, strict=True):
            index[village_key(name)].append(code)
        return index

    @property
    def by_town_name(self) -> dict[tuple[str, str], list[str]]:
        """Codes by (town key, village key)."""
        return self._by_town[0]

    @property
    def towns(self) -> dict[str, str]:
        """Town names as written, by town key."""
        return self._by_town[1]

    @functools.cached_property
    def _by_town(self) -> tuple[dict[tuple[str, str], list[str]], dict[str, str]]:
        index: dict[tuple[str, str], list[str]] = defaultdict(list)
        towns: dict[str, str] = {}
        for code, name, town in zip(
            self.villages["code"].tolist(),
            self.villages["name"].tolist(),
            self.villages["town"].tolist(),
            strict=True,
        ):
            part = town_key(town)
            index[(part, village_key(name))].append(code)
            if town:
                towns[part] = town
        return index, towns

    @functools.cached_property
    def _names(self) -> list[str]:
        return sorted({str(n) for n in self.villages["name"].tolist()})

    def _label(self, code: str) -> str:
        row = self.villages.loc[self.villages["code"] == code].iloc[0]
        name, town = row["name"], row["town"]
        return f"{name}（{town}）" if town else name

    def town_in(self, text: str) -> str:
        """The one known town a title names (`马庄桥镇2023年…统计表` → 马庄桥), else ''."""
        found = {key for key, full in self.towns.items() if full and full in text}
        return found.pop() if len(found) == 1 else ""

    def resolve(
        self, name: object, town: object = "", code: object = "", hint_town: str = ""
    ) -> str | Unresolved:
        """The code of the village a row names, or why it cannot be told."""
        key = (village_code(code), compact(name), compact(town), hint_town)
        if key not in self._cache:
            self._cache[key] = self._resolve(*key)
        return self._cache[key]

    def resolve_all(
        self,
        names: list[object],
        towns: list[object] | None = None,
        codes: list[object] | None = None,
        hint_town: str = "",
    ) -> list[str | Unresolved]:
        """`resolve` of each row of these columns (None: the sheet has no such column).

        A row naming a known code, or exactly one village by (town, name) or by its name, is
        looked up directly: the same answer as `resolve`, without its per-row key building
        (a province's 46,000 rows: ~0.3 s). Anything else goes through `resolve`.
        """
        wanted = compact_all(names)
        in_towns = compact_all(towns) if towns is not None else [""] * len(wanted)
        in_codes = [village_code(c) for c in codes] if codes is not None else [""] * len(wanted)
        out: list[str | Unresolved] = []
        for name, town, code in zip(wanted, in_towns, in_codes, strict=True):
            if code:
                found = [code] if code in self.codes else None
            elif not name:
                found = None
            elif town:
                key = town_key(town)
                known = key in self.towns  # the indexes are built on first use, as in `resolve`
                found = self.by_town_name.get((key, village_key(name))) if known else None
            else:
                found = self.by_name.get(village_key(name))
            if found is not None and len(found) == 1:
                out.append(found[0])
            else:
                out.append(self.resolve(name, town, code, hint_town))
        return out

    def _resolve(self, code: str, name: str, town: str, hint_town: str) -> str | Unresolved:
        if code:
            if code in self.codes:
                return code
            return Unresolved(
                "village_unknown",
                f"村代码“{code}”不在已有村庄中。请核对代码，或先在“村庄”表中登记该村。",
            )
        if not name:
            return Unresolved(
                "village_missing", "这一行有数据但没有村名。请填写村名（重名村同时填写乡镇）。"
            )
        shown = clean_text(name)
        if town:
            tk = town_key(town)
            if tk not in self.towns:
                return Unresolved(
                    "town_unknown",
                    f"乡镇“{clean_text(town)}”不在已有乡镇中（已有：{self._town_list()}）。请核对乡镇名称。",
                )
            candidates = self.by_town_name.get((tk, village_key(name)), [])
            if not candidates:
                return Unresolved(
                    "village_unknown",
                    f"{self.towns[tk]}没有名为“{shown}”的村。{self._suggest(name, tk)}"
                    "请改正村名，或先在“村庄”表中登记该村。",
                )
        else:
            candidates = self.by_name.get(village_key(name), [])
        if not town and hint_town and len(candidates) > 1:
            narrowed = [c for c in candidates if (hint_town, village_key(name)) in self._keys_of(c)]
            candidates = narrowed or candidates
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            return Unresolved(
                "village_unknown",
                f"村名“{shown}”不在已有村庄中（系统中和本次上传的“村庄”表里都没有）。"
                f"{self._suggest(name, '')}请改正村名，或先在“村庄”表中登记该村。",
            )
        listed = "、".join(f"{self._label(c)}，代码 {c}" for c in candidates[:10])
        return Unresolved(
            "village_ambiguous",
            f"村名“{shown}”有 {len(candidates)} 个同名村：{listed}。"
            "请增加“乡镇”列（或填写村代码）指明是哪个村。",
        )

    def _keys_of(self, code: str) -> set[tuple[str, str]]:
        row = self.villages.loc[self.villages["code"] == code].iloc[0]
        return {(town_key(row["town"]), village_key(row["name"]))}

    def _town_list(self) -> str:
        towns = sorted(set(self.towns.values()))
        return "、".join(towns[:8]) + ("等" if len(towns) > 8 else "") if towns else "无"

    def _suggest(self, name: str, town: str) -> str:
        if self._suggested >= _MAX_SUGGESTED:
            return ""
        self._suggested += 1
        pool = self._names
        if town:
            codes = {c for (t, _), cs in self.by_town_name.items() if t == town for c in cs}
            pool = sorted(set(self.villages.loc[self.villages["code"].isin(codes), "name"]))
        close = difflib.get_close_matches(compact(name), pool, n=3, cutoff=0.4)
        return f"是否是：{'、'.join(close)}？" if close else ""
