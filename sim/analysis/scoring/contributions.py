"""Per-year score contributions of several forecasters, and the simulated summary they need.

A component's score over a multiset of years ``Y`` is ``sum_Y num / sum_Y den``: the mean
CRPS (continuous), RPS (ordinal) or log score (events) over the scored cells of those years.
With ``Y`` the window this is the scorecard's primary score; with ``Y`` a resample of its
years it is a bootstrap score. Definitions: ``docs/scoring.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.scoring.proper import bounded_skill

#: Records.series columns whose whole ensemble is kept for the continuous scores.
SERIES_COLUMNS: tuple[str, ...] = ("R", "russia_milex", "russia_burden", "nato_burden")
#: Records.partners columns whose whole ensemble is kept (O8: partner alignment).
PARTNER_COLUMNS: tuple[str, ...] = ("alignment",)
WORST = -1.0  # the bounded skill of an observable that cannot be scored


@dataclass(frozen=True)
class Simulated:
    """What the scores need from one ensemble run.

    Attributes:
        years: ``(T,)`` simulated years.
        ensemble: column -> ``(rows, T, K)`` replicas: one row for a series column, one row
            per observed partner (NaN for partners the scenario does not model).
        status: ``(T, K)`` institutional status S of every replica.
        coercion: ``(P_obs, T)`` share of replicas with coercion >= 1, observed partner order
            (0 for partners the scenario does not model).
        status_up: ``(P_obs, T)`` share of replicas whose partner status rose that year.
        force: ``(P_obs, T)`` share of replicas with coercion >= 2 (force).
    """

    years: np.ndarray
    ensemble: dict[str, np.ndarray]
    status: np.ndarray
    coercion: np.ndarray
    status_up: np.ndarray
    force: np.ndarray


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
    cols = np.array([model_partners.index(p) if p in model_partners else -1
                     for p in observed_partners], dtype=int)
    ensemble = {c: np.asarray(series[c], dtype=float)[None] for c in SERIES_COLUMNS}
    for c in PARTNER_COLUMNS:
        panel = np.moveaxis(np.asarray(partners[c], dtype=float), 2, 0)  # (P, T, K)
        ensemble[c] = np.where(cols[:, None, None] >= 0, panel[np.maximum(cols, 0)], np.nan)
    status = partners["status"]
    before = np.concatenate([np.zeros_like(status[:1]), status[:-1]], axis=0)
    shares = {
        "coercion": (partners["coercion"] >= 1).mean(axis=1).T,
        "status_up": (status > before).mean(axis=1).T,
        "force": (partners["coercion"] >= 2).mean(axis=1).T,
    }
    mapped = {k: np.where(cols[:, None] >= 0, v[np.maximum(cols, 0)], 0.0)
              for k, v in shares.items()}
    return Simulated(years=np.asarray(years, dtype=int), ensemble=ensemble,
                     status=np.asarray(series["S"]).astype(int), **mapped)


def simulated_from_records(records: Any, paradigm: str,
                           observed_partners: tuple[str, ...]) -> Simulated:
    """:func:`summarise` of one paradigm's ensemble in a :class:`~sim.model.records.Records`."""
    rows = records.series[records.series["paradigm"] == paradigm]
    years = np.sort(rows["year"].unique()).astype(int)
    part = records.partners[records.partners["paradigm"] == paradigm]
    codes = tuple(str(p) for p in pd.unique(part["partner"]))
    series = _grid(rows, ["year", "replica"], (*SERIES_COLUMNS, "S"), [years])
    panels = _grid(part, ["year", "replica", "partner"], (*PARTNER_COLUMNS, "status", "coercion"),
                   [years, None, codes])
    if series is None:
        series = {c: rows.pivot_table(index="year", columns="replica", values=c,
                                      aggfunc="first").reindex(years).to_numpy(dtype=float)
                  for c in (*SERIES_COLUMNS, "S")}
    if panels is None:
        panels = {}
        for c in (*PARTNER_COLUMNS, "status", "coercion"):
            wide = part.pivot_table(index=["year", "replica"], columns="partner", values=c,
                                    aggfunc="first").reindex(columns=list(codes))
            n_rep = wide.index.get_level_values("replica").nunique()
            panels[c] = wide.reindex(years, level="year").to_numpy(dtype=float).reshape(
                len(years), n_rep, len(codes))
    return summarise(years, series, panels, codes, observed_partners)


def _grid(rows: pd.DataFrame, keys: list[str], columns: tuple[str, ...],
          levels: list[Any]) -> dict[str, np.ndarray] | None:
    """The pivots :func:`simulated_from_records` needs, as one scatter into arrays
    ``(years, replicas[, partners])``, when the rows are a complete grid of unique keys
    with no missing value (what a run records); ``None`` otherwise, and the caller pivots.

    On such rows every pivot cell holds its one value and nothing is dropped or filled, so
    the arrays are those of ``pivot_table(..., aggfunc="first")`` bit for bit.
    """
    axes, shape = [], []
    for key, level in zip(keys, [*levels, None, None][:len(keys)], strict=True):
        if rows[key].isna().any():
            return None  # pivot_table drops rows with a missing key
        values = rows[key].to_numpy()
        if key == "partner":
            values = values.astype(str)
        uniq = np.unique(values) if level is None else np.asarray(level)
        pos = np.searchsorted(uniq, values) if level is None else _positions(uniq, values)
        if pos is None:
            return None
        axes.append(pos)
        shape.append(len(uniq))
    if int(np.prod(shape)) != len(rows):
        return None
    flat = np.ravel_multi_index(axes, shape)
    if np.bincount(flat, minlength=len(rows)).max(initial=0) != 1:
        return None
    out = {}
    for c in columns:
        values = rows[c].to_numpy(dtype=float)
        if np.isnan(values).any():
            return None
        grid = np.empty(len(rows))
        grid[flat] = values
        out[c] = grid.reshape(shape)
    return out


