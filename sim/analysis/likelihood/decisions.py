"""The observed decisions as a tidy table, and the pointwise-score schema.

``observed_decisions(inputs, observed)`` lists every decision the chassis makes in teacher
mode, one row per year x kind x actor, in the order the particle filter scores them within
a year (status, then coercion, PfP, invitation, accession, partners in scenario order).
The risk sets come from :func:`sim.data.history.risk_sets`, the one definition the model
uses too.

Columns:

* ``year`` (int), ``kind`` (``status``, ``coercion``, ``pfp``, ``invitation``,
  ``accession``), ``actor`` (``NATO-RUS`` for status, else the partner ISO3).
* ``outcome`` (int): status 0 stay, 1 suspend (S fell, to any rung), 2 upgrade (S rose);
  coercion the level F 0..3; pfp / invitation / accession 1 if it happened that year.
* ``n_categories`` (int): 3, 4, 2, 2, 2.
* Lagged observed covariates (known before the year's decisions; NaN where not defined):
  ``prev_state`` (S(t-1) for status, F(t-1) for coercion, partner status(t-1) otherwise),
  ``year_index`` (years since the first year), ``menu`` (rung on offer this year, an input),
  ``member`` (partner a member at t-1), ``w`` (proximity), ``dem`` (partner polyarchy),
  ``trade_rus``, ``trade_west`` (partner trade shares), ``dem_russia``,
  ``trade_russia_west``, ``years_since_invitation`` (accession rows).

The pointwise table of any forecaster has the columns :data:`POINTWISE_COLUMNS`:
``forecaster`` (str), ``year``, ``kind``, ``actor``, ``outcome``, ``logp`` (natural log of
the probability given to the observed outcome), ``p_0`` .. ``p_4`` (the predicted
distribution, NaN beyond ``n_categories``), ``floored`` (the forecast gave the outcome a
probability below :data:`FLOOR`, scored as ``log(FLOOR)``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.data.history import (
    KINDS,
    N_CATEGORIES,
    History,
    build_history,
    outcomes,
    risk_sets,
)
from sim.data.inputs import Inputs
from sim.data.observed import Observed
from sim.runs.filter import DYAD, FLOOR, POINTWISE_COLUMNS, PROB_COLUMNS

__all__ = ["DECISION_COLUMNS", "DYAD", "FLOOR", "KEY_COLUMNS", "POINTWISE_COLUMNS",
           "PROB_COLUMNS", "history_decisions", "observed_decisions"]
KEY_COLUMNS = ("year", "kind", "actor")
DECISION_COLUMNS = (
    "year", "kind", "actor", "outcome", "n_categories", "prev_state", "year_index", "menu",
    "member", "w", "dem", "trade_rus", "trade_west", "dem_russia", "trade_russia_west",
    "years_since_invitation",
)


def observed_decisions(inputs: Inputs, observed: Observed) -> pd.DataFrame:
    """Every decision of the observed record the chassis scores (columns above)."""
    return history_decisions(inputs, build_history(inputs, observed))


def history_decisions(inputs: Inputs, history: History) -> pd.DataFrame:
    """The decision table of any history (observed or simulated) on these inputs."""
    rows: list[dict] = []
    for i, year in enumerate(history.years):
        sets = risk_sets(history, i)
        outs = outcomes(history, i, sets)
        s_prev, f_prev, status_prev, _ = history.previous(i)
        common = {"year": int(year), "year_index": i, "menu": int(history.menu[i]),
                  "dem_russia": float(inputs.dem_russia[i]),
                  "trade_russia_west": float(inputs.trade_russia_west[i])}
        if sets.status:
            rows.append({**common, "kind": "status", "actor": DYAD,
                         "outcome": int(outs["status"][0]), "prev_state": s_prev})
        for kind in KINDS[1:]:
            for j, outcome in zip(sets.columns(kind), outs[kind], strict=True):
                since = year - history.invited_year[j] if kind == "accession" else np.nan
                rows.append({
                    **common, "kind": kind, "actor": history.partners[j],
                    "outcome": int(outcome),
                    "prev_state": int(f_prev[j] if kind == "coercion" else status_prev[j]),
                    "member": float(status_prev[j] >= 3), "w": float(inputs.w[j]),
                    "dem": float(inputs.dem[i, j]), "trade_rus": float(inputs.trade_rus[i, j]),
                    "trade_west": float(inputs.trade_west[i, j]),
                    "years_since_invitation": float(since),
                })
    table = pd.DataFrame(rows).reindex(columns=list(DECISION_COLUMNS))
    table["n_categories"] = table["kind"].map(N_CATEGORIES).astype(int)
    for column in ("year", "outcome", "year_index", "menu"):
        table[column] = table[column].astype(int)
    table["prev_state"] = table["prev_state"].astype(float)
    return table
