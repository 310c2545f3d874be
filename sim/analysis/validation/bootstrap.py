"""Scoring the evaluation runs: block-bootstrap intervals, paired differences, horizons."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from sim.analysis import calibration as cal
from sim.analysis.scoring import BASELINES
from sim.analysis.validation.jobs import Run
from sim.analysis.validation.plan import (
    BLOCK,
    HORIZONS,
    LEVEL,
    MIN_YEARS,
    MIXTURE,
    Plan,
    Settings,
    Split,
    span_label,
)
from sim.data.observed import Observed

# --------------------------------------------------------------------------- scoring


def block_bootstrap(n: int, n_boot: int, rng: np.random.Generator,
                    block: int = BLOCK) -> np.ndarray:
    """Moving-block bootstrap of ``n`` consecutive years: ``(n_boot, n)`` year positions.

    Each resample concatenates blocks of ``block`` consecutive years starting at uniform
    positions, cut to ``n`` years.
    """
    block = max(1, min(block, n))
    n_blocks = math.ceil(n / block)
    starts = rng.integers(0, n - block + 1, size=(n_boot, n_blocks))
    idx = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(n_boot, -1)
    return idx[:, :n]


def _rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, *keys])


def score_all(observed: Observed, plan: Plan,
               fitted: Mapping[tuple[str, int], cal.Calibration],
               runs: Mapping[tuple[str, int, str], Run],
               settings: Settings) -> dict[str, pd.DataFrame]:
    skills, diffs, mixture, frozen, frozen_diffs, tests = [], [], [], [], [], []
    forecasters = (*plan.paradigms, *((MIXTURE,) if plan.with_mixture else ()))
    for k, split in enumerate(plan.splits):
        end = split.train[1]
        sims = {p: runs[(p, end, "real")].sim for p in forecasters}
        for j, (sample, window, obs) in enumerate(_samples(split, observed)):
            target = cal.Target(obs, window, split.train, settings.mode)
            contrib = target.contributions(sims)
            idx = block_bootstrap(len(target.years), settings.n_boot, _rng(settings.seed, k, j))
            skills.append(skill_rows(contrib, idx, split.name, sample))
            diffs.append(difference_rows(contrib, idx, plan.paradigms, split.name, sample))
            tests.append(test_rows(contrib, plan.paradigms, split.name, sample, settings.seed))
            if sample == "out of sample" and _has_frozen(runs, split):
                rows, paired = _frozen_rows(split, plan, runs, contrib, idx)
                frozen.append(rows)
                frozen_diffs.append(paired)
        if plan.with_mixture:
            mixture.append(mixture_rows(fitted[(MIXTURE, end)], observed, split, settings, k))
    return {"skills": pd.concat(skills, ignore_index=True),
            "differences": pd.concat(diffs, ignore_index=True),
            "horizons": horizon_rows(observed, plan, runs, forecasters, settings),
            "mixture": pd.concat(mixture, ignore_index=True) if mixture else pd.DataFrame(),
            "frozen": pd.concat(frozen, ignore_index=True) if frozen else pd.DataFrame(),
            "frozen_differences": (pd.concat(frozen_diffs, ignore_index=True) if frozen_diffs
                                   else pd.DataFrame()),
            "tests": pd.concat(tests, ignore_index=True)}


def _has_frozen(runs: Mapping[tuple[str, int, str], Run], split: Split) -> bool:
    return any(k[1] == split.train[1] and k[2] == "frozen" for k in runs)


def test_rows(contrib: cal.Contributions, paradigms: Sequence[str], split: str, sample: str,
              seed: int) -> pd.DataFrame:
    """Diebold–Mariano (HLN, h = BLOCK) tests of each paradigm against each baseline on the
    per-year losses (:meth:`Contributions.yearly_losses`), and membership of the 95 % model
    confidence set over paradigms and baselines."""
    from sim.analysis.scoring import confidence_set, diebold_mariano

    losses = contrib.yearly_losses()
    names = [n for n in (*BASELINES, *paradigms) if n in contrib.names]
    mcs = confidence_set(losses[[contrib.row(n) for n in names]].T, names, block=BLOCK,
                         seed=seed)
    rows = []
    for p in paradigms:
        for b in BASELINES:
            dm = diebold_mariano(losses[contrib.row(p)], losses[contrib.row(b)], BLOCK)
            rows.append({"split": split, "sample": sample, "paradigm": p, "baseline": b,
                         "loss_diff": dm.mean, "dm": dm.statistic, "p": dm.pvalue,
                         "n": dm.n, "in_mcs": p in mcs.included,
                         "baseline_in_mcs": b in mcs.included,
                         "mcs_p": mcs.pvalues.get(p, float("nan"))})
    return pd.DataFrame(rows)


def split_records(runs: Mapping[tuple[str, int, str], Run], plan: Plan, split: Split):
    """The evaluation records of every forecaster fitted on ``split``, joined."""
    from sim.model.records import Records

    names = (*plan.paradigms, *((MIXTURE,) if plan.with_mixture else ()))
    return Records.concat([runs[(p, split.train[1], "real")].records for p in names])


def _samples(split: Split, observed: Observed):
    """(sample, window, observed record) for in-sample and out-of-sample scoring."""
    yield "in sample", split.train, cal.truncate_observed(observed, split.train[1])
    yield "out of sample", split.test, observed


def _interval(values: np.ndarray, n_years: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over the last axis; NaN for windows shorter than ``MIN_YEARS``."""
    tail = (1.0 - LEVEL) / 2.0
    lo, hi = np.quantile(values, [tail, 1.0 - tail], axis=-1)
    if n_years is not None and n_years < MIN_YEARS:
        return np.full_like(lo, np.nan), np.full_like(hi, np.nan)
    return lo, hi


