"""The bootstrap particle filter over teacher-mode runs: one-step predictive likelihoods.

The K replicas of one teacher-mode model are G parameter points x N particles (group-major:
replica ``g * N + n``). The latent noise (shocks to R and partner alignment) is carried by
the particles. Each year the model gives every particle's distribution of every open
decision; each particle is weighted by the probability it gave the observed outcomes, the
mean weight is the one-step predictive likelihood of the year, and the particles are
resampled within their group (systematic resampling, one uniform per year shared by all
groups: common random numbers). The N particle draws are shared by the G points too
(``draw_rows=N``), so a batch of candidates is compared on the same noise.

Pointwise scores use the chain rule inside a year: decision d is scored by its predictive
probability given the year's earlier decisions, ``sum_n W_n(d) q_n(d) / sum_n W_n(d)`` with
``W_n(d)`` the product of particle n's probabilities of the decisions before d. The scores
of a year sum exactly to the log of its mean weight. Each particle's probability of an
outcome is floored at ``FLOOR`` (1e-6) so an outcome the rules make impossible in every
particle cannot end the filter; such cells are flagged ``floored`` (the unfloored
predictive probability is below the floor) and reported, never hidden.

Deterministic for a seed: the model stream is seeded with ``seed``, the resampling stream
with ``(seed, 1)``; one process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.data.history import N_CATEGORIES, History, build_history
from sim.data.inputs import Inputs
from sim.model.model import NatoRussiaModel
from sim.model.paradigms import PARADIGMS
from sim.model.parameter import CHASSIS
from sim.model.teacher import MAX_CATEGORIES, reindex

FLOOR = 1e-6
#: Particles for scoring (pointwise tables): the log of the filter's unbiased likelihood
#: estimate is biased low by its variance, a few log units at 16-64 particles on the full
#: record; 256 brings the bias and the seed spread to about 1-3 (benchmarks/bench_likelihood.py).
SCORE_PARTICLES = 256
DYAD = "NATO-RUS"
PROB_COLUMNS = tuple(f"p_{k}" for k in range(MAX_CATEGORIES))
POINTWISE_COLUMNS = ("forecaster", "year", "kind", "actor", "outcome", "logp",
                     *PROB_COLUMNS, "floored")


@dataclass(frozen=True)
class FilterResult:
    """Scores of G parameter points on the same decisions.

    Attributes:
        years, kinds, actors, outcome: ``(D,)`` the decisions, in scoring order.
        logp: ``(G, D)`` log predictive probability of each observed outcome.
        floored: ``(G, D)`` the unfloored predictive probability was below ``FLOOR``.
        dist: ``(G, D, 5)`` predictive distributions (None unless asked for).
    """

    years: np.ndarray
    kinds: np.ndarray
    actors: np.ndarray
    outcome: np.ndarray
    logp: np.ndarray
    floored: np.ndarray
    dist: np.ndarray | None

    def loglik(self, last: int | None = None) -> np.ndarray:
        """``(G,)`` total log-likelihood, of the years up to ``last`` if given."""
        keep = slice(None) if last is None else self.years <= last
        return self.logp[:, keep].sum(axis=1)


@dataclass(frozen=True)
class Pointwise:
    """One forecaster's pointwise table (``POINTWISE_COLUMNS``) and its totals."""

    table: pd.DataFrame

    @property
    def loglik(self) -> float:
        return float(self.table["logp"].sum())

    @property
    def by_year(self) -> pd.Series:
        """Log one-step predictive likelihood of each year (sum of its rows)."""
        return self.table.groupby("year")["logp"].sum()

    @property
    def floored_share(self) -> float:
        """Share of the total log score carried by floored cells."""
        total = self.table["logp"].sum()
        return float(self.table.loc[self.table["floored"], "logp"].sum() / total) if total else 0.0


def per_replica(points: Sequence[Mapping[str, Mapping[str, float]]], paradigm: str,
                particles: int) -> tuple[dict[str, object], dict[str, object]]:
    """Chassis and paradigm keyword values for G points x N particles (group-major).

    A parameter no point sets keeps its default; one point gives plain floats.
    """
    own = PARADIGMS[paradigm].parameters
    out: list[dict[str, object]] = []
    for group, names in (("chassis", CHASSIS), (paradigm, own)):
        values: dict[str, object] = {}
        for name, spec in names.items():
            column = [float(p.get(group, {}).get(name, spec.default)) for p in points]
            values[name] = (column[0] if len(points) == 1
                            else np.repeat(np.asarray(column), particles))
        out.append(values)
    return out[0], out[1]


