"""Scoring metrics: plain functions on numpy arrays, each with its formula in the docstring.

Definitions and how to read them: ``docs/scoring.md``.
"""

from __future__ import annotations

import numpy as np

N_STATUS = 5  # S in 0..4
LOG_EPS = 1e-3  # probabilities are clipped to [eps, 1 - eps] in the log score

# =========================================================================== metrics: series


def calibration_stats(values: np.ndarray, years: np.ndarray,
                      calibration: tuple[int, int]) -> tuple[float, float]:
    """Mean and population standard deviation over the calibration years.

    ``m = mean(x_t : t in C)``, ``s = sqrt(mean((x_t - m)^2 : t in C))`` (ddof = 0).
    """
    in_cal = (years >= calibration[0]) & (years <= calibration[1]) & np.isfinite(values)
    ref = values[in_cal]
    if ref.size == 0:
        return float("nan"), float("nan")
    return float(ref.mean()), float(ref.std())


def zscore(values: np.ndarray, mean: float, sd: float) -> np.ndarray:
    """``z_t = (x_t - m) / s``; NaN everywhere if ``s`` is 0 or undefined."""
    values = np.asarray(values, dtype=float)
    if not np.isfinite(sd) or sd == 0:
        return np.full(values.shape, np.nan)
    return (values - mean) / sd


def nrmse(sim_z: np.ndarray, obs_z: np.ndarray) -> float:
    """RMSE of z-scores: ``sqrt(mean_t (zs_t - zo_t)^2)`` (in calibration sd units)."""
    diff = np.asarray(sim_z, dtype=float) - np.asarray(obs_z, dtype=float)
    return float(np.sqrt(np.mean(diff**2))) if diff.size else float("nan")


def direction_accuracy(sim: np.ndarray, obs: np.ndarray) -> float:
    """Share of yearly changes with the same sign: ``mean_t [sign(Δs_t) == sign(Δo_t)]``.

    ``Δx_t = x_t - x_{t-1}``; a zero change matches only a zero change.
    """
    ds, do = np.sign(np.diff(sim)), np.sign(np.diff(obs))
    return float(np.mean(ds == do)) if do.size else float("nan")


def turning_points(values: np.ndarray) -> np.ndarray:
    """Indices of strict local extrema: ``(x_t - x_{t-1}) * (x_{t+1} - x_t) < 0``."""
    x = np.asarray(values, dtype=float)
    if x.size < 3:
        return np.array([], dtype=int)
    left, right = x[1:-1] - x[:-2], x[2:] - x[1:-1]
    return np.flatnonzero(left * right < 0) + 1


def turning_point_scores(sim: np.ndarray, obs: np.ndarray, tol: int = 1) -> tuple[float, float]:
    """Precision and recall of turning points within ``±tol`` years.

    precision = share of simulated turning points with an observed one within ``tol``;
    recall = share of observed turning points with a simulated one within ``tol``.
    NaN where the denominator is empty.
    """
    ts, to = turning_points(sim), turning_points(obs)

    def share_near(a: np.ndarray, b: np.ndarray) -> float:
        if a.size == 0:
            return float("nan")
        return float(np.mean([np.any(np.abs(b - i) <= tol) for i in a]))

    return share_near(ts, to), share_near(to, ts)


# =========================================================================== metrics: ordinal


def ordinal_probabilities(samples: np.ndarray, n_categories: int = N_STATUS) -> np.ndarray:
    """Ensemble probabilities by category: ``P[t, k] = share of replicas r with y[r, t] = k``.

    Args:
        samples: replicas x years integer array.
        n_categories: categories 0..n-1.
    """
    samples = np.asarray(samples, dtype=int)
    counts = np.stack([(samples == k).sum(axis=0) for k in range(n_categories)], axis=1)
    return counts / samples.shape[0]


def one_hot(values: np.ndarray, n_categories: int = N_STATUS) -> np.ndarray:
    """Deterministic forecast as probabilities: ``P[t, k] = 1 if y_t = k else 0``."""
    values = np.clip(np.asarray(values, dtype=int), 0, n_categories - 1)
    return np.eye(n_categories)[values]


def rps(probs: np.ndarray, obs: np.ndarray) -> float:
    """Ranked probability score, mean over years (0 best, 1 worst).

    ``RPS_t = sum_{k=0}^{K-2} (F_{t,k} - O_{t,k})^2 / (K - 1)`` with ``F`` the cumulative
    forecast probability of categories ``<= k`` and ``O_{t,k} = [y_t <= k]``.
    """
    probs = np.asarray(probs, dtype=float)
    k = probs.shape[1]
    cum_f = np.cumsum(probs, axis=1)[:, :-1]
    cum_o = (np.asarray(obs)[:, None] <= np.arange(k - 1)[None, :]).astype(float)
    return float(np.mean(np.sum((cum_f - cum_o) ** 2, axis=1) / (k - 1)))


def exact_match(probs: np.ndarray, obs: np.ndarray) -> float:
    """Share of years where the ensemble mode equals the observed category.

    ``mode_t = argmax_k P[t, k]`` (ties go to the lower category).
    """
    return float(np.mean(np.argmax(probs, axis=1) == np.asarray(obs)))


# =========================================================================== metrics: events


