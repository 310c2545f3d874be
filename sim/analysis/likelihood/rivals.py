"""Rivals every theory must beat, fitted on the training years and scored on the same decisions.

Three naive or purely statistical forecasters give each observed decision a probability from
the decision table alone (no model, no latent state), with the same training years and the
same scored rows as the paradigms:

- ``persistence``: the state repeats. Per decision kind, the probability of "no change" is
  the add-one (Laplace) estimate from the training rows, ``p_stay = (n_stay + 1) / (n + 2)``;
  the rest is shared equally by the other categories of the row. One parameter per kind.
- ``base rate``: per decision kind, the training frequencies with add-one smoothing,
  ``p_c = (N_c + 1) / (N + K)`` over the kind's ``K`` categories, renormalised over a row's own
  ``n_categories``. ``K - 1`` parameters per kind.
- ``logit``: the statistical rival of Signorino (1999): per decision kind, a plain binary
  logit (statsmodels ``Logit``) when two outcome categories occur in training; with three or
  more, an ordered logit (statsmodels ``OrderedModel``, logit link) for the ordinal coercion
  level and a multinomial logit (``MNLogit``) for the unordered status transition (stay,
  suspend, upgrade). Covariates: the lagged observed covariates of the decision table
  (:mod:`sim.analysis.likelihood.decisions`) except the time index ``year_index``,
  standardised on the training rows; columns constant or undefined (NaN) in a kind's
  training rows are dropped, and a NaN in a scored row is read as the training mean.

"The state repeats" means: status stays (category 0), coercion stays at ``prev_state``
(F(t-1)), PfP, invitation and accession do not happen (category 0).

Robustness, documented and never a crash: with separation or tiny counts the maximum-likelihood
fit diverges (coefficients run off to infinity). A fit counts as failed when the optimiser
does not converge, a parameter is not finite or a standardised slope exceeds
:data:`MAX_SLOPE`. A failed fit is refitted with a ridge penalty
``PENALTY / 2 * sum(slope**2)`` (a N(0, 1/PENALTY) prior on the standardised slopes;
intercepts and thresholds unpenalised), maximised by L-BFGS on the statsmodels model's own
``loglike`` and ``score``. If that fails too, or fewer than two categories occur in training,
the kind falls back to its base rate. Categories never seen in training get their add-one
base-rate mass, and the fitted model shares the remainder. Every fallback is recorded in the
``info`` rows (:func:`fit_rivals`). Probabilities below the paradigms' floor are scored as the
floor and flagged, exactly as the paradigms' are (:func:`to_pointwise`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.likelihood.decisions import FLOOR, POINTWISE_COLUMNS, PROB_COLUMNS

MAX_CATEGORIES = len(PROB_COLUMNS)  # p_0 .. p_4

KEY_COLUMNS: tuple[str, ...] = ("year", "kind", "actor", "outcome", "n_categories")
# Kinds whose "state repeats" category is the lagged state (prev_state); others: category 0.
STAY_IS_PREVIOUS = frozenset({"coercion"})
PREVIOUS_COLUMN = "prev_state"
# A time index is not an observed covariate (no chassis rule reads it): a logit on it would
# extrapolate a trend of the training years into the test years.
NOT_COVARIATES = frozenset({"year_index"})
ORDINAL_KINDS = frozenset({"coercion"})  # ordered logit; other multi-category kinds: MNLogit
MAX_SLOPE = 10.0  # |standardised slope| beyond this is read as separation (odds ratio e^10)
PENALTY = 1.0  # ridge weight of the fallback fits (prior sd 1 on a standardised slope)

Predictor = Callable[[pd.DataFrame], np.ndarray]


@dataclass(frozen=True)
class Fitted:
    """A rival fitted on training rows.

    Attributes:
        name: forecaster name in the pointwise table.
        n_params: number of estimated parameters (for AIC/BIC).
        predict: decision rows -> ``(n, MAX_CATEGORIES)`` probabilities, NaN beyond a row's
            ``n_categories``.
        info: one dict per decision kind: how it was fitted (``mle``, ``ridge``,
            ``base rate``), parameters, training rows.
    """

    name: str
    n_params: int
    predict: Predictor
    info: list[dict[str, Any]] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers


def covariate_columns(decisions: pd.DataFrame) -> list[str]:
    """The numeric columns of a decision table other than the keys and :data:`NOT_COVARIATES`."""
    skip = {*KEY_COLUMNS, *NOT_COVARIATES}
    return [c for c in decisions.columns
            if c not in skip and pd.api.types.is_numeric_dtype(decisions[c])
            and not pd.api.types.is_bool_dtype(decisions[c])]


def stay_category(rows: pd.DataFrame) -> np.ndarray:
    """The category of each row that means "the state repeats" (see the module docstring)."""
    previous = rows[PREVIOUS_COLUMN] if PREVIOUS_COLUMN in rows.columns else 0
    use_previous = rows["kind"].isin(STAY_IS_PREVIOUS)
    stay = np.where(use_previous, pd.Series(previous, index=rows.index).fillna(0), 0)
    return stay.astype(int)


def _mask(n_categories: np.ndarray) -> np.ndarray:
    """``(n, MAX_CATEGORIES)`` True where a category exists for the row."""
    return np.arange(MAX_CATEGORIES)[None, :] < np.asarray(n_categories)[:, None]


def _renormalise(probs: np.ndarray, n_categories: np.ndarray) -> np.ndarray:
    """Zero the categories a row does not have, rescale to sum 1, NaN beyond them."""
    mask = _mask(n_categories)
    out = np.where(mask, probs, 0.0)
    out = out / out.sum(axis=1, keepdims=True)
    return np.where(mask, out, np.nan)


def _kind_categories(decisions: pd.DataFrame) -> dict[str, int]:
    return decisions.groupby("kind")["n_categories"].max().astype(int).to_dict()


def _by_kind(rows: pd.DataFrame, fitters: dict[str, Callable[[pd.DataFrame], np.ndarray]],
             fallback: Callable[[pd.DataFrame], np.ndarray]) -> np.ndarray:
    out = np.full((len(rows), MAX_CATEGORIES), np.nan)
    kinds = rows["kind"].to_numpy()
    for kind in pd.unique(kinds):
        at = kinds == kind
        out[at] = fitters.get(kind, fallback)(rows.loc[at])
    return out


# --------------------------------------------------------------------------- base rates


def laplace_rates(outcomes: np.ndarray, n_categories: int) -> np.ndarray:
    """Add-one smoothed frequencies ``(N_c + 1) / (N + K)`` over ``K`` categories."""
    counts = np.bincount(np.asarray(outcomes, dtype=int), minlength=n_categories)[:n_categories]
    return (counts + 1.0) / (counts.sum() + n_categories)


def fit_base_rates(train: pd.DataFrame, kinds: dict[str, int]) -> Fitted:
    """Per-kind smoothed training frequencies (``kinds``: kind -> number of categories)."""
    rates = {k: laplace_rates(train.loc[train["kind"] == k, "outcome"].to_numpy(), n)
             for k, n in kinds.items()}

    def predict(rows: pd.DataFrame) -> np.ndarray:
        probs = np.zeros((len(rows), MAX_CATEGORIES))
        for i, kind in enumerate(rows["kind"]):
            r = rates[kind]
            probs[i, : len(r)] = r
        return _renormalise(probs, rows["n_categories"].to_numpy())

    info = [{"rival": "base rate", "kind": k, "method": "add-one frequencies",
             "train_rows": int((train["kind"] == k).sum()), "n_params": n - 1,
             "params": ";".join(f"{p:.4f}" for p in rates[k])} for k, n in kinds.items()]
    return Fitted("base rate", sum(n - 1 for n in kinds.values()), predict, info)


# --------------------------------------------------------------------------- persistence


def fit_persistence(train: pd.DataFrame, kinds: dict[str, int]) -> Fitted:
    """The state repeats with the per-kind add-one probability ``(n_stay + 1) / (n + 2)``."""
    p_stay = {}
    for kind in kinds:
        rows = train.loc[train["kind"] == kind]
        n_stay = int((rows["outcome"].to_numpy() == stay_category(rows)).sum())
        p_stay[kind] = (n_stay + 1.0) / (len(rows) + 2.0)

    def predict(rows: pd.DataFrame) -> np.ndarray:
        n_cat = rows["n_categories"].to_numpy(dtype=int)
        stay = stay_category(rows)
        p = np.array([p_stay[k] for k in rows["kind"]])
        other = np.where(n_cat > 1, (1.0 - p) / np.maximum(n_cat - 1, 1), 0.0)
        probs = np.repeat(other[:, None], MAX_CATEGORIES, axis=1)
        probs[np.arange(len(rows)), stay] = np.where(n_cat > 1, p, 1.0)
        return _renormalise(probs, n_cat)

    info = [{"rival": "persistence", "kind": k, "method": "add-one stay probability",
             "train_rows": int((train["kind"] == k).sum()), "n_params": 1,
             "params": f"{p_stay[k]:.4f}"} for k in kinds]
    return Fitted("persistence", len(kinds), predict, info)


# --------------------------------------------------------------------------- logit


def _failed(result: Any, n_slopes: int) -> bool:
    params = np.asarray(result.params, dtype=float).ravel()
    converged = bool(getattr(result, "mle_retvals", {}).get("converged", True))
    return (not converged or not np.all(np.isfinite(params))
            or bool(np.any(np.abs(params[:n_slopes]) > MAX_SLOPE)))


def _ridge(model: Any, n_params: int, penalised: np.ndarray, shape: tuple[int, ...]) -> Any:
    """Maximise ``loglike - PENALTY / 2 * sum(params[penalised]**2)`` (L-BFGS, analytic or
    statsmodels' numerical score); a result-like object with ``params`` and ``model``."""
    from scipy.optimize import minimize

    def objective(b: np.ndarray) -> tuple[float, np.ndarray]:
        value = model.loglike(b) - 0.5 * PENALTY * np.sum(b[penalised] ** 2)
        grad = np.asarray(model.score(b), dtype=float).ravel(order="F")
        return -float(value), -(grad - PENALTY * np.where(penalised, b, 0.0))

    start = np.zeros(n_params)
    if hasattr(model, "start_params"):
        start = np.asarray(model.start_params, dtype=float).ravel(order="F")
    fit = minimize(objective, start, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    params = fit.x.reshape(shape, order="F") if len(shape) > 1 else fit.x
    return SimpleNamespace(params=params, model=model, mle_retvals={"converged": fit.success})


def _binary_logit(y: np.ndarray, x: np.ndarray) -> tuple[Any, str]:
    from statsmodels.discrete.discrete_model import Logit

    design = np.column_stack([np.ones(len(y)), x])
    model = Logit(y, design)
    try:
        result = model.fit(disp=0, maxiter=200)
        if not _failed(result, design.shape[1]):
            return result, "mle"
    except Exception:  # noqa: BLE001 (singular Hessian, perfect separation): use the fallback
        pass
    penalised = np.arange(design.shape[1]) > 0  # the intercept is not penalised
    result = _ridge(model, design.shape[1], penalised, (design.shape[1],))
    if _failed(result, design.shape[1]):
        raise ValueError("ridge logit failed")
    return result, "ridge"


def _multinomial_logit(y: np.ndarray, x: np.ndarray) -> tuple[Any, str]:
    from statsmodels.discrete.discrete_model import MNLogit

    design = np.column_stack([np.ones(len(y)), x])
    model = MNLogit(y, design)
    try:
        result = model.fit(disp=0, maxiter=200)
        if not _failed(result, np.size(result.params)):
            return result, "mle"
    except Exception:  # noqa: BLE001 (singular Hessian, perfect separation): use the fallback
        pass
    k, j = design.shape[1], len(np.unique(y)) - 1
    penalised = (np.arange(k * j) % k) > 0  # column-major (k, j): row 0 is the intercept
    result = _ridge(model, k * j, penalised, (k, j))
    if _failed(result, k * j):
        raise ValueError("ridge multinomial logit failed")
    return result, "ridge"


def _ordered_logit(y: np.ndarray, x: np.ndarray) -> tuple[Any, str]:
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    model = OrderedModel(y, x, distr="logit")
    try:
        result = model.fit(method="bfgs", disp=0, maxiter=500)
        if not _failed(result, x.shape[1]):
            return result, "mle"
    except Exception:  # noqa: BLE001 (separation: the fit diverges or the Hessian is singular)
        pass
    n = x.shape[1] + len(np.unique(y)) - 1
    penalised = np.arange(n) < x.shape[1]  # slopes first, thresholds unpenalised
    result = _ridge(model, n, penalised, (n,))
    if _failed(result, x.shape[1]):
        raise ValueError("ridge ordered logit failed")
    return result, "ridge"


def _fit_kind(rows: pd.DataFrame, columns: Sequence[str], n_cat: int, ordinal: bool,
              ) -> tuple[Callable[[pd.DataFrame], np.ndarray] | None, dict[str, Any]]:
    """One kind's logit, or ``None`` (use the base rate) with the reason in the info."""
    y_all = rows["outcome"].to_numpy(dtype=int)
    seen = np.unique(y_all)
    base = laplace_rates(y_all, n_cat)
    info: dict[str, Any] = {"rival": "logit", "kind": rows["kind"].iloc[0] if len(rows) else "",
                            "train_rows": len(rows)}
    if len(seen) < 2:
        return None, {**info, "method": "base rate (one category in training)", "n_params":
                      n_cat - 1}
    x = rows[list(columns)].to_numpy(dtype=float)
    mean, sd = x.mean(axis=0), x.std(axis=0)
    keep = np.isfinite(sd) & (sd > 0) & np.all(np.isfinite(x), axis=0)
    kept = [c for c, k in zip(columns, keep, strict=True) if k]
    z = (x[:, keep] - mean[keep]) / sd[keep]
    rank = np.searchsorted(seen, y_all)
    import statsmodels.discrete.discrete_model  # noqa: F401 (import before silencing: its
    import statsmodels.miscmodels.ordinal_model  # noqa: F401 (warning filters would win)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence/overflow warnings: judged by _failed
            if len(seen) == 2:
                fit = _binary_logit(rank, z)
            else:
                fit = _ordered_logit(rank, z) if ordinal else _multinomial_logit(rank, z)
    except Exception as err:  # noqa: BLE001 (documented fallback: the kind's base rate)
        return None, {**info, "method": f"base rate (logit failed: {err})",
                      "n_params": n_cat - 1}
    result, method = fit
    params = np.asarray(result.params, dtype=float)
    ordered = ordinal and len(seen) > 2
    n_params = int(params.size)
    unseen_mass = float(base[np.setdiff1d(np.arange(n_cat), seen)].sum())

    def predict(test: pd.DataFrame) -> np.ndarray:
        zt = (test[kept].to_numpy(dtype=float) - mean[keep]) / sd[keep]
        zt = np.where(np.isfinite(zt), zt, 0.0)  # undefined covariate: the training mean
        with np.errstate(over="ignore"):  # exp overflow of a far covariate: p is 0 or 1
            fitted = _fitted(zt)
        probs = np.zeros((len(test), MAX_CATEGORIES))
        probs[:, :n_cat] = base * (unseen_mass > 0)  # unseen categories keep add-one mass
        probs[:, seen] = (1.0 - unseen_mass) * fitted
        return _renormalise(probs, test["n_categories"].to_numpy())

    def _fitted(zt: np.ndarray) -> np.ndarray:
        if ordered:
            fitted = np.asarray(result.model.predict(params, exog=zt))
        else:
            design = np.column_stack([np.ones(len(zt)), zt])
            fitted = np.asarray(result.model.predict(params, design))
            if fitted.ndim == 1:
                fitted = np.column_stack([1.0 - fitted, fitted])
        return fitted

    info.update({"method": method, "n_params": n_params, "covariates": ";".join(kept),
                 "params": ";".join(f"{p:.4f}" for p in params.ravel())})
    return predict, info


def fit_logit(train: pd.DataFrame, kinds: dict[str, int],
              columns: Sequence[str] | None = None) -> Fitted:
    """Per-kind logit / ordered logit on the lagged covariates (see the module docstring)."""
    columns = covariate_columns(train) if columns is None else list(columns)
    base = fit_base_rates(train, kinds)
    fitters: dict[str, Callable[[pd.DataFrame], np.ndarray]] = {}
    info, n_params = [], 0
    for kind, n_cat in kinds.items():
        rows = train.loc[train["kind"] == kind]
        predict, row = _fit_kind(rows, columns, n_cat, kind in ORDINAL_KINDS)
        row["kind"] = kind
        if predict is not None:
            fitters[kind] = predict
        info.append(row)
        n_params += int(row["n_params"])
    return Fitted("logit", n_params, lambda rows: _by_kind(rows, fitters, base.predict), info)


# --------------------------------------------------------------------------- the rivals

RIVALS: dict[str, Callable[[pd.DataFrame, dict[str, int]], Fitted]] = {
    "persistence": fit_persistence,
    "base rate": fit_base_rates,
    "logit": fit_logit,
}


def fit_rivals(decisions: pd.DataFrame, train_years: tuple[int, int]) -> list[Fitted]:
    """Fit every rival on the decisions of ``train_years`` (inclusive), and nothing else.

    The number of categories per kind is design information (``n_categories``), taken from
    the whole table; outcomes are read from the training rows only.
    """
    kinds = _kind_categories(decisions)
    lo, hi = train_years
    train = decisions.loc[decisions["year"].between(lo, hi)].reset_index(drop=True)
    return [fit(train, kinds) for fit in RIVALS.values()]


def to_pointwise(decisions: pd.DataFrame, probs: np.ndarray, forecaster: str) -> pd.DataFrame:
    """Pointwise rows (:data:`POINTWISE_COLUMNS`) for one forecaster's probabilities.

    The same floor as the paradigms' (:data:`~sim.analysis.likelihood.decisions.FLOOR`): an
    observed outcome given less is scored ``log(FLOOR)`` and flagged ``floored``.
    """
    outcome = decisions["outcome"].to_numpy(dtype=int)
    p_obs = probs[np.arange(len(decisions)), outcome]
    floored = ~(p_obs >= FLOOR)
    logp = np.log(np.where(floored, FLOOR, p_obs))
    frame = pd.DataFrame({
        "forecaster": forecaster,
        "year": decisions["year"].to_numpy(dtype=int),
        "kind": decisions["kind"].to_numpy(dtype=str),
        "actor": decisions["actor"].to_numpy(dtype=str),
        "outcome": outcome,
        "logp": logp,
        **{c: probs[:, i] for i, c in enumerate(PROB_COLUMNS)},
        "floored": floored,
    })
    return frame[list(POINTWISE_COLUMNS)]


def score_rivals(decisions: pd.DataFrame, train_years: tuple[int, int],
                 ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Fit the rivals on ``train_years`` and score every row of ``decisions``.

    Returns:
        The pointwise table of all rivals (every year; the caller selects the test years),
        the fit information (one row per rival and kind) and the parameter count per rival.
    """
    fitted = fit_rivals(decisions, train_years)
    rows = decisions.reset_index(drop=True)
    pointwise = pd.concat([to_pointwise(rows, f.predict(rows), f.name) for f in fitted],
                          ignore_index=True)
    info = pd.DataFrame([row for f in fitted for row in f.info])
    return pointwise, info, {f.name: f.n_params for f in fitted}
