"""The observed record prepared for scoring one window: primary scores per year.

:class:`Target` turns a :class:`~sim.analysis.scoring.contributions.Simulated` run into
per-year :class:`~sim.analysis.scoring.contributions.Contributions`, with the three baselines
computed once. The scorecard (:func:`sim.analysis.scoring.score`), the calibration loss and
the validation bootstrap all use it, so there is one definition of every primary score:

* continuous (O1, O2, O4, O7, O8): CRPS of the ensemble, level with level; a model quantity
  in other units (R for O4 and O7, alignment a for O8) is first mapped by
  :func:`~sim.analysis.scoring.baselines.level_map` fitted on the calibration years,
  identically for every forecaster;
* ordinal (O3): ranked probability score;
* events (O5, O6): log score with the ±1-year tolerance.

Definitions: ``docs/scoring.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.scoring.baselines import (
    BASELINES,
    base_rate,
    level_map,
    linear_trend,
    persistence,
)
from sim.analysis.scoring.contributions import Component, Contributions, Simulated
from sim.analysis.scoring.metrics import (
    LOG_EPS,
    N_STATUS,
    one_hot,
    ordinal_probabilities,
    tolerant_probabilities,
)
from sim.analysis.scoring.proper import crps_ensemble

# The baseline each kind of observable's skill is measured against (fixed in advance).
# Events and ordinal use the base rate: with the ±1-year tolerance, year-on-year persistence
# of an event series is a near-perfect (one-year-late) forecast, see docs/scoring.md.
REFERENCE = {"continuous": "persistence", "ordinal": "base_rate", "events": "base_rate"}
PRIMARY = {"continuous": "crps", "ordinal": "rps", "events": "log_score"}

#: observable, component, simulated column, Observed attribute, same units as observed?
CONTINUOUS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("O1", "russia_milex", "russia_milex", "russia_milex", True),
    ("O1", "russia_burden", "russia_burden", "russia_burden", True),
    ("O2", "nato_burden", "nato_burden", "nato_burden", True),
    ("O4", "R", "R", "net_coop", False),
    ("O4", "R_stock", "R", "net_coop_stock", False),
    ("O7", "R_unga", "R", "unga_rus_usa", False),
    ("O8", "alignment", "alignment", "unga_alignment", False),
)
#: The independent record (UN votes): scored, never fitted (left out of the calibration loss).
INDEPENDENT: tuple[str, ...] = ("O7", "O8")


def aggregate_observables(mode: str, independent: bool = True) -> tuple[str, ...]:
    """Observables in the aggregate: O6 only when partners decide (not in replay); O7 and
    O8 unless ``independent`` is False (the calibration loss)."""
    out = ("O1", "O2", "O3", "O4", "O5") + (() if mode == "replay" else ("O6",))
    return out + (INDEPENDENT if independent else ())


def _matrix(value: Any) -> pd.DataFrame:
    """An observed series as a one-row frame (years as columns); a panel as it is."""
    if isinstance(value, pd.Series):
        return value.to_frame().T
    return value


class Target:
    """The observed record prepared for fast scoring over one window.

    Args:
        observed: the observed record (truncate it for calibration).
        window: first and last scored year.
        calibration: years whose statistics define the level maps, trends and base rates.
        mode: ``replay`` (O6, forced by history, scored but left out of the aggregate) or
            ``free``.
        independent: O7 and O8 in the aggregate (False for the calibration loss).
    """

    def __init__(self, observed: Any, window: tuple[int, int], calibration: tuple[int, int],
                 mode: str = "replay", independent: bool = True) -> None:
        self.window, self.calibration, self.mode = tuple(window), tuple(calibration), mode
        self.years = np.arange(window[0], window[1] + 1)
        self.until = max(window[1], calibration[1])
        self.included = aggregate_observables(mode, independent)
        self._continuous = [self._prepare_continuous(observed, *c) for c in CONTINUOUS]
        self._status = self._prepare_status(observed)
        self._events = [self._prepare_events("O5", "coercion", observed.coercion >= 1),
                        self._prepare_events("O6", "status", status_up(observed))]
        self.components = tuple(
            [Component(c["obs"], c["name"], "continuous", REFERENCE["continuous"])
             for c in self._continuous]
            + [Component("O3", "S", "ordinal", REFERENCE["ordinal"])]
            + [Component(e["obs"], e["name"], "events", REFERENCE["events"])
               for e in self._events])
        self.observables = tuple(dict.fromkeys(c.observable for c in self.components))
        self.baselines = self._baseline_contributions()

    # ------------------------------------------------------------------ preparation
    def _positions(self, years: np.ndarray) -> np.ndarray:
        return np.asarray(years, dtype=int) - int(self.years[0])

    def _prepare_continuous(self, observed: Any, obs_id: str, name: str, column: str,
                            attr: str, same_units: bool) -> dict[str, Any]:
        frame = _matrix(getattr(observed, attr))
        oy = frame.columns.to_numpy(dtype=int)
        full = frame.to_numpy(dtype=float)
        years = self.years[np.isin(self.years, oy)]
        obs = full[:, np.isin(oy, years)]
        cal_years = oy[(oy >= self.calibration[0]) & (oy <= self.calibration[1])]
        forecasts = {b: np.full(obs.shape, np.nan) for b in BASELINES}
        for i, row in enumerate(full):
            ok = np.isfinite(row)
            if not ok.any():
                continue
            for b, fn in zip(BASELINES, (persistence, linear_trend, base_rate), strict=True):
                forecasts[b][i] = fn(oy[ok], row[ok], years, self.calibration)
        prepared = {"obs": obs_id, "name": name, "column": column, "same_units": same_units,
                    "years": years, "pos": self._positions(years), "o": obs,
                    "cal_years": cal_years, "cal_o": full[:, np.isin(oy, cal_years)]}
        prepared["baselines"] = {b: _crps_by_year(obs, f[..., None])
                                 for b, f in forecasts.items()}
        prepared["forecasts"] = forecasts
        return prepared

    def _prepare_status(self, observed: Any) -> dict[str, Any]:
        oy, ov = observed.status.index.to_numpy(dtype=int), observed.status.to_numpy(dtype=int)
        years = self.years[np.isin(self.years, oy)]
        target = ov[np.isin(oy, years)]
        trend = np.rint(linear_trend(oy, ov.astype(float), years, self.calibration))
        in_cal = (oy >= self.calibration[0]) & (oy <= self.calibration[1])
        freq = np.bincount(ov[in_cal], minlength=N_STATUS) / max(int(in_cal.sum()), 1)
        forecasts = {
            "persistence": one_hot(persistence(oy, ov, years, self.calibration)),
            "trend": one_hot(np.clip(trend, 0, N_STATUS - 1)),
            "base_rate": np.tile(freq, (len(years), 1)),
        }
        cum_o = (target[:, None] <= np.arange(N_STATUS - 1)[None, :]).astype(float)
        prepared = {"years": years, "pos": self._positions(years), "cum_o": cum_o,
                    "o": target, "forecasts": forecasts}
        prepared["baselines"] = {k: rps_by_year(v, cum_o) for k, v in forecasts.items()}
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
            "persistence": np.stack([persistence(oy, row, years, self.calibration)
                                     for row in matrix]),
            "trend": np.tile(np.clip(linear_trend(oy, rate, years, self.calibration), 0, 1),
                             (n, 1)),
            "base_rate": np.tile(base_rate(oy, rate, years, self.calibration), (n, 1)),
        }
        prepared = {"obs": obs_id, "name": name, "years": years, "pos": self._positions(years),
                    "o": o_event, "forecasts": forecasts}
        prepared["baselines"] = {k: log_score_by_year(v, o_event) for k, v in forecasts.items()}
        return prepared

    def _baseline_contributions(self) -> tuple[np.ndarray, np.ndarray]:
        n, c = len(self.years), len(self.components)
        num, den = np.zeros((len(BASELINES), c, n)), np.zeros((len(BASELINES), c, n))
        for f, name in enumerate(BASELINES):
            for i, (num_t, den_t, pos) in enumerate(self._baseline_rows(name)):
                num[f, i, pos], den[f, i, pos] = num_t, den_t
        return num, den

    def _baseline_rows(self, name: str):
        for c in self._continuous:
            yield (*c["baselines"][name], c["pos"])
        st = self._status
        yield st["baselines"][name], np.ones(len(st["pos"])), st["pos"]
        for e in self._events:
            yield (*e["baselines"][name], e["pos"])

    # ------------------------------------------------------------------ scoring
    def mapped(self, sim: Simulated, i: int) -> np.ndarray:
        """Continuous component ``i`` of ``sim`` in the observable's units over the window
        years it is observed: ``(rows, years, K)``."""
        c = self._continuous[i]
        first = int(sim.years[0])
        ens = sim.ensemble[c["column"]]
        values = ens[:, c["years"] - first]
        if c["same_units"]:
            return values
        center = np.median(ens[:, c["cal_years"] - first], axis=2)
        a, b = level_map(center, c["cal_o"])
        return a + b * values

    def sim_rows(self, sim: Simulated) -> tuple[np.ndarray, np.ndarray]:
        """Per-year contributions ``(C, n)`` (numerators, denominators) of one simulation."""
        first = int(sim.years[0])
        missing = [y for y in (self.years[0], self.calibration[0], self.until)
                   if y not in set(sim.years.tolist())]
        if missing:
            raise ValueError(f"the simulation does not cover {missing} (target {self.window})")
        n, k = len(self.years), len(self.components)
        num, den = np.zeros((k, n)), np.zeros((k, n))
        for i, c in enumerate(self._continuous):
            num[i, c["pos"]], den[i, c["pos"]] = _crps_by_year(c["o"], self.mapped(sim, i))
        i = len(self._continuous)
        st = self._status
        probs = ordinal_probabilities(sim.status[st["years"] - first].T)
        num[i, st["pos"]], den[i, st["pos"]] = rps_by_year(probs, st["cum_o"]), 1.0
        for j, e in enumerate(self._events, start=i + 1):
            shares = sim.coercion if e["name"] == "coercion" else sim.status_up
            num[j, e["pos"]], den[j, e["pos"]] = log_score_by_year(
                shares[:, e["years"] - first], e["o"])
        return num, den

    def contributions(self, sims: Mapping[str, Simulated]) -> Contributions:
        """Contributions of the baselines and of every named simulation."""
        rows = [self.sim_rows(s) for s in sims.values()]
        if not rows:
            return self.stack((), np.zeros((0, *self.baselines[0].shape[1:])),
                              np.zeros((0, *self.baselines[0].shape[1:])))
        return self.stack(tuple(sims), np.stack([r[0] for r in rows]),
                          np.stack([r[1] for r in rows]))

    def loss(self, sim: Simulated) -> float:
        """``1 - aggregate skill`` of one simulation over the whole window."""
        return float(1.0 - self.contributions({"sim": sim}).aggregate()[-1, 0])

    def stack(self, names: tuple[str, ...], num: np.ndarray, den: np.ndarray) -> Contributions:
        """Contributions of the baselines and of precomputed rows ``(F, C, n)``."""
        return Contributions(names=(*BASELINES, *names),
                             num=np.concatenate([self.baselines[0], num]),
                             den=np.concatenate([self.baselines[1], den]), target=self)

    def events_of(self, i: int) -> dict[str, Any]:
        """Event component ``i`` (0: O5, 1: O6): years, observed flags and baseline
        probabilities, partner x year."""
        return self._events[i]

    def observed_of(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Continuous component ``i``: its scored years and observations ``(rows, years)``."""
        return self._continuous[i]["years"], self._continuous[i]["o"]

    def baseline_forecast(self, i: int, name: str) -> np.ndarray:
        """Continuous component ``i``: a baseline's point forecasts ``(rows, years)``."""
        return self._continuous[i]["forecasts"][name]


