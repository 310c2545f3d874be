"""Scoring a forecast file against the observations that exist since it was made.

The same proper scores as the scorecard (``docs/scoring.md``): CRPS of the ensemble members
for the continuous components (:func:`~sim.analysis.scoring.proper.crps_ensemble`), the
ranked probability score for the status S (O3), the log score of the event probabilities
with the scorecard's ±1-year tolerance for O5 and O6. The naive baselines are built from the
observed record up to the origin only (calibration years: the scenario's first year to the
origin): persistence (the origin value held), the linear trend and the base rate, as in the
scorecard. A year the record does not reach yet is *pending*: listed, never scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.forecast import COMPONENTS, N_STATUS, observed_frame, table
from sim.analysis.scoring.baselines import BASELINES, base_rate, linear_trend, persistence
from sim.analysis.scoring.metrics import one_hot
from sim.analysis.scoring.proper import bounded_skill, crps_ensemble
from sim.analysis.scoring.target import (
    REFERENCE,
    log_score_by_year,
    rps_by_year,
    status_up,
)

SCORE_COLUMNS = ("forecaster", "observable", "component", "kind", "year", "metric", "value",
                 "cells")
SUMMARY_COLUMNS = ("observable", "component", "kind", "forecaster", "metric", "years", "score",
                   "reference", "skill")
_BASELINE_FNS = dict(zip(BASELINES, (persistence, linear_trend, base_rate), strict=True))


@dataclass(frozen=True)
class ForecastScores:
    """Scores of one forecast file.

    Attributes:
        scores: one row per forecaster x component x scored year (:data:`SCORE_COLUMNS`;
            ``value`` is the year's total over ``cells`` scored cells).
        summary: per component and forecaster, the mean score per cell over the scored years,
            the reference baseline's, and the bounded skill against it (:data:`SUMMARY_COLUMNS`).
        pending: component -> forecast years with no observation yet.
        scored_years: component -> the years scored.
    """

    scores: pd.DataFrame
    summary: pd.DataFrame
    pending: dict[str, list[int]] = field(default_factory=dict)
    scored_years: dict[str, list[int]] = field(default_factory=dict)


def score_forecast(content: dict[str, Any], members: pd.DataFrame,
                   observed: Any) -> ForecastScores:
    """Score a forecast file's content (with its members table) against ``observed``."""
    origin, start = int(content["origin"]), int(content["calibration"][0])
    years = np.arange(origin + 1, int(content["horizon"]) + 1)
    calibration = (start, origin)
    paradigms = list(content["paradigms"])
    rows: list[list[Any]] = []
    pending: dict[str, list[int]] = {}
    scored: dict[str, list[int]] = {}
    for obs_id, name, _, attr, _ in COMPONENTS:
        series = observed_frame(observed, attr)
        seen = np.array([y for y in years if y in series.index], dtype=int)
        pending[name] = [int(y) for y in years if y not in set(seen.tolist())]
        scored[name] = seen.tolist()
        if not seen.size:
            continue
        o = series.loc[seen].to_numpy()
        known = series.loc[:origin]
        for p in paradigms:
            ens = _members(members, p, name, seen)
            rows += _rows(p, obs_id, name, "continuous", seen, "crps",
                          crps_ensemble(o, ens), np.ones(len(seen)))
        for b, fn in _BASELINE_FNS.items():
            point = fn(known.index.to_numpy(int), known.to_numpy(), seen, calibration)
            rows += _rows(b, obs_id, name, "continuous", seen, "crps",
                          crps_ensemble(o, point), np.ones(len(seen)))
    events = table(content["events"])
    rows += _status_rows(events, observed, years, calibration, paradigms, pending, scored)
    for obs_id, event, flags in (("O5", "coercion>=1", observed.coercion >= 1),
                                 ("O6", "status_up", status_up(observed))):
        rows += _event_rows(events, obs_id, event, flags.astype(int), years, calibration,
                            paradigms, pending, scored)
    scores = pd.DataFrame(rows, columns=list(SCORE_COLUMNS))
    return ForecastScores(scores=scores, summary=_summary(scores), pending=pending,
                          scored_years=scored)


def _members(members: pd.DataFrame, paradigm: str, name: str, years: np.ndarray) -> np.ndarray:
    part = members[(members["paradigm"] == paradigm) & (members["component"] == name)]
    wide = part.pivot(index="year", columns="replica", values="value")
    return wide.loc[years].to_numpy(dtype=float)


def _rows(forecaster: str, obs_id: str, name: str, kind: str, years: np.ndarray, metric: str,
          values: np.ndarray, cells: np.ndarray) -> list[list[Any]]:
    return [[forecaster, obs_id, name, kind, int(y), metric, float(v), float(c)]
            for y, v, c in zip(years, values, cells, strict=True)]


def _status_rows(events: pd.DataFrame, observed: Any, years: np.ndarray,
                 calibration: tuple[int, int], paradigms: list[str],
                 pending: dict[str, list[int]], scored: dict[str, list[int]]) -> list[list[Any]]:
    oy, ov = observed.status.index.to_numpy(int), observed.status.to_numpy(int)
    seen = years[np.isin(years, oy)]
    pending["S"] = [int(y) for y in years if y not in set(seen.tolist())]
    scored["S"] = seen.tolist()
    if not seen.size:
        return []
    target = ov[np.isin(oy, seen)]
    cum_o = (target[:, None] <= np.arange(N_STATUS - 1)[None, :]).astype(float)
    out: list[list[Any]] = []
    for p in paradigms:
        part = events[(events["paradigm"] == p) & (events["observable"] == "O3")]
        probs = np.stack([part[part["event"] == f"S={k}"].set_index("year")["p"].loc[seen]
                          .to_numpy() for k in range(N_STATUS)], axis=1)
        out += _rows(p, "O3", "S", "ordinal", seen, "rps", rps_by_year(probs, cum_o),
                     np.ones(len(seen)))
    in_cal = (oy >= calibration[0]) & (oy <= calibration[1])
    trend = np.rint(linear_trend(oy, ov.astype(float), seen, calibration))
    baselines = {
        "persistence": one_hot(persistence(oy, ov, seen, calibration)),
        "trend": one_hot(np.clip(trend, 0, N_STATUS - 1)),
        "base_rate": np.tile(np.bincount(ov[in_cal], minlength=N_STATUS) / in_cal.sum(),
                             (len(seen), 1)),
    }
    for b, probs in baselines.items():
        out += _rows(b, "O3", "S", "ordinal", seen, "rps", rps_by_year(probs, cum_o),
                     np.ones(len(seen)))
    return out


def _event_rows(events: pd.DataFrame, obs_id: str, event: str, flags: pd.DataFrame,
                years: np.ndarray, calibration: tuple[int, int], paradigms: list[str],
                pending: dict[str, list[int]], scored: dict[str, list[int]]) -> list[list[Any]]:
    """Log score of the partner x year event probabilities (partners of the forecast)."""
    oy = flags.columns.to_numpy(int)
    seen = years[np.isin(years, oy)]
    pending[event] = [int(y) for y in years if y not in set(seen.tolist())]
    scored[event] = seen.tolist()
    if not seen.size:
        return []
    out: list[list[Any]] = []
    partners = sorted(set(events.loc[events["event"] == event, "actor"]))
    partners = [a for a in partners if a in flags.index]
    o = flags.loc[partners, list(seen)].to_numpy()
    for p in paradigms:
        part = events[(events["paradigm"] == p) & (events["event"] == event)]
        wide = part.pivot(index="actor", columns="year", values="p")
        total, cells = log_score_by_year(wide.loc[partners, list(seen)].to_numpy(float), o)
        out += _rows(p, obs_id, event, "events", seen, "log_score", total, cells)
    matrix = flags.loc[partners].to_numpy(dtype=float)
    rate = matrix.mean(axis=0)
    n = len(partners)
    baselines = {
        "persistence": np.stack([persistence(oy, row, seen, calibration) for row in matrix]),
        "trend": np.tile(np.clip(linear_trend(oy, rate, seen, calibration), 0, 1), (n, 1)),
        "base_rate": np.tile(base_rate(oy, rate, seen, calibration), (n, 1)),
    }
    for b, probs in baselines.items():
        total, cells = log_score_by_year(probs, o)
        out += _rows(b, obs_id, event, "events", seen, "log_score", total, cells)
    return out


def _summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Mean score per cell over the scored years and the bounded skill against the kind's
    reference baseline (the scorecard's: persistence for continuous, base rate otherwise)."""
    if scores.empty:
        return pd.DataFrame(columns=list(SUMMARY_COLUMNS))
    keys = ["observable", "component", "kind", "forecaster", "metric"]
    grouped = scores.groupby(keys, sort=False)
    summary = grouped.agg(years=("year", "size"), total=("value", "sum"),
                          cells=("cells", "sum")).reset_index()
    summary["score"] = summary["total"] / summary["cells"].where(summary["cells"] > 0)
    refs = summary.set_index(["component", "forecaster"])["score"]
    summary["reference"] = [refs.get((c, REFERENCE[k]), np.nan)
                            for c, k in zip(summary["component"], summary["kind"], strict=True)]
    summary["skill"] = bounded_skill(summary["score"].to_numpy(),
                                     summary["reference"].to_numpy())
    return summary.reindex(columns=list(SUMMARY_COLUMNS))
