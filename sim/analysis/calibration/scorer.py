"""The calibration target: the scorecard's aggregate skill computed fast from numpy arrays.

:class:`Target` computes the aggregate skill of :func:`sim.analysis.scoring.score` from numpy
arrays (the scoring package's own metric and baseline functions, no DataFrames), decomposed
into per-year :class:`Contributions`, so that one loss evaluation takes milliseconds and the
same contributions give block-bootstrap intervals by resampling years.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import scoring as sc
from sim.data.observed import Observed

# Continuous observables as in sim.analysis.scoring.CONTINUOUS: observable, Records column,
# Observed attribute, same units as observed.
CONTINUOUS = sc.CONTINUOUS
CONTINUOUS_COLUMNS = tuple(dict.fromkeys(c[1] for c in CONTINUOUS))


# =========================================================================== observed record


def truncate_observed(observed: Observed, end_year: int) -> Observed:
    """The observed record up to and including ``end_year`` (later years are dropped).

    A calibration target built from the truncated record cannot read the test period.
    """

    def series(s):
        return s[s.index <= end_year]

    def wide(frame):
        return frame.loc[:, [c for c in frame.columns if int(c) <= end_year]]

    return replace(
        observed,
        russia_milex=series(observed.russia_milex),
        russia_burden=series(observed.russia_burden),
        nato_milex=series(observed.nato_milex),
        nato_burden=series(observed.nato_burden),
        status=series(observed.status),
        net_coop=series(observed.net_coop),
        coercion=wide(observed.coercion),
        status_events=observed.status_events[observed.status_events["year"] <= end_year],
        partner_status=wide(observed.partner_status),
        events=observed.events[observed.events["year"] <= end_year],
    )


# =========================================================================== simulated summary


@dataclass(frozen=True)
class Simulated:
    """What the loss needs from one ensemble run.

    Attributes:
        years: ``(T,)`` simulated years.
        median: Records column -> ``(T,)`` median over replicas (continuous observables).
        status: ``(T, K)`` institutional status S of every replica.
        coercion: ``(P_obs, T)`` share of replicas with coercion >= 1, observed partner order
            (0 for partners the scenario does not model).
        status_up: ``(P_obs, T)`` share of replicas whose partner status rose that year.
    """

    years: np.ndarray
    median: dict[str, np.ndarray]
    status: np.ndarray
    coercion: np.ndarray
    status_up: np.ndarray


def summarise(years: np.ndarray, series: Mapping[str, np.ndarray],
              partners: Mapping[str, np.ndarray], model_partners: tuple[str, ...],
              observed_partners: tuple[str, ...]) -> Simulated:
    """Summarise raw run arrays (``NatoRussiaModel.recorded()``) for scoring.

    Args:
        years: ``(T,)`` recorded years.
        series: column -> ``(T, K)``.
        partners: column -> ``(T, K, P)``.
        model_partners: the model's partner codes (length P).
        observed_partners: the observed record's partner order.
    """
    median = {c: np.median(series[c], axis=1) for c in CONTINUOUS_COLUMNS}
    cols = np.array([model_partners.index(p) if p in model_partners else -1
                     for p in observed_partners])
    status = partners["status"]
    before = np.concatenate([np.zeros_like(status[:1]), status[:-1]], axis=0)
    shares = {
        "coercion": (partners["coercion"] >= 1).mean(axis=1).T,
        "status_up": (status > before).mean(axis=1).T,
    }
    mapped = {k: np.where(cols[:, None] >= 0, v[np.maximum(cols, 0)], 0.0)
              for k, v in shares.items()}
    return Simulated(years=np.asarray(years, dtype=int), median=median,
                     status=np.asarray(series["S"]).astype(int), **mapped)


def summarise_model(model, observed: Observed) -> Simulated:
    """:func:`summarise` of a finished (or partly run) ``NatoRussiaModel``."""
    years, series, partners = model.recorded()
    return summarise(years, series, partners, tuple(model.inputs.partners),
                     tuple(observed.coercion.index))


# =========================================================================== the target


@dataclass(frozen=True)
class Component:
    """One scored component: its observable, name, kind and reference baseline."""

    observable: str
    name: str
    kind: str  # continuous | ordinal | events

    @property
    def reference(self) -> str:
        return sc.REFERENCE[self.kind]


@dataclass(frozen=True)
class Contributions:
    """Per-year error contributions of several forecasters, for one window.

    A component's score over a multiset of years ``Y`` is ``sum_Y num / sum_Y den`` (its
    square root for continuous components: nRMSE); this reproduces the primary scores of
    :func:`sim.analysis.scoring.score` when ``Y`` is the window, and gives bootstrap scores
    when ``Y``
    is a resample of its years.

    Attributes:
        names: forecaster names (baselines first).
        num, den: ``(F, C, n)`` contributions by forecaster, component and window year.
        target: the :class:`Target` they were computed for.
    """

    names: tuple[str, ...]
    num: np.ndarray
    den: np.ndarray
    target: Target

    def scores(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Primary scores ``(F, C, R)`` for R resamples of year positions ``idx`` ``(R, m)``
        (default: every window year once, R = 1)."""
        counts = year_counts(idx, self.num.shape[2])
        with np.errstate(invalid="ignore", divide="ignore"):
            num, den = self.num @ counts, self.den @ counts
            out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
        root = np.array([c.kind == "continuous" for c in self.target.components])
        out[:, root] = np.sqrt(out[:, root])
        return out

    def skills(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Skill of each component vs its reference baseline, ``(F, C, R)`` (unclipped)."""
        scores = self.scores(idx)
        ref_rows = [self.names.index(c.reference) for c in self.target.components]
        ref = scores[ref_rows, np.arange(len(ref_rows))][None]
        with np.errstate(invalid="ignore", divide="ignore"):
            out = 1.0 - scores / np.where(ref == 0, 1.0, ref)
        out = np.where(ref == 0, np.where(scores == 0, 0.0, -np.inf), out)
        return np.where(np.isfinite(scores) & np.isfinite(ref), out, np.nan)

    def observable_skills(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Clipped skill averaged over each observable's components, ``(F, O, R)``."""
        clipped = np.clip(self.skills(idx), *sc.SKILL_CLIP)
        obs = self.target.observables
        out = np.full((clipped.shape[0], len(obs), clipped.shape[2]), np.nan)
        for j, name in enumerate(obs):
            cols = [i for i, c in enumerate(self.target.components) if c.observable == name]
            block = clipped[:, cols]
            count = np.isfinite(block).sum(axis=1)
            total = np.where(np.isfinite(block), block, 0.0).sum(axis=1)
            out[:, j] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
        return out

    def aggregate(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Aggregate skill ``(F, R)``: equal-weight mean over the included observables, a
        missing observable counting as the worst clipped skill."""
        per = self.observable_skills(idx)
        keep = [j for j, o in enumerate(self.target.observables) if o in self.target.included]
        return np.where(np.isfinite(per[:, keep]), per[:, keep], sc.SKILL_CLIP[0]).mean(axis=1)

    def row(self, name: str) -> int:
        return self.names.index(name)


class Target:
    """The observed record prepared for fast scoring over one window.

    Everything that does not depend on the simulation is computed once here: observed
    z-scores, calibration statistics, the three baselines and their per-year contributions.

    Args:
        observed: the observed record (truncate it for calibration: see
            :func:`truncate_observed`).
        window: first and last scored year.
        calibration: years whose statistics define z-scores, trends and base rates.
        mode: ``replay`` (O6 left out of the aggregate, as in :func:`sim.analysis.scoring.score`) or
            ``free``.
    """

    def __init__(self, observed: Observed, window: tuple[int, int],
                 calibration: tuple[int, int], mode: str = "replay") -> None:
        self.window, self.calibration, self.mode = tuple(window), tuple(calibration), mode
        self.years = np.arange(window[0], window[1] + 1)
        self.until = max(window[1], calibration[1])
        self.included = ("O1", "O2", "O3", "O4", "O5") + (() if mode == "replay" else ("O6",))
        self._continuous = [self._prepare_continuous(observed, *c) for c in CONTINUOUS]
        self._status = self._prepare_status(observed)
        self._events = [self._prepare_events("O5", "coercion", observed.coercion >= 1)]
        if mode != "replay":
            self._events.append(self._prepare_events("O6", "status", _status_up(observed)))
        self.components = tuple(
            [Component(c["obs"], c["column"], "continuous") for c in self._continuous]
            + [Component("O3", "S", "ordinal")]
            + [Component(e["obs"], e["name"], "events") for e in self._events])
        self.observables = tuple(dict.fromkeys(c.observable for c in self.components))
        self.baselines = self._baseline_contributions()

    # ------------------------------------------------------------------ preparation
    def _positions(self, years: np.ndarray) -> np.ndarray:
        return np.asarray(years, dtype=int) - int(self.years[0])

    def _prepare_continuous(self, observed: Observed, obs_id: str, column: str, attr: str,
                            same_units: bool) -> dict[str, Any]:
        obs = getattr(observed, attr)
        oy, ov = obs.index.to_numpy(dtype=int), obs.to_numpy(dtype=float)
        mean, sd = sc.calibration_stats(ov, oy, self.calibration)
        years = self.years[np.isin(self.years, oy)]
        zo = sc.zscore(ov[np.isin(oy, years)], mean, sd)
        forecasts = {
            "persistence": sc.persistence(oy, ov, years, self.calibration),
            "trend": sc.linear_trend(oy, ov, years, self.calibration),
            "base_rate": sc.base_rate(oy, ov, years, self.calibration),
        }
        errors = {k: (sc.zscore(v, mean, sd) - zo) ** 2 for k, v in forecasts.items()}
        return {"obs": obs_id, "column": column, "same_units": same_units, "years": years,
                "pos": self._positions(years), "zo": zo, "mean": mean, "sd": sd,
                "baselines": errors}

    def _prepare_status(self, observed: Observed) -> dict[str, Any]:
        oy, ov = observed.status.index.to_numpy(dtype=int), observed.status.to_numpy(dtype=int)
        years = self.years[np.isin(self.years, oy)]
        target = ov[np.isin(oy, years)]
        trend = np.rint(sc.linear_trend(oy, ov.astype(float), years, self.calibration))
        in_cal = (oy >= self.calibration[0]) & (oy <= self.calibration[1])
        freq = np.bincount(ov[in_cal], minlength=sc.N_STATUS) / max(int(in_cal.sum()), 1)
        forecasts = {
            "persistence": sc.one_hot(sc.persistence(oy, ov, years, self.calibration)),
            "trend": sc.one_hot(np.clip(trend, 0, sc.N_STATUS - 1)),
            "base_rate": np.tile(freq, (len(years), 1)),
        }
        cum_o = (target[:, None] <= np.arange(sc.N_STATUS - 1)[None, :]).astype(float)
        prepared = {"years": years, "pos": self._positions(years), "cum_o": cum_o}
        prepared["baselines"] = {k: _rps_by_year(v, cum_o) for k, v in forecasts.items()}
        return prepared

    def _prepare_events(self, obs_id: str, name: str, flags) -> dict[str, Any]:
        o_full = flags.astype(int)
        oy = o_full.columns.to_numpy(dtype=int)
        years = self.years[np.isin(self.years, oy)]
        o_event = o_full.loc[:, list(years)].to_numpy()
        matrix = o_full.to_numpy(dtype=float)
        rate = matrix.mean(axis=0)
        n = matrix.shape[0]
        forecasts = {
            "persistence": np.stack([sc.persistence(oy, row, years, self.calibration)
                                     for row in matrix]),
            "trend": np.tile(np.clip(sc.linear_trend(oy, rate, years, self.calibration), 0, 1),
                             (n, 1)),
            "base_rate": np.tile(sc.base_rate(oy, rate, years, self.calibration), (n, 1)),
        }
        prepared = {"obs": obs_id, "name": name, "years": years, "pos": self._positions(years),
                    "o": o_event}
        prepared["baselines"] = {k: _brier_by_year(v, o_event) for k, v in forecasts.items()}
        return prepared

    def _baseline_contributions(self) -> tuple[np.ndarray, np.ndarray]:
        n, parts = len(self.years), []
        for name in sc.BASELINES:
            num, den = np.zeros((len(self.components), n)), np.zeros((len(self.components), n))
            for i, (num_t, den_t, pos) in enumerate(self._baseline_rows(name)):
                num[i, pos], den[i, pos] = num_t, den_t
            parts.append((num, den))
        return np.stack([p[0] for p in parts]), np.stack([p[1] for p in parts])

    def _baseline_rows(self, name: str):
        for c in self._continuous:
            yield c["baselines"][name], np.ones(len(c["pos"])), c["pos"]
        yield self._status["baselines"][name], np.ones(len(self._status["pos"])), \
            self._status["pos"]
        for e in self._events:
            num_t, den_t = e["baselines"][name]
            yield num_t, den_t, e["pos"]

    # ------------------------------------------------------------------ scoring
    def sim_rows(self, sim: Simulated) -> tuple[np.ndarray, np.ndarray]:
        """Per-year contributions ``(C, n)`` (numerators, denominators) of one simulation."""
        first = int(sim.years[0])
        missing = [y for y in (self.years[0], self.until) if y not in set(sim.years.tolist())]
        if missing:
            raise ValueError(f"the simulation does not cover {missing} (target {self.window})")
        n, k = len(self.years), len(self.components)
        num, den = np.zeros((k, n)), np.zeros((k, n))
        i = 0
        for c in self._continuous:
            values = sim.median[c["column"]]
            if c["same_units"]:
                mean, sd = c["mean"], c["sd"]
            else:
                mean, sd = sc.calibration_stats(values, sim.years, self.calibration)
            zs = sc.zscore(values[c["years"] - first], mean, sd)
            num[i, c["pos"]], den[i, c["pos"]] = (zs - c["zo"]) ** 2, 1.0
            i += 1
        st = self._status
        probs = sc.ordinal_probabilities(sim.status[st["years"] - first].T)
        num[i, st["pos"]], den[i, st["pos"]] = _rps_by_year(probs, st["cum_o"]), 1.0
        i += 1
        for e in self._events:
            shares = sim.coercion if e["name"] == "coercion" else sim.status_up
            num[i, e["pos"]], den[i, e["pos"]] = _brier_by_year(shares[:, e["years"] - first],
                                                                e["o"])
            i += 1
        return num, den

    def contributions(self, sims: Mapping[str, Simulated]) -> Contributions:
        """Contributions of the baselines and of every named simulation."""
        rows = [self.sim_rows(s) for s in sims.values()]
        num = np.concatenate([self.baselines[0], np.stack([r[0] for r in rows])]) \
            if rows else self.baselines[0]
        den = np.concatenate([self.baselines[1], np.stack([r[1] for r in rows])]) \
            if rows else self.baselines[1]
        return Contributions(names=(*sc.BASELINES, *sims), num=num, den=den, target=self)

    def loss(self, sim: Simulated) -> float:
        """``1 - aggregate skill`` of one simulation over the whole window."""
        contrib = self.contributions({"sim": sim})
        return float(1.0 - contrib.aggregate()[-1, 0])

    def stack(self, names: tuple[str, ...], num: np.ndarray, den: np.ndarray) -> Contributions:
        """Contributions of the baselines and of precomputed rows ``(F, C, n)``."""
        return Contributions(names=(*sc.BASELINES, *names),
                             num=np.concatenate([self.baselines[0], num]),
                             den=np.concatenate([self.baselines[1], den]), target=self)


def year_counts(idx: np.ndarray | None, n: int) -> np.ndarray:
    """``(n, R)`` number of times each of n years is drawn in each of R resamples."""
    if idx is None:
        return np.ones((n, 1))
    idx = np.atleast_2d(np.asarray(idx, dtype=int))
    counts = np.zeros((idx.shape[0], n))
    np.add.at(counts, (np.repeat(np.arange(idx.shape[0]), idx.shape[1]), idx.ravel()), 1.0)
    return counts.T


def _rps_by_year(probs: np.ndarray, cum_o: np.ndarray) -> np.ndarray:
    """RPS of each year (see :func:`sim.analysis.scoring.rps`)."""
    cum_f = np.cumsum(probs, axis=1)[:, :-1]
    return np.sum((cum_f - cum_o) ** 2, axis=1) / (probs.shape[1] - 1)


def _brier_by_year(p: np.ndarray, o: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-year sum of squared errors over scored cells and number of scored cells, with the
    ±1-year tolerance of :func:`sim.analysis.scoring.tolerant_probabilities`."""
    q, scored = sc.tolerant_probabilities(p, o)
    return ((q - o) ** 2 * scored).sum(axis=0), scored.sum(axis=0).astype(float)


def _status_up(observed: Observed):
    """O6 observed: a partner's status rose during the year (level 0 before the record)."""
    full = observed.partner_status
    values = full.to_numpy()
    prev = np.concatenate([np.zeros((values.shape[0], 1), dtype=values.dtype), values[:, :-1]],
                          axis=1)
    return pd.DataFrame(values > prev, index=full.index, columns=full.columns)