def _crps_by_year(obs: np.ndarray, ens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum of CRPS over the scored rows of each year, and their number.

    Args:
        obs: ``(rows, n)``; ens: ``(rows, n, m)``. A cell is scored when its observation and
            at least one member are finite.
    """
    rows, n = obs.shape
    crps = crps_ensemble(obs.reshape(-1), ens.reshape(rows * n, -1)).reshape(rows, n)
    ok = np.isfinite(crps)
    return np.where(ok, crps, 0.0).sum(axis=0), ok.sum(axis=0).astype(float)


def rps_by_year(probs: np.ndarray, cum_o: np.ndarray) -> np.ndarray:
    """RPS of each year (see :func:`sim.analysis.scoring.metrics.rps`)."""
    cum_f = np.cumsum(probs, axis=1)[:, :-1]
    return np.sum((cum_f - cum_o) ** 2, axis=1) / (probs.shape[1] - 1)


def log_score_by_year(p: np.ndarray, o: np.ndarray,
                      eps: float = LOG_EPS) -> tuple[np.ndarray, np.ndarray]:
    """Per-year sum of ``-[o ln q + (1 - o) ln(1 - q)]`` over scored cells (q clipped to
    ``[eps, 1 - eps]``) and the number of scored cells, with the ±1-year tolerance of
    :func:`sim.analysis.scoring.metrics.tolerant_probabilities`."""
    q, scored = tolerant_probabilities(p, o)
    q = np.clip(q, eps, 1 - eps)
    ll = -(o * np.log(q) + (1 - o) * np.log(1 - q))
    return (ll * scored).sum(axis=0), scored.sum(axis=0).astype(float)


def status_up(observed: Any) -> pd.DataFrame:
    """O6 observed: a partner's status rose during the year (level 0 before the record)."""
    full = observed.partner_status
    values = full.to_numpy()
    prev = np.concatenate([np.zeros((values.shape[0], 1), dtype=values.dtype), values[:, :-1]],
                          axis=1)
    return pd.DataFrame(values > prev, index=full.index, columns=full.columns)
