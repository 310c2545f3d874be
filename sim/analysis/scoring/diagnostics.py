"""Scorecard diagnostics beside the primary scores: bands, PIT, direction, timing, sign test.

They are reported, never aggregated. Definitions: ``docs/scoring.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.scoring.baselines import BASELINES
from sim.analysis.scoring.contributions import Simulated
from sim.analysis.scoring.metrics import (
    brier,
    direction_accuracy,
    exact_match,
    false_alarms,
    ordinal_probabilities,
    sign_test,
    timing_error,
    tolerant_probabilities,
    turning_point_scores,
)
from sim.analysis.scoring.proper import (
    BANDS,
    band,
    coverage,
    interval_score,
    ordinal_log_score,
    pit,
    pit_histogram,
)
from sim.analysis.scoring.target import CONTINUOUS, Target

Row = tuple[str, str, str, str, str, float]
LOG_EPS_ORDINAL = 1e-3


def _kind(name: str) -> str:
    return "baseline" if name in BASELINES else "paradigm"


def continuous_rows(target: Target, sims: Mapping[str, Simulated]
                    ) -> tuple[list[Row], list[dict[str, Any]]]:
    """Interval scores and coverage of the 80 % and 95 % bands, PIT, direction accuracy and
    turning points of every continuous component (mapped to the observable's units)."""
    rows: list[Row] = []
    pits: list[dict[str, Any]] = []
    for i, (obs_id, name, *_rest) in enumerate(CONTINUOUS):
        years, obs = target.observed_of(i)
        if obs.size == 0:
            continue
        ensembles = {n: target.baseline_forecast(i, n)[..., None] for n in BASELINES}
        ensembles.update({p: target.mapped(s, i) for p, s in sims.items()})
        flat_obs = obs.reshape(-1)
        for fc, ens in ensembles.items():
            flat = ens.reshape(flat_obs.size, -1)
            metrics: list[tuple[str, float]] = []
            for level in BANDS:
                lo, hi = band(flat, level)
                score = interval_score(flat_obs, lo, hi, level)
                metrics.append((f"interval_score_{level:.0%}"[:-1],
                                float(np.nanmean(score)) if np.isfinite(score).any()
                                else float("nan")))
                metrics.append((f"coverage_{level:.0%}"[:-1], coverage(flat_obs, lo, hi)))
            values = pit(flat_obs, flat)
            for b, count in enumerate(pit_histogram(values)):
                pits.append({"observable": obs_id, "component": name, "forecaster": fc,
                             "bin": b, "count": int(count)})
            if obs.shape[0] == 1:  # a series: direction and turning points of the median
                median = np.nanmedian(ens[0], axis=1)
                ok = np.isfinite(median) & np.isfinite(obs[0])
                precision, recall = turning_point_scores(median[ok], obs[0][ok])
                metrics += [("direction_accuracy", direction_accuracy(median[ok], obs[0][ok])),
                            ("turning_point_precision", precision),
                            ("turning_point_recall", recall)]
            rows += [(obs_id, name, fc, _kind(fc), m, v) for m, v in metrics]
    return rows, pits


def status_rows(target: Target, sims: Mapping[str, Simulated]) -> list[Row]:
    """O3: exact match of the ensemble mode and the ordinal log score."""
    st = target._status
    forecasts = dict(st["forecasts"])
    for p, s in sims.items():
        forecasts[p] = ordinal_probabilities(s.status[st["years"] - int(s.years[0])].T)
    rows: list[Row] = []
    for name, probs in forecasts.items():
        rows.append(("O3", "S", name, _kind(name), "exact_match", exact_match(probs, st["o"])))
        rows.append(("O3", "S", name, _kind(name), "log_score_ordinal",
                     float(np.mean(ordinal_log_score(probs, st["o"], LOG_EPS_ORDINAL)))))
    return rows


def event_rows(target: Target, sims: Mapping[str, Simulated]) -> list[Row]:
    """O5 and O6: Brier score (±1-year tolerance), timing error, misses, false alarms."""
    rows: list[Row] = []
    for i, (obs_id, comp) in enumerate((("O5", "coercion"), ("O6", "status"))):
        e = target.events_of(i)
        forecasts = dict(e["forecasts"])
        for p, s in sims.items():
            shares = s.coercion if comp == "coercion" else s.status_up
            forecasts[p] = shares[:, e["years"] - int(s.years[0])]
        for name, prob in forecasts.items():
            q, scored = tolerant_probabilities(prob, e["o"])
            timing, missed = timing_error(prob, e["o"])
            metrics = [("brier", brier(q, e["o"], scored)), ("timing_error", timing),
                       ("missed", float(missed)),
                       ("false_alarms", float(false_alarms(prob, e["o"])))]
            rows += [(obs_id, comp, name, _kind(name), m, v) for m, v in metrics]
    return rows


# --------------------------------------------------------------------------- sign test


def dyadic_milestone_years(records: Any, observed: Any) -> list[int]:
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


def sign_test_rows(records: Any, observed: Any, years: np.ndarray) -> list[Row]:
    """O4 milestone sign test of each paradigm's median R (see :func:`metrics.sign_test`)."""
    found = dyadic_milestone_years(records, observed)
    ms = np.array([y for y in found if y in years and y - 1 in years], dtype=int)
    o4 = observed.net_coop
    obs_delta = np.array([o4.get(y, np.nan) - o4.get(y - 1, np.nan) for y in ms])
    rows: list[Row] = []
    for p in records.paradigms:
        sel = records.series[records.series["paradigm"] == p]
        r = sel.groupby("year")["R"].median()
        sim_delta = np.array([r.get(y, np.nan) - r.get(y - 1, np.nan) for y in ms])
        ok = np.isfinite(sim_delta) & np.isfinite(obs_delta)
        hits, n, pval = sign_test(sim_delta[ok], obs_delta[ok])
        rows += [("O4", "R", p, "paradigm", "sign_hits", float(hits)),
                 ("O4", "R", p, "paradigm", "sign_n", float(n)),
                 ("O4", "R", p, "paradigm", "sign_p", pval)]
    return rows


def pit_frame(pits: list[dict[str, Any]]) -> pd.DataFrame:
    """The PIT histograms as a tidy frame ``observable, component, forecaster, bin, count``."""
    return pd.DataFrame(pits, columns=["observable", "component", "forecaster", "bin", "count"])
