"""The scorecard: every paradigm and every baseline scored against the observed record.

:func:`score` assembles the scorecard from :mod:`.metrics` and :mod:`.baselines`;
``natosim compare`` only runs the ensembles, calls it and writes the result. Definitions and
how to read a scorecard: ``docs/scoring.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.scoring.baselines import BASELINES, base_rate, linear_trend, persistence
from sim.analysis.scoring.metrics import (
    N_STATUS,
    brier,
    calibration_stats,
    direction_accuracy,
    exact_match,
    false_alarms,
    log_score,
    nrmse,
    one_hot,
    ordinal_probabilities,
    rps,
    sign_test,
    skill,
    timing_error,
    tolerant_probabilities,
    turning_point_scores,
    zscore,
)
from sim.data.observed import Observed
from sim.model.records import Records

# The baseline each kind of observable's aggregate skill is measured against (fixed in advance).
# Events and ordinal use the base rate: with the ±1-year tolerance, year-on-year persistence
# of an event series is a near-perfect (one-year-late) forecast, see docs/scoring.md.
REFERENCE = {"continuous": "persistence", "ordinal": "base_rate", "events": "base_rate"}
SKILL_CLIP = (-1.0, 1.0)  # per-observable skill range entering the aggregate
DEFAULT_SEED = 20_091_991  # weightings for rank stability (fixed in advance)

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
