"""Scoring: metrics, baselines and the scorecard (pure functions; reads only Records/Observed).

Metrics are plain functions on numpy arrays, each with its formula in the docstring. Baselines
are forecasts built from the observed record alone and scored by the same code as the
paradigms. :func:`score` assembles the scorecard; ``natosim compare`` only runs the ensembles,
calls it and writes the result. Definitions and how to read a scorecard: ``docs/scoring.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from sim.data.observed import Observed
from sim.model.records import Records

BASELINES: tuple[str, ...] = ("persistence", "trend", "base_rate")
# The baseline each kind of observable's aggregate skill is measured against (fixed in advance).
# Events and ordinal use the base rate: with the ±1-year tolerance, year-on-year persistence
# of an event series is a near-perfect (one-year-late) forecast, see docs/scoring.md.
REFERENCE = {"continuous": "persistence", "ordinal": "base_rate", "events": "base_rate"}
N_STATUS = 5  # S in 0..4
LOG_EPS = 1e-3  # probabilities are clipped to [eps, 1 - eps] in the log score
SKILL_CLIP = (-1.0, 1.0)  # per-observable skill range entering the aggregate
DEFAULT_SEED = 20_091_991  # weightings for rank stability (fixed in advance)


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
    p = binomtest(hits, n, 0.5, alternative="greater").pvalue if n else float("nan")
    return hits, n, float(p)


def skill(score: float, reference: float) -> float:
    """``1 - score / reference`` (1 perfect, 0 as good as the reference, < 0 worse).

    If the reference is perfect (0): 0 when the score is also 0, else ``-inf``.
    """
    if not (np.isfinite(score) and np.isfinite(reference)):
        return float("nan")
    if reference == 0:
        return 0.0 if score == 0 else float("-inf")
    return 1.0 - score / reference


# =========================================================================== baselines


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


# =========================================================================== scorecard


@dataclass(frozen=True)
class Scorecard:
    """The result of :func:`score`.

    Attributes:
        table: tidy scores, columns ``observable, component, forecaster, kind, metric, value``.
        aggregate: one row per forecaster: ``forecaster, kind, aggregate_skill, observables``.
        rank_stability: paradigm -> share of random weightings under which it ranks first.
        meta: window, calibration, mode, reference baseline, observables in the aggregate,
            seed and number of weightings, notes.
    """

    table: pd.DataFrame
    aggregate: pd.DataFrame
    rank_stability: pd.Series
    meta: dict[str, Any] = field(default_factory=dict)

    def skills(self, metric: str = "skill") -> pd.DataFrame:
        """A skill metric (default: vs each observable's reference) as component x forecaster."""
        rows = self.table[self.table["metric"] == metric]
        return rows.pivot_table(index=["observable", "component"], columns="forecaster",
                                values="value", aggfunc="first")

    def observable_skills(self) -> pd.DataFrame:
        """Forecaster x observable (O1-O6): the clipped skill that enters the aggregate,
        averaged over components. Observables left out of the aggregate (O6 in replay) are
        reported too; ``meta["aggregate_observables"]`` says which ones count."""
        observables = sorted(dict.fromkeys(self.table["observable"]))
        return _observable_skills(self.table, observables)


Forecasts = dict[str, Any]
_Row = tuple[str, str, str, str, str, float]

CONTINUOUS: tuple[tuple[str, str, str, bool], ...] = (
    # observable, Records.series column, Observed attribute, same units as observed?
    ("O1", "russia_milex", "russia_milex", True),
    ("O1", "russia_burden", "russia_burden", True),
    ("O2", "nato_burden", "nato_burden", True),
    ("O4", "R", "net_coop", False),
)
PRIMARY = {"continuous": "nrmse", "ordinal": "rps", "events": "brier"}


def score(records: Records, observed: Observed, window: tuple[int, int] = (1991, 2008),
          calibration: tuple[int, int] = (1991, 2007), *, n_weightings: int = 1000,
          seed: int = DEFAULT_SEED) -> Scorecard:
    """Score every paradigm in ``records`` and every baseline against the observed record.

    Args:
        records: ensembles of one or more paradigms (one scenario, common seeds).
        observed: the observed record.
        window: first and last year scored (inclusive).
        calibration: years whose statistics define z-scores, trends and base rates.
        n_weightings: random Dirichlet(1, ..., 1) weightings for rank stability.
        seed: seed of the numpy Generator drawing the weightings.

    Returns:
        The :class:`Scorecard`.

    Raises:
        ValueError: no year of the window is in the records.
    """
    simulated = set(records.years)
    years = np.array([y for y in range(window[0], window[1] + 1) if y in simulated], dtype=int)
    if years.size == 0:
        raise ValueError(f"window {window[0]}-{window[1]} has no year in the records")
    paradigms = records.paradigms
    rows: list[_Row] = []
    for obs_id, column, attr, same_units in CONTINUOUS:
        rows += _score_continuous(records, getattr(observed, attr), obs_id, column, same_units,
                                  years, calibration)
    rows += _score_status(records, observed.status, years, calibration)
    event_years = years[np.isin(years, observed.coercion.columns)]
    rows += _score_events("O5", "coercion", *_coercion_matrices(records, observed, event_years),
                          event_years, calibration)
    rows += _score_events("O6", "status", *_transition_matrices(records, observed, event_years),
                          event_years, calibration)
    rows += _score_sign_test(records, observed, years)
    table = pd.DataFrame(rows, columns=["observable", "component", "forecaster", "kind",
                                        "metric", "value"])
    table = _add_skills(table)
    mode = str(records.meta.get("mode", "replay"))
    included = ["O1", "O2", "O3", "O4", "O5"] + ([] if mode == "replay" else ["O6"])
    per_obs = _observable_skills(table, included)
    aggregate = _aggregate(per_obs, paradigms)
    stability = rank_stability(per_obs.loc[paradigms], n_weightings, seed)
    meta = {
        "window": list(window), "years_scored": [int(years[0]), int(years[-1])],
        "calibration": list(calibration), "mode": mode,
        "reference": dict(REFERENCE), "aggregate_observables": included, "seed": seed,
        "n_weightings": n_weightings, "skill_clip": list(SKILL_CLIP),
        "notes": ["O6 is forced in replay mode: reported, not aggregated"]
        if mode == "replay" else [],
    }
    return Scorecard(table=table, aggregate=aggregate, rank_stability=stability, meta=meta)


def rank_stability(skills: pd.DataFrame, n_weightings: int = 1000,
                   seed: int = DEFAULT_SEED) -> pd.Series:
    """Share of Dirichlet(1, ..., 1) weightings of observables under which each row ranks first.

    ``w ~ Dirichlet(1_k)``, ``total_f = sum_j w_j * skill_{f, j}``; ties go to the first row.
    Missing skills count as the worst clipped value.

    Args:
        skills: forecaster x observable matrix of (clipped) skills.
        n_weightings: number of weightings.
        seed: seed of ``numpy.random.default_rng``.
    """
    if skills.empty:
        return pd.Series(dtype=float, name="share_first")
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(skills.shape[1]), size=n_weightings)
    values = skills.fillna(SKILL_CLIP[0]).to_numpy(dtype=float)
    winners = np.argmax(weights @ values.T, axis=1)
    shares = np.bincount(winners, minlength=len(skills)) / n_weightings
    return pd.Series(shares, index=skills.index, name="share_first")


