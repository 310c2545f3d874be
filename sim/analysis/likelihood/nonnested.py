"""Non-nested model selection on paired pointwise log-likelihoods: Vuong and Clarke tests.

For forecasters A and B scored on the same ``n`` decisions, ``m_i = log p_A(y_i) - log
p_B(y_i)``.

- Vuong (1989, *Econometrica* 57(2): 307-333): ``LR = sum m_i``, ``omega^2 = mean(m^2) -
  mean(m)^2`` and ``Z = LR / (sqrt(n) omega)``, standard normal when the two are equally close
  to the truth. The Schwarz (BIC) correction subtracts ``(k_A - k_B) log(n) / 2`` from ``LR``
  (Vuong 1989, eq. 5.7); the AIC correction subtracts ``k_A - k_B``.
- Clarke (2007, *Political Analysis* 15(3): 347-363), distribution-free: ``B = #{m_i > 0}`` is
  Binomial(n, 1/2) under the null. Exact ties (``m_i = 0``, both gave the same probability)
  carry no information and are dropped from ``n``. Clarke's Schwarz correction is applied to
  each ``m_i``: ``m_i - (k_A - k_B) log(n) / (2 n)``.

Decisions within a year are dependent (one filtered state drives them all), so both tests
also get a moving-block bootstrap over years (blocks of :data:`BLOCK` consecutive years,
:func:`sim.analysis.validation.block_bootstrap`): the Vuong statistic with the bootstrap
standard error of ``LR`` in place of ``sqrt(n) omega``, and the sign test with the bootstrap
distribution of the share ``B / n``. Every bootstrap is seeded and reproducible.

When ``k_A == k_B`` (any two paradigms: all have nine parameters) the corrections cancel and
the corrected statistics equal the raw ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.validation import BLOCK, block_bootstrap

N_BOOT = 999


@dataclass(frozen=True)
class Vuong:
    """Vuong's statistic: ``z > 0`` favours A; ``p`` is two-sided."""

    lr: float
    omega: float
    z: float
    p: float


@dataclass(frozen=True)
class Clarke:
    """Clarke's sign test: ``b`` of ``n`` non-tied decisions favour A; ``p`` two-sided."""

    b: int
    n: int
    p: float


def schwarz(k_a: int, k_b: int, n: int) -> float:
    """The Schwarz (BIC) correction of the summed log-likelihood ratio."""
    return (k_a - k_b) * math.log(n) / 2.0 if n > 0 else 0.0


def vuong(m: np.ndarray, correction: float = 0.0) -> Vuong:
    """Vuong's test on pointwise differences ``m`` with ``correction`` subtracted from LR."""
    m = np.asarray(m, dtype=float)
    n = len(m)
    lr = float(m.sum()) - correction
    omega = float(np.sqrt(max(np.mean(m**2) - np.mean(m) ** 2, 0.0))) if n else 0.0
    if n == 0 or omega == 0.0:
        z = 0.0 if lr == 0.0 else math.copysign(math.inf, lr)
    else:
        z = lr / (math.sqrt(n) * omega)
    return Vuong(lr, omega, z, float(2.0 * stats.norm.sf(abs(z))))


def clarke(m: np.ndarray, correction: float = 0.0) -> Clarke:
    """Clarke's sign test on ``m_i - correction / n`` (ties dropped)."""
    m = np.asarray(m, dtype=float)
    d = m - (correction / len(m) if len(m) else 0.0)
    b, n = int((d > 0).sum()), int((d != 0).sum())
    p = float(stats.binomtest(b, n, 0.5).pvalue) if n else 1.0
    return Clarke(b, n, p)


