"""Baselines: naive forecasts built from the observed record alone.

They are scored by the same code as the paradigms (``docs/scoring.md``).
"""

from __future__ import annotations

import numpy as np

BASELINES: tuple[str, ...] = ("persistence", "trend", "base_rate")

def persistence(years: np.ndarray, values: np.ndarray, targets: np.ndarray,
                calibration: tuple[int, int]) -> np.ndarray:
    """No change since the forecast origin: the naive forecast a free-running model must beat.

    The model runs free from the start of the period, seeing only its initial conditions, so
    its naive rival sees the same: inside the calibration window every year is forecast by
    the first observation of the window (``ŷ_t = y_s``, ``s = min{s >= calibration start}``);
    after it, by the last calibration observation held flat
    (``s = max{s <= calibration end}``). (A one-step-ahead persistence, ``ŷ_t = y_{t-1}``,
    would see the observed record every year, which the simulation never does.)
    """
    start, end = calibration
    inside = np.flatnonzero(years >= start)
    before_end = np.flatnonzero(years <= end)
    first = values[inside[0]] if inside.size else np.nan
    last = values[before_end[-1]] if before_end.size else np.nan
    return np.array([first if t <= end else last for t in targets], dtype=float)


def linear_trend(years: np.ndarray, values: np.ndarray, targets: np.ndarray,
                 calibration: tuple[int, int]) -> np.ndarray:
    """OLS line fitted on the calibration years, evaluated at the target years."""
    in_cal = (years >= calibration[0]) & (years <= calibration[1])
    if in_cal.sum() < 2:
        return np.full(len(targets), np.nan)
    slope, intercept = np.polyfit(years[in_cal], values[in_cal], 1)
    return intercept + slope * np.asarray(targets, dtype=float)


def base_rate(years: np.ndarray, values: np.ndarray, targets: np.ndarray,
              calibration: tuple[int, int]) -> np.ndarray:
    """The calibration-window mean, constant over the target years (climatology)."""
    in_cal = (years >= calibration[0]) & (years <= calibration[1])
    return np.full(len(targets), values[in_cal].mean() if in_cal.any() else np.nan)



def level_map(center: np.ndarray, observed: np.ndarray) -> tuple[float, float]:
    """The map ``observable ≈ a + b · x`` from a model quantity to an observable's units.

    Ordinary least squares of the observations on the forecaster's ensemble median ``x``,
    pooled over the cells (years, or partners x years) where both are finite; the caller
    passes calibration-window cells only, so the map never reads the test years. It is
    fitted the same way for every forecaster and never uses the ensemble's spread. The slope
    is kept non-negative (``b < 0`` would turn a wrong-signed forecaster into a right-signed
    one): if OLS gives ``b < 0``, or ``x`` does not vary, then ``b = 0`` and ``a`` is the
    observed mean (the forecaster adds nothing to the base rate).

    Args:
        center: ``(rows, years)`` ensemble medians on the calibration years.
        observed: ``(rows, years)`` observations on the same cells.

    Returns:
        ``(a, b)``; ``(nan, nan)`` with no finite cell.
    """
    x, y = np.asarray(center, dtype=float).ravel(), np.asarray(observed, dtype=float).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return float("nan"), float("nan")
    x, y = x[ok], y[ok]
    var = float(np.mean((x - x.mean()) ** 2))
    if var <= 1e-12 * max(1.0, float(np.mean(x**2))):
        return float(y.mean()), 0.0
    b = float(np.mean((x - x.mean()) * (y - y.mean())) / var)
    if b < 0:
        return float(y.mean()), 0.0
    return float(y.mean() - b * x.mean()), b
