"""导师帮带: two villages side by side — who leads where, whether the gap closes, and when the
weaker one is expected to reach the pass mark — and all pairs of an area at once.

Conventions used throughout (the page states them):
- the *first* village is the mentor (导师村) or, for a free choice, the reference (参照村); the
  *second* is the mentee (帮带村) or the compared village (比较村);
- every gap is first − second, so a positive score gap means the second village trails.

Modules: `matchup` (which two villages), `scores` (one village's scores, target, stars held),
`comparison` (one quarter side by side), `trends` (over time), `projection` (when the mark is
reached, against the year's target), `overview` (all pairs of an area). Callers use the names
re-exported here: `from wuxing.metrics import pairs`, then `pairs.x`.
"""

from wuxing.metrics.pairs.comparison import (
    Standing,
    any_scored,
    indicator_gaps,
    indicator_table,
    leader,
    shortfall,
    standing,
    standing_table,
    star_comparison,
    star_table,
)
from wuxing.metrics.pairs.matchup import (
    FREE_ROLES,
    KEY_SEPARATOR,
    PAIR_ROLES,
    Matchup,
    free_matchup,
    pair_key,
    pair_matchup,
    pair_notes,
    pair_options,
    village_options,
)
from wuxing.metrics.pairs.overview import (
    TREND_COLOURS_RULE,
    board_table,
    by_area_table,
    overview_table,
    pair_board,
    pairs_by_area,
    pairs_overview,
    picked_pair,
)
from wuxing.metrics.pairs.projection import (
    HORIZON,
    MIN_POINTS,
    NO_SCORE,
    PROJECTION_RULE,
    REACH_HORIZON,
    REACHED,
    TOO_FEW,
    UNREACHABLE,
    WINDOW,
    Outlook,
    Projection,
    outlook,
    project,
    projection_table,
    projections,
    target_outlook,
)
from wuxing.metrics.pairs.scores import (
    MISSING_TARGET,
    held_stars,
    score_at,
    target_of,
    village_scores,
)
from wuxing.metrics.pairs.trends import (
    CLOSING,
    STABLE,
    TREND_RULE,
    TREND_THRESHOLD,
    WIDENING,
    gap_history,
    gap_table,
    score_history,
    trend_label,
)

__all__ = [
    "CLOSING", "FREE_ROLES", "HORIZON", "KEY_SEPARATOR", "MIN_POINTS", "MISSING_TARGET",
    "NO_SCORE", "PAIR_ROLES", "PROJECTION_RULE", "REACHED", "REACH_HORIZON", "STABLE",
    "TOO_FEW", "TREND_COLOURS_RULE", "TREND_RULE", "TREND_THRESHOLD", "UNREACHABLE", "WIDENING",
    "WINDOW", "Matchup", "Outlook", "Projection", "Standing", "any_scored", "board_table",
    "by_area_table", "free_matchup", "gap_history", "gap_table", "held_stars", "indicator_gaps",
    "indicator_table", "leader", "outlook", "overview_table", "pair_board", "pair_key",
    "pair_matchup", "pair_notes", "pair_options", "pairs_by_area", "pairs_overview", "picked_pair", "project",
    "projection_table", "projections", "score_at", "score_history", "shortfall", "standing",
    "standing_table", "star_comparison", "star_table", "target_of", "target_outlook",
    "trend_label", "village_scores", "village_options",
]  # fmt: skip
