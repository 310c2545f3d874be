"""Forecast comparison tests on per-year losses: Diebold–Mariano (HLN) and the model
confidence set. Definitions: ``docs/scoring.md``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DMResult:
    """A Diebold–Mariano test of ``mean(loss_a - loss_b) = 0``.

    Attributes:
        mean: mean loss differential (negative: ``a`` has the lower loss).
        statistic: the HLN-corrected statistic (t with ``n - 1`` degrees of freedom).
        pvalue: two-sided p-value.
        n: number of years with both losses.
    """

    mean: float
    statistic: float
    pvalue: float
    n: int


def diebold_mariano(loss_a: np.ndarray, loss_b: np.ndarray, horizon: int = 1) -> DMResult:
    """Diebold–Mariano test with the Harvey–Leybourne–Newbold small-sample correction.

    ``d_t = loss_a,t - loss_b,t`` over the n years with both losses;
    ``V = (γ_0 + 2 sum_{k=1}^{h-1} γ_k) / n`` with ``γ_k`` the autocovariance at lag k
    (divisor n); ``DM = mean(d) / sqrt(V)``; HLN:
    ``DM* = DM * sqrt((n + 1 - 2h + h(h - 1)/n) / n)``, compared with Student's t with
    ``n - 1`` degrees of freedom (two-sided). If the lagged terms make ``V <= 0``, only
    ``γ_0`` is used. NaN statistic when ``n < 3`` or ``d`` is constant and nonzero mean 0.

    Args:
        loss_a, loss_b: per-year losses of two forecasters (NaN years left out).
        horizon: h, the number of autocovariance terms (1: none beyond the variance).
    """
    a, b = np.asarray(loss_a, dtype=float), np.asarray(loss_b, dtype=float)
    d = (a - b)[np.isfinite(a) & np.isfinite(b)]
    n, h = d.size, max(1, int(horizon))
    if n < 3:
        return DMResult(float(np.mean(d)) if n else float("nan"), float("nan"),
                        float("nan"), n)
    dev = d - d.mean()
    gamma = [float(np.dot(dev[k:], dev[:n - k]) / n) for k in range(min(h, n))]
    var = (gamma[0] + 2.0 * sum(gamma[1:])) / n
    if var <= 0:
        var = gamma[0] / n
    if var <= 0:
        stat = 0.0 if d.mean() == 0 else float(np.sign(d.mean()) * np.inf)
    else:
        stat = float(d.mean() / np.sqrt(var))
        stat *= float(np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n))
    from scipy import stats  # here, not at import: compare and run never need it

    pvalue = float(2.0 * stats.t.sf(abs(stat), df=n - 1))
    return DMResult(float(d.mean()), stat, pvalue, n)


@dataclass(frozen=True)
class MCSResult:
    """Model confidence set: the forecasters not rejected at the given size.

    Attributes:
        included: names in the set (the best ones the data cannot tell apart).
        pvalues: name -> MCS p-value.
        size: test size (0.05: a 95 % confidence set).
    """

    included: tuple[str, ...]
    pvalues: dict[str, float]
    size: float


def confidence_set(losses: np.ndarray, names: Sequence[str], *, size: float = 0.05,
                   block: int = 3, reps: int = 1000, seed: int = 0) -> MCSResult:
    """Hansen–Lunde–Nason model confidence set (``arch.bootstrap.MCS``, method "R",
    moving-block bootstrap of ``block`` years, seeded).

    Args:
        losses: ``(n, k)`` per-year losses of k forecasters (rows with a NaN are dropped).
        names: the k forecaster names.
    """
    from arch.bootstrap import MCS

    losses = np.asarray(losses, dtype=float)
    keep = np.isfinite(losses).all(axis=1)
    frame = losses[keep]
    if frame.shape[0] < 2 * block or frame.shape[1] < 2:
        return MCSResult(tuple(names), {n: float("nan") for n in names}, size)
    mcs = MCS(frame, size=size, reps=reps, block_size=block, method="R", bootstrap="mbb",
              seed=seed)
    mcs.compute()
    pvals = mcs.pvalues.iloc[:, 0]
    included = {int(i) for i in mcs.included}
    return MCSResult(tuple(n for i, n in enumerate(names) if i in included),
                     {names[int(i)]: float(v) for i, v in pvals.items()}, size)
