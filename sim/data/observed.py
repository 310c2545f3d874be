"""The observed record O1-O6 that every paradigm is scored against.

``load_observed()`` reads package data only (``sim/data``), validates it and returns yearly
pandas objects indexed by calendar year (the state at the end of that year, as in
:mod:`sim.model.records`). Coding rules and sources: ``sim/data/OBSERVED.md``.

- O1 Russia and O2 NATO are derived here from ``milex.csv`` (SIPRI 2025 country figures) and
  the accession dates in ``countries.csv``; no O1/O2 figure is stored twice.
- O4 is computed here from ``event_coding.csv`` and the pinned weight table
  ``cameo_goldstein.csv``; no yearly total is entered by hand.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.core.errors import DataError

DATA_DIR = Path(__file__).resolve().parent
YEARS = range(1991, 2025)
PARTNERS: tuple[str, ...] = (
    "POL", "CZE", "HUN", "SVK", "SVN", "EST", "LVA", "LTU", "ROU", "BGR", "ALB",
    "HRV", "MNE", "MKD", "FIN", "SWE", "UKR", "GEO", "MDA", "BLR", "ARM", "AZE",
)
# The citation key of the O5 coding rule: what a zero cell of observed_coercion.csv cites.
O5_RULE_KEY = "NATOSIM_O5_RULE"
# O6 event -> partner status level (the coding of Records.partners.status).
STATUS_EVENT_LEVEL = {"pfp": 1, "map": 2, "invitation": 2, "accession": 3}

FILES = {
    "milex": "milex.csv",
    "countries": "countries.csv",
    "status": "observed_status.csv",
    "events": "event_coding.csv",
    "weights": "cameo_goldstein.csv",
    "coercion": "observed_coercion.csv",
    "status_events": "observed_status_events.csv",
}
COLUMNS = {
    "milex": ("year", "actor", "milex_const_usd_m", "milex_pct_gdp", "source"),
    "countries": ("iso3", "nato_accession_date"),
    "status": ("year", "value", "rule", "chronology_ids", "source"),
    "events": ("chronology_id", "date", "included", "cameo_code", "goldstein", "direction",
               "rationale", "source"),
    "weights": ("code", "goldstein", "source"),
    "coercion": ("partner", "year", "value", "source"),
    "status_events": ("partner", "event", "date", "source"),
}
STR_COLUMNS = {"cameo_code", "code", "chronology_ids", "date", "nato_accession_date"}


@dataclass(frozen=True)
class Observed:
    """The observed record, one pandas object per observable (index: calendar year).

    Attributes:
        russia_milex: O1, constant 2023 US$ m, 1992-2024 (SIPRI has no Russia value for 1991).
        russia_burden: O1, % of GDP, 1992-2024.
        nato_milex: O2, sum over members at year end, constant 2023 US$ m (derived).
        nato_burden: O2, sum of milex / sum of SIPRI-implied GDP, % (derived).
        status: O3, institutional status S 0-4 at year end, 1991-2024.
        net_coop: O4, yearly sum of Goldstein weights of included events (0 if none).
        coercion: O5, partner x year DataFrame of levels 0-3.
        status_events: O6, tidy table ``partner, event, date, year`` (pfp/map/invitation/
            accession).
        partner_status: O6 as levels at year end, partner x year (0 none, 1 PfP,
            2 MAP/invited, 3 member), derived from ``status_events``.
        events: the coded events with the weight looked up in the pinned table.
        hashes: sha256 of every file read, by file name.
    """

    russia_milex: pd.Series
    russia_burden: pd.Series
    nato_milex: pd.Series
    nato_burden: pd.Series
    status: pd.Series
    net_coop: pd.Series
    coercion: pd.DataFrame
    status_events: pd.DataFrame
    partner_status: pd.DataFrame
    events: pd.DataFrame
    hashes: dict[str, str] = field(default_factory=dict)


def load_observed(data_dir: Path | str | None = None) -> Observed:
    """Read, validate and derive the observed record.

    Args:
        data_dir: folder holding the CSVs; defaults to the package's ``sim/data``.

    Returns:
        The :class:`Observed` record.

    Raises:
        DataError: a file is missing, lacks a column, or holds an invalid value.
    """
    folder = Path(data_dir) if data_dir is not None else DATA_DIR
    tables, hashes = {}, {}
    for key, name in FILES.items():
        tables[key], hashes[name] = _read(folder / name, COLUMNS[key])
    weights = _weights(tables["weights"], folder / FILES["weights"])
    events = _events(tables["events"], weights, folder / FILES["events"])
    members = _members(tables["countries"], folder / FILES["countries"])
    milex = _milex(tables["milex"], folder / FILES["milex"])
    status_events = _status_events(tables["status_events"], folder / FILES["status_events"])
    return Observed(
        russia_milex=_actor_series(milex, "RUS", "milex_const_usd_m", "russia_milex"),
        russia_burden=_actor_series(milex, "RUS", "milex_pct_gdp", "russia_burden"),
        nato_milex=nato_milex_sum(milex, members),
        nato_burden=nato_burden(milex, members),
        status=_status(tables["status"], folder / FILES["status"]),
        net_coop=net_coop_index(events),
        coercion=_coercion(tables["coercion"], folder / FILES["coercion"]),
        status_events=status_events,
        partner_status=partner_status_levels(status_events),
        events=events,
        hashes=hashes,
    )


# ------------------------------------------------------------------------------- derivations


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


def nato_milex_sum(milex: pd.DataFrame, members: pd.DataFrame) -> pd.Series:
    """O2: sum of SIPRI constant-2023 US$ m over NATO members at year end (accession year)."""
    rows = _member_rows(milex, members)
    out = rows.groupby("year")["milex_const_usd_m"].sum()
    return out.rename("nato_milex")


def nato_burden(milex: pd.DataFrame, members: pd.DataFrame) -> pd.Series:
    """O2: NATO burden = sum(milex_i) / sum(GDP_i) * 100 over members with a SIPRI share.

    ``GDP_i = milex_i / (share_i / 100)`` is the GDP implied by SIPRI's own two figures, so the
    burden is a milex-weighted harmonic mean of members' shares. Members without a share
    (Iceland: no armed forces) drop out of numerator and denominator.
    """
    rows = _member_rows(milex, members)
    rows = rows[rows["milex_pct_gdp"] > 0]
    gdp = rows["milex_const_usd_m"] / (rows["milex_pct_gdp"] / 100.0)
    by_year = pd.DataFrame({"year": rows["year"], "m": rows["milex_const_usd_m"], "g": gdp})
    sums = by_year.groupby("year")[["m", "g"]].sum()
    return (sums["m"] / sums["g"] * 100.0).rename("nato_burden")


def partner_status_levels(status_events: pd.DataFrame, years: range = YEARS) -> pd.DataFrame:
    """O6 as year-end levels: the highest level reached by any event dated up to that year."""
    out = pd.DataFrame(0, index=pd.Index(PARTNERS, name="partner"), columns=list(years))
    for row in status_events.itertuples():
        level = STATUS_EVENT_LEVEL[row.event]
        later = [y for y in years if y >= row.year]
        out.loc[row.partner, later] = np.maximum(out.loc[row.partner, later], level)
    return out


# ------------------------------------------------------------------------------- validation


def _read(path: Path, columns: tuple[str, ...]) -> tuple[pd.DataFrame, str]:
    if not path.is_file():
        raise DataError(str(path), "", "file not found")
    raw = path.read_bytes()
    try:
        dtypes = {c: str for c in STR_COLUMNS}
        table = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise DataError(str(path), "", f"not a readable CSV ({err})") from err
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DataError(str(path), "header", f"missing columns {missing}")
    return table, hashlib.sha256(raw).hexdigest()


def _bad(path: Path, index: int, message: str) -> DataError:
    return DataError(str(path), f"line {index + 2}", message)


def _numeric(table: pd.DataFrame, column: str, path: Path) -> pd.Series:
    values = pd.to_numeric(table[column], errors="coerce")
    bad = values.isna() & table[column].notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise _bad(path, i, f"{column} must be a number, got {table[column].iloc[i]!r}")
    return values


def _integers(table: pd.DataFrame, column: str, path: Path, lo: int, hi: int) -> pd.Series:
    values = _numeric(table, column, path)
    ok = values.notna() & (values == values.round()) & values.between(lo, hi)
    if not ok.all():
        i = int(np.flatnonzero(~ok.to_numpy())[0])
        raise _bad(path, i, f"{column} must be an integer in {lo}..{hi}, "
                            f"got {table[column].iloc[i]!r}")
    return values.astype(int)


def _years(table: pd.DataFrame, path: Path) -> pd.Series:
    return _integers(table, "year", path, 1900, 2100)


def _require_source(table: pd.DataFrame, mask: pd.Series, path: Path) -> None:
    missing = mask & table["source"].isna()
    if missing.any():
        raise _bad(path, int(np.flatnonzero(missing.to_numpy())[0]), "source is empty")


def _weights(table: pd.DataFrame, path: Path) -> dict[str, float]:
    weights = _numeric(table, "goldstein", path)
    if table["code"].duplicated().any():
        i = int(np.flatnonzero(table["code"].duplicated().to_numpy())[0])
        raise _bad(path, i, f"duplicate CAMEO code {table['code'].iloc[i]!r}")
    return dict(zip(table["code"], weights.astype(float), strict=True))


def _events(table: pd.DataFrame, weights: dict[str, float], path: Path) -> pd.DataFrame:
    out = table.copy()
    out["included"] = _integers(table, "included", path, 0, 1)
    dates = pd.to_datetime(table["date"], format="mixed", errors="coerce")
    if dates.isna().any():
        i = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise _bad(path, i, f"date must be YYYY-MM-DD or YYYY-MM, got {table['date'].iloc[i]!r}")
    out["year"] = dates.dt.year.astype(int)
    stated = _numeric(table, "goldstein", path)
    out["weight"] = np.nan
    for i, row in enumerate(out.itertuples()):
        if row.included != 1:
            continue
        if row.cameo_code not in weights:
            raise _bad(path, i, f"CAMEO code {row.cameo_code!r} is not in cameo_goldstein.csv")
        if not np.isclose(stated.iloc[i], weights[row.cameo_code]):
            raise _bad(path, i, f"goldstein {stated.iloc[i]} differs from the pinned weight "
                                f"{weights[row.cameo_code]} of code {row.cameo_code}")
        out.loc[out.index[i], "weight"] = weights[row.cameo_code]
    if out["chronology_id"].duplicated().any():
        i = int(np.flatnonzero(out["chronology_id"].duplicated().to_numpy())[0])
        raise _bad(path, i, "each chronology event must be coded once")
    _require_source(out, out["included"] == 1, path)
    return out


def _members(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    dates = pd.to_datetime(table["nato_accession_date"], errors="coerce")
    bad = dates.isna() & table["nato_accession_date"].notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise _bad(path, i, "nato_accession_date must be YYYY-MM-DD")
    joined = table.assign(accession_year=dates.dt.year)
    return joined.loc[dates.notna(), ["iso3", "accession_year"]]


def _milex(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    out = table.copy()
    out["year"] = _years(table, path)
    out["milex_const_usd_m"] = _numeric(table, "milex_const_usd_m", path)
    out["milex_pct_gdp"] = _numeric(table, "milex_pct_gdp", path)
    _require_source(out, out["milex_const_usd_m"].notna(), path)
    return out


def _member_rows(milex: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Country-years of NATO members at year end (acceded on or before 31 Dec of the year)."""
    rows = milex.merge(members, left_on="actor", right_on="iso3", how="inner")
    return rows[rows["year"] >= rows["accession_year"]]


