"""Per window and observable: which paradigm leads, by how much, and against the baselines.

Used by the printed scorecard (:mod:`sim.analysis.scorecard_tables`) and re-exported by
:mod:`sim.analysis.compare`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis.scoring import BASELINES

if TYPE_CHECKING:
    from sim.analysis.comparison import Comparison


def best_paradigms(comparison: Comparison) -> pd.DataFrame:
    """Per window and observable component: the best paradigm by skill and its margin.

    Columns: ``window, observable, component, best, skill, runner_up, margin`` (skill of the
    best minus the runner-up's; NaN with one paradigm), ``best_baseline``, ``baseline_skill``
    and ``beats_baselines`` (the best paradigm's primary score is below every baseline's).
    """
    rows = []
    for label, card in comparison.cards.items():
        skills = card.skills()
        for (obs_id, component), row in skills.iterrows():
            rows.append({"window": label, "observable": obs_id, "component": component,
                         **_leader(row, comparison.paradigms)})
    return pd.DataFrame(rows)


def _leader(row: pd.Series, paradigms: Sequence[str]) -> dict[str, Any]:
    ranked = row.reindex(paradigms).astype(float).fillna(-np.inf).sort_values(
        ascending=False, kind="stable")
    baselines = row.reindex(list(BASELINES)).astype(float).fillna(-np.inf).sort_values(
        ascending=False, kind="stable")
    best, runner = ranked.index[0], (ranked.index[1] if len(ranked) > 1 else None)
    margin = ranked.iloc[0] - ranked.iloc[1] if runner is not None else float("nan")
    return {"best": best, "skill": float(ranked.iloc[0]), "runner_up": runner,
            "margin": float(margin), "best_baseline": baselines.index[0],
            "baseline_skill": float(baselines.iloc[0]),
            "beats_baselines": bool(ranked.iloc[0] > baselines.iloc[0])}