def skill_rows(contrib: cal.Contributions, idx: np.ndarray, split: str,
               sample: str) -> pd.DataFrame:
    """Aggregate skill (point and bootstrap interval) and per-observable skill of every
    forecaster."""
    point = contrib.aggregate()[:, 0]
    lo, hi = _interval(contrib.aggregate(idx), len(contrib.target.years))
    per = contrib.observable_skills()[:, :, 0]
    frame = pd.DataFrame({
        "split": split, "sample": sample, "window": span_label(contrib.target.window),
        "forecaster": contrib.names,
        "kind": ["baseline" if n in BASELINES else
                 "encompassing" if n == MIXTURE else "paradigm" for n in contrib.names],
        "skill": point, "lo": lo, "hi": hi})
    for j, name in enumerate(contrib.target.observables):
        frame[f"skill_{name}"] = per[:, j]
    return frame


def difference_rows(contrib: cal.Contributions, idx: np.ndarray, paradigms: Sequence[str],
                    split: str, sample: str) -> pd.DataFrame:
    """Paired differences of aggregate skill, ``a - b``, for every pair of forecasters in
    ``paradigms`` (plus the mixture against each, if present), on the same bootstrap draws."""
    point = contrib.aggregate()[:, 0]
    boot = contrib.aggregate(idx)
    pairs = list(combinations(paradigms, 2))
    if MIXTURE in contrib.names:
        pairs += [(MIXTURE, p) for p in paradigms]
    rows = []
    for a, b in pairs:
        ia, ib = contrib.row(a), contrib.row(b)
        lo, hi = _interval(boot[ia] - boot[ib], len(contrib.target.years))
        rows.append({"split": split, "sample": sample, "a": a, "b": b,
                     "diff": point[ia] - point[ib], "lo": lo, "hi": hi,
                     "share_a_better": float(np.mean(boot[ia] > boot[ib])),
                     "distinguishable": bool(lo > 0 or hi < 0)})
    return pd.DataFrame(rows)


def _frozen_rows(split: Split, plan: Plan, runs: Mapping[tuple[str, int, str], Run],
                 real: cal.Contributions, idx: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Test skill with the frozen inputs next to the real ones (same bootstrap draws), and
    the paired differences between paradigms with frozen inputs."""
    end = split.train[1]
    names = (*plan.paradigms, *((MIXTURE,) if plan.with_mixture else ()))
    target = real.target
    frozen = target.contributions({p: runs[(p, end, "frozen")].sim for p in names})
    point_real, point_frozen = real.aggregate()[:, 0], frozen.aggregate()[:, 0]
    n = len(target.years)
    lo, hi = _interval(frozen.aggregate(idx), n)
    change_lo, change_hi = _interval(frozen.aggregate(idx) - real.aggregate(idx), n)
    rows = []
    for p in names:
        i = frozen.row(p)
        rows.append({"split": split.name, "window": span_label(split.test), "forecaster": p,
                     "skill": point_real[real.row(p)], "skill_frozen": point_frozen[i],
                     "lo_frozen": lo[i], "hi_frozen": hi[i],
                     "change": point_frozen[i] - point_real[real.row(p)],
                     "change_lo": change_lo[i], "change_hi": change_hi[i]})
    return pd.DataFrame(rows), difference_rows(frozen, idx, plan.paradigms, split.name,
                                               "out of sample, frozen inputs")


def mixture_rows(result: cal.Calibration, observed: Observed, split: Split,
                 settings: Settings, k: int) -> pd.DataFrame:
    """Mixture weights with bootstrap intervals over training years.

    For each resample of 3-year blocks of the training years, the weights with the best
    resampled training skill among all evaluated candidates (every optimiser trial) are
    taken; the interval is the percentile range of those weights.
    """
    from sim.model.paradigms.mixture import components, stick_breaking

    trials = result.trials
    target = cal.Target(cal.truncate_observed(observed, split.train[1]), split.train,
                        split.train, settings.mode)
    names = tuple(f"trial{i}" for i in range(len(trials.loss)))
    contrib = target.stack(names, trials.num, trials.den)
    idx = block_bootstrap(len(target.years), settings.n_boot, _rng(settings.seed, k, 9))
    chosen = np.argmax(contrib.aggregate(idx)[len(BASELINES):], axis=0)
    weights = np.array([stick_breaking(*trials.values[i]) for i in range(len(trials.loss))])
    best = weights[trials.best]
    lo, hi = _interval(weights[chosen].T)
    return pd.DataFrame({"split": split.name, "train": span_label(split.train),
                         "component": list(components()), "weight": best, "lo": lo, "hi": hi,
                         "train_skill": result.skill,
                         "interval": "block bootstrap over training years, refit among "
                                     "evaluated candidates"})


def horizon_rows(observed: Observed, plan: Plan, runs: Mapping[tuple[str, int, str], Run],
                 forecasters: Sequence[str], settings: Settings) -> pd.DataFrame:
    """Rolling origins: skill over the ``h`` years after each origin, for each horizon."""
    rows = []
    for origin in plan.origins:
        sims = {p: runs[(p, origin, "real")].sim for p in forecasters if p != MIXTURE}
        for h in HORIZONS:
            if origin + h > plan.last:
                continue
            window = (origin + 1, origin + h)
            target = cal.Target(observed, window, (plan.first, origin), settings.mode)
            contrib = target.contributions(sims)
            for name, value in zip(contrib.names, contrib.aggregate()[:, 0], strict=True):
                rows.append({"origin": origin, "horizon": h, "window": span_label(window),
                             "forecaster": name,
                             "kind": "baseline" if name in BASELINES else "paradigm",
                             "skill": value})
    return pd.DataFrame(rows, columns=["origin", "horizon", "window", "forecaster", "kind",
                                       "skill"])
