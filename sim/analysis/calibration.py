"""Calibration: fit a paradigm's parameters (and the shared chassis) on a training window.

The loss is ``1 - aggregate skill``, the aggregate skill of :func:`sim.analysis.scoring.score`
with the
training window as both the scored window and the calibration window. :class:`Target`
computes exactly that number from numpy arrays (the scoring module's own metric and baseline
functions, no DataFrames), decomposed into per-year contributions, so that

* one loss evaluation (model run to the window end + scoring) takes milliseconds, and
* the same contributions give block-bootstrap intervals by resampling years.

Fairness: every paradigm is fitted with the same optimiser (optuna TPE, seeded), the same
budget, the same loss, the same model seed for every trial (common random numbers) and the
same chassis parameters free; the first trial is always the documented defaults.
Test-period observations are never read: the target of a calibration is built from
:func:`truncate_observed` and the model runs only to the end of the training window.

Protocol and how to read the outputs: ``docs/calibration.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import scoring as sc
from sim.core.errors import ParameterError
from sim.data.inputs import Inputs
from sim.data.observed import Observed
from sim.model.paradigms import PARADIGMS, Paradigm

#: Default protocol numbers (chosen so that ``natosim validate`` fits in 10 minutes on 2 cores;
#: see benchmarks/bench_validate.py).
DEFAULT_BUDGET = 600
DEFAULT_REPLICAS = 24
DEFAULT_SEED = 1
DEFAULT_TRAIN = (1991, 2007)
BOUND_TOLERANCE = 0.01  # share of a parameter's range that counts as "at the bound"
LOSS = "1 - aggregate skill (sim.analysis.scoring.score, window = calibration = training window)"

# Continuous observables as in sim.analysis.scoring.CONTINUOUS: observable, Records column,
# Observed attribute, same units as observed.
CONTINUOUS = sc.CONTINUOUS
CONTINUOUS_COLUMNS = tuple(dict.fromkeys(c[1] for c in CONTINUOUS))

#: ``progress(done, total, best_loss)``: called after every trial.
Progress = Callable[[int, int, float], None]


class BoundWarning(UserWarning):
    """A fitted parameter sits at (within 1 % of its range from) a bound of its range."""


# =========================================================================== observed record


def truncate_observed(observed: Observed, end_year: int) -> Observed:
    """The observed record up to and including ``end_year`` (later years are dropped).

    A calibration target built from the truncated record cannot read the test period.
    """

    def series(s):
        return s[s.index <= end_year]

    def wide(frame):
        return frame.loc[:, [c for c in frame.columns if int(c) <= end_year]]

    return replace(
        observed,
        russia_milex=series(observed.russia_milex),
        russia_burden=series(observed.russia_burden),
        nato_milex=series(observed.nato_milex),
        nato_burden=series(observed.nato_burden),
        status=series(observed.status),
        net_coop=series(observed.net_coop),
        coercion=wide(observed.coercion),
        status_events=observed.status_events[observed.status_events["year"] <= end_year],
        partner_status=wide(observed.partner_status),
        events=observed.events[observed.events["year"] <= end_year],
    )


# =========================================================================== simulated summary


@dataclass(frozen=True)
class Simulated:
    """What the loss needs from one ensemble run.

    Attributes:
        years: ``(T,)`` simulated years.
        median: Records column -> ``(T,)`` median over replicas (continuous observables).
        status: ``(T, K)`` institutional status S of every replica.
        coercion: ``(P_obs, T)`` share of replicas with coercion >= 1, observed partner order
            (0 for partners the scenario does not model).
        status_up: ``(P_obs, T)`` share of replicas whose partner status rose that year.
    """

    years: np.ndarray
    median: dict[str, np.ndarray]
    status: np.ndarray
    coercion: np.ndarray
    status_up: np.ndarray


def summarise(years: np.ndarray, series: Mapping[str, np.ndarray],
              partners: Mapping[str, np.ndarray], model_partners: tuple[str, ...],
              observed_partners: tuple[str, ...]) -> Simulated:
    """Summarise raw run arrays (``NatoRussiaModel.recorded()``) for scoring.

    Args:
        years: ``(T,)`` recorded years.
        series: column -> ``(T, K)``.
        partners: column -> ``(T, K, P)``.
        model_partners: the model's partner codes (length P).
        observed_partners: the observed record's partner order.
    """
    median = {c: np.median(series[c], axis=1) for c in CONTINUOUS_COLUMNS}
    cols = np.array([model_partners.index(p) if p in model_partners else -1
                     for p in observed_partners])
    status = partners["status"]
    before = np.concatenate([np.zeros_like(status[:1]), status[:-1]], axis=0)
    shares = {
        "coercion": (partners["coercion"] >= 1).mean(axis=1).T,
        "status_up": (status > before).mean(axis=1).T,
    }
    mapped = {k: np.where(cols[:, None] >= 0, v[np.maximum(cols, 0)], 0.0)
              for k, v in shares.items()}
    return Simulated(years=np.asarray(years, dtype=int), median=median,
                     status=np.asarray(series["S"]).astype(int), **mapped)


def summarise_model(model, observed: Observed) -> Simulated:
    """:func:`summarise` of a finished (or partly run) ``NatoRussiaModel``."""
    years, series, partners = model.recorded()
    return summarise(years, series, partners, tuple(model.inputs.partners),
                     tuple(observed.coercion.index))


# =========================================================================== the target


@dataclass(frozen=True)
class Component:
    """One scored component: its observable, name, kind and reference baseline."""

    observable: str
    name: str
    kind: str  # continuous | ordinal | events

    @property
    def reference(self) -> str:
        return sc.REFERENCE[self.kind]


@dataclass(frozen=True)
class Contributions:
    """Per-year error contributions of several forecasters, for one window.

    A component's score over a multiset of years ``Y`` is ``sum_Y num / sum_Y den`` (its
    square root for continuous components: nRMSE); this reproduces the primary scores of
    :func:`sim.analysis.scoring.score` when ``Y`` is the window, and gives bootstrap scores
    when ``Y``
    is a resample of its years.

    Attributes:
        names: forecaster names (baselines first).
        num, den: ``(F, C, n)`` contributions by forecaster, component and window year.
        target: the :class:`Target` they were computed for.
    """

    names: tuple[str, ...]
    num: np.ndarray
    den: np.ndarray
    target: Target

    def scores(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Primary scores ``(F, C, R)`` for R resamples of year positions ``idx`` ``(R, m)``
        (default: every window year once, R = 1)."""
        counts = year_counts(idx, self.num.shape[2])
        with np.errstate(invalid="ignore", divide="ignore"):
            num, den = self.num @ counts, self.den @ counts
            out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
        root = np.array([c.kind == "continuous" for c in self.target.components])
        out[:, root] = np.sqrt(out[:, root])
        return out

    def skills(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Skill of each component vs its reference baseline, ``(F, C, R)`` (unclipped)."""
        scores = self.scores(idx)
        ref_rows = [self.names.index(c.reference) for c in self.target.components]
        ref = scores[ref_rows, np.arange(len(ref_rows))][None]
        with np.errstate(invalid="ignore", divide="ignore"):
            out = 1.0 - scores / np.where(ref == 0, 1.0, ref)
        out = np.where(ref == 0, np.where(scores == 0, 0.0, -np.inf), out)
        return np.where(np.isfinite(scores) & np.isfinite(ref), out, np.nan)

    def observable_skills(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Clipped skill averaged over each observable's components, ``(F, O, R)``."""
        clipped = np.clip(self.skills(idx), *sc.SKILL_CLIP)
        obs = self.target.observables
        out = np.full((clipped.shape[0], len(obs), clipped.shape[2]), np.nan)
        for j, name in enumerate(obs):
            cols = [i for i, c in enumerate(self.target.components) if c.observable == name]
            block = clipped[:, cols]
            count = np.isfinite(block).sum(axis=1)
            total = np.where(np.isfinite(block), block, 0.0).sum(axis=1)
            out[:, j] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
        return out

    def aggregate(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Aggregate skill ``(F, R)``: equal-weight mean over the included observables, a
        missing observable counting as the worst clipped skill."""
        per = self.observable_skills(idx)
        keep = [j for j, o in enumerate(self.target.observables) if o in self.target.included]
        return np.where(np.isfinite(per[:, keep]), per[:, keep], sc.SKILL_CLIP[0]).mean(axis=1)

    def row(self, name: str) -> int:
        return self.names.index(name)


class Target:
    """The observed record prepared for fast scoring over one window.

    Everything that does not depend on the simulation is computed once here: observed
    z-scores, calibration statistics, the three baselines and their per-year contributions.

    Args:
        observed: the observed record (truncate it for calibration: see
            :func:`truncate_observed`).
        window: first and last scored year.
        calibration: years whose statistics define z-scores, trends and base rates.
        mode: ``replay`` (O6 left out of the aggregate, as in :func:`sim.analysis.scoring.score`) or
            ``free``.
    """

    def __init__(self, observed: Observed, window: tuple[int, int],
                 calibration: tuple[int, int], mode: str = "replay") -> None:
        self.window, self.calibration, self.mode = tuple(window), tuple(calibration), mode
        self.years = np.arange(window[0], window[1] + 1)
        self.until = max(window[1], calibration[1])
        self.included = ("O1", "O2", "O3", "O4", "O5") + (() if mode == "replay" else ("O6",))
        self._continuous = [self._prepare_continuous(observed, *c) for c in CONTINUOUS]
        self._status = self._prepare_status(observed)
        self._events = [self._prepare_events("O5", "coercion", observed.coercion >= 1)]
        if mode != "replay":
            self._events.append(self._prepare_events("O6", "status", _status_up(observed)))
        self.components = tuple(
            [Component(c["obs"], c["column"], "continuous") for c in self._continuous]
            + [Component("O3", "S", "ordinal")]
            + [Component(e["obs"], e["name"], "events") for e in self._events])
        self.observables = tuple(dict.fromkeys(c.observable for c in self.components))
        self.baselines = self._baseline_contributions()

    # ------------------------------------------------------------------ preparation
    def _positions(self, years: np.ndarray) -> np.ndarray:
        return np.asarray(years, dtype=int) - int(self.years[0])

    def _prepare_continuous(self, observed: Observed, obs_id: str, column: str, attr: str,
                            same_units: bool) -> dict[str, Any]:
        obs = getattr(observed, attr)
        oy, ov = obs.index.to_numpy(dtype=int), obs.to_numpy(dtype=float)
        mean, sd = sc.calibration_stats(ov, oy, self.calibration)
        years = self.years[np.isin(self.years, oy)]
        zo = sc.zscore(ov[np.isin(oy, years)], mean, sd)
        forecasts = {
            "persistence": sc.persistence(oy, ov, years, self.calibration),
            "trend": sc.linear_trend(oy, ov, years, self.calibration),
            "base_rate": sc.base_rate(oy, ov, years, self.calibration),
        }
        errors = {k: (sc.zscore(v, mean, sd) - zo) ** 2 for k, v in forecasts.items()}
        return {"obs": obs_id, "column": column, "same_units": same_units, "years": years,
                "pos": self._positions(years), "zo": zo, "mean": mean, "sd": sd,
                "baselines": errors}

    def _prepare_status(self, observed: Observed) -> dict[str, Any]:
        oy, ov = observed.status.index.to_numpy(dtype=int), observed.status.to_numpy(dtype=int)
        years = self.years[np.isin(self.years, oy)]
        target = ov[np.isin(oy, years)]
        trend = np.rint(sc.linear_trend(oy, ov.astype(float), years, self.calibration))
        in_cal = (oy >= self.calibration[0]) & (oy <= self.calibration[1])
        freq = np.bincount(ov[in_cal], minlength=sc.N_STATUS) / max(int(in_cal.sum()), 1)
        forecasts = {
            "persistence": sc.one_hot(sc.persistence(oy, ov, years, self.calibration)),
            "trend": sc.one_hot(np.clip(trend, 0, sc.N_STATUS - 1)),
            "base_rate": np.tile(freq, (len(years), 1)),
        }
        cum_o = (target[:, None] <= np.arange(sc.N_STATUS - 1)[None, :]).astype(float)
        prepared = {"years": years, "pos": self._positions(years), "cum_o": cum_o}
        prepared["baselines"] = {k: _rps_by_year(v, cum_o) for k, v in forecasts.items()}
        return prepared

    def _prepare_events(self, obs_id: str, name: str, flags) -> dict[str, Any]:
        o_full = flags.astype(int)
        oy = o_full.columns.to_numpy(dtype=int)
        years = self.years[np.isin(self.years, oy)]
        o_event = o_full.loc[:, list(years)].to_numpy()
        matrix = o_full.to_numpy(dtype=float)
        rate = matrix.mean(axis=0)
        n = matrix.shape[0]
        forecasts = {
            "persistence": np.stack([sc.persistence(oy, row, years, self.calibration)
                                     for row in matrix]),
            "trend": np.tile(np.clip(sc.linear_trend(oy, rate, years, self.calibration), 0, 1),
                             (n, 1)),
            "base_rate": np.tile(sc.base_rate(oy, rate, years, self.calibration), (n, 1)),
        }
        prepared = {"obs": obs_id, "name": name, "years": years, "pos": self._positions(years),
                    "o": o_event}
        prepared["baselines"] = {k: _brier_by_year(v, o_event) for k, v in forecasts.items()}
        return prepared

    def _baseline_contributions(self) -> tuple[np.ndarray, np.ndarray]:
        n, parts = len(self.years), []
        for name in sc.BASELINES:
            num, den = np.zeros((len(self.components), n)), np.zeros((len(self.components), n))
            for i, (num_t, den_t, pos) in enumerate(self._baseline_rows(name)):
                num[i, pos], den[i, pos] = num_t, den_t
            parts.append((num, den))
        return np.stack([p[0] for p in parts]), np.stack([p[1] for p in parts])

    def _baseline_rows(self, name: str):
        for c in self._continuous:
            yield c["baselines"][name], np.ones(len(c["pos"])), c["pos"]
        yield self._status["baselines"][name], np.ones(len(self._status["pos"])), \
            self._status["pos"]
        for e in self._events:
            num_t, den_t = e["baselines"][name]
            yield num_t, den_t, e["pos"]

    # ------------------------------------------------------------------ scoring
    def sim_rows(self, sim: Simulated) -> tuple[np.ndarray, np.ndarray]:
        """Per-year contributions ``(C, n)`` (numerators, denominators) of one simulation."""
        first = int(sim.years[0])
        missing = [y for y in (self.years[0], self.until) if y not in set(sim.years.tolist())]
        if missing:
            raise ValueError(f"the simulation does not cover {missing} (target {self.window})")
        n, k = len(self.years), len(self.components)
        num, den = np.zeros((k, n)), np.zeros((k, n))
        i = 0
        for c in self._continuous:
            values = sim.median[c["column"]]
            if c["same_units"]:
                mean, sd = c["mean"], c["sd"]
            else:
                mean, sd = sc.calibration_stats(values, sim.years, self.calibration)
            zs = sc.zscore(values[c["years"] - first], mean, sd)
            num[i, c["pos"]], den[i, c["pos"]] = (zs - c["zo"]) ** 2, 1.0
            i += 1
        st = self._status
        probs = sc.ordinal_probabilities(sim.status[st["years"] - first].T)
        num[i, st["pos"]], den[i, st["pos"]] = _rps_by_year(probs, st["cum_o"]), 1.0
        i += 1
        for e in self._events:
            shares = sim.coercion if e["name"] == "coercion" else sim.status_up
            num[i, e["pos"]], den[i, e["pos"]] = _brier_by_year(shares[:, e["years"] - first],
                                                                e["o"])
            i += 1
        return num, den

    def contributions(self, sims: Mapping[str, Simulated]) -> Contributions:
        """Contributions of the baselines and of every named simulation."""
        rows = [self.sim_rows(s) for s in sims.values()]
        num = np.concatenate([self.baselines[0], np.stack([r[0] for r in rows])]) \
            if rows else self.baselines[0]
        den = np.concatenate([self.baselines[1], np.stack([r[1] for r in rows])]) \
            if rows else self.baselines[1]
        return Contributions(names=(*sc.BASELINES, *sims), num=num, den=den, target=self)

    def loss(self, sim: Simulated) -> float:
        """``1 - aggregate skill`` of one simulation over the whole window."""
        contrib = self.contributions({"sim": sim})
        return float(1.0 - contrib.aggregate()[-1, 0])

    def stack(self, names: tuple[str, ...], num: np.ndarray, den: np.ndarray) -> Contributions:
        """Contributions of the baselines and of precomputed rows ``(F, C, n)``."""
        return Contributions(names=(*sc.BASELINES, *names),
                             num=np.concatenate([self.baselines[0], num]),
                             den=np.concatenate([self.baselines[1], den]), target=self)


def year_counts(idx: np.ndarray | None, n: int) -> np.ndarray:
    """``(n, R)`` number of times each of n years is drawn in each of R resamples."""
    if idx is None:
        return np.ones((n, 1))
    idx = np.atleast_2d(np.asarray(idx, dtype=int))
    counts = np.zeros((idx.shape[0], n))
    np.add.at(counts, (np.repeat(np.arange(idx.shape[0]), idx.shape[1]), idx.ravel()), 1.0)
    return counts.T


def _rps_by_year(probs: np.ndarray, cum_o: np.ndarray) -> np.ndarray:
    """RPS of each year (see :func:`sim.analysis.scoring.rps`)."""
    cum_f = np.cumsum(probs, axis=1)[:, :-1]
    return np.sum((cum_f - cum_o) ** 2, axis=1) / (probs.shape[1] - 1)


def _brier_by_year(p: np.ndarray, o: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-year sum of squared errors over scored cells and number of scored cells, with the
    ±1-year tolerance of :func:`sim.analysis.scoring.tolerant_probabilities`."""
    q, scored = sc.tolerant_probabilities(p, o)
    return ((q - o) ** 2 * scored).sum(axis=0), scored.sum(axis=0).astype(float)


def _status_up(observed: Observed):
    """O6 observed: a partner's status rose during the year (level 0 before the record)."""
    full = observed.partner_status
    values = full.to_numpy()
    prev = np.concatenate([np.zeros((values.shape[0], 1), dtype=values.dtype), values[:, :-1]],
                          axis=1)
    return pd.DataFrame(values > prev, index=full.index, columns=full.columns)


# =========================================================================== the problem


@dataclass(frozen=True)
class Space:
    """The searched parameters: qualified name -> (low, high), and the defaults."""

    bounds: dict[str, tuple[float, float]]
    defaults: dict[str, float]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.bounds)


def search_space(paradigm: str, free: tuple[str, ...] | None = None) -> Space:
    """The chassis parameters and the paradigm's own three (all free unless ``free`` names
    the qualified ones to fit, e.g. ``("realist.kappa",)``)."""
    from sim.model.params import registry

    specs = registry(paradigm)
    chosen = list(specs) if free is None else [n for n in free]
    unknown = [n for n in chosen if n not in specs]
    if unknown:
        raise ValueError(f"unknown parameters {unknown}; valid: {list(specs)}")
    return Space(bounds={n: tuple(specs[n].bounds) for n in chosen},
                 defaults={n: float(specs[n].default) for n in chosen})


def mixture_space() -> Space:
    """The two stick-breaking numbers of :class:`~sim.model.paradigms.mixture.Mixture`."""
    from sim.model.paradigms.mixture import Mixture

    params = Mixture.parameters
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


def build_paradigm(paradigm: str, params: Mapping[str, Mapping[str, float]]) -> Paradigm:
    """A paradigm instance from nested parameters (``mixture`` takes its components' values
    from their groups)."""
    if paradigm == "mixture":
        from sim.model.paradigms.mixture import COMPONENTS, Mixture

        comps = {n: PARADIGMS[n](**params.get(n, {})) for n in COMPONENTS}
        return Mixture(comps, **params.get("mixture", {}))
    return PARADIGMS[paradigm](**params.get(paradigm, {}))


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
             progress: Progress | None = None) -> Trials:
    """Minimise ``problem.loss`` with optuna's TPE sampler (seeded, multivariate).

    The first trial is the defaults; the rest follow TPE with ``seed``. Deterministic for a
    given seed (sequential trials).
    """
    import optuna

    names = problem.space.names
    sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True,
                                         n_startup_trials=min(20, max(budget // 5, 1)))
    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        study = optuna.create_study(direction="minimize", sampler=sampler)
        study.enqueue_trial({n: problem.space.defaults[n] for n in names})
        rows: list[tuple[list[float], float, np.ndarray, np.ndarray]] = []
        best = [np.inf]

        def objective(trial) -> float:
            values = {n: trial.suggest_float(n, *problem.space.bounds[n]) for n in names}
            loss, num, den = problem.evaluate(values)
            rows.append((list(values.values()), loss, num, den))
            best[0] = min(best[0], loss)
            if progress is not None:
                progress(len(rows), budget, best[0])
            return loss

        study.optimize(objective, n_trials=budget)
    finally:
        optuna.logging.set_verbosity(previous)
    return Trials(values=np.array([r[0] for r in rows], dtype=float),
                  loss=np.array([r[1] for r in rows], dtype=float),
                  num=np.stack([r[2] for r in rows]), den=np.stack([r[3] for r in rows]))


def calibrate_problem(problem: Problem, budget: int = DEFAULT_BUDGET, *,
                      progress: Progress | None = None,
                      provenance_extra: Mapping[str, Any] | None = None) -> Calibration:
    """Fit ``problem``; warn (:class:`BoundWarning`) for fitted parameters at a bound."""
    if budget < 1:
        raise ValueError("budget must be at least 1")
    trials = optimise(problem, budget, problem.seed, progress)
    names = problem.space.names
    best = dict(zip(names, (float(v) for v in trials.values[trials.best]), strict=True))
    messages = bound_messages(best, problem.space)
    for message in messages:
        warnings.warn(message, BoundWarning, stacklevel=2)
    loss = float(trials.loss[trials.best])
    prov = provenance(problem, budget, loss, messages, provenance_extra)
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
    target = Target(truncated, train, train, mode)
    space = mixture_space() if paradigm == "mixture" else search_space(paradigm, free)
    return Problem(paradigm=paradigm, inputs=inputs, target=target, space=space,
                   fixed={g: dict(v) for g, v in (fixed or {}).items()}, replicas=replicas,
                   seed=seed, mode=mode, observed_partners=tuple(observed.coercion.index))


def parse_window(value: str, option: str = "--train") -> tuple[int, int]:
    """``"1991-2007"`` -> ``(1991, 2007)``.

    Raises:
        ParameterError: not ``YEAR-YEAR`` with the first year before the last.
    """
    first, sep, last = str(value).strip().partition("-")
    if not (sep and first.isdigit() and last.isdigit() and int(first) < int(last)):
        raise ParameterError(option, "", f"expected YEAR-YEAR such as 1991-2007, got {value!r}")
    return int(first), int(last)


def _check_window(inputs: Inputs, window: tuple[int, int]) -> None:
    first, last = int(inputs.years[0]), int(inputs.years[-1])
    if not (first <= window[0] < window[1] <= last):
        raise ParameterError("--train", f"{window[0]}-{window[1]}",
                             f"expected two or more years inside the scenario's period "
                             f"{first}-{last}")


def provenance(problem: Problem, budget: int, loss: float, at_bounds: list[str],
               extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Where fitted values come from: window, budget, seed, optimiser, loss, versions (no
    timestamp, so the same inputs give a byte-identical file)."""
    import optuna

    from sim.core.versions import natosim_version

    out: dict[str, Any] = {
        "produced_by": "natosim calibrate",
        "natosim_version": natosim_version(),
        "paradigm": problem.paradigm,
        "train": list(problem.target.window),
        "mode": problem.mode,
        "budget": int(budget),
        "replicas": int(problem.replicas),
        "seed": int(problem.seed),
        "optimiser": f"optuna {optuna.__version__} TPESampler(multivariate=True, seed="
                     f"{problem.seed}); first trial = defaults",
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
