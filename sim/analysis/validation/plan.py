"""The protocol's numbers: splits, origins, settings and the plan a scenario allows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.analysis import calibration as cal
from sim.data.inputs import Inputs
from sim.model.paradigms import PARADIGMS
from sim.model.paradigms.mixture import stateful_components

THEORIES: tuple[str, ...] = tuple(PARADIGMS)
ORIGINS: tuple[int, ...] = (1999, 2003, 2007, 2011, 2015)
HORIZONS: tuple[int, ...] = (1, 3, 5)
BLOCK = 3  # years per bootstrap block
MIN_YEARS = 2 * BLOCK  # shorter windows get no interval (the bootstrap would be degenerate)
N_BOOT = 2000
LEVEL = 0.95
DEFAULT_EVAL_REPLICAS = 100
FROZEN_FIELDS: tuple[str, ...] = ("dem_russia", "gdp_russia")
MIXTURE = "mixture"
DEFAULT_SEEDS = 5  # seeds (model and optimiser) the headline verdict is computed over

#: ``progress(stage, done, total)``: called as jobs finish.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Split:
    """A train/test split of the period."""

    name: str
    train: tuple[int, int]
    test: tuple[int, int]

    @property
    def label(self) -> str:
        return f"{self.name} (train {span_label(self.train)}, test {span_label(self.test)})"


SPLITS: tuple[Split, ...] = (
    Split("primary", (1991, 2007), (2008, 2024)),
    Split("vantage", (1991, 2008), (2009, 2024)),
)


@dataclass(frozen=True)
class Settings:
    """Protocol numbers, identical for every paradigm.

    Attributes:
        budget: loss evaluations per calibration (optuna trials).
        replicas: replicas per loss evaluation.
        seed: model seed of every loss evaluation and seed of the optimiser.
        eval_replicas: replicas of the evaluation run of each fitted model.
        n_boot: bootstrap resamples.
        mode: ``replay`` or ``free``.
        processes: worker processes (None: every core; 1: no pool).
    """

    budget: int = cal.DEFAULT_BUDGET
    replicas: int = cal.DEFAULT_REPLICAS
    seed: int = cal.DEFAULT_SEED
    eval_replicas: int = DEFAULT_EVAL_REPLICAS
    n_boot: int = N_BOOT
    mode: str = "replay"
    processes: int | None = None
    seeds: int = DEFAULT_SEEDS
    headline: bool = False

    @property
    def eval_seed(self) -> int:
        """Seed of the evaluation runs: a stream the optimiser never saw."""
        return self.seed + 1



@dataclass(frozen=True)
class Plan:
    """Which splits, origins and calibrations the scenario's period allows."""

    paradigms: tuple[str, ...]
    splits: tuple[Split, ...]
    origins: tuple[int, ...]
    last: int
    notes: tuple[str, ...]
    mixture: bool = True

    def headline(self) -> Plan:
        """Only what the overall verdict needs: the primary split, no rolling origins, no
        encompassing mixture (``natosim validate --headline``, the end of ``make run``)."""
        from dataclasses import replace

        return replace(self, splits=self.splits[:1], origins=(), mixture=False,
                       notes=(*self.notes, "headline only: primary split, no rolling origins, "
                              "no encompassing mixture"))

    @classmethod
    def make(cls, inputs: Inputs, paradigms: tuple[str, ...]) -> Plan:
        first, last = int(inputs.years[0]), int(inputs.years[-1])
        unknown = [p for p in paradigms if p not in PARADIGMS]
        if unknown or not paradigms:
            from sim.core.errors import ParameterError

            raise ParameterError("--paradigms", ",".join(unknown), f"choose from {THEORIES}")
        splits = tuple(Split(s.name, (max(first, s.train[0]), s.train[1]),
                             (s.test[0], min(last, s.test[1])))
                       for s in SPLITS if s.test[0] <= last and s.train[0] >= first)
        origins = tuple(o for o in ORIGINS if first < o < last)
        notes = []
        if set(THEORIES) - set(paradigms):
            notes.append("the encompassing mixture needs every registered paradigm: skipped")
        elif len(THEORIES) < 2:
            notes.append("the encompassing mixture needs two or more paradigms: skipped")
        elif len(keep := stateful_components(PARADIGMS.values())) > 1:
            notes.append("the encompassing mixture carries the state of at most one paradigm; "
                         f"{', '.join(keep)} keep state: skipped")
        return cls(tuple(dict.fromkeys(paradigms)), splits, origins, last, tuple(notes))

    @property
    def train_ends(self) -> tuple[int, ...]:
        return tuple(sorted({s.train[1] for s in self.splits} | set(self.origins)))

    @property
    def with_mixture(self) -> bool:
        """The encompassing mixture runs when it can span every registered paradigm (N >= 2,
        at most one of them stateful) and all of them are being compared."""
        names = tuple(PARADIGMS)  # the registry as it is now
        return (self.mixture and len(names) >= 2 and set(names) <= set(self.paradigms)
                and len(stateful_components(PARADIGMS.values())) <= 1)

    @property
    def first(self) -> int:
        """First training year of every window (the start of the splits' training)."""
        return min(s.train[0] for s in self.splits) if self.splits else 1991


def span_label(window: tuple[int, int]) -> str:
    return f"{window[0]}-{window[1]}"


def settings_dict(settings: Settings) -> dict[str, Any]:
    return {"budget": settings.budget, "replicas": settings.replicas, "seed": settings.seed,
            "eval_replicas": settings.eval_replicas, "eval_seed": settings.eval_seed,
            "n_boot": settings.n_boot, "mode": settings.mode, "seeds": settings.seeds,
            "headline": settings.headline,
            "default_budget": cal.DEFAULT_BUDGET}