# --------------------------------------------------------------------------- continuous


def _median_series(records: Records, paradigm: str, column: str) -> pd.Series:
    rows = records.series[records.series["paradigm"] == paradigm]
    return rows.groupby("year")[column].median()


def _continuous_forecasts(records: Records, obs: pd.Series, column: str, years: np.ndarray,
                          calibration: tuple[int, int]) -> Forecasts:
    oy, ov = obs.index.to_numpy(dtype=int), obs.to_numpy(dtype=float)
    targets = years[np.isin(years, oy)]
    out: Forecasts = {p: _median_series(records, p, column) for p in records.paradigms}
    out["persistence"] = pd.Series(persistence(oy, ov, targets, calibration), targets)
    out["trend"] = pd.Series(linear_trend(oy, ov, targets, calibration), targets)
    out["base_rate"] = pd.Series(base_rate(oy, ov, targets, calibration), targets)
    return out


def _score_continuous(records: Records, obs: pd.Series, obs_id: str, column: str,
                      same_units: bool, years: np.ndarray,
                      calibration: tuple[int, int]) -> list[_Row]:
    oy, ov = obs.index.to_numpy(dtype=int), obs.to_numpy(dtype=float)
    o_mean, o_sd = calibration_stats(ov, oy, calibration)
    rows: list[_Row] = []
    for name, fc in _continuous_forecasts(records, obs, column, years, calibration).items():
        kind = "baseline" if name in BASELINES else "paradigm"
        fy, fv = fc.index.to_numpy(dtype=int), fc.to_numpy(dtype=float)
        if kind == "paradigm" and not same_units:
            f_mean, f_sd = calibration_stats(fv, fy, calibration)
        else:
            f_mean, f_sd = o_mean, o_sd
        common = np.intersect1d(years, np.intersect1d(oy, fy))
        zs = zscore(fv[np.isin(fy, common)], f_mean, f_sd)
        zo = zscore(ov[np.isin(oy, common)], o_mean, o_sd)
        raw_s, raw_o = fv[np.isin(fy, common)], ov[np.isin(oy, common)]
        precision, recall = turning_point_scores(raw_s, raw_o)
        for metric, value in (("nrmse", nrmse(zs, zo)),
                              ("direction_accuracy", direction_accuracy(raw_s, raw_o)),
                              ("turning_point_precision", precision),
                              ("turning_point_recall", recall)):
            rows.append((obs_id, column, name, kind, metric, value))
    return rows


