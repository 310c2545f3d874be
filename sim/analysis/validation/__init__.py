"""Out-of-sample validation: the whole protocol of ``docs/calibration.md`` in one call.

* :mod:`.plan`: splits, origins, :class:`Settings` and the :class:`Plan` a scenario allows;
* :mod:`.jobs`: calibrations (process pool) and evaluation runs;
* :mod:`.bootstrap`: block-bootstrap intervals, paired differences, horizons, frozen inputs;
* :mod:`.verdict`: the plain-language verdict generated from those tables;
* :mod:`.protocol`: :func:`validate`, the whole protocol, and its :class:`Validation` result.

``from sim.analysis import validation as val`` gives the public names of all of them.
"""

from sim.analysis.validation.bootstrap import (
    block_bootstrap,
    difference_rows,
    horizon_rows,
    mixture_rows,
    skill_rows,
)
from sim.analysis.validation.jobs import Run, evaluate, mixture_fixed, run_jobs
from sim.analysis.validation.plan import (
    BLOCK,
    DEFAULT_EVAL_REPLICAS,
    FROZEN_FIELDS,
    HORIZONS,
    LEVEL,
    MIN_YEARS,
    MIXTURE,
    N_BOOT,
    ORIGINS,
    SPLITS,
    THEORIES,
    Plan,
    Settings,
    Split,
)
from sim.analysis.validation.protocol import Validation, validate
from sim.analysis.validation.verdict import make_verdict

__all__ = [
    "BLOCK", "DEFAULT_EVAL_REPLICAS", "FROZEN_FIELDS", "HORIZONS", "LEVEL", "MIN_YEARS",
    "MIXTURE", "N_BOOT", "ORIGINS", "SPLITS", "THEORIES", "Plan", "Run", "Settings", "Split",
    "Validation", "block_bootstrap", "difference_rows", "evaluate", "horizon_rows",
    "make_verdict", "mixture_fixed", "mixture_rows", "run_jobs", "skill_rows", "validate",
]
