"""A forecast ensemble as the numbers a forecast file holds: quantiles, event probabilities,
ensemble members and level maps, per observable and year after the origin.

The observables are those of the scorecard (``sim.analysis.scoring.target``), on the same
terms: the continuous dyad-level components (O1 Russia's expenditure and burden, O2 NATO's
burden, O4 the cooperation index as a yearly flow and as a stock, O7 UN vote agreement) in
the observable's units, a model quantity in other units (R) mapped by
:func:`~sim.analysis.scoring.baselines.level_map` fitted on the years up to the origin, so the
map is fixed before any forecast year is observed; O3 the institutional status S 0-4 as
category probabilities; O5 (Russian coercion of a partner, F >= 1) and O6 (a partner's status
rose in the year) as event probabilities by partner. The model's relation R is also given
unmapped (component ``relation``, not scored) for the charts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.scoring.baselines import level_map
from sim.analysis.scoring.target import CONTINUOUS, status_up

#: Quantile levels of a forecast file: the 5-95 % the forecast reports and the 2.5/97.5 %
#: that bound its 95 % band.
QUANTILES: tuple[float, ...] = (0.025, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.975)
QUANTILE_COLUMNS: tuple[str, ...] = tuple(f"q{q * 100:g}" for q in QUANTILES)
#: Continuous components forecast and scored: (observable, component, model column,
#: Observed attribute, same units). Partner-level O8 is not forecast.
COMPONENTS: tuple[tuple[str, str, str, str, bool], ...] = tuple(
    c for c in CONTINUOUS if c[2] != "alignment")
#: The relation itself (model units, for the charts; no observation to score it on).
RELATION = ("R", "relation", "R", None, True)
N_STATUS = 5
QUANTILE_HEADER = ("paradigm", "observable", "component", "year", *QUANTILE_COLUMNS, "mean")
EVENT_HEADER = ("paradigm", "observable", "event", "actor", "year", "p")
MEMBER_COLUMNS = ("paradigm", "component", "year", "replica", "value")


def observed_frame(observed: Any, attr: str) -> pd.Series:
    """An observed dyad-level series by year (NaN-free)."""
    return getattr(observed, attr).dropna().astype(float)


def summarise(forecast: Any, observed: Any) -> dict[str, Any]:
    """The forecast file's tables from a :class:`~sim.runs.forecast.Forecast`.

    Returns:
        ``quantiles`` and ``events`` (``{"columns": [...], "rows": [[...], ...]}``, years after
        the origin only), ``origin_state`` (the quantiles of the filtered particles in the
        origin year: where the forecast starts from), ``members`` (a DataFrame,
        :data:`MEMBER_COLUMNS`, the continuous components in the observable's units) and
        ``level_maps`` (paradigm -> component -> ``{"a", "b", "years"}``).
    """
    origin = forecast.projection.origin
    q_rows: list[list[Any]] = []
    o_rows: list[list[Any]] = []  # the filtered ensemble in the origin year
    e_rows: list[list[Any]] = []
    members: list[pd.DataFrame] = []
    maps: dict[str, dict[str, Any]] = {}
    for ens in forecast.ensembles:
        ahead = ens.years > origin
        years = ens.years[ahead]
        maps[ens.paradigm] = {}
        for obs_id, name, column, attr, same in (*COMPONENTS, RELATION):
            values = ens.column(column)
            if not same:
                a, b, span = _level_map(ens.years, values, observed, attr, origin)
                maps[ens.paradigm][name] = {"a": a, "b": b, "years": span}
                values = a + b * values
            future = values[ahead]  # (n, K)
            q_rows += _quantile_rows(ens.paradigm, obs_id, name, years, future)
            at = ens.years == origin
            o_rows += _quantile_rows(ens.paradigm, obs_id, name, ens.years[at], values[at])
            if attr is not None:
                members.append(_members(ens.paradigm, name, years, future))
        status = ens.column("S")[ahead].astype(int)
        q_rows += _quantile_rows(ens.paradigm, "O3", "S", years, status.astype(float))
        at = ens.years == origin
        o_rows += _quantile_rows(ens.paradigm, "O3", "S", ens.years[at],
                                 ens.column("S")[at].astype(float))
        for k in range(N_STATUS):
            e_rows += _event_rows(ens.paradigm, "O3", f"S={k}", ("NATO-RUS",), years,
                                  (status == k)[..., None])
        coercion = ens.column("coercion")[ahead]  # (n, K, P)
        partner_status = ens.column("status")
        before = np.concatenate([partner_status[:1] * 0, partner_status[:-1]])[ahead]
        e_rows += _event_rows(ens.paradigm, "O5", "coercion>=1", ens.partners, years,
                              coercion >= 1)
        e_rows += _event_rows(ens.paradigm, "O5", "coercion>=2", ens.partners, years,
                              coercion >= 2)
        e_rows += _event_rows(ens.paradigm, "O6", "status_up", ens.partners, years,
                              partner_status[ahead] > before)
        e_rows += _event_rows(ens.paradigm, "O6", "member", ens.partners, years,
                              partner_status[ahead] >= 3)
    return {"quantiles": {"columns": list(QUANTILE_HEADER), "rows": q_rows},
            "origin_state": {"columns": list(QUANTILE_HEADER), "rows": o_rows},
            "events": {"columns": list(EVENT_HEADER), "rows": e_rows},
            "members": pd.concat(members, ignore_index=True), "level_maps": maps}


def _level_map(years: np.ndarray, values: np.ndarray, observed: Any, attr: str,
               origin: int) -> tuple[float, float, list[int]]:
    """``observable ≈ a + b · median(x)`` fitted on the observed years up to the origin."""
    obs = observed_frame(observed, attr)
    span = [int(y) for y in years if y <= origin and int(y) in obs.index]
    rows = [int(np.flatnonzero(years == y)[0]) for y in span]
    center = np.median(values[rows], axis=1)[None, :]
    a, b = level_map(center, obs.loc[span].to_numpy()[None, :])
    return float(a), float(b), [span[0], span[-1]] if span else []


def _quantile_rows(paradigm: str, obs_id: str, name: str, years: np.ndarray,
                   values: np.ndarray) -> list[list[Any]]:
    qs = np.quantile(values, QUANTILES, axis=1)  # (Q, n)
    means = values.mean(axis=1)
    return [[paradigm, obs_id, name, int(y), *(float(v) for v in qs[:, t]), float(means[t])]
            for t, y in enumerate(years)]


def _event_rows(paradigm: str, obs_id: str, event: str, actors: tuple[str, ...],
                years: np.ndarray, flags: np.ndarray) -> list[list[Any]]:
    """``flags``: ``(n, K, P)`` booleans -> the share of replicas, per year and actor."""
    shares = flags.mean(axis=1)  # (n, P)
    return [[paradigm, obs_id, event, actor, int(y), float(shares[t, j])]
            for j, actor in enumerate(actors) for t, y in enumerate(years)]


def _members(paradigm: str, name: str, years: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    n, k = values.shape
    return pd.DataFrame({"paradigm": paradigm, "component": name,
                         "year": np.repeat(years.astype(int), k),
                         "replica": np.tile(np.arange(k), n),
                         "value": values.reshape(-1)})


def table(section: dict[str, Any]) -> pd.DataFrame:
    """A ``{"columns", "rows"}`` section of a forecast file as a DataFrame."""
    return pd.DataFrame(section["rows"], columns=section["columns"])


def observed_history(observed: Any, last: int) -> dict[str, pd.Series]:
    """The observed record of every forecast component up to ``last``, by component name:
    the continuous series, ``S`` (O3) and, for O5/O6, the number of partners coerced / whose
    status rose."""
    out = {name: observed_frame(observed, attr).loc[:last]
           for _, name, _, attr, _ in COMPONENTS}
    out["S"] = observed.status.astype(float).loc[:last]
    out["coercion>=1"] = (observed.coercion >= 1).sum(axis=0).astype(float).loc[:last]
    out["status_up"] = status_up(observed).sum(axis=0).astype(float).loc[:last]
    return out
