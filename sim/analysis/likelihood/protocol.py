"""The whole likelihood protocol: fit every paradigm and every rival on each split, score all.

For each seed, each split (primary, vantage, the rolling origins: :func:`likelihood_splits`)
and each registered paradigm, :func:`~sim.analysis.likelihood.fit.fit_likelihood` maximises
the teacher-forced likelihood of the training years (same optimiser, budget, particles and
seed for every paradigm), and :func:`~sim.runs.filter.teacher_forced` then scores every year
with the fitted parameters (the years after the training window are out of sample). The
rivals (:mod:`sim.analysis.likelihood.rivals`) are fitted on the same training years and
score the same decisions; they are deterministic, so one fit per split serves every seed.
The main seed fits every split; the further seeds (the ranking's stability) fit the primary
and vantage splits.

The jobs (each split's rivals, each paradigm x split x seed fit) run through
:func:`sim.runs.executor.run_jobs`; each job carries its own seed, so 1 or N processes give
identical tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.analysis.likelihood.compare import PARADIGM, RIVAL, Split, likelihood_splits
from sim.analysis.likelihood.decisions import history_decisions
from sim.analysis.likelihood.fit import DEFAULT_BUDGET, DEFAULT_PARTICLES, fit_likelihood
from sim.analysis.likelihood.rivals import score_rivals
from sim.data.history import History, build_history
from sim.data.inputs import Inputs
from sim.runs.executor import run_jobs
from sim.runs.filter import teacher_forced

N_SEEDS = 5  # the ranking's stability is reported over at least this many seeds


@dataclass(frozen=True)
class Settings:
    """The protocol's settings, the same for every paradigm.

    Attributes:
        seeds: fit and filter seeds (the first is the main one; >= 5 for the stability).
        budget: evaluated points per fit.
        particles: particles of the filter.
        processes: local worker processes (numbers do not depend on it).
    """

    seeds: tuple[int, ...]
    budget: int = DEFAULT_BUDGET
    particles: int = DEFAULT_PARTICLES
    processes: int = 1

    @classmethod
    def from_seed(cls, seed: int, n_seeds: int = N_SEEDS, **kwargs: Any) -> Settings:
        """Seeds ``seed, seed + 1, ..., seed + n_seeds - 1``."""
        return cls(tuple(int(seed) + i for i in range(n_seeds)), **kwargs)


@dataclass(frozen=True)
class LikelihoodResult:
    """Everything the comparison reads (see :mod:`sim.analysis.likelihood.compare`).

    Attributes:
        decisions: the observed decision table.
        splits: the splits fitted.
        scored: pointwise rows of every forecaster, with ``seed`` and ``split``.
        fits: one row per ``seed, split, forecaster``: ``role``, ``n_params``, ``n_train``,
            ``train_loglik``, ``searched``, ``at_bounds``, ``params`` (paradigms).
        rival_info: how each rival was fitted, per split and kind.
        paradigms: the paradigm names, in registry order.
        settings: the settings used.
    """

    decisions: pd.DataFrame
    splits: list[Split]
    scored: pd.DataFrame
    fits: pd.DataFrame
    rival_info: pd.DataFrame
    paradigms: list[str]
    settings: Settings
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def main_seed(self) -> int:
        return self.settings.seeds[0]

    @property
    def rivals(self) -> list[str]:
        return [f for f in dict.fromkeys(self.scored["forecaster"]) if f not in self.paradigms]


def _splits_of(seed: int, settings: Settings, splits: list[Split]) -> list[Split]:
    """The main seed fits every split; the other seeds the primary and vantage splits only
    (the ranking's seed stability is read there; the rolling origins use the main seed)."""
    return splits if seed == settings.seeds[0] else [s for s in splits if s.family == "split"]


def _job(shared: tuple[Inputs, History, pd.DataFrame], job: tuple) -> Any:
    """One job of the protocol: a paradigm fit (``("paradigm", ...)``) or a split's rivals."""
    if job[0] == RIVAL:
        return score_rivals(shared[2], job[1].train)
    return _paradigm_job(shared, job[1:])


def _paradigm_job(shared: tuple[Inputs, History, pd.DataFrame],
                  job: tuple[str, Split, int, int, int]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Fit one paradigm on one split with one seed; score every year with the fit."""
    inputs, history, _ = shared
    paradigm, split, seed, budget, particles = job
    fit = fit_likelihood(inputs, None, paradigm, train=split.train, budget=budget, seed=seed,
                         particles=particles, history=history)
    table = teacher_forced(inputs, paradigm, fit.params, particles=particles, seed=seed,
                           history=history).table
    row = {"seed": seed, "split": split.name, "forecaster": paradigm, "role": PARADIGM,
           "n_params": fit.n_params, "n_train": fit.n_obs, "train_loglik": fit.train_loglik,
           "searched": ";".join(fit.searched), "at_bounds": ";".join(fit.at_bounds),
           "params": ";".join(f"{g}.{n}={v:.6g}" for g, vals in fit.params.items()
                              for n, v in vals.items())}
    return table.assign(seed=seed, split=split.name), row


def run_protocol(inputs: Inputs, observed: Any, paradigms: Sequence[str], settings: Settings,
                 *, splits: list[Split] | None = None, history: History | None = None,
                 progress: Callable[[int, int], None] | None = None) -> LikelihoodResult:
    """Fit and score every paradigm and rival on every split and seed.

    Args:
        inputs: the scenario's inputs.
        observed: the observed record (ignored when ``history`` is given).
        paradigms: registered paradigm names.
        settings: seeds, budget, particles, processes.
        splits: default: :func:`likelihood_splits` of the scenario's period.
        history: a decision history to use instead of the observed one.
        progress: ``progress(done, total)`` after each job (a fit, or a split's rivals).
    """
    history = history if history is not None else build_history(inputs, observed)
    years = [int(y) for y in history.years]
    splits = splits if splits is not None else likelihood_splits(years[0], years[-1])
    decisions = history_decisions(inputs, history)
    rival_jobs = [(RIVAL, s) for s in splits]
    jobs = rival_jobs + [(PARADIGM, p, s, seed, settings.budget, settings.particles)
                         for seed in settings.seeds for s in _splits_of(seed, settings, splits)
                         for p in paradigms]
    results = run_jobs(_job, jobs, processes=settings.processes,
                       shared=(inputs, history, decisions), progress=progress)
    tables = [t for t, _ in results[len(rival_jobs):]]
    fit_rows = [r for _, r in results[len(rival_jobs):]]
    infos = []
    for split, (pointwise, info, n_params) in zip(splits, results[: len(rival_jobs)],
                                                  strict=True):
        train = decisions["year"].between(*split.train)
        n_train = int(train.sum())
        train_ll = pointwise.loc[pointwise["year"].between(*split.train)].groupby(
            "forecaster", sort=False)["logp"].sum()
        infos.append(info.assign(split=split.name))
        for seed in (x for x in settings.seeds if split in _splits_of(x, settings, splits)):
            tables.append(pointwise.assign(seed=seed, split=split.name))
            fit_rows += [{"seed": seed, "split": split.name, "forecaster": name,
                          "role": RIVAL, "n_params": k, "n_train": n_train,
                          "train_loglik": float(train_ll[name]), "searched": "",
                          "at_bounds": "", "params": ""} for name, k in n_params.items()]
    scored = pd.concat(tables, ignore_index=True)
    return LikelihoodResult(decisions=decisions, splits=splits, scored=scored,
                            fits=pd.DataFrame(fit_rows),
                            rival_info=pd.concat(infos, ignore_index=True),
                            paradigms=list(paradigms), settings=settings)
