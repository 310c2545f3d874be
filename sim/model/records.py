"""Records: the one contract between a run and everything after it.

A run (one paradigm, K replicas) or a set of runs produces a :class:`Records`: two tidy
tables and a metadata dict. Scoring, plots, the CLI and notebooks read only this.

Year ``y`` is the state at the end of calendar year ``y``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

SERIES_COLUMNS: tuple[str, ...] = (
    "paradigm", "replica", "year", "R", "S", "H_R", "H_N",
    "russia_burden", "nato_burden", "russia_milex", "nato_milex",
    "xi", "memory", "menu", "suspended",
)
PARTNER_COLUMNS: tuple[str, ...] = (
    "paradigm", "replica", "year", "partner", "alignment", "status", "coercion",
    "L_R", "V_N", "G",
)
STATUS_LABELS = {0: "none", 1: "PfP", 2: "MAP/invited", 3: "member"}
S_LABELS = {0: "none/suspended", 1: "NACC/EAPC", 2: "PfP", 3: "PJC", 4: "NRC"}


@dataclass(frozen=True)
class Records:
    """Yearly outputs of one or more ensembles.

    Attributes:
        series: one row per paradigm x replica x year (columns ``SERIES_COLUMNS``).
        partners: one row per paradigm x replica x year x partner (``PARTNER_COLUMNS``).
        meta: scenario name, mode, seed, replicas, parameters per paradigm, milestones.
    """

    series: pd.DataFrame
    partners: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [c for c in SERIES_COLUMNS if c not in self.series.columns]
        missing += [c for c in PARTNER_COLUMNS if c not in self.partners.columns]
        if missing:
            raise ValueError(f"Records is missing columns: {missing}")

    @property
    def paradigms(self) -> list[str]:
        return list(dict.fromkeys(self.series["paradigm"]))

    @property
    def years(self) -> list[int]:
        return sorted(self.series["year"].unique().tolist())

    def quantiles(self, column: str, qs: tuple[float, ...] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Quantiles of a series column over replicas, by paradigm and year (long format)."""
        grouped = self.series.groupby(["paradigm", "year"], sort=False)[column]
        out = grouped.quantile(list(qs)).unstack()
        out.columns = [f"q{int(round(q * 100)):02d}" for q in qs]
        return out.reset_index()

    @staticmethod
    def concat(parts: list[Records]) -> Records:
        """Join the records of several paradigms run on the same scenario and seed."""
        if not parts:
            raise ValueError("no records to concatenate")
        meta = dict(parts[0].meta)
        meta["params"] = {}
        for part in parts:
            meta["params"].update(part.meta.get("params", {}))
        meta["paradigms"] = [p for part in parts for p in part.paradigms]
        return Records(
            series=pd.concat([p.series for p in parts], ignore_index=True),
            partners=pd.concat([p.partners for p in parts], ignore_index=True),
            meta=meta,
        )


_INT_COLUMNS = ("S", "menu", "suspended", "status", "coercion")


def records_from_arrays(
    paradigm: str,
    years,
    partners,
    series,
    partner_values,
    meta: dict[str, Any],
) -> Records:
    """Build Records from the model's arrays.

    Args:
        paradigm: the paradigm's name.
        years: ``(T,)`` recorded years.
        partners: P partner codes.
        series: ``(T, len(SERIES_COLUMNS) - 3, K)`` dyad-level values.
        partner_values: ``(T, len(PARTNER_COLUMNS) - 4, K, P)`` partner-level values.
        meta: run metadata.
    """
    import numpy as np

    years = np.asarray(years)
    n_years, _, k = series.shape
    n_partners = len(partners)
    if n_years == 0:  # before the first step: empty tables with the right columns
        meta = {**meta, "paradigms": [paradigm]}
        return Records(series=pd.DataFrame(columns=list(SERIES_COLUMNS)),
                       partners=pd.DataFrame(columns=list(PARTNER_COLUMNS)), meta=meta)
    flat = series.transpose(2, 0, 1).reshape(k * n_years, -1)
    frame = pd.DataFrame(flat, columns=list(SERIES_COLUMNS[3:]))
    frame.insert(0, "year", np.tile(years, k))
    frame.insert(0, "replica", np.repeat(np.arange(k), n_years))
    frame.insert(0, "paradigm", paradigm)
    pflat = partner_values.transpose(2, 0, 3, 1).reshape(k * n_years * n_partners, -1)
    pframe = pd.DataFrame(pflat, columns=list(PARTNER_COLUMNS[4:]))
    pframe.insert(0, "partner", np.tile(np.asarray(partners), k * n_years))
    pframe.insert(0, "year", np.tile(np.repeat(years, n_partners), k))
    pframe.insert(0, "replica", np.repeat(np.arange(k), n_years * n_partners))
    pframe.insert(0, "paradigm", paradigm)
    for df in (frame, pframe):
        for col in _INT_COLUMNS:
            if col in df:
                df[col] = df[col].astype("int64")
    meta = {**meta, "paradigms": [paradigm]}
    return Records(series=frame, partners=pframe, meta=meta)