# --------------------------------------------------------------------------- ordinal (O3)


def _score_status(records: Records, obs: pd.Series, years: np.ndarray,
                  calibration: tuple[int, int]) -> list[_Row]:
    oy, ov = obs.index.to_numpy(dtype=int), obs.to_numpy(dtype=int)
    targets = years[np.isin(years, oy)]
    target_obs = ov[np.isin(oy, targets)]
    forecasts: dict[str, np.ndarray] = {}
    for p in records.paradigms:
        rows = records.series[(records.series["paradigm"] == p)
                              & records.series["year"].isin(targets)]
        wide = rows.pivot_table(index="replica", columns="year", values="S", aggfunc="first")
        forecasts[p] = ordinal_probabilities(wide.reindex(columns=targets).to_numpy())
    forecasts["persistence"] = one_hot(persistence(oy, ov, targets, calibration))
    trend = np.rint(linear_trend(oy, ov.astype(float), targets, calibration))
    forecasts["trend"] = one_hot(np.clip(trend, 0, N_STATUS - 1))
    in_cal = (oy >= calibration[0]) & (oy <= calibration[1])
    freq = np.bincount(ov[in_cal], minlength=N_STATUS) / max(int(in_cal.sum()), 1)
    forecasts["base_rate"] = np.tile(freq, (len(targets), 1))
    out: list[_Row] = []
    for name, probs in forecasts.items():
        kind = "baseline" if name in BASELINES else "paradigm"
        out.append(("O3", "S", name, kind, "rps", rps(probs, target_obs)))
        out.append(("O3", "S", name, kind, "exact_match", exact_match(probs, target_obs)))
    return out


# --------------------------------------------------------------------------- events (O5, O6)


def _partner_probability(records: Records, paradigm: str, years: np.ndarray,
                         partners: list[str], event: Callable[[pd.DataFrame], pd.Series]
                         ) -> np.ndarray:
    """Share of replicas in which ``event`` holds, partner x year."""
    rows = records.partners[records.partners["paradigm"] == paradigm]
    flags = rows.assign(flag=event(rows).astype(float))
    share = flags.groupby(["partner", "year"])["flag"].mean().unstack("year")
    return share.reindex(index=partners, columns=years).fillna(0.0).to_numpy()


