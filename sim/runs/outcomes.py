"""Named outcomes of a sweep: reductions of one paradigm's Records to a number.

Outcomes are registered by name in :data:`OUTCOMES` (``register_outcome``); a sweep or a
sensitivity analysis names the outcomes it reduces every point's ensemble to. For
process-based runs an outcome's functions must be importable (module top level).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.core.errors import ParameterError
from sim.model.records import Records


@dataclass(frozen=True)
class Outcome:
    """A named scalar outcome of an ensemble.

    Attributes:
        name: column name in results tables.
        fn: ``Records -> float`` (NaN where undefined, e.g. a year outside the period).
        description: one line for ``--help`` and docs.
        per_replica: optional ``Records -> (K,) array``: the outcome of each replica on its
            own (for vectorised designs where each replica is a parameter point).
    """

    name: str
    fn: Callable[[Records], float]
    description: str
    per_replica: Callable[[Records], np.ndarray] | None = None

    def __call__(self, records: Records) -> float:
        return float(self.fn(records))


OUTCOMES: dict[str, Outcome] = {}


def register_outcome(
    name: str, description: str, per_replica: Callable[[Records], np.ndarray] | None = None
) -> Callable:
    """Decorator: add ``fn(records) -> float`` to :data:`OUTCOMES` under ``name``.

    For process-based sweeps the function must be importable (defined at module top level).
    ``per_replica`` (optional) gives every replica's own value at once.
    """

    def wrap(fn: Callable[[Records], float]) -> Callable[[Records], float]:
        OUTCOMES[name] = Outcome(name, fn, description, per_replica)
        return fn

    return wrap


def get_outcomes(names: Iterable[str | Outcome]) -> dict[str, Outcome]:
    """Look outcomes up by name (``Outcome`` objects pass through).

    Raises:
        ParameterError: an unknown name, listing the registered ones.
    """
    out: dict[str, Outcome] = {}
    for item in names:
        if isinstance(item, Outcome):
            out[item.name] = item
        elif item in OUTCOMES:
            out[item] = OUTCOMES[item]
        else:
            raise ParameterError("--outcome", str(item),
                                 f"unknown outcome; valid: {', '.join(OUTCOMES)}")
    if not out:
        raise ParameterError("--outcome", "", "name at least one outcome")
    return out


def _year_values(records: Records, column: str, year: int) -> pd.Series:
    s = records.series
    return s.loc[s["year"] == year, column]


def median_at(records: Records, column: str, year: int) -> float:
    """Median over replicas of a series column in one year (NaN if the year is not run)."""
    values = _year_values(records, column, year)
    return float(values.median()) if len(values) else math.nan


def first_year_median_at_least(
    records: Records, partner: str, column: str, threshold: float
) -> float:
    """First year in which the median over replicas of a partner column reaches a threshold
    (NaN if it never does)."""
    p = records.partners
    sel = p.loc[p["partner"] == partner, ["year", column]]
    med = sel.groupby("year")[column].median()
    hit = med.index[med.to_numpy() >= threshold]
    return float(hit[0]) if len(hit) else math.nan


def value_by_replica(records: Records, column: str, year: int) -> np.ndarray:
    """Each replica's value of a series column in one year, ``(K,)`` (NaN if not run)."""
    k = int(records.meta.get("replicas", records.series["replica"].max() + 1))
    rows = records.series[records.series["year"] == year]
    values = rows.set_index("replica")[column].astype(float)
    return values.reindex(range(k)).to_numpy()


def first_year_by_replica(
    records: Records, partner: str, column: str, threshold: float
) -> np.ndarray:
    """Each replica's first year in which a partner column reaches a threshold (NaN: never)."""
    k = int(records.meta.get("replicas", records.partners["replica"].max() + 1))
    p = records.partners
    hit = p[(p["partner"] == partner) & (p[column] >= threshold)]
    return hit.groupby("replica")["year"].min().astype(float).reindex(range(k)).to_numpy()


# Per-replica versions (module-level functions, so outcomes pickle to worker processes).
def _r_2008_each(records: Records) -> np.ndarray:
    return value_by_replica(records, "R", 2008)


def _r_2024_each(records: Records) -> np.ndarray:
    return value_by_replica(records, "R", 2024)


def _s0_2024_each(records: Records) -> np.ndarray:
    s = value_by_replica(records, "S", 2024)
    return np.where(np.isnan(s), np.nan, (s == 0).astype(float))


def _burden_2024_each(records: Records) -> np.ndarray:
    return value_by_replica(records, "russia_burden", 2024)


def _first_force_ukr_each(records: Records) -> np.ndarray:
    return first_year_by_replica(records, "UKR", "coercion", 2)


@register_outcome("R_2008", "median relation R at the end of 2008", _r_2008_each)
def r_2008(records: Records) -> float:
    return median_at(records, "R", 2008)


@register_outcome("R_2024", "median relation R at the end of 2024", _r_2024_each)
def r_2024(records: Records) -> float:
    return median_at(records, "R", 2024)


@register_outcome("S0_share_2024", "share of replicas with institutions suspended (S=0) in 2024",
                  _s0_2024_each)
def s0_share_2024(records: Records) -> float:
    values = _year_values(records, "S", 2024)
    return float((values == 0).mean()) if len(values) else math.nan


@register_outcome("russia_burden_2024", "median Russian military burden (% GDP) in 2024",
                  _burden_2024_each)
def russia_burden_2024(records: Records) -> float:
    return median_at(records, "russia_burden", 2024)


@register_outcome("first_force_UKR", "first year the median coercion of UKR is >= 2 (force)",
                  _first_force_ukr_each)
def first_force_ukr(records: Records) -> float:
    return first_year_median_at_least(records, "UKR", "coercion", 2)




DEFAULT_OUTCOMES: tuple[str, ...] = tuple(OUTCOMES)
