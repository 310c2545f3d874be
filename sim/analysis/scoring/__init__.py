"""Scoring (pure functions; reads only Records/Observed).

* :mod:`.metrics`: plain metric functions on numpy arrays, formula in each docstring;
* :mod:`.proper`: proper scores of ensembles (CRPS, interval score), PIT, band coverage,
  the bounded skill;
* :mod:`.significance`: Diebold–Mariano (HLN) tests and the model confidence set;
* :mod:`.baselines`: naive forecasts from the observed record alone, and the level map;
* :mod:`.target` and :mod:`.contributions`: the per-year primary scores that the scorecard,
  the calibration loss and the validation bootstrap share;
* :mod:`.diagnostics`: reported extras (bands, PIT, direction, timing, sign test);
* :mod:`.scorecard`: :func:`score` assembles the scorecard of paradigms and baselines.

``from sim.analysis import scoring as sc`` gives the public names.
Definitions and how to read a scorecard: ``docs/scoring.md``.
"""

from sim.analysis.scoring.baselines import (
    BASELINES,
    base_rate,
    level_map,
    linear_trend,
    persistence,
)
from sim.analysis.scoring.contributions import (
    WORST,
    Component,
    Contributions,
    Simulated,
    simulated_from_records,
    summarise,
    year_counts,
)
from sim.analysis.scoring.diagnostics import dyadic_milestone_years
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
from sim.analysis.scoring.proper import (
    BANDS,
    band,
    bounded_skill,
    coverage,
    crps_ensemble,
    interval_score,
    ordinal_log_score,
    pit,
    pit_histogram,
)
from sim.analysis.scoring.scorecard import (
    DEFAULT_SEED,
    Scorecard,
    rank_stability,
    score,
    simulate,
)
from sim.analysis.scoring.significance import (
    DMResult,
    MCSResult,
    confidence_set,
    diebold_mariano,
)
from sim.analysis.scoring.target import (
    CONTINUOUS,
    INDEPENDENT,
    PRIMARY,
    REFERENCE,
    Target,
    aggregate_observables,
)

__all__ = [
    "BANDS", "BASELINES", "CONTINUOUS", "DEFAULT_SEED", "INDEPENDENT", "LOG_EPS", "N_STATUS",
    "PRIMARY", "REFERENCE", "WORST", "Component", "Contributions", "DMResult", "MCSResult",
    "Scorecard", "Simulated", "Target", "aggregate_observables", "band", "base_rate",
    "bounded_skill", "brier", "calibration_stats", "confidence_set", "coverage",
    "crps_ensemble", "diebold_mariano", "direction_accuracy", "dyadic_milestone_years",
    "exact_match", "false_alarms", "interval_score", "level_map", "linear_trend", "log_score",
    "nrmse", "one_hot", "ordinal_log_score", "ordinal_probabilities", "persistence", "pit",
    "pit_histogram", "rank_stability", "rps", "score", "sign_test", "simulate",
    "simulated_from_records",
    "skill", "summarise", "timing_error", "tolerant_probabilities", "turning_point_scores",
    "turning_points", "year_counts", "zscore",
]
