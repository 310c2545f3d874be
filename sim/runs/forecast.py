"""Forecasts: the teacher-forced filter up to the origin, then the model runs free.

1. **The state at the origin.** One teacher-mode model (:mod:`sim.model.teacher`) of K
   particles imposes the observed history year by year up to the origin, and each year the
   particles are weighted by the probability they gave the observed decisions and resampled
   (the bootstrap filter of :mod:`sim.runs.filter`: systematic resampling, one uniform per
   year from the stream ``(seed, 1)``). At the end of the origin year every particle carries
   the observed S, coercion levels and partner statuses, and its own latent state (R, arming,
   the paradigm's memory, coercion propensity, alignment) drawn from the filter's posterior.
   A scenario's ``history:`` edits (a counterfactual record: no Crimea, no 2014 suspension)
   change the record imposed and weighted, so the latent states follow the changed history.
2. **Forward.** From the next year on the same model simulates its decisions: institutions
   and coercion always; partner enlargement by the model (``membership: free``) or held at
   the origin statuses (``hold``, the default), with the scenario's partner milestones after
   the data's end imposed at their dates in both cases. The inputs after the origin are the
   assumed paths of :mod:`sim.data.projection`.

Deterministic for a seed (one process): the model stream is seeded with ``seed``, every
paradigm with the same seed (common random numbers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from sim.data.history import History, build_history
from sim.data.projection import Projection
from sim.data.record_edits import edit_history
from sim.model.model import Milestone, NatoRussiaModel
from sim.model.teacher import IMPOSED_IN_TEACHER, reindex
from sim.runs.experiments import split_params
from sim.runs.filter import FLOOR, systematic

#: The model's mode after the origin for each ``assumptions.membership``.
FORWARD_MODE = {"hold": "replay", "free": "free"}


@dataclass(frozen=True)
class Ensemble:
    """One paradigm's forecast ensemble: every year from the scenario's start to the horizon.

    Years up to the origin hold the filtered (teacher-forced) particles, later years the free
    simulation. ``series``: column -> ``(T, K)``; ``partners``: column -> ``(T, K, P)``
    (the :class:`~sim.model.records.Records` column names).
    """

    paradigm: str
    years: np.ndarray
    partners: tuple[str, ...]
    series: dict[str, np.ndarray]
    partner_values: dict[str, np.ndarray]
    params: dict[str, float]
    filter_loglik: float

    def column(self, name: str) -> np.ndarray:
        """``(T, K)`` a series column, or ``(T, K, P)`` a partner column."""
        return self.series[name] if name in self.series else self.partner_values[name]


@dataclass(frozen=True)
class Forecast:
    """The ensembles of every paradigm and how they were made."""

    projection: Projection
    ensembles: tuple[Ensemble, ...]
    replicas: int
    seed: int
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def paradigms(self) -> list[str]:
        return [e.paradigm for e in self.ensembles]


def imposed_record(projection: Projection, observed: Any) -> History:
    """The record the filter imposes up to the origin: the observed one, with the scenario's
    ``history:`` edits (a counterfactual record) applied."""
    inputs, origin = projection.inputs, projection.origin
    n_known = origin - int(inputs.years[0]) + 1
    known = replace(inputs, years=inputs.years[:n_known], active=inputs.active[:n_known])
    return edit_history(build_history(known, observed, projection.source),
                        projection.history_edits, projection.source)


def forecast_ensemble(projection: Projection, observed: Any, paradigm: str, *,
                      replicas: int, seed: int,
                      params: Mapping[str, Any] | None = None) -> Ensemble:
    """Filter K particles of one paradigm to the origin, then simulate to the horizon."""
    inputs, origin = projection.inputs, projection.origin
    history = imposed_record(projection, observed)  # with a counterfactual's edits, if any
    values = split_params(paradigm, dict(params or {}))
    model = NatoRussiaModel(inputs=inputs, paradigm=paradigm, mode="teacher", history=history,
                            replicas=int(replicas), rng=int(seed), **values)
    resample = np.random.default_rng((int(seed), 1))
    loglik = 0.0
    for year in history.years:
        model.run_until(float(year) + 1.0)
        q = np.maximum(model.teacher.last.observed_probability(), FLOOR)
        logw = np.log(q).sum(axis=1)
        top = float(logw.max())
        weights = np.exp(logw - top)
        loglik += top + float(np.log(weights.mean()))
        reindex(model, systematic(weights[None, :], resample.random())[0])
    model.mode = FORWARD_MODE[projection.assumptions.membership]
    model.teacher = None
    events = []
    for m in inputs.milestones:  # partner milestones teacher mode left to the history
        if m.type in IMPOSED_IN_TEACHER and m.time >= origin + 1.0:
            event = Milestone(model, m)
            events.append(event)
            model.schedule_event(event.fire, at=m.time)
    model.run()
    years, series, partners = model.recorded()
    used = {k: float(v) for k, v in {**model.p, **model.paradigm.values}.items()
            if np.ndim(v) == 0}
    return Ensemble(paradigm=paradigm, years=np.asarray(years).copy(),
                    partners=tuple(inputs.partners),
                    series={k: np.array(v) for k, v in series.items()},
                    partner_values={k: np.array(v) for k, v in partners.items()},
                    params=used, filter_loglik=loglik)


def run_forecast(projection: Projection, observed: Any, paradigms: Sequence[str], *,
                 replicas: int, seed: int, params: Mapping[str, Any] | None = None) -> Forecast:
    """Every paradigm's ensemble with the same seed, in the order given."""
    ensembles = tuple(forecast_ensemble(projection, observed, name, replicas=replicas,
                                        seed=seed, params=params) for name in paradigms)
    meta = {"mode": "forecast", "seed": int(seed), "replicas": int(replicas),
            "paradigms": list(paradigms),
            "params": {e.paradigm: e.params for e in ensembles},
            "filter_loglik": {e.paradigm: e.filter_loglik for e in ensembles},
            "start": "teacher-forced particle filter to the origin",
            "history_edits": [e.describe() for e in projection.history_edits]}
    return Forecast(projection=projection, ensembles=ensembles, replicas=int(replicas),
                    seed=int(seed), meta=meta)