def block_resamples(years: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """``(n_boot, T)`` positions into the sorted unique ``years`` (moving blocks)."""
    rng = np.random.default_rng(seed)
    return block_bootstrap(len(np.unique(years)), n_boot, rng, BLOCK)


def paired_test(m: np.ndarray, years: np.ndarray, k_a: int, k_b: int, *,
                seed: int, n_boot: int = N_BOOT) -> dict[str, float]:
    """Vuong and Clarke, raw and Schwarz-corrected, with their block-bootstrap versions.

    Args:
        m: pointwise ``log p_A - log p_B`` on the same decisions.
        years: the year of each decision (the bootstrap resamples blocks of years).
        k_a, k_b: parameter counts.
        seed: seed of the bootstrap.
        n_boot: bootstrap resamples.

    Returns:
        One row of the pairwise table (see :func:`pairwise_tests`).
    """
    m = np.asarray(m, dtype=float)
    n = len(m)
    corr = schwarz(k_a, k_b, n)
    v, vb = vuong(m), vuong(m, corr)
    c, cb = clarke(m), clarke(m, corr)
    row: dict[str, float] = {
        "n": n, "k_a": k_a, "k_b": k_b, "lr": v.lr, "mean_diff": v.lr / n if n else math.nan,
        "lr_aic": v.lr - (k_a - k_b), "lr_bic": vb.lr, "vuong_z": v.z, "vuong_p": v.p,
        "vuong_z_bic": vb.z, "vuong_p_bic": vb.p, "clarke_b": c.b, "clarke_n": c.n,
        "clarke_p": c.p, "clarke_b_bic": cb.b, "clarke_n_bic": cb.n, "clarke_p_bic": cb.p,
        "corrections_cancel": k_a == k_b,
    }
    row.update(_bootstrap(m, years, corr, seed, n_boot))
    return row


def _bootstrap(m: np.ndarray, years: np.ndarray, corr: float, seed: int,
               n_boot: int) -> dict[str, float]:
    """Block-bootstrap SE of LR, Vuong p with it, interval of mean m, sign-test p."""
    uniq, pos = np.unique(years, return_inverse=True)
    if len(uniq) < 2 * BLOCK:
        return {"boot_se": math.nan, "vuong_p_block": math.nan, "vuong_p_block_bic": math.nan,
                "mean_diff_lo": math.nan, "mean_diff_hi": math.nan, "clarke_p_block": math.nan}
    per_year = np.bincount(pos, weights=m, minlength=len(uniq))
    count = np.bincount(pos, minlength=len(uniq)).astype(float)
    wins = np.bincount(pos, weights=(m > 0).astype(float), minlength=len(uniq))
    nonzero = np.bincount(pos, weights=(m != 0).astype(float), minlength=len(uniq))
    idx = block_resamples(uniq, n_boot, seed)
    lr_star = per_year[idx].sum(axis=1)
    n_star = count[idx].sum(axis=1)
    se = float(lr_star.std(ddof=1))
    lr = float(m.sum())
    share = float(wins.sum() / nonzero.sum()) if nonzero.sum() else 0.5
    share_star = wins[idx].sum(axis=1) / np.maximum(nonzero[idx].sum(axis=1), 1.0)
    lo, hi = np.quantile(lr_star / n_star, [0.025, 0.975])

    def p_of(value: float) -> float:
        if se == 0.0:
            return 1.0 if value == 0.0 else 0.0
        return float(2.0 * stats.norm.sf(abs(value) / se))

    # Sign test: how often a resampled share lands as far from the observed one as the
    # observed one is from 1/2 (the bootstrap distribution centred at the estimate).
    far = np.abs(share_star - share) >= abs(share - 0.5)
    return {"boot_se": se, "vuong_p_block": p_of(lr), "vuong_p_block_bic": p_of(lr - corr),
            "mean_diff_lo": float(lo), "mean_diff_hi": float(hi),
            "clarke_p_block": float((far.sum() + 1) / (len(far) + 1))}


def pairwise_tests(pointwise: pd.DataFrame, n_params: dict[str, int], *, seed: int,
                   n_boot: int = N_BOOT) -> pd.DataFrame:
    """Vuong and Clarke tests between every pair of forecasters in ``pointwise``.

    Rows are aligned on ``year, kind, actor``; only decisions every forecaster scored are
    used. Each unordered pair appears once (A before B in the table's forecaster order); the
    bootstrap seed of pair ``j`` is ``(seed, j)``.

    Returns:
        One row per pair: ``a``, ``b``, the columns of :func:`paired_test`, and ``favours``
        (the forecaster the Schwarz-corrected block-bootstrap Vuong test favours at 5 %; the
        i.i.d. version when the window is too short for blocks; else ``"neither"``).
    """
    wide = pointwise.pivot_table(index=["year", "kind", "actor"], columns="forecaster",
                                 values="logp", aggfunc="first", sort=True).dropna()
    names = list(dict.fromkeys(pointwise["forecaster"]))
    years = wide.index.get_level_values("year").to_numpy()
    rows = []
    for j, (a, b) in enumerate((a, b) for i, a in enumerate(names) for b in names[i + 1:]):
        m = (wide[a] - wide[b]).to_numpy()
        pair_seed = int(np.random.SeedSequence([seed, j]).generate_state(1)[0])
        row = {"a": a, "b": b, **paired_test(m, years, n_params[a], n_params[b],
                                              seed=pair_seed, n_boot=n_boot)}
        p = row["vuong_p_block_bic"]
        p = p if np.isfinite(p) else row["vuong_p_bic"]  # window too short for blocks
        row["favours"] = (a if row["lr_bic"] > 0 else b) if p < 0.05 else "neither"
        rows.append(row)
    return pd.DataFrame(rows)