def _actor_series(milex: pd.DataFrame, actor: str, column: str, name: str) -> pd.Series:
    rows = milex[(milex["actor"] == actor) & milex[column].notna()]
    return rows.set_index("year")[column].astype(float).sort_index().rename(name)


def _status(table: pd.DataFrame, path: Path) -> pd.Series:
    years = _years(table, path)
    values = _integers(table, "value", path, 0, 4)
    _require_source(table, pd.Series(True, index=table.index), path)
    if sorted(years) != list(YEARS):
        raise DataError(str(path), "year", f"must list every year {YEARS[0]}-{YEARS[-1]} once")
    out = pd.Series(values.to_numpy(), index=pd.Index(years, name="year"), name="status")
    return out.sort_index()


def _coercion(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    years = _years(table, path)
    values = _integers(table, "value", path, 0, 3)
    _require_source(table, pd.Series(True, index=table.index), path)
    rule_only = (values > 0) & (table["source"] == O5_RULE_KEY)
    if rule_only.any():
        i = int(np.flatnonzero(rule_only.to_numpy())[0])
        raise _bad(path, i, f"a non-zero level must cite the source of the act, not only "
                            f"{O5_RULE_KEY}")
    unknown = ~table["partner"].isin(PARTNERS)
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise _bad(path, i, f"unknown partner {table['partner'].iloc[i]!r}")
    long = pd.DataFrame({"partner": table["partner"], "year": years, "value": values})
    if long.duplicated(["partner", "year"]).any() or len(long) != len(PARTNERS) * len(YEARS):
        raise DataError(str(path), "rows", "need exactly one row per partner and year "
                                           f"({len(PARTNERS)} x {len(YEARS)}), zeros explicit")
    wide = long.pivot(index="partner", columns="year", values="value")
    return wide.loc[list(PARTNERS)]


def _status_events(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    unknown = ~table["event"].isin(list(STATUS_EVENT_LEVEL))
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise _bad(path, i, f"event must be one of {sorted(STATUS_EVENT_LEVEL)}")
    if (~table["partner"].isin(PARTNERS)).any():
        i = int(np.flatnonzero((~table["partner"].isin(PARTNERS)).to_numpy())[0])
        raise _bad(path, i, f"unknown partner {table['partner'].iloc[i]!r}")
    dates = pd.to_datetime(table["date"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        i = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise _bad(path, i, f"date must be YYYY-MM-DD, got {table['date'].iloc[i]!r}")
    _require_source(table, pd.Series(True, index=table.index), path)
    out = table[["partner", "event", "date", "source"]].copy()
    out["year"] = dates.dt.year.astype(int)
    return out.reset_index(drop=True)
