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