def _coercion_matrices(records: Records, observed: Observed, years: np.ndarray
                       ) -> tuple[dict, dict, pd.DataFrame, pd.DataFrame]:
    """O5: any coercion (level >= 1) and force (level >= 2): forecasts and observed frames."""
    partners = list(observed.coercion.index)
    p_any = {p: _partner_probability(records, p, years, partners,
                                     lambda d: d["coercion"] >= 1) for p in records.paradigms}
    p_force = {p: _partner_probability(records, p, years, partners,
                                       lambda d: d["coercion"] >= 2) for p in records.paradigms}
    levels = observed.coercion
    return p_any, p_force, (levels >= 1).astype(int), (levels >= 2).astype(int)


def _transition_matrices(records: Records, observed: Observed, years: np.ndarray
                         ) -> tuple[dict, dict, pd.DataFrame, pd.DataFrame]:
    """O6: a status upgrade in the year (``level_t > level_{t-1}``, level 0 before the record)."""
    partners = list(observed.partner_status.index)
    full = observed.partner_status.to_numpy()
    prev = np.concatenate([np.zeros((full.shape[0], 1), dtype=int), full[:, :-1]], axis=1)
    up = pd.DataFrame((full > prev).astype(int), index=partners,
                      columns=observed.partner_status.columns)
    p_up = {}
    for p in records.paradigms:
        rows = records.partners[records.partners["paradigm"] == p].sort_values(
            ["replica", "partner", "year"])
        before = rows.groupby(["replica", "partner"])["status"].shift(1).fillna(0)
        rows = rows.assign(up=(rows["status"] > before).astype(float))
        share = rows.groupby(["partner", "year"])["up"].mean().unstack("year")
        p_up[p] = share.reindex(index=partners, columns=years).fillna(0.0).to_numpy()
    return p_up, {}, up, up * 0


def _event_baselines(o_full: pd.DataFrame, years: np.ndarray,
                     calibration: tuple[int, int]) -> dict[str, np.ndarray]:
    """Persistence per partner; trend and base rate of the pooled yearly event rate."""
    oy = o_full.columns.to_numpy(dtype=int)
    matrix = o_full.to_numpy(dtype=float)
    pers = np.stack([persistence(oy, row, years, calibration) for row in matrix])
    rate = matrix.mean(axis=0)
    trend = np.clip(linear_trend(oy, rate, years, calibration), 0, 1)
    base = base_rate(oy, rate, years, calibration)
    n = matrix.shape[0]
    return {"persistence": pers, "trend": np.tile(trend, (n, 1)),
            "base_rate": np.tile(base, (n, 1))}


def _score_events(obs_id: str, component: str, p_event: dict, p_force: dict,
                  o_full: pd.DataFrame, force_full: pd.DataFrame, years: np.ndarray,
                  calibration: tuple[int, int]) -> list[_Row]:
    o_event = o_full.loc[:, list(years)].to_numpy()
    o_force = force_full.loc[:, list(years)].to_numpy()
    forecasts = dict(p_event)
    baselines = _event_baselines(o_full, years, calibration)
    forecasts.update(baselines)
    rows: list[_Row] = []
    for name, p in forecasts.items():
        kind = "baseline" if name in BASELINES else "paradigm"
        q, scored = tolerant_probabilities(p, o_event)
        timing, missed = timing_error(p, o_event)
        metrics = [("brier", brier(q, o_event, scored)),
                   ("log_score", log_score(q, o_event, scored)),
                   ("timing_error", timing), ("missed", float(missed)),
                   ("false_alarms", float(false_alarms(p, o_event)))]
        if p_force:
            force = p_force.get(name)
            if force is None:  # baselines: the same rule applied to the force indicator
                force = _event_baselines(force_full, years, calibration)[name]
            metrics.append(("false_alarms_force", float(false_alarms(force, o_force))))
        rows += [(obs_id, component, name, kind, m, v) for m, v in metrics]
    return rows


# --------------------------------------------------------------------------- sign test


