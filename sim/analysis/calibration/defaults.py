"""Default protocol numbers (chosen so that ``natosim validate`` fits in 10 minutes on
2 cores; see benchmarks/bench_validate.py)."""

DEFAULT_BUDGET = 600
DEFAULT_REPLICAS = 24
DEFAULT_SEED = 1
DEFAULT_TRAIN = (1991, 2007)
DEFAULT_BATCH = 8  # optimiser candidates evaluated in one vectorised model run
#: Chassis parameters with no effect in a mode (they are not fitted there): c_E, the cost of
#: enlargement, acts only when partners decide (free mode); in replay enlargement is history.
INACTIVE: dict[str, tuple[str, ...]] = {"replay": ("chassis.c_E",), "free": ()}
