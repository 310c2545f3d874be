"""Scoring (pure functions; reads only Records/Observed).

* :mod:`.metrics`: plain metric functions on numpy arrays, formula in each docstring;
* :mod:`.baselines`: naive forecasts from the observed record alone;
* :mod:`.scorecard`: :func:`score` assembles the scorecard of paradigms and baselines.

``from sim.analysis import scoring as sc`` gives the public names of all three.
Definitions and how to read a scorecard: ``docs/scoring.md``.
"""

from sim.analysis.scoring.baselines import BASELINES, base_rate, linear_trend, persistence
from sim.analysis.scoring.metrics import (
    LOG_EPS,
    N_STATUS,
    brier,
    calibration_stats,
    direction_accuracy,
    exact_match,
    false_alarms,
    log_score,
    nrmse,
    one_hot,
    ordinal_probabilities,
    rps,
    sign_test,
    skill,
    timing_error,
    tolerant_probabilities,
    turning_point_scores,
    turning_points,
    zscore,
)
from sim.analysis.scoring.scorecard import (
    CONTINUOUS,
    DEFAULT_SEED,
    PRIMARY,
    REFERENCE,
    SKILL_CLIP,
    Scorecard,
    dyadic_milestone_years,
    rank_stability,
    score,
)

__all__ = [
    "BASELINES", "CONTINUOUS", "DEFAULT_SEED", "LOG_EPS", "N_STATUS", "PRIMARY", "REFERENCE",
    "SKILL_CLIP", "Scorecard", "base_rate", "brier", "calibration_stats", "direction_accuracy",
    "dyadic_milestone_years", "exact_match", "false_alarms", "linear_trend", "log_score",
    "nrmse", "one_hot", "ordinal_probabilities", "persistence", "rank_stability", "rps",
    "score", "sign_test", "skill", "timing_error", "tolerant_probabilities",
    "turning_point_scores", "turning_points", "zscore",
]
