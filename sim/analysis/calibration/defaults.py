"""Default protocol numbers (chosen so that ``natosim validate`` fits in 10 minutes on
2 cores; see benchmarks/bench_validate.py)."""

DEFAULT_BUDGET = 600
DEFAULT_REPLICAS = 24
DEFAULT_SEED = 1
DEFAULT_TRAIN = (1991, 2007)
