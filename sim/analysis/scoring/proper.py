"""Proper scores and calibration checks for ensemble forecasts (per year, numpy arrays).

An ensemble is an ``(n, m)`` array: ``n`` years (or cells), ``m`` members. A point forecast
(a baseline) is an ensemble of one member, so every forecaster is scored by the same code.
Definitions and how to read them: ``docs/scoring.md``.
"""

from __future__ import annotations

import numpy as np

BANDS: tuple[float, ...] = (0.80, 0.95)  # central prediction bands scored and checked
PIT_BINS = 10


def _ensemble(fct: np.ndarray) -> np.ndarray:
    fct = np.asarray(fct, dtype=float)
    return fct[:, None] if fct.ndim == 1 else fct


def crps_ensemble(obs: np.ndarray, fct: np.ndarray) -> np.ndarray:
    """CRPS of an ensemble for each year (0 best, in the observable's units).

    ``CRPS_t = mean_i |x_ti - y_t| - 1/2 mean_ij |x_ti - x_tj|`` (the energy form), computed
    by ``scoringrules.crps_ensemble(..., estimator="qd")``, the quantile decomposition that
    gives the same number in O(m log m) instead of O(m^2) (tested against the energy form);
    for one member it is the absolute error ``|x_t - y_t|``. NaN where the observation or
    every member is missing.

    Args:
        obs: ``(n,)`` observations.
        fct: ``(n, m)`` ensemble (or ``(n,)`` point forecasts).
    """
    import scoringrules as sr

    obs, fct = np.asarray(obs, dtype=float), _ensemble(fct)
    out = np.asarray(sr.crps_ensemble(obs, fct, m_axis=-1, estimator="qd",
                                      nan_policy="omit"), dtype=float)
    return np.where(np.isfinite(obs), out, np.nan)


def band(fct: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Central ``level`` band of each year's ensemble: quantiles ``(1 ± level) / 2``
    (numpy's default linear interpolation between members)."""
    tail = (1.0 - level) / 2.0
    return nan_quantiles(_ensemble(fct), [tail, 1.0 - tail])


def nan_quantiles(fct: np.ndarray, qs: list[float]) -> np.ndarray:
    """``np.nanquantile(fct, qs, axis=1)`` of an ``(n, m)`` array, bit for bit, faster.

    ``nanquantile`` sorts every row in its own Python call; rows without a NaN give the same
    numbers from one vectorised ``np.quantile`` (same order statistics, same interpolation),
    so only rows holding a NaN take the slow path.
    """
    if fct.ndim != 2 or fct.shape[1] == 0:  # no member: whatever nanquantile makes of it
        return np.nanquantile(fct, qs, axis=1)
    gaps = np.isnan(fct).any(axis=1)
    if not gaps.any():
        return np.quantile(fct, qs, axis=1)
    out = np.empty((len(qs), fct.shape[0]))
    out[:, ~gaps] = np.quantile(fct[~gaps], qs, axis=1)
    out[:, gaps] = np.nanquantile(fct[gaps], qs, axis=1)
    return out


def interval_score(obs: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                   level: float) -> np.ndarray:
    """Interval score of a central band, per year (Gneiting and Raftery 2007; 0 best).

    ``IS_t = (u - l) + (2/α)(l - y) [y < l] + (2/α)(y - u) [y > u]``, ``α = 1 - level``.
    """
    obs, lo, hi = (np.asarray(a, dtype=float) for a in (obs, lo, hi))
    alpha = 1.0 - level
    below, above = np.maximum(lo - obs, 0.0), np.maximum(obs - hi, 0.0)
    return (hi - lo) + (2.0 / alpha) * below + (2.0 / alpha) * above


def coverage(obs: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Share of years whose observation lies inside ``[l, u]`` (NaN years left out)."""
    obs = np.asarray(obs, dtype=float)
    ok = np.isfinite(obs)
    inside = (obs >= lo) & (obs <= hi)
    return float(np.mean(inside[ok])) if ok.any() else float("nan")


def pit(obs: np.ndarray, fct: np.ndarray) -> np.ndarray:
    """Probability integral transform of each observation under its ensemble.

    ``PIT_t = (#{x_ti < y_t} + 1/2 #{x_ti = y_t}) / m`` (ties split in the middle, so a
    calibrated ensemble gives a flat histogram); NaN where the observation is missing.
    """
    obs, fct = np.asarray(obs, dtype=float), _ensemble(fct)
    m = np.isfinite(fct).sum(axis=1)
    below = (fct < obs[:, None]).sum(axis=1)
    ties = (fct == obs[:, None]).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (below + 0.5 * ties) / m
    return np.where(np.isfinite(obs) & (m > 0), out, np.nan)


def pit_histogram(values: np.ndarray, bins: int = PIT_BINS) -> np.ndarray:
    """Counts of PIT values in ``bins`` equal bins of [0, 1] (1 falls in the last bin)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return np.histogram(values, bins=bins, range=(0.0, 1.0))[0]


def ordinal_log_score(probs: np.ndarray, obs: np.ndarray, eps: float) -> np.ndarray:
    """``-ln P_t(y_t)`` per year, the probability clipped below at ``eps`` (0 best)."""
    probs = np.asarray(probs, dtype=float)
    obs = np.asarray(obs, dtype=int)
    return -np.log(np.maximum(probs[np.arange(len(obs)), obs], eps))


def bounded_skill(score: np.ndarray | float, reference: np.ndarray | float) -> np.ndarray:
    """``(ref - score) / (ref + score)`` for non-negative scores, in [-1, 1].

    A monotone transform of the skill ``s = 1 - score/ref``: it equals ``s / (2 - s)``, so the
    order of forecasters is the same, 0 stays "as good as the reference" and 1 "perfect";
    a forecaster k times worse than the reference gets ``-(k - 1)/(k + 1)`` instead of
    ``1 - k``, so no observable dominates the equal-weight aggregate and nothing is clipped.
    0 when both scores are 0.
    """
    score, reference = np.asarray(score, dtype=float), np.asarray(reference, dtype=float)
    total = score + reference
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (reference - score) / np.where(total > 0, total, 1.0)
    return np.where(total > 0, out, np.where(np.isfinite(total), 0.0, np.nan))
