"""The scorecard: every paradigm and every baseline scored against the observed record.

:func:`score` turns each paradigm's ensemble into a
:class:`~sim.analysis.scoring.contributions.Simulated` summary and scores it with
:class:`~sim.analysis.scoring.target.Target`, the same code as the calibration loss and the
validation bootstrap; :mod:`.diagnostics` adds the reported extras. ``natosim compare`` only
runs the ensembles, calls it and writes the result. Definitions and how to read a scorecard:
``docs/scoring.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.scoring import diagnostics as dg
from sim.analysis.scoring.baselines import BASELINES
from sim.analysis.scoring.contributions import WORST, Simulated, simulated_from_records
from sim.analysis.scoring.target import PRIMARY, REFERENCE, Target
from sim.data.observed import Observed
from sim.model.records import Records

DEFAULT_SEED = 20_091_991  # weightings for rank stability (fixed in advance)
COLUMNS = ["observable", "component", "forecaster", "kind", "metric", "value"]


@dataclass(frozen=True)
class Scorecard:
    """The result of :func:`score`.

    Attributes:
        table: tidy scores, columns ``observable, component, forecaster, kind, metric, value``.
        aggregate: one row per forecaster: ``forecaster, kind, aggregate_skill, observables``.
        rank_stability: paradigm -> share of random weightings under which it ranks first.
        pit: PIT histograms ``observable, component, forecaster, bin, count``.
        per_observable: forecaster x observable bounded skills (see
            :meth:`observable_skills`).
        meta: window, calibration, mode, reference baseline, observables in the aggregate,
            seed and number of weightings, notes.
    """

    table: pd.DataFrame
    aggregate: pd.DataFrame
    rank_stability: pd.Series
    pit: pd.DataFrame = field(default_factory=pd.DataFrame)
    per_observable: pd.DataFrame = field(default_factory=pd.DataFrame)
    meta: dict[str, Any] = field(default_factory=dict)

    def skills(self, metric: str = "skill") -> pd.DataFrame:
        """A skill metric (default: vs each component's reference, unclipped) as
        component x forecaster."""
        rows = self.table[self.table["metric"] == metric]
        return rows.pivot_table(index=["observable", "component"], columns="forecaster",
                                values="value", aggfunc="first", sort=False)

    def observable_skills(self) -> pd.DataFrame:
        """Forecaster x observable: the bounded skill that enters the aggregate, averaged
        over components. Observables left out of the aggregate (O6 in replay) are reported
        too; ``meta["aggregate_observables"]`` says which ones count."""
        return self.per_observable.copy()


def score(records: Records, observed: Observed, window: tuple[int, int] = (1991, 2008),
          calibration: tuple[int, int] = (1991, 2007), *, n_weightings: int = 1000,
          seed: int = DEFAULT_SEED,
          simulated: Mapping[str, Simulated] | None = None) -> Scorecard:
    """Score every paradigm in ``records`` and every baseline against the observed record.

    Args:
        records: ensembles of one or more paradigms (one scenario, common seeds).
        observed: the observed record.
        window: first and last year scored (inclusive).
        calibration: years that fit the level maps, trends and base rates.
        n_weightings: random Dirichlet(1, ..., 1) weightings for rank stability.
        seed: seed of the numpy Generator drawing the weightings.
        simulated: :func:`simulate` of these ``records`` and ``observed`` when already
            made (it does not depend on the window: ``compare`` scores two windows).

    Returns:
        The :class:`Scorecard`.

    Raises:
        ValueError: no year of the window is in the records, or the records do not cover
            the calibration years.
    """
    recorded = set(int(y) for y in records.years)
    years = np.array([y for y in range(window[0], window[1] + 1) if y in recorded], dtype=int)
    if years.size == 0:
        raise ValueError(f"window {window[0]}-{window[1]} has no year in the records")
    paradigms = list(records.paradigms)
    mode = str(records.meta.get("mode", "replay"))
    cal = (max(calibration[0], min(recorded)), min(calibration[1], max(recorded)))
    target = Target(observed, (int(years[0]), int(years[-1])), cal, mode)
    sims = simulated if simulated is not None else simulate(records, observed)
    contrib = target.contributions(sims)
    rows = _primary_rows(contrib)
    extra, pits = dg.continuous_rows(target, sims)
    rows += extra + dg.status_rows(target, sims) + dg.event_rows(target, sims)
    rows += dg.sign_test_rows(records, observed, years)
    table = pd.DataFrame(rows, columns=COLUMNS)
    per_obs = pd.DataFrame(contrib.observable_skills()[:, :, 0], index=list(contrib.names),
                           columns=list(target.observables))
    per_obs.index.name = "forecaster"
    included = list(target.included)
    aggregate = _aggregate(contrib.aggregate()[:, 0], contrib.names, paradigms, included)
    stability = rank_stability(per_obs.loc[paradigms, included], n_weightings, seed)
    meta = {
        "window": list(window), "years_scored": [int(years[0]), int(years[-1])],
        "calibration": list(cal), "mode": mode, "primary": dict(PRIMARY),
        "reference": dict(REFERENCE), "aggregate_observables": included, "seed": seed,
        "n_weightings": n_weightings, "aggregate": "mean bounded skill (ref - score)/(ref + "
        "score) over observables; an observable that cannot be scored counts -1",
        "notes": ["O6 is forced in replay mode: reported, not aggregated"]
        if mode == "replay" else [],
    }
    return Scorecard(table=table, aggregate=aggregate, rank_stability=stability,
                     pit=dg.pit_frame(pits), per_observable=per_obs, meta=meta)


def simulate(records: Records, observed: Observed) -> dict[str, Simulated]:
    """Each paradigm's :class:`~sim.analysis.scoring.contributions.Simulated` summary, the
    part of :func:`score` that reads the ensembles (the same for every window)."""
    partners = tuple(observed.coercion.index)
    return {p: simulated_from_records(records, p, partners) for p in records.paradigms}


def _primary_rows(contrib) -> list[dg.Row]:
    """Primary score, skill vs the reference (unclipped), skill vs each baseline and the
    bounded skill of every component and forecaster."""
    scores, skills, bounded = contrib.scores()[..., 0], contrib.skills()[..., 0], \
        contrib.bounded()[..., 0]
    rows: list[dg.Row] = []
    for c, comp in enumerate(contrib.target.components):
        for f, name in enumerate(contrib.names):
            kind = "baseline" if name in BASELINES else "paradigm"
            base = (comp.observable, comp.name, name, kind)
            rows.append((*base, PRIMARY[comp.kind], float(scores[f, c])))
            rows.append((*base, "skill", float(skills[f, c])))
            rows.append((*base, "bounded_skill", float(bounded[f, c])))
            for b in BASELINES:
                ref = scores[contrib.row(b), c]
                rows.append((*base, f"skill_vs_{b}", _skill(scores[f, c], ref)))
    return rows


def _skill(value: float, reference: float) -> float:
    if not (np.isfinite(value) and np.isfinite(reference)):
        return float("nan")
    if reference == 0:
        return 0.0 if value == 0 else float("-inf")
    return float(1.0 - value / reference)


def rank_stability(skills: pd.DataFrame, n_weightings: int = 1000,
                   seed: int = DEFAULT_SEED) -> pd.Series:
    """Share of Dirichlet(1, ..., 1) weightings of observables under which each row ranks first.

    ``w ~ Dirichlet(1_k)``, ``total_f = sum_j w_j * skill_{f, j}``; ties go to the first row.
    Missing skills count as the worst bounded value (-1).

    Args:
        skills: forecaster x observable matrix of bounded skills.
        n_weightings: number of weightings.
        seed: seed of ``numpy.random.default_rng``.
    """
    if skills.empty:
        return pd.Series(dtype=float, name="share_first")
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(skills.shape[1]), size=n_weightings)
    values = skills.fillna(WORST).to_numpy(dtype=float)
    winners = np.argmax(weights @ values.T, axis=1)
    shares = np.bincount(winners, minlength=len(skills)) / n_weightings
    return pd.Series(shares, index=skills.index, name="share_first")


def _aggregate(values: np.ndarray, names: tuple[str, ...], paradigms: list[str],
               included: list[str]) -> pd.DataFrame:
    out = pd.DataFrame({
        "forecaster": list(names),
        "kind": ["paradigm" if f in paradigms else "baseline" for f in names],
        "aggregate_skill": values,
        "observables": ",".join(included),
    })
    return out.sort_values("aggregate_skill", ascending=False, kind="stable").reset_index(
        drop=True)
