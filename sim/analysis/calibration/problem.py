"""A calibration problem: the searched space, the model run and the loss of one candidate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.analysis.calibration.defaults import DEFAULT_REPLICAS, DEFAULT_SEED, INACTIVE
from sim.analysis.calibration.scorer import Simulated, Target, summarise
from sim.data.inputs import Inputs
from sim.model.paradigms import PARADIGMS, Paradigm

# =========================================================================== the problem


@dataclass(frozen=True)
class Space:
    """The searched parameters: qualified name -> (low, high), and the defaults."""

    bounds: dict[str, tuple[float, float]]
    defaults: dict[str, float]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.bounds)


def search_space(paradigm: str, free: tuple[str, ...] | None = None,
                 mode: str = "replay") -> Space:
    """The chassis parameters and the paradigm's own (all free unless ``free`` names the
    qualified ones to fit), minus the parameters that have no effect in ``mode``
    (:data:`~sim.analysis.calibration.defaults.INACTIVE`: ``chassis.c_E`` in replay)."""
    from sim.model.params import registry

    specs = registry(paradigm)
    inactive = INACTIVE.get(mode, ())
    chosen = [n for n in specs if n not in inactive] if free is None else list(free)
    unknown = [n for n in chosen if n not in specs]
    if unknown:
        raise ValueError(f"unknown parameters {unknown}; valid: {list(specs)}")
    return Space(bounds={n: tuple(specs[n].bounds) for n in chosen},
                 defaults={n: float(specs[n].default) for n in chosen})


def mixture_space() -> Space:
    """The N - 1 stick-breaking numbers of :class:`~sim.model.paradigms.mixture.Mixture`
    (N registered paradigms)."""
    from sim.model.paradigms.mixture import components, weight_parameters

    params = weight_parameters(len(components()))
    return Space(bounds={f"mixture.{n}": tuple(p.bounds) for n, p in params.items()},
                 defaults={f"mixture.{n}": float(p.default) for n, p in params.items()})


@dataclass(frozen=True)
class Problem:
    """One calibration problem: what to run, what to score it against, what to fit.

    Attributes:
        paradigm: a registered paradigm name, or ``mixture``.
        inputs: the scenario's inputs.
        target: the :class:`Target` (built from truncated observations).
        space: the fitted parameters.
        fixed: nested values that are not fitted (e.g. the other parameters in a recovery
            test, or the chassis and components of the mixture).
        replicas: K replicas per evaluation.
        seed: the model seed of every evaluation (common random numbers).
        mode: ``replay`` or ``free``.
        observed_partners: partner order of the observed record.
    """

    paradigm: str
    inputs: Inputs
    target: Target
    space: Space
    fixed: dict[str, dict[str, float]] = field(default_factory=dict)
    replicas: int = DEFAULT_REPLICAS
    seed: int = DEFAULT_SEED
    mode: str = "replay"
    observed_partners: tuple[str, ...] = ()

    def nested(self, values: Mapping[str, float]) -> dict[str, dict[str, float]]:
        """Fixed values updated with the fitted ones, in the nested format."""
        out = {g: dict(v) for g, v in self.fixed.items()}
        for key, value in values.items():
            group, name = key.split(".", 1)
            out.setdefault(group, {})[name] = float(value)
        return out

    def simulate(self, values: Mapping[str, float], *, until: int | None = None,
                 replicas: int | None = None, seed: int | None = None,
                 inputs: Inputs | None = None):
        """Run the model with these parameter values; return the (partly run) model."""
        from sim.model.model import NatoRussiaModel

        params = self.nested(values)
        model = NatoRussiaModel(
            paradigm=build_paradigm(self.paradigm, params), mode=self.mode,
            replicas=replicas or self.replicas, rng=self.seed if seed is None else seed,
            inputs=inputs or self.inputs, **params.get("chassis", {}))
        model.run_until(float((until or self.target.until) + 1))
        return model

    def summary(self, model) -> Simulated:
        years, series, partners = model.recorded()
        return summarise(years, series, partners, tuple(model.inputs.partners),
                         self.observed_partners)

    def loss(self, values: Mapping[str, float]) -> float:
        """The loss of one parameter set (model run to the window end, then scoring)."""
        return self.evaluate(values)[0]

    def evaluate(self, values: Mapping[str, float]) -> tuple[float, np.ndarray, np.ndarray]:
        """The loss and the per-year contributions ``(C, n)`` of one parameter set."""
        num, den = self.target.sim_rows(self.summary(self.simulate(values)))
        skill = self.target.stack(("sim",), num[None], den[None]).aggregate()[-1, 0]
        return float(1.0 - skill), num, den

    def evaluate_batch(self, candidates: Sequence[Mapping[str, float]]
                       ) -> list[tuple[float, np.ndarray, np.ndarray]]:
        """:meth:`evaluate` of several parameter sets in one vectorised model run
        (:mod:`.batch`); identical to evaluating them one by one. The mixture, whose
        weights are not per-replica vectors, is evaluated one by one."""
        if len(candidates) <= 1 or self.paradigm == "mixture":
            return [self.evaluate(c) for c in candidates]
        from sim.analysis.calibration.batch import BatchModel, split_recorded, stack_parameters

        params = stack_parameters([self.nested(c) for c in candidates], self.replicas)
        model = BatchModel(paradigm=build_paradigm(self.paradigm, params), mode=self.mode,
                           rng=self.seed, inputs=self.inputs, batch=len(candidates),
                           replicas_each=self.replicas, **params.get("chassis", {}))
        model.run_until(float(self.target.until + 1))
        out = []
        for years, series, partners in split_recorded(*model.recorded(), len(candidates),
                                                      self.replicas):
            sim = summarise(years, series, partners, tuple(self.inputs.partners),
                            self.observed_partners)
            num, den = self.target.sim_rows(sim)
            skill = self.target.stack(("sim",), num[None], den[None]).aggregate()[-1, 0]
            out.append((float(1.0 - skill), num, den))
        return out


def build_paradigm(paradigm: str, params: Mapping[str, Mapping[str, float]]) -> Paradigm:
    """A paradigm instance from nested parameters (``mixture`` takes its components' values
    from their groups)."""
    if paradigm == "mixture":
        from sim.model.paradigms.mixture import Mixture, components

        comps = {n: PARADIGMS[n](**params.get(n, {})) for n in components()}
        return Mixture(comps, **params.get("mixture", {}))
    return PARADIGMS[paradigm](**params.get(paradigm, {}))
