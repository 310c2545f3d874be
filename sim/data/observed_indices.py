"""The observed indices derived from the validated tables (O1, O2, O4, O6, O7, O8).

Pure functions of the tables :func:`sim.data.observed.load_observed` reads and checks; that
module re-exports them. Definitions and sources: ``sim/data/OBSERVED.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

YEARS = range(1991, 2025)
PARTNERS: tuple[str, ...] = (
    "POL", "CZE", "HUN", "SVK", "SVN", "EST", "LVA", "LTU", "ROU", "BGR", "ALB",
    "HRV", "MNE", "MKD", "FIN", "SWE", "UKR", "GEO", "MDA", "BLR", "ARM", "AZE",
)
# O6 event -> partner status level (the coding of Records.partners.status).
STATUS_EVENT_LEVEL = {"pfp": 1, "map": 2, "invitation": 2, "accession": 3}


def net_coop_index(events: pd.DataFrame, years: range = YEARS) -> pd.Series:
    """O4: sum of the pinned Goldstein weights of included events, by calendar year.

    ``O4[y] = sum(w(code_e) for included events e dated in year y)``; years without an
    included event are 0. The weight is the one looked up from the pinned table (column
    ``weight``), not any hand-entered number.

    Args:
        events: coded events with columns ``included``, ``year`` and ``weight``.
        years: the years to report.
    """
    inc = events[events["included"] == 1]
    totals = inc.groupby("year")["weight"].sum()
    out = totals.reindex(list(years), fill_value=0.0).astype(float)
    out.index.name = "year"
    return out.rename("net_coop")


def net_coop_stock(net_coop: pd.Series) -> pd.Series:
    """O4 as a stock: ``stock[y] = sum(net_coop[t] for t <= y)``, starting from the first year.

    The yearly index is a flow of acts; the relation R is a level, so the running sum is the
    reading comparable to it. Derived only; nothing is stored.
    """
    return net_coop.sort_index().cumsum().rename("net_coop_stock")


def unga_agreement_series(unga: pd.DataFrame, actor: str = "RUS",
                          counterpart: str = "USA") -> pd.Series:
    """O7 (default): agreement share of ``actor`` with ``counterpart`` by year, years with data."""
    rows = unga[(unga["actor"] == actor) & (unga["counterpart"] == counterpart)]
    out = rows.set_index("year")["value"].astype(float).sort_index()
    out.index.name = "year"
    return out.rename(f"unga_{actor.lower()}_{counterpart.lower()}")


def unga_alignment(unga: pd.DataFrame, partners: tuple[str, ...] = PARTNERS) -> pd.DataFrame:
    """O8: partner x year, agreement with the USA minus agreement with Russia.

    ``O8[p, y] = agree(p, USA, y) - agree(p, RUS, y)``; NaN where either share is missing, so
    a year without a vote is never filled. Columns are the years present in the file.
    """
    years = sorted(int(y) for y in unga["year"].unique())
    wide = unga.pivot_table(index="actor", columns=["counterpart", "year"], values="value",
                            aggfunc="first")
    out = pd.DataFrame(np.nan, index=pd.Index(partners, name="partner"), columns=years)
    for p in partners:
        if p not in wide.index:
            continue
        usa = wide.loc[p].get("USA", pd.Series(dtype=float)).reindex(years)
        rus = wide.loc[p].get("RUS", pd.Series(dtype=float)).reindex(years)
        out.loc[p] = (usa - rus).to_numpy(dtype=float)
    return out


def nato_milex_sum(milex: pd.DataFrame, members: pd.DataFrame) -> pd.Series:
    """O2: sum of SIPRI constant-2023 US$ m over NATO members at year end (accession year)."""
    rows = member_rows(milex, members)
    out = rows.groupby("year")["milex_const_usd_m"].sum()
    return out.rename("nato_milex")


def nato_burden(milex: pd.DataFrame, members: pd.DataFrame) -> pd.Series:
    """O2: NATO burden = sum(milex_i) / sum(GDP_i) * 100 over members with a SIPRI share.

    ``GDP_i = milex_i / (share_i / 100)`` is the GDP implied by SIPRI's own two figures, so the
    burden is a milex-weighted harmonic mean of members' shares. Members without a share
    (Iceland: no armed forces) drop out of numerator and denominator.
    """
    rows = member_rows(milex, members)
    rows = rows[rows["milex_pct_gdp"] > 0]
    gdp = rows["milex_const_usd_m"] / (rows["milex_pct_gdp"] / 100.0)
    by_year = pd.DataFrame({"year": rows["year"], "m": rows["milex_const_usd_m"], "g": gdp})
    sums = by_year.groupby("year")[["m", "g"]].sum()
    return (sums["m"] / sums["g"] * 100.0).rename("nato_burden")


def partner_status_levels(status_events: pd.DataFrame, years: range = YEARS) -> pd.DataFrame:
    """O6 as year-end levels: the highest level reached by any event dated up to that year."""
    row_of = {p: i for i, p in enumerate(PARTNERS)}
    columns = np.array(list(years))
    levels = np.zeros((len(PARTNERS), len(columns)), dtype=np.int64)
    for partner, event, year in zip(status_events["partner"], status_events["event"],
                                    status_events["year"], strict=True):
        later = columns >= year
        i = row_of[partner]
        levels[i, later] = np.maximum(levels[i, later], STATUS_EVENT_LEVEL[event])
    return pd.DataFrame(levels, index=pd.Index(PARTNERS, name="partner"), columns=list(years))


def member_rows(milex: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Country-years of NATO members at year end (acceded on or before 31 Dec of the year)."""
    rows = milex.merge(members, left_on="actor", right_on="iso3", how="inner")
    return rows[rows["year"] >= rows["accession_year"]]


def actor_series(milex: pd.DataFrame, actor: str, column: str, name: str) -> pd.Series:
    rows = milex[(milex["actor"] == actor) & milex[column].notna()]
    return rows.set_index("year")[column].astype(float).sort_index().rename(name)
