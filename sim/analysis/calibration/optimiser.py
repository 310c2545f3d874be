"""Calibration: fit a paradigm's parameters (and the shared chassis) on a training window.

The loss is ``1 - aggregate skill`` (:mod:`.scorer`) with the training window as both the
scored window and the calibration window.

Fairness: every paradigm is fitted with the same optimiser (optuna TPE, seeded), the same
budget, the same loss, the same model seed for every trial (common random numbers) and the
same chassis parameters free; the first trial is always the documented defaults.
Test-period observations are never read: the target of a calibration is built from
:func:`~.scorer.truncate_observed` and the model runs only to the end of the training window.

Protocol and how to read the outputs: ``docs/calibration.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analysis.calibration.defaults import (
    DEFAULT_BATCH,
    DEFAULT_BUDGET,
    DEFAULT_REPLICAS,
    DEFAULT_SEED,
    DEFAULT_TRAIN,
)
from sim.analysis.calibration.problem import Problem, Space, mixture_space, search_space
from sim.analysis.calibration.scorer import Target, truncate_observed
from sim.core.errors import ParameterError
from sim.data.inputs import Inputs
from sim.data.observed import Observed
from sim.model.paradigms import PARADIGMS

BOUND_TOLERANCE = 0.01  # share of a parameter's range that counts as "at the bound"
LOSS = ("1 - aggregate skill (sim.analysis.scoring, window = calibration = training window, "
        "O7 and O8 left out: the UN-vote record is scored, never fitted)")

#: ``progress(done, total, best_loss)``: called after every trial.
Progress = Callable[[int, int, float], None]


class BoundWarning(UserWarning):
    """A fitted parameter sits at (within 1 % of its range from) a bound of its range."""


# =========================================================================== calibrate


@dataclass(frozen=True)
class Calibration:
    """The result of :func:`calibrate`.

    Attributes:
        paradigm: the paradigm fitted.
        params: nested values (fitted and fixed) of the best trial.
        fitted: qualified name -> best value of the fitted parameters.
        loss: best loss; ``skill = 1 - loss`` is the in-sample aggregate skill.
        trials: every evaluated parameter set (columns of ``trials.values``: ``names``).
        names: the fitted parameters' qualified names.
        at_bounds: messages for fitted parameters at a bound.
        provenance: how the values were obtained (see :func:`provenance`).
    """

    paradigm: str
    params: dict[str, dict[str, float]]
    fitted: dict[str, float]
    loss: float
    trials: Trials
    names: tuple[str, ...]
    at_bounds: tuple[str, ...]
    provenance: dict[str, Any]

    @property
    def skill(self) -> float:
        return 1.0 - self.loss


def bound_messages(values: Mapping[str, float], space: Space,
                   tolerance: float = BOUND_TOLERANCE) -> list[str]:
    """Messages for values within ``tolerance`` x range of a bound of their range."""
    out = []
    for name, value in values.items():
        lo, hi = space.bounds[name]
        margin = tolerance * (hi - lo)
        if value - lo <= margin:
            out.append(f"{name} = {value:.4g} sits at its lower bound {lo:g}")
        elif hi - value <= margin:
            out.append(f"{name} = {value:.4g} sits at its upper bound {hi:g}")
    return out


@dataclass(frozen=True)
class Trials:
    """Every evaluated parameter set of one optimisation.

    Attributes:
        values: ``(N, D)`` fitted values tried (columns: ``Space.names``).
        loss: ``(N,)`` their loss.
        num, den: ``(N, C, n)`` their per-year contributions on the training window.
    """

    values: np.ndarray
    loss: np.ndarray
    num: np.ndarray
    den: np.ndarray

    @property
    def best(self) -> int:
        """Index of the best trial (the first one on ties)."""
        return int(np.argmin(self.loss))


def optimise(problem: Problem, budget: int, seed: int,
             progress: Progress | None = None, batch: int = DEFAULT_BATCH) -> Trials:
    """Minimise the loss with optuna's TPE sampler (seeded, multivariate), ``batch``
    candidates at a time.

    The first trial is the defaults; the rest follow TPE with ``seed``. Each round asks
    ``batch`` candidates (``study.ask``), evaluates them in one vectorised model run
    (:meth:`Problem.evaluate_batch`, identical to evaluating them one by one) and tells
    their losses. Batched asks change the search, not the scoring: the candidates of a round
    are proposed before any of their losses is told, so the search learns from results every
    ``batch`` trials instead of every trial (optuna's constant liar, its default, counts the
    pending candidates of a round as bad ones, which spreads a round out); same budget,
    seeds and batch for every paradigm. Deterministic for a given seed and batch.
    """
    import optuna

    names = problem.space.names
    sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True,
                                         n_startup_trials=min(20, max(budget // 5, 1)))
    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    rows: list[tuple[list[float], float, np.ndarray, np.ndarray]] = []
    try:
        study = optuna.create_study(direction="minimize", sampler=sampler)
        study.enqueue_trial({n: problem.space.defaults[n] for n in names})
        best = np.inf
        while len(rows) < budget:
            size = min(max(1, int(batch)), budget - len(rows))
            trials = [study.ask() for _ in range(size)]
            values = [{n: t.suggest_float(n, *problem.space.bounds[n]) for n in names}
                      for t in trials]
            for trial, vals, (loss, num, den) in zip(trials, values,
                                                     problem.evaluate_batch(values),
                                                     strict=True):
                study.tell(trial, loss)
                rows.append((list(vals.values()), loss, num, den))
                best = min(best, loss)
            if progress is not None:
                progress(len(rows), budget, best)
    finally:
        optuna.logging.set_verbosity(previous)
    return Trials(values=np.array([r[0] for r in rows], dtype=float),
                  loss=np.array([r[1] for r in rows], dtype=float),
                  num=np.stack([r[2] for r in rows]), den=np.stack([r[3] for r in rows]))


def calibrate_problem(problem: Problem, budget: int = DEFAULT_BUDGET, *,
                      progress: Progress | None = None,
                      provenance_extra: Mapping[str, Any] | None = None,
                      batch: int = DEFAULT_BATCH) -> Calibration:
    """Fit ``problem``; warn (:class:`BoundWarning`) for fitted parameters at a bound."""
    if budget < 1:
        raise ValueError("budget must be at least 1")
    trials = optimise(problem, budget, problem.seed, progress, batch)
    names = problem.space.names
    best = dict(zip(names, (float(v) for v in trials.values[trials.best]), strict=True))
    messages = bound_messages(best, problem.space)
    for message in messages:
        warnings.warn(message, BoundWarning, stacklevel=2)
    loss = float(trials.loss[trials.best])
    prov = provenance(problem, budget, loss, messages, provenance_extra, batch=batch)
    return Calibration(paradigm=problem.paradigm, params=problem.nested(best), fitted=best,
                       loss=loss, trials=trials, names=names, at_bounds=tuple(messages),
                       provenance=prov)


def make_problem(inputs: Inputs, observed: Observed, paradigm: str, *,
                 train: tuple[int, int] = DEFAULT_TRAIN, replicas: int = DEFAULT_REPLICAS,
                 seed: int = DEFAULT_SEED, mode: str = "replay",
                 free: tuple[str, ...] | None = None,
                 fixed: Mapping[str, Mapping[str, float]] | None = None) -> Problem:
    """A calibration problem on the training window ``train`` (observations truncated to it).

    Args:
        inputs: the scenario's inputs (the model runs only to ``train[1]``).
        observed: the full observed record; it is truncated to ``train[1]`` here.
        paradigm: a registered paradigm name or ``mixture``.
        train: first and last training year.
        replicas: K replicas per evaluation.
        seed: model seed of every evaluation and seed of the optimiser.
        mode: ``replay`` or ``free``.
        free: qualified names to fit (default: the chassis and the paradigm's three; for
            ``mixture``, its two weights).
        fixed: nested values of parameters that are not fitted.
    """
    _check_window(inputs, train)
    truncated = truncate_observed(observed, train[1])
    target = Target(truncated, train, train, mode, independent=False)
    space = mixture_space() if paradigm == "mixture" else search_space(paradigm, free, mode)
    return Problem(paradigm=paradigm, inputs=inputs, target=target, space=space,
                   fixed={g: dict(v) for g, v in (fixed or {}).items()}, replicas=replicas,
                   seed=seed, mode=mode, observed_partners=tuple(observed.coercion.index))


def _check_window(inputs: Inputs, window: tuple[int, int]) -> None:
    first, last = int(inputs.years[0]), int(inputs.years[-1])
    if not (first <= window[0] < window[1] <= last):
        raise ParameterError("--train", f"{window[0]}-{window[1]}",
                             f"expected two or more years inside the scenario's period "
                             f"{first}-{last}")


def provenance(problem: Problem, budget: int, loss: float, at_bounds: list[str],
               extra: Mapping[str, Any] | None = None, *,
               batch: int = DEFAULT_BATCH) -> dict[str, Any]:
    """Where fitted values come from: window, budget, seed, optimiser, loss, and the build
    (natosim, Python and every output library: :func:`sim.core.versions.build_versions`).
    No timestamp and no git commit, so the same inputs and libraries give a byte-identical
    file (a commit difference is a note in the manifest, not a different parameter file)."""
    import optuna

    from sim.core.versions import build_versions

    build = {k: v for k, v in build_versions().items() if k != "git_commit"}
    out: dict[str, Any] = {
        "produced_by": "natosim calibrate",
        **build,
        "paradigm": problem.paradigm,
        "train": list(problem.target.window),
        "mode": problem.mode,
        "budget": int(budget),
        "replicas": int(problem.replicas),
        "seed": int(problem.seed),
        "optimiser": f"optuna {optuna.__version__} TPESampler(multivariate=True, seed="
                     f"{problem.seed}); first trial = defaults; batches of {batch} "
                     "asks",
        "loss": LOSS,
        "best_loss": float(loss),
        "best_skill": float(1.0 - loss),
        "fitted": list(problem.space.names),
        "at_bounds": list(at_bounds),
    }
    out.update(extra or {})
    return out


def calibrate(scenario, paradigm: str, *, train: tuple[int, int] = DEFAULT_TRAIN,
              budget: int = DEFAULT_BUDGET, replicas: int = DEFAULT_REPLICAS,
              seed: int = DEFAULT_SEED, mode: str = "replay",
              free: tuple[str, ...] | None = None, observed: Observed | None = None,
              progress: Progress | None = None) -> Calibration:
    """Calibrate one paradigm on a scenario's training window.

    Args:
        scenario: a scenario name, path or ``Scenario``.
        paradigm: ``realist``, ``liberal`` or ``constructivist``.
        train: first and last training year (default 1991-2007).
        budget: number of loss evaluations (optuna trials).
        replicas: K replicas per evaluation.
        seed: seed of the model (every trial) and of the optimiser.
        mode: ``replay`` or ``free``.
        free: qualified names to fit (default: chassis + the paradigm's three).
        observed: the observed record (default: :func:`sim.data.observed.load_observed`).
        progress: called as ``progress(done, budget, best_loss)`` after every trial.

    Returns:
        The :class:`Calibration` (provenance includes scenario and data hashes).
    """
    from sim.data.observed import load_observed
    from sim.runs.experiments import resolve

    if paradigm not in PARADIGMS:
        raise ParameterError("--paradigm", paradigm, f"expected one of {list(PARADIGMS)}")
    scenario, data, inputs = resolve(scenario)
    observed = observed if observed is not None else load_observed()
    problem = make_problem(inputs, observed, paradigm, train=train, replicas=replicas,
                           seed=seed, mode=mode, free=free)
    extra = {"scenario": scenario.name, "scenario_sha256": scenario.sha256,
             "data": dict(sorted({**data.hashes, **observed.hashes}.items()))}
    return calibrate_problem(problem, budget, progress=progress, provenance_extra=extra)


def write_calibration(result: Calibration, path) -> Any:
    """Write the fitted parameters with their provenance (TOML or YAML by suffix).

    The file is in the nested format that ``--params FILE`` reads.
    """

    from sim.model.params import dump_params_file

    return dump_params_file(result.params, path, provenance=result.provenance)