def _positions(level: np.ndarray, values: np.ndarray) -> np.ndarray | None:
    """Index of each value in ``level`` (whose items are unique); None if one is absent."""
    order = np.argsort(level, kind="stable")
    found = np.searchsorted(level[order], values)
    found = np.minimum(found, len(level) - 1)
    pos = order[found]
    return pos if len(level) and np.array_equal(level[pos], values) else None


@dataclass(frozen=True)
class Component:
    """One scored component: its observable, name, kind and reference baseline."""

    observable: str
    name: str
    kind: str  # continuous | ordinal | events
    reference: str


@dataclass(frozen=True)
class Contributions:
    """Per-year error contributions of several forecasters, for one window.

    Attributes:
        names: forecaster names (baselines first).
        num, den: ``(F, C, n)`` contributions by forecaster, component and window year.
        target: the :class:`~sim.analysis.scoring.target.Target` they were computed for
            (typed ``Any``: ``target`` builds contributions, so importing it here would be a
            cycle).
    """

    names: tuple[str, ...]
    num: np.ndarray
    den: np.ndarray
    target: Any

    def scores(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Primary scores ``(F, C, R)`` for R resamples of year positions ``idx`` ``(R, m)``
        (default: every window year once, R = 1)."""
        counts = year_counts(idx, self.num.shape[2])
        with np.errstate(invalid="ignore", divide="ignore"):
            num, den = self.num @ counts, self.den @ counts
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)

    def _reference(self, scores: np.ndarray) -> np.ndarray:
        rows = [self.names.index(c.reference) for c in self.target.components]
        return scores[rows, np.arange(len(rows))][None]

    def skills(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Skill ``1 - score / reference score`` of each component, ``(F, C, R)``, unclipped
        (``-inf`` when the reference is perfect and the forecaster is not)."""
        scores = self.scores(idx)
        ref = self._reference(scores)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = 1.0 - scores / np.where(ref == 0, 1.0, ref)
        out = np.where(ref == 0, np.where(scores == 0, 0.0, -np.inf), out)
        return np.where(np.isfinite(scores) & np.isfinite(ref), out, np.nan)

    def bounded(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Bounded skill ``(ref - score)/(ref + score)`` of each component, ``(F, C, R)``."""
        scores = self.scores(idx)
        return bounded_skill(scores, np.broadcast_to(self._reference(scores), scores.shape))

    def observable_skills(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Bounded skill averaged over each observable's components, ``(F, O, R)``."""
        return self._by_observable(self.bounded(idx))

    def _by_observable(self, values: np.ndarray) -> np.ndarray:
        obs = self.target.observables
        out = np.full((values.shape[0], len(obs), values.shape[2]), np.nan)
        for j, name in enumerate(obs):
            cols = [i for i, c in enumerate(self.target.components) if c.observable == name]
            block = values[:, cols]
            count = np.isfinite(block).sum(axis=1)
            total = np.where(np.isfinite(block), block, 0.0).sum(axis=1)
            out[:, j] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
        return out

    def aggregate(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Aggregate skill ``(F, R)``: equal-weight mean of the bounded skills of the included
        observables, an observable that cannot be scored counting as -1 (the worst)."""
        per = self.observable_skills(idx)
        keep = [j for j, o in enumerate(self.target.observables) if o in self.target.included]
        return np.where(np.isfinite(per[:, keep]), per[:, keep], WORST).mean(axis=1)

    def yearly_losses(self) -> np.ndarray:
        """Per-year loss ``(F, n)`` for forecast-comparison tests (Diebold–Mariano, MCS).

        ``L_{f,t}`` = mean over the included observables scored in year t of the mean over
        their components of ``(num_t / den_t) / reference score``: each component's yearly
        score in units of the reference baseline's score over the window, so that
        ``mean_t L`` is about ``1 - skill`` and every observable weighs the same.
        """
        ref = self._reference(self.scores())[..., 0]  # (1, C)
        with np.errstate(invalid="ignore", divide="ignore"):
            yearly = np.where(self.den > 0, self.num / np.where(self.den > 0, self.den, 1.0),
                              np.nan) / np.where(ref > 0, ref, np.nan)[..., None]
        per = self._by_observable(yearly)  # (F, O, n)
        keep = [j for j, o in enumerate(self.target.observables) if o in self.target.included]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a year with nothing scored
            return np.nanmean(per[:, keep], axis=1)

    def row(self, name: str) -> int:
        return self.names.index(name)


def year_counts(idx: np.ndarray | None, n: int) -> np.ndarray:
    """``(n, R)`` number of times each of n years is drawn in each of R resamples."""
    if idx is None:
        return np.ones((n, 1))
    idx = np.atleast_2d(np.asarray(idx, dtype=int))
    counts = np.zeros((idx.shape[0], n))
    np.add.at(counts, (np.repeat(np.arange(idx.shape[0]), idx.shape[1]), idx.ravel()), 1.0)
    return counts.T
