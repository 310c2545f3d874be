"""The headline table of a run: one row per paradigm."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from sim.model.records import Records

COERCION_WATCH = ("UKR", "GEO")


def year_ranges(years: Iterable[int]) -> str:
    """``[2008, 2014, 2015, 2016]`` → ``"2008, 2014–2016"``."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def _median_at(series: pd.DataFrame, column: str, year: int) -> float:
    values = series.loc[series["year"] == year, column]
    return float(values.median()) if len(values) else float("nan")


def _coercion_years(partners: pd.DataFrame, partner: str) -> str:
    """Years in which the median coercion against ``partner`` is at least 2 (limited force)."""
    rows = partners[partners["partner"] == partner]
    if rows.empty:
        return "n/a"
    medians = rows.groupby("year")["coercion"].median()
    return year_ranges(medians[medians >= 2].index.tolist()) or "—"


def summary_table(records: Records, anchor_year: int = 2008) -> pd.DataFrame:
    """One row per paradigm with the headline numbers of a run.

    Columns: median R in the first year, in ``anchor_year`` and in the last year; share of
    replicas with S = 0 in the last year; median Russian burden in the last year; and, per
    partner in ``COERCION_WATCH`` (UKR, GEO), the years in which the median coercion is at
    least 2 (limited force), as ranges (``"—"`` none, ``"n/a"`` partner not modelled).
    """
    first, last = records.years[0], records.years[-1]
    rows = []
    for paradigm in records.paradigms:
        series = records.series[records.series["paradigm"] == paradigm]
        partners = records.partners[records.partners["paradigm"] == paradigm]
        end = series[series["year"] == last]
        rows.append(
            {
                "paradigm": paradigm,
                f"R {first}": _median_at(series, "R", first),
                f"R {anchor_year}": _median_at(series, "R", anchor_year),
                f"R {last}": _median_at(series, "R", last),
                f"share S=0 {last}": float((end["S"] == 0).mean()) if len(end) else float("nan"),
                f"RUS burden {last}": _median_at(series, "russia_burden", last),
                **{f"coercion≥2 {p}": _coercion_years(partners, p) for p in COERCION_WATCH},
            }
        )
    return pd.DataFrame(rows)

