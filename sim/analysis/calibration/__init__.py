"""Calibration: fit a paradigm's parameters (and the shared chassis) on a training window.

* :mod:`.scorer`: :class:`Target` and :class:`Contributions`, the aggregate skill from numpy
  arrays, per year (for bootstrap intervals);
* :mod:`.problem`: the searched :class:`Space` and one :class:`Problem` (model run + loss);
* :mod:`.optimiser`: the seeded optuna search, :func:`calibrate` and its provenance.

``from sim.analysis import calibration as cal`` gives the public names of all of them.
Protocol and how to read the outputs: ``docs/calibration.md``.
"""

from sim.analysis.calibration.defaults import (
    DEFAULT_BATCH,
    DEFAULT_BUDGET,
    DEFAULT_REPLICAS,
    DEFAULT_SEED,
    DEFAULT_TRAIN,
    INACTIVE,
)
from sim.analysis.calibration.optimiser import (
    BOUND_TOLERANCE,
    LOSS,
    BoundWarning,
    Calibration,
    Progress,
    Trials,
    bound_messages,
    calibrate,
    calibrate_problem,
    make_problem,
    optimise,
    provenance,
    write_calibration,
)
from sim.analysis.calibration.problem import (
    Problem,
    Space,
    build_paradigm,
    mixture_space,
    search_space,
)
from sim.analysis.calibration.scorer import (
    CONTINUOUS,
    Component,
    Contributions,
    Simulated,
    Target,
    summarise,
    summarise_model,
    truncate_observed,
    year_counts,
)

__all__ = [
    "BOUND_TOLERANCE", "DEFAULT_BATCH", "INACTIVE", "CONTINUOUS", "DEFAULT_BUDGET",
    "DEFAULT_REPLICAS",
    "DEFAULT_SEED", "DEFAULT_TRAIN", "LOSS", "BoundWarning", "Calibration", "Component",
    "Contributions", "Problem", "Progress", "Simulated", "Space", "Target", "Trials",
    "bound_messages", "build_paradigm", "calibrate", "calibrate_problem", "make_problem",
    "mixture_space", "optimise", "provenance", "search_space", "summarise",
    "summarise_model", "truncate_observed", "write_calibration", "year_counts",
]
