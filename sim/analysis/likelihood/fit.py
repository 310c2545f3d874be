"""Maximum-likelihood fits of a paradigm on the teacher-forced decisions of training years.

Every paradigm gets the same treatment: the six chassis parameters and its own three, the
same optimiser (scipy's differential evolution, seeded, Latin-hypercube start with the
defaults in the first population, no polishing), the same budget, particles and seeds. A
whole population is evaluated in one vectorised teacher-mode run (one replica group per
candidate, common particle draws). Differential evolution was chosen over the TPE sampler of
the calibration because, at the same number of evaluations, it came much closer to the
generating likelihood in recovery runs (docs/likelihood.md), and it evaluates whole
generations at once.
Parameters that cannot act on the teacher-forced likelihood of the paradigm are not
searched; which they are is found by computation (:func:`searched_parameters`), not listed.

Only the training years are run: the model stops at the end of the window, so later
observations are never read (tests poison them and get bit-identical fits).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from sim.data.history import History, build_history
from sim.data.inputs import Inputs
from sim.model.paradigms import PARADIGMS
from sim.model.parameter import CHASSIS, Param
from sim.runs.filter import run_filter

DEFAULT_TRAIN = (1991, 2007)
DEFAULT_BUDGET = 320  # evaluated points: (generations + 1) x population
DEFAULT_POPSIZE = 4  # population = DEFAULT_POPSIZE x searched parameters
DEFAULT_PARTICLES = 16
PROBES = 3  # base points of the search for parameters that act (searched_parameters)
BOUND_SHARE = 0.01  # a fitted value within 1 % of the range of a bound is "at the bound"


@dataclass(frozen=True)
class LikelihoodFit:
    """One paradigm's maximum-likelihood fit on a training window.

    Attributes:
        paradigm: the registered name.
        params: nested values ``{"chassis": {...}, paradigm: {...}}`` (all nine; the
            unsearched ones at their defaults).
        train: the training window (first, last year).
        train_loglik: log-likelihood of the training decisions at ``params``.
        n_params: number of searched parameters (for AIC/BIC).
        n_obs: number of training decisions.
        searched: qualified names of the searched parameters.
        at_bounds: searched parameters fitted within 1 % of the range of a bound.
        seed, budget, particles: the fit's settings.
        trials: ``(budget, n_params)`` the evaluated points; trial_loglik ``(budget,)``.
    """

    paradigm: str
    params: dict[str, dict[str, float]]
    train: tuple[int, int]
    train_loglik: float
    n_params: int
    n_obs: int
    searched: tuple[str, ...]
    at_bounds: tuple[str, ...]
    seed: int
    budget: int
    particles: int
    trials: np.ndarray = field(repr=False)
    trial_loglik: np.ndarray = field(repr=False)


def parameter_specs(paradigm: str) -> dict[str, Param]:
    """The nine parameters of a paradigm, by qualified name (``chassis.beta``, ...)."""
    own = PARADIGMS[paradigm].parameters
    return {**{f"chassis.{n}": p for n, p in CHASSIS.items()},
            **{f"{paradigm}.{n}": p for n, p in own.items()}}


def nested(values: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """Qualified ``{"chassis.beta": 3.0}`` -> nested ``{"chassis": {"beta": 3.0}}``."""
    out: dict[str, dict[str, float]] = {}
    for key, value in values.items():
        group, name = key.split(".", 1)
        out.setdefault(group, {})[name] = float(value)
    return out


def train_loglik(inputs: Inputs, paradigm: str, points: list[Mapping[str, float]],
                 history: History, train: tuple[int, int], *, particles: int,
                 seed: int) -> np.ndarray:
    """``(G,)`` training log-likelihood of G points (qualified values), one vectorised run."""
    result = run_filter(inputs, paradigm, [nested(p) for p in points], history,
                        particles=particles, seed=seed, until=train[1])
    keep = result.years >= train[0]
    return result.logp[:, keep].sum(axis=1)


def searched_parameters(inputs: Inputs, history: History, paradigm: str, *,
                        train: tuple[int, int] = DEFAULT_TRAIN,
                        particles: int = DEFAULT_PARTICLES, seed: int = 0,
                        probes: int = PROBES) -> tuple[str, ...]:
    """The parameters that change the training log-likelihood (found by computation).

    From each of ``probes`` base points (the defaults, then seeded uniform draws over the
    ranges), each parameter is moved alone to each of its bounds with the same particle
    draws; it is searched if any move changes the likelihood. A parameter can be inert at
    one point (no partner above the application threshold leaves c_E idle) and act at
    another, hence several bases.
    """
    specs = parameter_specs(paradigm)
    rng = np.random.default_rng((int(seed), 3))
    bases = [{n: p.default for n, p in specs.items()}]
    bases += [{n: float(rng.uniform(*p.bounds)) for n, p in specs.items()}
              for _ in range(probes - 1)]
    points = []
    for base in bases:
        points.append(base)
        for name, spec in specs.items():
            points += [{**base, name: bound} for bound in spec.bounds]
    ll = train_loglik(inputs, paradigm, points, history, train, particles=particles,
                      seed=seed).reshape(len(bases), 1 + 2 * len(specs))
    moved = ll[:, 1:].reshape(len(bases), len(specs), 2) != ll[:, :1, None]
    return tuple(n for n, acts in zip(specs, moved.any(axis=(0, 2)), strict=True) if acts)


def fit_likelihood(inputs: Inputs, observed, paradigm: str, *,
                   train: tuple[int, int] = DEFAULT_TRAIN, budget: int = DEFAULT_BUDGET,
                   seed: int = 0, particles: int = DEFAULT_PARTICLES,
                   popsize: int = DEFAULT_POPSIZE, history: History | None = None,
                   searched: tuple[str, ...] | None = None,
                   fixed: Mapping[str, float] | None = None) -> LikelihoodFit:
    """Maximise the training log-likelihood of ``paradigm`` (differential evolution).

    Args:
        inputs: the scenario's inputs.
        observed: the observed record (ignored if ``history`` is given).
        paradigm: a registered paradigm name.
        train: first and last training year (decisions of these years are scored).
        budget: number of evaluated points (whole generations: rounded down to a multiple
            of the population, at least two generations).
        seed: seed of the optimiser and of the filter's particles (common to every point).
        particles: particles per point.
        popsize: population size as a multiple of the number of searched parameters.
        history: a decision history to fit instead of the observed one (recovery tests).
        searched: the parameters to search (default: :func:`searched_parameters` with seed 0,
            cached per paradigm, window and data: which parameters act is a property of
            the model and the record, not of the particle draws).
        fixed: qualified values of unsearched parameters (default: their defaults), e.g.
            the truth in a recovery test that frees only some parameters.
    """
    from scipy.optimize import differential_evolution

    if history is None:
        history = build_history(inputs, observed)
    specs = parameter_specs(paradigm)
    names = searched if searched is not None else _searched_cached(
        inputs, history, paradigm, tuple(int(y) for y in train), int(particles))
    start = [specs[n].default for n in names]  # the registry defaults, whatever is fixed
    defaults = {n: p.default for n, p in specs.items()}
    defaults.update({n: float(v) for n, v in (fixed or {}).items()})
    rows: list[np.ndarray] = []
    lls: list[np.ndarray] = []

    def objective(x: np.ndarray) -> np.ndarray:
        points = np.atleast_2d(x.T)  # scipy passes (n_params, S)
        ll = train_loglik(inputs, paradigm,
                          [{**defaults, **dict(zip(names, p, strict=True))} for p in points],
                          history, train, particles=particles, seed=seed)
        rows.append(points)
        lls.append(ll)
        return -ll

    if names:
        population = popsize * len(names)
        differential_evolution(
            objective, [specs[n].bounds for n in names], vectorized=True, updating="deferred",
            popsize=popsize, maxiter=max(budget // population - 1, 1), seed=seed,
            polish=False, tol=0.0, init="latinhypercube", x0=start)
    else:
        objective(np.zeros((0, 1)))
    rows = [r.tolist() for r in np.concatenate(rows)]
    lls = np.concatenate(lls).tolist()
    best = int(np.argmax(lls))
    chosen = {**defaults, **dict(zip(names, rows[best], strict=True))}
    n_obs = int(sum(_count_decisions(history, i) for i, y in enumerate(history.years)
                    if train[0] <= y <= train[1]))
    return LikelihoodFit(
        paradigm=paradigm, params=nested(chosen), train=(int(train[0]), int(train[1])),
        train_loglik=float(lls[best]), n_params=len(names), n_obs=n_obs,
        searched=tuple(names), at_bounds=_at_bounds(chosen, names, specs), seed=int(seed),
        budget=int(budget), particles=int(particles),
        trials=np.asarray(rows, dtype=float).reshape(len(rows), len(names)),
        trial_loglik=np.asarray(lls))


_SEARCHED: dict[tuple, tuple[str, ...]] = {}


def _searched_cached(inputs: Inputs, history: History, paradigm: str, train: tuple[int, int],
                     particles: int) -> tuple[str, ...]:
    """:func:`searched_parameters` (seed 0), memoised on the content of inputs and history."""
    key = (paradigm, train, particles, _digest(inputs), _digest(history))
    if key not in _SEARCHED:
        _SEARCHED[key] = searched_parameters(inputs, history, paradigm, train=train,
                                             particles=particles, seed=0)
    return _SEARCHED[key]


def _digest(obj) -> str:
    """sha256 of every array and plain field of a dataclass (inputs, history)."""
    import dataclasses
    import hashlib

    h = hashlib.sha256()
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        h.update(f.name.encode())
        if isinstance(value, np.ndarray):
            h.update(str(value.dtype).encode() + str(value.shape).encode())
            h.update(np.ascontiguousarray(value).tobytes())
        else:
            h.update(repr(value).encode())
    return h.hexdigest()


def _at_bounds(values: Mapping[str, float], names, specs) -> tuple[str, ...]:
    out = []
    for n in names:
        lo, hi = specs[n].bounds
        if min(values[n] - lo, hi - values[n]) <= BOUND_SHARE * (hi - lo):
            out.append(n)
    return tuple(out)


def _count_decisions(history: History, i: int) -> int:
    from sim.data.history import risk_sets

    sets = risk_sets(history, i)
    return int(sets.status) + sum(len(sets.columns(k)) for k in
                                  ("coercion", "pfp", "invitation", "accession"))