def run_filter(inputs: Inputs, paradigm: str, points: Sequence[Mapping], history: History, *,
               particles: int = 64, seed: int = 0, until: int | None = None,
               latent_noise: bool = True, keep_dist: bool = False) -> FilterResult:
    """Filter G parameter points through the history (years up to ``until``)."""
    G, N = len(points), int(particles)
    chassis_kw, own_kw = per_replica(points, paradigm, N)
    model = NatoRussiaModel(inputs=inputs, paradigm=PARADIGMS[paradigm](**own_kw),
                            mode="teacher", history=history, replicas=G * N, rng=seed,
                            draw_rows=N, latent_noise=latent_noise, **chassis_kw)
    resample_rng = np.random.default_rng((int(seed), 1))
    last = int(inputs.years[-1]) if until is None else int(until)
    meta: list[tuple] = []
    logps, floors, dists = [], [], []
    offsets = (np.arange(G) * N)[:, None]
    for year in inputs.years[inputs.years <= last]:
        model.run_until(float(year) + 1.0)
        scores = model.teacher.last
        D = len(scores.outcome)
        q = scores.observed_probability().reshape(G, N, D)
        qf = np.maximum(q, FLOOR)
        cum = np.cumsum(np.log(qf), axis=2)
        before = np.concatenate([np.zeros((G, N, 1)), cum[..., :-1]], axis=2)
        w = np.exp(before - before.max(axis=1, keepdims=True))
        w /= w.sum(axis=1, keepdims=True)  # (G, N, D) weights before each decision
        logps.append(np.log((w * qf).sum(axis=1)))
        floors.append((w * q).sum(axis=1) < FLOOR)
        if keep_dist:
            dist = scores.distribution().reshape(G, N, D, MAX_CATEGORIES)
            dists.append(np.einsum("gnd,gndc->gdc", w, dist))
        actors = [DYAD if c < 0 else inputs.partners[c] for c in scores.columns]
        meta += [(int(year), k, a, o) for k, a, o in zip(scores.kinds, actors,
                                                          scores.outcome, strict=True)]
        final = np.exp(cum[..., -1] - cum[..., -1].max(axis=1, keepdims=True)) if D else \
            np.ones((G, N))
        reindex(model, (offsets + systematic(final, resample_rng.random())).reshape(-1))
    years, kinds, actors, outcome = (np.array(c) for c in zip(*meta, strict=True))
    return FilterResult(years=years.astype(int), kinds=kinds, actors=actors,
                        outcome=outcome.astype(int), logp=np.concatenate(logps, axis=1),
                        floored=np.concatenate(floors, axis=1),
                        dist=np.concatenate(dists, axis=1) if keep_dist else None)


def systematic(weights: np.ndarray, u: float) -> np.ndarray:
    """Systematic resampling of each row of ``(G, N)`` weights with the one uniform ``u``.

    Returns the ``(G, N)`` ancestor indices: particle n of a row takes the ancestor whose
    cumulative normalised weight first exceeds ``(n + u) / N``.
    """
    G, N = weights.shape
    cum = np.cumsum(weights, axis=1)
    cum /= cum[:, -1:]
    positions = (np.arange(N) + u) / N
    idx = (cum[:, :, None] < positions[None, None, :]).sum(axis=1)
    return np.minimum(idx, N - 1)


def pointwise_table(result: FilterResult, forecaster: str, group: int = 0) -> pd.DataFrame:
    """The tidy pointwise table (``POINTWISE_COLUMNS``) of one point of a filter result."""
    table = pd.DataFrame({
        "forecaster": forecaster, "year": result.years, "kind": result.kinds,
        "actor": result.actors, "outcome": result.outcome, "logp": result.logp[group],
    })
    n_cat = table["kind"].map(N_CATEGORIES).to_numpy()
    for k, column in enumerate(PROB_COLUMNS):
        values = result.dist[group, :, k] if result.dist is not None else np.nan
        table[column] = np.where(k < n_cat, values, np.nan)
    table["floored"] = result.floored[group]
    return table.reindex(columns=list(POINTWISE_COLUMNS))


def teacher_forced(inputs: Inputs, paradigm: str, params: Mapping | None = None, *,
                   particles: int = SCORE_PARTICLES, seed: int = 0, observed=None,
                   history: History | None = None, until: int | None = None,
                   latent_noise: bool = True) -> Pointwise:
    """One paradigm's pointwise one-step scores on the observed (or a given) history.

    Args:
        inputs: the scenario's inputs.
        paradigm: a registered paradigm name.
        params: nested values ``{"chassis": {...}, paradigm: {...}}`` (defaults if absent).
        particles: N particles.
        seed: seed of the model and resampling streams.
        observed: the observed record (``sim.data.observed.Observed``), if no ``history``.
        history: a :class:`History` to score instead (e.g. a simulated one).
        until: last year scored (default: the scenario's last year).
        latent_noise: False switches the shocks off (the filter is then exact).
    """
    if history is None:
        if observed is None:
            raise ValueError("teacher_forced needs observed or history")
        history = build_history(inputs, observed)
    result = run_filter(inputs, paradigm, [dict(params or {})], history, particles=particles,
                        seed=seed, until=until, latent_noise=latent_noise, keep_dist=True)
    return Pointwise(pointwise_table(result, paradigm))