def dyadic_milestone_years(records: Records, observed: Observed) -> list[int]:
    """Years of the NATO–Russia dyadic milestones tested by the sign test.

    A milestone is dyadic when its ``chronology_id`` is an event included in O4 (the inclusion
    rule of ``sim/data/OBSERVED.md``: acts between the NATO side and Russia). Enlargement acts,
    coercion of partners and other third-party events are left out: they are scored in O5 and
    O6. Records whose milestones carry no ``chronology_id`` at all (hand-built records, or no
    scenario) use the O4 events themselves.
    """
    included = observed.events[observed.events["included"] == 1]
    o4_ids = {int(i) for i in included["chronology_id"]}
    milestones = records.meta.get("milestones", [])
    if not any(m.get("chronology_id") is not None for m in milestones):
        return sorted({int(y) for y in included["year"]})
    found = {_milestone_year(m) for m in milestones
             if m.get("chronology_id") is not None and int(m["chronology_id"]) in o4_ids}
    return sorted(found)


def _milestone_year(milestone: dict[str, Any]) -> int:
    dated = milestone.get("time", milestone.get("date"))
    return int(float(str(dated)[:4]))


def _milestone_years(records: Records, observed: Observed, years: np.ndarray) -> np.ndarray:
    found = dyadic_milestone_years(records, observed)
    return np.array([y for y in found if y in years and y - 1 in years], dtype=int)


def _score_sign_test(records: Records, observed: Observed, years: np.ndarray) -> list[_Row]:
    ms = _milestone_years(records, observed, years)
    o4 = observed.net_coop
    obs_delta = np.array([o4.get(y, np.nan) - o4.get(y - 1, np.nan) for y in ms])
    rows: list[_Row] = []
    for p in records.paradigms:
        r = _median_series(records, p, "R")
        sim_delta = np.array([r.get(y, np.nan) - r.get(y - 1, np.nan) for y in ms])
        ok = np.isfinite(sim_delta) & np.isfinite(obs_delta)
        hits, n, pval = sign_test(sim_delta[ok], obs_delta[ok])
        rows += [("O4", "R", p, "paradigm", "sign_hits", float(hits)),
                 ("O4", "R", p, "paradigm", "sign_n", float(n)),
                 ("O4", "R", p, "paradigm", "sign_p", pval)]
    return rows


# --------------------------------------------------------------------------- skills


def _add_skills(table: pd.DataFrame) -> pd.DataFrame:
    """Append ``skill_vs_<baseline>`` rows from each component's primary score, and ``skill``
    (vs the reference baseline of the component's kind)."""
    kind_of = {metric: kind for kind, metric in PRIMARY.items()}
    primary = table[table["metric"].isin(PRIMARY.values())]
    extra: list[_Row] = []
    for (obs_id, comp), grp in primary.groupby(["observable", "component"], sort=False):
        scores = dict(zip(grp["forecaster"], grp["value"], strict=True))
        kinds = dict(zip(grp["forecaster"], grp["kind"], strict=True))
        reference = REFERENCE[kind_of[grp["metric"].iloc[0]]]
        for name, value in scores.items():
            for base in BASELINES:
                extra.append((obs_id, comp, name, kinds[name], f"skill_vs_{base}",
                              skill(value, scores[base])))
            extra.append((obs_id, comp, name, kinds[name], "skill",
                          skill(value, scores[reference])))
    return pd.concat([table, pd.DataFrame(extra, columns=table.columns)], ignore_index=True)


def _observable_skills(table: pd.DataFrame, included: list[str]) -> pd.DataFrame:
    """Forecaster x observable: clipped skill vs the reference, averaged over components."""
    rows = table[(table["metric"] == "skill") & table["observable"].isin(included)].copy()
    rows["value"] = rows["value"].clip(*SKILL_CLIP)
    return rows.pivot_table(index="forecaster", columns="observable", values="value",
                            aggfunc="mean", sort=False).reindex(columns=included)


def _aggregate(per_obs: pd.DataFrame, paradigms: list[str]) -> pd.DataFrame:
    """Equal-weight mean over observables (missing counts as the worst clipped skill)."""
    values = per_obs.fillna(SKILL_CLIP[0])
    out = pd.DataFrame({
        "forecaster": per_obs.index,
        "kind": ["paradigm" if f in paradigms else "baseline" for f in per_obs.index],
        "aggregate_skill": values.mean(axis=1).to_numpy(),
        "observables": ",".join(per_obs.columns),
    })
    return out.sort_values("aggregate_skill", ascending=False, kind="stable").reset_index(
        drop=True)