def tolerant_probabilities(p: np.ndarray, o: np.ndarray,
                           tol: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Forecast probabilities with a ``±tol``-year tolerance, and the cells that are scored.

    For an observed event (``o[i, t] = 1``): ``q = max(p[i, t-tol .. t+tol])``, so an event
    predicted within ``tol`` years counts. For a non-event next to an observed event
    (``o[i, t] = 0`` but ``o[i, t±tol] = 1``) the cell is not scored (a near miss is neither
    rewarded nor punished twice). Otherwise ``q = p[i, t]``.

    Returns:
        ``(q, scored)``: arrays of the shape of ``p``.
    """
    p, o = np.asarray(p, dtype=float), np.asarray(o, dtype=int)
    n_t = p.shape[1]
    q, scored = p.copy(), np.ones(p.shape, dtype=bool)
    for t in range(n_t):
        lo, hi = max(0, t - tol), min(n_t, t + tol + 1)
        near_event = o[:, lo:hi].max(axis=1) == 1
        is_event = o[:, t] == 1
        q[is_event, t] = p[is_event, lo:hi].max(axis=1)
        scored[~is_event & near_event, t] = False
    return q, scored


def brier(q: np.ndarray, o: np.ndarray, scored: np.ndarray | None = None) -> float:
    """Brier score ``mean (q - o)^2`` over scored cells (0 best, 1 worst)."""
    q, o = np.asarray(q, dtype=float), np.asarray(o, dtype=float)
    mask = np.ones(q.shape, dtype=bool) if scored is None else scored
    return float(np.mean((q[mask] - o[mask]) ** 2)) if mask.any() else float("nan")


def log_score(q: np.ndarray, o: np.ndarray, scored: np.ndarray | None = None,
              eps: float = LOG_EPS) -> float:
    """Negative mean log likelihood ``-mean[o ln q + (1 - o) ln(1 - q)]``, q clipped to
    ``[eps, 1 - eps]`` (0 best)."""
    q = np.clip(np.asarray(q, dtype=float), eps, 1 - eps)
    o = np.asarray(o, dtype=float)
    mask = np.ones(q.shape, dtype=bool) if scored is None else scored
    ll = o * np.log(q) + (1 - o) * np.log(1 - q)
    return float(-np.mean(ll[mask])) if mask.any() else float("nan")


def timing_error(p: np.ndarray, o: np.ndarray, threshold: float = 0.5) -> tuple[float, int]:
    """Mean |first predicted year - first observed year| over rows with an observed event.

    A row's predicted event year is the first ``t`` with ``p[i, t] >= threshold``. Rows with an
    observed event but no predicted one are counted as missed instead.

    Returns:
        ``(mean absolute error in years (NaN if none), number of missed rows)``.
    """
    p, o = np.asarray(p, dtype=float), np.asarray(o, dtype=int)
    errors, missed = [], 0
    for i in range(o.shape[0]):
        if not o[i].any():
            continue
        predicted = np.flatnonzero(p[i] >= threshold)
        if predicted.size == 0:
            missed += 1
        else:
            errors.append(abs(int(predicted[0]) - int(np.flatnonzero(o[i])[0])))
    return (float(np.mean(errors)) if errors else float("nan")), missed


def false_alarms(p: np.ndarray, o: np.ndarray, tol: int = 1, threshold: float = 0.5) -> int:
    """Cells with ``p[i, t] >= threshold`` and no observed event within ``±tol`` years."""
    p, o = np.asarray(p, dtype=float), np.asarray(o, dtype=int)
    count = 0
    for t in range(p.shape[1]):
        lo, hi = max(0, t - tol), min(p.shape[1], t + tol + 1)
        count += int(np.sum((p[:, t] >= threshold) & (o[:, lo:hi].max(axis=1) == 0)))
    return count


def sign_test(sim_delta: np.ndarray, obs_delta: np.ndarray) -> tuple[int, int, float]:
    """Milestone sign test: hits = #{sign(ΔR) == sign(ΔO4)} over milestones with ΔO4 != 0.

    The p-value is the exact one-sided binomial test of ``hits`` out of ``n`` against 0.5
    (``scipy.stats.binomtest(hits, n, 0.5, alternative="greater")``); NaN if ``n = 0``.
    """
    sim_delta, obs_delta = np.asarray(sim_delta, float), np.asarray(obs_delta, float)
    keep = obs_delta != 0
    n = int(keep.sum())
    hits = int(np.sum(np.sign(sim_delta[keep]) == np.sign(obs_delta[keep])))
    return hits, n, binomial_sf_half(hits, n) if n else float("nan")


def binomial_sf_half(hits: int, n: int) -> float:
    """``P(X >= hits)`` for ``X ~ Binomial(n, 1/2)``: the p-value of
    ``scipy.stats.binomtest(hits, n, 0.5, alternative="greater")``, bit for bit.

    It calls the binomial survival function that ``binomtest`` calls (boost's, a
    ``scipy.special`` ufunc) with the same float arguments, without importing
    ``scipy.stats`` (about 0.5-1 s per command); ``tests/test_scoring_fast_paths.py`` checks it
    against ``binomtest`` for every ``hits`` and ``n <= 120``.
    """
    if hits < 1:
        return 1.0
    try:  # a private scipy name: should a scipy release move it, binomtest gives the same
        from scipy.special._ufuncs import _binom_sf
    except ImportError:
        from scipy.stats import binomtest

        return float(binomtest(hits, n, 0.5, alternative="greater").pvalue)
    return float(_binom_sf(float(hits - 1), float(n), 0.5))


def skill(score: float, reference: float) -> float:
    """``1 - score / reference`` (1 perfect, 0 as good as the reference, < 0 worse).

    If the reference is perfect (0): 0 when the score is also 0, else ``-inf``.
    """
    if not (np.isfinite(score) and np.isfinite(reference)):
        return float("nan")
    if reference == 0:
        return 0.0 if score == 0 else float("-inf")
    return 1.0 - score / reference

