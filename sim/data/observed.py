"""The observed record O1-O8 that every paradigm is scored against.

``load_observed()`` reads package data only (``sim/data``), validates it and returns yearly
pandas objects indexed by calendar year (the state at the end of that year, as in
:mod:`sim.model.records`). Coding rules and sources: ``sim/data/OBSERVED.md``.

- O1 Russia and O2 NATO are derived here from ``milex.csv`` (SIPRI 2025 country figures) and
  the accession dates in ``countries.csv``; no O1/O2 figure is stored twice.
- O4 is computed here from ``event_coding.csv`` and the pinned weight table
  ``cameo_goldstein.csv``; no yearly total is entered by hand. Its cumulative (stock) reading
  is derived beside the yearly flow.
- O7 (RUS-USA UN General Assembly vote agreement) and O8 (each partner's agreement with the USA
  minus its agreement with Russia) are derived from ``unga_agreement.csv``; years without a
  recorded vote stay missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.core.errors import DataError
from sim.core.files import sha256_bytes
from sim.data.observed_indices import (  # re-exported: the derivations of the record
    PARTNERS,
    STATUS_EVENT_LEVEL,
    YEARS,
    actor_series,
    nato_burden,
    nato_milex_sum,
    net_coop_index,
    net_coop_stock,
    partner_status_levels,
    unga_agreement_series,
    unga_alignment,
)

DATA_DIR = Path(__file__).resolve().parent
# The citation key of the O5 coding rule: what a zero cell of observed_coercion.csv cites.
O5_RULE_KEY = "NATOSIM_O5_RULE"
# O4 coding table: where a coded act comes from, and the first id of acts the project added
# (ids below it are rows of chronology.csv).
EVENT_ORIGINS = ("chronology", "added")
ADDED_ID_MIN = 101
# The O4 inclusion rule, as the loader checks it: an included act has Russia and the NATO side
# (NATO, NATO states as treaty parties, or the United States) among its actors.
NATO_SIDE = frozenset({"NATO", "USA"})
# O7/O8: the two focal states every UNGA agreement is measured against.
UNGA_COUNTERPARTS = ("RUS", "USA")

FILES = {
    "milex": "milex.csv",
    "countries": "countries.csv",
    "status": "observed_status.csv",
    "events": "event_coding.csv",
    "weights": "cameo_goldstein.csv",
    "coercion": "observed_coercion.csv",
    "status_events": "observed_status_events.csv",
    "chronology": "chronology.csv",
    "unga": "unga_agreement.csv",
}
COLUMNS = {
    "milex": ("year", "actor", "milex_const_usd_m", "milex_pct_gdp", "source"),
    "countries": ("iso3", "nato_accession_date"),
    "status": ("year", "value", "rule", "chronology_ids", "source"),
    "events": ("chronology_id", "origin", "date", "included", "cameo_code", "goldstein",
               "direction", "actors", "input_milestone", "rationale", "source", "url"),
    "weights": ("code", "goldstein", "source"),
    "coercion": ("partner", "year", "value", "source"),
    "status_events": ("partner", "event", "date", "source"),
    "chronology": ("id", "date"),
    "unga": ("year", "actor", "counterpart", "value", "n_votes", "source"),
}
STR_COLUMNS = {"cameo_code", "code", "chronology_ids", "date", "nato_accession_date", "origin",
               "actors", "input_milestone", "url"}


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
        net_coop_stock: O4 read as a stock: the running sum of ``net_coop`` from 1991
            (derived; R is a level, the yearly index a flow).
        coercion: O5, partner x year DataFrame of levels 0-3.
        status_events: O6, tidy table ``partner, event, date, year`` (pfp/map/invitation/
            accession).
        partner_status: O6 as levels at year end, partner x year (0 none, 1 PfP,
            2 MAP/invited, 3 member), derived from ``status_events``.
        events: the coded events with the weight looked up in the pinned table.
        unga_rus_usa: O7, share of UNGA roll calls in which Russia and the USA cast the same
            vote, by year (1991-2019; 1991 is the USSR seat).
        unga_alignment: O8, partner x year DataFrame: agreement with the USA minus agreement
            with Russia, in [-1, 1]; NaN where either share is missing (no UN seat yet).
        unga: the tidy UNGA table ``year, actor, counterpart, value, n_votes, source``.
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
    net_coop_stock: pd.Series
    unga_rus_usa: pd.Series
    unga_alignment: pd.DataFrame
    unga: pd.DataFrame
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
    chronology = _chronology(tables["chronology"], folder / FILES["chronology"])
    events = _events(tables["events"], weights, chronology, folder / FILES["events"])
    members = _members(tables["countries"], folder / FILES["countries"])
    unga = _unga(tables["unga"], set(tables["countries"]["iso3"]), folder / FILES["unga"])
    net_coop = net_coop_index(events)
    milex = _milex(tables["milex"], folder / FILES["milex"])
    status_events = _status_events(tables["status_events"], folder / FILES["status_events"])
    return Observed(
        russia_milex=actor_series(milex, "RUS", "milex_const_usd_m", "russia_milex"),
        russia_burden=actor_series(milex, "RUS", "milex_pct_gdp", "russia_burden"),
        nato_milex=nato_milex_sum(milex, members),
        nato_burden=nato_burden(milex, members),
        status=_status(tables["status"], folder / FILES["status"]),
        net_coop=net_coop,
        coercion=_coercion(tables["coercion"], folder / FILES["coercion"]),
        status_events=status_events,
        partner_status=partner_status_levels(status_events),
        events=events,
        net_coop_stock=net_coop_stock(net_coop),
        unga_rus_usa=unga_agreement_series(unga),
        unga_alignment=unga_alignment(unga),
        unga=unga,
        hashes=hashes,
    )


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
    return table, sha256_bytes(raw)


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


def _chronology(table: pd.DataFrame, path: Path) -> dict[int, str]:
    ids = _integers(table, "id", path, 1, ADDED_ID_MIN - 1)
    if ids.duplicated().any():
        raise _bad(path, int(np.flatnonzero(ids.duplicated().to_numpy())[0]), "duplicate id")
    return dict(zip(ids, table["date"], strict=True))


def _events(table: pd.DataFrame, weights: dict[str, float], chronology: dict[int, str],
            path: Path) -> pd.DataFrame:
    """Validate the O4 coding table (one row per coded act) and look up each weight."""
    out = table.copy()
    out["included"] = _integers(table, "included", path, 0, 1)
    out["chronology_id"] = _integers(table, "chronology_id", path, 1, 10**6)
    dates = pd.to_datetime(table["date"], format="mixed", errors="coerce")
    if dates.isna().any():
        i = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise _bad(path, i, f"date must be YYYY-MM-DD or YYYY-MM, got {table['date'].iloc[i]!r}")
    out["year"] = dates.dt.year.astype(int)
    stated = _numeric(table, "goldstein", path)
    out["weight"] = np.nan
    for i, row in enumerate(out.itertuples()):
        _check_coded_act(row, chronology, path, i)
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
        raise _bad(path, i, "each event must be coded once (duplicate chronology_id)")
    _require_source(out, out["included"] == 1, path)
    return out


def _cell(value: object) -> str:
    return "" if pd.isna(value) else str(value).strip()


def _check_coded_act(row: object, chronology: dict[int, str], path: Path, i: int) -> None:
    """One row of the O4 coding table against the documented rules (OBSERVED.md, O4)."""
    eid, origin = int(row.chronology_id), _cell(row.origin)
    if origin not in EVENT_ORIGINS:
        raise _bad(path, i, f"origin must be one of {list(EVENT_ORIGINS)}, got {origin!r}")
    if origin == "chronology":
        if eid not in chronology:
            raise _bad(path, i, f"chronology_id {eid} is not a row of chronology.csv")
        if _cell(row.date) != _cell(chronology[eid]):
            raise _bad(path, i, f"date {row.date!r} differs from chronology.csv "
                                f"({chronology[eid]!r}) for id {eid}")
    elif eid < ADDED_ID_MIN:
        raise _bad(path, i, f"an added act needs an id of {ADDED_ID_MIN} or more, got {eid}")
    if row.included != 1:
        return
    actors = {a for a in _cell(row.actors).split(";") if a}
    if "RUS" not in actors or not actors & NATO_SIDE:
        raise _bad(path, i, f"an included act must run between Russia and the NATO side "
                            f"({sorted(NATO_SIDE)}), got actors {sorted(actors)}")
    if _cell(row.input_milestone):
        raise _bad(path, i, f"scenario input {_cell(row.input_milestone)!r} applies this act, "
                            "so it cannot also be scored (included must be 0)")
    keys = {k.strip() for k in _cell(row.source).split(";") if k.strip()}
    if origin == "added" and (not _cell(row.url) or not keys - {"GDELT_GOLDSTEIN"}):
        raise _bad(path, i, "an added act must cite its own source: a citation key besides "
                            "GDELT_GOLDSTEIN and a url")


def _unga(table: pd.DataFrame, countries: set[str], path: Path) -> pd.DataFrame:
    """Validate the UN General Assembly agreement table (O7, O8)."""
    out = table[["year", "actor", "counterpart", "value", "n_votes", "source"]].copy()
    out["year"] = _years(table, path)
    values = _numeric(table, "value", path)
    bad = values.isna() | ~values.between(0.0, 1.0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise _bad(path, i, f"value must be a share in [0, 1], got {table['value'].iloc[i]!r}")
    out["value"] = values.astype(float)
    out["n_votes"] = _integers(table, "n_votes", path, 1, 10**4)
    _require_source(table, pd.Series(True, index=table.index), path)
    for i, (actor, counterpart) in enumerate(zip(table["actor"], table["counterpart"],
                                                 strict=True)):
        if counterpart not in UNGA_COUNTERPARTS:
            raise _bad(path, i, f"counterpart must be one of {list(UNGA_COUNTERPARTS)}, "
                                f"got {counterpart!r}")
        if actor not in countries or actor == counterpart or actor == "USA":
            raise _bad(path, i, f"actor {actor!r} must be a country of countries.csv other than "
                                f"the counterpart (RUS-USA is written actor RUS)")
    dup = out.duplicated(["year", "actor", "counterpart"])
    if dup.any():
        raise _bad(path, int(np.flatnonzero(dup.to_numpy())[0]), "duplicate pair and year")
    if not ((out["actor"] == "RUS") & (out["counterpart"] == "USA")).any():
        raise DataError(str(path), "rows", "no RUS-USA rows (O7)")
    return out.sort_values(["actor", "counterpart", "year"]).reset_index(drop=True)


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
