"""Which two villages are compared: stored mentor pairs (导师帮带) or any two villages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from wuxing import periods
from wuxing.dataset import Dataset
from wuxing.memo import remembered
from wuxing.metrics.villages import names, ordered_codes, pinyin_key

PAIR_ROLES = ("导师村", "帮带村")
FREE_ROLES = ("参照村", "比较村")
KEY_SEPARATOR = "~"


@dataclass(frozen=True)
class Matchup:
    """The two villages compared: codes, display names, roles and since when they are paired."""

    first: str
    second: str
    first_name: str
    second_name: str
    roles: tuple[str, str]
    since: str | None = None

    @property
    def first_label(self) -> str:
        """`赵家村（导师村）`."""
        return f"{self.first_name}（{self.roles[0]}）"

    @property
    def second_label(self) -> str:
        """`乙村（帮带村）`."""
        return f"{self.second_name}（{self.roles[1]}）"


def pair_key(mentor: str, mentee: str) -> str:
    """The URL value naming a pair: `mentor~mentee` codes."""
    return f"{mentor}{KEY_SEPARATOR}{mentee}"


@remembered
def pair_options(ds: Dataset) -> pd.DataFrame:
    """Stored pairs, one row each, with key, names and a label `导师村 → 帮带村（…起）`, ordered
    by the mentor's then the mentee's name in pinyin."""
    columns = [
        "key",
        "mentor",
        "mentee",
        "mentor_name",
        "mentee_name",
        "since",
        "until",
        "note",
        "label",
    ]
    pairs = ds.pairs
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    label = names(ds)
    out = pairs.assign(
        key=[pair_key(m, e) for m, e in zip(pairs["mentor"], pairs["mentee"], strict=True)],
        mentor_name=pairs["mentor"].map(label).fillna(pairs["mentor"]),
        mentee_name=pairs["mentee"].map(label).fillna(pairs["mentee"]),
    )
    out["label"] = [_pair_label(r) for r in out.itertuples(index=False)]
    order = out["mentor_name"].map(pinyin_key) + "\1" + out["mentee_name"].map(pinyin_key)
    return out.assign(_o=order).sort_values("_o", kind="stable")[columns].reset_index(drop=True)


class _PairRow(Protocol):
    """A row of the pairs frame as `itertuples` gives it."""

    mentor_name: str
    mentee_name: str
    since: str  # "" when not given
    until: str


def _pair_label(row: _PairRow) -> str:
    when = f"{periods.label(row.since)}起" if row.since else "起始时间未填"
    if row.until:
        when += f"，至{periods.label(row.until)}"
    return f"{row.mentor_name} → {row.mentee_name}（{when}）"


@remembered
def pair_matchup(ds: Dataset, key: str) -> Matchup | None:
    """The stored pair named by `key` (see `pair_key`), or None when there is no such pair."""
    options = pair_options(ds)
    found = options[options["key"] == key]
    if found.empty:
        return None
    row = found.iloc[0]
    return Matchup(
        row["mentor"],
        row["mentee"],
        row["mentor_name"],
        row["mentee_name"],
        PAIR_ROLES,
        row["since"] or None,
    )


@remembered
def free_matchup(ds: Dataset, first: str, second: str) -> Matchup:
    """Any two villages: the first is the reference, the second the one compared with it.

    When the two happen to be a stored pair (either way round), they are shown as that pair.
    """
    for mentor, mentee in ((first, second), (second, first)):
        stored = pair_matchup(ds, pair_key(mentor, mentee))
        if stored is not None:
            return stored
    label = names(ds)
    return Matchup(first, second, label.get(first, first), label.get(second, second), FREE_ROLES)


@remembered
def pair_notes(ds: Dataset, code: str) -> list[str]:
    """Sentences saying whom a village mentors and who mentors it; empty when it has no pair."""
    options = pair_options(ds)
    notes = [
        f"{r.mentee_name} 的导师村（{_since_text(r.since)}）"
        for r in options[options["mentor"] == code].itertuples(index=False)
    ]
    notes += [
        f"由 {r.mentor_name} 帮带（{_since_text(r.since)}）"
        for r in options[options["mentee"] == code].itertuples(index=False)
    ]
    return notes


def pair_notes_line(ds: Dataset, code: str) -> str:
    """`赵家村：乙村 的导师村（2022年第三季度起）`: a village and its pairs in one line."""
    return f"{names(ds)[code]}：" + ("；".join(pair_notes(ds, code)) or "暂无结对帮带记录")


def matchup_caption(m: Matchup, period: str, pass_mark: float) -> str:
    """The line under a matchup: who against whom since when, the quarter, the pass mark and
    which way a gap is counted."""
    since = f" · {periods.label(m.since)}起结对" if m.since else ""
    return (
        f"{m.first_label} → {m.second_label}{since} · {periods.label(period)}"
        f" · 达标线 {pass_mark:g} 分 · 差距 = {m.roles[0]} − {m.roles[1]}"
    )


def indicator_rule(m: Matchup) -> str:
    """How the indicator comparison counts gaps and orders its rows."""
    return (
        f"差距 = {m.roles[0]} − {m.roles[1]}，差距（%）相对{m.roles[1]}的数值；"
        f"“越少越好”的指标数值低者领先。{m.second_name}落后最多（按落后幅度占两村较大值的比例）的排在最前。"
    )


def _since_text(since: str) -> str:
    return f"{periods.label(since)}起" if since else "起始时间未填"


@remembered
def village_options(ds: Dataset) -> list[str]:
    """Codes of the villages in view, in pinyin order of their names."""
    return ordered_codes(ds)
